use crate::components::charts::{when, ScoreTrend};
use crate::components::form::FormError;
use crate::components::workspace::ws_href;
use crate::error::AppError;
use crate::pages::audit::{grade_text, list_audits, AuditProgress, DecisionPill, RequestAudit, RunPill};
use crate::pages::monitors::{MonitorsSection, ProductSettings};
use crate::pages::not_found::LoadError;
use domain::audit::{AuditStatus, AuditSummary};
use domain::product::ProductView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[server(endpoint = "products/get")]
pub async fn get_product(id: uuid::Uuid) -> Result<ProductView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::products::get(&ctx.db, &scope, id.into()).await?)
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<uuid::Uuid>().ok());
    let product = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_product(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(p) => view! { <ProductDetails product=p/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductDetails(product: ProductView) -> impl IntoView {
    let p = product;
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let mail_domain = p.mail_domain.clone().unwrap_or_else(|| format!("{} (apex)", p.apex_domain));
    let selectors = if p.dkim_selectors.is_empty() { "common selectors".to_owned() } else { p.dkim_selectors.join(", ") };
    view! {
        <Title text=format!("{} — launchready", p.name)/>
        <p class="breadcrumb"><A href=ws_href("")>"Dashboard"</A>" / "{p.name.clone()}</p>
        <div class="page-head">
            <div>
                <h1>{p.name.clone()}</h1>
                <p class="muted page-sub"><code>{p.main_url()}</code></p>
            </div>
            <crate::components::workspace::IfCan capability=domain::role::Capability::Edit><A href=ws_href(&format!("/products/{}/edit", p.id)) attr:class="button button-secondary">"Edit"</A></crate::components::workspace::IfCan>
        </div>
        {p.paused.then(|| view! {
            <p class="notice" role="status">
                "This product is paused: your plan allows fewer products than this organisation has. Its data is kept, but it is not audited or monitored and its status page is off. "
                <A href=crate::components::form::UPGRADE_PATH>"Upgrade"</A>" or delete another product to resume it."
            </p>
        })}
        <LaunchReadiness product_id=p.id/>
        <MonitorsSection product_id=p.id/>
        <ProductSettings product=p.clone()/>
        <section class="card">
            <h2>"What we check"</h2>
            <dl class="facts">
                <dt>"Apex domain"</dt><dd>{p.apex_domain.clone()}</dd>
                <dt>"App host"</dt><dd>{or_dash(p.app_host.clone())}</dd>
                <dt>"API host"</dt><dd>{or_dash(p.api_host.clone())}</dd>
                <dt>"Mail domain"</dt><dd>{mail_domain}</dd>
                <dt>"DKIM selectors"</dt><dd>{selectors}</dd>
            </dl>
            <h3>"Declared endpoints"</h3>
            {if p.endpoints.is_empty() {
                view! { <p class="muted">"None declared. Add login, chat, health and private endpoints so the audit can test their boundaries."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Path"</th><th scope="col">"Access"</th><th scope="col">"Kind"</th></tr></thead>
                        <tbody>
                            {p.endpoints.iter().map(|e| view! {
                                <tr><td><code>{e.path.clone()}</code></td><td>{e.access.as_str()}</td><td>{e.kind.as_str()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// The verdict of the latest finished audit, the run in progress, "Run audit", and the history.
#[component]
fn LaunchReadiness(product_id: Uuid) -> impl IntoView {
    let request = ServerAction::<RequestAudit>::new();
    let result = Signal::derive(move || request.value().get());
    // Bumped when a polled run finishes: the history and the verdict are read again.
    let finished = RwSignal::new(0u32);
    let audits = Resource::new(move || (request.version().get(), finished.get()), move |_| list_audits(product_id));
    let on_finished = Callback::new(move |_: AuditSummary| finished.update(|n| *n += 1));
    view! {
        <section class="card readiness" aria-labelledby="readiness-title">
            <div class="card-head">
                <h2 id="readiness-title">"Launch readiness"</h2>
                <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
                    <ActionForm action=request attr:class="inline-form">
                        <input type="hidden" name="product_id" value=product_id.to_string()/>
                        <button type="submit" class="button" disabled=move || request.pending().get()>"Run audit"</button>
                    </ActionForm>
                </crate::components::workspace::IfCan>
            </div>
            <FormError result/>
            <Transition fallback=|| view! { <p class="muted">"Loading audits…"</p> }>
                {move || Suspend::new(async move {
                    match audits.await {
                        Ok(list) => view! { <Readiness audits=list on_finished/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.banner()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                audits.await.ok().filter(|list| !list.is_empty()).map(|list| view! { <AuditHistory audits=list/> })
            })}
        </Transition>
    }
}

#[component]
fn Readiness(audits: Vec<AuditSummary>, on_finished: Callback<AuditSummary>) -> impl IntoView {
    if audits.is_empty() {
        return view! {
            <div class="readiness-empty">
                <p class="status-pill status-none">"No audits yet"</p>
                <p>"Run the first audit: about fifty checks of DNS, TLS, HTTP, headers, exposed files, API boundaries, "
                   "email authentication and AI endpoints. The result is a launch decision (Go, Go after fixes or Hold), "
                   "a grade, and every finding with its evidence and how to fix it."</p>
            </div>
        }
        .into_any();
    }
    let running = audits.iter().find(|a| !a.status.is_finished()).cloned();
    let latest = audits.first().cloned();
    let last_done = audits.iter().find(|a| a.status == AuditStatus::Done).cloned();
    // A failure newer than the last verdict is worth telling.
    let failed = latest.filter(|a| a.status == AuditStatus::Failed);
    view! {
        {running.map(|run| view! { <AuditProgress summary=run on_finished/> })}
        {failed.map(|run| view! {
            <div class="form-error" role="alert">
                <p>"The audit of " {when(run.created_at)} " failed: " {run.error.clone().unwrap_or_else(|| "it could not finish".into())}</p>
                <p class="muted">"Run it again; if it keeps failing, check that the product's hosts answer from the internet."</p>
            </div>
        })}
        {match last_done {
            Some(done) => {
                let href = ws_href(&format!("/products/{}/audits/{}", done.product_id, done.id));
                view! {
                    <div class="verdict-head">
                        <DecisionPill decision=done.decision/>
                        <p class="verdict-grade">
                            <span class="grade">{grade_text(done.grade)}</span>
                            <span class="score">{done.score.map(|s| format!("{s} / 100")).unwrap_or_default()}</span>
                        </p>
                    </div>
                    {done.decision_reason.clone().map(|r| view! { <p class="verdict-reason">{r}</p> })}
                    <p class="muted">"Audited " {when(done.finished_at.unwrap_or(done.created_at))} ". " <A href=href>"View scorecard"</A></p>
                }
                .into_any()
            }
            None => view! { <p class="muted">"No finished audit yet."</p> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn AuditHistory(audits: Vec<AuditSummary>) -> impl IntoView {
    let trend: Vec<_> =
        audits.iter().rev().filter(|a| a.status == AuditStatus::Done).filter_map(|a| a.score.map(|s| (a.created_at, s))).collect();
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"Audit history"</h2>
            {(trend.len() > 1).then(|| view! { <div class="trend-wrap"><ScoreTrend points=trend/></div> })}
            <table class="table">
                <thead><tr>
                    <th scope="col">"Date"</th><th scope="col">"Trigger"</th><th scope="col">"Grade"</th>
                    <th scope="col">"Score"</th><th scope="col">"Decision"</th>
                </tr></thead>
                <tbody>
                    {audits.into_iter().map(|a| {
                        let href = ws_href(&format!("/products/{}/audits/{}", a.product_id, a.id));
                        view! {
                            <tr>
                                <td><A href=href>{when(a.created_at)}</A></td>
                                <td>{a.trigger.as_str()}</td>
                                <td>{grade_text(a.grade)}</td>
                                <td>{a.score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                                <td><RunPill summary=a/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
