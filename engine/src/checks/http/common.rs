//! What the http checks share.

use crate::context::AuditContext;
use crate::net::http::{Chain, ChainEnd, FetchError};
use url::Url;

pub(super) fn root_url(cx: &AuditContext, scheme: &str, host: &str) -> Option<Url> {
    let target = &cx.target;
    if host == target.main_host() && target.url.scheme() == scheme {
        return Some(target.url_on(host, "/"));
    }
    Url::parse(&format!("{scheme}://{host}/")).ok()
}

pub(super) fn unanswered(chain: &Chain) -> Option<&FetchError> {
    match (&chain.end, chain.hops.is_empty()) {
        (ChainEnd::Failed(e), true) => Some(e),
        _ => None,
    }
}

pub(super) fn scanner_side(e: &FetchError) -> bool {
    matches!(e, FetchError::Refused(_) | FetchError::BudgetExhausted(_))
}
