//! `headers.cache_private` (medium): Private endpoints are not publicly cacheable. Passes when
//! declared private endpoints are not publicly cacheable. A request carrying `Authorization`
//! is special (RFC 9111 §3.5): shared caches must not reuse its response unless it says
//! `public`, `s-maxage` or `must-revalidate`, so a plain `max-age` or no Cache-Control at all
//! is safe there; cookie and custom-header credentials get no such protection.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{Request, Response};
use domain::product::Access;
use std::sync::Arc;

enum Caching {
    /// `no-store` or `private`: shared caches keep nothing.
    Private,
    /// Stored by shared caches (the reason).
    Shared(String),
    /// Not cacheable for a positive time, but nothing forbids storing it either.
    Unstated(String),
}

/// `authorization`: the request carried an `Authorization` header.
fn shared_cacheability(response: &Response, authorization: bool) -> Caching {
    let values = response.header_all("cache-control");
    if values.is_empty() && authorization {
        return Caching::Private;
    }
    if values.is_empty() {
        return Caching::Unstated("no Cache-Control header".into());
    }
    let mut directives = std::collections::HashMap::new();
    for directive in values.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|d| !d.is_empty()) {
        let (name, value) = directive.split_once('=').map_or((directive, ""), |(n, v)| (n.trim(), v.trim().trim_matches('"')));
        directives.insert(name.to_ascii_lowercase(), value.to_owned());
    }
    let seconds = |name: &str| directives.get(name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    if directives.contains_key("no-store") || directives.contains_key("private") {
        Caching::Private
    } else if directives.contains_key("public") {
        Caching::Shared("Cache-Control public lets shared caches store it even for requests with credentials".into())
    } else if seconds("s-maxage") > 0 {
        Caching::Shared(format!("s-maxage={} lets shared caches store it", seconds("s-maxage")))
    } else if authorization && seconds("max-age") > 0 && directives.contains_key("must-revalidate") {
        Caching::Shared(format!(
            "max-age={} with must-revalidate lets shared caches reuse it despite the Authorization header",
            seconds("max-age")
        ))
    } else if authorization {
        // RFC 9111 §3.5: nothing here lets a shared cache reuse an authorised response.
        Caching::Private
    } else if seconds("max-age") > 0 {
        Caching::Shared(format!("max-age={} without private or no-store lets shared caches store it", seconds("max-age")))
    } else {
        Caching::Unstated("neither private nor no-store".into())
    }
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let private: Vec<_> = cx.target.endpoints.iter().filter(|e| matches!(e.access, Access::Authenticated | Access::Admin)).collect();
    if private.is_empty() {
        return Outcome::skipped("no authenticated or admin endpoint declared (--endpoint '/api/me=authenticated')");
    }
    let auth = cx.target.auth_header.as_ref();
    let mut evidence = Vec::new();
    let mut shared = Vec::new();
    let mut unstated = Vec::new();
    let mut judged = 0;
    for endpoint in private {
        let url = cx.endpoint_url(&endpoint.path);
        let (response, with) = match auth {
            Some(h) => {
                (cx.send(Request::get(url.clone()).header(&h.name, h.expose())).await.map(Arc::new), format!(" with {}", h.redacted()))
            }
            None => (cx.get(&url).await, String::new()),
        };
        let response = match response {
            Ok(r) => r,
            Err(e) => return Outcome::error(format!("GET {url}: {e}")).evidence_lines(evidence),
        };
        let cache_control = response.header_all("cache-control").join(", ");
        let cache_control = if cache_control.is_empty() { "none".to_owned() } else { cache_control };
        let line = format!("GET {url}{with} → {}, Cache-Control: {cache_control}", response.status);
        // Only a successful answer is the private data; an error page reveals nothing when cached.
        if !(200..300).contains(&response.status) {
            evidence.push(format!("{line} (not judged: not the private response)"));
            continue;
        }
        judged += 1;
        evidence.push(line);
        let authorization = auth.is_some_and(|h| h.name.eq_ignore_ascii_case("authorization"));
        match shared_cacheability(&response, authorization) {
            Caching::Private => {}
            Caching::Shared(why) => shared.push(format!("{}: {why}", endpoint.path)),
            Caching::Unstated(why) => unstated.push(format!("{}: {why}", endpoint.path)),
        }
    }
    if judged == 0 {
        let hint = if auth.is_none() { "give a credential (--auth-header) so" } else { "give a credential that can read them so" };
        return Outcome::skipped(format!(
            "no private endpoint returned its data, so its caching could not be judged; {hint} the real responses are checked"
        ))
        .evidence_lines(evidence);
    }
    if !shared.is_empty() {
        return Outcome::fail(format!(
            "private responses are publicly cacheable ({}): a CDN could serve one user's data to another",
            shared.join("; ")
        ))
        .evidence_lines(evidence);
    }
    if !unstated.is_empty() {
        // Nothing asks caches to store these, but a CDN rule that caches by default would.
        return Outcome::warn(format!(
            "private responses do not forbid shared caching ({}); send Cache-Control: private, no-store",
            unstated.join("; ")
        ))
        .evidence_lines(evidence);
    }
    Outcome::pass(format!("all {judged} private response(s) checked are private or no-store")).evidence_lines(evidence)
}
