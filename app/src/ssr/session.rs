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

/// The prologue of a tenant's server function: the app context and the caller's scope (401
/// without a session). Contexts are read on the first poll, before this awaits anything: after
/// the first await the request's reactive owner may be gone.
pub async fn tenant() -> Result<(super::AppContext, TenantScope), AppError> {
    let auth = require_auth()?;
    let ctx = super::AppContext::current()?;
    let scope = TenantScope::for_user(&ctx.db, &auth).await?;
    Ok((ctx, scope))
}

pub async fn require_scope() -> Result<(AuthContext, TenantScope), AppError> {
    let auth = require_auth()?;
    let ctx = super::AppContext::current()?;
    let scope = TenantScope::for_user(&ctx.db, &auth).await?;
    Ok((auth, scope))
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
