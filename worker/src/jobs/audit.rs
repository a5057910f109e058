//! Runs the next audit: takes the fairest waiting one (`platform::audits::queue`: the job is a
//! token, not an order), audits the product with the engine (passive checks; active probes
//! need a verified domain), streams progress into the row, stores the scorecard once, and
//! raises a regression alert when it is worse than the run before.
//!
//! A worker killed mid-audit leaves its token to apalis, which hands it to another worker once
//! the dead one misses its heartbeats; by then the audit counts as stale and waits again, and
//! `complete` stores exactly one scorecard.

use super::deps::Deps;
use super::QueueJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use domain::product::ProductView;
use engine::{run_audit, AuditOptions, Target};
use platform::alerts::AlertEvent;
use platform::jobs::{AuditJob, Job};
use std::time::Duration;

/// The audit queue: a few at once (each runs dozens of checks), each within the engine's
/// deadline plus time to store the result.
pub struct RunAudit;

impl QueueJob for RunAudit {
    type Payload = AuditJob;
    const NAME: &'static str = "audit";
    fn concurrency(settings: &RunnerSettings) -> usize {
        settings.audit_concurrency
    }
    fn timeout(settings: &RunnerSettings, _deps: &Deps) -> Duration {
        settings.audit_timeout
    }
    async fn run(job: AuditJob, deps: Deps, attempt: usize) -> Result<(), BoxDynError> {
        audit(job, deps, attempt).await
    }
}

/// How long after its start an audit counts as running: longer than its job may take (the
/// engine's deadline plus 15 s to save, `runner_settings`' audit timeout, after which the job
/// is cancelled), so only a dead or cancelled run is ever taken over.
fn stale_after(deps: &Deps) -> chrono::Duration {
    chrono::Duration::from_std(deps.scanner.audit_deadline).unwrap_or(chrono::Duration::minutes(10)) + chrono::Duration::seconds(20)
}

#[tracing::instrument(name = "job.audit", skip_all, fields(token = %job.audit_id, audit_id = tracing::field::Empty))]
async fn audit(job: AuditJob, deps: Deps, _attempt: usize) -> Result<(), BoxDynError> {
    let Some(run) = platform::audits::queue::start_next(&deps.db, &deps.all, stale_after(&deps)).await? else {
        tracing::debug!("no audit waiting; this token was one too many");
        return Ok(());
    };
    tracing::Span::current().record("audit_id", tracing::field::display(run.audit_id));
    let audit_id = run.audit_id;
    let target = match target_of(&run.product) {
        Ok(target) => target,
        Err(reason) => {
            platform::audits::fail(&deps.db, &deps.all, audit_id, &reason).await?;
            return Ok(());
        }
    };
    let options = AuditOptions {
        active: false,
        resolver: deps.scanner.resolver,
        extra_ca_pem: deps.scanner.extra_ca_pem.clone(),
        allow_private_targets: deps.scanner.allow_private_targets,
        deadline: deps.scanner.audit_deadline,
        ..AuditOptions::default()
    };
    // Progress goes through a watch channel to one writer that saves at most ~4 times a
    // second: the browser polls the row, and 52 checks should not mean 52 writes.
    let (progress_tx, mut progress_rx) = tokio::sync::watch::channel((0usize, 0usize));
    let db = deps.db.clone();
    let all = deps.all;
    let writer = tokio::spawn(async move {
        while progress_rx.changed().await.is_ok() {
            let (done, total) = *progress_rx.borrow_and_update();
            if let Err(err) = platform::audits::record_progress(&db, &all, audit_id, done as u32, total as u32).await {
                tracing::warn!(%err, "progress not saved");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    let sender = progress_tx.clone();
    let report = move |p: engine::Progress<'_>| {
        let _ = sender.send((p.done, p.total));
    };
    let result = run_audit(target, options, &report).await;
    drop(report);
    drop(progress_tx);
    let _ = writer.await;
    let card = match result {
        Ok(card) => card,
        Err(err) => {
            // The engine refuses before sending anything (a private address, say): retrying
            // cannot help, so the run fails with the reason.
            tracing::info!(%err, "audit could not start");
            platform::audits::fail(&deps.db, &deps.all, audit_id, &err.to_string()).await?;
            return Ok(());
        }
    };
    let completion = match platform::audits::complete(&deps.db, &deps.all, audit_id, &card).await {
        Ok(c) => c,
        Err(err) if run.attempts as usize >= AuditJob::MAX_ATTEMPTS => {
            platform::audits::fail(&deps.db, &deps.all, audit_id, "the scorecard could not be saved").await.ok();
            return Err(err.into());
        }
        Err(err) => {
            // It waits again; the retried token (or another) runs it once more.
            platform::audits::queue::wait_again(&deps.db, &deps.all, audit_id).await.ok();
            return Err(err.into());
        }
    };
    if let Some(regression) = completion.regression {
        let event = AlertEvent::AuditRegression {
            audit_id: regression.audit_id,
            product_id: regression.product_id,
            product: run.product.name.clone(),
            grade_before: regression.grade_before,
            grade_now: regression.grade_now,
            new_failures: regression.new_failures.iter().map(|f| format!("{} ({}): {}", f.title, f.severity.as_str(), f.id)).collect(),
        };
        let ids = platform::alerts::raise(&deps.db, &deps.all, &deps.plans, &deps.alerts, run.org_id, run.workspace_id, &event).await?;
        deps.queues.deliver_all(&ids).await;
    }
    Ok(())
}

/// What the engine audits for a product: its main URL, its other hosts, mail domain,
/// selectors and declared endpoints.
pub fn target_of(product: &ProductView) -> Result<Target, String> {
    let mut target = Target::parse(&product.main_url())?;
    let main = target.main_host().to_owned();
    let www = format!("www.{}", target.apex);
    for host in [product.app_host.as_deref(), product.api_host.as_deref()].into_iter().flatten() {
        if host != main && host != target.apex && host != www && !target.hosts.iter().any(|h| h == host) {
            target.hosts.push(host.to_owned());
        }
    }
    if let Some(mail) = &product.mail_domain {
        target.mail_domain = mail.clone();
    }
    target.dkim_selectors = product.dkim_selectors.clone();
    target.endpoints = product.endpoints.clone();
    if let Some(ms) = product.latency_budget_ms {
        target.latency_budget = Duration::from_millis(u64::from(ms));
    }
    if let Some(ms) = product.ai_latency_budget_ms {
        target.ai_latency_budget = Duration::from_millis(u64::from(ms));
    }
    Ok(target)
}
