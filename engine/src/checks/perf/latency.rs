//! `perf.latency` (medium): p95 latency is within budget. Passes when p95 of sampled non-AI requests under 500 ms (AI endpoints: 3 s).

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Request;
use domain::product::{Access, EndpointKind};
use std::time::Duration;
use url::Url;

const LATENCY_SAMPLES: usize = 8;

const LATENCY_BUDGET: Duration = Duration::from_millis(500);

fn percentile(samples: &[Duration], pct: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((pct / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(h) => h.url.clone(),
        Err(e) => return Outcome::error(e),
    };
    let mut targets: Vec<Url> = vec![home];
    let mut left_out = Vec::new();
    for endpoint in &cx.target.endpoints {
        match (endpoint.access, endpoint.kind) {
            (_, EndpointKind::Chat) => left_out.push(format!("{} (chat: answers POSTs and spends model tokens)", endpoint.path)),
            (_, EndpointKind::Login) => left_out.push(format!("{} (login: GETs would count against its rate limit)", endpoint.path)),
            (Access::Public, _) => targets.push(cx.endpoint_url(&endpoint.path)),
            _ => left_out.push(format!("{} (needs credentials: an anonymous 401 is not representative)", endpoint.path)),
        }
    }

    let mut timings: Vec<(Url, Vec<String>)> = targets.iter().map(|u| (u.clone(), Vec::new())).collect();
    let mut samples = Vec::new();
    let mut slowest: Option<(Duration, Url)> = None;
    // Sequential on purpose: concurrent samples would measure this scanner's own burst.
    for i in 0..LATENCY_SAMPLES {
        let slot = i % targets.len();
        let url = targets[slot].clone();
        match cx.send(Request::get(url.clone())).await {
            Ok(response) => {
                samples.push(response.elapsed);
                timings[slot].1.push(format!("{} ({})", ms(response.elapsed), response.status));
                if slowest.as_ref().is_none_or(|(d, _)| response.elapsed > *d) {
                    slowest = Some((response.elapsed, url));
                }
            }
            Err(e) => timings[slot].1.push(format!("failed: {e}")),
        }
    }
    let mut evidence: Vec<String> = timings.iter().map(|(url, t)| format!("GET {url}: {}", t.join(", "))).collect();
    if !left_out.is_empty() {
        evidence.push(format!("not sampled: {}", left_out.join("; ")));
    }
    if samples.is_empty() {
        return Outcome::error("none of the latency samples got an answer").evidence_lines(evidence);
    }
    let p95 = percentile(&samples, 95.0);
    let median = percentile(&samples, 50.0);
    evidence.insert(0, format!("{} request(s): p95 {}, median {}, budget {}", samples.len(), ms(p95), ms(median), ms(LATENCY_BUDGET)));
    if p95 < LATENCY_BUDGET {
        Outcome::pass(format!("p95 latency is {} over {} requests, within the {} budget", ms(p95), samples.len(), ms(LATENCY_BUDGET)))
            .evidence_lines(evidence)
    } else {
        let slowest = slowest.map(|(d, url)| format!("; slowest: {url} in {}", ms(d))).unwrap_or_default();
        Outcome::fail(format!("p95 latency is {}, over the {} budget{slowest}", ms(p95), ms(LATENCY_BUDGET))).evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = [10, 20, 30, 40, 50, 60, 70, 800].iter().map(|m| Duration::from_millis(*m)).collect();
        assert_eq!(percentile(&samples, 95.0), Duration::from_millis(800));
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(40));
        assert_eq!(percentile(&samples[..1], 95.0), Duration::from_millis(10));
    }
}
