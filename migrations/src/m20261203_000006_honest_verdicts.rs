//! Honest verdicts: an audit records the rubric that judged it, how much of it was measured
//! and what kept checks from running (score and grade were nullable already: an audit that
//! measured too little has neither). Products gain their `perf.latency` budgets. A monitor
//! result may be "blocked by the edge" (a CDN's challenge answered instead of the site): not
//! measured, so not counted in uptime, and a state of its own after consecutive such results.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Audits {
    Table,
    /// Null on audits stored before rubrics were versioned: those were judged by rubric 1.
    RubricVersion,
    /// JSON of `domain::scorecard::Coverage`.
    Coverage,
    /// JSON list of `domain::scorecard::Cause`.
    Causes,
}

#[derive(DeriveIden)]
enum MonitorResults {
    Table,
    Blocked,
}

#[derive(DeriveIden)]
enum Monitors {
    Table,
    ConsecutiveBlocked,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    LatencyBudgetMs,
    AiLatencyBudgetMs,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        for column in [integer_null(Audits::RubricVersion), text_null(Audits::Coverage), text_null(Audits::Causes)] {
            m.alter_table(Table::alter().table(Audits::Table).add_column(column).take()).await?;
        }
        for column in [integer_null(Products::LatencyBudgetMs), integer_null(Products::AiLatencyBudgetMs)] {
            m.alter_table(Table::alter().table(Products::Table).add_column(column).take()).await?;
        }
        m.alter_table(Table::alter().table(MonitorResults::Table).add_column(boolean(MonitorResults::Blocked).default(false)).take())
            .await?;
        m.alter_table(Table::alter().table(Monitors::Table).add_column(integer(Monitors::ConsecutiveBlocked).default(0)).take()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [Audits::RubricVersion, Audits::Coverage, Audits::Causes] {
            m.alter_table(Table::alter().table(Audits::Table).drop_column(column).take()).await?;
        }
        for column in [Products::LatencyBudgetMs, Products::AiLatencyBudgetMs] {
            m.alter_table(Table::alter().table(Products::Table).drop_column(column).take()).await?;
        }
        m.alter_table(Table::alter().table(MonitorResults::Table).drop_column(MonitorResults::Blocked).take()).await?;
        m.alter_table(Table::alter().table(Monitors::Table).drop_column(Monitors::ConsecutiveBlocked).take()).await?;
        Ok(())
    }
}
