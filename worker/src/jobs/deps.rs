//! What the jobs share: the database, the key that opens channel secrets, the mailer, the
//! queues, the plan table, and how the scanner and the monitors may reach the network.

use crate::mail::Mailer;
use crate::settings::{MonitorSettings, ScannerSettings};
use domain::plans::PlanTable;
use platform::alerts::AlertPolicy;
use platform::infra::secret::SecretKey;
use platform::jobs::Queues;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

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
