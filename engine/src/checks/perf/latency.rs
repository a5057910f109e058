//! `perf.latency` (medium): p95 latency is within budget. Each endpoint that can be sampled
//! fairly gets [`SAMPLES`] sequential requests, enough for a nearest-rank p95 that is not
//! simply the maximum; p50 and p95 are reported per endpoint. Budgets come from the product
//! (500 ms by default; declared AI chat endpoints 3 s, sampled only when active probes are
//! allowed, since every sample spends model tokens).

use crate::checks::support::{histogram, json_post};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Request;
use domain::product::{Access, Endpoint, EndpointKind};
use std::time::{Duration, Instant};
use url::Url;

/// Samples per endpoint. With nearest rank, the p95 of 20 samples is the 19th smallest: the
/// second largest, so one outlier does not decide it and two do.
pub(crate) const SAMPLES: usize = 20;

/// Samples above the budget that make the p95 of [`SAMPLES`] exceed it whatever comes next.
const OVER_BUDGET_DECIDES: usize = SAMPLES - rank(95.0, SAMPLES) + 1;

/// Time one endpoint may take to be sampled; a slow endpoint stops early once decided.
const ENDPOINT_TIME: Duration = Duration::from_secs(25);

/// A benign question for a chat endpoint (the prompt-injection probe asks the hostile ones).
const CHAT_QUESTION: &str = "What can you help me with?";

/// The 1-based nearest rank of percentile `pct` among `n` samples.
const fn rank(pct: f64, n: usize) -> usize {
    let exact = pct / 100.0 * n as f64;
    let ceiled = exact as usize + if exact > (exact as usize) as f64 { 1 } else { 0 };
    if ceiled == 0 {
        1
    } else {
        ceiled
    }
}

