//! White-label assets and the logo upload:
//! - `GET /brand/{sha256}`: an uploaded logo, from our origin, cached for a year (a new logo
//!   is a new hash);
//! - `GET /brand/accent/{rrggbb}.css`: the accent colour as a stylesheet (the CSP allows no
//!   inline style), only for colours the branding form accepts;
//! - `POST /app/branding/logo`: a multipart upload from the branding page's plain HTML form,
//!   answered with a redirect back to the page (with `?logo=saved` or `?logo_error=…`).

use crate::http::auth::Tenant;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

const LOGO_PATH: &str = "/app/branding/logo";
const LOGO: &str = "/brand/{hash}";
const ACCENT: &str = "/brand/accent/{file}";

/// Routes that need the session (the upload).
pub fn router() -> Router<AppState> {
    Router::new().route(LOGO_PATH, post(upload_logo))
}

/// Routes without a session (the assets).
pub fn public_router() -> Router<AppState> {
    Router::new().route(LOGO, get(logo)).route(ACCENT, get(accent))
}

async fn logo(State(state): State<AppState>, Path(hash): Path<String>) -> Response {
    match platform::branding::logo(&state.ctx.db, &hash).await {
        Ok(Some((bytes, media))) => (
            [
                (header::CONTENT_TYPE, media),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_owned()),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => crate::http::error::ApiError(err).into_response(),
    }
}

async fn accent(Path(file): Path<String>) -> Response {
    let Some(hex) = file.strip_suffix(".css") else { return StatusCode::NOT_FOUND.into_response() };
    let Ok(colour) = domain::branding::accent_colour(hex) else { return StatusCode::NOT_FOUND.into_response() };
    let css = format!(
        ":root {{ --c-primary: {colour}; --c-primary-hover: {colour}; --c-link: {colour}; --c-link-hover: {colour}; --c-focus: {colour}; }}\n"
    );
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], css)
        .into_response()
}

#[tracing::instrument(name = "branding.upload_logo", skip_all)]
async fn upload_logo(State(state): State<AppState>, Tenant(scope): Tenant, mut multipart: Multipart) -> Response {
    let back = |query: String| Redirect::to(&format!("/app/branding?{query}")).into_response();
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => match field.bytes().await {
                Ok(data) => bytes = Some(data.to_vec()),
                Err(err) => return (StatusCode::PAYLOAD_TOO_LARGE, err.body_text()).into_response(),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(err) => return (err.status(), err.body_text()).into_response(),
        }
    }
    let Some(bytes) = bytes else { return back(format!("logo_error={}", encode_query("choose an image file"))) };
    match platform::branding::set_logo(&state.ctx.db, &scope, &state.ctx.plans, bytes).await {
        Ok(()) => back("logo=saved".into()),
        Err(domain::DomainError::Invalid(fields)) => {
            let message = fields.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("; ");
            back(format!("logo_error={}", encode_query(&message)))
        }
        Err(err) => crate::http::error::ApiError(err).into_response(),
    }
}

/// A query-string value, escaped as the page's router unescapes it.
fn encode_query(text: &str) -> String {
    leptos_router::location::Url::escape(text)
}
