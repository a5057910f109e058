//! Our own responses: CSRF refusal, body limits, security headers, health, and logs that
//! never carry a secret.

use crate::helpers::{captured_logs, token_in, TestApp, PASSWORD};
use crate::on_both_databases;
use platform::entities::user;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

on_both_databases!(
    cross_site_posts_are_refused_and_change_nothing,
    oversized_bodies_get_413,
    pages_carry_hardening_headers_and_a_script_nonce,
    health_and_readiness,
    secrets_never_reach_the_logs,
    private_answers_are_never_cached,
);

/// launchready's own `headers.cache_private` check: what belongs to a signed-in user, and
/// every answer of the private areas and the API, says `no-store`.
async fn private_answers_are_never_cached(app: &TestApp) {
    let no_store = |response: &reqwest::Response| {
        response.headers().get("cache-control").and_then(|v| v.to_str().ok()).map(str::to_owned).unwrap_or_default()
    };
    let anonymous = app.new_client();
    let refused = anonymous.get(app.url("/api/v1/products")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(no_store(&refused), "no-store", "a 401 of the API");
    let client = app.signed_up_client("cache@example.com").await;
    for path in ["/app", "/app/settings", "/api/v1/products"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(no_store(&response), "no-store", "{path} seen signed in");
    }
    let viewer = app.call(&client, "session/viewer", &[]).await;
    assert_eq!(no_store(&viewer), "no-store", "a server function's answer");
    // Public, anonymous pages may be cached by the browser as usual.
    let landing = anonymous.get(app.url("/signin")).send().await.unwrap();
    assert_ne!(no_store(&landing), "no-store");
}

async fn cross_site_posts_are_refused_and_change_nothing(app: &TestApp) {
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = [("email", "mallory@example.com"), ("password", PASSWORD)];
    let no_origin = bare.post(app.url("/api/auth/sign_up")).form(&form).send().await.unwrap();
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    let foreign = bare.post(app.url("/api/auth/sign_up")).header("origin", "https://evil.example").form(&form).send().await.unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let foreign_referer =
        bare.post(app.url("/api/auth/sign_up")).header("referer", "https://evil.example/x").form(&form).send().await.unwrap();
    assert_eq!(foreign_referer.status(), StatusCode::FORBIDDEN);
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 0);

    // Same-origin Referer without Origin (some older browsers) is accepted.
    let same = bare.post(app.url("/api/auth/sign_up")).header("referer", app.url("/signup")).form(&form).send().await.unwrap();
    assert_eq!(same.status(), StatusCode::OK);

    // A signed-in victim's cookie does not help a cross-site request either.
    let victim = app.signed_up_client("victim2@example.com").await;
    let attack = victim
        .post(app.url("/api/v1/products"))
        .header("origin", "https://evil.example")
        .json(&crate::products::acme())
        .send()
        .await
        .unwrap();
    assert_eq!(attack.status(), StatusCode::FORBIDDEN);
}

async fn oversized_bodies_get_413(app: &TestApp) {
    let client = app.signed_up_client("big@example.com").await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let api = client.post(app.url("/api/v1/products")).header("content-type", "application/json").body(huge.clone()).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let server_fn = app.call(&client, "auth/sign_in", &[("email", "big@example.com"), ("password", &huge)]).await;
    assert_eq!(server_fn.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn pages_carry_hardening_headers_and_a_script_nonce(app: &TestApp) {
    let response = app.new_client().get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP").to_owned();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.contains_key("x-request-id"));
    assert!(!headers.contains_key("strict-transport-security"), "no HSTS over plain HTTP");
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the header's nonce");
    let second = app.new_client().get(app.url("/")).send().await.unwrap();
    assert!(!second.headers()["content-security-policy"].to_str().unwrap().contains(&nonce), "a fresh nonce per response");

    let api = app.new_client().get(app.url("/api/v1/products")).send().await.unwrap();
    assert_eq!(api.headers()["content-security-policy"], "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

async fn health_and_readiness(app: &TestApp) {
    let client = app.new_client();
    assert_eq!(client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
}

async fn secrets_never_reach_the_logs(app: &TestApp) {
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let email = format!("{}@example.com", &canary[..20]);
    let client = app.new_client();
    let response = app.sign_up(&client, &email, &canary).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.sign_in(&client, &email, &canary).await;
    let cookie = app.session_cookie_value(&response).await.unwrap();
    let _ = app.sign_in(&app.new_client(), &email, &format!("{canary}-wrong")).await;
    let mail = app.wait_for_mail(&email, "Confirm").await;
    let token = token_in(&mail);
    app.call(&client, "auth/verify_email", &[("token", &token)]).await;
    let page = client.get(app.url(&format!("/verify?token={token}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);

    let logs = captured_logs();
    assert!(logs.contains("account created"), "logs were captured");
    for (what, secret) in [("password", canary.as_str()), ("session cookie", cookie.as_str()), ("verification token", token.as_str())] {
        assert!(!logs.contains(secret), "the {what} appeared in a log line");
    }
    assert!(!logs.contains("Welcome to launchready"), "a mail body appeared in a log line");
}
