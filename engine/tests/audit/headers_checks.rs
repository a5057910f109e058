//! headers.*: the security headers, cookies, server disclosure and caching of private
//! endpoints. The clean site passes each; each test here injects one defect (or one fix that
//! must still pass).

use crate::fixture::site::{Fixed, Site, HOME_HTML};
use crate::fixture::{audit, audit_adjusted, expect, target_for, Internet};
use engine::{Scorecard, Status};

const HEADER_CHECKS: [&str; 8] = [
    "headers.csp",
    "headers.frame_ancestors",
    "headers.content_type_options",
    "headers.referrer_policy",
    "headers.permissions_policy",
    "headers.cookies",
    "headers.server_disclosure",
    "headers.cache_private",
];

/// The clean CSP without frame-ancestors, for the framing tests.
const CSP_NO_FRAMING: &str = "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; object-src 'none'";

fn text(card: &Scorecard, id: &str) -> String {
    let f = card.checks.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no finding {id}"));
    format!("{}\n{}", f.summary, f.evidence.join("\n"))
}

#[tokio::test]
async fn clean_site_passes_every_header_check() {
    let card = audit(Site::clean("hdr-ok"), false).await;
    for id in HEADER_CHECKS {
        expect(&card, id, Status::Pass);
    }
    // The clean session cookie is shown redacted, never in full.
    let cookies = text(&card, "headers.cookies");
    assert!(cookies.contains("session=s3ss…ue") && !cookies.contains("s3ss10nvalue"), "{cookies}");
}

#[tokio::test]
async fn missing_csp_fails() {
    let card = audit(Site::clean("hdr-nocsp").remove_header("content-security-policy"), false).await;
    expect(&card, "headers.csp", Status::Fail);
}

#[tokio::test]
async fn unsafe_inline_scripts_fail() {
    let card = audit(Site::clean("hdr-csp-inline").set_header("content-security-policy", "script-src 'self' 'unsafe-inline'"), false).await;
    expect(&card, "headers.csp", Status::Fail);
    assert!(text(&card, "headers.csp").contains("inline"));
}

#[tokio::test]
async fn unsafe_inline_next_to_a_nonce_passes() {
    // Browsers ignore 'unsafe-inline' when a nonce is present (it is kept for CSP1 browsers).
    let site = Site::clean("hdr-csp-nonce")
        .set_header("content-security-policy", "default-src 'self'; script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'");
    let card = audit(site, false).await;
    expect(&card, "headers.csp", Status::Pass);
}

#[tokio::test]
async fn wildcard_script_source_fails() {
    let card =
        audit(Site::clean("hdr-csp-star").set_header("content-security-policy", "default-src *; frame-ancestors 'none'"), false).await;
    expect(&card, "headers.csp", Status::Fail);
    assert!(text(&card, "headers.csp").contains("any host"));
}

#[tokio::test]
async fn report_only_csp_fails() {
    let site = Site::clean("hdr-csp-ro")
        .remove_header("content-security-policy")
        .set_header("content-security-policy-report-only", "default-src 'self'; script-src 'self' 'nonce-r4nd0m'");
    let card = audit(site, false).await;
    expect(&card, "headers.csp", Status::Fail);
    assert!(text(&card, "headers.csp").contains("Report-Only"));
}

