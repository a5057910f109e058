//! Authentication for every request: the session cookie is checked once, here, and the result
//! stored in the request extensions for pages, server functions and REST handlers alike.

use crate::http::error::ApiError;
use crate::state::AppState;
use app::ssr::session::RequestAuth;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::DomainError;
use http::request::Parts;
use platform::tenancy::{AuthContext, TenantScope};

pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ctx = &state.ctx;
    let cookie = ctx.cookie.read(request.headers());
    let mut auth = None;
    let mut clear_cookie = false;
    if let Some(value) = cookie {
        match platform::accounts::sessions::authenticate(&ctx.db, &ctx.key, &ctx.sessions, &value).await {
            Ok(Some(found)) => auth = Some(found),
            Ok(None) => clear_cookie = true,
            Err(err) => return ApiError(err).into_response(),
        }
    }
    let signed_in = auth.is_some();
    request.extensions_mut().insert(RequestAuth(auth));

    // Private pages need a session; send the browser to sign in rather than render an error.
    let path = request.uri().path();
    if !signed_in && request.method() == http::Method::GET && (in_area(path, "/app") || in_area(path, "/admin")) {
        let target = if clear_cookie { "/signin?notice=expired" } else { "/signin" };
        let mut response = Redirect::to(target).into_response();
        if clear_cookie {
            response.headers_mut().append(http::header::SET_COOKIE, ctx.cookie.clear());
        }
        return response;
    }
    let private = signed_in || ["/app", "/admin", "/api"].iter().any(|area| in_area(path, area));
    let mut response = next.run(request).await;
    if clear_cookie && !response.headers().contains_key(http::header::SET_COOKIE) {
        response.headers_mut().append(http::header::SET_COOKIE, ctx.cookie.clear());
    }
    // What a signed-in user sees, and every answer of the private areas and the API (a 401
    // included), is theirs alone: no cache, shared or in the browser, may keep it.
    if private && !response.headers().contains_key(http::header::CACHE_CONTROL) {
        response.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    }
    response
}

/// `path` is `area` or below it (`/app`, `/app/…`; not `/apple`).
fn in_area(path: &str, area: &str) -> bool {
    path.strip_prefix(area).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A signed-in user; rejects with 401 otherwise.
pub struct AuthUser(pub AuthContext);

impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<RequestAuth>().and_then(|a| a.0.clone()).map(AuthUser).ok_or(ApiError(DomainError::Unauthenticated))
    }
}

/// The tenant scope of a signed-in user: the only way REST handlers reach tenant data. The
/// workspace is the caller's home one unless the `X-Launchready-Workspace` header names
/// another by its key.
pub struct Tenant(pub TenantScope);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AuthUser(auth) = AuthUser::from_request_parts(parts, state).await?;
        let key = parts
            .headers
            .get(domain::workspace::WORKSPACE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        let mut scope = TenantScope::resolve(&state.ctx.db, &auth, key.as_deref()).await?;
        if let Some(client) = parts.extensions.get::<platform::infra::client_addr::ClientAddr>() {
            scope = scope.with_client_addr(client);
        }
        Ok(Tenant(scope))
    }
}
