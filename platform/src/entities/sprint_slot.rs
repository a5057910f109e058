//! Row of `sprint_slots`, published by the operator. Generated shape; behaviour lives in
//! `crate::sprints`.
use crate::ids::SlotId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sprint_slots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: SlotId,
    pub starts_on: Date,
    pub title: String,
    pub capacity: i32,
    /// Seats taken; changed only by conditional updates that keep it within capacity.
    pub booked: i32,
    pub price_cents: i64,
    /// Zero: booking needs no deposit.
    pub deposit_cents: i64,
    pub currency: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
