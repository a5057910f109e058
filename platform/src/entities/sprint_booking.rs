//! Row of `sprint_bookings`. Generated shape; behaviour lives in `crate::sprints`.
use crate::ids::{AuditId, BookingId, OrgId, ProductId, SlotId, UserId, WorkspaceId};
use crate::text_enum::Text;
use domain::sprint::BookingStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sprint_bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: BookingId,
    pub slot_id: SlotId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub product_id: ProductId,
    pub audit_id: AuditId,
    pub product_name: String,
    /// The scorecard as the founder shared it (JSON), or None when they chose not to.
    pub snapshot: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
    /// awaiting_deposit | requested | confirmed | declined | expired
    pub status: Text<BookingStatus>,
    pub deposit_cents: i64,
    pub checkout_session_id: Option<String>,
    pub deposit_paid_at: Option<DateTimeUtc>,
    pub created_by: UserId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
