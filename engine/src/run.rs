//! Runs the registered checks against one target, concurrently and within the deadline, and
//! turns their outcomes into the scorecard.

use super::catalog::{catalog, Needs};
use super::context::{watching_the_edge, AuditContext};
use super::model::{causes_of, CauseKind, Counts, Finding, Outcome, Scorecard, Status, SCHEMA_VERSION};
use super::net::http::{ChainEnd, FetchError};
use super::scoring;
use super::target::{AuditOptions, Target};
use crate::checks::registry;
use crate::registry::Check;
use futures::stream::{self, StreamExt};
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("{0}")]
    Setup(String),
    #[error("{0}")]
    Refused(String),
}

/// Progress of a running audit, reported after each check.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub last: &'a Finding,
}

/// Runs one audit. Fails only when the audit cannot start (bad setup, or a target the SSRF
/// guard refuses); everything else is a finding.
#[tracing::instrument(skip_all, fields(target = %target.url, active = options.active))]
pub async fn run_audit(target: Target, options: AuditOptions, progress: &(dyn Fn(Progress<'_>) + Sync)) -> Result<Scorecard, AuditError> {
    let started_at = chrono::Utc::now();
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + options.deadline;
    let concurrency = options.concurrency.max(1);
    let cx = AuditContext::new(target, options).map_err(AuditError::Setup)?;
    let reach = Reachability::find(&cx, deadline).await?;

    let checks = registry().checks();
    let total = checks.len();
    let mut findings: Vec<Finding> = Vec::with_capacity(total);
    // Two phases: checks that exhaust a quota of the target (the rate-limit burst) start only
    // when every other check is done.
    for exhausting in [false, true] {
        // Collected first: a stream over iterator adapters would keep their closures in this
        // future's type, and rustc then cannot prove it `Send` for the job runner (rust#102211).
        let mut phase = Vec::new();
        for check in checks.iter() {
            if check.exhausting == exhausting {
                phase.push(run_one(&cx, &reach, check, deadline));
            }
        }
        let mut running = stream::iter(phase).buffer_unordered(concurrency);
        while let Some(finding) = running.next().await {
            findings.push(finding);
            progress(Progress { done: findings.len(), total, last: findings.last().expect("just pushed") });
        }
    }
    let order = |f: &Finding| catalog().checks.iter().position(|s| s.id == f.id);
    findings.sort_by_key(order);

    let verdict = scoring::judge(&findings);
    Ok(Scorecard {
        schema_version: SCHEMA_VERSION,
        engine_version: env!("CARGO_PKG_VERSION").to_owned(),
        rubric_version: domain::rubric::CURRENT,
        target: cx.target.url.to_string(),
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        score: verdict.score,
        grade: verdict.grade,
        decision: verdict.decision,
        decision_reason: verdict.reason,
        coverage: verdict.coverage,
        causes: causes_of(&findings),
        active: cx.options.active,
        requests: cx.http.requests_used(),
        counts: Counts::of(&findings),
        checks: findings,
    })
}

/// What stopped the checks of one [`Needs`] level, found before any check runs.
#[derive(Debug, Clone)]
struct Stop {
    kind: CauseKind,
    summary: String,
}

/// What the audit can reach: the resolver, the main host's HTTPS port, the main page. A check
/// whose need is missing does not run; it is reported under the one cause.
#[derive(Debug, Default)]
struct Reachability {
    resolver: Option<Stop>,
    https: Option<Stop>,
    main_page: Option<Stop>,
}

impl Reachability {
    /// A main host the guard refuses is a usage error, not a scorecard full of errors. Each
    /// question ends at the audit's deadline: what has not answered by then stops the checks
    /// that need it.
    async fn find(cx: &AuditContext, deadline: tokio::time::Instant) -> Result<Self, AuditError> {
        use tokio::time::timeout_at;
        cx.http.guard().check_url(&cx.target.url).map_err(|e| AuditError::Refused(e.to_string()))?;
        let host = cx.target.main_host().to_owned();
        let mut reach = Self::default();
        let silent_resolver = |why: String| Stop {
            kind: CauseKind::ResolverUnreachable,
            summary: format!(
                "the scanner's DNS resolver ({}) did not answer ({why}): nothing about the site could be looked up, so nothing was checked",
                cx.dns.describe()
            ),
        };
        let Ok(lookup) = timeout_at(deadline, cx.ips(&host)).await else {
            reach.resolver = Some(silent_resolver(format!("no answer for {host} within the audit's deadline")));
            return Ok(reach);
        };
        match lookup {
            Ok(ips) => {
                for ip in ips {
                    cx.http.guard().check_ip(ip).map_err(|e| AuditError::Refused(format!("{host} resolves to {ip}: {e}")))?;
                }
            }
            Err(e) if e.is_no_records() => {
                reach.https = Some(Stop {
                    kind: CauseKind::HostUnresolvable,
                    summary: format!("{host} does not resolve ({e}), so nothing on it could be asked"),
                });
            }
            // Silence may be the resolver's or the domain's own nameservers' (a recursive
            // resolver that waits for them): a question about the root tells which.
            Err(e) if e.resolver_was_silent() && !timeout_at(deadline, cx.dns.answers()).await.unwrap_or(false) => {
                reach.resolver = Some(silent_resolver(e.to_string()));
            }
            Err(e) => {
                reach.https = Some(Stop {
                    kind: CauseKind::HostUnresolvable,
                    summary: format!("the DNS lookup of {host} failed ({e}), so nothing on it could be asked"),
                });
            }
        }
        if reach.resolver.is_none() && reach.https.is_none() && cx.target.url.scheme() == "https" {
            let port = cx.https_port(&host);
            let connected = timeout_at(deadline, cx.tls.connects(&host, port))
                .await
                .unwrap_or_else(|_| Err("did not answer within the audit's deadline".into()));
            if let Err(e) = connected {
                reach.https = Some(Stop { kind: CauseKind::HttpsUnreachable, summary: format!("https://{host}:{port}/ {e}") });
            }
        }
        if reach.resolver.is_none() && reach.https.is_none() {
            let Ok(chain) = timeout_at(deadline, cx.chain(&cx.target.url)).await else {
                reach.main_page = Some(Stop {
                    kind: CauseKind::MainPageUnreadable,
                    summary: format!("the main page {} did not load within the audit's deadline", cx.target.url),
                });
                return Ok(reach);
            };
            reach.main_page = match &chain.end {
                ChainEnd::Done(_) => None,
                ChainEnd::Failed(FetchError::EdgeBlocked(block)) => Some(Stop {
                    kind: CauseKind::EdgeBlocked,
                    summary: format!(
                        "blocked by the edge: {block}, so what it protects could not be verified; let the scanner through (User-Agent starting \"launchready/\") and audit again"
                    ),
                }),
                _ => Some(Stop {
                    kind: CauseKind::MainPageUnreadable,
                    summary: format!("the main page {} could not be read: {}", cx.target.url, chain.describe().last().cloned().unwrap_or_default()),
                }),
            };
        }
        Ok(reach)
    }

    fn stop_for(&self, needs: Needs) -> Option<&Stop> {
        let levels = [(Needs::Resolver, &self.resolver), (Needs::Https, &self.https), (Needs::MainPage, &self.main_page)];
        levels.into_iter().filter(|(level, _)| *level <= needs).find_map(|(_, stop)| stop.as_ref())
    }
}

async fn run_one(cx: &AuditContext, reach: &Reachability, check: &Check, deadline: tokio::time::Instant) -> Finding {
    let spec = check.spec;
    let started = Instant::now();
    let outcome = if spec.active && !cx.options.active {
        Outcome::skipped("active probe: runs only with --active on the CLI, or on a verified domain in the platform")
    } else if let Some(stop) = reach.stop_for(spec.needs) {
        Outcome::stopped(stop.kind, stop.summary.clone())
    } else {
        match tokio::time::timeout_at(deadline, watching_the_edge(check.run(cx))).await {
            Ok((outcome, met)) => judged_at_the_edge(outcome, met),
            Err(_) => Outcome::error(format!("the audit deadline ({:?}) passed before this check finished", cx.options.deadline)),
        }
    }
    .capped();
    tracing::debug!(check = %spec.id, status = outcome.status.as_str(), "check finished");
    Finding {
        id: spec.id.clone(),
        category: spec.category,
        severity: spec.severity,
        status: outcome.status,
        title: spec.title.clone(),
        summary: outcome.summary,
        evidence: outcome.evidence,
        points: scoring::points(spec.severity, outcome.status),
        active: spec.active,
        why: spec.why.clone(),
        fix: spec.fix.clone(),
        references: spec.references.clone(),
        sprint_item: catalog().sprint_title(&spec.sprint).to_owned(),
        duration_ms: started.elapsed().as_millis() as u64,
        cause: outcome.cause,
    }
}

/// A check that met an edge's challenge or block page verified nothing there, whatever it
/// concluded: it is "blocked by the edge", never a pass or a fail, and what it concluded
/// stays first in the evidence. (A fail is no exception: checks read an unanswered request as
/// a failure often enough, "redirects to a page that does not answer", that a fail beside a
/// challenge cannot be told apart from one caused by it. The decision stays safe: a critical
/// check that is blocked holds the launch.)
fn judged_at_the_edge(outcome: Outcome, met: Option<String>) -> Outcome {
    let Some(met) = met else { return outcome };
    match outcome.status {
        Status::Skipped => outcome,
        Status::Error if outcome.cause.is_some() => outcome,
        status => {
            let own = format!("before the block: {} ({})", outcome.summary, status.as_str());
            Outcome::stopped(CauseKind::EdgeBlocked, format!("blocked by the edge: {met}: could not verify"))
                .evidence(own)
                .evidence_lines(outcome.evidence)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_that_met_the_edge_is_not_a_pass() {
        let met = Some(
            "https://x.test/.env: Cloudflare answered a challenge page (403, header cf-mitigated: challenge) instead of the site"
                .to_owned(),
        );
        let pass = judged_at_the_edge(Outcome::pass("no .env served").evidence("GET /.env → 403"), met.clone());
        assert_eq!((pass.status, pass.cause), (Status::Error, Some(CauseKind::EdgeBlocked)));
        assert!(pass.summary.starts_with("blocked by the edge: https://x.test/.env: Cloudflare"), "{}", pass.summary);
        assert_eq!(pass.evidence, ["before the block: no .env served (pass)", "GET /.env → 403"]);
        let fail = judged_at_the_edge(Outcome::fail("https://x.test/ redirects to a page that does not answer"), met.clone());
        assert_eq!((fail.status, fail.cause), (Status::Error, Some(CauseKind::EdgeBlocked)));
        assert_eq!(fail.evidence[0], "before the block: https://x.test/ redirects to a page that does not answer (fail)");
        let skipped = judged_at_the_edge(Outcome::skipped("not declared"), met);
        assert_eq!(skipped.status, Status::Skipped);
        assert_eq!(judged_at_the_edge(Outcome::pass("fine"), None), Outcome::pass("fine"));
    }
}
