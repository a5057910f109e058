//! What the jobs share: the database, the key that opens channel secrets, the mailer, the
//! queues, the plan table, and how the scanner and the monitors may reach the network.

use crate::mail::Mailer;
use domain::plans::PlanTable;
use engine::net::dns::ResolverChoice;
use platform::alerts::AlertPolicy;
use platform::infra::secret::SecretKey;
use platform::jobs::Queues;
use platform::monitors::rollups::Retention;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
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

/// Shared by every job a worker runs. Cheap to clone.
#[derive(Clone)]
pub struct Deps {
    pub db: DatabaseConnection,
    pub key: SecretKey,
    pub mailer: Mailer,
    /// Links in mails and alerts point here (`LAUNCHREADY_BASE_URL`).
    pub base_url: String,
    pub queues: Queues,
    pub plans: Arc<PlanTable>,
    pub alerts: AlertPolicy,
    pub scanner: ScannerSettings,
    pub monitors: MonitorSettings,
    /// The network clients monitor checks and alert deliveries use, built once per process.
    pub probe: Arc<crate::monitor::probe::Prober>,
    /// `None` when billing is off; the daily reconciliation then has nothing to do.
    pub stripe: Option<platform::infra::stripe::Stripe>,
    /// Platform operators, who are mailed about sprint bookings.
    pub admins: Arc<Vec<String>>,
}

/// The old name, kept for the email job's signature.
pub type EmailDeps = Deps;
