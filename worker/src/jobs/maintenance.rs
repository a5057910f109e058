//! Housekeeping on an apalis-cron schedule (every 15 s): queue the scheduled audits that are
//! due, re-queue audits and notifications whose job was lost (a crash between a row's insert
//! and its push), and expire raw monitor results and old rollups. Every step is idempotent,
//! so several processes running it at once do no harm.

use super::deps::Deps;
use apalis::prelude::{BoxDynError, Data};
use apalis_cron::Tick;
use chrono::{Duration, Utc};
use domain::jobs::AuditJob;

#[tracing::instrument(name = "job.maintenance", skip_all)]
pub async fn maintenance_tick(_tick: Tick, deps: Data<Deps>) -> Result<(), BoxDynError> {
    let deps = (*deps).clone();
    super::on_own_task(async move { run_once(&deps, Utc::now()).await }).await
}

/// One sweep as of `now`.
pub async fn run_once(deps: &Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
    for audit_id in domain::audits::schedule_due(&deps.db, now, &deps.plans).await? {
        deps.queues.audits.push(AuditJob { audit_id }).await?;
        tracing::info!(%audit_id, "scheduled audit queued");
    }
    // A queued audit that nobody started within two minutes lost its job.
    for audit_id in domain::audits::stale_queued(&deps.db, now - Duration::minutes(2)).await? {
        tracing::warn!(%audit_id, "re-queueing an audit whose job was lost");
        deps.queues.audits.push(AuditJob { audit_id }).await?;
    }
    let due = domain::alerts::due(&deps.db, now, 500).await?;
    deps.queues.deliver_all(&due).await;
    let expired = domain::monitoring::expire(&deps.db, now, deps.monitors.retention).await?;
    if expired > 0 {
        tracing::info!(expired, "old monitor results removed");
    }
    Ok(())
}
