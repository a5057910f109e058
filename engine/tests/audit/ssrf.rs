//! The SSRF guard against bypass attempts: IP spellings, IPv6 forms, other schemes, names
//! that resolve to private addresses, and redirects to cloud metadata. Every attempt must be
//! refused before a connection is made.

use crate::fixture::dns::{rec, DnsServer};
use crate::fixture::site::{Fixed, Site};
use crate::fixture::{target_for, Internet};
use engine::net::dns::{Dns, ResolverChoice};
use engine::net::guard::Guard;
use engine::net::http::{ChainEnd, FetchError, HttpClient, Limits, Request};
use engine::{run_audit, AuditError, AuditOptions, Target};
use std::time::Duration;

const LITERAL_URLS: &[&str] = &[
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://127.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://2852039166/latest/meta-data/",
    "http://0251.0376.0251.0376/",
    "http://[fd00:ec2::254]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://100.100.100.200/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.10/",
    "http://198.18.0.1/",
    "http://[2001:db8::1]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "https://127.0.0.1:8443/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:70/_stats",
    "ftp://ssrf-public.test/",
    "http://user:pass@ssrf-public.test/",
];

/// Names in the fixture zone that resolve to addresses the guard must refuse.
fn hostile_records() -> Vec<crate::fixture::dns::Rec> {
    vec![
        rec("loopback.ssrf.test", "A", "127.0.0.1"),
        rec("private.ssrf.test", "A", "10.1.2.3"),
        rec("metadata.ssrf.test", "A", "169.254.169.254"),
        rec("v6loop.ssrf.test", "AAAA", "::1"),
        rec("mapped.ssrf.test", "AAAA", "::ffff:127.0.0.1"),
        rec("mixed.ssrf.test", "A", "127.0.0.2"),
        rec("mixed.ssrf.test", "AAAA", "2606:4700::1111"),
        rec("alias.ssrf.test", "CNAME", "loopback.ssrf.test"),
        rec("linklocal.ssrf.test", "A", "169.254.10.10"),
        rec("cgnat.ssrf.test", "A", "100.64.1.1"),
    ]
}

const HOSTILE_NAMES: &[&str] = &[
    "loopback.ssrf.test",
    "private.ssrf.test",
    "metadata.ssrf.test",
    "v6loop.ssrf.test",
    "mapped.ssrf.test",
    "mixed.ssrf.test",
    "alias.ssrf.test",
    "linklocal.ssrf.test",
    "cgnat.ssrf.test",
];

fn client(dns_addr: std::net::SocketAddr, allow_private: bool) -> HttpClient {
    let dns = Dns::new(ResolverChoice::Server(dns_addr), Duration::from_secs(2)).unwrap();
    HttpClient::new(dns, Guard::new(allow_private), Limits::default()).unwrap()
}

#[tokio::test]
async fn literal_addresses_and_other_schemes_are_refused() {
    let dns = DnsServer::start(&hostile_records()).await;
    let http = client(dns.addr, false);
    let mut accepted = Vec::new();
    for raw in LITERAL_URLS {
        let url = url::Url::parse(raw).unwrap();
        match http.send(Request::get(url)).await {
            Err(FetchError::Refused(_)) => {}
            other => accepted.push(format!("{raw}: {other:?}")),
        }
    }
    assert!(accepted.is_empty(), "not refused:\n{}", accepted.join("\n"));
    assert_eq!(http.requests_used(), 0, "refused requests must not count against the budget");
}

#[tokio::test]
async fn names_resolving_to_private_addresses_are_refused_after_resolution() {
    let dns = DnsServer::start(&hostile_records()).await;
    let http = client(dns.addr, false);
    let mut accepted = Vec::new();
    for name in HOSTILE_NAMES {
        for scheme in ["http", "https"] {
            let url = url::Url::parse(&format!("{scheme}://{name}/")).unwrap();
            match http.send(Request::get(url)).await {
                Err(FetchError::Refused(e)) => assert!(e.to_string().contains("refused"), "{e}"),
                other => accepted.push(format!("{scheme}://{name}: {other:?}")),
            }
        }
    }
    assert!(accepted.is_empty(), "not refused:\n{}", accepted.join("\n"));
}

#[tokio::test]
async fn an_audit_of_a_name_that_resolves_to_loopback_does_not_start() {
    let dns = DnsServer::start(&hostile_records()).await;
    for name in ["loopback.ssrf.test", "alias.ssrf.test", "metadata.ssrf.test"] {
        let options = AuditOptions { resolver: ResolverChoice::Server(dns.addr), ..AuditOptions::default() };
        let result = run_audit(Target::parse(name).unwrap(), options, &|_| {}).await;
        match result {
            Err(AuditError::Refused(message)) => assert!(message.contains("refused"), "{message}"),
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_fixture_site_itself_is_refused_without_allow_private_targets() {
    let site = Site::clean("ssrf-site");
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let options = AuditOptions { allow_private_targets: false, ..internet.options() };
    let result = run_audit(target_for(&site), options, &|_| {}).await;
    assert!(matches!(result, Err(AuditError::Refused(_))), "{result:?}");
}

#[tokio::test]
async fn redirects_to_cloud_metadata_are_refused_even_when_private_targets_are_allowed() {
    let site = Site::clean("ssrf-redirect")
        .page("/to-metadata", Fixed::status(302, "").header("location", "http://169.254.169.254/latest/meta-data/"))
        .page("/to-metadata-name", Fixed::status(301, "").header("location", "http://metadata.ssrf.test/latest/meta-data/"))
        .page("/to-file", Fixed::status(302, "").header("location", "file:///etc/passwd"));
    let internet = Internet::start(std::slice::from_ref(&site), &hostile_records()).await;
    let http = client(internet.dns.addr, true);
    for path in ["/to-metadata", "/to-metadata-name", "/to-file"] {
        let chain = http.follow(url::Url::parse(&format!("https://ssrf-redirect.test{path}")).unwrap()).await;
        match &chain.end {
            ChainEnd::Failed(FetchError::Refused(e)) => assert!(!e.to_string().is_empty()),
            other => panic!("{path}: expected the redirect hop to be refused, got {other:?} ({:?})", chain.describe()),
        }
        assert_eq!(chain.hops.len(), 1, "{path}: the refused hop must not be requested");
    }
}
