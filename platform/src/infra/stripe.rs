//! Stripe through async-stripe: the few calls the product makes (a customer, Checkout for a
//! subscription or a deposit, the Customer Portal, a customer's subscriptions, a Checkout
//! Session), and webhook verification. The API base URL is configuration, so tests and the
//! browser flow point it at a local fake; the keys are `SecretString`s and never printed.

use crate::ids::{BookingId, OrgId};
use chrono::{DateTime, Utc};
use domain::subscription::{PlanPrices, SubscriptionState, SubscriptionStatus};
use domain::DomainError;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::time::Duration;

/// What billing needs from configuration.
pub struct StripeSettings {
    pub secret_key: SecretString,
    pub webhook_secret: SecretString,
    /// Stripe's API, or a local fake in tests.
    pub api_base: String,
    pub prices: PlanPrices,
    /// How long a past-due subscription keeps its plan.
    pub grace: chrono::Duration,
}

impl std::fmt::Debug for StripeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSettings")
            .field("api_base", &self.api_base)
            .field("prices", &self.prices)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

/// Stripe's signature timestamps may be this old (or this far ahead), as Stripe recommends.
pub const WEBHOOK_TOLERANCE_SECS: i64 = 300;

/// The client and the settings it was built from. Cheap to clone.
#[derive(Clone)]
pub struct Stripe {
    client: stripe::Client,
    settings: std::sync::Arc<StripeSettings>,
}

impl std::fmt::Debug for Stripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stripe").field("settings", &self.settings).finish()
    }
}

/// A verified webhook event: only what we act on. The object is read again from the API
/// before anything changes, so the event's copy is never trusted for state.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    pub id: String,
    pub kind: String,
    pub object: serde_json::Value,
}

impl WebhookEvent {
    /// The customer the event is about (`data.object.customer`, an id or an expanded object).
    pub fn customer(&self) -> Option<&str> {
        let customer = self.object.get("customer")?;
        customer.as_str().or_else(|| customer.get("id").and_then(|v| v.as_str()))
    }
    pub fn object_id(&self) -> Option<&str> {
        self.object.get("id").and_then(|v| v.as_str())
    }
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.object.get("metadata").and_then(|m| m.get(key)).and_then(|v| v.as_str())
    }
    pub fn mode(&self) -> Option<&str> {
        self.object.get("mode").and_then(|v| v.as_str())
    }
}

/// Why a webhook was refused (all answer 400; nothing is recorded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejected {
    #[error("missing or malformed Stripe-Signature header")]
    BadHeader,
    #[error("signature does not match")]
    BadSignature,
    #[error("signature timestamp outside the {WEBHOOK_TOLERANCE_SECS} s tolerance")]
    Stale,
    #[error("body is not a Stripe event")]
    BadBody,
}

/// A paid (or not) Checkout Session, as Stripe has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutState {
    pub id: String,
    pub paid: bool,
    pub metadata: HashMap<String, String>,
}

fn unavailable(err: stripe::StripeError) -> DomainError {
    tracing::warn!(error = %err, "Stripe request failed");
    DomainError::Unavailable("The payment provider could not be reached. Please try again in a minute.".into())
}

/// A Stripe request's future, boxed so that the response type stays behind `dyn Future + Send`.
type StripeCall<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, stripe::StripeError>> + Send + 'a>>;

