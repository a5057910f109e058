//! Row of `findings`: one check's outcome in one audit. Generated shape.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub audit_id: Uuid,
    pub org_id: Uuid,
    pub position: i32,
    pub check_id: String,
    pub category: String,
    pub severity: String,
    pub status: String,
    /// The finding as JSON (`domain::scorecard::Finding`, as the engine wrote it).
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
