//! Tests: exposure_checks. Each test injects one defect into the clean site.

use crate::fixture::site::{Fixed, Site, HOME_HTML};
use crate::fixture::{audit, expect};
use engine::{Scorecard, Status};

const STRIPE_SECRET: &str = "sk_live_51FakeFakeFake0123456789abcdefXYZ";
const DB_PASSWORD: &str = "hunter2secret";

fn evidence_of(card: &Scorecard, id: &str) -> String {
    card.checks.iter().find(|f| f.id == id).map(|f| f.evidence.join("\n")).unwrap_or_default()
}

/// The full secret must appear nowhere in what the audit produces.
#[track_caller]
fn assert_not_in_scorecard(card: &Scorecard, secret: &str) {
    let json = serde_json::to_string(card).expect("scorecard serialises");
    assert!(!json.contains(secret), "the scorecard JSON contains the full secret {secret}");
}

#[tokio::test]
async fn exposure_clean_site_passes_every_exposure_check() {
    let card = audit(Site::clean("exp-clean"), false).await;
    for id in [
        "exposure.dotenv",
        "exposure.git",
        "exposure.source_maps",
        "exposure.secrets_in_bundle",
        "exposure.error_details",
        "exposure.security_txt",
    ] {
        expect(&card, id, Status::Pass);
    }
}

#[tokio::test]
async fn exposure_dotenv_served_fails_and_values_stay_redacted() {
    let body = format!("# production\nDB_PASSWORD={DB_PASSWORD}\nSTRIPE_SECRET_KEY={STRIPE_SECRET}\n");
    let card = audit(Site::clean("exp-env").page("/.env", Fixed::ok("text/plain", &body)), false).await;
    expect(&card, "exposure.dotenv", Status::Fail);
    let evidence = evidence_of(&card, "exposure.dotenv");
    assert!(evidence.contains("DB_PASSWORD=hunt…et"), "{evidence}");
    assert_not_in_scorecard(&card, DB_PASSWORD);
    assert_not_in_scorecard(&card, STRIPE_SECRET);
}

#[tokio::test]
async fn exposure_dotenv_variant_fails() {
    let card = audit(
        Site::clean("exp-env-prod")
            .page("/.env.production", Fixed::ok("application/octet-stream", "export API_KEY=\"abcdef0123456789\"\nDEBUG=false\n")),
        false,
    )
    .await;
    expect(&card, "exposure.dotenv", Status::Fail);
    assert_not_in_scorecard(&card, "abcdef0123456789");
}

#[tokio::test]
async fn exposure_dotenv_spa_fallback_passes() {
    // An SPA answers 200 with its index.html for every path: not a leak.
    let card = audit(
        Site::clean("exp-env-spa")
            .page("/.env", Fixed::ok("text/html", HOME_HTML))
            .page("/.env.local", Fixed::ok("text/plain", "<!doctype html><html><body><div id=\"root\"></div></body></html>")),
        false,
    )
    .await;
    expect(&card, "exposure.dotenv", Status::Pass);
}

#[tokio::test]
async fn exposure_git_head_fails() {
    let card = audit(Site::clean("exp-git-head").page("/.git/HEAD", Fixed::ok("text/plain", "ref: refs/heads/main\n")), false).await;
    expect(&card, "exposure.git", Status::Fail);
}

#[tokio::test]
async fn exposure_git_config_fails() {
    let config = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote \"origin\"]\n\turl = https://deploy:ghp_token@github.com/acme/app.git\n";
    let card = audit(Site::clean("exp-git-config").page("/.git/config", Fixed::ok("text/plain", config)), false).await;
    expect(&card, "exposure.git", Status::Fail);
    assert_not_in_scorecard(&card, "ghp_token");
}

#[tokio::test]
async fn exposure_git_spa_fallback_passes() {
    let card = audit(
        Site::clean("exp-git-spa")
            .page("/.git/HEAD", Fixed::ok("text/html", HOME_HTML))
            .page("/.git/config", Fixed::ok("text/html", HOME_HTML)),
        false,
    )
    .await;
    expect(&card, "exposure.git", Status::Pass);
}

