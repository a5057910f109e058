//! `http.redirect.chain` (high): Redirect chain is short and stays on HTTPS. Passes when no
//! loop, at most 3 hops, no downgrade to http. The first hop of a chain that only upgrades the
//! same host to HTTPS is not counted: HSTS browsers skip it, and the preload list requires it
//! to be a hop of its own (http://example.com → https://example.com → https://www…).

use super::common::{root_url, scanner_side, unanswered};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{Chain, ChainEnd};

const MAX_HOPS: usize = 3;

/// Redirects that count against the limit: all but a first same-host upgrade to HTTPS.
fn counted_redirects(chain: &Chain) -> usize {
    let upgrade_first = chain.hops.first().is_some_and(|hop| {
        hop.location.as_ref().is_some_and(|to| hop.url.scheme() == "http" && to.scheme() == "https" && to.host_str() == hop.url.host_str())
    });
    chain.redirects() - usize::from(upgrade_first)
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let mut hosts = vec![cx.target.main_host().to_owned(), cx.target.apex.clone()];
    if cx.target.www {
        hosts.push(cx.target.www_host());
    }
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    let mut starts = Vec::new();
    for host in &hosts {
        if cx.ips(host).await.is_err() {
            continue;
        }
        starts.extend(["http", "https"].iter().filter_map(|scheme| root_url(cx, scheme, host)));
    }
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut followed = 0;
    for start in &starts {
        let chain = cx.chain(start).await;
        if let Some(e) = unanswered(&chain) {
            if scanner_side(e) {
                return Outcome::error(format!("{start}: {e}")).evidence_lines(evidence);
            }
            // A closed port is http.https.available's or http.https.redirect's finding.
            evidence.push(format!("{start}: no answer ({e})"));
            continue;
        }
        followed += 1;
        evidence.push(format!("from {start}: {}", chain.describe().join(" | ")));
        let downgrades: Vec<String> = chain
            .hops
            .iter()
            .filter_map(|h| {
                h.location.as_ref().filter(|to| h.url.scheme() == "https" && to.scheme() == "http").map(|to| format!("{} → {to}", h.url))
            })
            .collect();
        if !downgrades.is_empty() {
            problems.push(format!("{start} downgrades to plain HTTP ({})", downgrades.join(", ")));
        }
        match &chain.end {
            ChainEnd::Loop(url) => problems.push(format!("{start} loops back to {url}")),
            ChainEnd::TooManyHops => problems.push(format!("{start} never stops redirecting (gave up after {} hops)", chain.redirects())),
            ChainEnd::Failed(e) if scanner_side(e) => return Outcome::error(format!("{start}: {e}")).evidence_lines(evidence),
            ChainEnd::Failed(e) => problems.push(format!("{start} redirects to {} which does not answer ({e})", chain.final_url())),
            ChainEnd::Done(_) if counted_redirects(&chain) > MAX_HOPS => problems.push(format!(
                "{start} takes {} redirects (at most {MAX_HOPS}, not counting a first upgrade to HTTPS)",
                counted_redirects(&chain)
            )),
            ChainEnd::Done(_) => {}
        }
    }
    if followed == 0 {
        return Outcome::error("no start URL answered, so no redirect chain could be followed").evidence_lines(evidence);
    }
    if problems.is_empty() {
        Outcome::pass(format!("{followed} redirect chain(s) end within {MAX_HOPS} hops without a loop or a downgrade to http"))
            .evidence_lines(evidence)
    } else {
        Outcome::fail(format!("broken redirects: {}", problems.join("; "))).evidence_lines(evidence)
    }
}
