//! `/s/{token}`: a share link. No sign-in; `noindex`; rate limited per client; it shows what
//! the link shares and nothing else: no ids, no email addresses, no monitor targets, no
//! evidence lines. White-labelled when the agency has branding.

use crate::components::brand::{BrandBar, BrandFooter, BrandStyle};
use crate::components::charts::{percent, when};
use crate::error::AppError;
use domain::scorecard::{Decision, Status};
use domain::share::{SharedContent, SharedPage, SharedScorecard, SharedWorkspace};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[server(endpoint = "share/open")]
pub async fn open_share(token: String) -> Result<SharedPage, AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    let client = session::client_addr()?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::HeaderName::from_static("x-robots-tag"), http::HeaderValue::from_static("noindex, nofollow"));
    }
    ctx.throttles.check(platform::infra::throttle::Action::ShareView, client, None)?;
    Ok(platform::shares::open(&ctx.db, &ctx.plans, &ctx.key, &token, chrono::Utc::now()).await?)
}

#[component]
pub fn SharePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let page = Resource::new_blocking(token, |token| async move {
        let result = open_share(token).await;
        #[cfg(feature = "ssr")]
        if let Err(err) = &result {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                let status =
                    if matches!(err, AppError::Throttled(_)) { http::StatusCode::TOO_MANY_REQUESTS } else { http::StatusCode::NOT_FOUND };
                response.set_status(status);
            }
        }
        result
    });
    view! {
        <Meta name="robots" content="noindex, nofollow"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <Shared page=p/> }.into_any(),
                    Err(AppError::Throttled(_)) => view! {
                        <BrandBar brand=None/>
                        <main id="main" class="main"><h1>"Too many requests"</h1><p>"Please wait a minute and reload."</p></main>
                    }.into_any(),
                    Err(_) => view! {
                        <Title text="Link not available"/>
                        <BrandBar brand=None/>
                        <main id="main" class="main">
                            <h1>"This link is not available"</h1>
                            <p>"It may have expired or been revoked. Ask the person who sent it for a new one."</p>
                        </main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Shared(page: SharedPage) -> impl IntoView {
    let brand = page.brand.clone();
    let body = match page.content {
        SharedContent::Scorecard(s) => view! { <SharedScorecardView scorecard=s/> }.into_any(),
        SharedContent::Workspace(w) => view! { <SharedWorkspaceView workspace=w/> }.into_any(),
    };
    view! {
        <Title text=page.title.clone()/>
        <BrandStyle brand=brand.clone()/>
        <BrandBar brand=brand.clone()/>
        <main id="main" class="main share-page">
            <h1>{page.title.clone()}</h1>
            <p class="muted">{format!("As of {} · this link works until {}", when(page.as_of), when(page.expires_at))}</p>
            {body}
        </main>
        <BrandFooter brand default="Launch-readiness report by launchready."/>
    }
}

fn decision_pill(decision: Option<Decision>) -> (&'static str, &'static str) {
    match decision {
        Some(Decision::Go) => ("status-pill status-go", "Go"),
        Some(Decision::GoAfterFixes) => ("status-pill status-fix", "Go after fixes"),
        Some(Decision::Hold) => ("status-pill status-hold", "Hold"),
        None => ("status-pill status-none", "Not scored"),
    }
}

#[component]
fn SharedScorecardView(scorecard: SharedScorecard) -> impl IntoView {
    let s = scorecard;
    let (class, label) = decision_pill(s.decision);
    let grade = s.grade.map(|g| g.as_str().to_owned()).unwrap_or_else(|| "—".into());
    let score = s.score.map(|n| format!("{n} / 100")).unwrap_or_else(|| "not scored".into());
    let problems: Vec<_> = s.findings.iter().filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error)).cloned().collect();
    let passed = s.findings.iter().filter(|f| f.status == Status::Pass).count();
    view! {
        <section class="card">
            <h2>{s.product.clone()}</h2>
            <p class="muted"><code>{s.domain.clone()}</code>{s.audited_at.map(|at| format!(" · audited {}", when(at)))}</p>
            <p><span class=class>{label}</span>" Grade "<strong>{grade}</strong>" · score "{score}</p>
            {s.decision_reason.clone().map(|r| view! { <p>{r}</p> })}
            {s.coverage.clone().map(|c| view! { <p class="muted">{c}</p> })}
            {(!s.causes.is_empty()).then(|| view! {
                <h3>"Could not be checked"</h3>
                <ul>{s.causes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
            })}
        </section>
        <section class="card">
            <h2>{format!("To fix ({})", problems.len())}</h2>
            {if problems.is_empty() {
                view! { <p>"Nothing to fix."</p> }.into_any()
            } else {
                view! {
                    <ul class="finding-list">
                        {problems.into_iter().map(|f| view! {
                            <li class="finding">
                                <p><strong>{f.title}</strong>" "<span class="muted">{format!("{} · {}", f.severity.as_str(), f.state)}</span></p>
                                <p>{f.summary}</p>
                                {(!f.fix.is_empty()).then(|| view! { <p><em>"Fix: "</em>{f.fix.clone()}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p class="muted">{format!("{passed} checks passed.")}</p>
        </section>
    }
}

#[component]
fn SharedWorkspaceView(workspace: SharedWorkspace) -> impl IntoView {
    let w = workspace;
    view! {
        <section class="card">
            <h2>{w.name.clone()}</h2>
            {if w.products.is_empty() {
                view! { <p class="muted">"No products yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Product"</th><th scope="col">"Decision"</th><th scope="col">"Grade"</th>
                            <th scope="col">"Uptime (7 days)"</th><th scope="col">"Open incidents"</th><th scope="col">"Audited"</th>
                        </tr></thead>
                        <tbody>
                            {w.products.into_iter().map(|p| {
                                let (class, label) = decision_pill(p.decision);
                                view! {
                                    <tr>
                                        <th scope="row">{p.name}<br/><code class="muted">{p.domain}</code></th>
                                        <td><span class=class>{label}</span></td>
                                        <td>{p.grade.map(|g| g.as_str().to_owned()).unwrap_or_else(|| "—".into())}</td>
                                        <td>{p.uptime_7d.map(percent).unwrap_or_else(|| "not measured".into())}</td>
                                        <td>{p.open_incidents}</td>
                                        <td>{p.audited_at.map(when).unwrap_or_else(|| "not yet".into())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
