//! Row of `workspace_grants`: a client user may read one workspace. Generated shape; behaviour
//! lives in `team`.
use crate::ids::{GrantId, OrgId, UserId, WorkspaceId};
use crate::text_enum::Text;
use domain::role::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspace_grants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: GrantId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub role: Text<Role>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
