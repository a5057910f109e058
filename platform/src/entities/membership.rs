//! Row of `memberships`. Generated shape; behaviour lives in the service modules beside `entities`.
use crate::ids::{MembershipId, OrgId, UserId};
use crate::text_enum::Text;
use domain::role::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: MembershipId,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub role: Text<Role>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