#[tokio::test]
async fn meta_only_csp_fails() {
    let mut site = Site::clean("hdr-csp-meta").remove_header("content-security-policy");
    site.home_html = HOME_HTML.replace("<head>", r#"<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'">"#);
    let card = audit(site, false).await;
    expect(&card, "headers.csp", Status::Fail);
    assert!(text(&card, "headers.csp").contains("<meta>"));
}

#[tokio::test]
async fn no_framing_protection_fails() {
    let site = Site::clean("hdr-frame").remove_header("x-frame-options").set_header("content-security-policy", CSP_NO_FRAMING);
    let card = audit(site, false).await;
    expect(&card, "headers.frame_ancestors", Status::Fail);
}

#[tokio::test]
async fn x_frame_options_alone_passes() {
    let site = Site::clean("hdr-xfo").set_header("x-frame-options", "SAMEORIGIN").set_header("content-security-policy", CSP_NO_FRAMING);
    let card = audit(site, false).await;
    expect(&card, "headers.frame_ancestors", Status::Pass);
}

#[tokio::test]
async fn frame_ancestors_wildcard_overrides_x_frame_options() {
    let site = Site::clean("hdr-frame-star").set_header("content-security-policy", &format!("{CSP_NO_FRAMING}; frame-ancestors *"));
    let card = audit(site, false).await;
    expect(&card, "headers.frame_ancestors", Status::Fail);
}

#[tokio::test]
async fn missing_nosniff_fails() {
    let card = audit(Site::clean("hdr-sniff").remove_header("x-content-type-options"), false).await;
    expect(&card, "headers.content_type_options", Status::Fail);
}

#[tokio::test]
async fn leaky_referrer_policy_fails() {
    let card = audit(Site::clean("hdr-ref-unsafe").set_header("referrer-policy", "unsafe-url"), false).await;
    expect(&card, "headers.referrer_policy", Status::Fail);
    let card = audit(Site::clean("hdr-ref-downgrade").set_header("referrer-policy", "no-referrer-when-downgrade"), false).await;
    expect(&card, "headers.referrer_policy", Status::Fail);
}

#[tokio::test]
async fn missing_referrer_policy_warns() {
    let card = audit(Site::clean("hdr-ref-none").remove_header("referrer-policy"), false).await;
    expect(&card, "headers.referrer_policy", Status::Warn);
}

#[tokio::test]
async fn missing_permissions_policy_fails() {
    let card = audit(Site::clean("hdr-perm").remove_header("permissions-policy"), false).await;
    expect(&card, "headers.permissions_policy", Status::Fail);
}

#[tokio::test]
async fn feature_policy_alone_warns() {
    let site =
        Site::clean("hdr-feature").remove_header("permissions-policy").set_header("feature-policy", "camera 'none'; microphone 'none'");
    let card = audit(site, false).await;
    expect(&card, "headers.permissions_policy", Status::Warn);
}

#[tokio::test]
async fn permissions_policy_in_feature_policy_syntax_fails() {
    let card = audit(Site::clean("hdr-perm-syntax").set_header("permissions-policy", "camera 'none'; microphone 'none'"), false).await;
    expect(&card, "headers.permissions_policy", Status::Fail);
}

#[tokio::test]
async fn bare_session_cookie_fails_and_is_redacted() {
    let mut site = Site::clean("hdr-cookie");
    site.cookie = Some("session=abcdefghijkl123; Path=/".into());
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Fail);
    let report = text(&card, "headers.cookies");
    assert!(report.contains("Secure") && report.contains("HttpOnly") && report.contains("SameSite"), "{report}");
    assert!(!report.contains("abcdefghijkl123"), "cookie value leaked into evidence: {report}");
}

#[tokio::test]
async fn cookie_without_samesite_fails() {
    let mut site = Site::clean("hdr-cookie-ss");
    site.cookie = Some("sid=0123456789abcdef; Path=/; Secure; HttpOnly".into());
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Fail);
    assert!(text(&card, "headers.cookies").contains("lacks SameSite"));
}

#[tokio::test]
async fn a_load_balancer_cookie_behind_hsts_passes() {
    // AWS ALB stickiness: no Secure, no SameSite, by AWS's design; HSTS keeps it on HTTPS.
    let mut site = Site::clean("hdr-cookie-alb");
    site.cookie = Some("AWSALB=abcdef0123456789; Expires=Thu, 01 Jan 2037 00:00:00 GMT; Path=/".into());
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Pass);
}

#[tokio::test]
async fn a_cookie_deleted_by_a_past_expiry_passes() {
    let mut site = Site::clean("hdr-cookie-clear");
    site.cookie = Some("sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT".into());
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Pass);
}

#[tokio::test]
async fn a_non_session_cookie_without_secure_and_without_hsts_fails() {
    let mut site = Site::clean("hdr-cookie-nohsts").remove_header("strict-transport-security");
    site.cookie = Some("AWSALB=abcdef0123456789; Path=/".into());
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Fail);
}

#[tokio::test]
async fn script_readable_preference_cookie_passes() {
    let mut site = Site::clean("hdr-cookie-pref");
    site.cookie = Some("theme=dark; Path=/; Secure; SameSite=Lax".into());
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Pass);
}

