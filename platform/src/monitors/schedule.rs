//! What the monitor scheduler changes: which monitors are due, claimed once per slot, and
//! what a batch job needs to check them.

use crate::db::internal;
use crate::entities::{monitor, organization};
use crate::ids::{MonitorId, OrgId};
use crate::tenancy::CrossTenant;
use chrono::{DateTime, Duration, Utc};
use domain::monitor::MonitorKind;
use domain::plans::{Plan, PlanTable};
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// One monitor check to run: which monitor, for which schedule slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCheck {
    pub monitor_id: MonitorId,
    pub slot: DateTime<Utc>,
}

/// Claims up to `limit` due monitors and moves each one's next slot on, in one transaction.
/// The move is conditional on the slot read, so of two schedulers only one claims a slot.
#[tracing::instrument(skip(_jobs, db))]
pub async fn claim_due(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    plans: &PlanTable,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DueCheck>, DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let due: Vec<(MonitorId, DateTime<Utc>, i32, OrgId)> = monitor::Entity::find()
        .select_only()
        .column(monitor::Column::Id)
        .column(monitor::Column::NextDueAt)
        .column(monitor::Column::IntervalSecs)
        .column(monitor::Column::OrgId)
        .filter(monitor::Column::Enabled.eq(true))
        .filter(monitor::Column::PausedByPlan.eq(false))
        .filter(crate::workspaces::in_live_workspace(monitor::Column::WorkspaceId))
        .filter(monitor::Column::NextDueAt.lte(now))
        .order_by_asc(monitor::Column::NextDueAt)
        .limit(limit)
        .into_tuple()
        .all(&txn)
        .await
        .map_err(internal)?;
    let orgs: Vec<OrgId> = due.iter().map(|d| d.3).collect::<std::collections::HashSet<_>>().into_iter().collect();
    let plan_of: HashMap<OrgId, Plan> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(orgs))
        .all(&txn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|o| (o.id, o.plan.0))
        .collect();
    let mut claimed = Vec::with_capacity(due.len());
    for (id, slot, interval, org_id) in due {
        // After a downgrade a monitor keeps its setting but runs no more often than the plan allows.
        let floor = plans.limits(plan_of.get(&org_id).copied().unwrap_or(Plan::Free)).monitor_min_interval_secs;
        let interval = i64::from(interval.max(1)).max(i64::from(floor));
        let behind = (now - slot).num_seconds().max(0);
        // Missed slots (the service was down) are skipped, not run in a burst.
        let next = slot + Duration::seconds((behind / interval + 1) * interval);
        let moved = monitor::Entity::update_many()
            .col_expr(monitor::Column::NextDueAt, Expr::value(next))
            .filter(monitor::Column::Id.eq(id))
            .filter(monitor::Column::NextDueAt.eq(slot))
            .exec(&txn)
            .await
            .map_err(internal)?;
        if moved.rows_affected == 1 {
            claimed.push(DueCheck { monitor_id: id, slot });
        }
    }
    txn.commit().await.map_err(internal)?;
    Ok(claimed)
}

/// What a monitor job needs to check one monitor.
#[derive(Debug, Clone)]
pub struct MonitorTarget {
    pub id: MonitorId,
    pub org_id: OrgId,
    pub kind: MonitorKind,
    pub target: String,
    pub expected_status: Option<u16>,
    pub keyword: Option<String>,
    pub latency_threshold_ms: Option<u32>,
}

/// The monitors of a batch (deleted or paused ones are left out).
pub async fn load_targets(db: &DatabaseConnection, _jobs: &CrossTenant, ids: &[MonitorId]) -> Result<Vec<MonitorTarget>, DomainError> {
    let rows = monitor::Entity::find()
        .filter(monitor::Column::Id.is_in(ids.iter().copied()))
        .filter(monitor::Column::Enabled.eq(true))
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|m| MonitorTarget {
            id: m.id,
            org_id: m.org_id,
            kind: m.kind.0,
            target: m.target,
            expected_status: m.expected_status.map(|s| s as u16),
            keyword: m.keyword,
            latency_threshold_ms: m.latency_threshold_ms.map(|v| v.max(0) as u32),
        })
        .collect())
}
