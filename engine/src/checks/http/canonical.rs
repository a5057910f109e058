//! `http.canonical` (medium): Apex and www end on one canonical host. Passes when apex and www end on one canonical host.

use super::common::root_url;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::ChainEnd;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    if !cx.target.www {
        return Outcome::skipped("the product declares that it has no www host");
    }
    let apex = cx.target.apex.clone();
    let www = cx.target.www_host();
    let mut ends = Vec::new();
    let mut evidence = Vec::new();
    for host in [&apex, &www] {
        if cx.ips(host).await.is_err() {
            return Outcome::error(format!("{host} does not resolve, so where it leads cannot be compared (see the dns checks)"));
        }
        let Some(url) = root_url(cx, "https", host) else { return Outcome::error(format!("{host} is not a valid host name")) };
        let chain = cx.chain(&url).await;
        evidence.extend(chain.describe());
        match &chain.end {
            ChainEnd::Done(page) => ends.push(page.url.host_str().unwrap_or_default().to_owned()),
            _ => return Outcome::error(format!("{url} does not end on a page, so its canonical host is unknown")).evidence_lines(evidence),
        }
    }
    if ends[0] == ends[1] {
        Outcome::pass(format!("{apex} and {www} both end on {}", ends[0])).evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "{apex} ends on {} but {www} ends on {}: two canonical hosts split sessions and duplicate content",
            ends[0], ends[1]
        ))
        .evidence_lines(evidence)
    }
}
