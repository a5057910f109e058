//! A local stand-in for the few Stripe endpoints launchready uses, for the integration tests
//! and the browser flow (`fake-stripe` binary); never part of serving. It keeps customers,
//! Checkout Sessions and subscriptions in memory, answers in Stripe's JSON shapes (what
//! async-stripe deserializes), serves a hosted Checkout and Portal page, and sends webhook
//! events signed with the real scheme (`t=…,v1=HMAC-SHA256`) to the configured endpoint.

mod api;
mod fake;
mod ledger;
mod pages;
mod shapes;

pub use fake::{FakeStripe, FakeStripeConfig};
pub use ledger::{now, Customer, Ledger, PortalSession, Session, Subscription};

use axum::Router;
use fake::Shared;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

impl FakeStripe {
    /// Binds `bind` (port 0 for any) on loopback and serves in the background.
    pub async fn start(bind: SocketAddr, config: FakeStripeConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            webhook_url: Mutex::new(config.webhook_url.clone()),
            config,
            ledger: Mutex::new(Ledger::default()),
            base: format!("http://{addr}"),
            http: reqwest::Client::builder().no_proxy().build().map_err(std::io::Error::other)?,
        });
        let fake = Self { shared, addr };
        let router: Router = api::router(&fake).merge(pages::router()).with_state(fake.clone());
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, router).await {
                tracing::error!(%err, "fake Stripe stopped");
            }
        });
        Ok(fake)
    }
}
