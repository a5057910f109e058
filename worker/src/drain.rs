//! Run until idle: the schedules once, at an instant the caller chooses, then every queue until
//! no stored job is left to run. Tests drain the jobs this way instead of waiting on the clock
//! (a check per call, however fast the machine), and `launchready worker --until-idle` uses it
//! to run the pending work once and exit.

use crate::jobs::deps::Deps;
use crate::jobs::{maintenance, monitor_schedule};
use crate::runner::{run, RunnerError, RunnerSettings};
use chrono::{DateTime, Utc};
use platform::jobs::outstanding_jobs;
use std::time::Duration;

/// Queues what is due at `now` (monitor checks, scheduled audits, deliveries waiting for a
/// retry), then runs the queue workers until no job is outstanding on two polls in a row, and
/// stops them. Jobs a step queues (an alert after an incident, say) are run too. Fails if the
/// queues are still busy after `limit`.
pub async fn run_until_idle(deps: Deps, settings: RunnerSettings, now: DateTime<Utc>, limit: Duration) -> Result<(), RunnerError> {
    let step = |what: &str, e: apalis::prelude::BoxDynError| RunnerError::Monitor(format!("{what}: {e}"));
    monitor_schedule::schedule_due(&deps, now).await.map_err(|e| step("scheduling monitors", e))?;
    maintenance::run_once(&deps, now).await.map_err(|e| step("maintenance", e))?;

    let db = deps.db.clone();
    let poll = settings.poll_interval.max(Duration::from_millis(20));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let workers = tokio::spawn(run(deps, RunnerSettings { schedules: false, ..settings }, async move {
        let _ = stopped.await;
        Ok(())
    }));
    let deadline = tokio::time::Instant::now() + limit;
    let mut idle_polls = 0;
    let outcome = loop {
        tokio::time::sleep(poll).await;
        // Workers that ended early (bad settings, say) report their own error below.
        if workers.is_finished() {
            break Err(RunnerError::Monitor("the workers stopped before the queues drained".into()));
        }
        match outstanding_jobs(&db).await.map_err(|e| RunnerError::Monitor(format!("counting jobs: {e}"))) {
            Ok(0) => idle_polls += 1,
            Ok(_) => idle_polls = 0,
            Err(e) => break Err(e),
        }
        if idle_polls >= 2 {
            break Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            let left = outstanding_jobs(&db).await.unwrap_or(-1);
            break Err(RunnerError::Monitor(format!("{left} jobs still outstanding after {limit:?}")));
        }
    };
    let _ = stop.send(());
    match workers.await {
        Ok(result) => result?,
        Err(join) => return Err(RunnerError::Monitor(format!("workers: {join}"))),
    }
    outcome
}