const MAP: &str =
    r#"{"version":3,"file":"app.js","sources":["../src/app.ts"],"sourcesContent":["// internal"],"names":[],"mappings":"AAAA"}"#;

#[tokio::test]
async fn exposure_source_map_guessed_from_script_name_fails() {
    let card = audit(Site::clean("exp-map-guess").page("/static/app.js.map", Fixed::ok("application/json", MAP)), false).await;
    expect(&card, "exposure.source_maps", Status::Fail);
}

#[tokio::test]
async fn exposure_source_map_referenced_by_comment_fails() {
    let script = "console.log('app');\n//# sourceMappingURL=maps/app.min.map\n";
    let card = audit(
        Site::clean("exp-map-ref")
            .page("/static/app.js", Fixed::ok("application/javascript", script))
            .page("/static/maps/app.min.map", Fixed::ok("application/json", MAP)),
        false,
    )
    .await;
    expect(&card, "exposure.source_maps", Status::Fail);
}

#[tokio::test]
async fn exposure_source_map_header_fails() {
    let card = audit(
        Site::clean("exp-map-hdr")
            .page("/static/app.js", Fixed::ok("application/javascript", "console.log('app');\n").header("sourcemap", "/sm/app.json"))
            .page("/sm/app.json", Fixed::ok("application/json", MAP)),
        false,
    )
    .await;
    expect(&card, "exposure.source_maps", Status::Fail);
}

#[tokio::test]
async fn exposure_source_map_referenced_but_not_served_passes() {
    let script = "console.log('app');\n//# sourceMappingURL=app.js.map\n";
    let card = audit(Site::clean("exp-map-dangling").page("/static/app.js", Fixed::ok("application/javascript", script)), false).await;
    expect(&card, "exposure.source_maps", Status::Pass);
}

#[tokio::test]
async fn exposure_secret_in_home_html_fails_and_is_redacted() {
    let html = HOME_HTML.replace("</body>", &format!("<script nonce=\"r4nd0m\">window.cfg={{stripe:\"{STRIPE_SECRET}\"}}</script></body>"));
    let mut site = Site::clean("exp-sec-html");
    site.home_html = html;
    let card = audit(site, false).await;
    expect(&card, "exposure.secrets_in_bundle", Status::Fail);
    let evidence = evidence_of(&card, "exposure.secrets_in_bundle");
    assert!(evidence.contains("Stripe secret key sk_l…YZ"), "{evidence}");
    assert_not_in_scorecard(&card, STRIPE_SECRET);
}

#[tokio::test]
async fn exposure_secrets_in_script_fail() {
    let aws_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY012";
    let openai = "sk-proj-FAKEfakeFAKEfake0123456789abcdefghij";
    let script = format!("const s3={{accessKeyId:\"AKIAFAKEFAKEFAKEFAKE\",secretAccessKey:\"{aws_secret}\"}};const ai=\"{openai}\";");
    let card = audit(Site::clean("exp-sec-js").page("/static/app.js", Fixed::ok("application/javascript", &script)), false).await;
    expect(&card, "exposure.secrets_in_bundle", Status::Fail);
    let evidence = evidence_of(&card, "exposure.secrets_in_bundle");
    assert!(evidence.contains("/static/app.js: AWS access key pair"), "{evidence}");
    assert!(evidence.contains("OpenAI API key"), "{evidence}");
    assert_not_in_scorecard(&card, aws_secret);
    assert_not_in_scorecard(&card, openai);
}

#[tokio::test]
async fn exposure_private_key_in_script_fails() {
    let script = "var k=`-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAfakefakefakeFAKEFAKEfakefakefake0123456789abcdefghij\n-----END RSA PRIVATE KEY-----`;";
    let card = audit(Site::clean("exp-sec-pem").page("/static/app.js", Fixed::ok("application/javascript", script)), false).await;
    expect(&card, "exposure.secrets_in_bundle", Status::Fail);
    assert_not_in_scorecard(&card, "MIIEpAIBAAKCAQEAfakefakefake");
}

