//! Housekeeping on an apalis-cron schedule (every 15 s): queue the scheduled audits that are
//! due, re-queue audits and notifications whose job was lost (a crash between a row's insert
//! and its push), end the grace period of past-due subscriptions, release seats of unpaid
//! sprint deposits, queue the monthly reports due, and expire raw monitor results and old
//! rollups. Every step is idempotent, so several processes running it at once do no harm.

use super::deps::Deps;
use super::ScheduledJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use chrono::Utc;
use platform::jobs::{AuditJob, EmailJob, Job};

/// The sweep, on `RunnerSettings::maintenance_cron`.
pub struct Sweep;

impl ScheduledJob for Sweep {
    const NAME: &'static str = "maintenance";
    fn schedule(settings: &RunnerSettings, _deps: &Deps) -> String {
        settings.maintenance_cron.clone()
    }
    async fn tick(deps: Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
        run_once(&deps, now).await
    }
}

/// One sweep as of `now`.
#[tracing::instrument(name = "job.maintenance", skip_all)]
pub async fn run_once(deps: &Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
    // A past-due subscription past its grace period falls to Free (and what exceeds Free
    // pauses). First, so a product this pauses gets no scheduled audit in the same sweep.
    if let Some(stripe) = &deps.stripe {
        for change in platform::billing::end_grace_periods(&deps.db, &deps.all, &deps.plans, stripe.prices(), stripe.grace(), now).await? {
            tracing::info!(org_id = %change.org_id, to = change.to.as_str(), "grace period ended");
        }
    }
    for audit_id in platform::audits::schedule_due(&deps.db, &deps.all, now, &deps.plans).await? {
        deps.queues.audits.push(AuditJob { audit_id }).await?;
        tracing::info!(%audit_id, "scheduled audit queued");
    }
    // Every audit that waits (or runs) has a token on the audit queue, unless a crash came
    // between writing the row and pushing its job: then the missing tokens are pushed, and
    // never one more than are missing (a backlog waits, it is not lost).
    requeue_lost_audits(deps).await?;
    let due = platform::alerts::due(&deps.db, &deps.all, now, 500).await?;
    deps.queues.deliver_all(&due).await;
    // Seats held for a deposit that never came go back to their slot.
    for booking_id in platform::sprints::expire_unpaid(&deps.db, &deps.all, now).await? {
        tracing::info!(%booking_id, "unpaid sprint booking expired");
    }
    queue_monthly_reports(deps, now).await?;
    let expired = platform::monitors::rollups::expire(&deps.db, &deps.all, now, deps.monitors.retention).await?;
    if expired > 0 {
        tracing::info!(expired, "old monitor results removed");
    }
    Ok(())
}

/// From the first of a month, each opted-in workspace's report of the month before: claimed
/// by one process, then queued (a claim whose job cannot be queued is given back).
async fn queue_monthly_reports(deps: &Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
    for (workspace_id, month) in platform::reports::claim_due(&deps.db, &deps.all, now).await? {
        if let Err(err) = deps.queues.email.push(EmailJob::MonthlyReport { workspace_id, month: month.key() }).await {
            platform::reports::release_claim(&deps.db, &deps.all, workspace_id).await?;
            return Err(err.into());
        }
        tracing::info!(%workspace_id, month = %month.key(), "monthly report queued");
    }
    Ok(())
}

async fn requeue_lost_audits(deps: &Deps) -> Result<(), BoxDynError> {
    let needed = platform::audits::queue::count_needing_a_token(&deps.db, &deps.all).await?;
    if needed == 0 {
        return Ok(());
    }
    let tokens = platform::jobs::outstanding_in_queue(&deps.db, AuditJob::QUEUE).await?;
    let missing = needed.saturating_sub(tokens);
    if missing == 0 {
        return Ok(());
    }
    let Some(audit_id) = platform::audits::queue::oldest_needing_a_token(&deps.db, &deps.all).await? else { return Ok(()) };
    tracing::warn!(missing, %audit_id, "re-queueing audits whose job was lost");
    for _ in 0..missing {
        deps.queues.audits.push(AuditJob { audit_id }).await?;
    }
    Ok(())
}
