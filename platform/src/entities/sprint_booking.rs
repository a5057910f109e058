//! Row of `sprint_bookings`. Generated shape; behaviour lives in `crate::sprints`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sprint_bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slot_id: Uuid,
    pub org_id: Uuid,
    pub workspace_id: Uuid,
    pub product_id: Uuid,
    pub audit_id: Uuid,
    pub product_name: String,
    /// The scorecard as the founder shared it (JSON), or None when they chose not to.
    pub snapshot: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
    /// awaiting_deposit | requested | confirmed | declined | expired
    pub status: String,
    pub deposit_cents: i64,
    pub checkout_session_id: Option<String>,
    pub deposit_paid_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
