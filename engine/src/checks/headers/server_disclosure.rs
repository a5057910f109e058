//! `headers.server_disclosure` (low): Server headers reveal no versions. Passes when no version numbers in Server / X-Powered-By.

use super::common::judge_home;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use regex::Regex;
use std::sync::LazyLock;

const DISCLOSING_HEADERS: &[&str] = &["server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator"];

static VERSION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)/v?\d+(?:\.\d+)*\b|\bv?\d+(?:\.\d+)+\b").expect("constant regex"));

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    judge_home(cx, judge).await
}

/// The verdict on the main page as fetched (pure: the fuzz targets feed it any headers).
pub(super) fn judge(page: &Response) -> Outcome {
    let mut evidence = Vec::new();
    let mut versioned = Vec::new();
    for name in DISCLOSING_HEADERS {
        for value in page.header_all(name) {
            evidence.push(format!("{}: {name}: {value}", page.url));
            if let Some(m) = VERSION.find(value) {
                versioned.push(format!("{name}: {value} ({})", m.as_str().trim_start_matches('/')));
            }
        }
    }
    if !versioned.is_empty() {
        return Outcome::fail(format!(
            "version numbers are disclosed ({}): attackers can look up known vulnerabilities",
            versioned.join("; ")
        ))
        .evidence_lines(evidence);
    }
    if evidence.is_empty() {
        return Outcome::pass("no Server or X-Powered-By header is sent")
            .evidence(format!("{} ({}): no Server or X-Powered-By", page.url, page.status));
    }
    Outcome::pass("Server and X-Powered-By name no versions").evidence_lines(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn versions_in_server_headers() {
        for v in ["nginx/1.18.0", "PHP/8.1.2", "Apache/2.4.41 (Ubuntu)", "Microsoft-IIS/10.0", "4.0.30319", "Next.js 14.1"] {
            assert!(VERSION.is_match(v), "{v}");
        }
        for v in ["Express", "cloudflare", "ECS (dcb/7F83)", "nginx", "AmazonS3"] {
            assert!(!VERSION.is_match(v), "{v}");
        }
    }
}
