//! A batch of monitor checks: checks its monitors concurrently, records the results a few at
//! a time, and queues the alerts their state changes call for (raised by `raise_alert`, each
//! on its own, so no tenant's channels weigh on the batch).

use super::deps::Deps;
use super::QueueJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use chrono::Utc;
use platform::alerts::AlertEvent;
use platform::ids::{MonitorId, ProductId};
use platform::jobs::{MonitorBatchJob, RaiseAlertJob};
use platform::monitors::{CheckResult, MonitorTarget, Transition};
use std::collections::HashMap;
use std::time::Duration;

/// The monitor queue: many batches at once; a batch may take three check timeouts (its checks
/// run concurrently, a few at a time) and the time to store them.
pub struct CheckBatch;

impl QueueJob for CheckBatch {
    type Payload = MonitorBatchJob;
    const NAME: &'static str = "monitor";
    fn concurrency(settings: &RunnerSettings) -> usize {
        settings.monitor_concurrency
    }
    fn timeout(_settings: &RunnerSettings, deps: &Deps) -> Duration {
        deps.monitors.check_timeout * 3 + Duration::from_secs(30)
    }
    async fn run(job: MonitorBatchJob, deps: Deps, _attempt: usize) -> Result<(), BoxDynError> {
        batch(job, deps).await
    }
}

/// Checks one batch, storing the results as they come.
#[tracing::instrument(name = "job.monitor_batch", skip_all, fields(checks = job.checks.len()))]
pub async fn batch(job: MonitorBatchJob, deps: Deps) -> Result<(), BoxDynError> {
    let slots: HashMap<MonitorId, chrono::DateTime<Utc>> = job.checks.iter().copied().collect();
    let ids: Vec<MonitorId> = slots.keys().copied().collect();
    let targets = platform::monitors::load_targets(&deps.db, &deps.all, &ids).await?;
    // Checks run on their own tasks (bounded by a semaphore), each owning what it needs.
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(deps.monitors.batch_concurrency.max(1)));
    let mut running = tokio::task::JoinSet::new();
    for target in targets {
        let Some(slot) = slots.get(&target.id).copied() else { continue };
        let probe = deps.probe.clone();
        let permits = permits.clone();
        running.spawn(async move {
            let _permit = permits.acquire_owned().await;
            check_one(&probe, &target, slot).await
        });
    }
    // Results are stored as they come, a few at a time: one slow check (a timeout) must not
    // hold back the others' results, nor their incidents and alerts.
    let mut pending: Vec<CheckResult> = Vec::new();
    let mut oldest: Option<tokio::time::Instant> = None;
    loop {
        let wait = oldest.map_or(FLUSH_AFTER, |at| FLUSH_AFTER.saturating_sub(at.elapsed()));
        let next = tokio::time::timeout(wait, running.join_next()).await;
        let finished = match next {
            Ok(Some(Ok(result))) => {
                oldest.get_or_insert_with(tokio::time::Instant::now);
                pending.push(result);
                false
            }
            Ok(Some(Err(err))) => {
                tracing::error!(%err, "a monitor check panicked");
                false
            }
            Ok(None) => true,
            Err(_elapsed) => false,
        };
        let due = oldest.is_some_and(|at| at.elapsed() >= FLUSH_AFTER);
        if !pending.is_empty() && (finished || due || pending.len() >= FLUSH_EVERY) {
            store(&deps, std::mem::take(&mut pending)).await?;
            oldest = None;
        }
        if finished {
            return Ok(());
        }
    }
}

/// Results stored together, at most this many or this old.
const FLUSH_EVERY: usize = 25;
const FLUSH_AFTER: Duration = Duration::from_millis(500);

async fn store(deps: &Deps, results: Vec<CheckResult>) -> Result<(), BoxDynError> {
    let transitions = platform::monitors::record(&deps.db, &deps.all, &results).await?;
    if !transitions.is_empty() {
        alert(deps, transitions).await?;
    }
    Ok(())
}

async fn check_one(probe: &crate::monitor::probe::Prober, target: &MonitorTarget, slot: chrono::DateTime<Utc>) -> CheckResult {
    let checked_at = Utc::now();
    let outcome = probe.check(target).await;
    CheckResult {
        monitor_id: target.id,
        slot,
        checked_at,
        ok: outcome.ok,
        blocked: outcome.blocked,
        latency_ms: outcome.latency_ms,
        status_code: outcome.status_code,
        message: outcome.message,
        cert_days_left: outcome.cert_days_left,
    }
}

async fn alert(deps: &Deps, transitions: Vec<Transition>) -> Result<(), BoxDynError> {
    let product_ids: Vec<ProductId> = transitions
        .iter()
        .map(|t| match t {
            Transition::IncidentOpened { monitor, .. }
            | Transition::IncidentResolved { monitor, .. }
            | Transition::CertExpiring { monitor, .. }
            | Transition::EdgeBlocked { monitor, .. }
            | Transition::EdgeCleared { monitor, .. } => monitor.product_id,
        })
        .collect();
    let names: HashMap<ProductId, String> = platform::products::names_for_job(&deps.db, &deps.all, &product_ids).await?;
    let product = |monitor: &platform::monitors::MonitorRef| names.get(&monitor.product_id).cloned().unwrap_or_default();
    for transition in transitions {
        let (monitor, event) = match transition {
            Transition::IncidentOpened { incident_id, monitor, at, cause } => {
                tracing::info!(monitor_id = %monitor.id, %incident_id, "incident opened");
                let event = AlertEvent::IncidentOpened {
                    incident_id,
                    product_id: monitor.product_id,
                    product: product(&monitor),
                    monitor: monitor.name.clone(),
                    target: monitor.target.clone(),
                    cause,
                    at,
                };
                (monitor, event)
            }
            Transition::IncidentResolved { incident_id, monitor, opened_at, at } => {
                tracing::info!(monitor_id = %monitor.id, %incident_id, "incident resolved");
                let event = AlertEvent::IncidentResolved {
                    incident_id,
                    product_id: monitor.product_id,
                    product: product(&monitor),
                    monitor: monitor.name.clone(),
                    target: monitor.target.clone(),
                    opened_at,
                    at,
                };
                (monitor, event)
            }
            Transition::CertExpiring { monitor, days_left, stage } => {
                let event = AlertEvent::CertificateExpiring {
                    monitor_id: monitor.id,
                    product_id: monitor.product_id,
                    product: product(&monitor),
                    monitor: monitor.name.clone(),
                    target: monitor.target.clone(),
                    days_left,
                    stage,
                };
                (monitor, event)
            }
            Transition::EdgeBlocked { monitor, at, cause } => {
                tracing::info!(monitor_id = %monitor.id, "monitor blocked by the edge");
                let event = AlertEvent::MonitorBlocked {
                    monitor_id: monitor.id,
                    product_id: monitor.product_id,
                    product: product(&monitor),
                    monitor: monitor.name.clone(),
                    target: monitor.target.clone(),
                    cause,
                    at,
                };
                (monitor, event)
            }
            Transition::EdgeCleared { monitor, at } => {
                tracing::info!(monitor_id = %monitor.id, "monitor reaches the site again");
                let event = AlertEvent::MonitorUnblocked {
                    monitor_id: monitor.id,
                    product_id: monitor.product_id,
                    product: product(&monitor),
                    monitor: monitor.name.clone(),
                    target: monitor.target.clone(),
                    at,
                };
                (monitor, event)
            }
        };
        deps.queues.alerts.push(RaiseAlertJob { org_id: monitor.org_id, workspace_id: monitor.workspace_id, event }).await?;
    }
    Ok(())
}
