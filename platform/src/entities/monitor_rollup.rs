//! Row of `monitor_rollups`: a monitor's hour or day in counts and a latency histogram.
use crate::ids::{MonitorId, OrgId, ProductId};
use crate::text_enum::{Text, TextEnum};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitor_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub monitor_id: MonitorId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: Text<Period>,
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket_start: DateTimeUtc,
    pub org_id: OrgId,
    pub product_id: ProductId,
    pub checks: i32,
    pub failures: i32,
    pub server_errors: i32,
    pub latency_sum_ms: i64,
    pub lat0: i32,
    pub lat1: i32,
    pub lat2: i32,
    pub lat3: i32,
    pub lat4: i32,
    pub lat5: i32,
    pub lat6: i32,
    pub lat7: i32,
    pub lat8: i32,
    pub lat9: i32,
    pub lat10: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The length of a rollup's bucket. Only `crate::monitors::rollups` writes rollups, so the enum
/// lives beside the table rather than in `domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Hour,
    Day,
}

impl TextEnum for Period {
    fn as_text(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
    fn from_text(text: &str) -> Option<Self> {
        [Self::Hour, Self::Day].into_iter().find(|p| p.as_text() == text)
    }
}
