//! The headers checks: the security headers of the main page (CSP, framing, nosniff,
//! Referrer-Policy, Permissions-Policy), its cookies, what its server headers disclose, and
//! whether the declared private endpoints can land in a shared cache.

mod cache_private;
mod common;
mod content_type_options;
mod cookies;
mod csp;
mod frame_ancestors;
mod permissions_policy;
mod referrer_policy;
mod server_disclosure;

use crate::model::Outcome;
use crate::net::http::Response;
use crate::registry::Registry;
use std::sync::Arc;

/// Every verdict of this family that reads only the main page (the fuzz targets' entry: the
/// page's headers and body are whatever the audited server sends).
pub(super) fn judge_page(page: Arc<Response>) -> Vec<Outcome> {
    vec![
        csp::judge(&page),
        frame_ancestors::judge(&page),
        content_type_options::judge(&page),
        referrer_policy::judge(&page),
        permissions_policy::judge(&page),
        server_disclosure::judge(&page),
        cookies::judge(std::slice::from_ref(&page)),
    ]
}

pub(super) fn register(r: &mut Registry) {
    r.add("headers.csp", |cx| Box::pin(csp::check(cx)));
    r.add("headers.frame_ancestors", |cx| Box::pin(frame_ancestors::check(cx)));
    r.add("headers.content_type_options", |cx| Box::pin(content_type_options::check(cx)));
    r.add("headers.referrer_policy", |cx| Box::pin(referrer_policy::check(cx)));
    r.add("headers.permissions_policy", |cx| Box::pin(permissions_policy::check(cx)));
    r.add("headers.cookies", |cx| Box::pin(cookies::check(cx)));
    r.add("headers.server_disclosure", |cx| Box::pin(server_disclosure::check(cx)));
    r.add("headers.cache_private", |cx| Box::pin(cache_private::check(cx)));
}
