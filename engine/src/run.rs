//! Runs the registered checks against one target, concurrently and within the deadline, and
//! turns their outcomes into the scorecard.

use super::catalog::catalog;
use super::context::AuditContext;
use super::model::{Counts, Finding, Outcome, Scorecard, SCHEMA_VERSION};
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
    preflight(&cx).await?;

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
                phase.push(run_one(&cx, check, deadline));
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
        target: cx.target.url.to_string(),
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        score: verdict.score,
        grade: verdict.grade,
        decision: verdict.decision,
        decision_reason: verdict.reason,
        active: cx.options.active,
        requests: cx.http.requests_used(),
        counts: Counts::of(&findings),
        checks: findings,
    })
}

/// A main host the guard refuses is a usage error, not a scorecard full of errors.
async fn preflight(cx: &AuditContext) -> Result<(), AuditError> {
    cx.http.guard().check_url(&cx.target.url).map_err(|e| AuditError::Refused(e.to_string()))?;
    if let Ok(ips) = cx.ips(cx.target.main_host()).await {
        for ip in ips {
            cx.http.guard().check_ip(ip).map_err(|e| AuditError::Refused(format!("{} resolves to {ip}: {e}", cx.target.main_host())))?;
        }
    }
    Ok(())
}

async fn run_one(cx: &AuditContext, check: &Check, deadline: tokio::time::Instant) -> Finding {
    let spec = check.spec;
    let started = Instant::now();
    let outcome = if spec.active && !cx.options.active {
        Outcome::skipped("active probe: runs only with --active on the CLI, or on a verified domain in the platform")
    } else {
        match tokio::time::timeout_at(deadline, check.run(cx)).await {
            Ok(outcome) => outcome,
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
    }
}
