//! How the worker reaches the network and schedules monitors: read from the configuration at
//! start-up, shared by the jobs and the monitor prober.

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
