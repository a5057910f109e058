//! Monitors of the current tenant: list, create (within the plan's count and shortest
//! interval), update and delete. Every function takes a `TenantScope`.

use crate::db::internal;
use crate::entities::monitor;
use crate::ids::{MonitorId, ProductId};
use crate::products::ProductRef;
use crate::tenancy::Capability;
use crate::tenancy::TenantScope;
use crate::text_enum::Text;
use chrono::{DateTime, Utc};
use domain::monitor::{MonitorKind, MonitorSpec, MonitorState, MonitorView};
use domain::plans::{Plan, PlanTable, Resource};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};

fn scoped(scope: &TenantScope) -> sea_orm::Select<monitor::Entity> {
    crate::tenancy::scoped::select::<monitor::Entity>(scope)
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product_id))]
pub async fn list(db: &DatabaseConnection, scope: &TenantScope, product_id: ProductId) -> Result<Vec<MonitorView>, DomainError> {
    crate::products::check(db, scope, product_id).await?;
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
pub async fn get(db: &DatabaseConnection, scope: &TenantScope, id: MonitorId) -> Result<MonitorView, DomainError> {
    crate::tenancy::scoped::find::<monitor::Entity>(db, scope, id).await.map(to_view)
}

/// Adds a monitor to a product the caller checked (`products::check`).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product.id()))]
pub async fn create(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    product: ProductRef,
    spec: &MonitorSpec,
) -> Result<MonitorView, DomainError> {
    scope.require(Capability::Edit)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let plan = crate::quota::ensure_room(&txn, plans, scope.org_id(), Resource::Monitors).await?;
    ensure_interval(plans, plan, spec)?;
    // A monitor added to a paused product waits with it.
    let row = new_row(product, spec, false, product.paused()).insert(&txn).await.map_err(internal)?;
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
    product: ProductRef,
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
    new_row(product, &spec, true, paused).insert(db).await.map_err(internal)?;
    Ok(())
}

fn new_row(product: ProductRef, spec: &MonitorSpec, primary: bool, paused: bool) -> monitor::ActiveModel {
    let now = Utc::now();
    monitor::ActiveModel {
        id: Set(MonitorId::new_random()),
        org_id: Set(product.org_id()),
        workspace_id: Set(product.workspace_id()),
        product_id: Set(product.id()),
        is_primary: Set(primary),
        paused_by_plan: Set(paused),
        state: Set(Text(MonitorState::Unknown)),
        consecutive_failures: Set(0),
        consecutive_successes: Set(0),
        consecutive_blocked: Set(0),
        last_checked_at: Set(None),
        last_ok: Set(None),
        last_message: Set(None),
        last_latency_ms: Set(None),
        // Due at once: a new monitor reports within one scheduler tick.
        next_due_at: Set(crate::db::whole_second(now)),
        open_incident_id: Set(None),
        cert_expiry_stage: Set(None),
        created_at: Set(now),
        ..spec_columns(spec, now)
    }
}

fn spec_columns(spec: &MonitorSpec, now: DateTime<Utc>) -> monitor::ActiveModel {
    monitor::ActiveModel {
        kind: Set(Text(spec.kind)),
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
    id: MonitorId,
    spec: &MonitorSpec,
) -> Result<MonitorView, DomainError> {
    scope.require(Capability::Edit)?;
    let existing = crate::tenancy::scoped::find::<monitor::Entity>(db, scope, id).await?;
    ensure_interval(plans, crate::quota::plan_of(db, scope.org_id()).await?, spec)?;
    let now = Utc::now();
    let changed_target = existing.target != spec.target || existing.kind.0 != spec.kind;
    let mut row = monitor::ActiveModel { id: sea_orm::Unchanged(existing.id), ..spec_columns(spec, now) };
    if changed_target {
        // Another target: what was known about the old one no longer applies.
        row.state = Set(Text(MonitorState::Unknown));
        row.consecutive_failures = Set(0);
        row.consecutive_successes = Set(0);
        row.consecutive_blocked = Set(0);
        row.cert_expiry_stage = Set(None);
    }
    if changed_target || existing.interval_secs != spec.interval_secs as i32 || (!existing.enabled && spec.enabled) {
        row.next_due_at = Set(crate::db::whole_second(now));
    }
    let row = row.update(db).await.map_err(internal)?;
    Ok(to_view(row))
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), monitor_id = %id))]
pub async fn delete(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable, id: MonitorId) -> Result<(), DomainError> {
    scope.require(Capability::Edit)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    crate::tenancy::scoped::delete::<monitor::Entity>(&txn, scope, id).await?;
    // The room it frees goes to the oldest paused monitor, if a downgrade paused any.
    crate::quota::enforce(&txn, plans, scope.org_id(), Utc::now()).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

pub(crate) fn to_view(row: monitor::Model) -> MonitorView {
    MonitorView {
        id: row.id.uuid(),
        product_id: row.product_id.uuid(),
        kind: row.kind.0,
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
        state: row.state.0,
        last_checked_at: row.last_checked_at,
        last_ok: row.last_ok,
        last_message: row.last_message,
        last_latency_ms: row.last_latency_ms.map(|v| v.max(0) as u32),
        open_incident_id: row.open_incident_id.map(|i| i.uuid()),
    }
}
