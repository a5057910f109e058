//! Row of `activity_log`. Generated shape; behaviour lives in `activity`.
use crate::ids::{ActivityId, OrgId, UserId, WorkspaceId};
use crate::text_enum::Text;
use domain::team::Activity;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ActivityId,
    pub org_id: OrgId,
    pub workspace_id: Option<WorkspaceId>,
    pub actor_id: Option<UserId>,
    pub actor_email: String,
    pub action: Text<Activity>,
    pub subject: String,
    pub client_addr: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
