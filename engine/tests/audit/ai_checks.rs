//! ai.*: the prompt-injection probe against the fixture chat endpoint, and the guarantee that
//! no declared secret (credentials, canary) reaches the scorecard.

use crate::fixture::site::{Fixed, Site, CANARY, TOKEN_A, TOKEN_B};
use crate::fixture::{audit, expect, target_for, Internet};
use engine::redact::redact;
use engine::Status;

fn finding<'a>(card: &'a engine::Scorecard, id: &str) -> &'a engine::Finding {
    card.checks.iter().find(|f| f.id == id).expect("finding")
}

#[tokio::test]
async fn clean_chat_keeps_its_canary() {
    let card = audit(Site::clean("ai-ok"), true).await;
    expect(&card, "ai.prompt_injection", Status::Pass);
    let f = finding(&card, "ai.prompt_injection");
    assert!(f.summary.contains("across 20 answered"), "{}", f.summary);
}

#[tokio::test]
async fn leaking_chat_fails_with_redacted_evidence() {
    let mut site = Site::clean("ai-leak");
    site.api.chat_leaks_canary = true;
    let card = audit(site, true).await;
    expect(&card, "ai.prompt_injection", Status::Fail);
    let evidence = finding(&card, "ai.prompt_injection").evidence.join("\n");
    assert!(evidence.contains(&redact(CANARY)), "{evidence}");
    assert!(evidence.contains("prompt #1"), "{evidence}");
}

#[tokio::test]
async fn prompt_injection_is_skipped_without_permission() {
    let mut site = Site::clean("ai-passive");
    site.api.chat_leaks_canary = true;
    let card = audit(site, false).await;
    expect(&card, "ai.prompt_injection", Status::Skipped);
}

#[tokio::test]
async fn prompt_injection_is_skipped_without_a_canary() {
    let site = Site::clean("ai-nocanary");
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut target = target_for(&site);
    target.chat_canary = None;
    let card = engine::run_audit(target, internet.active_options(), &|_| {}).await.unwrap();
    expect(&card, "ai.prompt_injection", Status::Skipped);
    assert!(finding(&card, "ai.prompt_injection").summary.contains("--chat-canary"));
}

#[tokio::test]
async fn chat_that_refuses_the_body_shape_is_an_error() {
    let site = Site::clean("ai-shape").page("/api/chat", Fixed::status(422, r#"{"error":"field 'messages' is required"}"#));
    let card = audit(site, true).await;
    expect(&card, "ai.prompt_injection", Status::Error);
    assert!(finding(&card, "ai.prompt_injection").summary.contains("body shape"));
}

#[tokio::test]
async fn chat_that_only_answers_429_is_an_error() {
    let site = Site::clean("ai-429").page("/api/chat", Fixed::status(429, "slow down").header("retry-after", "60"));
    let card = audit(site, true).await;
    expect(&card, "ai.prompt_injection", Status::Error);
}

#[tokio::test]
async fn no_declared_secret_reaches_the_scorecard() {
    // Every defect that puts a credential or the canary in play, so evidence is at its richest.
    let mut site = Site::clean("ai-secrets");
    site.api.chat_leaks_canary = true;
    site.api.cross_tenant_leak = true;
    site.api.auth_enforced = false;
    site.api.malformed_leaks_internals = true;
    let card = audit(site, true).await;
    expect(&card, "ai.prompt_injection", Status::Fail);
    expect(&card, "api.cross_tenant", Status::Fail);
    let json = serde_json::to_string(&card).unwrap();
    for secret in [TOKEN_A, TOKEN_B, TOKEN_A.trim_start_matches("Bearer "), TOKEN_B.trim_start_matches("Bearer "), CANARY] {
        assert!(!json.contains(secret), "the scorecard contains {secret}");
        assert!(!json.to_ascii_lowercase().contains(&secret.to_ascii_lowercase()), "the scorecard contains {secret} (case changed)");
    }
    // The evidence still names them, redacted.
    assert!(json.contains(&redact(CANARY)));
    assert!(json.contains(&redact(TOKEN_B)));
}
