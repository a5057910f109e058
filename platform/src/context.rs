//! What the web app and the worker both hold: the database, the key that seals secrets, the
//! queues, the plan table, the alert policy, Stripe, the operators and our public URL. Each
//! side embeds one [`Platform`] (the app's `AppContext`, the worker's `Deps`) and adds only
//! what is its own, so a setting is read once at start-up and cannot drift between them.

use crate::alerts::AlertPolicy;
use crate::infra::secret::SecretKey;
use crate::infra::stripe::Stripe;
use crate::jobs::Queues;
use domain::plans::PlanTable;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Cheap to clone (handles and `Arc`s).
#[derive(Clone)]
pub struct Platform {
    pub db: DatabaseConnection,
    pub key: SecretKey,
    /// Every job queue (email, audits, monitor batches, deliveries).
    pub queues: Queues,
    pub plans: Arc<PlanTable>,
    pub alerts: AlertPolicy,
    /// `None` when billing is off (no Stripe keys): everyone is on Free.
    pub stripe: Option<Stripe>,
    /// Platform operators, by verified email (the admin area; sprint-booking mails).
    pub admins: Arc<Vec<String>>,
    /// What one organisation may hold of the sprint desk.
    pub sprints: crate::sprints::SprintPolicy,
    /// Our public URL without a trailing slash (links in mails and alerts, Stripe's return
    /// pages).
    pub base_url: String,
}
