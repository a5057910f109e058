//! `tls.certificate.trusted` (critical): Certificate chain is trusted. Passes when chain verifies to a trusted root now (an expired or not-yet-valid certificate fails this too: browsers block the page).

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::tls::{TlsReport, Verdict};

fn leaf_line(report: &TlsReport) -> String {
    match &report.leaf {
        Some(leaf) => format!(
            "{}: subject {}, issuer {}, valid {} to {}, names {}",
            report.host,
            leaf.subject,
            leaf.issuer,
            leaf.not_before.format("%Y-%m-%d"),
            leaf.not_after.format("%Y-%m-%d"),
            leaf.dns_names.join(" ")
        ),
        None => format!("{}: certificate could not be parsed", report.host),
    }
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let hosts = cx.resolving_web_hosts().await;
    if hosts.is_empty() {
        return Outcome::error("no declared host resolves, so no certificate could be read");
    }
    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    for host in &hosts {
        let report = match cx.tls_report(host).await {
            Ok(r) => r,
            // No HTTPS at all is http.https.available's finding; here there is nothing to judge.
            Err(e) => {
                evidence.push(format!("{host}: {e}"));
                continue;
            }
        };
        evidence.push(leaf_line(&report));
        let self_signed = report.leaf.as_ref().is_some_and(|l| l.self_signed);
        match &report.verdict {
            Verdict::Valid | Verdict::WrongName(_) => {}
            Verdict::Expired(_) => problems.push(format!("{host}: the certificate has expired")),
            Verdict::NotYetValid(_) => problems.push(format!("{host}: the certificate is not valid yet")),
            Verdict::Untrusted(why) if self_signed => problems.push(format!("{host}: self-signed certificate ({why})")),
            Verdict::Untrusted(why) => problems.push(format!("{host}: the chain does not lead to a trusted root ({why})")),
        }
    }
    if !problems.is_empty() {
        Outcome::fail(format!("browsers block the page: {}", problems.join("; "))).evidence_lines(evidence)
    } else if evidence.iter().all(|e| e.contains(" failed") || e.contains("cannot connect") || e.contains("timed out")) {
        Outcome::error("no host completed a TLS handshake").evidence_lines(evidence)
    } else {
        Outcome::pass("every certificate chains to a trusted root and is valid now").evidence_lines(evidence)
    }
}