/// Every Stripe call in this module goes through [`BoxedSend::boxed_send`].
///
/// Why: async-stripe's `send` future carries its response type (a `PhantomData<Subscription>`,
/// say), and Stripe's generated types nest very deeply (a subscription reaches invoices,
/// charges, transfers, accounts… through `Expandable` fields). A future that holds such a
/// future across an `.await` is `Send` only if the whole graph is, so every crate that proves
/// `Send` for any future above a Stripe call (a job handler inside apalis' service stack, a
/// spawned task) walks it again, one obligation per field. In an optimised build each crate
/// instantiates the generic job stack itself (generics are shared between crates only without
/// optimisation), so the `launchready` binary did that walk under the default recursion limit
/// of 128 and stopped with E0275 on `Transfer: Send`; the debug build reused the worker
/// crate's instances, made under its raised limit. Boxed here, the graph is walked once,
/// from a shallow start, and every future above holds only an opaque `dyn Future + Send`:
/// no crate needs a raised limit for Stripe. (Boxing the job's future instead would move the
/// same deep walk into the worker crate, which would keep needing the raised limit.)
trait BoxedSend<'a, T>: std::future::Future<Output = Result<T, stripe::StripeError>> + Send + Sized + 'a {
    fn boxed_send(self) -> StripeCall<'a, T> {
        Box::pin(self)
    }
}

impl<'a, T, F> BoxedSend<'a, T> for F where F: std::future::Future<Output = Result<T, stripe::StripeError>> + Send + 'a {}

