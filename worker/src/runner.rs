//! Runs the workers: in-process under `launchready serve`, alone under `launchready worker`.
//! Several processes may run them against one database: a job is claimed with a row lock
//! (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a conditional update), so it runs once.
//!
//! Queues (jobs stored in the product's database): email, audit, monitor batch, alert,
//! delivery.
//! Schedules (apalis-cron, in every process; their work is idempotent): the monitor scheduler
//! and the maintenance sweep.

use crate::jobs::audit::RunAudit;
use crate::jobs::billing::Reconcile;
use crate::jobs::delivery::Deliver;
use crate::jobs::deps::Deps;
use crate::jobs::email::SendEmail;
use crate::jobs::maintenance::Sweep;
use crate::jobs::monitor_batch::CheckBatch;
use crate::jobs::monitor_schedule::ScheduleMonitors;
use crate::jobs::raise_alert::RaiseAlert;
use crate::jobs::{on_own_task, QueueJob, ScheduledJob};
use crate::poll::EveryInterval;
pub use crate::settings::RunnerSettings;
use apalis::layers::retry::backoff::{ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::HasherRng;
use apalis::prelude::*;
use apalis_cron::{CronScheduler, Tick};
use platform::jobs::Job;
use std::str::FromStr;

/// Adds one worker to the monitor.
type Register = fn(Monitor, &Deps, &RunnerSettings) -> Result<Monitor, RunnerError>;

/// Every queue the worker serves (one file each in `jobs/`).
const QUEUES: &[Register] = &[
    register_queue::<SendEmail>,
    register_queue::<RunAudit>,
    register_queue::<CheckBatch>,
    register_queue::<RaiseAlert>,
    register_queue::<Deliver>,
];

/// Every schedule it keeps.
const SCHEDULES: &[Register] = &[register_schedule::<ScheduleMonitors>, register_schedule::<Sweep>, register_schedule::<Reconcile>];

/// Names must be unique per live process: apalis refuses a name registered within the last
/// heartbeat interval, so a quick restart with a fixed name would stall.
fn worker_name(kind: &str) -> String {
    format!("{kind}-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
}

#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("worker monitor: {0}")]
    Monitor(String),
    #[error("settings: {0}")]
    Settings(String),
}

/// Runs one job on its own task (see `jobs::on_own_task`).
async fn serve<J: QueueJob>(job: J::Payload, deps: Data<Deps>, attempt: Attempt) -> Result<(), BoxDynError> {
    on_own_task(J::run(job, (*deps).clone(), attempt.current())).await
}

async fn tick<J: ScheduledJob>(_tick: Tick, deps: Data<Deps>) -> Result<(), BoxDynError> {
    on_own_task(J::tick((*deps).clone(), chrono::Utc::now())).await
}

/// Registers one queue-backed worker on the database's storage.
///
/// Layers run outermost first: the concurrency limit, then the retries, then the timeout, so
/// each attempt gets the whole timeout (a timeout outside the retries would cover every attempt
/// and its backoff together; apalis warns about that order at start-up).
fn register_queue<J: QueueJob>(monitor: Monitor, deps: &Deps, settings: &RunnerSettings) -> Result<Monitor, RunnerError> {
    let backoff = ExponentialBackoffMaker::new(settings.min_backoff, settings.max_backoff, 0.5, HasherRng::default())
        .map_err(|e| RunnerError::Settings(format!("backoff: {e:?}")))?
        .make_backoff();
    // In-process retries (with backoff) use all attempts but the first.
    let retry = RetryPolicy::retries(<J::Payload as Job>::MAX_ATTEMPTS.saturating_sub(1)).with_backoff(backoff);
    let poll = settings.poll_interval;
    let deps = deps.clone();
    let concurrency = J::concurrency(settings);
    let timeout = J::timeout(settings, &deps);
    let queue = <J::Payload as Job>::QUEUE;
    // The two databases' configs and storages are different types with the same builders.
    macro_rules! serve_from {
        ($config:ty, $storage:ty, $pool:expr) => {{
            let config = <$config>::default()
                .queue(queue)
                .heartbeat_interval(settings.heartbeat)
                .missed_heartbeats(settings.missed_heartbeats)
                .batch_size(concurrency.max(1));
            let storage = <$storage>::new(&$pool).with_config(config);
            monitor.register(move |_| {
                WorkerBuilder::new(worker_name(J::NAME))
                    .backend(storage.clone().poll_with_strategy(EveryInterval::new(poll)))
                    .data(deps.clone())
                    .concurrency(concurrency)
                    .retry(retry.clone())
                    .timeout(timeout)
                    .build(serve::<J>)
            })
        }};
    }
    Ok(match deps.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = deps.db.get_postgres_connection_pool().clone();
            serve_from!(apalis_postgres::Config, apalis_postgres::PostgresStorage<J::Payload>, pool)
        }
        _ => {
            let pool = deps.db.get_sqlite_connection_pool().clone();
            serve_from!(apalis_sqlite::Config, apalis_sqlite::SqliteStorage<J::Payload>, pool)
        }
    })
}

/// Registers one apalis-cron schedule; a tick that finds the previous one still running is
/// dropped rather than queued behind it.
fn register_schedule<J: ScheduledJob>(monitor: Monitor, deps: &Deps, settings: &RunnerSettings) -> Result<Monitor, RunnerError> {
    let expression = J::schedule(settings, deps);
    let schedule = cron::Schedule::from_str(&expression).map_err(|e| RunnerError::Settings(format!("cron `{expression}`: {e}")))?;
    let deps = deps.clone();
    Ok(monitor.register(move |_| {
        WorkerBuilder::new(worker_name(J::NAME))
            .backend(CronScheduler::new(schedule.clone()))
            .data(deps.clone())
            .layer(tower::load_shed::LoadShedLayer::new())
            .concurrency(1)
            .build(tick::<J>)
    }))
}

/// Runs every worker until `shutdown` resolves, then lets in-flight jobs finish (up to the
/// grace period); unstarted jobs return to the queue for another process.
pub async fn run<F>(deps: Deps, settings: RunnerSettings, shutdown: F) -> Result<(), RunnerError>
where
    F: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
{
    // A worker whose stream ends with an error (a lost database connection, say) is started
    // again under a fresh name rather than leaving the queue unattended.
    let mut monitor = Monitor::new().shutdown_timeout(settings.shutdown_grace).should_restart(|worker, error| {
        tracing::warn!(worker = %worker.name(), restarts = worker.restarts(), ?error, "worker stopped with an error; restarting");
        true
    });
    for register in QUEUES {
        monitor = register(monitor, &deps, &settings)?;
    }
    if settings.schedules {
        for register in SCHEDULES {
            monitor = register(monitor, &deps, &settings)?;
        }
    }
    tracing::info!(orphaned_after_secs = settings.orphaned_after().as_secs(), "workers started");
    monitor.run_with_signal(shutdown).await.map_err(|e| RunnerError::Monitor(e.to_string()))?;
    tracing::info!("workers stopped");
    Ok(())
}
