//! `headers.csp` (medium): Content Security Policy restricts scripts. Passes when CSP present, script-src without `unsafe-inline` (unless nonce/hash), no bare `*`.

use super::common::{enforced_csp_with_meta, header_line, judge_home, meta_contents};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use content_security_policy::{CheckResult, Element, InlineCheckType, Policy};

fn script_directive(policy: &Policy) -> Option<&content_security_policy::Directive> {
    ["script-src-elem", "script-src", "default-src"].iter().find_map(|name| policy.directive_set.iter().find(|d| d.name == *name))
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    judge_home(cx, judge).await
}

/// The verdict on the main page as fetched (pure: the fuzz targets feed it any headers).
pub(super) fn judge(page: &Response) -> Outcome {
    // Header and meta policies together: the browser enforces them as one.
    let metas = meta_contents(page, "http-equiv", "content-security-policy");
    let list = enforced_csp_with_meta(page, &metas);
    if page.header_all("content-security-policy").is_empty() {
        let report_only = page.header_all("content-security-policy-report-only");
        if !report_only.is_empty() {
            return Outcome::fail("only Content-Security-Policy-Report-Only is sent: violations are reported but nothing is blocked, so injected scripts still run")
                .evidence(header_line(page, "content-security-policy-report-only"));
        }
        if let Some(meta) = metas.first() {
            return Outcome::fail("the CSP is set only in a <meta> tag: send it as a header, so it applies before the page is parsed and can also set frame-ancestors")
                .evidence(format!("{}: <meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\">", page.url));
        }
        return Outcome::fail("no Content-Security-Policy header: any script an attacker injects runs with the visitor's session")
            .evidence(header_line(page, "content-security-policy"));
    }
    let mut evidence = header_line(page, "content-security-policy");
    for meta in &metas {
        evidence.push_str(&format!(" | refined by <meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\">"));
    }
    if list.0.is_empty() {
        return Outcome::fail("the Content-Security-Policy header has no directives, so it restricts nothing").evidence(evidence);
    }
    let scripts: Vec<_> = list.0.iter().filter_map(script_directive).collect();
    if scripts.is_empty() {
        return Outcome::fail("the CSP has neither script-src nor default-src, so scripts from anywhere (and inline) run")
            .evidence(evidence);
    }
    // The crate runs the browser's inline check: 'unsafe-inline' counts only when no nonce,
    // hash or 'strict-dynamic' is present, and several policies must all allow.
    let inline = list.should_elements_inline_type_behavior_be_blocked(&Element { nonce: None }, InlineCheckType::Script, "");
    if inline.0 == CheckResult::Allowed {
        return Outcome::fail("the CSP allows inline scripts ('unsafe-inline' without a nonce or hash), so injected <script> tags run")
            .evidence(evidence);
    }
    // A bare `*` lets scripts load from any host; 'strict-dynamic' makes CSP3 browsers ignore it.
    let any_host =
        |d: &&content_security_policy::Directive| d.value.iter().any(|t| t == "*") && !d.value.iter().any(|t| t == "'strict-dynamic'");
    let restricting = list.0.iter().filter_map(script_directive).filter(|d| !any_host(d)).count();
    if restricting == 0 {
        let names: Vec<&str> = scripts.iter().map(|d| d.name.as_str()).collect();
        return Outcome::fail(format!(
            "{} allows scripts from any host (bare *), so an attacker's script on any site can be loaded",
            names.join(", ")
        ))
        .evidence(evidence);
    }
    Outcome::pass("the CSP blocks inline scripts without a nonce or hash and restricts where scripts load from").evidence(evidence)
}
