//! Row of `notification_channels`. `secret` is sealed (`crate::infra::sealed`); `hint` is what the
//! owner may see of the destination.
use crate::ids::{ChannelId, OrgId, WorkspaceId};
use crate::text_enum::Text;
use domain::plans::ChannelKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ChannelId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// email | slack | webhook
    pub kind: Text<ChannelKind>,
    pub hint: String,
    pub secret: String,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
}

/// Hand-written so a stray `{:?}` never prints the sealed secret, even encrypted.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationChannel")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("hint", &self.hint)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
