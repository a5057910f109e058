//! Audits with their findings; monitors with raw results (short retention), hourly and daily
//! rollups, incidents; alert channels (secrets encrypted by the application) and the log of
//! every alert delivery. Products gain their schedule and status-page settings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    AuditSchedule,
    NextAuditAt,
    StatusPageEnabled,
}
#[derive(DeriveIden)]
enum Audits {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    ProductId,
    Trigger,
    ScheduledFor,
    Status,
    RequestedBy,
    Active,
    ChecksDone,
    ChecksTotal,
    Score,
    Grade,
    Decision,
    DecisionReason,
    Counts,
    EngineVersion,
    DurationMs,
    Requests,
    Error,
    Attempts,
    CreatedAt,
    StartedAt,
    FinishedAt,
}
#[derive(DeriveIden)]
enum Findings {
    Table,
    Id,
    AuditId,
    OrgId,
    Position,
    CheckId,
    Category,
    Severity,
    Status,
    Detail,
}
#[derive(DeriveIden)]
enum Monitors {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    ProductId,
    Kind,
    Name,
    Target,
    IntervalSecs,
    ExpectedStatus,
    Keyword,
    LatencyThresholdMs,
    ConfirmFailures,
    ConfirmSuccesses,
    Enabled,
    IsPrimary,
    State,
    ConsecutiveFailures,
    ConsecutiveSuccesses,
    LastCheckedAt,
    LastOk,
    LastMessage,
    LastLatencyMs,
    NextDueAt,
    OpenIncidentId,
    CertExpiryStage,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum MonitorResults {
    Table,
    Id,
    MonitorId,
    OrgId,
    Slot,
    CheckedAt,
    Ok,
    LatencyMs,
    StatusCode,
    Message,
}
#[derive(DeriveIden)]
enum MonitorRollups {
    Table,
    MonitorId,
    OrgId,
    ProductId,
    Period,
    BucketStart,
    Checks,
    Failures,
    ServerErrors,
    LatencySumMs,
    Lat0,
    Lat1,
    Lat2,
    Lat3,
    Lat4,
    Lat5,
    Lat6,
    Lat7,
    Lat8,
    Lat9,
    Lat10,
}
#[derive(DeriveIden)]
enum Incidents {
    Table,
    Id,
    OrgId,
    ProductId,
    MonitorId,
    OpenedAt,
    ResolvedAt,
    Cause,
    LastError,
}
#[derive(DeriveIden)]
enum NotificationChannels {
    Table,
    Id,
    OrgId,
    WorkspaceId,
    Name,
    Kind,
    Hint,
    Secret,
    Enabled,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    OrgId,
    ChannelId,
    ProductId,
    EventKey,
    EventKind,
    Subject,
    Payload,
    Status,
    Attempts,
    LastError,
    NextAttemptAt,
    CreatedAt,
    DeliveredAt,
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).take()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(Table::alter().table(Products::Table).add_column(string_len(Products::AuditSchedule, 16).default("weekly")).take())
            .await?;
        m.alter_table(Table::alter().table(Products::Table).add_column(timestamp_with_time_zone_null(Products::NextAuditAt)).take())
            .await?;
        m.alter_table(Table::alter().table(Products::Table).add_column(boolean(Products::StatusPageEnabled).default(false)).take()).await?;
        m.create_index(Index::create().name("ix_products_next_audit").table(Products::Table).col(Products::NextAuditAt).take()).await?;

