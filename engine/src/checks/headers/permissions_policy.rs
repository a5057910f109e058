//! `headers.permissions_policy` (low): Permissions-Policy is set. Passes when Permissions-Policy present.

use super::common::{header_line, judge_home};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use regex::Regex;
use std::sync::LazyLock;

fn malformed_permissions_members(value: &str) -> Vec<String> {
    static MEMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^[a-z*][a-z0-9_.*-]*\s*=\s*(\*|self|\(\s*[^()]*\)|"[^"]*")\s*(;.*)?$"#).expect("constant regex"));
    value.split(',').map(str::trim).filter(|m| !m.is_empty() && !MEMBER.is_match(m)).map(str::to_owned).collect()
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    judge_home(cx, judge).await
}

/// The verdict on the main page as fetched (pure: the fuzz targets feed it any headers).
pub(super) fn judge(page: &Response) -> Outcome {
    let values = page.header_all("permissions-policy");
    let evidence = vec![header_line(page, "permissions-policy")];
    if values.iter().all(|v| v.trim().is_empty()) {
        if !page.header_all("feature-policy").is_empty() {
            // Feature-Policy is the deprecated predecessor that some browsers still partly honour.
            return Outcome::warn("only the deprecated Feature-Policy is sent; current browsers read Permissions-Policy")
                .evidence_lines(evidence)
                .evidence(header_line(page, "feature-policy"));
        }
        return Outcome::fail(
            "no Permissions-Policy: injected or embedded code may ask for camera, microphone, geolocation and other features",
        )
        .evidence_lines(evidence);
    }
    let malformed: Vec<String> = values.iter().flat_map(|v| malformed_permissions_members(v)).collect();
    if !malformed.is_empty() {
        return Outcome::fail(format!("the Permissions-Policy does not parse (at {}), so browsers ignore all of it", malformed.join(", ")))
            .evidence_lines(evidence);
    }
    Outcome::pass("a Permissions-Policy is sent").evidence_lines(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn permissions_policy_syntax() {
        assert!(malformed_permissions_members("camera=(), microphone=(self \"https://a.test\"), geolocation=*").is_empty());
        assert_eq!(malformed_permissions_members("camera 'none'; microphone 'none'"), vec!["camera 'none'; microphone 'none'".to_owned()]);
    }
}
