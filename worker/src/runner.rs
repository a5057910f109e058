//! Runs the workers: in-process under `launchready serve`, alone under `launchready worker`.
//! Several processes may run them against one database: a job is claimed with a row lock
//! (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a conditional update), so it runs once.
//!
//! Queues (jobs stored in the product's database): email, audit, monitor batch, delivery.
//! Schedules (apalis-cron, in every process; their work is idempotent): the monitor scheduler
//! and the maintenance sweep.

use crate::jobs::audit::run_audit_job;
use crate::jobs::billing::{reconcile_tick, RECONCILE_CRON};
use crate::jobs::delivery::deliver;
use crate::jobs::deps::Deps;
use crate::jobs::email::send_email;
use crate::jobs::maintenance::maintenance_tick;
use crate::jobs::monitor::{run_batch, schedule_tick};
use crate::poll::EveryInterval;
use apalis::layers::retry::backoff::{ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::HasherRng;
use apalis::prelude::*;
use apalis_cron::CronScheduler;
use platform::jobs::{AuditJob, DeliveryJob, EmailJob, Job, MonitorBatchJob};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RunnerSettings {
    /// How often an idle worker looks for new jobs.
    pub poll_interval: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// How long in-flight jobs may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// Liveness signal of a worker (an idle worker looks for jobs every `poll_interval`; see
    /// `poll::EveryInterval`).
    pub heartbeat: Duration,
    /// Heartbeats a worker may miss before its running jobs go to another worker. Times
    /// `heartbeat`, this must exceed the longest job's timeout, or a slow job of a live worker
    /// could be handed out twice.
    pub missed_heartbeats: usize,
    /// The audit job's timeout (the engine's own deadline plus time to store the result).
    pub audit_timeout: Duration,
    /// Audits one process runs at once.
    pub audit_concurrency: usize,
    /// Monitor batches one process runs at once.
    pub monitor_concurrency: usize,
    /// The maintenance sweep's cron schedule (with seconds).
    pub maintenance_cron: String,
    /// Whether this process runs the schedules (monitor scheduler, maintenance sweep) besides
    /// the queues; `drain::run_until_idle` runs them itself, once, at the instant it is given.
    pub schedules: bool,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(500),
            min_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(120),
            shutdown_grace: Duration::from_secs(20),
            heartbeat: Duration::from_secs(5),
            // 5 s × 30 = 150 s > the 120 s audit timeout.
            missed_heartbeats: 30,
            audit_timeout: Duration::from_secs(120),
            audit_concurrency: 2,
            monitor_concurrency: 8,
            maintenance_cron: "*/15 * * * * *".into(),
            schedules: true,
        }
    }
}

impl RunnerSettings {
    /// How long after a worker's death its running jobs are handed to another one.
    pub fn orphaned_after(&self) -> Duration {
        self.heartbeat * self.missed_heartbeats as u32
    }
}

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

/// Registers one queue-backed worker on the database's storage.
///
/// Layers run outermost first: the concurrency limit, then the retries, then the timeout, so
/// each attempt gets the whole timeout (a timeout outside the retries would cover every attempt
/// and its backoff together; apalis warns about that order at start-up).
macro_rules! register_queue {
    ($monitor:expr, $deps:expr, $settings:expr, $job:ty, $kind:literal, $handler:expr, $concurrency:expr, $timeout:expr) => {{
        let backoff = ExponentialBackoffMaker::new($settings.min_backoff, $settings.max_backoff, 0.5, HasherRng::default())
            .map_err(|e| RunnerError::Settings(format!("backoff: {e:?}")))?
            .make_backoff();
        // In-process retries (with backoff) use all attempts but the first.
        let retry = RetryPolicy::retries(<$job as Job>::MAX_ATTEMPTS.saturating_sub(1)).with_backoff(backoff);
        let poll = $settings.poll_interval;
        let deps: Deps = $deps.clone();
        let concurrency: usize = $concurrency;
        let timeout: Duration = $timeout;
        match deps.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = deps.db.get_postgres_connection_pool().clone();
                let config = apalis_postgres::Config::default()
                    .queue(<$job as Job>::QUEUE)
                    .heartbeat_interval($settings.heartbeat)
                    .missed_heartbeats($settings.missed_heartbeats)
                    .batch_size(concurrency.max(1));
                let storage = apalis_postgres::PostgresStorage::<$job>::new(&pool).with_config(config);
                $monitor.register(move |_| {
                    WorkerBuilder::new(worker_name($kind))
                        .backend(storage.clone().poll_with_strategy(EveryInterval::new(poll)))
                        .data(deps.clone())
                        .concurrency(concurrency)
                        .retry(retry.clone())
                        .timeout(timeout)
                        .build($handler)
                })
            }
            _ => {
                let pool = deps.db.get_sqlite_connection_pool().clone();
                let config = apalis_sqlite::Config::default()
                    .queue(<$job as Job>::QUEUE)
                    .heartbeat_interval($settings.heartbeat)
                    .missed_heartbeats($settings.missed_heartbeats)
                    .batch_size(concurrency.max(1));
                let storage = apalis_sqlite::SqliteStorage::<$job>::new(&pool).with_config(config);
                $monitor.register(move |_| {
                    WorkerBuilder::new(worker_name($kind))
                        .backend(storage.clone().poll_with_strategy(EveryInterval::new(poll)))
                        .data(deps.clone())
                        .concurrency(concurrency)
                        .retry(retry.clone())
                        .timeout(timeout)
                        .build($handler)
                })
            }
        }
    }};
}

