//! Monitors and incidents of the current tenant, and what the monitor jobs change: which
//! monitors are due, and the results with the state changes they cause.
//!
//! A result is stored once per monitor and schedule slot (a unique key), and only a result
//! stored for the first time moves counters, state, incidents and rollups, so a batch that runs
//! twice changes nothing the second time.

pub mod rollups;

use crate::db::internal;
use crate::entities::{incident, monitor, monitor_result, organization};
use crate::tenancy::TenantScope;
use chrono::{DateTime, Duration, Utc};
use domain::monitor::{IncidentView, MonitorKind, MonitorSpec, MonitorState, MonitorView};
use domain::plans::{Plan, PlanTable, Resource};
use domain::DomainError;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;
use uuid::Uuid;

fn scoped(scope: &TenantScope) -> sea_orm::Select<monitor::Entity> {
    monitor::Entity::find().filter(monitor::Column::OrgId.eq(scope.org_id())).filter(monitor::Column::WorkspaceId.eq(scope.workspace_id()))
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product_id))]
pub async fn list(db: &DatabaseConnection, scope: &TenantScope, product_id: Uuid) -> Result<Vec<MonitorView>, DomainError> {
    crate::products::get(db, scope, product_id).await?;
    let rows = scoped(scope)
        .filter(monitor::Column::ProductId.eq(product_id))
        .order_by_desc(monitor::Column::IsPrimary)
        .order_by_asc(monitor::Column::Name)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().map(to_view).collect())
}

/// Every monitor of the workspace (the dashboard).
pub async fn list_all(db: &DatabaseConnection, scope: &TenantScope) -> Result<Vec<MonitorView>, DomainError> {
    let rows = scoped(scope).order_by_asc(monitor::Column::Name).all(db).await.map_err(internal)?;
    Ok(rows.into_iter().map(to_view).collect())
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), monitor_id = %id))]
pub async fn get(db: &DatabaseConnection, scope: &TenantScope, id: Uuid) -> Result<MonitorView, DomainError> {
    scoped(scope).filter(monitor::Column::Id.eq(id)).one(db).await.map_err(internal)?.map(to_view).ok_or(DomainError::NotFound)
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product_id))]
pub async fn create(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    product_id: Uuid,
    spec: &MonitorSpec,
) -> Result<MonitorView, DomainError> {
    let product = crate::products::get(db, scope, product_id).await?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let plan = crate::quota::ensure_room(&txn, plans, scope.org_id(), Resource::Monitors).await?;
    ensure_interval(plans, plan, spec)?;
    // A monitor added to a paused product waits with it.
    let row =
        new_row(scope.org_id(), scope.workspace_id(), product_id, spec, false, product.paused).insert(&txn).await.map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    tracing::info!(monitor_id = %row.id, "monitor created");
    Ok(to_view(row))
}

/// The plan's shortest interval, checked on the server whatever the form said.
fn ensure_interval(plans: &PlanTable, plan: Plan, spec: &MonitorSpec) -> Result<(), DomainError> {
    let min = plans.limits(plan).monitor_min_interval_secs;
    if spec.interval_secs < min {
        return Err(DomainError::plan_limit(
            "monitor_min_interval",
            format!("The {} plan checks at most every {min} s; choose a longer interval or upgrade.", plan.label()),
        ));
    }
    Ok(())
}

/// The monitor made with a product: its main URL, checked at the plan's shortest interval.
pub async fn create_primary(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    workspace_id: Uuid,
    product_id: Uuid,
    url: &str,
    interval_secs: u32,
    paused: bool,
) -> Result<(), DomainError> {
    let spec = MonitorSpec {
        name: "Main URL".into(),
        kind: MonitorKind::Http,
        target: url.to_owned(),
        interval_secs,
        expected_status: None,
        keyword: None,
        latency_threshold_ms: None,
        confirm_failures: domain::monitor::DEFAULT_CONFIRMATIONS,
        confirm_successes: domain::monitor::DEFAULT_CONFIRMATIONS,
        enabled: true,
    };
    new_row(org_id, workspace_id, product_id, &spec, true, paused).insert(db).await.map_err(internal)?;
    Ok(())
}