        m.create_table(
            Table::create()
                .table(Audits::Table)
                .col(pk_uuid(Audits::Id))
                .col(uuid(Audits::OrgId))
                .col(uuid(Audits::WorkspaceId))
                .col(uuid(Audits::ProductId))
                .col(string_len(Audits::Trigger, 16))
                // The schedule slot of a scheduled audit: one audit per product and slot,
                // however many schedulers saw it due.
                .col(timestamp_with_time_zone_null(Audits::ScheduledFor))
                .col(string_len(Audits::Status, 16))
                .col(uuid_null(Audits::RequestedBy))
                .col(boolean(Audits::Active))
                .col(integer(Audits::ChecksDone))
                .col(integer(Audits::ChecksTotal))
                .col(integer_null(Audits::Score))
                .col(string_len_null(Audits::Grade, 4))
                .col(string_len_null(Audits::Decision, 24))
                .col(text_null(Audits::DecisionReason))
                .col(text_null(Audits::Counts))
                .col(string_len_null(Audits::EngineVersion, 32))
                .col(big_integer_null(Audits::DurationMs))
                .col(integer_null(Audits::Requests))
                .col(text_null(Audits::Error))
                .col(integer(Audits::Attempts))
                .col(timestamp_with_time_zone(Audits::CreatedAt))
                .col(timestamp_with_time_zone_null(Audits::StartedAt))
                .col(timestamp_with_time_zone_null(Audits::FinishedAt))
                .foreign_key(&mut fk((Audits::Table, Audits::OrgId), (Organizations::Table, Organizations::Id)))
                .foreign_key(&mut fk((Audits::Table, Audits::ProductId), (Products::Table, Products::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_audits_product_created").table(Audits::Table).col(Audits::ProductId).col(Audits::CreatedAt).take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audits_status").table(Audits::Table).col(Audits::Status).take()).await?;
        m.create_index(
            Index::create()
                .name("ux_audits_product_slot")
                .table(Audits::Table)
                .col(Audits::ProductId)
                .col(Audits::ScheduledFor)
                .unique()
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Findings::Table)
                .col(pk_uuid(Findings::Id))
                .col(uuid(Findings::AuditId))
                .col(uuid(Findings::OrgId))
                .col(integer(Findings::Position))
                .col(string_len(Findings::CheckId, 64))
                .col(string_len(Findings::Category, 32))
                .col(string_len(Findings::Severity, 16))
                .col(string_len(Findings::Status, 16))
                // The whole finding as JSON (summary, evidence already redacted, points, why,
                // fix, references): what the engine said at the time, whatever the catalog says later.
                .col(text(Findings::Detail))
                .foreign_key(&mut fk((Findings::Table, Findings::AuditId), (Audits::Table, Audits::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_findings_audit_check")
                .table(Findings::Table)
                .col(Findings::AuditId)
                .col(Findings::CheckId)
                .unique()
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Monitors::Table)
                .col(pk_uuid(Monitors::Id))
                .col(uuid(Monitors::OrgId))
                .col(uuid(Monitors::WorkspaceId))
                .col(uuid(Monitors::ProductId))
                .col(string_len(Monitors::Kind, 16))
                .col(string_len(Monitors::Name, 100))
                .col(string_len(Monitors::Target, 2048))
                .col(integer(Monitors::IntervalSecs))
                .col(integer_null(Monitors::ExpectedStatus))
                .col(string_len_null(Monitors::Keyword, 200))
                .col(integer_null(Monitors::LatencyThresholdMs))
                .col(integer(Monitors::ConfirmFailures))
                .col(integer(Monitors::ConfirmSuccesses))
                .col(boolean(Monitors::Enabled))
                .col(boolean(Monitors::IsPrimary))
                .col(string_len(Monitors::State, 16))
                .col(integer(Monitors::ConsecutiveFailures))
                .col(integer(Monitors::ConsecutiveSuccesses))
                .col(timestamp_with_time_zone_null(Monitors::LastCheckedAt))
                .col(boolean_null(Monitors::LastOk))
                .col(string_len_null(Monitors::LastMessage, 500))
                .col(integer_null(Monitors::LastLatencyMs))
                .col(timestamp_with_time_zone(Monitors::NextDueAt))
                .col(uuid_null(Monitors::OpenIncidentId))
                // The last certificate-expiry warning sent (30, 14 or 7 days), so each goes once.
                .col(integer_null(Monitors::CertExpiryStage))
                .col(timestamp_with_time_zone(Monitors::CreatedAt))
                .col(timestamp_with_time_zone(Monitors::UpdatedAt))
                .foreign_key(&mut fk((Monitors::Table, Monitors::ProductId), (Products::Table, Products::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_monitors_due").table(Monitors::Table).col(Monitors::Enabled).col(Monitors::NextDueAt).take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_monitors_product").table(Monitors::Table).col(Monitors::ProductId).take()).await?;
        m.create_index(Index::create().name("ix_monitors_org").table(Monitors::Table).col(Monitors::OrgId).take()).await?;

        m.create_table(
            Table::create()
                .table(MonitorResults::Table)
                .col(pk_uuid(MonitorResults::Id))
                .col(uuid(MonitorResults::MonitorId))
                .col(uuid(MonitorResults::OrgId))
                .col(timestamp_with_time_zone(MonitorResults::Slot))
                .col(timestamp_with_time_zone(MonitorResults::CheckedAt))
                .col(boolean(MonitorResults::Ok))
                .col(integer_null(MonitorResults::LatencyMs))
                .col(integer_null(MonitorResults::StatusCode))
                .col(string_len_null(MonitorResults::Message, 500))
                .foreign_key(&mut fk((MonitorResults::Table, MonitorResults::MonitorId), (Monitors::Table, Monitors::Id)))
                .take(),
        )
        .await?;
        // One result per monitor and slot: a re-run batch changes nothing.
        m.create_index(
            Index::create()
                .name("ux_monitor_results_slot")
                .table(MonitorResults::Table)
                .col(MonitorResults::MonitorId)
                .col(MonitorResults::Slot)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_monitor_results_checked").table(MonitorResults::Table).col(MonitorResults::CheckedAt).take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MonitorRollups::Table)
                .col(uuid(MonitorRollups::MonitorId))
                .col(uuid(MonitorRollups::OrgId))
                .col(uuid(MonitorRollups::ProductId))
                .col(string_len(MonitorRollups::Period, 8))
                .col(timestamp_with_time_zone(MonitorRollups::BucketStart))
                .col(integer(MonitorRollups::Checks))
                .col(integer(MonitorRollups::Failures))
                .col(integer(MonitorRollups::ServerErrors))
                .col(big_integer(MonitorRollups::LatencySumMs))
                // Latency histogram (bucket bounds in domain::monitoring::LATENCY_BUCKETS_MS):
                // counts add up under concurrent writers, and a p95 reads off it.
                .col(integer(MonitorRollups::Lat0))
                .col(integer(MonitorRollups::Lat1))
                .col(integer(MonitorRollups::Lat2))
                .col(integer(MonitorRollups::Lat3))
                .col(integer(MonitorRollups::Lat4))
                .col(integer(MonitorRollups::Lat5))
                .col(integer(MonitorRollups::Lat6))
                .col(integer(MonitorRollups::Lat7))
                .col(integer(MonitorRollups::Lat8))
                .col(integer(MonitorRollups::Lat9))
                .col(integer(MonitorRollups::Lat10))
                .primary_key(Index::create().col(MonitorRollups::MonitorId).col(MonitorRollups::Period).col(MonitorRollups::BucketStart))
                .foreign_key(&mut fk((MonitorRollups::Table, MonitorRollups::MonitorId), (Monitors::Table, Monitors::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_monitor_rollups_org_period")
                .table(MonitorRollups::Table)
                .col(MonitorRollups::OrgId)
                .col(MonitorRollups::Period)
                .col(MonitorRollups::BucketStart)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_monitor_rollups_product_period")
                .table(MonitorRollups::Table)
                .col(MonitorRollups::ProductId)
                .col(MonitorRollups::Period)
                .col(MonitorRollups::BucketStart)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Incidents::Table)
                .col(pk_uuid(Incidents::Id))
                .col(uuid(Incidents::OrgId))
                .col(uuid(Incidents::ProductId))
                .col(uuid(Incidents::MonitorId))
                .col(timestamp_with_time_zone(Incidents::OpenedAt))
                .col(timestamp_with_time_zone_null(Incidents::ResolvedAt))
                .col(string_len(Incidents::Cause, 500))
                .col(string_len_null(Incidents::LastError, 500))
                .foreign_key(&mut fk((Incidents::Table, Incidents::MonitorId), (Monitors::Table, Monitors::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_incidents_product_opened")
                .table(Incidents::Table)
                .col(Incidents::ProductId)
                .col(Incidents::OpenedAt)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_incidents_org_resolved")
                .table(Incidents::Table)
                .col(Incidents::OrgId)
                .col(Incidents::ResolvedAt)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(NotificationChannels::Table)
                .col(pk_uuid(NotificationChannels::Id))
                .col(uuid(NotificationChannels::OrgId))
                .col(uuid(NotificationChannels::WorkspaceId))
                .col(string_len(NotificationChannels::Name, 100))
                .col(string_len(NotificationChannels::Kind, 16))
                // What the owner may see of the destination (an address, a masked URL).
                .col(string_len(NotificationChannels::Hint, 200))
                // The destination and signing secret, sealed with the server key (AEAD).
                .col(text(NotificationChannels::Secret))
                .col(boolean(NotificationChannels::Enabled))
                .col(timestamp_with_time_zone(NotificationChannels::CreatedAt))
                .foreign_key(&mut fk((NotificationChannels::Table, NotificationChannels::OrgId), (Organizations::Table, Organizations::Id)))
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_channels_org").table(NotificationChannels::Table).col(NotificationChannels::OrgId).take())
            .await?;

        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_uuid(Notifications::Id))
                .col(uuid(Notifications::OrgId))
                .col(uuid(Notifications::ChannelId))
                .col(uuid_null(Notifications::ProductId))
                // What happened, once: "incident:<id>:opened", "cert:<monitor>:14", ...
                .col(string_len(Notifications::EventKey, 200))
                .col(string_len(Notifications::EventKind, 32))
                .col(string_len(Notifications::Subject, 300))
                .col(text(Notifications::Payload))
                .col(string_len(Notifications::Status, 16))
                .col(integer(Notifications::Attempts))
                .col(string_len_null(Notifications::LastError, 500))
                .col(timestamp_with_time_zone_null(Notifications::NextAttemptAt))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::DeliveredAt))
                .foreign_key(&mut fk((Notifications::Table, Notifications::ChannelId), (NotificationChannels::Table, NotificationChannels::Id)))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_notifications_event")
                .table(Notifications::Table)
                .col(Notifications::ChannelId)
                .col(Notifications::EventKey)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_status")
                .table(Notifications::Table)
                .col(Notifications::Status)
                .col(Notifications::NextAttemptAt)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_org_created")
                .table(Notifications::Table)
                .col(Notifications::OrgId)
                .col(Notifications::CreatedAt)
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            NotificationChannels::Table.into_iden(),
            Incidents::Table.into_iden(),
            MonitorRollups::Table.into_iden(),
            MonitorResults::Table.into_iden(),
            Monitors::Table.into_iden(),
            Findings::Table.into_iden(),
            Audits::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        m.drop_index(Index::drop().name("ix_products_next_audit").table(Products::Table).to_owned()).await?;
        for column in [Products::AuditSchedule.into_iden(), Products::NextAuditAt.into_iden(), Products::StatusPageEnabled.into_iden()] {
            m.alter_table(Table::alter().table(Products::Table).drop_column(column).take()).await?;
        }
        Ok(())
    }
}
