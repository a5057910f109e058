use domain::guard::Guard;
use platform::accounts::sessions::SessionPolicy;
use platform::context::Platform;
use platform::infra::throttle::Throttles;
use std::sync::Arc;

/// Everything a server function or handler needs, provided as Leptos context and held in the
/// axum state. Cheap to clone.
#[derive(Clone)]
pub struct AppContext(Arc<Inner>);

pub struct Inner {
    /// What the worker holds too (database, key, queues, plans, alert policy, Stripe,
    /// operators, public URL); `Inner` derefs to it, so `ctx.db` reads it.
    pub platform: Platform,
    pub sessions: SessionPolicy,
    pub throttles: Throttles,
    /// The SSRF guard's static rules, for URLs typed into forms (monitor targets, webhooks).
    pub guard: Guard,
    pub cookie: super::cookie::CookieSettings,
    /// Mail goes to the development outbox (no SMTP configured) and the server listens on
    /// loopback (or `dev_outbox` is set): `/dev/outbox` is on, for loopback clients.
    pub outbox_enabled: bool,
}

impl std::ops::Deref for Inner {
    type Target = Platform;
    fn deref(&self) -> &Platform {
        &self.platform
    }
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
