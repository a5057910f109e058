//! Rollups of monitor results, their retention, and the public status page built on them
//! (the dashboard, which also reads products and audits, is `crate::dashboard`). Pages read
//! hourly/daily rollups, never the raw results.

use super::results::CheckResult;
use crate::db::internal;
use crate::entities::{incident, monitor, monitor_result, monitor_rollup, product};
use crate::ids::{MonitorId, OrgId, ProductId};
use crate::tenancy::CrossTenant;
use crate::text_enum::Text;
use chrono::{DateTime, Duration, DurationRound, TimeDelta, Utc};
use domain::dashboard::{latency_bucket, uptime_over, DayUptime, PublicIncident, PublicMonitor, StatusPage, HISTOGRAM_LEN};
use domain::monitor::MonitorState;
use domain::DomainError;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;

pub use crate::entities::monitor_rollup::Period;

impl Period {
    pub(crate) fn start_of(self, t: DateTime<Utc>) -> DateTime<Utc> {
        let unit = match self {
            Self::Hour => TimeDelta::hours(1),
            Self::Day => TimeDelta::days(1),
        };
        t.duration_trunc(unit).unwrap_or(t)
    }
}

/// Adds one new result to its monitor's hour and day. Counts are added by the database
/// (`ON CONFLICT … SET checks = checks + excluded.checks`), so concurrent writers never lose one.
pub(crate) async fn add_to_rollups(db: &impl ConnectionTrait, m: &monitor::Model, r: &CheckResult) -> Result<(), DomainError> {
    use monitor_rollup::Column as C;
    let mut histogram = [0i32; HISTOGRAM_LEN];
    if let Some(ms) = r.latency_ms {
        histogram[latency_bucket(ms)] = 1;
    }
    for period in [Period::Hour, Period::Day] {
        let row = monitor_rollup::ActiveModel {
            monitor_id: Set(m.id),
            period: Set(Text(period)),
            bucket_start: Set(period.start_of(r.checked_at)),
            org_id: Set(m.org_id),
            product_id: Set(m.product_id),
            checks: Set(1),
            failures: Set(i32::from(!r.ok)),
            server_errors: Set(i32::from(r.status_code.is_some_and(|s| s >= 500))),
            latency_sum_ms: Set(i64::from(r.latency_ms.unwrap_or(0))),
            lat0: Set(histogram[0]),
            lat1: Set(histogram[1]),
            lat2: Set(histogram[2]),
            lat3: Set(histogram[3]),
            lat4: Set(histogram[4]),
            lat5: Set(histogram[5]),
            lat6: Set(histogram[6]),
            lat7: Set(histogram[7]),
            lat8: Set(histogram[8]),
            lat9: Set(histogram[9]),
            lat10: Set(histogram[10]),
        };
        let adding = [
            C::Checks,
            C::Failures,
            C::ServerErrors,
            C::LatencySumMs,
            C::Lat0,
            C::Lat1,
            C::Lat2,
            C::Lat3,
            C::Lat4,
            C::Lat5,
            C::Lat6,
            C::Lat7,
            C::Lat8,
            C::Lat9,
            C::Lat10,
        ];
        let mut on_conflict = OnConflict::columns([C::MonitorId, C::Period, C::BucketStart]);
        for column in adding {
            on_conflict.value(column, crate::db::add_excluded(monitor_rollup::Entity, column));
        }
        monitor_rollup::Entity::insert(row).on_conflict(on_conflict.to_owned()).exec_without_returning(db).await.map_err(internal)?;
    }
    Ok(())
}

/// How long each kind of monitoring data is kept.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub raw: Duration,
    pub hourly: Duration,
    pub daily: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Self { raw: Duration::hours(48), hourly: Duration::days(14), daily: Duration::days(400) }
    }
}

/// Deletes what is past its retention; returns the number of raw results removed.
#[tracing::instrument(skip(_jobs, db))]
pub async fn expire(db: &DatabaseConnection, _jobs: &CrossTenant, now: DateTime<Utc>, retention: Retention) -> Result<u64, DomainError> {
    let raw = monitor_result::Entity::delete_many()
        .filter(monitor_result::Column::CheckedAt.lt(now - retention.raw))
        .exec(db)
        .await
        .map_err(internal)?;
    monitor_rollup::Entity::delete_many()
        .filter(monitor_rollup::Column::Period.eq(Text(Period::Hour)))
        .filter(monitor_rollup::Column::BucketStart.lt(now - retention.hourly))
        .exec(db)
        .await
        .map_err(internal)?;
    monitor_rollup::Entity::delete_many()
        .filter(monitor_rollup::Column::Period.eq(Text(Period::Day)))
        .filter(monitor_rollup::Column::BucketStart.lt(now - retention.daily))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(raw.rows_affected)
}

