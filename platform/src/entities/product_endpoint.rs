//! Row of `product_endpoints`. Generated shape; behaviour lives in the service modules beside `entities`.
use crate::ids::{EndpointId, OrgId, ProductId};
use crate::text_enum::Text;
use domain::product::{Access, EndpointKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EndpointId,
    pub org_id: OrgId,
    pub product_id: ProductId,
    pub position: i32,
    pub path: String,
    pub access: Text<Access>,
    pub kind: Text<EndpointKind>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