impl Stripe {
    pub fn new(settings: StripeSettings) -> Result<Self, DomainError> {
        let client = stripe::ClientBuilder::new(settings.secret_key.expose_secret())
            .url(settings.api_base.clone())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| DomainError::Internal(format!("stripe client: {e}")))?;
        Ok(Self { client, settings: std::sync::Arc::new(settings) })
    }

    pub fn prices(&self) -> &PlanPrices {
        &self.settings.prices
    }

    pub fn grace(&self) -> chrono::Duration {
        self.settings.grace
    }

    #[tracing::instrument(skip_all, fields(%org_id))]
    pub async fn create_customer(&self, email: &str, org_id: OrgId) -> Result<String, DomainError> {
        let customer = stripe_core::customer::CreateCustomer::new()
            .email(email)
            .metadata(HashMap::from([("org_id".to_owned(), org_id.to_string())]))
            .send(&self.client)
            .boxed_send()
            .await
            .map_err(unavailable)?;
        Ok(customer.id.to_string())
    }

    /// A Checkout Session for a subscription to `price_id`; returns the page to send the
    /// browser to.
    #[tracing::instrument(skip_all, fields(%org_id))]
    pub async fn subscription_checkout(
        &self,
        customer: &str,
        price_id: &str,
        org_id: OrgId,
        success_url: &str,
        cancel_url: &str,
    ) -> Result<String, DomainError> {
        use stripe_checkout::checkout_session::{CreateCheckoutSession, CreateCheckoutSessionLineItems};
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price = Some(price_id.to_owned());
        item.quantity = Some(1);
        let session = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Subscription)
            .line_items(vec![item])
            .customer(customer)
            .client_reference_id(org_id.to_string())
            .success_url(success_url)
            .cancel_url(cancel_url)
            .metadata(HashMap::from([("org_id".to_owned(), org_id.to_string())]))
            .send(&self.client)
            .boxed_send()
            .await
            .map_err(unavailable)?;
        session.url.ok_or_else(|| DomainError::Internal("Checkout Session without a URL".into()))
    }

    /// A Checkout Session for a one-off deposit; returns its id and page.
    #[tracing::instrument(skip_all, fields(%booking_id))]
    #[allow(clippy::too_many_arguments)]
    pub async fn deposit_checkout(
        &self,
        email: &str,
        booking_id: BookingId,
        amount_cents: i64,
        currency: &str,
        description: &str,
        success_url: &str,
        cancel_url: &str,
    ) -> Result<(String, String), DomainError> {
        use stripe_checkout::checkout_session::{
            CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData, ProductData,
        };
        let currency: stripe_types::Currency =
            currency.to_ascii_lowercase().parse().map_err(|_| DomainError::Internal("currency".into()))?;
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(amount_cents);
        price.product_data = Some(ProductData::new(description));
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let session = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Payment)
            .line_items(vec![item])
            .customer_email(email)
            .client_reference_id(booking_id.to_string())
            .success_url(success_url)
            .cancel_url(cancel_url)
            .metadata(HashMap::from([("booking_id".to_owned(), booking_id.to_string())]))
            .send(&self.client)
            .boxed_send()
            .await
            .map_err(unavailable)?;
        let url = session.url.ok_or_else(|| DomainError::Internal("Checkout Session without a URL".into()))?;
        Ok((session.id.to_string(), url))
    }

    /// The Customer Portal (plan changes, payment methods, invoices); returns its page.
    #[tracing::instrument(skip_all)]
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, DomainError> {
        let session = stripe_billing::billing_portal_session::CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(return_url)
            .send(&self.client)
            .boxed_send()
            .await
            .map_err(unavailable)?;
        Ok(session.url)
    }

    /// The subscription that decides the customer's plan now: of all their subscriptions, the
    /// one that grants the most, then the newest. `None` when they have none.
    #[tracing::instrument(skip_all)]
    pub async fn current_subscription(&self, customer: &str) -> Result<Option<SubscriptionState>, DomainError> {
        use stripe_billing::subscription::{ListSubscription, ListSubscriptionStatus};
        let list = ListSubscription::new()
            .customer(customer)
            .status(ListSubscriptionStatus::All)
            .limit(100)
            .send(&self.client)
            .boxed_send()
            .await
            .map_err(unavailable)?;
        let best = list
            .data
            .iter()
            .map(|s| {
                let status = SubscriptionStatus::parse(s.status.as_str());
                (status.rank(), s.created, s)
            })
            .max_by_key(|(rank, created, _)| (*rank, *created))
            .map(|(_, _, s)| s);
        Ok(best.map(|s| {
            let item = s.items.data.first();
            SubscriptionState {
                id: s.id.to_string(),
                status: SubscriptionStatus::parse(s.status.as_str()),
                price_id: item.map(|i| i.price.id.to_string()),
                period_end: item.and_then(|i| DateTime::<Utc>::from_timestamp(i.current_period_end, 0)),
            }
        }))
    }

    /// A Checkout Session as Stripe has it now.
    #[tracing::instrument(skip_all)]
    pub async fn checkout_session(&self, id: &str) -> Result<CheckoutState, DomainError> {
        let session = stripe_checkout::checkout_session::RetrieveCheckoutSession::new(id)
            .send(&self.client)
            .boxed_send()
            .await
            .map_err(unavailable)?;
        Ok(CheckoutState {
            id: session.id.to_string(),
            paid: matches!(session.payment_status, stripe_checkout::CheckoutSessionPaymentStatus::Paid),
            metadata: session.metadata.unwrap_or_default(),
        })
    }

    /// Checks the `Stripe-Signature` header over the raw body (HMAC-SHA256 with the endpoint
    /// secret, timestamp within [`WEBHOOK_TOLERANCE_SECS`] of `now`) and reads the envelope.
    pub fn verify_webhook(&self, body: &[u8], signature: &str, now: DateTime<Utc>) -> Result<WebhookEvent, WebhookRejected> {
        verify_webhook(body, signature, self.settings.webhook_secret.expose_secret(), now)
    }
}

/// See [`Stripe::verify_webhook`].
pub fn verify_webhook(body: &[u8], signature: &str, secret: &str, now: DateTime<Utc>) -> Result<WebhookEvent, WebhookRejected> {
    use stripe_webhook::{Webhook, WebhookError};
    let payload = std::str::from_utf8(body).map_err(|_| WebhookRejected::BadBody)?;
    // The crate checks the signature, then the timestamp, then parses the object into its
    // typed form. We keep only its verdict on the first two: the object is read again from
    // the API anyway, and a typed parse that lags Stripe's API version must not turn a genuine
    // event into an endless retry.
    match Webhook::construct_event_with_timestamp(payload, signature, secret, now.timestamp()) {
        Ok(_) | Err(WebhookError::BadParse(_)) => {}
        Err(WebhookError::BadHeader(_)) => return Err(WebhookRejected::BadHeader),
        Err(WebhookError::BadTimestamp(_)) => return Err(WebhookRejected::Stale),
        Err(WebhookError::BadSignature | WebhookError::BadKey) => return Err(WebhookRejected::BadSignature),
    }
    #[derive(serde::Deserialize)]
    struct Envelope {
        id: String,
        #[serde(rename = "type")]
        kind: String,
        data: Data,
    }
    #[derive(serde::Deserialize)]
    struct Data {
        object: serde_json::Value,
    }
    let envelope: Envelope = serde_json::from_str(payload).map_err(|_| WebhookRejected::BadBody)?;
    Ok(WebhookEvent { id: envelope.id, kind: envelope.kind, object: envelope.data.object })
}

