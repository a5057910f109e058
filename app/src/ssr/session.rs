//! The per-request authentication result, and the helpers server functions start with.
//!
//! An axum middleware authenticates the cookie once per request and stores a
//! [`RequestAuth`] in the request extensions; server functions (through Leptos' `Parts`
//! context) and REST handlers read it from there.

use crate::error::AppError;
use http::header::{HeaderValue, SET_COOKIE};
use platform::infra::client_addr::ClientAddr;
use platform::tenancy::{AuthContext, TenantScope};

/// What the authentication middleware found for this request.
#[derive(Debug, Clone)]
pub struct RequestAuth(pub Option<AuthContext>);

fn parts() -> Result<http::request::Parts, AppError> {
    leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::Internal)
}

/// The signed-in user of the current request, if any.
pub fn current_auth() -> Result<Option<AuthContext>, AppError> {
    Ok(parts()?.extensions.get::<RequestAuth>().and_then(|a| a.0.clone()))
}

pub fn require_auth() -> Result<AuthContext, AppError> {
    current_auth()?.ok_or_else(|| {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::UNAUTHORIZED);
        }
        AppError::Unauthenticated
    })
}

/// The workspace key the request names: the `x-launchready-workspace` header, else the page's
/// own path (`/app/w/{slug}/…`, when a page renders on the server), else the path of the page
/// that called (the `Referer` of a server function's request: our `Referrer-Policy` is
/// `same-origin`, so the browser sends it for every call of ours). No key: the home workspace.
/// The key only selects; `TenantScope::resolve` decides whether the caller may act there.
pub fn requested_workspace(parts: &http::request::Parts) -> Option<String> {
    use domain::workspace::{key_of_path as workspace_key_of, WORKSPACE_HEADER};
    if let Some(key) = parts.headers.get(WORKSPACE_HEADER).and_then(|v| v.to_str().ok()) {
        return Some(key.trim().to_owned()).filter(|k| !k.is_empty());
    }
    let path = parts.uri.path();
    if !path.starts_with("/api/") {
        // A page: its own path decides (a page load's Referer is the page before it).
        return workspace_key_of(path).map(str::to_owned);
    }
    let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
    let path = referer.parse::<http::Uri>().ok()?.path().to_owned();
    workspace_key_of(&path).map(str::to_owned)
}

/// The prologue of a tenant's server function: the app context and the caller's scope in the
/// workspace the request names (401 without a session). Contexts are read on the first poll,
/// before this awaits anything: after the first await the request's reactive owner may be gone.
pub async fn tenant() -> Result<(super::AppContext, TenantScope), AppError> {
    let (_, ctx, scope) = scoped().await?;
    Ok((ctx, scope))
}

pub async fn require_scope() -> Result<(AuthContext, TenantScope), AppError> {
    let (auth, _, scope) = scoped().await?;
    Ok((auth, scope))
}

async fn scoped() -> Result<(AuthContext, super::AppContext, TenantScope), AppError> {
    let auth = require_auth()?;
    let ctx = super::AppContext::current()?;
    let parts = parts()?;
    let key = requested_workspace(&parts);
    let client = parts.extensions.get::<ClientAddr>().copied();
    let mut scope = TenantScope::resolve(&ctx.db, &auth, key.as_deref()).await?;
    if let Some(client) = client {
        scope = scope.with_client_addr(client);
    }
    Ok((auth, ctx, scope))
}

/// Where the requesting page's workspace lives (`/app` or `/app/w/{slug}`): for redirects.
pub fn workspace_base() -> String {
    match parts().ok().as_ref().and_then(requested_workspace) {
        Some(key) => format!("/app/w/{key}"),
        None => "/app".into(),
    }
}

/// The signed-in platform operator; anyone else gets 404 (the admin area does not exist for them).
pub fn require_operator() -> Result<platform::tenancy::operator::Operator, AppError> {
    let auth = require_auth()?;
    let ctx = super::AppContext::current()?;
    Ok(platform::tenancy::operator::Operator::from_auth(&auth, &ctx.admins)?)
}

/// The client of this request, as the server's first layer resolved it (the forwarded address
/// behind a trusted proxy, the socket peer otherwise).
pub fn client_addr() -> Result<ClientAddr, AppError> {
    parts()?.extensions.get::<ClientAddr>().copied().ok_or_else(|| {
        tracing::error!("the client address layer did not run");
        AppError::Internal
    })
}

pub fn set_cookie(value: HeaderValue) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(SET_COOKIE, value);
    }
}