#[tokio::test]
async fn exposure_google_browser_key_is_public_by_design() {
    // Firebase configs and Maps pages must ship their browser key: noted, not held against the site.
    let script = "firebase.initializeApp({apiKey:\"AIzaSyFAKEfake0123456789fakeFAKEfake012\"});";
    let card = audit(Site::clean("exp-sec-google").page("/static/app.js", Fixed::ok("application/javascript", script)), false).await;
    expect(&card, "exposure.secrets_in_bundle", Status::Pass);
    let finding = card.checks.iter().find(|f| f.id == "exposure.secrets_in_bundle").unwrap();
    assert!(finding.evidence.join("\n").contains("public by design; restrict it by HTTP referrer"), "{:?}", finding.evidence);
}

#[tokio::test]
async fn exposure_a_key_upload_placeholder_is_not_a_key() {
    let script = "h('textarea',{placeholder:'-----BEGIN OPENSSH PRIVATE KEY-----'});";
    let card = audit(Site::clean("exp-sec-placeholder").page("/static/app.js", Fixed::ok("application/javascript", script)), false).await;
    expect(&card, "exposure.secrets_in_bundle", Status::Pass);
}

#[tokio::test]
async fn exposure_publishable_key_passes() {
    let script = "Stripe(\"pk_live_51FakeFakeFake0123456789abcdefXYZ\");";
    let card = audit(Site::clean("exp-sec-pk").page("/static/app.js", Fixed::ok("application/javascript", script)), false).await;
    expect(&card, "exposure.secrets_in_bundle", Status::Pass);
}

#[tokio::test]
async fn exposure_api_stack_trace_fails() {
    let trace =
        "Traceback (most recent call last):\n  File \"/srv/app/api.py\", line 42, in health\n    db.ping()\nConnectionError: db down\n";
    let card = audit(Site::clean("exp-err-py").page("/api/health", Fixed::status(500, trace)), false).await;
    expect(&card, "exposure.error_details", Status::Fail);
}

#[tokio::test]
async fn exposure_spring_whitelabel_page_fails() {
    let page = "<html><body><h1>Whitelabel Error Page</h1><p>This application has no explicit mapping for /error</p></body></html>";
    let card = audit(Site::clean("exp-err-java").page("/api/health", Fixed { status: 400, ..Fixed::ok("text/html", page) }), false).await;
    expect(&card, "exposure.error_details", Status::Fail);
}

fn security_txt(body: &str) -> Fixed {
    Fixed::ok("text/plain; charset=utf-8", body)
}

#[tokio::test]
async fn exposure_security_txt_expired_fails() {
    let card = audit(
        Site::clean("exp-sectxt-old")
            .page("/.well-known/security.txt", security_txt("Contact: mailto:security@x.test\nExpires: 2021-01-01T00:00:00Z\n")),
        false,
    )
    .await;
    expect(&card, "exposure.security_txt", Status::Fail);
}

#[tokio::test]
async fn exposure_security_txt_without_expires_warns() {
    let card =
        audit(Site::clean("exp-sectxt-noexp").page("/.well-known/security.txt", security_txt("Contact: https://x.test/security\n")), false)
            .await;
    expect(&card, "exposure.security_txt", Status::Warn);
}

#[tokio::test]
async fn exposure_security_txt_missing_fails() {
    let card = audit(Site::clean("exp-sectxt-none").page("/.well-known/security.txt", Fixed::status(404, "not found")), false).await;
    expect(&card, "exposure.security_txt", Status::Fail);
}

#[tokio::test]
async fn exposure_security_txt_spa_fallback_fails() {
    let card = audit(Site::clean("exp-sectxt-spa").page("/.well-known/security.txt", Fixed::ok("text/html", HOME_HTML)), false).await;
    expect(&card, "exposure.security_txt", Status::Fail);
}
