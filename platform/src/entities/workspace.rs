//! Row of `workspaces`. Generated shape; behaviour lives in the service modules beside `entities`.
use crate::ids::{OrgId, WorkspaceId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: WorkspaceId,
    pub org_id: OrgId,
    pub name: String,
    pub is_default: bool,
    pub created_at: DateTimeUtc,
    /// The key in URLs (`/app/w/{slug}`); unique, never changed by a rename.
    pub slug: String,
    pub archived_at: Option<DateTimeUtc>,
    /// Mail the monthly report to the workspace's client users.
    pub monthly_report: bool,
    /// The month (`YYYY-MM`) whose report went out last.
    pub report_sent_for: Option<String>,
    /// When a scheduler queued the pending month's report (cleared when it is sent).
    pub report_claimed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
