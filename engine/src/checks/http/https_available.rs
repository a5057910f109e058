//! `http.https.available` (critical): Every host answers over HTTPS. Passes when every host answers over HTTPS.

use super::common::{root_url, scanner_side, unanswered};
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let hosts = cx.resolving_web_hosts().await;
    if hosts.is_empty() {
        return Outcome::error("no declared host resolves, so none could be asked for HTTPS");
    }
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for host in &hosts {
        let Some(url) = root_url(cx, "https", host) else { continue };
        let chain = cx.chain(&url).await;
        match (unanswered(&chain), chain.hops.first()) {
            (Some(e), _) if scanner_side(e) => return Outcome::error(format!("{url}: {e}")).evidence_lines(evidence),
            (Some(e), _) => {
                missing.push(host.clone());
                evidence.push(format!("{url}: no HTTPS answer ({e})"));
            }
            (None, Some(first)) => evidence.push(format!("{url}: answered {}", first.status)),
            (None, None) => evidence.push(format!("{url}: {}", chain.describe().join("; "))),
        }
    }
    if missing.is_empty() {
        Outcome::pass(format!("all {} host(s) answer over HTTPS", hosts.len())).evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "{} do(es) not answer over HTTPS: browsers that try HTTPS first show an error, others stay on plain HTTP",
            missing.join(", ")
        ))
        .evidence_lines(evidence)
    }
}
