//! `dns.www.resolves` (medium): www host resolves. Passes when www resolves (unless the product says it has no www).

use super::common::addresses;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    if !cx.target.www {
        return Outcome::skipped("the product declares that it has no www host");
    }
    let www = cx.target.www_host();
    match cx.ips(&www).await {
        Ok(ips) => Outcome::pass(format!("{www} resolves")).evidence(format!("{www} → {}", addresses(&ips))),
        Err(e) if e.is_no_records() => {
            Outcome::fail(format!("{www} does not resolve: visitors who type www get an error")).evidence(e.to_string())
        }
        Err(e) => Outcome::error(e.to_string()),
    }
}