fn new_row(org_id: Uuid, workspace_id: Uuid, product_id: Uuid, spec: &MonitorSpec, primary: bool, paused: bool) -> monitor::ActiveModel {
    let now = Utc::now();
    monitor::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        workspace_id: Set(workspace_id),
        product_id: Set(product_id),
        is_primary: Set(primary),
        paused_by_plan: Set(paused),
        state: Set(MonitorState::Unknown.as_str().into()),
        consecutive_failures: Set(0),
        consecutive_successes: Set(0),
        last_checked_at: Set(None),
        last_ok: Set(None),
        last_message: Set(None),
        last_latency_ms: Set(None),
        // Due at once: a new monitor reports within one scheduler tick.
        next_due_at: Set(whole_second(now)),
        open_incident_id: Set(None),
        cert_expiry_stage: Set(None),
        created_at: Set(now),
        ..spec_columns(spec, now)
    }
}

fn spec_columns(spec: &MonitorSpec, now: DateTime<Utc>) -> monitor::ActiveModel {
    monitor::ActiveModel {
        kind: Set(spec.kind.as_str().into()),
        name: Set(spec.name.clone()),
        target: Set(spec.target.clone()),
        interval_secs: Set(spec.interval_secs as i32),
        expected_status: Set(spec.expected_status.map(i32::from)),
        keyword: Set(spec.keyword.clone()),
        latency_threshold_ms: Set(spec.latency_threshold_ms.map(|v| v as i32)),
        confirm_failures: Set(spec.confirm_failures as i32),
        confirm_successes: Set(spec.confirm_successes as i32),
        enabled: Set(spec.enabled),
        updated_at: Set(now),
        ..Default::default()
    }
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), monitor_id = %id))]
pub async fn update(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    id: Uuid,
    spec: &MonitorSpec,
) -> Result<MonitorView, DomainError> {
    let existing = scoped(scope).filter(monitor::Column::Id.eq(id)).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    ensure_interval(plans, crate::quota::plan_of(db, scope.org_id()).await?, spec)?;
    let now = Utc::now();
    let changed_target = existing.target != spec.target || existing.kind != spec.kind.as_str();
    let mut row = monitor::ActiveModel { id: sea_orm::Unchanged(existing.id), ..spec_columns(spec, now) };
    if changed_target {
        // Another target: what was known about the old one no longer applies.
        row.state = Set(MonitorState::Unknown.as_str().into());
        row.consecutive_failures = Set(0);
        row.consecutive_successes = Set(0);
        row.cert_expiry_stage = Set(None);
    }
    if changed_target || existing.interval_secs != spec.interval_secs as i32 || (!existing.enabled && spec.enabled) {
        row.next_due_at = Set(whole_second(now));
    }
    let row = row.update(db).await.map_err(internal)?;
    Ok(to_view(row))
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), monitor_id = %id))]
pub async fn delete(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable, id: Uuid) -> Result<(), DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let result = monitor::Entity::delete_many()
        .filter(monitor::Column::Id.eq(id))
        .filter(monitor::Column::OrgId.eq(scope.org_id()))
        .filter(monitor::Column::WorkspaceId.eq(scope.workspace_id()))
        .exec(&txn)
        .await
        .map_err(internal)?;
    if result.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    // The room it frees goes to the oldest paused monitor, if a downgrade paused any.
    crate::quota::enforce(&txn, plans, scope.org_id(), Utc::now()).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

/// Incidents of one product (or of the whole workspace), newest first.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn incidents(
    db: &DatabaseConnection,
    scope: &TenantScope,
    product_id: Option<Uuid>,
    limit: u64,
) -> Result<Vec<IncidentView>, DomainError> {
    if let Some(id) = product_id {
        crate::products::get(db, scope, id).await?;
    }
    let product_ids: Vec<Uuid> = match product_id {
        Some(id) => vec![id],
        None => crate::products::list(db, scope).await?.into_iter().map(|p| p.id).collect(),
    };
    let rows = incident::Entity::find()
        .filter(incident::Column::OrgId.eq(scope.org_id()))
        .filter(incident::Column::ProductId.is_in(product_ids))
        .order_by_desc(incident::Column::OpenedAt)
        .limit(limit)
        .all(db)
        .await
        .map_err(internal)?;
    incident_views(db, rows).await
}

