//! Row of `audits`: one run of the engine against a product. Generated shape; behaviour lives
//! in `crate::audits`.
use crate::ids::{AuditId, OrgId, ProductId, UserId, WorkspaceId};
use crate::text_enum::Text;
use domain::audit::{AuditStatus, AuditTrigger};
use domain::scorecard::{Decision, Grade};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: AuditId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub product_id: ProductId,
    pub trigger: Text<AuditTrigger>,
    pub scheduled_for: Option<DateTimeUtc>,
    pub status: Text<AuditStatus>,
    pub requested_by: Option<UserId>,
    pub active: bool,
    pub checks_done: i32,
    pub checks_total: i32,
    pub score: Option<i32>,
    pub grade: Option<Text<Grade>>,
    pub decision: Option<Text<Decision>>,
    pub decision_reason: Option<String>,
    /// JSON of the scorecard's counts by status.
    pub counts: Option<String>,
    pub engine_version: Option<String>,
    pub duration_ms: Option<i64>,
    pub requests: Option<i32>,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// The rubric that judged the run; null on runs stored before rubrics were versioned (1).
    pub rubric_version: Option<i32>,
    /// JSON of the scorecard's coverage (checks that ran of those that apply).
    pub coverage: Option<String>,
    /// JSON list of the causes that kept checks from running.
    pub causes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
