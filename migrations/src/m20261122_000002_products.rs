use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    Name,
    ApexDomain,
    AppHost,
    ApiHost,
    MailDomain,
    DkimSelectors,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ProductEndpoints {
    Table,
    Id,
    OrgId,
    ProductId,
    Position,
    Path,
    Access,
    Kind,
}
#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Products::Table)
                .col(pk_uuid(Products::Id))
                .col(uuid(Products::OrgId))
                .col(uuid(Products::WorkspaceId))
                .col(string_len(Products::Name, 100))
                .col(string_len(Products::ApexDomain, 253))
                .col(string_len_null(Products::AppHost, 253))
                .col(string_len_null(Products::ApiHost, 253))
                .col(string_len_null(Products::MailDomain, 253))
                // Selectors are a short, bounded list read whole with the product.
                .col(string_len(Products::DkimSelectors, 1024))
                .col(timestamp_with_time_zone(Products::CreatedAt))
                .col(timestamp_with_time_zone(Products::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Products::Table, Products::OrgId).to(Organizations::Table, Organizations::Id).on_delete(ForeignKeyAction::Cascade))
                .foreign_key(ForeignKey::create().from(Products::Table, Products::WorkspaceId).to(Workspaces::Table, Workspaces::Id).on_delete(ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_products_workspace_apex")
                .table(Products::Table)
                .col(Products::WorkspaceId)
                .col(Products::ApexDomain)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_products_org").table(Products::Table).col(Products::OrgId).take()).await?;
        m.create_table(
            Table::create()
                .table(ProductEndpoints::Table)
                .col(pk_uuid(ProductEndpoints::Id))
                .col(uuid(ProductEndpoints::OrgId))
                .col(uuid(ProductEndpoints::ProductId))
                .col(integer(ProductEndpoints::Position))
                .col(string_len(ProductEndpoints::Path, 512))
                .col(string_len(ProductEndpoints::Access, 16))
                .col(string_len(ProductEndpoints::Kind, 16))
                .foreign_key(
                    ForeignKey::create()
                        .from(ProductEndpoints::Table, ProductEndpoints::ProductId)
                        .to(Products::Table, Products::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_product_endpoints_product").table(ProductEndpoints::Table).col(ProductEndpoints::ProductId).take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProductEndpoints::Table).take()).await?;
        m.drop_table(Table::drop().table(Products::Table).take()).await
    }
}
