//! A local stand-in for the few Stripe endpoints launchready uses, for the integration tests
//! and the browser flow (`fake-stripe` binary); never part of serving. It keeps customers,
//! Checkout Sessions and subscriptions in memory, answers in Stripe's JSON shapes (what
//! async-stripe deserializes), serves a hosted Checkout and Portal page, and sends webhook
//! events signed with the real scheme (`t=…,v1=HMAC-SHA256`) to the configured endpoint.

mod api;
mod pages;

use axum::Router;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct FakeStripeConfig {
    /// The secret key clients must present (`Authorization: Bearer …`).
    pub api_key: String,
    pub webhook_secret: String,
    /// Where events go (`…/webhooks/stripe`); settable later with [`FakeStripe::set_webhook_url`].
    pub webhook_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub mode: String,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub client_reference_id: Option<String>,
    pub price: Option<String>,
    pub amount: Option<i64>,
    pub currency: String,
    pub product_name: Option<String>,
    pub success_url: String,
    pub cancel_url: String,
    pub metadata: BTreeMap<String, String>,
    /// open | complete
    pub status: String,
    /// unpaid | paid
    pub payment_status: String,
    pub subscription: Option<String>,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub price: String,
    pub status: String,
    pub created: i64,
    pub period_end: i64,
}

#[derive(Debug, Clone)]
pub struct PortalSession {
    pub id: String,
    pub customer: String,
    pub return_url: String,
}

/// Everything the fake knows; tests read and change it directly.
#[derive(Debug, Default)]
pub struct Ledger {
    pub customers: BTreeMap<String, Customer>,
    pub sessions: BTreeMap<String, Session>,
    pub subscriptions: BTreeMap<String, Subscription>,
    pub portals: BTreeMap<String, PortalSession>,
    /// Every event sent, in order: (id, type).
    pub events: Vec<(String, String)>,
    next: u64,
}

impl Ledger {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}_test{:08}", self.next)
    }
}

struct Shared {
    config: FakeStripeConfig,
    webhook_url: Mutex<Option<String>>,
    ledger: Mutex<Ledger>,
    /// `http://IP:PORT` of this server (hosted pages link to it).
    base: String,
    http: reqwest::Client,
}

/// A running fake. Dropping it does not stop the server (it lives as long as the runtime).
#[derive(Clone)]
pub struct FakeStripe {
    shared: Arc<Shared>,
    pub addr: SocketAddr,
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

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

    /// The API base URL to configure (`stripe.api_base`).
    pub fn api_base(&self) -> String {
        format!("{}/", self.shared.base)
    }

    pub fn set_webhook_url(&self, url: &str) {
        *self.shared.webhook_url.lock().unwrap() = Some(url.to_owned());
    }

    /// Reads or changes the ledger.
    pub fn with<R>(&self, f: impl FnOnce(&mut Ledger) -> R) -> R {
        f(&mut self.shared.ledger.lock().unwrap())
    }

    /// A signed event as Stripe would send it: (body, Stripe-Signature header).
    pub fn signed_event(&self, id: &str, kind: &str, object: Value, timestamp: i64) -> (String, String) {
        let body = json!({
            "id": id,
            "object": "event",
            "api_version": "2026-09-30.endive",
            "created": timestamp,
            "livemode": false,
            "pending_webhooks": 1,
            "request": {"id": null, "idempotency_key": null},
            "type": kind,
            "data": {"object": object},
        })
        .to_string();
        let signature = platform::infra::stripe::sign_webhook(&body, &self.shared.config.webhook_secret, timestamp);
        (body, signature)
    }

    /// Sends a new event about `object` to the webhook endpoint; returns its id and the
    /// endpoint's status (or None when no endpoint is set or it could not be reached).
    pub async fn emit(&self, kind: &str, object: Value) -> (String, Option<u16>) {
        let id = self.with(|l| {
            let id = l.id("evt");
            l.events.push((id.clone(), kind.to_owned()));
            id
        });
        let status = self.deliver(&id, kind, object).await;
        (id, status)
    }

    /// Sends (or re-sends) event `id` signed now.
    pub async fn deliver(&self, id: &str, kind: &str, object: Value) -> Option<u16> {
        let url = self.shared.webhook_url.lock().unwrap().clone()?;
        let (body, signature) = self.signed_event(id, kind, object, now());
        match self
            .shared
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("stripe-signature", signature)
            .body(body)
            .send()
            .await
        {
            Ok(response) => Some(response.status().as_u16()),
            Err(err) => {
                tracing::warn!(%err, "fake Stripe could not deliver an event");
                None
            }
        }
    }

    /// A subscription in Stripe's JSON shape.
    pub fn subscription_json(&self, id: &str) -> Option<Value> {
        self.with(|l| l.subscriptions.get(id).map(api::subscription_json))
    }

    /// A Checkout Session in Stripe's JSON shape.
    pub fn session_json(&self, id: &str) -> Option<Value> {
        let base = self.shared.base.clone();
        self.with(|l| l.sessions.get(id).map(|s| api::session_json(s, &base)))
    }

    /// Changes a subscription's status (as a failed renewal or a cancellation would) and sends
    /// `customer.subscription.updated` (or `.deleted` for canceled).
    pub async fn set_subscription_status(&self, id: &str, status: &str) -> Option<u16> {
        let object = self.with(|l| {
            let sub = l.subscriptions.get_mut(id)?;
            sub.status = status.to_owned();
            Some(api::subscription_json(sub))
        })?;
        let kind = if status == "canceled" { "customer.subscription.deleted" } else { "customer.subscription.updated" };
        self.emit(kind, object).await.1
    }

    /// Completes a Checkout Session as paying on the hosted page would: the subscription (for
    /// subscription mode) starts, and `customer.subscription.created` then
    /// `checkout.session.completed` are sent. Returns where the browser goes next.
    pub async fn complete_checkout(&self, session_id: &str) -> Option<String> {
        let session = self.with(|l| {
            let created = now();
            let sub_id = l.id("sub");
            let session = l.sessions.get_mut(session_id)?;
            if session.status != "open" {
                return Some((session.clone(), None, false));
            }
            session.status = "complete".into();
            session.payment_status = "paid".into();
            let mut subscription = None;
            if session.mode == "subscription" {
                let sub = Subscription {
                    id: sub_id.clone(),
                    customer: session.customer.clone().unwrap_or_default(),
                    price: session.price.clone().unwrap_or_default(),
                    status: "active".into(),
                    created,
                    period_end: created + 30 * 24 * 3600,
                };
                session.subscription = Some(sub_id.clone());
                subscription = Some(sub.clone());
                l.subscriptions.insert(sub_id, sub);
            }
            Some((session.clone(), subscription, true))
        })?;
        let (session, subscription, completed_now) = session;
        if !completed_now {
            return Some(session.success_url);
        }
        if let Some(sub) = subscription {
            self.emit("customer.subscription.created", api::subscription_json(&sub)).await;
        }
        self.emit("checkout.session.completed", api::session_json(&session, &self.shared.base)).await;
        Some(session.success_url)
    }
}
