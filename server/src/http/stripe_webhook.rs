//! `POST /webhooks/stripe`: Stripe's events. The signature is checked over the raw body (300 s
//! tolerance) before anything else; each event id is recorded once, so a replay has no second
//! effect; and no event is trusted for state: the subscription (or Checkout Session) is read
//! again from Stripe's API, so events may arrive late, twice or in any order. A failure answers
//! 5xx and leaves the event unprocessed, and Stripe's retry runs it again.

use crate::http::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use domain::DomainError;
use http::{HeaderMap, StatusCode};
use platform::billing::EventSeen;
use platform::infra::stripe::{Stripe, WebhookEvent};
use platform::jobs::{BookingMail, EmailJob};
use serde_json::json;

pub const PATH: &str = "/webhooks/stripe";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, post(receive))
}

#[tracing::instrument(name = "stripe_webhook", skip_all, fields(event_id, event_type))]
async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(stripe) = state.ctx.stripe.clone() else {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "not_found", "message": "billing is not configured"}))).into_response();
    };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let now = Utc::now();
    let event = match stripe.verify_webhook(&body, signature, now) {
        Ok(event) => event,
        Err(rejected) => {
            tracing::warn!(reason = %rejected, "webhook refused");
            return (StatusCode::BAD_REQUEST, Json(json!({"error": "bad_signature", "message": rejected.to_string()}))).into_response();
        }
    };
    let span = tracing::Span::current();
    span.record("event_id", event.id.as_str());
    span.record("event_type", event.kind.as_str());
    match process(&state, &stripe, &event).await {
        Ok(EventSeen::Duplicate) => Json(json!({"received": true, "duplicate": true})).into_response(),
        Ok(EventSeen::Process) => Json(json!({"received": true})).into_response(),
        Err(err) => ApiError(err).into_response(),
    }
}

async fn process(state: &AppState, stripe: &Stripe, event: &WebhookEvent) -> Result<EventSeen, DomainError> {
    let ctx = &state.ctx;
    let now = Utc::now();
    if platform::billing::record_event(&ctx.db, &event.id, &event.kind, now).await? == EventSeen::Duplicate {
        tracing::info!("event already processed; replay ignored");
        return Ok(EventSeen::Duplicate);
    }
    let kind = event.kind.as_str();
    let deposit =
        matches!(kind, "checkout.session.completed" | "checkout.session.async_payment_succeeded") && event.mode() == Some("payment");
    if deposit {
        let id = event.object_id().ok_or_else(|| DomainError::invalid("data.object.id", "missing"))?;
        let checkout = stripe.checkout_session(id).await?;
        if let Some(booking_id) = platform::sprints::deposit_paid(&ctx.db, &checkout, now).await? {
            ctx.queues.email.push(EmailJob::SprintBooking { booking_id, event: BookingMail::DepositPaid }).await?;
        }
    } else if kind == "checkout.session.completed" || kind.starts_with("customer.subscription.") || kind.starts_with("invoice.") {
        if let Some(customer) = event.customer() {
            platform::billing::sync_customer(&ctx.db, &ctx.plans, stripe, customer, &format!("stripe event {}", event.id), now).await?;
        }
    } else {
        tracing::debug!("event type not used");
    }
    platform::billing::event_processed(&ctx.db, &event.id, Utc::now()).await?;
    Ok(EventSeen::Process)
}
