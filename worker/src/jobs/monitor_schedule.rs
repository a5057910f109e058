//! The monitor scheduler (apalis-cron, every few seconds): claims the due monitors and queues
//! them in batches for `monitor_batch`.

use super::deps::Deps;
use super::ScheduledJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use chrono::Utc;
use platform::jobs::MonitorBatchJob;

/// Due monitors claimed per round; the tick keeps claiming until none are due.
const CLAIM_LIMIT: u64 = 2000;

/// The scheduler, every `schedule_every_secs` (1–59 s).
pub struct ScheduleMonitors;

impl ScheduledJob for ScheduleMonitors {
    const NAME: &'static str = "monitor-schedule";
    fn schedule(_settings: &RunnerSettings, deps: &Deps) -> String {
        format!("*/{} * * * * *", deps.monitors.schedule_every_secs.clamp(1, 59))
    }
    async fn tick(deps: Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
        schedule_due(&deps, now).await.map(|_| ())
    }
}

/// Claims every monitor due at `now` and queues the batches; returns how many were queued.
#[tracing::instrument(name = "job.monitor_schedule", skip_all)]
pub async fn schedule_due(deps: &Deps, now: chrono::DateTime<Utc>) -> Result<usize, BoxDynError> {
    let mut queued = 0;
    loop {
        let due = platform::monitors::claim_due(&deps.db, &deps.all, &deps.plans, now, CLAIM_LIMIT).await?;
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
