use domain::guard::Guard;
use domain::plans::PlanTable;
use platform::accounts::sessions::SessionPolicy;
use platform::alerts::AlertPolicy;
use platform::infra::secret::SecretKey;
use platform::infra::throttle::Throttles;
use platform::jobs::Queues;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a server function or handler needs, provided as Leptos context and held in the
/// axum state. Cheap to clone.
#[derive(Clone)]
pub struct AppContext(Arc<Inner>);

pub struct Inner {
    pub db: DatabaseConnection,
    pub key: SecretKey,
    pub sessions: SessionPolicy,
    pub throttles: Throttles,
    /// Every job queue (email, audits, monitor batches, deliveries).
    pub queues: Queues,
    pub plans: Arc<PlanTable>,
    pub alerts: AlertPolicy,
    /// The SSRF guard's static rules, for URLs typed into forms (monitor targets, webhooks).
    pub guard: Guard,
    pub cookie: super::cookie::CookieSettings,
    /// Mail goes to the development outbox (no SMTP configured): `/dev/outbox` is on.
    pub outbox_enabled: bool,
    /// `None` when billing is off (no Stripe keys): everyone is on Free.
    pub stripe: Option<platform::infra::stripe::Stripe>,
    /// Platform operators, by verified email.
    pub admins: Arc<Vec<String>>,
    /// Our public URL without a trailing slash (Stripe's return pages).
    pub base_url: String,
}

impl AppContext {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }

    /// The context inside a server function; its absence is a wiring bug.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppContext missing from the Leptos context");
            crate::error::AppError::Internal
        })
    }
}

impl std::ops::Deref for AppContext {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