pub(crate) async fn incident_views(db: &impl ConnectionTrait, rows: Vec<incident::Model>) -> Result<Vec<IncidentView>, DomainError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.monitor_id).collect();
    let names: HashMap<Uuid, String> = monitor::Entity::find()
        .filter(monitor::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| IncidentView {
            id: r.id,
            product_id: r.product_id,
            monitor_id: r.monitor_id,
            monitor_name: names.get(&r.monitor_id).cloned().unwrap_or_else(|| "deleted monitor".into()),
            opened_at: r.opened_at,
            resolved_at: r.resolved_at,
            cause: r.cause,
            last_error: r.last_error,
        })
        .collect())
}

pub(crate) fn to_view(row: monitor::Model) -> MonitorView {
    MonitorView {
        id: row.id,
        product_id: row.product_id,
        kind: MonitorKind::parse(&row.kind).unwrap_or(MonitorKind::Http),
        name: row.name,
        target: row.target,
        interval_secs: row.interval_secs.max(0) as u32,
        expected_status: row.expected_status.map(|s| s as u16),
        keyword: row.keyword,
        latency_threshold_ms: row.latency_threshold_ms.map(|v| v.max(0) as u32),
        confirm_failures: row.confirm_failures.max(1) as u32,
        confirm_successes: row.confirm_successes.max(1) as u32,
        enabled: row.enabled,
        is_primary: row.is_primary,
        paused: row.paused_by_plan,
        state: MonitorState::parse(&row.state),
        last_checked_at: row.last_checked_at,
        last_ok: row.last_ok,
        last_message: row.last_message,
        last_latency_ms: row.last_latency_ms.map(|v| v.max(0) as u32),
        open_incident_id: row.open_incident_id,
    }
}

pub(crate) fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

// ---- The monitor jobs ---------------------------------------------------------------------

/// One monitor check to run: which monitor, for which schedule slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCheck {
    pub monitor_id: Uuid,
    pub slot: DateTime<Utc>,
}

/// Claims up to `limit` due monitors and moves each one's next slot on, in one transaction.
/// The move is conditional on the slot read, so of two schedulers only one claims a slot.
#[tracing::instrument(skip(db))]
pub async fn claim_due(db: &DatabaseConnection, plans: &PlanTable, now: DateTime<Utc>, limit: u64) -> Result<Vec<DueCheck>, DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let due: Vec<(Uuid, DateTime<Utc>, i32, Uuid)> = monitor::Entity::find()
        .select_only()
        .column(monitor::Column::Id)
        .column(monitor::Column::NextDueAt)
        .column(monitor::Column::IntervalSecs)
        .column(monitor::Column::OrgId)
        .filter(monitor::Column::Enabled.eq(true))
        .filter(monitor::Column::PausedByPlan.eq(false))
        .filter(monitor::Column::NextDueAt.lte(now))
        .order_by_asc(monitor::Column::NextDueAt)
        .limit(limit)
        .into_tuple()
        .all(&txn)
        .await
        .map_err(internal)?;
    let orgs: Vec<Uuid> = due.iter().map(|d| d.3).collect::<std::collections::HashSet<_>>().into_iter().collect();
    let plan_of: HashMap<Uuid, Plan> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(orgs))
        .all(&txn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|o| (o.id, Plan::parse(&o.plan)))
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
    pub id: Uuid,
    pub org_id: Uuid,
    pub kind: MonitorKind,
    pub target: String,
    pub expected_status: Option<u16>,
    pub keyword: Option<String>,
    pub latency_threshold_ms: Option<u32>,
}

