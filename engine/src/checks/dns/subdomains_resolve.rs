//! `dns.subdomains.resolve` (high): Declared hosts resolve. Passes when every declared host resolves.

use super::common::addresses;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    if cx.target.hosts.is_empty() {
        return Outcome::skipped("no extra hosts declared (add app. or api. hosts with --host)");
    }
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for host in &cx.target.hosts {
        match cx.ips(host).await {
            Ok(ips) => evidence.push(format!("{host} → {}", addresses(&ips))),
            Err(e) if e.is_no_records() => {
                missing.push(host.clone());
                evidence.push(format!("{host}: no A or AAAA record"));
            }
            Err(e) => return Outcome::error(e.to_string()).evidence_lines(evidence),
        }
    }
    if missing.is_empty() {
        Outcome::pass(format!("all {} declared host(s) resolve", cx.target.hosts.len())).evidence_lines(evidence)
    } else {
        Outcome::fail(format!("declared host(s) do not resolve: {}", missing.join(", "))).evidence_lines(evidence)
    }
}
