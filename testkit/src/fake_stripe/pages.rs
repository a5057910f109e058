//! The fake's hosted pages: Checkout (pay or cancel) and the Customer Portal (cancel the
//! subscription). Plain HTML forms, so a browser test drives them like Stripe's.

use super::fake::FakeStripe;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<FakeStripe> {
    Router::new()
        .route("/pay/{id}", get(checkout_page).post(pay))
        .route("/portal/{id}", get(portal_page))
        .route("/portal/{id}/cancel", post(cancel_subscription))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1f36}}\
         .card{{border:1px solid #e3e8ee;border-radius:8px;padding:1.5rem}}button{{background:#635bff;color:#fff;border:0;\
         border-radius:6px;padding:.7rem 1.4rem;font-size:1rem;cursor:pointer}}.note{{color:#697386;font-size:.85rem}}</style>\
         </head><body><div class=\"card\"><p class=\"note\">Local Stripe test double: no real payment is made.</p>{body}</div></body></html>",
        title = escape(title),
    ))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, page("Not found", "<h1>This page has expired</h1>")).into_response()
}

async fn checkout_page(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    let Some(session) = fake.with(|l| l.sessions.get(&id).cloned()) else { return not_found() };
    if session.status != "open" {
        return Redirect::to(&session.success_url).into_response();
    }
    let what = match (&session.price, &session.amount) {
        (Some(price), _) => format!("Subscription: <strong>{}</strong>", escape(price)),
        (None, Some(amount)) => format!(
            "{}: <strong>{} {}.{:02}</strong>",
            escape(session.product_name.as_deref().unwrap_or("Payment")),
            escape(&session.currency.to_uppercase()),
            amount / 100,
            amount % 100
        ),
        _ => "Payment".into(),
    };
    let email = session
        .customer_email
        .clone()
        .or_else(|| session.customer.as_ref().and_then(|c| fake.with(|l| l.customers.get(c).and_then(|c| c.email.clone()))));
    page(
        "Checkout",
        &format!(
            "<h1>Checkout</h1><p>{what}</p><p class=\"note\">{}</p>\
             <form method=\"post\" action=\"/pay/{id}\"><button type=\"submit\">Pay</button></form>\
             <p><a href=\"{}\">Cancel and go back</a></p>",
            escape(email.as_deref().unwrap_or("")),
            escape(&session.cancel_url),
            id = escape(&id),
        ),
    )
    .into_response()
}

async fn pay(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    match fake.complete_checkout(&id).await {
        Some(next) => Redirect::to(&next).into_response(),
        None => not_found(),
    }
}

async fn portal_page(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    let Some(portal) = fake.with(|l| l.portals.get(&id).cloned()) else { return not_found() };
    let subscriptions: Vec<String> = fake.with(|l| {
        l.subscriptions
            .values()
            .filter(|s| s.customer == portal.customer)
            .map(|s| format!("<li>{} — <strong>{}</strong></li>", escape(&s.price), escape(&s.status)))
            .collect()
    });
    page(
        "Billing portal",
        &format!(
            "<h1>Billing portal</h1><h2>Subscriptions</h2><ul>{}</ul><h2>Invoices</h2><p class=\"note\">No invoices in the test double.</p>\
             <form method=\"post\" action=\"/portal/{id}/cancel\"><button type=\"submit\">Cancel subscription</button></form>\
             <p><a href=\"{}\">Return to launchready</a></p>",
            if subscriptions.is_empty() { "<li>None</li>".into() } else { subscriptions.join("") },
            escape(&portal.return_url),
            id = escape(&id),
        ),
    )
    .into_response()
}

async fn cancel_subscription(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    let Some(portal) = fake.with(|l| l.portals.get(&id).cloned()) else { return not_found() };
    let live: Vec<String> = fake.with(|l| {
        l.subscriptions.values().filter(|s| s.customer == portal.customer && s.status != "canceled").map(|s| s.id.clone()).collect()
    });
    for sub in live {
        fake.set_subscription_status(&sub, "canceled").await;
    }
    Redirect::to(&portal.return_url).into_response()
}
