//! `api.malformed_input` (medium): Malformed JSON gets a clean 4xx. Passes when malformed JSON gets a 4xx without internals (active).

use super::common::{body_endpoints, turned_away};
use crate::checks::support::{excerpt, json_post};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::redact::redact;
use domain::product::{Endpoint, EndpointKind};
use regex::RegexSet;
use std::sync::LazyLock;

pub const MALFORMED_JSON: &str = r#"{"email": "#;

static INTERNALS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)stack ?backtrace|stack ?trace|panicked at",
        r"Traceback \(most recent call last\)",
        r#"File "[^"]+", line \d+"#,
        r"\bat [\w$.<>\[\]]+ ?\([^)\n]*:\d+(:\d+)?\)",
        r"(?m)^\s*at [^\n]+:\d+:\d+",
        r"\b[\w./-]+\.(rs|py|js|mjs|ts|go|java|kt|rb|php|cs|ex|exs):\d+",
        r"\b(java|javax|jakarta|org\.springframework|System)\.[\w.]+(Exception|Error)\b",
        r"\b\w+(Exception|Error): .+\n\s+at ",
        r"(?i)exception in thread|unhandled exception|NullPointerException|NoMethodError",
        r"node_modules/",
        r"SQLSTATE|ORA-\d{5}|PG::\w+|psycopg2\.|SQLITE_ERROR|syntax error at or near",
        r"(?i)on line <b>\d+</b>|Fatal error: ",
    ])
    .expect("valid regexes")
});

fn internals_line(text: &str) -> Option<String> {
    if !INTERNALS.is_match(text) {
        return None;
    }
    // Show the first matching line; multi-line patterns fall back to the start of the body.
    let line = text.lines().find(|l| INTERNALS.is_match(l)).unwrap_or(text);
    Some(excerpt(line, 120))
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let mut endpoints: Vec<&Endpoint> =
        cx.target.endpoints.iter().filter(|e| matches!(e.kind, EndpointKind::Login | EndpointKind::Chat)).take(3).collect();
    if endpoints.is_empty() {
        endpoints = body_endpoints(cx, 2);
    }
    if endpoints.is_empty() {
        return Outcome::skipped("no endpoint that takes a body declared (--endpoint '/api/login=public,login')");
    }
    let mut evidence = Vec::new();
    let mut clean = Vec::new();
    let mut failed = Vec::new();
    let mut lenient = Vec::new();
    let mut inconclusive = Vec::new();
    for endpoint in endpoints {
        let url = cx.endpoint_url(&endpoint.path);
        let r = match cx.send(json_post(cx, endpoint, MALFORMED_JSON)).await {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("POST {url} with truncated JSON {MALFORMED_JSON:?}: {}", e));
                inconclusive.push(format!("{}: {}", endpoint.path, e));
                continue;
            }
        };
        let text = r.text();
        // Debug pages often echo the request's headers back: never quote the credential.
        let quoted = match &cx.target.auth_header {
            Some(auth) => text.replace(auth.expose(), &redact(auth.expose())),
            None => text.to_string(),
        };
        evidence.push(format!("POST {url} with truncated JSON {MALFORMED_JSON:?} → {}: {}", r.status, excerpt(&quoted, 120)));
        if let Some(line) = internals_line(&text) {
            failed.push(format!("{} answered {} with internals ({line})", endpoint.path, r.status));
        } else if r.status >= 500 {
            failed.push(format!("{} answered {}: the parser's failure reaches the user as a server error", endpoint.path, r.status));
        } else if let Some(why) = turned_away(r.status) {
            inconclusive.push(format!("{} answered {} ({why})", endpoint.path, r.status));
        } else if (400..500).contains(&r.status) {
            clean.push(format!("{} answered {}", endpoint.path, r.status));
        } else {
            lenient.push(format!("{} answered {} to invalid JSON", endpoint.path, r.status));
        }
    }
    if !failed.is_empty() {
        Outcome::fail(format!("malformed JSON is not handled cleanly: {}", failed.join("; "))).evidence_lines(evidence)
    } else if !lenient.is_empty() {
        Outcome::warn(format!("invalid JSON is accepted instead of refused with a 4xx, so input is not validated: {}", lenient.join("; ")))
            .evidence_lines(evidence)
    } else if clean.is_empty() {
        Outcome::error(format!("no endpoint judged the body: {}", inconclusive.join("; "))).evidence_lines(evidence)
    } else {
        Outcome::pass(format!("malformed JSON gets a clean 4xx: {}", clean.join("; "))).evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn finds_stack_traces_not_plain_errors() {
        assert!(internals_line("thread 'main' panicked at src/handlers/login.rs:42:17:\nboom").is_some());
        assert!(internals_line("Traceback (most recent call last):\n  File \"/app/x.py\", line 3").is_some());
        assert!(internals_line("SyntaxError: Unexpected end of JSON input\n    at JSON.parse (<anonymous>)\n    at /app/server.js:12:5")
            .is_some());
        assert!(internals_line(r#"{"error":"the body must be valid JSON"}"#).is_none());
        assert!(internals_line("Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 10").is_none());
    }
}
