//! Tests: perf_checks. Each test injects one defect into the clean site.

use crate::fixture::site::{Fixed, Site, APP_CSS, HOME_HTML, LOGO_SVG};
use crate::fixture::{audit, audit_adjusted, expect};
use engine::Status;
use std::time::Duration;

#[tokio::test]
async fn perf_clean_site_passes_every_perf_check() {
    let card = audit(Site::clean("perf-clean"), false).await;
    for id in ["perf.latency", "perf.compression", "perf.static_caching"] {
        expect(&card, id, Status::Pass);
    }
}

#[tokio::test]
async fn perf_slow_responses_fail_latency() {
    let mut site = Site::clean("perf-slow");
    site.api.delay = Duration::from_millis(700);
    let card = audit(site, false).await;
    expect(&card, "perf.latency", Status::Fail);
}

/// A home page well over the 1 KB under which compression is not required.
fn big_home() -> String {
    HOME_HTML.replace("<p>", &format!("<p>{}</p><p>", "Everything a launch needs, done right. ".repeat(60)))
}

#[tokio::test]
async fn perf_uncompressed_large_page_fails() {
    let mut site = Site::clean("perf-nogzip");
    site.compress = false;
    site.home_html = big_home();
    let card = audit(site, false).await;
    expect(&card, "perf.compression", Status::Fail);
}

#[tokio::test]
async fn perf_compressed_large_page_passes() {
    let mut site = Site::clean("perf-gzip-big");
    site.home_html = big_home();
    let card = audit(site, false).await;
    expect(&card, "perf.compression", Status::Pass);
}

#[tokio::test]
async fn perf_uncompressed_tiny_responses_pass() {
    // Under 1 KB, skipping compression is a legitimate server choice.
    let mut site = Site::clean("perf-nogzip-tiny");
    site.compress = false;
    let card = audit(site, false).await;
    expect(&card, "perf.compression", Status::Pass);
}

#[tokio::test]
async fn perf_no_store_asset_fails_caching() {
    let script = Fixed::ok("application/javascript", "console.log('app');").header("cache-control", "no-store");
    let card = audit(Site::clean("perf-cache-nostore").page(APP_CSS, script), false).await;
    expect(&card, "perf.static_caching", Status::Fail);
}

#[tokio::test]
async fn perf_two_day_asset_warns_caching() {
    let css = Fixed::ok("text/css", "body{margin:0}").header("cache-control", "public, max-age=172800");
    let card = audit(Site::clean("perf-cache-2d").page(LOGO_SVG, css), false).await;
    expect(&card, "perf.static_caching", Status::Warn);
}

#[tokio::test]
async fn perf_page_with_only_fixed_urls_skips_caching() {
    let mut site = Site::clean("perf-cache-fixed");
    site.home_html = HOME_HTML.replace(APP_CSS, "/static/app.css").replace(LOGO_SVG, "/favicon.ico");
    let card = audit(site.page("/static/app.css", Fixed::ok("text/css", "b{}").header("cache-control", "no-store")), false).await;
    expect(&card, "perf.static_caching", Status::Skipped);
}

fn finding<'a>(card: &'a engine::Scorecard, id: &str) -> &'a engine::Finding {
    card.checks.iter().find(|f| f.id == id).unwrap()
}

#[tokio::test]
async fn perf_a_slow_p95_behind_a_fast_median_fails() {
    // Every fifth request to each path takes 700 ms: the median is fast, the p95 is not.
    let mut site = Site::clean("perf-p95");
    site.api.slow_every = Some((5, Duration::from_millis(700)));
    let card = audit(site, false).await;
    expect(&card, "perf.latency", Status::Fail);
    let latency = finding(&card, "perf.latency");
    assert!(latency.summary.contains("p95 latency is over budget"), "{}", latency.summary);
    let home = latency.evidence.iter().find(|l| l.starts_with("GET https://perf-p95.test/:")).expect("a line for the main page");
    // Sampling stops once two of the (up to) 20 samples were over: the p95 is then decided.
    assert!(home.contains("p95 over 500 ms: 2 of the first"), "{home}");
    let p50: u64 = home.split("p50 so far ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(p50 < 500, "the median is fast: {home}");
}

#[tokio::test]
async fn perf_one_slow_outlier_in_twenty_passes() {
    let mut site = Site::clean("perf-outlier");
    site.api.slow_every = Some((20, Duration::from_millis(700)));
    let card = audit(site, false).await;
    expect(&card, "perf.latency", Status::Pass);
}

#[tokio::test]
async fn perf_an_ai_endpoint_is_held_to_its_own_budget() {
    let mut slow = Site::clean("perf-ai-slow");
    slow.api.chat_delay = Duration::from_millis(400);
    let card = audit_adjusted(slow, true, |target, _| target.ai_latency_budget = Duration::from_millis(300)).await;
    expect(&card, "perf.latency", Status::Fail);
    assert!(
        finding(&card, "perf.latency").summary.contains("POST https://perf-ai-slow.test/api/chat"),
        "{:?}",
        finding(&card, "perf.latency")
    );

    let mut quick = Site::clean("perf-ai-quick");
    quick.api.chat_delay = Duration::from_millis(100);
    let card = audit_adjusted(quick, true, |target, _| target.ai_latency_budget = Duration::from_millis(300)).await;
    expect(&card, "perf.latency", Status::Pass);
    let evidence = finding(&card, "perf.latency").evidence.join("\n");
    assert!(evidence.contains("POST https://perf-ai-quick.test/api/chat: p50 "), "{evidence}");
    assert!(evidence.contains("AI endpoint, budget 300 ms"), "{evidence}");
}

#[tokio::test]
async fn perf_ai_endpoints_are_not_sampled_without_active_probes() {
    let mut site = Site::clean("perf-ai-passive");
    site.api.chat_delay = Duration::from_millis(400);
    let card = audit_adjusted(site, false, |target, _| target.ai_latency_budget = Duration::from_millis(300)).await;
    expect(&card, "perf.latency", Status::Pass);
    assert!(finding(&card, "perf.latency").evidence.join("\n").contains("/api/chat (AI chat: sampled only with active probes"));
}

#[tokio::test]
async fn perf_page_without_assets_skips_caching() {
    let mut site = Site::clean("perf-cache-none");
    site.home_html = "<!doctype html><html><head><title>Plain</title></head><body><h1>Plain</h1></body></html>".into();
    let card = audit(site, false).await;
    expect(&card, "perf.static_caching", Status::Skipped);
}
