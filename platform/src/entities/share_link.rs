//! Row of `share_links`. Generated shape; behaviour lives in `shares`.
use crate::ids::{OrgId, ProductId, ShareLinkId, UserId, WorkspaceId};
use crate::text_enum::Text;
use domain::share::{ShareKind, ShareMode};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ShareLinkId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    /// `scorecard` or `workspace`.
    pub kind: Text<ShareKind>,
    pub product_id: Option<ProductId>,
    /// `snapshot` or `latest`.
    pub mode: Text<ShareMode>,
    /// JSON of the shared view, for snapshot links.
    pub snapshot: Option<String>,
    pub label: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub views: i64,
    pub last_viewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
