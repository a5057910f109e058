//! Content-Security-Policy for pages: scripts only from our origin or carrying this request's
//! nonce. The middleware makes the nonce; the Leptos context hands the same value to the
//! hydration scripts.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};

#[derive(Clone)]
struct CspNonce(String);

pub async fn page_policy(mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::default().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Runs inside the Leptos context of a request: replaces the nonce Leptos generated with ours.
pub fn provide_request_nonce() {
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
        if let Some(CspNonce(nonce)) = parts.extensions.get::<CspNonce>() {
            leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
        }
    }
}
