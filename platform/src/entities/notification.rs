//! Row of `notifications`: one alert to one channel, with its delivery attempts.
use crate::ids::{ChannelId, NotificationId, OrgId, ProductId};
use crate::text_enum::Text;
use domain::channel::DeliveryStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: NotificationId,
    pub org_id: OrgId,
    pub channel_id: ChannelId,
    pub product_id: Option<ProductId>,
    pub event_key: String,
    pub event_kind: String,
    pub subject: String,
    /// JSON of `crate::alerts::AlertEvent`.
    pub payload: String,
    pub status: Text<DeliveryStatus>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
