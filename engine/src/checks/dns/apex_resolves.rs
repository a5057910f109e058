//! `dns.apex.resolves` (critical): Apex domain resolves. Passes when apex has A or AAAA.

use super::common::addresses;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let apex = &cx.target.apex;
    match cx.ips(apex).await {
        Ok(ips) => Outcome::pass(format!("{apex} resolves")).evidence(format!("{apex} → {}", addresses(&ips))),
        Err(e) if e.is_no_records() => {
            Outcome::fail(format!("{apex} has no A or AAAA record: visitors typing the bare domain get nothing")).evidence(e.to_string())
        }
        Err(e) => Outcome::error(e.to_string()),
    }
}
