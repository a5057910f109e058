//! tls.*: certificates that are expired, expiring, self-signed or for the wrong host, and
//! servers that speak TLS 1.0/1.1 or lack TLS 1.3, each served for real on loopback.

use crate::fixture::pki::CertKind;
use crate::fixture::web::TlsStack;
use crate::fixture::{audit, expect, site::Site};
use engine::{Decision, Status};

#[tokio::test]
async fn valid_certificate_passes_every_tls_check() {
    let card = audit(Site::clean("tls-ok"), false).await;
    for id in
        ["tls.certificate.trusted", "tls.certificate.hostname", "tls.certificate.expiry", "tls.protocol.legacy", "tls.protocol.modern"]
    {
        expect(&card, id, Status::Pass);
    }
}

#[tokio::test]
async fn expired_certificate_fails_trust_and_expiry() {
    let mut site = Site::clean("tls-expired");
    site.cert = CertKind::Expired;
    let card = audit(site, false).await;
    expect(&card, "tls.certificate.trusted", Status::Fail);
    expect(&card, "tls.certificate.expiry", Status::Fail);
    assert_eq!(card.decision, Decision::Hold);
}

#[tokio::test]
async fn self_signed_certificate_is_untrusted() {
    let mut site = Site::clean("tls-selfsigned");
    site.cert = CertKind::SelfSigned;
    let card = audit(site, false).await;
    expect(&card, "tls.certificate.trusted", Status::Fail);
    let finding = card.checks.iter().find(|f| f.id == "tls.certificate.trusted").unwrap();
    assert!(finding.summary.contains("self-signed"), "{}", finding.summary);
}

#[tokio::test]
async fn certificate_expiring_in_20_days_warns() {
    let mut site = Site::clean("tls-soon");
    site.cert = CertKind::ExpiresInDays(20);
    let card = audit(site, false).await;
    expect(&card, "tls.certificate.expiry", Status::Warn);
    expect(&card, "tls.certificate.trusted", Status::Pass);
}

#[tokio::test]
async fn certificate_expiring_in_5_days_fails() {
    let mut site = Site::clean("tls-5days");
    site.cert = CertKind::ExpiresInDays(5);
    let card = audit(site, false).await;
    expect(&card, "tls.certificate.expiry", Status::Fail);
}

#[tokio::test]
async fn certificate_for_another_host_fails_hostname_only() {
    let mut site = Site::clean("tls-wronghost");
    site.cert_names = Some(vec!["tls-wronghost.test".into(), "www.tls-wronghost.test".into()]);
    let card = audit(site, false).await;
    expect(&card, "tls.certificate.hostname", Status::Fail);
    expect(&card, "tls.certificate.trusted", Status::Pass);
    let finding = card.checks.iter().find(|f| f.id == "tls.certificate.hostname").unwrap();
    assert!(finding.summary.contains("app.tls-wronghost.test"), "{}", finding.summary);
}

#[tokio::test]
async fn legacy_tls_is_detected_through_openssl() {
    let mut site = Site::clean("tls-legacy");
    site.tls = TlsStack::Legacy;
    let card = audit(site, false).await;
    expect(&card, "tls.protocol.legacy", Status::Fail);
    // The same OpenSSL server offers TLS 1.3 too.
    expect(&card, "tls.protocol.modern", Status::Pass);
}

#[tokio::test]
async fn tls12_only_server_lacks_tls13() {
    let mut site = Site::clean("tls-no13");
    site.tls = TlsStack::Tls12Only;
    let card = audit(site, false).await;
    expect(&card, "tls.protocol.modern", Status::Fail);
    expect(&card, "tls.protocol.legacy", Status::Pass);
}

/// A server that drips one byte at a time never finishes a handshake. Every probe gives up at
/// its timeout, the audit ends at its deadline, and no socket (nor the thread a blocking
/// handshake once needed) is left behind.
#[tokio::test]
async fn a_tarpit_holds_no_probe_past_its_deadline() {
    use crate::fixture::tarpit;
    use std::time::{Duration, Instant};
    let mut site = Site::clean("tls-tarpit");
    site.tls = TlsStack::Tarpit;
    let internet = crate::fixture::Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut options = internet.options();
    options.limits.request_timeout = Duration::from_secs(2);
    options.deadline = Duration::from_secs(6);
    let started = Instant::now();
    let card = engine::run_audit(crate::fixture::target_for(&site), options, &|_| {}).await.expect("audit runs");
    let took = started.elapsed();
    // Bounds that only a probe outliving its deadline can break (not a speed target).
    assert!(took < Duration::from_secs(15), "the audit outlived its 6 s deadline: {took:?}");
    expect(&card, "tls.protocol.legacy", Status::Error);
    let legacy = card.checks.iter().find(|f| f.id == "tls.protocol.legacy").unwrap();
    assert!(legacy.summary.contains("timed out") || legacy.summary.contains("deadline"), "{}", legacy.summary);

    let open = tarpit::wait_for_held(site.ip, Duration::from_secs(4), |held| held == 0).await;
    assert_eq!(open, 0, "probes still hold sockets to the tarpit after the audit ended");
}
