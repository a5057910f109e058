//! The dns checks: the apex, www and declared hosts resolve, no dangling CNAME, CAA, and
//! whether a CDN/WAF edge fronts the app.

mod apex_resolves;
mod caa;
mod cname_dangling;
mod common;
mod edge_proxy;
mod subdomains_resolve;
mod www_resolves;

use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("dns.apex.resolves", |cx| Box::pin(apex_resolves::check(cx)));
    r.add("dns.www.resolves", |cx| Box::pin(www_resolves::check(cx)));
    r.add("dns.subdomains.resolve", |cx| Box::pin(subdomains_resolve::check(cx)));
    r.add("dns.cname.dangling", |cx| Box::pin(cname_dangling::check(cx)));
    r.add("dns.caa", |cx| Box::pin(caa::check(cx)));
    r.add("dns.edge.proxy", |cx| Box::pin(edge_proxy::check(cx)));
}