/// Registers one apalis-cron schedule; a tick that finds the previous one still running is
/// dropped rather than queued behind it.
macro_rules! register_cron {
    ($monitor:expr, $deps:expr, $kind:literal, $expression:expr, $handler:expr) => {{
        let schedule = cron::Schedule::from_str($expression).map_err(|e| RunnerError::Settings(format!("cron `{}`: {e}", $expression)))?;
        let deps: Deps = $deps.clone();
        $monitor.register(move |_| {
            WorkerBuilder::new(worker_name($kind))
                .backend(CronScheduler::new(schedule.clone()))
                .data(deps.clone())
                .layer(tower::load_shed::LoadShedLayer::new())
                .concurrency(1)
                .build($handler)
        })
    }};
}

/// Runs every worker until `shutdown` resolves, then lets in-flight jobs finish (up to the
/// grace period); unstarted jobs return to the queue for another process.
pub async fn run<F>(deps: Deps, settings: RunnerSettings, shutdown: F) -> Result<(), RunnerError>
where
    F: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
{
    // A worker whose stream ends with an error (a lost database connection, say) is started
    // again under a fresh name rather than leaving the queue unattended.
    let monitor = Monitor::new().shutdown_timeout(settings.shutdown_grace).should_restart(|worker, error| {
        tracing::warn!(worker = %worker.name(), restarts = worker.restarts(), ?error, "worker stopped with an error; restarting");
        true
    });
    let quick = Duration::from_secs(60);
    let monitor = register_queue!(monitor, deps, settings, EmailJob, "email", send_email, 4, quick);
    let monitor =
        register_queue!(monitor, deps, settings, AuditJob, "audit", run_audit_job, settings.audit_concurrency, settings.audit_timeout);
    let batch_timeout = deps.monitors.check_timeout * 3 + Duration::from_secs(30);
    let monitor =
        register_queue!(monitor, deps, settings, MonitorBatchJob, "monitor", run_batch, settings.monitor_concurrency, batch_timeout);
    let monitor = register_queue!(monitor, deps, settings, DeliveryJob, "delivery", deliver, 8, quick);
    let monitor = if settings.schedules {
        let every = format!("*/{} * * * * *", deps.monitors.schedule_every_secs.clamp(1, 59));
        let monitor = register_cron!(monitor, deps, "monitor-schedule", every.as_str(), schedule_tick);
        let monitor = register_cron!(monitor, deps, "maintenance", settings.maintenance_cron.as_str(), maintenance_tick);
        register_cron!(monitor, deps, "billing-reconcile", RECONCILE_CRON, reconcile_tick)
    } else {
        monitor
    };
    tracing::info!(orphaned_after_secs = settings.orphaned_after().as_secs(), "workers started");
    monitor.run_with_signal(shutdown).await.map_err(|e| RunnerError::Monitor(e.to_string()))?;
    tracing::info!("workers stopped");
    Ok(())
}