/// The `Stripe-Signature` header Stripe would send for `body` at `timestamp` (the local fake
/// and the tests sign with it).
pub fn sign_webhook(body: &str, secret: &str, timestamp: i64) -> String {
    stripe_webhook::Webhook::generate_test_header(body, secret, Some(timestamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    #[test]
    fn signatures_are_checked_on_the_raw_body_within_the_tolerance() {
        let now = Utc::now();
        let body = r#"{"id":"evt_1","object":"event","type":"customer.subscription.updated","created":1,"livemode":false,"pending_webhooks":1,"data":{"object":{"id":"sub_1","customer":"cus_1"}}}"#;
        let header = sign_webhook(body, SECRET, now.timestamp());
        let event = verify_webhook(body.as_bytes(), &header, SECRET, now).expect("valid");
        assert_eq!((event.id.as_str(), event.kind.as_str(), event.customer()), ("evt_1", "customer.subscription.updated", Some("cus_1")));

        let tampered = body.replace("cus_1", "cus_2");
        assert_eq!(verify_webhook(tampered.as_bytes(), &header, SECRET, now).unwrap_err(), WebhookRejected::BadSignature);
        assert_eq!(verify_webhook(body.as_bytes(), &header, "whsec_other", now).unwrap_err(), WebhookRejected::BadSignature);
        let old = sign_webhook(body, SECRET, now.timestamp() - WEBHOOK_TOLERANCE_SECS - 1);
        assert_eq!(verify_webhook(body.as_bytes(), &old, SECRET, now).unwrap_err(), WebhookRejected::Stale);
        let edge = sign_webhook(body, SECRET, now.timestamp() - WEBHOOK_TOLERANCE_SECS);
        assert!(verify_webhook(body.as_bytes(), &edge, SECRET, now).is_ok());
        assert!(verify_webhook(body.as_bytes(), "garbage", SECRET, now).is_err());
    }

    /// While an endpoint secret is rolled, Stripe signs each event with the old and the new
    /// secret: the header carries two `v1` signatures, and either one matching is enough.
    #[test]
    fn any_of_several_v1_signatures_may_match() {
        let now = Utc::now();
        let body = r#"{"id":"evt_2","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1","customer":"cus_1"}}}"#;
        let ours = sign_webhook(body, SECRET, now.timestamp());
        let theirs = sign_webhook(body, "whsec_rolled_away", now.timestamp());
        let v1 = |header: &str| header.split(',').find_map(|part| part.strip_prefix("v1=")).unwrap().to_owned();
        let t = format!("t={}", now.timestamp());
        for header in [format!("{t},v1={},v1={}", v1(&theirs), v1(&ours)), format!("{t},v1={},v1={}", v1(&ours), v1(&theirs))] {
            assert!(verify_webhook(body.as_bytes(), &header, SECRET, now).is_ok(), "{header}");
        }
        let neither = format!("{t},v1={},v1={}", v1(&theirs), "00".repeat(32));
        assert_eq!(verify_webhook(body.as_bytes(), &neither, SECRET, now).unwrap_err(), WebhookRejected::BadSignature);
    }
}