/// The monitors of a batch (deleted or paused ones are left out).
pub async fn load_targets(db: &DatabaseConnection, ids: &[Uuid]) -> Result<Vec<MonitorTarget>, DomainError> {
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
            kind: MonitorKind::parse(&m.kind).unwrap_or(MonitorKind::Http),
            target: m.target,
            expected_status: m.expected_status.map(|s| s as u16),
            keyword: m.keyword,
            latency_threshold_ms: m.latency_threshold_ms.map(|v| v.max(0) as u32),
        })
        .collect())
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub monitor_id: Uuid,
    pub slot: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
    pub ok: bool,
    pub latency_ms: Option<u32>,
    pub status_code: Option<u16>,
    /// Why it failed, or what it saw ("200 OK in 35 ms").
    pub message: String,
    /// Days until the served certificate expires (HTTPS and TLS monitors).
    pub cert_days_left: Option<i64>,
}

/// Who a state change concerns, for the alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorRef {
    pub id: Uuid,
    pub org_id: Uuid,
    pub workspace_id: Uuid,
    pub product_id: Uuid,
    pub name: String,
    pub target: String,
}

/// A change that raises an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    IncidentOpened { incident_id: Uuid, monitor: MonitorRef, at: DateTime<Utc>, cause: String },
    IncidentResolved { incident_id: Uuid, monitor: MonitorRef, opened_at: DateTime<Utc>, at: DateTime<Utc> },
    CertExpiring { monitor: MonitorRef, days_left: i64, stage: i32 },
}

/// Certificate warnings go out once per stage, at 30, 14 and 7 days left.
pub const CERT_STAGES: [i32; 3] = [30, 14, 7];

/// The warning stage `days_left` falls in, if any: the smallest stage that is still ≥ it.
pub fn cert_stage(days_left: i64) -> Option<i32> {
    CERT_STAGES.iter().rev().copied().find(|stage| days_left <= i64::from(*stage))
}

