//! Agencies: workspaces get a key for their URLs and can be archived; people join an
//! organisation by invitation (staff as owner, admin or member; clients with read-only grants
//! on chosen workspaces); and what people do to the organisation is kept in an activity log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
    /// The workspace in URLs (`/app/w/{slug}/…`): its name at creation plus random letters,
    /// unique across organisations and never changed by a rename, so shared links keep working.
    Slug,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WorkspaceGrants {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    UserId,
    /// Always `client` today: staff see every workspace through their membership.
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    OrgId,
    Email,
    Role,
    /// JSON list of workspace ids a client is invited to; empty for staff.
    WorkspaceIds,
    /// Keyed hash of the token in the mailed link; a new send replaces it.
    TokenHash,
    InvitedBy,
    CreatedAt,
    SentAt,
    ExpiresAt,
    AcceptedAt,
    AcceptedBy,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ActivityLog {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    ActorId,
    /// Kept as written: the log still names a person after their account is gone.
    ActorEmail,
    Action,
    Subject,
    ClientAddr,
    CreatedAt,
}

fn cascade(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).take()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Workspaces::Table).add_column(string_len_null(Workspaces::Slug, 80)).take()).await?;
        m.alter_table(Table::alter().table(Workspaces::Table).add_column(timestamp_with_time_zone_null(Workspaces::ArchivedAt)).take())
            .await?;
        // Existing workspaces get a random key; every new one gets its key from the code.
        let backfill = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE workspaces SET slug = 'default-' || substr(md5(random()::text || id::text), 1, 10)"
            }
            _ => "UPDATE workspaces SET slug = 'default-' || lower(hex(randomblob(5)))",
        };
        m.get_connection().execute_unprepared(backfill).await?;
        m.create_index(Index::create().name("ux_workspaces_slug").table(Workspaces::Table).col(Workspaces::Slug).unique().take()).await?;

        m.create_table(
            Table::create()
                .table(WorkspaceGrants::Table)
                .col(pk_uuid(WorkspaceGrants::Id))
                .col(uuid(WorkspaceGrants::OrgId))
                .col(uuid(WorkspaceGrants::WorkspaceId))
                .col(uuid(WorkspaceGrants::UserId))
                .col(string_len(WorkspaceGrants::Role, 16))
                .col(timestamp_with_time_zone(WorkspaceGrants::CreatedAt))
                .foreign_key(&mut cascade((WorkspaceGrants::Table, WorkspaceGrants::OrgId), (Organizations::Table, Organizations::Id)))
                .foreign_key(&mut cascade((WorkspaceGrants::Table, WorkspaceGrants::WorkspaceId), (Workspaces::Table, Workspaces::Id)))
                .foreign_key(&mut cascade((WorkspaceGrants::Table, WorkspaceGrants::UserId), (Users::Table, Users::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_workspace_grants_workspace_user")
                .table(WorkspaceGrants::Table)
                .col(WorkspaceGrants::WorkspaceId)
                .col(WorkspaceGrants::UserId)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_workspace_grants_user").table(WorkspaceGrants::Table).col(WorkspaceGrants::UserId).take())
            .await?;

        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(pk_uuid(Invitations::Id))
                .col(uuid(Invitations::OrgId))
                .col(string_len(Invitations::Email, 254))
                .col(string_len(Invitations::Role, 16))
                .col(text(Invitations::WorkspaceIds))
                .col(string_len_null(Invitations::TokenHash, 64))
                .col(uuid_null(Invitations::InvitedBy))
                .col(timestamp_with_time_zone(Invitations::CreatedAt))
                .col(timestamp_with_time_zone_null(Invitations::SentAt))
                .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                .col(uuid_null(Invitations::AcceptedBy))
                .col(timestamp_with_time_zone_null(Invitations::RevokedAt))
                .foreign_key(&mut cascade((Invitations::Table, Invitations::OrgId), (Organizations::Table, Organizations::Id)))
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitations::Table, Invitations::InvitedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_invitations_org").table(Invitations::Table).col(Invitations::OrgId).take()).await?;
        m.create_index(Index::create().name("ux_invitations_token").table(Invitations::Table).col(Invitations::TokenHash).unique().take())
            .await?;

        m.create_table(
            Table::create()
                .table(ActivityLog::Table)
                .col(pk_uuid(ActivityLog::Id))
                .col(uuid(ActivityLog::OrgId))
                .col(uuid_null(ActivityLog::WorkspaceId))
                .col(uuid_null(ActivityLog::ActorId))
                .col(string_len(ActivityLog::ActorEmail, 254))
                .col(string_len(ActivityLog::Action, 48))
                .col(string_len(ActivityLog::Subject, 500))
                .col(string_len_null(ActivityLog::ClientAddr, 64))
                .col(timestamp_with_time_zone(ActivityLog::CreatedAt))
                .foreign_key(&mut cascade((ActivityLog::Table, ActivityLog::OrgId), (Organizations::Table, Organizations::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activity_log_org_time")
                .table(ActivityLog::Table)
                .col(ActivityLog::OrgId)
                .col(ActivityLog::CreatedAt)
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [ActivityLog::Table.into_iden(), Invitations::Table.into_iden(), WorkspaceGrants::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        m.drop_index(Index::drop().name("ux_workspaces_slug").table(Workspaces::Table).to_owned()).await?;
        for column in [Workspaces::Slug, Workspaces::ArchivedAt] {
            m.alter_table(Table::alter().table(Workspaces::Table).drop_column(column).take()).await?;
        }
        Ok(())
    }
}
