//! CSRF defence for every state-changing request: the `Origin` header (or, when a browser
//! omits it, the `Referer`) must be our own origin. Together with `SameSite=Lax` session
//! cookies this refuses cross-site form posts and fetches.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct CsrfPolicy {
    /// `scheme://host[:port]` of `LAUNCHREADY_BASE_URL`.
    pub origin: String,
    /// Development on loopback: accept `localhost`, `127.0.0.1` and `[::1]` interchangeably
    /// on the same port, since people open either.
    pub loopback_aliases: Vec<String>,
}

impl CsrfPolicy {
    pub fn new(base_url: &url::Url, development: bool) -> Self {
        let origin = base_url.origin().ascii_serialization();
        let mut loopback_aliases = Vec::new();
        let host = base_url.host_str().unwrap_or_default();
        if development && matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            let port = base_url.port().map(|p| format!(":{p}")).unwrap_or_default();
            for alias in ["127.0.0.1", "localhost", "[::1]"] {
                loopback_aliases.push(format!("{}://{alias}{port}", base_url.scheme()));
            }
        }
        Self { origin, loopback_aliases }
    }

    fn allows(&self, origin: &str) -> bool {
        origin == self.origin || self.loopback_aliases.iter().any(|a| a == origin)
    }

    fn request_is_same_origin(&self, request: &Request) -> bool {
        let headers = request.headers();
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            return self.allows(origin);
        }
        match headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(|r| url::Url::parse(r).ok()) {
            Some(referer) => self.allows(&referer.origin().ascii_serialization()),
            None => false,
        }
    }
}

pub async fn refuse_cross_site(State(policy): State<Arc<CsrfPolicy>>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || policy.request_is_same_origin(&request) {
        return next.run(request).await;
    }
    tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-site request refused");
    (StatusCode::FORBIDDEN, "cross-site request refused: the Origin header does not match this site").into_response()
}
