//! api.*: each check passes on the clean site and fails (or warns, errors, skips) on exactly
//! one injected defect here. Active checks run with `audit(site, true)`.

use crate::fixture::site::{Fixed, Site};
use crate::fixture::{audit, expect, target_for, Internet};
use engine::{Scorecard, Status};

const API_CHECKS: [&str; 7] =
    ["api.health", "api.cors", "api.auth_required", "api.rate_limit", "api.payload_limit", "api.malformed_input", "api.cross_tenant"];

fn summary<'a>(card: &'a Scorecard, id: &str) -> &'a str {
    &card.checks.iter().find(|f| f.id == id).expect("finding").summary
}

fn evidence(card: &Scorecard, id: &str) -> String {
    card.checks.iter().find(|f| f.id == id).expect("finding").evidence.join("\n")
}

#[tokio::test]
async fn clean_api_passes_every_check() {
    let card = audit(Site::clean("api-ok"), true).await;
    for id in API_CHECKS {
        expect(&card, id, Status::Pass);
    }
    // The burst runs after the other probes: login had only their few requests before it.
    assert!(summary(&card, "api.rate_limit").contains("/api/login answered 429 after"), "{}", summary(&card, "api.rate_limit"));
    assert!(summary(&card, "api.rate_limit").contains("/api/chat answered 429 after"), "{}", summary(&card, "api.rate_limit"));
}

#[tokio::test]
async fn active_api_checks_are_skipped_without_permission() {
    let card = audit(Site::clean("api-passive"), false).await;
    for id in ["api.rate_limit", "api.payload_limit", "api.malformed_input", "api.cross_tenant"] {
        expect(&card, id, Status::Skipped);
    }
    for id in ["api.health", "api.cors", "api.auth_required"] {
        expect(&card, id, Status::Pass);
    }
}

#[tokio::test]
async fn health_endpoint_answering_503_fails() {
    let mut site = Site::clean("api-health-503");
    site.api.health_status = 503;
    let card = audit(site, false).await;
    expect(&card, "api.health", Status::Fail);
    assert!(evidence(&card, "api.health").contains("503"));
}

#[tokio::test]
async fn undeclared_endpoints_skip_their_checks() {
    let site = Site::clean("api-undeclared");
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut target = target_for(&site);
    target.endpoints.clear();
    target.cross_tenant = None;
    let card = engine::run_audit(target, internet.active_options(), &|_| {}).await.unwrap();
    for id in [
        "api.health",
        "api.auth_required",
        "api.rate_limit",
        "api.payload_limit",
        "api.malformed_input",
        "api.cross_tenant",
        "ai.prompt_injection",
    ] {
        expect(&card, id, Status::Skipped);
    }
    assert!(summary(&card, "api.cross_tenant").contains("[cross_tenant]"));
    // The home page is always probed for CORS.
    expect(&card, "api.cors", Status::Pass);
}

#[tokio::test]
async fn reflected_origin_with_credentials_fails_cors() {
    let mut site = Site::clean("api-cors-reflect");
    site.api.cors_reflects_origin = true;
    let card = audit(site, false).await;
    expect(&card, "api.cors", Status::Fail);
    assert!(summary(&card, "api.cors").contains("credentials"));
}

#[tokio::test]
async fn wildcard_origin_with_credentials_fails_cors() {
    let site = Site::clean("api-cors-wildcred")
        .set_header("access-control-allow-origin", "*")
        .set_header("access-control-allow-credentials", "true");
    let card = audit(site, false).await;
    expect(&card, "api.cors", Status::Fail);
}

#[tokio::test]
async fn reflected_origin_without_credentials_passes_cors() {
    // A public API's `origin: true`: browsers share only what an anonymous caller gets.
    let site = Site::clean("api-cors-reflect-anon").set_header("access-control-allow-origin", "https://evil-launchready-probe.example");
    let card = audit(site, false).await;
    expect(&card, "api.cors", Status::Pass);
    assert!(summary(&card, "api.cors").contains("without credentials"), "{}", summary(&card, "api.cors"));
}

#[tokio::test]
async fn a_204_health_answer_passes() {
    let mut site = Site::clean("api-health-204");
    site.api.health_status = 204;
    let card = audit(site, false).await;
    expect(&card, "api.health", Status::Pass);
}

#[tokio::test]
async fn wildcard_origin_without_credentials_passes_cors() {
    let site = Site::clean("api-cors-wild").set_header("access-control-allow-origin", "*");
    let card = audit(site, false).await;
    expect(&card, "api.cors", Status::Pass);
}

#[tokio::test]
async fn unenforced_auth_fails_and_holds() {
    let mut site = Site::clean("api-noauth");
    site.api.auth_enforced = false;
    let card = audit(site, false).await;
    expect(&card, "api.auth_required", Status::Fail);
    assert_eq!(card.decision, engine::Decision::Hold);
}

#[tokio::test]
async fn redirect_to_login_counts_as_refused() {
    let site = Site::clean("api-auth-login").page("/api/me", Fixed::status(302, "").header("location", "/login?next=/api/me"));
    let card = audit(site, false).await;
    expect(&card, "api.auth_required", Status::Pass);
}

#[tokio::test]
async fn unconfirmed_404_on_a_protected_endpoint_warns() {
    // 404 for everyone, the declared credential included: the path may simply be wrong.
    let site = Site::clean("api-auth-404").page("/api/admin/users", Fixed::status(404, "not found"));
    let card = audit(site, false).await;
    expect(&card, "api.auth_required", Status::Warn);
    assert!(summary(&card, "api.auth_required").contains("path not confirmed"));
}

#[tokio::test]
async fn missing_rate_limit_fails() {
    let mut site = Site::clean("api-nolimit");
    site.api.rate_limit = None;
    let card = audit(site, true).await;
    expect(&card, "api.rate_limit", Status::Fail);
    assert!(evidence(&card, "api.rate_limit").contains("×30"), "{}", evidence(&card, "api.rate_limit"));
}

#[tokio::test]
async fn unbounded_body_fails_payload_limit() {
    let mut site = Site::clean("api-nobodylimit");
    site.api.body_limit = None;
    let card = audit(site, true).await;
    expect(&card, "api.payload_limit", Status::Fail);
}

#[tokio::test]
async fn stack_trace_on_malformed_json_fails() {
    let mut site = Site::clean("api-malformed");
    site.api.malformed_leaks_internals = true;
    let card = audit(site, true).await;
    expect(&card, "api.malformed_input", Status::Fail);
    assert!(summary(&card, "api.malformed_input").contains("internals"));
}

#[tokio::test]
async fn cross_tenant_read_fails_and_holds() {
    let mut site = Site::clean("api-xtenant");
    site.api.cross_tenant_leak = true;
    let card = audit(site, true).await;
    expect(&card, "api.cross_tenant", Status::Fail);
    assert_eq!(card.decision, engine::Decision::Hold);
}

#[tokio::test]
async fn cross_tenant_without_a_readable_object_is_an_error() {
    let site = Site::clean("api-xtenant-gone").page("/api/projects/b-1", Fixed::status(404, "not found"));
    let card = audit(site, true).await;
    expect(&card, "api.cross_tenant", Status::Error);
    assert!(summary(&card, "api.cross_tenant").contains("not conclusive"));
}
