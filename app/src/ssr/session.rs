//! The session cookie and the per-request authentication result.
//!
//! An axum middleware authenticates the cookie once per request and stores a
//! [`RequestAuth`] in the request extensions; server functions (through Leptos' `Parts`
//! context) and REST handlers read it from there.

use crate::error::AppError;
use http::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use platform::infra::secret::BearerToken;
use platform::tenancy::{AuthContext, TenantScope};

#[derive(Debug, Clone)]
pub struct CookieSettings {
    /// `__Host-launchready_session` over HTTPS; `launchready_session` on plain-HTTP loopback in
    /// development, where the `__Host-` prefix (which requires `Secure`) cannot be used.
    pub name: &'static str,
    pub secure: bool,
    pub max_age_secs: i64,
}

impl CookieSettings {
    pub fn new(secure: bool, max_age_secs: i64) -> Self {
        let name = if secure { "__Host-launchready_session" } else { "launchready_session" };
        Self { name, secure, max_age_secs }
    }

    pub fn read(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.name)
            .map(|(_, value)| value.to_owned())
    }

    pub fn set(&self, token: &BearerToken) -> HeaderValue {
        self.header(token.expose(), self.max_age_secs)
    }

    pub fn clear(&self) -> HeaderValue {
        self.header("", 0)
    }

    fn header(&self, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let text = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", self.name);
        HeaderValue::from_str(&text).expect("cookie value is URL-safe base64")
    }
}

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
