//! The background jobs. One file per job: the queue it serves (its payload is declared in
//! `platform::jobs`, where the web side pushes it) or the schedule it keeps, how many run at
//! once, how long one may take, and the handler. `runner::QUEUES` and `runner::SCHEDULES`
//! list them, one line each.
pub mod audit;
pub mod billing;
pub mod delivery;
pub mod deps;
pub mod email;
pub mod maintenance;
pub mod monitor_batch;
pub mod monitor_schedule;
pub mod raise_alert;

use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use chrono::{DateTime, Utc};
use deps::Deps;
use std::future::Future;
use std::time::Duration;

/// A job served from a queue.
pub trait QueueJob: 'static {
    /// What is pushed (with its queue name and attempts, in `platform::jobs`).
    type Payload: platform::jobs::Job + Clone;
    /// Worker names start with this.
    const NAME: &'static str;
    /// Jobs of this kind one process runs at once.
    fn concurrency(settings: &RunnerSettings) -> usize;
    /// How long one attempt may take before it is cancelled and retried.
    fn timeout(settings: &RunnerSettings, deps: &Deps) -> Duration;
    /// Runs one job; `attempt` counts from 0. An error is retried with backoff while attempts
    /// are left.
    fn run(job: Self::Payload, deps: Deps, attempt: usize) -> impl Future<Output = Result<(), BoxDynError>> + Send + 'static;
}

/// A job on a schedule (apalis-cron). A tick that finds the previous one still running is
/// dropped rather than queued behind it; every scheduled job is idempotent, so several
/// processes running it at once do no harm.
pub trait ScheduledJob: 'static {
    const NAME: &'static str;
    /// A cron expression with seconds.
    fn schedule(settings: &RunnerSettings, deps: &Deps) -> String;
    /// One run as of `now`.
    fn tick(deps: Deps, now: DateTime<Utc>) -> impl Future<Output = Result<(), BoxDynError>> + Send + 'static;
}

/// Runs a job's body on its own tokio task and waits for it; dropping the wait (the job's
/// timeout, a shutdown) aborts the task.
///
/// Why: a handler's future must be `Send` for every lifetime apalis' service stack asks about,
/// and rustc cannot prove that for async code holding references across awaits (rust#102211).
/// `tokio::spawn` checks `Send` for the concrete future, which holds.
pub(crate) async fn on_own_task<F>(body: F) -> Result<(), BoxDynError>
where
    F: std::future::Future<Output = Result<(), BoxDynError>> + Send + 'static,
{
    struct AbortOnDrop(tokio::task::AbortHandle);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let handle = tokio::spawn(body);
    let _guard = AbortOnDrop(handle.abort_handle());
    match handle.await {
        Ok(result) => result,
        Err(join) => Err(format!("job task ended abnormally: {join}").into()),
    }
}
