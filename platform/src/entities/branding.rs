//! Row of `brandings`: an organisation's white-label name, logo, accent colour and footer.
//! Generated shape; behaviour lives in `branding`.
use crate::ids::OrgId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brandings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: OrgId,
    pub name: String,
    pub logo: Option<Vec<u8>>,
    pub logo_type: Option<String>,
    pub logo_hash: Option<String>,
    pub accent: Option<String>,
    pub footer: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
