//! Audits: asking for one, following its progress, and the scorecard page
//! (`/app/products/:id/audits/:audit_id`).

use crate::components::charts::{duration, when};
use crate::components::workspace::ws_href;
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::audit::{AuditDetail, AuditDiff, AuditStatus, AuditSummary, FindingRef};
use domain::scorecard::{Category, Cause, Counts, Decision, Finding, Grade, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// Queues an audit of the product, or answers with the one already queued or running.
#[server(endpoint = "audits/request")]
pub async fn request_audit(product_id: Uuid) -> Result<AuditSummary, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::usecases::request_audit(&ctx.db, &scope, &ctx.plans, &ctx.queues, product_id.into(), domain::audit::AuditTrigger::Manual)
        .await?)
}

/// One run's progress and verdict (polled while it runs).
#[server(endpoint = "audits/summary")]
pub async fn poll_audit(audit_id: Uuid) -> Result<AuditSummary, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::audits::summary(&ctx.db, &scope, audit_id.into()).await?)
}

#[server(endpoint = "audits/detail")]
pub async fn get_audit_detail(audit_id: Uuid) -> Result<AuditDetail, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::audits::detail(&ctx.db, &scope, audit_id.into()).await?)
}

/// The product's recent runs, newest first.
#[server(endpoint = "audits/list")]
pub async fn list_audits(product_id: Uuid) -> Result<Vec<AuditSummary>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::audits::list(&ctx.db, &scope, product_id.into(), 20).await?)
}

fn decision_class(decision: Decision) -> &'static str {
    match decision {
        Decision::Go => "status-pill status-go",
        Decision::GoAfterFixes => "status-pill status-fix",
        Decision::Hold => "status-pill status-hold",
    }
}

/// A grade as shown, or a dash when the run was not scored.
pub(crate) fn grade_text(grade: Option<Grade>) -> String {
    grade.map_or_else(|| "—".to_owned(), |g| g.to_string())
}

/// Go / Go after fixes / Hold; "Not audited yet" without a decision.
#[component]
pub fn DecisionPill(decision: Option<Decision>) -> impl IntoView {
    match decision {
        Some(d) => view! { <span class=decision_class(d)>{d.label()}</span> }.into_any(),
        None => view! { <span class="status-pill status-none">"Not audited yet"</span> }.into_any(),
    }
}

/// The state of a run as a pill: its decision when done, else where it is.
#[component]
pub fn RunPill(summary: AuditSummary) -> impl IntoView {
    match summary.status {
        AuditStatus::Done => view! { <DecisionPill decision=summary.decision/> }.into_any(),
        AuditStatus::Failed => view! { <span class="status-pill status-hold">"Failed"</span> }.into_any(),
        AuditStatus::Running => view! { <span class="status-pill status-none">"Running"</span> }.into_any(),
        AuditStatus::Queued => view! { <span class="status-pill status-none">"Queued"</span> }.into_any(),
    }
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Pass => "status-pill status-go",
        Status::Warn => "status-pill status-fix",
        Status::Fail => "status-pill status-hold",
        Status::Error | Status::Skipped => "status-pill status-none",
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "Pass",
        Status::Warn => "Warn",
        Status::Fail => "Fail",
        Status::Error => "Error",
        Status::Skipped => "Skipped",
    }
}

fn severity_label(severity: domain::scorecard::Severity) -> &'static str {
    use domain::scorecard::Severity;
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

