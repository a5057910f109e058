use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Where mail goes in development when no SMTP server is configured; `/dev/outbox` reads it.
#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    ToAddress,
    Subject,
    BodyText,
    CreatedAt,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OutboxMessages::Table)
                .col(pk_uuid(OutboxMessages::Id))
                .col(string_len(OutboxMessages::ToAddress, 254))
                .col(string_len(OutboxMessages::Subject, 300))
                .col(text(OutboxMessages::BodyText))
                .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OutboxMessages::Table).take()).await
    }
}