/// Stores a batch of results and applies their consequences, in one transaction.
#[tracing::instrument(skip_all, fields(results = results.len()))]
pub async fn record(db: &DatabaseConnection, results: &[CheckResult]) -> Result<Vec<Transition>, DomainError> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let ids: Vec<Uuid> = results.iter().map(|r| r.monitor_id).collect();
    let mut monitors: HashMap<Uuid, monitor::Model> = monitor::Entity::find()
        .filter(monitor::Column::Id.is_in(ids))
        .all(&txn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut transitions = Vec::new();
    let mut touched = Vec::new();
    for result in results {
        let Some(m) = monitors.get_mut(&result.monitor_id) else { continue };
        let inserted = monitor_result::Entity::insert(monitor_result::ActiveModel {
            id: Set(Uuid::new_v4()),
            monitor_id: Set(m.id),
            org_id: Set(m.org_id),
            slot: Set(result.slot),
            checked_at: Set(result.checked_at),
            ok: Set(result.ok),
            latency_ms: Set(result.latency_ms.map(|v| v as i32)),
            status_code: Set(result.status_code.map(i32::from)),
            message: Set(Some(clip(&result.message, 500))),
        })
        .on_conflict(OnConflict::columns([monitor_result::Column::MonitorId, monitor_result::Column::Slot]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await
        .map_err(internal)?;
        if inserted == 0 {
            continue; // This slot was already recorded: a repeated batch.
        }
        crate::monitors::rollups::add_to_rollups(&txn, m, result).await?;
        apply(&txn, m, result, &mut transitions).await?;
        touched.push(m.id);
    }
    for id in touched {
        let m = &monitors[&id];
        monitor::Entity::update_many()
            .col_expr(monitor::Column::State, Expr::value(m.state.clone()))
            .col_expr(monitor::Column::ConsecutiveFailures, Expr::value(m.consecutive_failures))
            .col_expr(monitor::Column::ConsecutiveSuccesses, Expr::value(m.consecutive_successes))
            .col_expr(monitor::Column::LastCheckedAt, Expr::value(m.last_checked_at))
            .col_expr(monitor::Column::LastOk, Expr::value(m.last_ok))
            .col_expr(monitor::Column::LastMessage, Expr::value(m.last_message.clone()))
            .col_expr(monitor::Column::LastLatencyMs, Expr::value(m.last_latency_ms))
            .col_expr(monitor::Column::OpenIncidentId, Expr::value(m.open_incident_id))
            .col_expr(monitor::Column::CertExpiryStage, Expr::value(m.cert_expiry_stage))
            .filter(monitor::Column::Id.eq(id))
            .exec(&txn)
            .await
            .map_err(internal)?;
    }
    txn.commit().await.map_err(internal)?;
    Ok(transitions)
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Moves one monitor's counters and state for one new result.
async fn apply(txn: &impl ConnectionTrait, m: &mut monitor::Model, r: &CheckResult, out: &mut Vec<Transition>) -> Result<(), DomainError> {
    let who = || MonitorRef {
        id: m.id,
        org_id: m.org_id,
        workspace_id: m.workspace_id,
        product_id: m.product_id,
        name: m.name.clone(),
        target: m.target.clone(),
    };
    // A late result of an older slot (a retried batch) is stored but does not move the state.
    if m.last_checked_at.is_some_and(|last| last > r.checked_at) {
        return Ok(());
    }
    m.last_checked_at = Some(r.checked_at);
    m.last_ok = Some(r.ok);
    m.last_message = Some(clip(&r.message, 500));
    m.last_latency_ms = r.latency_ms.map(|v| v as i32);
    let state = MonitorState::parse(&m.state);
    if r.ok {
        m.consecutive_successes += 1;
        m.consecutive_failures = 0;
        match state {
            MonitorState::Down if m.consecutive_successes >= m.confirm_successes => {
                m.state = MonitorState::Up.as_str().into();
                if let Some(incident_id) = m.open_incident_id.take() {
                    let opened = incident::Entity::find_by_id(incident_id).one(txn).await.map_err(internal)?;
                    incident::Entity::update_many()
                        .col_expr(incident::Column::ResolvedAt, Expr::value(r.checked_at))
                        .filter(incident::Column::Id.eq(incident_id))
                        .filter(incident::Column::ResolvedAt.is_null())
                        .exec(txn)
                        .await
                        .map_err(internal)?;
                    let opened_at = opened.map(|i| i.opened_at).unwrap_or(r.checked_at);
                    out.push(Transition::IncidentResolved { incident_id, monitor: who(), opened_at, at: r.checked_at });
                }
            }
            MonitorState::Unknown => m.state = MonitorState::Up.as_str().into(),
            _ => {}
        }
    } else {
        m.consecutive_failures += 1;
        m.consecutive_successes = 0;
        if state != MonitorState::Down && m.consecutive_failures >= m.confirm_failures {
            m.state = MonitorState::Down.as_str().into();
            let incident_id = Uuid::new_v4();
            incident::ActiveModel {
                id: Set(incident_id),
                org_id: Set(m.org_id),
                product_id: Set(m.product_id),
                monitor_id: Set(m.id),
                opened_at: Set(r.checked_at),
                resolved_at: Set(None),
                cause: Set(clip(&r.message, 500)),
                last_error: Set(None),
            }
            .insert(txn)
            .await
            .map_err(internal)?;
            m.open_incident_id = Some(incident_id);
            out.push(Transition::IncidentOpened { incident_id, monitor: who(), at: r.checked_at, cause: clip(&r.message, 500) });
        } else if let Some(incident_id) = m.open_incident_id.filter(|_| state == MonitorState::Down) {
            incident::Entity::update_many()
                .col_expr(incident::Column::LastError, Expr::value(clip(&r.message, 500)))
                .filter(incident::Column::Id.eq(incident_id))
                .exec(txn)
                .await
                .map_err(internal)?;
        }
    }
    if let Some(days) = r.cert_days_left {
        match cert_stage(days) {
            Some(stage) if m.cert_expiry_stage.is_none_or(|sent| stage < sent) => {
                m.cert_expiry_stage = Some(stage);
                out.push(Transition::CertExpiring { monitor: who(), days_left: days, stage });
            }
            Some(_) => {}
            // Renewed: the next expiry warns again from the first stage.
            None => m.cert_expiry_stage = None,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_stages() {
        assert_eq!(cert_stage(45), None);
        assert_eq!(cert_stage(30), Some(30));
        assert_eq!(cert_stage(20), Some(30));
        assert_eq!(cert_stage(14), Some(14));
        assert_eq!(cert_stage(3), Some(7));
        assert_eq!(cert_stage(-2), Some(7));
    }
}