/// Live progress of a queued or running audit: polls `audits/summary` every second in the
/// browser and calls `on_finished` once the run is done or failed. Without WASM it shows the
/// state at render time (a reload shows the next).
#[component]
pub fn AuditProgress(summary: AuditSummary, #[prop(into)] on_finished: Callback<AuditSummary>) -> impl IntoView {
    let current = RwSignal::new(summary);
    // Consecutive failed polls: the next try waits longer.
    let failures = RwSignal::new(0u32);
    Effect::new(move |_| {
        let run = current.get();
        if run.status.is_finished() {
            on_finished.run(run);
            return;
        }
        let id = run.id;
        let wait = if failures.get_untracked() == 0 { 1 } else { 5 };
        let poll = move || {
            leptos::task::spawn_local(async move {
                match poll_audit(id).await {
                    Ok(next) => {
                        failures.try_set(0);
                        current.try_set(next);
                    }
                    Err(_) => {
                        failures.try_update(|n| *n += 1);
                        // Same value, but a fresh notification: the effect schedules another try.
                        current.try_update(|_| ());
                    }
                }
            });
        };
        if let Ok(handle) = set_timeout_with_handle(poll, std::time::Duration::from_secs(wait)) {
            on_cleanup(move || handle.clear());
        }
    });
    let text = move || {
        let run = current.get();
        match (run.status, run.checks_total) {
            (AuditStatus::Queued, _) => "Queued: waiting for a free worker…".to_owned(),
            (_, 0) => "Running: preparing the checks…".to_owned(),
            (_, total) => format!("Running: {} of {} checks", run.checks_done.min(total), total),
        }
    };
    let max = move || current.with(|r| r.checks_total.max(1));
    let value = move || current.with(|r| (r.checks_total > 0).then_some(r.checks_done.min(r.checks_total)));
    view! {
        <div class="audit-progress">
            <p role="status" aria-live="polite">{text}</p>
            <progress max=max value=value aria-label="Audit progress"></progress>
            {move || (failures.get() > 0).then(|| view! { <p class="muted">"Lost touch with the server; trying again…"</p> })}
        </div>
    }
}

