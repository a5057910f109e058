//! Row of `invitations`. Generated shape; behaviour lives in `team::invitations`.
use crate::ids::{InvitationId, OrgId, UserId};
use crate::text_enum::Text;
use domain::role::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: InvitationId,
    pub org_id: OrgId,
    pub email: String,
    pub role: Text<Role>,
    /// JSON list of workspace ids (a client's); `[]` for staff.
    pub workspace_ids: String,
    /// Keyed hash of the token in the last mailed link; `None` until the first mail is sent.
    pub token_hash: Option<String>,
    pub invited_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub accepted_by: Option<UserId>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
