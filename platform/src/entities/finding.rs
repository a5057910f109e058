//! Row of `findings`: one check's outcome in one audit. Generated shape.
use crate::ids::{AuditId, FindingId, OrgId};
use crate::text_enum::Text;
use domain::scorecard::{Category, Severity, Status};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: FindingId,
    pub audit_id: AuditId,
    pub org_id: OrgId,
    pub position: i32,
    pub check_id: String,
    pub category: Text<Category>,
    pub severity: Text<Severity>,
    pub status: Text<Status>,
    /// The finding as JSON (`domain::scorecard::Finding`, as the engine wrote it).
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
