//! Request body limit for every route, Leptos server functions included: a declared length
//! over the limit is refused with 413; an undeclared (chunked) body is cut off at the limit
//! while it is read.
//!
//! A refused body of moderate size is read and discarded before the 413 goes out (a "lingering
//! close", as nginx does): a server that answers and closes while the client is still sending
//! makes the kernel reset the connection, and the client sees a broken pipe instead of the 413.
//! Larger declared bodies are refused without reading them, so a refusal costs at most
//! `DRAIN_CAP` bytes and `DRAIN_TIME`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use http_body_util::BodyExt;
use std::time::Duration;

/// Declared bodies up to this size are read before the refusal.
const DRAIN_CAP: u64 = 8 * 1024 * 1024;
/// How long reading a refused body may take.
const DRAIN_TIME: Duration = Duration::from_secs(5);

pub async fn limit_body(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = declared.filter(|len| *len > limit as u64) {
        if len <= DRAIN_CAP {
            // hyper ends the body at the declared length, so this reads at most DRAIN_CAP.
            let mut refused = request.into_body();
            let _ = tokio::time::timeout(DRAIN_TIME, async { while let Some(Ok(_)) = refused.frame().await {} }).await;
        }
        let body = serde_json::json!({
            "error": "payload_too_large",
            "message": format!("the request body is larger than the limit of {limit} bytes"),
        });
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    }
    let (parts, body) = request.into_parts();
    let limited = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, limited)).await
}