#[component]
pub fn ScorecardPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let p = params.read();
        let parse = |key: &str| p.get(key).and_then(|s| s.parse::<Uuid>().ok());
        (parse("id"), parse("audit_id"))
    };
    let detail = Resource::new(ids, |ids| async move {
        match ids {
            (Some(product_id), Some(audit_id)) => match get_audit_detail(audit_id).await {
                // The URL names the product too: a mismatch is an address that does not exist.
                Ok(d) if d.summary.product_id == product_id => Ok(d),
                Ok(_) => Err(AppError::NotFound),
                Err(e) => Err(e),
            },
            _ => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <Scorecard detail=d on_finished=Callback::new(move |_| detail.refetch())/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Scorecard(detail: AuditDetail, on_finished: Callback<AuditSummary>) -> impl IntoView {
    let AuditDetail { summary, product_name, target, findings, causes, diff } = detail;
    let product_href = ws_href(&format!("/products/{}", summary.product_id));
    let started = when(summary.created_at);
    let body = match summary.status {
        AuditStatus::Queued | AuditStatus::Running => view! {
            <section class="card" aria-labelledby="verdict-title">
                <h2 id="verdict-title">"Audit in progress"</h2>
                <AuditProgress summary=summary.clone() on_finished/>
                <p class="muted">"The scorecard appears here when every check has run."</p>
            </section>
        }
        .into_any(),
        AuditStatus::Failed => view! {
            <section class="card" aria-labelledby="verdict-title">
                <h2 id="verdict-title">"This audit failed"</h2>
                <p class="form-error" role="alert">{summary.error.clone().unwrap_or_else(|| "The audit could not finish.".into())}</p>
                <p>"Nothing was scored. Run a new audit from the " <A href=product_href.clone()>"product page"</A>"."</p>
            </section>
        }
        .into_any(),
        AuditStatus::Done => view! {
            <Verdict summary=summary.clone()/>
            {domain::sprint::offers_sprint(&summary).then(|| view! { <crate::components::sprint_offer::SprintOffer product_id=summary.product_id audit_id=summary.id/> })}
            {diff.map(|d| view! { <DiffBox diff=d summary=summary.clone()/> })}
            <Causes causes/>
            <Findings findings/>
            <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
                <crate::pages::shares::ShareScorecardCard audit_id=summary.id/>
            </crate::components::workspace::IfCan>
        }
        .into_any(),
    };
    let title = format!("Scorecard of {product_name} — launchready");
    let crumb = product_name.clone();
    view! {
        <Title text=title/>
        <p class="breadcrumb"><A href=ws_href("")>"Dashboard"</A>" / "<A href=product_href>{crumb}</A>" / Audit of "{started.clone()}</p>
        <div class="page-head">
            <h1>"Scorecard: " {product_name}</h1>
        </div>
        <p class="muted">"Target " <code>{target}</code> " · started " {started} " · " {summary.trigger.as_str()} " audit"</p>
        {body}
    }
}

#[component]
pub(crate) fn Verdict(summary: AuditSummary) -> impl IntoView {
    let counts = summary.counts.unwrap_or_default();
    let took = summary.duration_ms.map(|ms| if ms < 1000 { format!("{ms} ms") } else { duration((ms / 1000) as i64) });
    let coverage = summary.coverage.map(|c| c.sentence());
    // A run that measured too little has no score: say so before anything that looks like one.
    let unscored = summary.score.is_none() && summary.status == AuditStatus::Done;
    let unscored_note = coverage.clone().unwrap_or_else(|| "Too few checks ran".to_owned());
    view! {
        <section class="card verdict" aria-labelledby="verdict-title">
            <h2 id="verdict-title">"Launch decision"</h2>
            {unscored.then(|| view! {
                <p class="notice notice-warn" role="alert">
                    <strong>"Not scored. "</strong>{format!("Only {unscored_note}: this audit cannot say whether the product is ready. See what could not run below.")}
                </p>
            })}
            <div class="verdict-head">
                <DecisionPill decision=summary.decision/>
                <p class="verdict-grade">
                    <span class="grade" aria-label=format!("Grade {}", grade_text(summary.grade))>{grade_text(summary.grade)}</span>
                    <span class="score">{summary.score.map(|s| format!("{s} / 100")).unwrap_or_default()}</span>
                </p>
            </div>
            {summary.decision_reason.clone().map(|r| view! { <p class="verdict-reason">{r}</p> })}
            {coverage.map(|c| view! { <p class="verdict-coverage">{format!("Measured: {c}.")}</p> })}
            <CountList counts/>
            <dl class="facts">
                <dt>"Finished"</dt><dd>{summary.finished_at.map(when).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Duration"</dt><dd>{took.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Rubric"</dt><dd>{summary.rubric_version.map(|v| format!("version {v}")).unwrap_or_else(|| "—".into())}</dd>
            </dl>
        </section>
    }
}

#[component]
fn CountList(counts: Counts) -> impl IntoView {
    let items = [
        ("Passed", counts.pass, "count-pass"),
        ("Warnings", counts.warn, "count-warn"),
        ("Failed", counts.fail, "count-fail"),
        ("Errors", counts.error, "count-error"),
        ("Skipped", counts.skipped, "count-skipped"),
    ];
    view! {
        <ul class="counts" aria-label="Findings by status">
            {items.into_iter().map(|(label, n, class)| view! {
                <li class=class><span class="count-number">{n}</span>" "<span class="count-label">{label}</span></li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn DiffBox(diff: AuditDiff, summary: AuditSummary) -> impl IntoView {
    let before = match (diff.previous_grade, diff.previous_score) {
        (Some(g), Some(s)) => format!("grade {g}, {s} / 100"),
        (None, Some(s)) => format!("{s} / 100"),
        _ => "not scored".into(),
    };
    let now = match (summary.grade, summary.score) {
        (Some(g), Some(s)) => format!("grade {g}, {s} / 100"),
        _ => "not scored".into(),
    };
    let previous_href = ws_href(&format!("/products/{}/audits/{}", summary.product_id, diff.previous_id));
    let refs = |items: Vec<FindingRef>| {
        items
            .into_iter()
            .map(|f| {
                let href = format!("#{}", f.id);
                view! {
                    <li>
                        <span class=status_class(f.status)>{status_label(f.status)}</span>" "
                        <span class="severity">{severity_label(f.severity)}</span>" "
                        <a href=href>{f.title}</a>" "<code>{f.id}</code>
                    </li>
                }
            })
            .collect_view()
    };
    let unchanged = diff.new_failures.is_empty() && diff.fixed.is_empty();
    let (new_failures, fixed) = (diff.new_failures, diff.fixed);
    view! {
        <section class="card diff-box" aria-labelledby="diff-title">
            <h2 id="diff-title">"Since the previous audit"</h2>
            <p>"Before: " {before} " · now: " {now} ". " <A href=previous_href>"Previous scorecard"</A></p>
            {diff.rubric.map(|change| view! {
                <div class="notice notice-info rubric-change" role="note">
                    <p><strong>{format!("Our rules changed between these audits (rubric {} → {}).", change.from, change.to)}</strong>
                    " A change of grade or of a check below may come from the new rules, not from your site."</p>
                    <ul>{change.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                </div>
            })}
            {unchanged.then(|| view! { <p class="muted">"No check changed between failing and passing."</p> })}
            {(!new_failures.is_empty()).then(|| view! {
                <h3>{format!("New failures ({})", new_failures.len())}</h3>
                <ul class="diff-list">{refs(new_failures)}</ul>
            })}
            {(!fixed.is_empty()).then(|| view! {
                <h3>{format!("Fixed ({})", fixed.len())}</h3>
                <ul class="diff-list">{refs(fixed)}</ul>
            })}
        </section>
    }
}

/// What kept checks from running: one entry per cause, naming the checks it stopped (they
/// are not listed again with the findings).
#[component]
pub(crate) fn Causes(causes: Vec<Cause>) -> impl IntoView {
    (!causes.is_empty()).then(|| {
        let total: usize = causes.iter().map(|c| c.checks.len()).sum();
        view! {
            <section class="card causes" aria-labelledby="causes-title">
                <h2 id="causes-title">{format!("Could not be checked ({total})")}</h2>
                <p class="muted">"These checks did not run, so they count neither for nor against the product. Fix the cause and audit again."</p>
                {causes.into_iter().map(|cause| {
                    let label = format!("{} ({} checks)", cause.kind.heading(), cause.checks.len());
                    view! {
                        <article class=format!("cause cause-{}", cause.kind.as_str())>
                            <h3>{label}</h3>
                            <p>{cause.summary}</p>
                            <p class="cause-checks">{cause.checks.into_iter().map(|id| view! { <code>{id}</code>" " }).collect_view()}</p>
                        </article>
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// Findings by category (catalog order), worst first within each; findings stopped by a
/// shared cause are shown under that cause instead.
#[component]
pub(crate) fn Findings(findings: Vec<Finding>) -> impl IntoView {
    Category::ALL
        .into_iter()
        .filter_map(|category| {
            let mut mine: Vec<Finding> = findings.iter().filter(|f| f.category == category && f.cause.is_none()).cloned().collect();
            if mine.is_empty() {
                return None;
            }
            mine.sort_by_key(|f| (f.status, f.severity));
            let counts = Counts::of(&mine);
            let heading_id = format!("category-{}", category.as_str());
            let tally = format!("{} failed, {} warnings, {} passed", counts.fail, counts.warn, counts.pass);
            Some(view! {
                <section class="card findings" aria-labelledby=heading_id.clone()>
                    <h2 id=heading_id.clone()>{category.label()}</h2>
                    <p class="muted">{tally}</p>
                    {mine.into_iter().map(|f| view! { <FindingView finding=f/> }).collect_view()}
                </section>
            })
        })
        .collect_view()
}

#[component]
fn FindingView(finding: Finding) -> impl IntoView {
    let f = finding;
    let points = format!("{} / {} points", f.points.earned, f.points.possible);
    // An error with a known cause reads as what it is ("blocked by the edge").
    let label = match f.cause {
        Some(cause) if f.status == Status::Error => cause.heading().to_owned(),
        _ => status_label(f.status).to_owned(),
    };
    let head = view! {
        <span class=status_class(f.status)>{label}</span>
        <span class=format!("severity severity-{}", f.severity.as_str())>{severity_label(f.severity)}</span>
        <span class="finding-title">{f.title.clone()}</span>
        <code class="finding-id">{f.id.clone()}</code>
        <span class="points">{points}</span>
    };
    let body = view! {
        <p class="finding-summary">{f.summary.clone()}</p>
        {(!f.evidence.is_empty()).then(|| view! {
            <ul class="evidence" aria-label="Evidence">
                {f.evidence.iter().map(|line| view! { <li><code>{line.clone()}</code></li> }).collect_view()}
            </ul>
        })}
        <dl class="finding-notes">
            <dt>"Why it matters"</dt><dd>{f.why.clone()}</dd>
            <dt>"How to fix"</dt><dd>{f.fix.clone()}</dd>
        </dl>
        {(!f.references.is_empty()).then(|| view! {
            <p class="references">"References: "
                {f.references.iter().map(|r| {
                    let link = r.starts_with("https://") || r.starts_with("http://");
                    if link {
                        view! { <a href=r.clone() rel="noopener noreferrer">{r.clone()}</a>" " }.into_any()
                    } else {
                        view! { <span>{r.clone()}</span>" " }.into_any()
                    }
                }).collect_view()}
            </p>
        })}
    };
    let class = format!("finding finding-{}", f.status.as_str());
    if matches!(f.status, Status::Pass | Status::Skipped) {
        view! {
            <details class=class id=f.id.clone()>
                <summary class="finding-head">{head}</summary>
                {body}
            </details>
        }
        .into_any()
    } else {
        view! {
            <article class=class id=f.id.clone()>
                <h3 class="finding-head">{head}</h3>
                {body}
            </article>
        }
        .into_any()
    }
}
