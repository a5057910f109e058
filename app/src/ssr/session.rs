//! The per-request authentication result, and the helpers server functions start with.
//!
//! An axum middleware authenticates the cookie once per request and stores a
//! [`RequestAuth`] in the request extensions; server functions (through Leptos' `Parts`
//! context) and REST handlers read it from there.

use crate::error::AppError;
use http::header::{HeaderValue, SET_COOKIE};
use platform::tenancy::{AuthContext, TenantScope};

/// What the authentication middleware found for this request.
#[derive(Debug, Clone)]
pub struct RequestAuth(pub Option<AuthContext>);

/// The client address as seen by the server (the socket peer).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

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

pub fn client_ip() -> String {
    parts().ok().and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone())).unwrap_or_else(|| "unknown".into())
}

pub fn set_cookie(value: HeaderValue) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(SET_COOKIE, value);
    }
}
