use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    EmailVerifiedAt,
    PasswordChangedAt,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Name,
    Plan,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    OrgId,
    UserId,
    Role,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
    OrgId,
    Name,
    IsDefault,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}
#[derive(DeriveIden)]
enum EmailTokens {
    Table,
    Id,
    UserId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).take()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_len_uniq(Users::Email, 254))
                .col(string(Users::PasswordHash))
                .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Organizations::Table)
                .col(pk_uuid(Organizations::Id))
                .col(string_len(Organizations::Name, 200))
                .col(string_len(Organizations::Plan, 32))
                .col(timestamp_with_time_zone(Organizations::CreatedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(pk_uuid(Memberships::Id))
                .col(uuid(Memberships::OrgId))
                .col(uuid(Memberships::UserId))
                .col(string_len(Memberships::Role, 16))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .foreign_key(&mut fk((Memberships::Table, Memberships::OrgId), (Organizations::Table, Organizations::Id)))
                .foreign_key(&mut fk((Memberships::Table, Memberships::UserId), (Users::Table, Users::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_memberships_org_user")
                .table(Memberships::Table)
                .col(Memberships::OrgId)
                .col(Memberships::UserId)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_memberships_user").table(Memberships::Table).col(Memberships::UserId).take()).await?;
        m.create_table(
            Table::create()
                .table(Workspaces::Table)
                .col(pk_uuid(Workspaces::Id))
                .col(uuid(Workspaces::OrgId))
                .col(string_len(Workspaces::Name, 200))
                .col(boolean(Workspaces::IsDefault))
                .col(timestamp_with_time_zone(Workspaces::CreatedAt))
                .foreign_key(&mut fk((Workspaces::Table, Workspaces::OrgId), (Organizations::Table, Organizations::Id)))
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_workspaces_org").table(Workspaces::Table).col(Workspaces::OrgId).take()).await?;
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                // The id is a keyed hash of the cookie value: a database dump yields no usable session.
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(uuid(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .foreign_key(&mut fk((Sessions::Table, Sessions::UserId), (Users::Table, Users::Id)))
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_sessions_user").table(Sessions::Table).col(Sessions::UserId).take()).await?;
        m.create_table(
            Table::create()
                .table(EmailTokens::Table)
                .col(string_len(EmailTokens::Id, 64).primary_key())
                .col(uuid(EmailTokens::UserId))
                .col(string_len(EmailTokens::Purpose, 16))
                .col(timestamp_with_time_zone(EmailTokens::CreatedAt))
                .col(timestamp_with_time_zone(EmailTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(EmailTokens::UsedAt))
                .foreign_key(&mut fk((EmailTokens::Table, EmailTokens::UserId), (Users::Table, Users::Id)))
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_email_tokens_user").table(EmailTokens::Table).col(EmailTokens::UserId).take()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Workspaces::Table.into_iden(),
            Memberships::Table.into_iden(),
            Organizations::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
