//! Hardening headers on every response we send. Pages rendered by Leptos set their own CSP
//! with a per-request nonce (see `app::csp`); everything else gets a deny-all policy.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{self, HeaderValue};
use std::sync::Arc;

#[derive(Clone)]
pub struct SecurityHeaders {
    pub hsts: bool,
}

const DENY_ALL_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub async fn add_security_headers(State(cfg): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set_default = |name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set_default(header::CONTENT_SECURITY_POLICY, DENY_ALL_CSP);
    set_default(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(header::X_FRAME_OPTIONS, "DENY");
    set_default(header::REFERRER_POLICY, "same-origin");
    set_default(header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set_default(header::HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    set_default(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    );
    if cfg.hsts {
        set_default(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    response
}
