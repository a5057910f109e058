//! Row of `monitors`. Generated shape; behaviour lives in `crate::monitors`.
use crate::ids::{IncidentId, MonitorId, OrgId, ProductId, WorkspaceId};
use crate::text_enum::Text;
use domain::monitor::{MonitorKind, MonitorState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: MonitorId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub product_id: ProductId,
    pub kind: Text<MonitorKind>,
    pub name: String,
    /// A URL (http), a host[:port] (tls_expiry) or a host name (dns).
    pub target: String,
    pub interval_secs: i32,
    pub expected_status: Option<i32>,
    pub keyword: Option<String>,
    pub latency_threshold_ms: Option<i32>,
    pub confirm_failures: i32,
    pub confirm_successes: i32,
    pub enabled: bool,
    /// The monitor made with the product for its main URL.
    pub is_primary: bool,
    /// Set while the plan allows fewer monitors than the organisation has, or the product is
    /// paused: the monitor is not checked, and it resumes by itself when there is room again.
    pub paused_by_plan: bool,
    pub state: Text<MonitorState>,
    pub consecutive_failures: i32,
    pub consecutive_successes: i32,
    pub last_checked_at: Option<DateTimeUtc>,
    pub last_ok: Option<bool>,
    pub last_message: Option<String>,
    pub last_latency_ms: Option<i32>,
    pub next_due_at: DateTimeUtc,
    pub open_incident_id: Option<IncidentId>,
    pub cert_expiry_stage: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Results in a row that met an edge's challenge instead of the site.
    pub consecutive_blocked: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
