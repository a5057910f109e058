//! Row of `organizations`. Generated shape; behaviour lives in the service modules beside `entities`.
use crate::ids::OrgId;
use crate::text_enum::Text;
use domain::plans::Plan;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: OrgId,
    pub name: String,
    /// What the limits follow. Written only by `crate::billing` (from the subscription state)
    /// and by operators.
    pub plan: Text<Plan>,
    pub stripe_customer_id: Option<String>,
    pub subscription_id: Option<String>,
    /// Stripe's status as last read: trialing | active | past_due | unpaid | canceled | …
    /// Kept as Stripe's text (not `SubscriptionStatus`), so a status Stripe adds later is
    /// recorded as sent rather than folded into `Other`.
    pub subscription_status: Option<String>,
    pub subscription_price_id: Option<String>,
    pub subscription_period_end: Option<DateTimeUtc>,
    /// When the subscription was first seen past due; the grace period runs from here.
    pub past_due_since: Option<DateTimeUtc>,
    pub billing_synced_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
