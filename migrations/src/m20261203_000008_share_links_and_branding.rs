//! Share links (a read-only copy of a scorecard or of a workspace's summary, without signing
//! in), an organisation's branding for white-label pages, and the monthly client report's
//! opt-in per workspace.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ShareLinks {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    /// `scorecard` or `workspace`.
    Kind,
    /// The product of a scorecard link.
    ProductId,
    /// `snapshot` (what it showed at creation, kept in `snapshot`) or `latest`.
    Mode,
    /// JSON of the shared view, for snapshot links.
    Snapshot,
    Label,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    Views,
    LastViewedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

/// An organisation's white-label branding; its own table, so reading an organisation (which
/// every plan check does) never reads a logo.
#[derive(DeriveIden)]
enum Brandings {
    Table,
    OrgId,
    Name,
    /// The uploaded logo's bytes and its media type (PNG, JPEG or WebP), with a content hash
    /// for its URL, so a new logo is a new URL and the old one may be cached for long.
    Logo,
    LogoType,
    LogoHash,
    /// `#rrggbb`.
    Accent,
    Footer,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
    /// Mail the monthly report to the workspace's client users.
    MonthlyReport,
    /// The month (`YYYY-MM`) whose report went out last, so a restarted scheduler never mails twice.
    ReportSentFor,
    /// When a scheduler queued the pending month's report: only one process queues it, and a
    /// claim that never became a sent report (a crash in between) is taken again hours later.
    ReportClaimedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn cascade(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).take()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ShareLinks::Table)
                .col(pk_uuid(ShareLinks::Id))
                .col(uuid(ShareLinks::OrgId))
                .col(uuid(ShareLinks::WorkspaceId))
                .col(string_len(ShareLinks::Kind, 16))
                .col(uuid_null(ShareLinks::ProductId))
                .col(string_len(ShareLinks::Mode, 16))
                .col(text_null(ShareLinks::Snapshot))
                .col(string_len(ShareLinks::Label, 120))
                .col(uuid_null(ShareLinks::CreatedBy))
                .col(timestamp_with_time_zone(ShareLinks::CreatedAt))
                .col(timestamp_with_time_zone(ShareLinks::ExpiresAt))
                .col(timestamp_with_time_zone_null(ShareLinks::RevokedAt))
                .col(big_integer(ShareLinks::Views).default(0))
                .col(timestamp_with_time_zone_null(ShareLinks::LastViewedAt))
                .foreign_key(&mut cascade((ShareLinks::Table, ShareLinks::OrgId), (Organizations::Table, Organizations::Id)))
                .foreign_key(&mut cascade((ShareLinks::Table, ShareLinks::WorkspaceId), (Workspaces::Table, Workspaces::Id)))
                .foreign_key(&mut cascade((ShareLinks::Table, ShareLinks::ProductId), (Products::Table, Products::Id)))
                .foreign_key(
                    ForeignKey::create()
                        .from(ShareLinks::Table, ShareLinks::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_share_links_workspace").table(ShareLinks::Table).col(ShareLinks::WorkspaceId).take())
            .await?;
        m.create_table(
            Table::create()
                .table(Brandings::Table)
                .col(uuid(Brandings::OrgId).primary_key())
                .col(string_len(Brandings::Name, 80))
                .col(blob_null(Brandings::Logo))
                .col(string_len_null(Brandings::LogoType, 32))
                .col(string_len_null(Brandings::LogoHash, 64))
                .col(string_len_null(Brandings::Accent, 7))
                .col(string_len(Brandings::Footer, 200))
                .col(timestamp_with_time_zone(Brandings::UpdatedAt))
                .foreign_key(&mut cascade((Brandings::Table, Brandings::OrgId), (Organizations::Table, Organizations::Id)))
                .take(),
        )
        .await?;
        // One column per statement: SQLite adds one column at a time.
        m.alter_table(Table::alter().table(Workspaces::Table).add_column(boolean(Workspaces::MonthlyReport).default(false)).take()).await?;
        m.alter_table(Table::alter().table(Workspaces::Table).add_column(string_len_null(Workspaces::ReportSentFor, 7)).take()).await?;
        m.alter_table(
            Table::alter().table(Workspaces::Table).add_column(timestamp_with_time_zone_null(Workspaces::ReportClaimedAt)).take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ShareLinks::Table).take()).await?;
        m.drop_table(Table::drop().table(Brandings::Table).take()).await?;
        for column in [Workspaces::MonthlyReport, Workspaces::ReportSentFor, Workspaces::ReportClaimedAt] {
            m.alter_table(Table::alter().table(Workspaces::Table).drop_column(column).take()).await?;
        }
        Ok(())
    }
}
