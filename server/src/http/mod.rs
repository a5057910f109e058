//! The axum router: pages and server functions (Leptos), the REST API, health, assets, and the
//! layers every request passes (client address, request id, tracing, timeout, body limit,
//! compression, CSRF, authentication, security headers).

pub mod api_audits;
pub mod api_products;
pub mod assets;
pub mod auth;
pub mod branding;
pub mod client_addr;
pub mod csp;
pub mod csrf;
pub mod error;
pub mod health;
pub mod limits;
pub mod security;
pub mod security_txt;
pub mod stripe_webhook;

use crate::config::{Config, Environment};
use crate::state::AppState;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Router};
use http::{HeaderName, Request, StatusCode};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use platform::infra::client_addr::ClientAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState, config: &Config) -> Router {
    let routes = generate_route_list(App);
    let ctx = state.ctx.clone();
    let leptos_options = state.leptos_options.clone();
    let pkg_dir = config.site_root.join("pkg");

    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx.clone());
                csp::provide_request_nonce();
            },
            move || shell(leptos_options.clone()),
        )
        .layer(middleware::from_fn(csp::page_policy));

    let csrf = Arc::new(csrf::CsrfPolicy::new(&config.base_url, config.env == Environment::Development));
    let security = Arc::new(security::SecurityHeaders { hsts: config.base_url.scheme() == "https" });
    let security_txt = Arc::new(security_txt::SecurityTxt {
        contact: config.security_contact.clone(),
        base_url: config.base_url.as_str().trim_end_matches('/').to_owned(),
    });

    // `Router::layer`: the last one added runs first.
    // Assets and health checks need no session: they are merged after the authentication
    // layer, which then does not cost them a database lookup.
    Router::new()
        .merge(pages)
        .merge(api_products::router())
        .merge(api_audits::router())
        .merge(branding::router())
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .merge(branding::public_router())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/.well-known/security.txt", get(move || security_txt::serve(security_txt.clone())))
        .merge(assets::router(&pkg_dir))
        .layer(middleware::from_fn_with_state(csrf, csrf::refuse_cross_site))
        // Stripe's webhooks come from Stripe, not a browser: the signature over the raw body
        // stands in for the Origin check and the session.
        .merge(stripe_webhook::router())
        .with_state(state)
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(middleware::from_fn_with_state(config.body_limit_bytes, limits::limit_body))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, config.request_timeout))
        .layer(middleware::from_fn_with_state(security, security::add_security_headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
            let client = request.extensions().get::<ClientAddr>().map(ToString::to_string).unwrap_or_default();
            // Path only: query strings can carry tokens (verification links). A share link's
            // path is its token, so only its prefix is logged.
            let path = request.uri().path();
            let path = if path.starts_with("/s/") { "/s/{token}" } else { path };
            tracing::info_span!("request", request_id = %id, client = %client, method = %request.method(), path = %path)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn_with_state(Arc::new(config.trusted_proxies.clone()), client_addr::identify))
}
