//! How the worker reaches the network, schedules monitors and runs its jobs: read from the
//! configuration at start-up, shared by the runner, the jobs and the monitor prober.

use engine::net::dns::ResolverChoice;
use platform::monitors::rollups::Retention;
use std::time::Duration;

/// How audits, monitors and webhook deliveries reach the network.
#[derive(Debug, Clone)]
pub struct ScannerSettings {
    /// Lifts the private-address refusal (never for cloud metadata). Operators of a private
    /// network only; the tests use it to reach their loopback servers.
    pub allow_private_targets: bool,
    pub resolver: ResolverChoice,
    /// Extra trusted CA certificates (PEM).
    pub extra_ca_pem: Vec<Vec<u8>>,
    /// An audit's deadline; the job's lease on the queue is longer than this.
    pub audit_deadline: Duration,
}

impl Default for ScannerSettings {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            resolver: ResolverChoice::System,
            extra_ca_pem: Vec::new(),
            audit_deadline: Duration::from_secs(90),
        }
    }
}

/// Monitor scheduling and checking.
#[derive(Debug, Clone)]
pub struct MonitorSettings {
    /// How often due monitors are looked for (the apalis-cron schedule, in seconds).
    pub schedule_every_secs: u32,
    /// Monitors per batch job.
    pub batch_size: usize,
    /// Checks running at once within one batch.
    pub batch_concurrency: usize,
    /// A check's timeout (connect + answer).
    pub check_timeout: Duration,
    pub retention: Retention,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        Self {
            schedule_every_secs: 2,
            batch_size: 50,
            batch_concurrency: 50,
            check_timeout: Duration::from_secs(10),
            retention: Retention::default(),
        }
    }
}

/// How the workers run: polling, retries, heartbeats, timeouts and concurrency.
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
