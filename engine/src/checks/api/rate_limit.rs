//! `api.rate_limit` (high): Login and chat endpoints are rate limited. Passes when declared login/chat endpoints answer 429 within a bounded burst (active).

use super::common::of_kind;
use crate::checks::support::histogram;
use crate::checks::support::json_post;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::FetchError;
use domain::product::{Access, Endpoint, EndpointKind};
use std::time::{Duration, Instant};

const BURST_MAX: usize = 30;

const BURST_WAVE: usize = 5;

fn burst_body(kind: EndpointKind) -> &'static str {
    match kind {
        EndpointKind::Login => r#"{"email":"launchready-probe@example.invalid","password":"launchready-wrong-password"}"#,
        _ => r#"{"message":"hi"}"#,
    }
}

enum Burst {
    Limited { after: usize, statuses: Vec<u16>, retry_after: Option<String> },
    Unlimited { statuses: Vec<u16> },
    Inconclusive { why: String, statuses: Vec<u16> },
}

async fn burst(cx: &AuditContext, endpoint: &Endpoint, time_left: Duration) -> Burst {
    let started = Instant::now();
    let mut statuses = Vec::new();
    let mut failures = Vec::new();
    while statuses.len() + failures.len() < BURST_MAX {
        if started.elapsed() > time_left {
            return Burst::Inconclusive {
                why: format!("stopped after {} requests: out of time", statuses.len() + failures.len()),
                statuses,
            };
        }
        let wave = BURST_WAVE.min(BURST_MAX - statuses.len() - failures.len());
        let sent_before = statuses.len() + failures.len();
        let answers = futures::future::join_all((0..wave).map(|_| cx.send(json_post(cx, endpoint, burst_body(endpoint.kind))))).await;
        for (i, answer) in answers.into_iter().enumerate() {
            match answer {
                Ok(r) if r.status == 429 => {
                    statuses.push(429);
                    let retry_after = r.header("retry-after").map(str::to_owned);
                    return Burst::Limited { after: sent_before + i + 1, statuses, retry_after };
                }
                Ok(r) => statuses.push(r.status),
                Err(FetchError::BudgetExhausted(n)) => {
                    return Burst::Inconclusive { why: format!("the audit's request budget ({n}) ran out"), statuses };
                }
                Err(e) => failures.push(e.to_string()),
            }
        }
        // A limiter that drops connections instead of answering 429 cannot be told apart
        // from an endpoint falling over; either way the burst has shown what it can.
        if failures.len() >= 3 {
            return Burst::Inconclusive { why: format!("{} requests failed ({})", failures.len(), failures[0]), statuses };
        }
    }
    let refused_all = !statuses.is_empty() && statuses.iter().all(|s| matches!(s, 401 | 403));
    if refused_all && endpoint.kind != EndpointKind::Login && endpoint.access != Access::Public && cx.target.auth_header.is_none() {
        return Burst::Inconclusive {
            why:
                "every request was refused as unauthenticated, so the limiter behind authentication was not reached (declare --auth-header)"
                    .into(),
            statuses,
        };
    }
    if statuses.is_empty() {
        return Burst::Inconclusive {
            why: format!("no request got an answer ({})", failures.first().cloned().unwrap_or_default()),
            statuses,
        };
    }
    Burst::Unlimited { statuses }
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    // One endpoint of each kind: a burst per endpoint is 30 requests of the audit's budget.
    let mut targets: Vec<&Endpoint> = Vec::new();
    targets.extend(of_kind(cx, EndpointKind::Login).next());
    targets.extend(of_kind(cx, EndpointKind::Chat).next());
    if targets.is_empty() {
        return Outcome::skipped("no login or chat endpoint declared (--endpoint '/api/login=public,login' or '/api/chat=public,chat')");
    }
    let mut evidence = Vec::new();
    let skipped: Vec<&str> = cx
        .target
        .endpoints
        .iter()
        .filter(|e| matches!(e.kind, EndpointKind::Login | EndpointKind::Chat) && !targets.iter().any(|t| t.path == e.path))
        .map(|e| e.path.as_str())
        .collect();
    if !skipped.is_empty() {
        evidence.push(format!("not probed (one endpoint of each kind): {}", skipped.join(", ")));
    }

    let time_left = cx.options.deadline / 3;
    let mut limited = Vec::new();
    let mut unlimited = Vec::new();
    let mut inconclusive = Vec::new();
    for endpoint in targets {
        let url = cx.endpoint_url(&endpoint.path);
        match burst(cx, endpoint, time_left).await {
            Burst::Limited { after, statuses, retry_after } => {
                let retry = retry_after.map(|r| format!(", Retry-After: {r}")).unwrap_or_default();
                evidence.push(format!(
                    "POST {url} ×{}: {} (first 429 at request {after} of the burst{retry})",
                    statuses.len(),
                    histogram(&statuses)
                ));
                limited.push(format!("{} answered 429 after {after} requests", endpoint.path));
            }
            Burst::Unlimited { statuses } => {
                evidence.push(format!("POST {url} ×{}: {}", statuses.len(), histogram(&statuses)));
                unlimited.push(format!("{} answered {} requests without a 429", endpoint.path, statuses.len()));
            }
            Burst::Inconclusive { why, statuses } => {
                evidence.push(format!("POST {url} ×{}: {} — {why}", statuses.len(), histogram(&statuses)));
                inconclusive.push(format!("{}: {why}", endpoint.path));
            }
        }
    }
    if !unlimited.is_empty() {
        Outcome::fail(format!(
            "no rate limit within a burst of {BURST_MAX}: {} (passwords can be brute-forced, an AI bill run up)",
            unlimited.join("; ")
        ))
        .evidence_lines(evidence)
    } else if !inconclusive.is_empty() {
        Outcome::error(format!("the burst was not conclusive: {}", inconclusive.join("; "))).evidence_lines(evidence)
    } else {
        Outcome::pass(format!("{}: password guessing and model spending are capped", limited.join("; "))).evidence_lines(evidence)
    }
}
