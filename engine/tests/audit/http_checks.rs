//! http.*: HTTPS on every host, permanent plain-HTTP redirects, one canonical host, sane
//! redirect chains, HSTS and mixed content. The clean site passes each; each test here injects
//! one defect.

use crate::fixture::site::{Fixed, PlainHttp, Site, Www, HOME_HTML};
use crate::fixture::{audit, expect};
use engine::{Scorecard, Status};

const HTTP_CHECKS: [&str; 6] =
    ["http.https.available", "http.https.redirect", "http.canonical", "http.redirect.chain", "http.hsts", "http.mixed_content"];

/// Summary and evidence of one finding, for asserting on what was reported.
fn text(card: &Scorecard, id: &str) -> String {
    let f = card.checks.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no finding {id}"));
    format!("{}\n{}", f.summary, f.evidence.join("\n"))
}

fn redirect(to: &str) -> Fixed {
    Fixed::status(301, "").header("location", to)
}

#[tokio::test]
async fn clean_site_passes_every_http_check() {
    let card = audit(Site::clean("http-ok"), false).await;
    for id in HTTP_CHECKS {
        expect(&card, id, Status::Pass);
    }
    assert!(text(&card, "http.hsts").contains("max-age=31536000"));
}

#[tokio::test]
async fn no_https_listener_fails_availability() {
    let mut site = Site::clean("http-nohttps");
    site.https = false;
    let card = audit(site, false).await;
    expect(&card, "http.https.available", Status::Fail);
    assert!(text(&card, "http.https.available").contains("https://http-nohttps.test/"));
}

#[tokio::test]
async fn temporary_plain_http_redirect_fails() {
    let mut site = Site::clean("http-temp");
    site.plain_http = PlainHttp::Temporary;
    let card = audit(site, false).await;
    expect(&card, "http.https.redirect", Status::Fail);
    assert!(text(&card, "http.https.redirect").contains("temporary 302"));
}

#[tokio::test]
async fn content_over_plain_http_fails() {
    let mut site = Site::clean("http-plain");
    site.plain_http = PlainHttp::ServesContent;
    let card = audit(site, false).await;
    expect(&card, "http.https.redirect", Status::Fail);
    assert!(text(&card, "http.https.redirect").contains("serves content over plain HTTP"));
}

#[tokio::test]
async fn closed_port_80_warns() {
    let mut site = Site::clean("http-closed80");
    site.plain_http = PlainHttp::Closed;
    let card = audit(site, false).await;
    expect(&card, "http.https.redirect", Status::Warn);
    // A closed port is not a broken chain: the HTTPS chains are still judged.
    expect(&card, "http.redirect.chain", Status::Pass);
}

#[tokio::test]
async fn www_serving_its_own_copy_fails_canonical() {
    let mut site = Site::clean("http-twohosts");
    site.www = Www::ServesContent;
    let card = audit(site, false).await;
    expect(&card, "http.canonical", Status::Fail);
    assert!(text(&card, "http.canonical").contains("ends on www.http-twohosts.test"));
}

#[tokio::test]
async fn canonical_is_skipped_without_www() {
    let mut site = Site::clean("http-nowww");
    site.www = Www::Missing;
    let card = audit(site, false).await;
    expect(&card, "http.canonical", Status::Skipped);
}

#[tokio::test]
async fn redirect_loop_fails() {
    let site = Site::clean("http-loop").page("/", redirect("https://http-loop.test/a")).page("/a", redirect("https://http-loop.test/"));
    let card = audit(site, false).await;
    expect(&card, "http.redirect.chain", Status::Fail);
    assert!(text(&card, "http.redirect.chain").contains("loops back"));
}

#[tokio::test]
async fn long_redirect_chain_fails() {
    let site = Site::clean("http-long")
        .page("/", redirect("/a"))
        .page("/a", redirect("/b"))
        .page("/b", redirect("/c"))
        .page("/c", redirect("/d"))
        .page("/d", Fixed::ok("text/html", "<!doctype html><title>end</title>"));
    let card = audit(site, false).await;
    expect(&card, "http.redirect.chain", Status::Fail);
    assert!(text(&card, "http.redirect.chain").contains("takes 4 redirects"));
}

