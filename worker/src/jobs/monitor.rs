//! Monitors: a scheduler tick (apalis-cron, every few seconds) claims the due monitors and
//! queues them in batches; a batch job checks its monitors concurrently, records the results
//! in one transaction, and raises the alerts their state changes call for.

use super::deps::Deps;
use apalis::prelude::{BoxDynError, Data};
use apalis_cron::Tick;
use chrono::Utc;
use platform::alerts::AlertEvent;
use platform::jobs::MonitorBatchJob;
use platform::monitors::{CheckResult, MonitorTarget, Transition};
use std::collections::HashMap;
use uuid::Uuid;

/// Due monitors claimed per round; the tick keeps claiming until none are due.
const CLAIM_LIMIT: u64 = 2000;

#[tracing::instrument(name = "job.monitor_schedule", skip_all)]
pub async fn schedule_tick(_tick: Tick, deps: Data<Deps>) -> Result<(), BoxDynError> {
    let deps = (*deps).clone();
    super::on_own_task(async move { schedule_due(&deps, Utc::now()).await.map(|_| ()) }).await
}

/// Claims every monitor due at `now` and queues the batches; returns how many were queued.
pub async fn schedule_due(deps: &Deps, now: chrono::DateTime<Utc>) -> Result<usize, BoxDynError> {
    let mut queued = 0;
    loop {
        let due = platform::monitors::claim_due(&deps.db, &deps.plans, now, CLAIM_LIMIT).await?;
        let claimed = due.len();
        for chunk in due.chunks(deps.monitors.batch_size.max(1)) {
            let job = MonitorBatchJob { checks: chunk.iter().map(|d| (d.monitor_id, d.slot)).collect() };
            // A failed push loses these slots (the next ones are already scheduled); say so.
            if let Err(err) = deps.queues.monitors.push(job).await {
                tracing::error!(%err, monitors = chunk.len(), "monitor batch not queued; these checks are skipped this round");
            } else {
                queued += chunk.len();
            }
        }
        if (claimed as u64) < CLAIM_LIMIT {
            break;
        }
    }
    if queued > 0 {
        tracing::debug!(queued, "monitor checks queued");
    }
    Ok(queued)
}

#[tracing::instrument(name = "job.monitor_batch", skip_all, fields(checks = job.checks.len()))]
pub async fn run_batch(job: MonitorBatchJob, deps: Data<Deps>) -> Result<(), BoxDynError> {
    super::on_own_task(batch(job, (*deps).clone())).await
}

/// Checks one batch, storing the results as they come.
pub async fn batch(job: MonitorBatchJob, deps: Deps) -> Result<(), BoxDynError> {
    let slots: HashMap<Uuid, chrono::DateTime<Utc>> = job.checks.iter().copied().collect();
    let ids: Vec<Uuid> = slots.keys().copied().collect();
    let targets = platform::monitors::load_targets(&deps.db, &ids).await?;
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
const FLUSH_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

async fn store(deps: &Deps, results: Vec<CheckResult>) -> Result<(), BoxDynError> {
    let transitions = platform::monitors::record(&deps.db, &results).await?;
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
        latency_ms: outcome.latency_ms,
        status_code: outcome.status_code,
        message: outcome.message,
        cert_days_left: outcome.cert_days_left,
    }
}

async fn alert(deps: &Deps, transitions: Vec<Transition>) -> Result<(), BoxDynError> {
    let product_ids: Vec<Uuid> = transitions
        .iter()
        .map(|t| match t {
            Transition::IncidentOpened { monitor, .. }
            | Transition::IncidentResolved { monitor, .. }
            | Transition::CertExpiring { monitor, .. } => monitor.product_id,
        })
        .collect();
    let names: HashMap<Uuid, String> = platform::products::names_for_job(&deps.db, &product_ids).await?;
    for transition in transitions {
        let (monitor, event) = match transition {
            Transition::IncidentOpened { incident_id, monitor, at, cause } => {
                tracing::info!(monitor_id = %monitor.id, %incident_id, "incident opened");
                let event = AlertEvent::IncidentOpened {
                    incident_id,
                    product_id: monitor.product_id,
                    product: names.get(&monitor.product_id).cloned().unwrap_or_default(),
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
                    product: names.get(&monitor.product_id).cloned().unwrap_or_default(),
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
                    product: names.get(&monitor.product_id).cloned().unwrap_or_default(),
                    monitor: monitor.name.clone(),
                    target: monitor.target.clone(),
                    days_left,
                    stage,
                };
                (monitor, event)
            }
        };
        let ids = platform::alerts::raise(&deps.db, &deps.plans, &deps.alerts, monitor.org_id, monitor.workspace_id, &event).await?;
        deps.queues.deliver_all(&ids).await;
    }
    Ok(())
}
