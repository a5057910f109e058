//! `dns.cname.dangling` (high): No dangling CNAME records. Passes when no declared host is a CNAME whose target does not resolve.

use super::common::addresses;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let mut evidence = Vec::new();
    let mut dangling = Vec::new();
    for host in cx.target.web_hosts() {
        if host == cx.target.www_host() && !cx.target.www {
            continue;
        }
        let target = match cx.dns.cname(&host).await {
            Ok(Some(target)) => target,
            Ok(None) => continue,
            Err(e) => return Outcome::error(e.to_string()),
        };
        match cx.dns.ips(&target).await {
            Ok(ips) => evidence.push(format!("{host} CNAME {target} → {}", addresses(&ips))),
            Err(e) if e.is_no_records() => {
                evidence.push(format!("{host} CNAME {target}: the target does not resolve"));
                dangling.push(host);
            }
            Err(e) => return Outcome::error(e.to_string()),
        }
    }
    match (dangling.is_empty(), evidence.is_empty()) {
        (true, true) => Outcome::pass("no declared host is a CNAME"),
        (true, false) => Outcome::pass("every CNAME points to a name that resolves").evidence_lines(evidence),
        (false, _) => {
            Outcome::fail(format!("dangling CNAME on {}: whoever claims the target can serve pages on your domain", dangling.join(", ")))
                .evidence_lines(evidence)
        }
    }
}
