//! Row of `products`. Generated shape; behaviour lives in the service modules beside `entities`.
use crate::ids::{OrgId, ProductId, WorkspaceId};
use crate::text_enum::Text;
use domain::plans::AuditSchedule;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ProductId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub apex_domain: String,
    pub app_host: Option<String>,
    pub api_host: Option<String>,
    pub mail_domain: Option<String>,
    /// Comma-joined, validated selector names.
    pub dkim_selectors: String,
    /// Capped by the plan.
    pub audit_schedule: Text<AuditSchedule>,
    pub next_audit_at: Option<DateTimeUtc>,
    /// The public status page is opt-in.
    pub status_page_enabled: bool,
    /// Set while the organisation's plan allows fewer products than it has (a downgrade):
    /// the product keeps its data but is not audited, monitored or shown publicly.
    pub paused_by_plan: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// `perf.latency`'s p95 budgets in ms; null for the defaults.
    pub latency_budget_ms: Option<i32>,
    pub ai_latency_budget_ms: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
