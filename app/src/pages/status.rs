//! `/status/:id`: the public status page of a product whose owner turned it on. No sign-in;
//! it shows monitor names and states, uptime and incident times, never targets or error text.

use crate::components::brand::{BrandBar, BrandFooter, BrandStyle};
use crate::components::charts::{duration, percent, when, UptimeBars};
use crate::error::AppError;
use crate::pages::monitors::StatePill;
use crate::pages::not_found::LoadError;
use domain::dashboard::StatusPage;
use domain::monitor::MonitorState;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[server(endpoint = "status/get")]
pub async fn get_status_page(product_id: Uuid) -> Result<StatusPage, AppError> {
    let ctx = crate::ssr::AppContext::current()?;
    Ok(platform::monitors::rollups::status_page(&ctx.db, &ctx.plans, product_id.into()).await?)
}

/// The page streams; its one resource is blocking so the title and a 404 for an unknown (or
/// private) page are settled before the first byte.
#[component]
pub fn StatusPageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    let page = Resource::new_blocking(id, |id| async move {
        let result = match id {
            Some(id) => get_status_page(id).await,
            None => Err(AppError::NotFound),
        };
        #[cfg(feature = "ssr")]
        if matches!(result, Err(AppError::NotFound)) {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::NOT_FOUND);
            }
        }
        result
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        let brand = p.brand.clone();
                        view! {
                            <BrandStyle brand=brand.clone()/>
                            <BrandBar brand=brand.clone()/>
                            <main id="main" class="main status-page"><Status page=p/></main>
                            <BrandFooter brand default="Status page by launchready."/>
                        }
                        .into_any()
                    }
                    Err(error) => view! {
                        <main id="main" class="main status-page"><LoadError error/></main>
                        <BrandFooter brand=None default="Status page by launchready."/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Status(page: StatusPage) -> impl IntoView {
    let p = page;
    let (banner_class, banner) = match p.overall {
        MonitorState::Up => ("status-banner status-banner-up", "All systems operational"),
        MonitorState::Down => ("status-banner status-banner-down", "Partial outage"),
        MonitorState::Unknown => ("status-banner status-banner-unknown", "No services are monitored yet"),
        MonitorState::Blocked => ("status-banner status-banner-unknown", "Some services cannot be checked right now"),
    };
    let uptime = p
        .uptime_90d
        .map(|u| format!("{} uptime over the last 90 days", percent(u)))
        .unwrap_or_else(|| "No checks in the last 90 days".into());
    let now = p.generated_at;
    view! {
        <Title text=format!("{} status", p.product_name)/>
        <h1>{format!("{} status", p.product_name)}</h1>
        <p class=banner_class role="status">{banner}</p>
        <section class="card" aria-labelledby="services-title">
            <h2 id="services-title">"Services"</h2>
            {if p.monitors.is_empty() {
                view! { <p class="muted">"No services listed."</p> }.into_any()
            } else {
                view! {
                    <ul class="service-list">
                        {p.monitors.iter().map(|m| view! {
                            <li><span class="service-name">{m.name.clone()}</span><StatePill state=m.state/></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="uptime-title">
            <h2 id="uptime-title">"Uptime"</h2>
            <p>{uptime}</p>
            <UptimeBars days=p.days.clone()/>
            <p class="chart-axis muted"><span>"90 days ago"</span><span>"Today"</span></p>
        </section>
        <section class="card" aria-labelledby="incidents-title">
            <h2 id="incidents-title">"Recent incidents"</h2>
            {if p.incidents.is_empty() {
                view! { <p class="muted">"No incidents in the last 90 days."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Service"</th><th scope="col">"Opened"</th><th scope="col">"Resolved"</th><th scope="col">"Duration"</th>
                        </tr></thead>
                        <tbody>
                            {p.incidents.iter().map(|i| {
                                let (class, resolved, took) = match i.resolved_at {
                                    Some(at) => ("", when(at), duration((at - i.opened_at).num_seconds())),
                                    None => ("incident-open", "Ongoing".to_owned(), format!("{} so far", duration((now - i.opened_at).num_seconds()))),
                                };
                                view! {
                                    <tr class=class>
                                        <td>{i.monitor_name.clone()}</td>
                                        <td>{when(i.opened_at)}</td>
                                        <td>{resolved}</td>
                                        <td>{took}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <p class="muted">"Updated " {when(now)} "."</p>
    }
}
