//! Honest verdicts: what could not be measured is never a Go, one cause is one finding, an
//! edge's challenge page is never judged as the site, and edge detection needs more than DNS
//! hosting.

use crate::fixture::site::{Site, TOKEN_A};
use crate::fixture::{audit, audit_adjusted, expect, target_for, Internet};
use engine::model::CauseKind;
use engine::net::dns::ResolverChoice;
use engine::reference::edge_ranges::EdgeRanges;
use engine::{Decision, Status};
use std::sync::Arc;

/// The head of the text report (decision, grade, coverage and causes), printed for
/// `--nocapture` runs: the closing note of the issue quotes it.
fn show(card: &engine::Scorecard) {
    let text = engine::report::text::render(card, false);
    let head: Vec<&str> = text.lines().take_while(|l| !matches!(*l, "DNS" | "TLS" | "HTTP and redirects")).collect();
    println!("{}\n", head.join("\n"));
}

fn finding<'a>(card: &'a engine::Scorecard, id: &str) -> &'a engine::Finding {
    card.checks.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no finding {id}"))
}

#[tokio::test]
async fn an_unreachable_resolver_is_a_hold_that_says_why() {
    let site = Site::clean("verdict-noresolver");
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    // A loopback port where no DNS server listens: every question goes unanswered.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap();
    drop(silent);
    let mut options = internet.options();
    options.resolver = ResolverChoice::Server(address);
    let card = engine::run_audit(target_for(&site), options, &|_| {}).await.expect("the audit runs and reports");
    show(&card);

    assert_eq!(card.decision, Decision::Hold, "{}", card.decision_reason);
    assert_eq!((card.score, card.grade), (None, None), "no number for what was not measured");
    assert!(card.decision_reason.starts_with("could not verify the launch: only 0 of 52 checks ran"), "{}", card.decision_reason);
    assert_eq!(card.causes.len(), 1, "{:?}", card.causes);
    let cause = &card.causes[0];
    assert_eq!(cause.kind, CauseKind::ResolverUnreachable);
    assert!(cause.summary.contains(&address.to_string()) && cause.summary.contains("did not answer"), "{}", cause.summary);
    let applicable = card.checks.iter().filter(|f| f.status != Status::Skipped).count();
    assert_eq!(cause.checks.len(), applicable, "every check that applies is under the one cause");
    assert!(card.checks.iter().all(|f| f.status != Status::Pass), "nothing passes unmeasured");
}

#[tokio::test]
async fn no_https_listener_is_one_cause_and_a_measured_fail() {
    let mut site = Site::clean("verdict-nohttps");
    site.https = false;
    let card = audit(site, false).await;
    show(&card);
    // What was measured stands: the main host does not answer HTTPS.
    expect(&card, "http.https.available", Status::Fail);
    assert_eq!(card.decision, Decision::Hold);
    let https = card.causes.iter().find(|c| c.kind == CauseKind::HttpsUnreachable).expect("one HTTPS cause");
    assert!(https.summary.starts_with("https://verdict-nohttps.test:443/ refused the connection"), "{}", https.summary);
    assert!(https.checks.len() >= 20, "{} checks under the cause: {:?}", https.checks.len(), https.checks);
    for id in ["tls.certificate.trusted", "headers.csp", "exposure.dotenv", "perf.latency"] {
        assert!(https.checks.iter().any(|c| c == id), "{id} is under the cause");
    }
    assert_eq!(card.causes.len(), 1, "{:?}", card.causes);
    // Too little ran for a score to mean anything.
    assert_eq!(card.score, None, "{}", card.coverage.sentence());
}

#[tokio::test]
async fn a_waf_challenge_is_blocked_by_the_edge_never_a_pass_or_a_fail() {
    let mut site = Site::clean("verdict-waf");
    site.edge_challenge = true;
    let card = audit(site, true).await;
    show(&card);

    assert_eq!(card.decision, Decision::Hold, "{}", card.decision_reason);
    assert!(card.decision_reason.contains("could not verify"), "{}", card.decision_reason);
    let edge = card.causes.iter().find(|c| c.kind == CauseKind::EdgeBlocked).expect("an edge cause");
    assert!(edge.summary.contains("Cloudflare answered a challenge page (403, header cf-mitigated: challenge)"), "{}", edge.summary);
    for id in ["headers.csp", "http.hsts", "perf.static_caching", "exposure.dotenv", "exposure.git", "api.auth_required"] {
        let f = finding(&card, id);
        if f.status == Status::Error {
            assert_eq!(f.cause, Some(CauseKind::EdgeBlocked), "{id}: {}", f.summary);
        }
    }
    // Every check that met the challenge is blocked; no web check passes or fails on it.
    // (TLS handshakes and DNS answers are not pages: the edge does not challenge them.)
    for f in &card.checks {
        let web = !matches!(f.category, engine::Category::Dns | engine::Category::Email | engine::Category::Tls);
        if web {
            assert!(
                matches!(f.status, Status::Error | Status::Skipped),
                "{} judged the challenge page as the site: {:?} {}",
                f.id,
                f.status,
                f.summary
            );
        }
    }
    // The challenge itself proves the edge.
    expect(&card, "dns.edge.proxy", Status::Pass);
    // What DNS and mail say is still measured.
    expect(&card, "email.dmarc.present", Status::Pass);
}

#[tokio::test]
async fn addresses_in_a_published_cdn_range_pass_the_edge_check() {
    let site = Site::clean("verdict-edge-range").remove_header("server").remove_header("cf-ray");
    let ip = site.ip;
    let card = audit_adjusted(site, false, |_, options| {
        options.edge_ranges = Arc::new(EdgeRanges::default().with("Fastly", format!("{ip}/32").parse().unwrap()));
    })
    .await;
    expect(&card, "dns.edge.proxy", Status::Pass);
    let evidence = finding(&card, "dns.edge.proxy").evidence.join("\n");
    assert!(evidence.contains(&format!("verdict-edge-range.test → {ip}: in Fastly's published range {ip}/32")), "{evidence}");
}

#[tokio::test]
async fn cloudflare_nameservers_with_dns_only_records_do_not_pass() {
    let mut site = Site::clean("verdict-dns-only").remove_header("server").remove_header("cf-ray").dns(
        "verdict-dns-only.test",
        "NS",
        "ada.ns.cloudflare.com",
    );
    site.own_zone = true;
    let card = audit(site, false).await;
    expect(&card, "dns.edge.proxy", Status::Fail);
    let evidence = finding(&card, "dns.edge.proxy").evidence.join("\n");
    assert!(evidence.contains("NS ada.ns.cloudflare.com: DNS hosted at Cloudflare"), "{evidence}");
    assert!(evidence.contains("in no published CDN range"), "{evidence}");
}

#[tokio::test]
async fn the_credential_is_still_never_in_a_blocked_finding() {
    let mut site = Site::clean("verdict-waf-secret");
    site.edge_challenge = true;
    let card = audit(site, true).await;
    let everything = serde_json::to_string(&card).unwrap();
    assert!(!everything.contains(TOKEN_A.trim_start_matches("Bearer ")), "the declared credential leaked into the scorecard");
}
