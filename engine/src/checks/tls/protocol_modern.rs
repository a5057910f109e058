//! `tls.protocol.modern` (low): TLS 1.3 is offered. Passes when TLS 1.3 offered.

use super::common::main_report;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let report = match main_report(cx).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let line = format!("{}: negotiated {} when offered TLS 1.3 and 1.2", report.host, report.version);
    if report.version == "TLSv1.3" {
        Outcome::pass("TLS 1.3 is offered").evidence(line)
    } else {
        Outcome::fail(format!("TLS 1.3 is not offered (negotiated {})", report.version)).evidence(line)
    }
}
