//! The `/v1/…` endpoints of the fake, in Stripe's request (form-encoded, bracketed keys) and
//! response (JSON) shapes, with Stripe's error body for a bad key or an unknown id.

use super::fake::FakeStripe;
use super::ledger::{now, Customer, PortalSession, Session};
use super::shapes::{session_json, subscription_json};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// Stripe's API routes; like Stripe, each answers 401 without the secret key.
pub fn router(fake: &FakeStripe) -> Router<FakeStripe> {
    Router::new()
        .route("/v1/customers", post(create_customer))
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/checkout/sessions/{id}", get(get_session))
        .route("/v1/billing_portal/sessions", post(create_portal))
        .route("/v1/subscriptions", get(list_subscriptions))
        .route("/v1/subscriptions/{id}", get(get_subscription))
        .route_layer(middleware::from_fn_with_state(fake.clone(), require_api_key))
}

async fn require_api_key(State(fake): State<FakeStripe>, request: Request, next: Next) -> Response {
    if authorized(&fake, request.headers()) {
        next.run(request).await
    } else {
        unauthorized()
    }
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"type": kind, "message": message}}))).into_response()
}

fn authorized(fake: &FakeStripe, headers: &HeaderMap) -> bool {
    let expected = format!("Bearer {}", fake.shared.config.api_key);
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str())
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "invalid_request_error", "Invalid API Key provided")
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
}

fn metadata(fields: &HashMap<String, String>) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("metadata[").and_then(|k| k.strip_suffix(']')).map(|k| (k.to_owned(), v.clone())))
        .collect()
}

async fn create_customer(State(fake): State<FakeStripe>, body: String) -> Response {
    let fields = form(&body);
    let customer = fake.with(|l| {
        let customer = Customer { id: l.id("cus"), email: fields.get("email").cloned(), metadata: metadata(&fields), created: now() };
        l.customers.insert(customer.id.clone(), customer.clone());
        customer
    });
    Json(json!({
        "id": customer.id, "object": "customer", "created": customer.created, "livemode": false,
        "email": customer.email, "metadata": customer.metadata,
    }))
    .into_response()
}

async fn create_session(State(fake): State<FakeStripe>, body: String) -> Response {
    let f = form(&body);
    let get = |k: &str| f.get(k).cloned();
    let (Some(mode), Some(success_url), Some(cancel_url)) = (get("mode"), get("success_url"), get("cancel_url")) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request_error", "mode, success_url and cancel_url are required");
    };
    if let Some(customer) = get("customer") {
        if !fake.with(|l| l.customers.contains_key(&customer)) {
            return error(StatusCode::BAD_REQUEST, "invalid_request_error", &format!("No such customer: '{customer}'"));
        }
    }
    let session = fake.with(|l| {
        let session = Session {
            id: l.id("cs"),
            mode,
            customer: get("customer"),
            customer_email: get("customer_email"),
            client_reference_id: get("client_reference_id"),
            price: get("line_items[0][price]"),
            amount: get("line_items[0][price_data][unit_amount]").and_then(|a| a.parse().ok()),
            currency: get("line_items[0][price_data][currency]").unwrap_or_else(|| "usd".into()),
            product_name: get("line_items[0][price_data][product_data][name]"),
            success_url,
            cancel_url,
            metadata: metadata(&f),
            status: "open".into(),
            payment_status: "unpaid".into(),
            subscription: None,
            created: now(),
        };
        l.sessions.insert(session.id.clone(), session.clone());
        session
    });
    Json(session_json(&session, &fake.shared.base)).into_response()
}

async fn get_session(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    match fake.session_json(&id) {
        Some(json) => Json(json).into_response(),
        None => error(StatusCode::NOT_FOUND, "invalid_request_error", &format!("No such checkout.session: '{id}'")),
    }
}

async fn create_portal(State(fake): State<FakeStripe>, body: String) -> Response {
    let f = form(&body);
    let Some(customer) = f.get("customer").cloned().filter(|c| fake.with(|l| l.customers.contains_key(c))) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request_error", "No such customer");
    };
    let portal = fake.with(|l| {
        let portal = PortalSession { id: l.id("bps"), customer, return_url: f.get("return_url").cloned().unwrap_or_default() };
        l.portals.insert(portal.id.clone(), portal.clone());
        portal
    });
    Json(json!({
        "id": portal.id, "object": "billing_portal.session", "configuration": "bpc_test", "created": now(),
        "customer": portal.customer, "livemode": false, "return_url": portal.return_url,
        "url": format!("{}/portal/{}", fake.shared.base, portal.id),
    }))
    .into_response()
}

async fn list_subscriptions(State(fake): State<FakeStripe>, Query(query): Query<HashMap<String, String>>) -> Response {
    let customer = query.get("customer").cloned();
    let data: Vec<Value> = fake
        .with(|l| l.subscriptions.values().filter(|s| customer.as_ref().is_none_or(|c| &s.customer == c)).map(subscription_json).collect());
    Json(json!({"object": "list", "data": data, "has_more": false, "url": "/v1/subscriptions"})).into_response()
}

async fn get_subscription(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    match fake.subscription_json(&id) {
        Some(json) => Json(json).into_response(),
        None => error(StatusCode::NOT_FOUND, "invalid_request_error", &format!("No such subscription: '{id}'")),
    }
}
