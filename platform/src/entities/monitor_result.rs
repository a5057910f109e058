//! Row of `monitor_results`: one check of one monitor for one schedule slot (short retention).
use crate::ids::{MonitorId, MonitorResultId, OrgId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitor_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: MonitorResultId,
    pub monitor_id: MonitorId,
    pub org_id: OrgId,
    pub slot: DateTimeUtc,
    pub checked_at: DateTimeUtc,
    pub ok: bool,
    pub latency_ms: Option<i32>,
    pub status_code: Option<i32>,
    pub message: Option<String>,
    /// An edge's challenge answered instead of the site: not measured, not in uptime.
    pub blocked: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
