//! Tests: perf_checks. Each test injects one defect into the clean site.

use crate::fixture::site::{Fixed, Site, HOME_HTML};
use crate::fixture::{audit, expect};
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
    let card = audit(Site::clean("perf-cache-nostore").page("/static/app.js", script), false).await;
    expect(&card, "perf.static_caching", Status::Fail);
}

#[tokio::test]
async fn perf_two_day_asset_warns_caching() {
    let css = Fixed::ok("text/css", "body{margin:0}").header("cache-control", "public, max-age=172800");
    let card = audit(Site::clean("perf-cache-2d").page("/static/app.css", css), false).await;
    expect(&card, "perf.static_caching", Status::Warn);
}

#[tokio::test]
async fn perf_page_without_assets_skips_caching() {
    let mut site = Site::clean("perf-cache-none");
    site.home_html = "<!doctype html><html><head><title>Plain</title></head><body><h1>Plain</h1></body></html>".into();
    let card = audit(site, false).await;
    expect(&card, "perf.static_caching", Status::Skipped);
}