/// Daily rollups of some products since `since`.
pub(crate) async fn daily_rows(
    db: &DatabaseConnection,
    org_id: OrgId,
    product_ids: &[ProductId],
    since: DateTime<Utc>,
) -> Result<Vec<monitor_rollup::Model>, DomainError> {
    monitor_rollup::Entity::find()
        .filter(monitor_rollup::Column::OrgId.eq(org_id))
        .filter(monitor_rollup::Column::Period.eq(Text(Period::Day)))
        .filter(monitor_rollup::Column::BucketStart.gte(since))
        .filter(monitor_rollup::Column::ProductId.is_in(product_ids.iter().copied()))
        .all(db)
        .await
        .map_err(internal)
}

pub(crate) fn histogram_of(r: &monitor_rollup::Model) -> [u64; HISTOGRAM_LEN] {
    [r.lat0, r.lat1, r.lat2, r.lat3, r.lat4, r.lat5, r.lat6, r.lat7, r.lat8, r.lat9, r.lat10].map(|v| v.max(0) as u64)
}

/// `days` whole UTC days ending today, oldest first, filled from the rows (zero where none).
pub(crate) fn day_series(rows: &[&monitor_rollup::Model], today: DateTime<Utc>, days: i64) -> Vec<DayUptime> {
    let first = today - Duration::days(days - 1);
    let mut series: Vec<DayUptime> = (0..days).map(|i| DayUptime { day: first + Duration::days(i), checks: 0, failures: 0 }).collect();
    for r in rows {
        let index = (r.bucket_start - first).num_days();
        if let Some(day) = usize::try_from(index).ok().and_then(|i| series.get_mut(i)) {
            day.checks += r.checks.max(0) as u32;
            day.failures += r.failures.max(0) as u32;
        }
    }
    series
}

/// The public status page of a product whose owner turned it on; otherwise not found (the
/// same answer as for an unknown id).
#[tracing::instrument(skip(db))]
pub async fn status_page(
    db: &DatabaseConnection,
    plans: &domain::plans::PlanTable,
    product_id: ProductId,
) -> Result<StatusPage, DomainError> {
    let p = product::Entity::find_by_id(product_id)
        .one(db)
        .await
        .map_err(internal)?
        .filter(|p| p.status_page_enabled && !p.paused_by_plan)
        .ok_or(DomainError::NotFound)?;
    // After a downgrade the setting stays, but the page is off until the plan includes it again.
    if !plans.limits(crate::quota::plan_of(db, p.org_id).await?).status_pages {
        return Err(DomainError::NotFound);
    }
    let now = Utc::now();
    let today = Period::Day.start_of(now);
    let since = today - Duration::days(89);
    let monitors = monitor::Entity::find()
        .filter(monitor::Column::ProductId.eq(p.id))
        .filter(monitor::Column::Enabled.eq(true))
        .filter(monitor::Column::PausedByPlan.eq(false))
        .order_by_desc(monitor::Column::IsPrimary)
        .order_by_asc(monitor::Column::Name)
        .all(db)
        .await
        .map_err(internal)?;
    // Only what the page lists counts: a disabled or plan-paused monitor's history (its
    // uptime, its incidents) is not part of what the public is told.
    let listed: HashMap<MonitorId, String> = monitors.iter().map(|m| (m.id, m.name.clone())).collect();
    let rows = daily_rows(db, p.org_id, &[p.id], since).await?;
    let days = day_series(&rows.iter().filter(|r| listed.contains_key(&r.monitor_id)).collect::<Vec<_>>(), today, 90);
    let public: Vec<PublicMonitor> = monitors.iter().map(|m| PublicMonitor { name: m.name.clone(), state: m.state.0 }).collect();
    let overall = if public.iter().any(|m| m.state == MonitorState::Down) {
        MonitorState::Down
    } else if public.iter().any(|m| m.state == MonitorState::Blocked) {
        // Not an outage, and not "all operational" either: some service could not be seen.
        MonitorState::Blocked
    } else if public.is_empty() {
        MonitorState::Unknown
    } else {
        MonitorState::Up
    };
    let incidents = incident::Entity::find()
        .filter(incident::Column::ProductId.eq(p.id))
        .filter(incident::Column::MonitorId.is_in(listed.keys().copied()))
        .filter(incident::Column::OpenedAt.gte(since))
        .order_by_desc(incident::Column::OpenedAt)
        .limit(20)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(StatusPage {
        product_name: p.name,
        overall,
        monitors: public,
        uptime_90d: uptime_over(&days),
        days,
        incidents: incidents
            .into_iter()
            .map(|i| PublicIncident {
                monitor_name: listed.get(&i.monitor_id).cloned().unwrap_or_else(|| "A service".into()),
                opened_at: i.opened_at,
                resolved_at: i.resolved_at,
            })
            .collect(),
        generated_at: now,
        brand: crate::branding::brand_for(db, plans, p.org_id).await?,
    })
}
