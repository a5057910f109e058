//! What the jobs share: the platform context (database, key, queues, plans, alert policy,
//! Stripe, operators, public URL) and what only the worker needs: the mailer, how the scanner
//! and the monitors may reach the network, and the capability to act across tenants.

use crate::mail::Mailer;
use crate::settings::{MonitorSettings, ScannerSettings};
use platform::context::Platform;
use platform::tenancy::CrossTenant;
use std::sync::Arc;

/// Shared by every job a worker runs. Cheap to clone. Derefs to its [`Platform`], so a job
/// reads `deps.db` or `deps.queues` directly.
#[derive(Clone)]
pub struct Deps {
    pub platform: Platform,
    pub mailer: Mailer,
    pub scanner: ScannerSettings,
    pub monitors: MonitorSettings,
    /// The network clients monitor checks and alert deliveries use, built once per process.
    pub probe: Arc<crate::monitor::probe::Prober>,
    /// Jobs act on every tenant's rows; only [`Deps::new`] makes this.
    pub(crate) all: CrossTenant,
}

impl Deps {
    /// The worker's start-up: outside tests, the one place that makes a [`CrossTenant`].
    pub fn new(
        platform: Platform,
        mailer: Mailer,
        scanner: ScannerSettings,
        monitors: MonitorSettings,
        probe: crate::monitor::probe::Prober,
    ) -> Self {
        Self { platform, mailer, scanner, monitors, probe: Arc::new(probe), all: CrossTenant::for_worker_startup() }
    }
}

impl std::ops::Deref for Deps {
    type Target = Platform;
    fn deref(&self) -> &Platform {
        &self.platform
    }
}
