//! Billing and sprint bookings. Organisations gain their Stripe customer and the last
//! subscription state read from Stripe; products and monitors gain the flag that a downgrade
//! sets on what exceeds the new plan (paused, never deleted). Stripe events are recorded once
//! by id; plan changes are logged. Sprint slots are the operator's; bookings carry the
//! scorecard snapshot the founder chose to share.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    StripeCustomerId,
    SubscriptionId,
    SubscriptionStatus,
    SubscriptionPriceId,
    SubscriptionPeriodEnd,
    PastDueSince,
    BillingSyncedAt,
}
#[derive(DeriveIden)]
enum Products {
    Table,
    PausedByPlan,
}
#[derive(DeriveIden)]
enum Monitors {
    Table,
    PausedByPlan,
}
#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Id,
    EventType,
    ReceivedAt,
    ProcessedAt,
}
#[derive(DeriveIden)]
enum PlanChanges {
    Table,
    Id,
    OrgId,
    FromPlan,
    ToPlan,
    Reason,
    CreatedAt,
}
#[derive(DeriveIden)]
enum SprintSlots {
    Table,
    Id,
    StartsOn,
    Title,
    Capacity,
    Booked,
    PriceCents,
    DepositCents,
    Currency,
    CreatedAt,
}
#[derive(DeriveIden)]
enum SprintBookings {
    Table,
    Id,
    SlotId,
    OrgId,
    WorkspaceId,
    ProductId,
    AuditId,
    ProductName,
    Snapshot,
    ContactName,
    ContactEmail,
    Notes,
    Status,
    DepositCents,
    CheckoutSessionId,
    DepositPaidAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            string_len_null(Organizations::StripeCustomerId, 255),
            string_len_null(Organizations::SubscriptionId, 255),
            string_len_null(Organizations::SubscriptionStatus, 32),
            string_len_null(Organizations::SubscriptionPriceId, 255),
            timestamp_with_time_zone_null(Organizations::SubscriptionPeriodEnd),
            timestamp_with_time_zone_null(Organizations::PastDueSince),
            timestamp_with_time_zone_null(Organizations::BillingSyncedAt),
        ] {
            m.alter_table(Table::alter().table(Organizations::Table).add_column(column).take()).await?;
        }
        m.create_index(
            Index::create()
                .name("ux_organizations_stripe_customer")
                .table(Organizations::Table)
                .col(Organizations::StripeCustomerId)
                .unique()
                .take(),
        )
        .await?;
        m.alter_table(Table::alter().table(Products::Table).add_column(boolean(Products::PausedByPlan).default(false)).take()).await?;
        m.alter_table(Table::alter().table(Monitors::Table).add_column(boolean(Monitors::PausedByPlan).default(false)).take()).await?;

        m.create_table(
            Table::create()
                .table(StripeEvents::Table)
                .col(string_len(StripeEvents::Id, 255).primary_key())
                .col(string_len(StripeEvents::EventType, 128))
                .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                // Null until the event's effect is committed: a crash in between leaves it
                // null, and Stripe's retry processes it again.
                .col(timestamp_with_time_zone_null(StripeEvents::ProcessedAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanChanges::Table)
                .col(pk_uuid(PlanChanges::Id))
                .col(uuid(PlanChanges::OrgId))
                .col(string_len(PlanChanges::FromPlan, 32))
                .col(string_len(PlanChanges::ToPlan, 32))
                .col(string_len(PlanChanges::Reason, 255))
                .col(timestamp_with_time_zone(PlanChanges::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanChanges::Table, PlanChanges::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_plan_changes_org")
                .table(PlanChanges::Table)
                .col(PlanChanges::OrgId)
                .col(PlanChanges::CreatedAt)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SprintSlots::Table)
                .col(pk_uuid(SprintSlots::Id))
                .col(date(SprintSlots::StartsOn))
                .col(string_len(SprintSlots::Title, 200))
                .col(integer(SprintSlots::Capacity))
                // Seats taken; only ever changed by a conditional update that keeps
                // booked <= capacity, so concurrent bookings cannot overbook.
                .col(integer(SprintSlots::Booked))
                .col(big_integer(SprintSlots::PriceCents))
                .col(big_integer(SprintSlots::DepositCents))
                .col(string_len(SprintSlots::Currency, 3))
                .col(timestamp_with_time_zone(SprintSlots::CreatedAt))
                .check(Expr::col(SprintSlots::Booked).lte(Expr::col(SprintSlots::Capacity)))
                .check(Expr::col(SprintSlots::Booked).gte(0))
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_sprint_slots_starts_on").table(SprintSlots::Table).col(SprintSlots::StartsOn).take())
            .await?;

        m.create_table(
            Table::create()
                .table(SprintBookings::Table)
                .col(pk_uuid(SprintBookings::Id))
                .col(uuid(SprintBookings::SlotId))
                .col(uuid(SprintBookings::OrgId))
                .col(uuid(SprintBookings::WorkspaceId))
                // No foreign keys to the product or audit: the operator keeps the booking (and
                // its snapshot) when the founder deletes the product.
                .col(uuid(SprintBookings::ProductId))
                .col(uuid(SprintBookings::AuditId))
                .col(string_len(SprintBookings::ProductName, 200))
                .col(text_null(SprintBookings::Snapshot))
                .col(string_len(SprintBookings::ContactName, 200))
                .col(string_len(SprintBookings::ContactEmail, 254))
                .col(text(SprintBookings::Notes))
                .col(string_len(SprintBookings::Status, 24))
                .col(big_integer(SprintBookings::DepositCents))
                .col(string_len_null(SprintBookings::CheckoutSessionId, 255))
                .col(timestamp_with_time_zone_null(SprintBookings::DepositPaidAt))
                .col(uuid(SprintBookings::CreatedBy))
                .col(timestamp_with_time_zone(SprintBookings::CreatedAt))
                .col(timestamp_with_time_zone(SprintBookings::UpdatedAt))
                .foreign_key(ForeignKey::create().from(SprintBookings::Table, SprintBookings::SlotId).to(SprintSlots::Table, SprintSlots::Id))
                .foreign_key(
                    ForeignKey::create()
                        .from(SprintBookings::Table, SprintBookings::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(Index::create().name("ix_sprint_bookings_org").table(SprintBookings::Table).col(SprintBookings::OrgId).take())
            .await?;
        m.create_index(Index::create().name("ix_sprint_bookings_slot").table(SprintBookings::Table).col(SprintBookings::SlotId).take())
            .await?;
        m.create_index(
            Index::create()
                .name("ux_sprint_bookings_checkout")
                .table(SprintBookings::Table)
                .col(SprintBookings::CheckoutSessionId)
                .unique()
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SprintBookings::Table.into_iden(),
            SprintSlots::Table.into_iden(),
            PlanChanges::Table.into_iden(),
            StripeEvents::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        m.drop_index(Index::drop().name("ux_organizations_stripe_customer").table(Organizations::Table).to_owned()).await?;
        for column in [
            Organizations::StripeCustomerId,
            Organizations::SubscriptionId,
            Organizations::SubscriptionStatus,
            Organizations::SubscriptionPriceId,
            Organizations::SubscriptionPeriodEnd,
            Organizations::PastDueSince,
            Organizations::BillingSyncedAt,
        ] {
            m.alter_table(Table::alter().table(Organizations::Table).drop_column(column).take()).await?;
        }
        m.alter_table(Table::alter().table(Products::Table).drop_column(Products::PausedByPlan).take()).await?;
        m.alter_table(Table::alter().table(Monitors::Table).drop_column(Monitors::PausedByPlan).take()).await?;
        Ok(())
    }
}