fn percentile(samples: &[Duration], pct: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[rank(pct, sorted.len()).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// One endpoint to sample and the budget it is held to.
struct Sampled {
    label: String,
    request: Request,
    budget: Duration,
    ai: bool,
}

/// What sampling one endpoint gave.
struct Timing {
    label: String,
    budget: Duration,
    ai: bool,
    samples: Vec<Duration>,
    statuses: Vec<u16>,
    not_counted: Vec<String>,
}

impl Timing {
    fn over_budget(&self) -> usize {
        self.samples.iter().filter(|d| **d >= self.budget).count()
    }

    /// Over budget for certain: enough samples were over that no later one could save it.
    fn decided_over(&self) -> bool {
        self.over_budget() >= OVER_BUDGET_DECIDES
    }

    fn line(&self) -> String {
        let kind = if self.ai { "AI endpoint, " } else { "" };
        let mut line = if self.samples.len() >= SAMPLES {
            format!(
                "{}: p50 {}, p95 {} over {} samples ({kind}budget {})",
                self.label,
                ms(percentile(&self.samples, 50.0)),
                ms(percentile(&self.samples, 95.0)),
                self.samples.len(),
                ms(self.budget)
            )
        } else if self.decided_over() {
            format!(
                "{}: p95 over {}: {} of the first {} samples took {} or more, so the p95 of {SAMPLES} exceeds it ({kind}p50 so far {})",
                self.label,
                ms(self.budget),
                self.over_budget(),
                self.samples.len(),
                ms(self.budget),
                ms(percentile(&self.samples, 50.0))
            )
        } else {
            format!("{}: only {} of {SAMPLES} samples answered, too few to state a p95", self.label, self.samples.len())
        };
        if !self.statuses.is_empty() {
            // A fast 500 is fast, not healthy: the answers say which it was.
            line.push_str(&format!("; answers: {}", histogram(&self.statuses)));
        }
        if !self.not_counted.is_empty() {
            line.push_str(&format!("; not counted: {}", self.not_counted.join(", ")));
        }
        line
    }
}

async fn sample(cx: &AuditContext, endpoint: Sampled) -> Timing {
    let started = Instant::now();
    let mut timing = Timing {
        label: endpoint.label,
        budget: endpoint.budget,
        ai: endpoint.ai,
        samples: Vec::new(),
        statuses: Vec::new(),
        not_counted: Vec::new(),
    };
    // Sequential on purpose: concurrent samples of one endpoint would measure this scanner's
    // own burst.
    while timing.samples.len() < SAMPLES && !timing.decided_over() {
        if started.elapsed() > ENDPOINT_TIME || timing.not_counted.len() >= 5 {
            break;
        }
        match cx.send(endpoint.request.clone()).await {
            // A rate limit's answer is the limiter's speed, not the endpoint's.
            Ok(response) if response.status == 429 => timing.not_counted.push("429 (rate limited)".to_owned()),
            Ok(response) => {
                timing.samples.push(response.elapsed);
                timing.statuses.push(response.status);
            }
            Err(e) => timing.not_counted.push(e.to_string()),
        }
    }
    timing
}

/// What to sample: the main page, public endpoints, authenticated ones when a credential is
/// declared, and AI chat endpoints when active probes are allowed.
fn plan(cx: &AuditContext, home: Url) -> (Vec<Sampled>, Vec<String>) {
    let budget = cx.target.latency_budget;
    let mut sampled = vec![Sampled { label: format!("GET {home}"), request: Request::get(home), budget, ai: false }];
    let mut left_out = Vec::new();
    let get = |endpoint: &Endpoint, with_credential: bool| {
        let url = cx.endpoint_url(&endpoint.path);
        let mut request = Request::get(url.clone());
        if let (true, Some(auth)) = (with_credential, &cx.target.auth_header) {
            request = request.header(&auth.name, auth.expose());
        }
        Sampled { label: format!("GET {url}"), request, budget, ai: false }
    };
    for endpoint in &cx.target.endpoints {
        match (endpoint.access, endpoint.kind) {
            (_, EndpointKind::Chat) if cx.options.active => sampled.push(Sampled {
                label: format!("POST {}", cx.endpoint_url(&endpoint.path)),
                request: json_post(cx, endpoint, serde_json::json!({ "message": CHAT_QUESTION }).to_string()),
                budget: cx.target.ai_latency_budget,
                ai: true,
            }),
            (_, EndpointKind::Chat) => {
                left_out.push(format!("{} (AI chat: sampled only with active probes, each sample spends model tokens)", endpoint.path))
            }
            (_, EndpointKind::Login) => left_out.push(format!("{} (login: samples would count against its rate limit)", endpoint.path)),
            (Access::Public, _) => sampled.push(get(endpoint, false)),
            (Access::Authenticated, _) if cx.target.auth_header.is_some() => sampled.push(get(endpoint, true)),
            _ => left_out.push(format!("{} (needs a credential for this role: an anonymous 401 is not representative)", endpoint.path)),
        }
    }
    (sampled, left_out)
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(h) => h.url.clone(),
        Err(e) => return Outcome::error(e),
    };
    let (sampled, left_out) = plan(cx, home);
    // Endpoints are sampled side by side, each one sequentially.
    let timings: Vec<Timing> = futures::future::join_all(sampled.into_iter().map(|endpoint| sample(cx, endpoint))).await;

    let mut evidence: Vec<String> = timings.iter().map(Timing::line).collect();
    if !left_out.is_empty() {
        evidence.push(format!("not sampled: {}", left_out.join("; ")));
    }
    let judged: Vec<&Timing> = timings.iter().filter(|t| t.samples.len() >= SAMPLES || t.decided_over()).collect();
    if judged.is_empty() {
        return Outcome::error(format!("no endpoint answered the {SAMPLES} samples a p95 needs")).evidence_lines(evidence);
    }
    let unjudged = timings.len() - judged.len();
    let slow: Vec<String> = judged
        .iter()
        .filter(|t| t.decided_over())
        .map(|t| {
            let p95 = if t.samples.len() >= SAMPLES { percentile(&t.samples, 95.0) } else { *t.samples.iter().max().expect("decided") };
            let at_least = if t.samples.len() >= SAMPLES { "" } else { "≥ " };
            format!("{} (p95 {at_least}{}, budget {})", t.label, ms(p95), ms(t.budget))
        })
        .collect();
    if !slow.is_empty() {
        return Outcome::fail(format!("p95 latency is over budget: {}", slow.join("; "))).evidence_lines(evidence);
    }
    let worst = judged.iter().map(|t| percentile(&t.samples, 95.0)).max().expect("judged is not empty");
    let mut summary = format!("p95 latency is within budget on {} endpoint(s) (worst p95 {})", judged.len(), ms(worst));
    if unjudged > 0 {
        summary.push_str(&format!("; {unjudged} endpoint(s) answered too few samples to judge"));
    }
    Outcome::pass(summary).evidence_lines(evidence)
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

    #[test]
    fn twenty_samples_make_p95_the_second_largest() {
        assert_eq!(rank(95.0, SAMPLES), 19);
        assert_eq!(OVER_BUDGET_DECIDES, 2);
        // One slow outlier in 20 does not make the p95 slow; two do.
        let mut samples: Vec<Duration> = (0..19).map(|_| Duration::from_millis(50)).collect();
        samples.push(Duration::from_millis(900));
        assert_eq!(percentile(&samples, 95.0), Duration::from_millis(50));
        samples[0] = Duration::from_millis(800);
        assert_eq!(percentile(&samples, 95.0), Duration::from_millis(800));
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
    }
}
