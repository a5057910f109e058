//! The clean fixture site must come out Go with zero failures: no false positives.

use crate::fixture::site::{Fixed, PlainHttp, Site};
use crate::fixture::{audit, audit_adjusted, problems};
use engine::reference::hsts_preload::HstsPreload;
use engine::{Decision, Grade, Scorecard, Status};

#[track_caller]
fn assert_clean(card: &Scorecard) {
    let problems = problems(card);
    assert!(problems.is_empty(), "the clean site has findings:\n{}", problems.join("\n"));
    assert_eq!(card.decision, Decision::Go, "{}", card.decision_reason);
    assert_eq!(card.grade, Some(Grade::APlus));
    assert!(card.causes.is_empty());
}

#[tokio::test]
async fn clean_site_is_go_with_zero_failures() {
    let card = audit(Site::clean("clean"), true).await;
    assert_clean(&card);
    assert!(card.checks.iter().all(|f| f.status != Status::Skipped), "every check applies to the clean site");
    assert_eq!(card.checks.len(), engine::catalog::catalog().checks.len());
    assert_eq!(card.coverage.sentence(), format!("{0} of {0} checks ran", card.checks.len()));
    assert_eq!(card.rubric_version, domain::rubric::CURRENT);
}

/// What a well-run site legitimately does must not cost it anything: fixed URLs that
/// revalidate (the favicon and robots.txt of the clean site already do, every hour and every
/// five minutes), an HSTS preload entry instead of a header and a port 80, and a CSP header
/// refined by a meta tag.
#[tokio::test]
async fn a_preloaded_site_without_the_header_or_port_80_is_clean() {
    let mut site = Site::clean("clean-preloaded").remove_header("strict-transport-security");
    site.plain_http = PlainHttp::Closed;
    let apex = site.apex.clone();
    let card = audit_adjusted(site, false, |_, options| {
        options.hsts_preload = std::sync::Arc::new(HstsPreload::default().with(&apex, true));
    })
    .await;
    let problems = problems(&card);
    assert!(problems.is_empty(), "findings on a preloaded site:\n{}", problems.join("\n"));
    assert_eq!(card.decision, Decision::Go);
    let hsts = card.checks.iter().find(|f| f.id == "http.hsts").unwrap();
    assert!(hsts.summary.contains("HSTS preload list"), "{}", hsts.summary);
}

#[tokio::test]
async fn a_csp_header_refined_by_a_meta_tag_is_one_policy() {
    // The header alone would allow inline scripts; the meta tag's policy forbids them, and the
    // browser enforces both.
    let mut site = Site::clean("clean-meta-csp").set_header(
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    );
    site.home_html = crate::fixture::site::HOME_HTML.replace(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' 'nonce-r4nd0m'; upgrade-insecure-requests\">",
    );
    let card = audit(site, true).await;
    assert_clean(&card);
}

#[tokio::test]
async fn fixed_urls_with_short_caching_are_not_judged_as_assets() {
    // The home page also links the favicon and an unfingerprinted script with a short lifetime.
    let mut site = Site::clean("clean-fixed-urls")
        .page("/apple-touch-icon.png", Fixed::ok("image/png", "PNG").header("cache-control", "no-cache"))
        .page("/static/app.js", Fixed::ok("application/javascript", "console.log('app');").header("cache-control", "no-cache"));
    site.home_html = crate::fixture::site::HOME_HTML.replace(
        "<link rel=\"icon\" href=\"/favicon.ico\">",
        "<link rel=\"icon\" href=\"/favicon.ico\"><link rel=\"apple-touch-icon\" href=\"/apple-touch-icon.png\">",
    );
    let card = audit(site, true).await;
    assert_clean(&card);
    let caching = card.checks.iter().find(|f| f.id == "perf.static_caching").unwrap();
    let evidence = caching.evidence.join("\n");
    assert!(evidence.contains("favicon.ico: a fixed URL"), "{evidence}");
    assert!(evidence.contains("app.5d41402a.css: Cache-Control: public, max-age=31536000, immutable"), "{evidence}");
}