#[tokio::test]
async fn three_hops_pass() {
    let site = Site::clean("http-three")
        .page("/", redirect("/a"))
        .page("/a", redirect("/b"))
        .page("/b", Fixed::ok("text/html", "<!doctype html><title>end</title>"));
    let card = audit(site, false).await;
    // http://apex/ → https://apex/ → /a → /b is three redirects: the most allowed.
    expect(&card, "http.redirect.chain", Status::Pass);
}

#[tokio::test]
async fn the_first_upgrade_to_https_is_not_counted() {
    // http://apex/ → https://apex/ → /en/ → /en/home → /en/home/start: the preload list asks
    // for that first same-host hop, and HSTS browsers skip it; three redirects remain.
    let site = Site::clean("http-upgrade-hop")
        .page("/", redirect("/en/"))
        .page("/en/", redirect("/en/home"))
        .page("/en/home", redirect("/en/home/start"))
        .page("/en/home/start", Fixed::ok("text/html", "<!doctype html><title>end</title>"));
    let card = audit(site, false).await;
    expect(&card, "http.redirect.chain", Status::Pass);
}

#[tokio::test]
async fn downgrade_to_http_fails() {
    let site = Site::clean("http-down")
        .page("/", redirect("http://http-down.test/landing"))
        .page("/landing", Fixed::ok("text/html", "<!doctype html><title>landing</title>"));
    let card = audit(site, false).await;
    expect(&card, "http.redirect.chain", Status::Fail);
    assert!(text(&card, "http.redirect.chain").contains("downgrades to plain HTTP"));
}

#[tokio::test]
async fn missing_hsts_fails() {
    let card = audit(Site::clean("http-nohsts").remove_header("strict-transport-security"), false).await;
    expect(&card, "http.hsts", Status::Fail);
}

#[tokio::test]
async fn short_hsts_warns() {
    let card = audit(Site::clean("http-shorthsts").set_header("strict-transport-security", "max-age=86400"), false).await;
    expect(&card, "http.hsts", Status::Warn);
}

#[tokio::test]
async fn hsts_without_max_age_fails() {
    let card = audit(Site::clean("http-badhsts").set_header("strict-transport-security", "includeSubDomains"), false).await;
    expect(&card, "http.hsts", Status::Fail);
}

fn with_insecure_script(label: &str) -> Site {
    let mut site = Site::clean(label);
    site.home_html = HOME_HTML.replace(
        "</body>",
        r#"<script src="http://cdn.example.test/widget.js"></script><iframe src="http://ads.example.test/"></iframe></body>"#,
    );
    site
}

#[tokio::test]
async fn http_script_and_frame_are_mixed_content() {
    let card = audit(with_insecure_script("http-mixed"), false).await;
    expect(&card, "http.mixed_content", Status::Fail);
    let report = text(&card, "http.mixed_content");
    assert!(report.contains("http://cdn.example.test/widget.js") && report.contains("http://ads.example.test/"), "{report}");
}

#[tokio::test]
async fn upgrade_insecure_requests_turns_mixed_content_into_a_warning() {
    let site = with_insecure_script("http-upgrade").set_header(
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; frame-ancestors 'none'; upgrade-insecure-requests",
    );
    let card = audit(site, false).await;
    expect(&card, "http.mixed_content", Status::Warn);
}

#[tokio::test]
async fn upgrade_insecure_requests_in_a_meta_policy_counts_as_well() {
    let mut site = with_insecure_script("http-upgrade-meta");
    site.home_html = site.home_html.replace(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"upgrade-insecure-requests\">",
    );
    let card = audit(site, false).await;
    expect(&card, "http.mixed_content", Status::Warn);
}
