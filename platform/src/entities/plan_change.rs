//! Row of `plan_changes`: the log of every change of an organisation's plan. Generated shape;
//! behaviour lives in `crate::billing`.
use crate::ids::{OrgId, PlanChangeId};
use crate::text_enum::Text;
use domain::plans::Plan;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: PlanChangeId,
    pub org_id: OrgId,
    pub from_plan: Text<Plan>,
    pub to_plan: Text<Plan>,
    /// What caused it: a Stripe event id, `reconcile`, or `grace period ended`.
    pub reason: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
