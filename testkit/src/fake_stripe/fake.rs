//! The running fake and what tests do with it: read or change the ledger, send signed
//! events, complete a Checkout as the hosted page would.

use super::ledger::{now, Ledger, Subscription};
use super::shapes::{session_json, subscription_json};
use serde_json::{json, Value};
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

pub(super) struct Shared {
    pub(super) config: FakeStripeConfig,
    pub(super) webhook_url: Mutex<Option<String>>,
    pub(super) ledger: Mutex<Ledger>,
    /// `http://IP:PORT` of this server (hosted pages link to it).
    pub(super) base: String,
    pub(super) http: reqwest::Client,
}

/// A running fake. Dropping it does not stop the server (it lives as long as the runtime).
#[derive(Clone)]
pub struct FakeStripe {
    pub(super) shared: Arc<Shared>,
    pub addr: SocketAddr,
}

impl FakeStripe {
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
        self.with(|l| l.subscriptions.get(id).map(subscription_json))
    }

    /// A Checkout Session in Stripe's JSON shape.
    pub fn session_json(&self, id: &str) -> Option<Value> {
        let base = self.shared.base.clone();
        self.with(|l| l.sessions.get(id).map(|s| session_json(s, &base)))
    }

    /// Changes a subscription's status (as a failed renewal or a cancellation would) and sends
    /// `customer.subscription.updated` (or `.deleted` for canceled).
    pub async fn set_subscription_status(&self, id: &str, status: &str) -> Option<u16> {
        let object = self.with(|l| {
            let sub = l.subscriptions.get_mut(id)?;
            sub.status = status.to_owned();
            Some(subscription_json(sub))
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
            self.emit("customer.subscription.created", subscription_json(&sub)).await;
        }
        self.emit("checkout.session.completed", session_json(&session, &self.shared.base)).await;
        Some(session.success_url)
    }
}
