//! `api.payload_limit` (medium): Oversized request bodies are refused. Passes when an oversized body is refused with 413/400, not 5xx or a timeout (active).

use super::common::{body_endpoints, turned_away};
use crate::checks::support::json_post;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::FetchError;

const OVERSIZED_BYTES: usize = 2 * 1024 * 1024;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let endpoints = body_endpoints(cx, 3);
    if endpoints.is_empty() {
        return Outcome::skipped("no public endpoint that takes a body declared (--endpoint '/api/login=public,login')");
    }
    // Valid JSON, so a refusal can only be about the size.
    let filler = "a".repeat(OVERSIZED_BYTES);
    let body = bytes::Bytes::from(format!(r#"{{"message":"{filler}"}}"#));
    let size = format!("{} MiB", OVERSIZED_BYTES / (1024 * 1024));
    let mut evidence = Vec::new();
    let mut refused = Vec::new();
    let mut failed = Vec::new();
    let mut inconclusive = Vec::new();
    for endpoint in endpoints {
        let url = cx.endpoint_url(&endpoint.path);
        match cx.send(json_post(cx, endpoint, body.clone())).await {
            Ok(r) => {
                evidence.push(format!("POST {url} with a {size} JSON body → {} in {} ms", r.status, r.elapsed.as_millis()));
                match r.status {
                    413 | 400 => refused.push(format!("{} refused it with {}", endpoint.path, r.status)),
                    s if s >= 500 => {
                        failed.push(format!("{} answered {s}: the server choked on the body instead of refusing it", endpoint.path))
                    }
                    s => match turned_away(s) {
                        Some(why) => inconclusive.push(format!("{} answered {s} ({why})", endpoint.path)),
                        None => failed.push(format!(
                            "{} read and processed it (answered {s}): nothing stops a client sending far more",
                            endpoint.path
                        )),
                    },
                }
            }
            Err(e @ FetchError::BudgetExhausted(_)) => inconclusive.push(format!("{}: {e}", endpoint.path)),
            // A server that answers 413 and closes at once can race the upload; the client then
            // sees the close before the answer. Either way the body was not taken.
            Err(e @ FetchError::ClosedEarly(_)) => {
                evidence.push(format!("POST {url} with a {size} JSON body: {e}"));
                refused.push(format!("{} cut the upload off", endpoint.path));
            }
            Err(e) => {
                evidence.push(format!("POST {url} with a {size} JSON body: {}", e));
                failed.push(format!("{} gave no answer ({}): the server stalls or drops the connection on big bodies", endpoint.path, e));
            }
        }
    }
    if !failed.is_empty() {
        Outcome::fail(format!("a {size} body is not refused cleanly: {}", failed.join("; "))).evidence_lines(evidence)
    } else if refused.is_empty() {
        Outcome::error(format!("no endpoint judged the body: {}", inconclusive.join("; "))).evidence_lines(evidence)
    } else {
        let mut summary = format!("a {size} body is refused quickly: {}", refused.join("; "));
        if !inconclusive.is_empty() {
            summary.push_str(&format!(" (not judged: {})", inconclusive.join("; ")));
        }
        Outcome::pass(summary).evidence_lines(evidence)
    }
}
