//! What the api checks share.

use crate::context::AuditContext;
use crate::net::http::Response;
use domain::product::{Access, Endpoint, EndpointKind};
use regex::Regex;
use std::sync::LazyLock;

pub(super) fn of_kind(cx: &AuditContext, kind: EndpointKind) -> impl Iterator<Item = &Endpoint> {
    cx.target.endpoints.iter().filter(move |e| e.kind == kind)
}

pub(super) static LOGIN_LOCATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(log-?in|sign-?in|sign_in|/auth\b|/auth/|sso|oauth|/session|/account)").expect("valid regex"));

pub(super) fn is_login_redirect(response: &Response) -> bool {
    response.is_redirect() && response.location().is_some_and(|l| LOGIN_LOCATION.is_match(&l[url::Position::BeforePath..]))
}

pub(super) fn body_endpoints(cx: &AuditContext, max: usize) -> Vec<&Endpoint> {
    let mut endpoints: Vec<&Endpoint> =
        cx.target.endpoints.iter().filter(|e| e.access == Access::Public && e.kind != EndpointKind::Health).collect();
    endpoints.sort_by_key(|e| match e.kind {
        EndpointKind::Login => 0,
        EndpointKind::Chat => 1,
        _ => 2,
    });
    endpoints.truncate(max);
    endpoints
}

pub(super) fn turned_away(status: u16) -> Option<&'static str> {
    match status {
        429 => Some("rate limited before the body was judged"),
        405 => Some("the endpoint does not take POST"),
        404 => Some("the path does not exist"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn login_locations() {
        for l in ["/login?next=/api/me", "/auth/signin", "/users/sign_in", "/sso/start"] {
            assert!(LOGIN_LOCATION.is_match(l), "{l}");
        }
        assert!(!LOGIN_LOCATION.is_match("/api/me/"));
    }
}
