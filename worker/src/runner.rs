//! Runs the workers: in-process under `launchready serve`, alone under `launchready worker`.
//! Several processes may run them against one database: a job is claimed with a row lock
//! (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a conditional update), so it runs once.

use crate::jobs::email::{send_email, EmailDeps};
use apalis::layers::retry::backoff::{ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::HasherRng;
use apalis::prelude::*;
use domain::jobs::{EmailJob, EMAIL_MAX_ATTEMPTS, EMAIL_QUEUE};
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
    /// Liveness signal of a worker; also wakes an idle worker whose poll stalled, which bounds
    /// how long a job can wait.
    pub heartbeat: Duration,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(500),
            min_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(120),
            shutdown_grace: Duration::from_secs(20),
            heartbeat: Duration::from_secs(5),
        }
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
}

/// Runs every worker until `shutdown` resolves, then lets in-flight jobs finish (up to the
/// grace period); unstarted jobs return to the queue for another process.
pub async fn run<F>(deps: EmailDeps, settings: RunnerSettings, shutdown: F) -> Result<(), RunnerError>
where
    F: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
{
    let backoff = ExponentialBackoffMaker::new(settings.min_backoff, settings.max_backoff, 0.5, HasherRng::default())
        .map_err(|e| RunnerError::Monitor(format!("backoff settings: {e:?}")))?
        .make_backoff();
    // In-process retries (with backoff) use all attempts but the first.
    let retry = RetryPolicy::retries(EMAIL_MAX_ATTEMPTS - 1).with_backoff(backoff);
    // A worker whose stream ends with an error (a lost database connection, say) is started
    // again under a fresh name rather than leaving the queue unattended.
    let monitor = Monitor::new().shutdown_timeout(settings.shutdown_grace).should_restart(|worker, error| {
        tracing::warn!(worker = %worker.name(), restarts = worker.restarts(), ?error, "worker stopped with an error; restarting");
        true
    });
    let monitor = match deps.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = deps.db.get_postgres_connection_pool().clone();
            let storage = apalis_postgres::PostgresStorage::<EmailJob>::new(&pool)
                .with_config(apalis_postgres::Config::default().queue(EMAIL_QUEUE).heartbeat_interval(settings.heartbeat));
            let poll = settings.poll_interval;
            monitor.register(move |_| {
                WorkerBuilder::new(worker_name("email"))
                    .backend(storage.clone().poll_with_interval(poll))
                    .data(deps.clone())
                    .retry(retry.clone())
                    .build(send_email)
            })
        }
        _ => {
            let pool = deps.db.get_sqlite_connection_pool().clone();
            let storage = apalis_sqlite::SqliteStorage::<EmailJob>::new(&pool)
                .with_config(apalis_sqlite::Config::default().queue(EMAIL_QUEUE).heartbeat_interval(settings.heartbeat));
            let poll = settings.poll_interval;
            monitor.register(move |_| {
                WorkerBuilder::new(worker_name("email"))
                    .backend(storage.clone().poll_with_interval(poll))
                    .data(deps.clone())
                    .retry(retry.clone())
                    .build(send_email)
            })
        }
    };
    tracing::info!("workers started");
    monitor.run_with_signal(shutdown).await.map_err(|e| RunnerError::Monitor(e.to_string()))?;
    tracing::info!("workers stopped");
    Ok(())
}
