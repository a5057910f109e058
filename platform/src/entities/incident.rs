//! Row of `incidents`: a confirmed outage of one monitor, open until confirmed recovery.
use crate::ids::{IncidentId, MonitorId, OrgId, ProductId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: IncidentId,
    pub org_id: OrgId,
    pub product_id: ProductId,
    pub monitor_id: MonitorId,
    pub opened_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub cause: String,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
