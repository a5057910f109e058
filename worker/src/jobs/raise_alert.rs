//! Raises one alert event outside the monitor batch that saw it: a notification per channel
//! of the workspace (those the plan allows, up to its channel count), then a delivery job for
//! each. A retry after a failure raises nothing twice (one notification per channel and event).

use super::deps::Deps;
use super::QueueJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use platform::jobs::RaiseAlertJob;
use std::time::Duration;

/// The alert queue: a few at once; each is a handful of inserts and pushes.
pub struct RaiseAlert;

impl QueueJob for RaiseAlert {
    type Payload = RaiseAlertJob;
    const NAME: &'static str = "alert";
    fn concurrency(_settings: &RunnerSettings) -> usize {
        4
    }
    fn timeout(_settings: &RunnerSettings, _deps: &Deps) -> Duration {
        Duration::from_secs(60)
    }
    async fn run(job: RaiseAlertJob, deps: Deps, _attempt: usize) -> Result<(), BoxDynError> {
        raise(job, deps).await
    }
}

#[tracing::instrument(name = "job.raise_alert", skip_all, fields(org_id = %job.org_id, kind = job.event.kind()))]
async fn raise(job: RaiseAlertJob, deps: Deps) -> Result<(), BoxDynError> {
    let ids = platform::alerts::raise(&deps.db, &deps.all, &deps.plans, &deps.alerts, job.org_id, job.workspace_id, &job.event).await?;
    deps.queues.deliver_all(&ids).await;
    Ok(())
}
