//! `tls.certificate.hostname` (critical): Certificate covers every declared host. Passes when certificate covers every declared host.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::tls::Verdict;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let hosts = cx.resolving_web_hosts().await;
    let mut wrong = Vec::new();
    let mut evidence = Vec::new();
    let mut checked = 0;
    for host in &hosts {
        let Ok(report) = cx.tls_report(host).await else { continue };
        checked += 1;
        let names = report.leaf.as_ref().map(|l| l.dns_names.join(" ")).unwrap_or_default();
        if let Verdict::WrongName(_) = report.verdict {
            wrong.push(host.clone());
            evidence.push(format!("{host}: certificate names {names} do not include it"));
        } else {
            evidence.push(format!("{host}: covered ({names})"));
        }
    }
    if checked == 0 {
        Outcome::error("no host completed a TLS handshake").evidence_lines(evidence)
    } else if wrong.is_empty() {
        Outcome::pass(format!("the certificates cover all {checked} host(s)")).evidence_lines(evidence)
    } else {
        Outcome::fail(format!("the certificate does not cover {}: browsers show a name-mismatch error", wrong.join(", ")))
            .evidence_lines(evidence)
    }
}
