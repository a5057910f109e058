//! `http.https.redirect` (high): HTTP redirects permanently to HTTPS. Passes when plain HTTP answers with a permanent redirect to HTTPS on every host.

use super::common::{root_url, scanner_side, unanswered};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Chain;

enum PlainAnswer {
    /// Every hop until HTTPS is 301/308.
    Permanent,
    Temporary(u16),
    /// A page is served over plain HTTP (status of that page).
    ServesContent(u16),
    /// The redirects go somewhere that is not HTTPS and never get there.
    NeverHttps,
    /// Nothing answers on port 80.
    Closed,
}

fn judge_plain(chain: &Chain) -> PlainAnswer {
    if unanswered(chain).is_some() {
        return PlainAnswer::Closed;
    }
    // The chain starts on http and this returns at the first hop to https, so every hop
    // judged here is a plain-HTTP one.
    for hop in &chain.hops {
        match (&hop.location, hop.status) {
            (None, status) => return PlainAnswer::ServesContent(status),
            (Some(_), 301 | 308) => {}
            (Some(_), status) => return PlainAnswer::Temporary(status),
        }
        if hop.location.as_ref().is_some_and(|l| l.scheme() == "https") {
            return PlainAnswer::Permanent;
        }
    }
    PlainAnswer::NeverHttps
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let hosts = cx.resolving_web_hosts().await;
    if hosts.is_empty() {
        return Outcome::error("no declared host resolves, so none could be asked over plain HTTP");
    }
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut closed = Vec::new();
    for host in &hosts {
        let Some(url) = root_url(cx, "http", host) else { continue };
        let chain = cx.chain(&url).await;
        if let Some(e) = unanswered(&chain).filter(|e| scanner_side(e)) {
            return Outcome::error(format!("{url}: {e}")).evidence_lines(evidence);
        }
        // Only the plain-HTTP part of the chain is this check's business.
        evidence.extend(chain.hops.iter().take_while(|h| h.url.scheme() == "http").map(|h| match &h.location {
            Some(to) => format!("{} {} → {to}", h.status, h.url),
            None => format!("{} {} (served over plain HTTP)", h.status, h.url),
        }));
        if let Some(e) = unanswered(&chain) {
            evidence.push(format!("{url}: no answer ({e})"));
        }
        match judge_plain(&chain) {
            PlainAnswer::Permanent => {}
            PlainAnswer::Temporary(status) => problems.push(format!("{host} redirects with a temporary {status}")),
            PlainAnswer::ServesContent(status) => problems.push(format!("{host} serves content over plain HTTP (status {status})")),
            PlainAnswer::NeverHttps => problems.push(format!("{host} never reaches HTTPS")),
            PlainAnswer::Closed => closed.push(host.clone()),
        }
    }
    if !problems.is_empty() {
        return Outcome::fail(format!(
            "plain HTTP is not sent permanently to HTTPS: {}; visitors and old links stay unencrypted",
            problems.join("; ")
        ))
        .evidence_lines(evidence);
    }
    // Browsers never send plain HTTP to a preloaded host, so a closed port 80 costs no visitor.
    closed.retain(|host| cx.options.hsts_preload.covering(host).is_none());
    if !closed.is_empty() {
        // Closed port 80 leaks nothing, but whoever types the bare domain into a browser that
        // still tries http:// first gets a connection error instead of the site.
        return Outcome::warn(format!(
            "nothing answers plain HTTP on {}: safe, but visitors who type the bare domain may get a connection error; answer port 80 with a 301 to HTTPS",
            closed.join(", ")
        ))
        .evidence_lines(evidence);
    }
    Outcome::pass(format!("plain HTTP redirects permanently to HTTPS on all {} host(s)", hosts.len())).evidence_lines(evidence)
}
