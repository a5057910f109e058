//! The tls checks: trust, host names, expiry, legacy and modern protocol versions.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::tls::{TlsReport, Verdict};
use crate::registry::Registry;
use std::sync::Arc;

pub(super) fn register(r: &mut Registry) {
    r.add("tls.certificate.trusted", |cx| Box::pin(trusted(cx)));
    r.add("tls.certificate.hostname", |cx| Box::pin(hostname(cx)));
    r.add("tls.certificate.expiry", |cx| Box::pin(expiry(cx)));
    r.add("tls.protocol.legacy", |cx| Box::pin(legacy(cx)));
    r.add("tls.protocol.modern", |cx| Box::pin(modern(cx)));
}

async fn main_report(cx: &AuditContext) -> Result<Arc<TlsReport>, Outcome> {
    let host = cx.target.main_host().to_owned();
    if cx.ips(&host).await.is_err() {
        return Err(Outcome::error(format!("{host} does not resolve, so its certificate cannot be read")));
    }
    cx.tls_report(&host).await.map_err(Outcome::error)
}

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

async fn trusted(cx: &AuditContext) -> Outcome {
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

async fn hostname(cx: &AuditContext) -> Outcome {
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

async fn expiry(cx: &AuditContext) -> Outcome {
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

async fn legacy(cx: &AuditContext) -> Outcome {
    let host = cx.target.main_host().to_owned();
    if cx.ips(&host).await.is_err() {
        return Outcome::error(format!("{host} does not resolve"));
    }
    match cx.tls.accepts_legacy(&host, cx.https_port(&host)).await {
        Ok(None) => {
            Outcome::pass("TLS 1.0 and 1.1 are refused").evidence(format!("{host}: handshake offering only TLS 1.0/1.1 was refused"))
        }
        Ok(Some(version)) => Outcome::fail(format!("{host} still accepts {version}, a protocol with known weaknesses"))
            .evidence(format!("{host}: handshake completed with {version}")),
        Err(e) => Outcome::error(e),
    }
}

async fn modern(cx: &AuditContext) -> Outcome {
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
