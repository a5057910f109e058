use crate::components::charts::{percent, when, ScoreTrend, UptimeBars};
use crate::components::layout::Viewer;
use crate::components::workspace::ws_href;
use crate::error::AppError;
use crate::pages::audit::DecisionPill;
use crate::pages::not_found::LoadError;
use domain::dashboard::{Dashboard, ProductHealth};
use domain::product::ProductView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[server(endpoint = "products/list")]
pub async fn list_products() -> Result<Vec<ProductView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::products::list(&ctx.db, &scope).await?)
}

/// Every product at a glance: verdict, trend, a week of uptime, incidents and alert failures.
#[server(endpoint = "dashboard/get")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::dashboard::dashboard(&ctx.db, &scope).await?)
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| get_dashboard());
    let viewer = Resource::new(|| (), |_| crate::components::layout::load_viewer());
    view! {
        <Title text="Dashboard — launchready"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                viewer.await.ok().flatten().filter(|v: &Viewer| !v.email_verified).map(|v| view! { <VerifyBanner email=v.email/> })
            })}
        </Suspense>
        <div class="page-head">
            <h1>"Your products"</h1>
            <crate::components::workspace::IfCan capability=domain::role::Capability::Edit><A href=ws_href("/products/new") attr:class="button">"Add product"</A></crate::components::workspace::IfCan>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading products…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(d) if d.products.is_empty() => view! { <EmptyDashboard/> }.into_any(),
                    Ok(d) => view! { <ProductHealthList dashboard=d/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
        <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
            <crate::pages::shares::ShareWorkspaceCard/>
            <p><A href=ws_href("/shares")>"All share links of this workspace"</A></p>
        </crate::components::workspace::IfCan>
    }
}

#[component]
fn VerifyBanner(email: String) -> impl IntoView {
    let resend = ServerAction::<crate::pages::auth::verify::ResendVerification>::new();
    view! {
        <div class="banner" role="status">
            <p>"Verify your email: we sent a link to " <strong>{email}</strong>"."</p>
            <ActionForm action=resend attr:class="inline-form">
                <button type="submit" class="button-link">"Send it again"</button>
            </ActionForm>
            {move || resend.value().get().map(|r| match r {
                Ok(()) => view! { <span class="muted">"Sent."</span> }.into_any(),
                Err(e) => view! { <span class="field-error">{e.banner()}</span> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn EmptyDashboard() -> impl IntoView {
    view! {
        <section class="empty-state">
            <h2>"No products yet"</h2>
            <p>"Add the product you are about to launch: its domain, its app and API hosts, and the endpoints that matter. "
               "launchready will audit it and tell you whether it is ready."</p>
            <crate::components::workspace::IfCan capability=domain::role::Capability::Edit><A href=ws_href("/products/new") attr:class="button">"Add your first product"</A></crate::components::workspace::IfCan>
        </section>
    }
}

#[component]
fn ProductHealthList(dashboard: Dashboard) -> impl IntoView {
    let failed = dashboard.failed_deliveries_7d;
    view! {
        {(failed > 0).then(|| view! {
            <crate::components::workspace::IfCan capability=domain::role::Capability::SeeInternals>
                <div class="banner" role="status">
                    <p><strong>{format!("{failed} alert deliver{} failed", if failed == 1 { "y" } else { "ies" })}</strong>
                       " in the last 7 days: some alerts did not reach you. "<A href=ws_href("/alerts")>"See the delivery log"</A></p>
                </div>
            </crate::components::workspace::IfCan>
        })}
        <ul class="product-list health-list">
            {dashboard.products.into_iter().map(|p| view! { <HealthCard health=p/> }).collect_view()}
        </ul>
    }
}

#[component]
fn HealthCard(health: ProductHealth) -> impl IntoView {
    let h = health;
    let failed_alerts = h.failed_deliveries_7d;
    let href = ws_href(&format!("/products/{}", h.product_id));
    let verdict = match &h.latest_audit {
        Some(a) => {
            let grade = a.grade.map(|g| format!("Grade {g}")).unwrap_or_default();
            let score = a.score.map(|s| format!("{s} / 100")).unwrap_or_default();
            view! {
                <div class="health-verdict">
                    <DecisionPill decision=a.decision/>
                    <span class="health-grade">{grade}</span>
                    <span class="muted">{score}</span>
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="health-verdict">
                <DecisionPill decision=None/>
                <A href=href.clone()>"Run the first audit"</A>
            </div>
        }
        .into_any(),
    };
    let uptime = h.uptime_7d.map(percent).unwrap_or_else(|| "no checks yet".into());
    let p95 = h.p95_ms_7d.map(|ms| format!("≤ {ms} ms")).unwrap_or_else(|| "—".into());
    let down_class = if h.monitors_down > 0 { "health-bad" } else { "" };
    let monitors = if h.monitors == 0 { "none".to_owned() } else { format!("{} down of {}", h.monitors_down, h.monitors) };
    let has_uptime = h.uptime_days.iter().any(|d| d.checks > 0);
    view! {
        <li class="product-card health-card">
            <h2><A href=href.clone()>{h.name.clone()}</A></h2>
            <p class="muted">{h.apex_domain.clone()}</p>
            {verdict}
            {(h.score_trend.len() > 1).then(|| view! { <div class="health-trend"><ScoreTrend points=h.score_trend.clone() compact=true/></div> })}
            <div class="health-uptime">
                <p class="health-label">"Uptime, last 7 days"</p>
                <UptimeBars days=h.uptime_days.clone()/>
                {(!has_uptime).then(|| view! { <p class="muted">"No checks in the last 7 days."</p> })}
            </div>
            <dl class="health-facts">
                <dt>"Uptime 7 d"</dt><dd>{uptime}</dd>
                <dt>"p95 latency"</dt><dd>{p95}</dd>
                <dt>"5xx answers"</dt><dd class=(h.server_errors_7d > 0).then_some("health-bad")>{h.server_errors_7d}</dd>
                <dt>"Monitors"</dt><dd class=down_class>{monitors}</dd>
                <crate::components::workspace::IfCan capability=domain::role::Capability::SeeInternals>
                    <dt>"Failed alerts"</dt>
                    <dd>{if failed_alerts > 0 {
                        view! { <A href=ws_href("/alerts") attr:class="health-bad">{format!("{failed_alerts} in 7 d")}</A> }.into_any()
                    } else {
                        view! { <span>"none"</span> }.into_any()
                    }}</dd>
                </crate::components::workspace::IfCan>
            </dl>
            {(!h.open_incidents.is_empty()).then(|| view! {
                <div class="health-incidents">
                    <p class="health-label health-bad">{format!("Open incidents ({})", h.open_incidents.len())}</p>
                    <ul>
                        {h.open_incidents.iter().map(|i| view! {
                            <li><strong>{i.monitor_name.clone()}</strong>" since "{when(i.opened_at)}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {(!h.top_failing.is_empty()).then(|| view! {
                <div class="health-failing">
                    <p class="health-label">"Most failures, 7 days"</p>
                    <ul>
                        {h.top_failing.iter().map(|f| view! {
                            <li>{f.name.clone()}": "{format!("{} of {} checks failed", f.failures, f.checks)}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </li>
    }
}
