//! `tls.certificate.expiry` (high): Certificate is not close to expiry. Passes when more than 14 days left (warn under 30, fail under 14).

use super::common::main_report;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let report = match main_report(cx).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let Some(leaf) = &report.leaf else { return Outcome::error("the certificate could not be parsed") };
    let left = leaf.not_after - chrono::Utc::now();
    let days = left.num_days();
    let line = format!("{}: expires {} ({days} days left)", report.host, leaf.not_after.format("%Y-%m-%d %H:%M UTC"));
    if left.num_seconds() <= 0 {
        Outcome::fail(format!("the certificate expired {} days ago", -days)).evidence(line)
    } else if days < 14 {
        Outcome::fail(format!("the certificate expires in {days} days: renew it now")).evidence(line)
    } else if days < 30 {
        Outcome::warn(format!("the certificate expires in {days} days")).evidence(line)
    } else {
        Outcome::pass(format!("{days} days left")).evidence(line)
    }
}
