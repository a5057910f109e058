//! `headers.frame_ancestors` (medium): Framing by other sites is restricted. Passes when X-Frame-Options or CSP frame-ancestors.

use super::common::{enforced_csp, header_line, judge_home};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;

fn frames_anywhere(values: &[String]) -> bool {
    values.iter().any(|v| matches!(v.to_ascii_lowercase().as_str(), "*" | "https:" | "http:" | "https://*" | "http://*"))
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    judge_home(cx, judge).await
}

/// The verdict on the main page as fetched (pure: the fuzz targets feed it any headers).
pub(super) fn judge(page: &Response) -> Outcome {
    let list = enforced_csp(page);
    let directives: Vec<_> = list.0.iter().filter_map(|p| p.directive_set.iter().find(|d| d.name == "frame-ancestors")).collect();
    let evidence = vec![header_line(page, "content-security-policy"), header_line(page, "x-frame-options")];
    if !directives.is_empty() {
        // Browsers that know frame-ancestors ignore X-Frame-Options whenever it is present.
        return if directives.iter().any(|d| !frames_anywhere(&d.value)) {
            let d = directives.iter().find(|d| !frames_anywhere(&d.value)).map(|d| d.to_string()).unwrap_or_default();
            Outcome::pass(format!("CSP {d} restricts who may frame the page")).evidence_lines(evidence)
        } else {
            Outcome::fail(
                "CSP frame-ancestors allows any site to frame the page (and overrides X-Frame-Options), so clickjacking is possible",
            )
            .evidence_lines(evidence)
        };
    }
    // Browsers accept several X-Frame-Options values only when they all agree.
    let mut values: Vec<String> = page
        .header_all("x-frame-options")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_uppercase())
        .filter(|v| !v.is_empty())
        .collect();
    values.sort();
    values.dedup();
    match values.as_slice() {
        [] => Outcome::fail("neither X-Frame-Options nor CSP frame-ancestors is sent: any site can frame the page for clickjacking")
            .evidence_lines(evidence),
        [v] if v == "DENY" || v == "SAMEORIGIN" => {
            Outcome::pass(format!("X-Frame-Options: {v} restricts framing")).evidence_lines(evidence)
        }
        [v] if v.starts_with("ALLOW-FROM") => Outcome::fail(
            "X-Frame-Options ALLOW-FROM is ignored by current browsers, so any site can frame the page; use CSP frame-ancestors",
        )
        .evidence_lines(evidence),
        _ => Outcome::fail("X-Frame-Options has an invalid or conflicting value, which browsers ignore, so any site can frame the page")
            .evidence_lines(evidence),
    }
}