#[tokio::test]
async fn cookie_set_on_a_redirect_hop_is_checked() {
    let site = Site::clean("hdr-cookie-hop")
        .page("/", Fixed::status(302, "").header("location", "/home").header("set-cookie", "connect.sid=s%3Aabcdef0123456789; Path=/"))
        .page("/home", Fixed::ok("text/html", "<!doctype html><title>home</title>"));
    let card = audit(site, false).await;
    expect(&card, "headers.cookies", Status::Fail);
    assert!(text(&card, "headers.cookies").contains("connect.sid lacks"));
}

#[tokio::test]
async fn versioned_server_header_fails() {
    let card = audit(Site::clean("hdr-server").set_header("server", "nginx/1.18.0"), false).await;
    expect(&card, "headers.server_disclosure", Status::Fail);
    assert!(text(&card, "headers.server_disclosure").contains("nginx/1.18.0"));
}

#[tokio::test]
async fn versioned_x_powered_by_fails() {
    let card = audit(Site::clean("hdr-php").set_header("x-powered-by", "PHP/8.1.2"), false).await;
    expect(&card, "headers.server_disclosure", Status::Fail);
}

#[tokio::test]
async fn product_name_without_version_passes() {
    let card = audit(Site::clean("hdr-express").set_header("x-powered-by", "Express"), false).await;
    expect(&card, "headers.server_disclosure", Status::Pass);
}

#[tokio::test]
async fn publicly_cacheable_private_endpoint_fails() {
    let site =
        Site::clean("hdr-cache").page("/api/me", Fixed::ok("application/json", "{}").header("cache-control", "public, max-age=3600"));
    let card = audit(site, false).await;
    expect(&card, "headers.cache_private", Status::Fail);
    let report = text(&card, "headers.cache_private");
    assert!(report.contains("/api/me") && !report.contains("token-a-0123456789"), "{report}");
}

/// The product's credential is a session cookie: nothing in HTTP keeps shared caches from
/// reusing the answer (unlike an Authorization header).
fn with_cookie_credential(target: &mut engine::Target, _: &mut engine::AuditOptions) {
    target.auth_header = Some(engine::redact::SecretHeader::parse("Cookie: session=s3ss10nvalue").unwrap());
}

#[tokio::test]
async fn private_endpoint_with_max_age_fails_for_a_cookie_credential() {
    let site = Site::clean("hdr-cache-maxage").page("/api/me", Fixed::ok("application/json", "{}").header("cache-control", "max-age=600"));
    let card = audit_adjusted(site, false, with_cookie_credential).await;
    expect(&card, "headers.cache_private", Status::Fail);
}

#[tokio::test]
async fn private_endpoint_without_cache_control_warns_for_a_cookie_credential() {
    let site = Site::clean("hdr-cache-none").page("/api/me", Fixed::ok("application/json", "{}"));
    let card = audit_adjusted(site, false, with_cookie_credential).await;
    expect(&card, "headers.cache_private", Status::Warn);
}

#[tokio::test]
async fn an_authorization_header_keeps_shared_caches_off_by_itself() {
    // RFC 9111 §3.5: a max-age, or no Cache-Control at all, does not let a shared cache reuse
    // a response to a request with Authorization.
    for (label, cache_control) in [("hdr-cache-auth-maxage", Some("max-age=600")), ("hdr-cache-auth-none", None)] {
        let mut page = Fixed::ok("application/json", "{}");
        if let Some(value) = cache_control {
            page = page.header("cache-control", value);
        }
        let card = audit(Site::clean(label).page("/api/me", page), false).await;
        expect(&card, "headers.cache_private", Status::Pass);
    }
    let revalidated = Fixed::ok("application/json", "{}").header("cache-control", "max-age=600, must-revalidate");
    let card = audit(Site::clean("hdr-cache-auth-reval").page("/api/me", revalidated), false).await;
    expect(&card, "headers.cache_private", Status::Fail);
}

#[tokio::test]
async fn cache_private_is_skipped_without_private_endpoints() {
    let site = Site::clean("hdr-cache-skip");
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut target = target_for(&site);
    target.endpoints.retain(|e| e.access == domain::product::Access::Public);
    let card = engine::run_audit(target, internet.options(), &|_| {}).await.expect("audit runs");
    expect(&card, "headers.cache_private", Status::Skipped);
}
