//! `/app/portfolio`: every client workspace on one page, for the agency's staff. Sorting and
//! the decision filter live in the URL (`?sort=score&decision=hold`), so a view can be shared
//! inside the team, and apply in the browser without reloading the rows.

use crate::components::charts::{percent, when};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::portfolio::{filter_rows, sort_rows, Portfolio, PortfolioRow, PortfolioSort};
use domain::scorecard::Decision;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[server(endpoint = "portfolio/get")]
pub async fn load_portfolio() -> Result<Portfolio, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::portfolio::portfolio(&ctx.db, &scope).await?)
}

const FILTERS: [(&str, &str); 5] =
    [("", "Every client"), ("hold", "On Hold"), ("go_after_fixes", "Go after fixes"), ("go", "Go"), ("none", "Not scored")];

#[component]
pub fn PortfolioPage() -> impl IntoView {
    let portfolio = Resource::new(|| (), |_| load_portfolio());
    let query = use_query_map();
    let sort = Memo::new(move |_| query.read().get("sort").and_then(|s| PortfolioSort::parse(&s)).unwrap_or(PortfolioSort::Decision));
    let decision = Memo::new(move |_| query.read().get("decision").unwrap_or_default());
    let navigate = use_navigate();
    let go = move |sort: PortfolioSort, decision: String| {
        let mut url = format!("/app/portfolio?sort={}", sort.as_str());
        if !decision.is_empty() {
            url.push_str(&format!("&decision={decision}"));
        }
        navigate(&url, Default::default());
    };
    let go_sort = go.clone();
    view! {
        <Title text="Portfolio — launchready"/>
        <h1>"Portfolio"</h1>
        <div class="toolbar">
            <label for="portfolio-sort">"Sort by "</label>
            <select id="portfolio-sort" on:change=move |ev| {
                if let Some(s) = PortfolioSort::parse(&event_target_value(&ev)) { go_sort(s, decision.get_untracked()) }
            }>
                {PortfolioSort::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=move || sort.get() == s>{s.label()}</option> }).collect_view()}
            </select>
            " "
            <label for="portfolio-filter">"Show "</label>
            <select id="portfolio-filter" on:change=move |ev| go(sort.get_untracked(), event_target_value(&ev))>
                {FILTERS.into_iter().map(|(value, label)| view! { <option value=value selected=move || decision.get() == value>{label}</option> }).collect_view()}
            </select>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading the portfolio…"</p> }>
            {move || Suspend::new(async move {
                match portfolio.await {
                    Ok(p) => {
                        let summary = format!("{} clients · {} products · as of {}", p.workspaces, p.products, when(p.generated_at));
                        let rows = p.rows.clone();
                        view! {
                            <p class="muted">{summary}</p>
                            {move || {
                                let mut shown = filter_rows(rows.clone(), &decision.get());
                                sort_rows(&mut shown, sort.get());
                                view! { <PortfolioTable rows=shown/> }
                            }}
                        }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn pill(decision: Option<Decision>) -> (&'static str, &'static str) {
    match decision {
        Some(Decision::Go) => ("status-pill status-go", "Go"),
        Some(Decision::GoAfterFixes) => ("status-pill status-fix", "Go after fixes"),
        Some(Decision::Hold) => ("status-pill status-hold", "Hold"),
        None => ("status-pill status-none", "Not scored"),
    }
}

#[component]
fn PortfolioTable(rows: Vec<PortfolioRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No client matches this filter."</p> }.into_any();
    }
    view! {
        <table class="table portfolio">
            <thead><tr>
                <th scope="col">"Client"</th><th scope="col">"Product"</th><th scope="col">"Decision"</th>
                <th scope="col">"Grade"</th><th scope="col">"Score trend"</th><th scope="col">"Uptime 7 d"</th>
                <th scope="col">"Open incidents"</th><th scope="col">"Failed alerts 7 d"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let (class, label) = pill(r.decision);
                    let trend = if r.score_trend.is_empty() {
                        "—".to_owned()
                    } else {
                        r.score_trend.iter().map(u32::to_string).collect::<Vec<_>>().join(" → ")
                    };
                    view! {
                        <tr>
                            <th scope="row"><a href=r.workspace_path.clone() rel="external">{r.workspace.clone()}</a></th>
                            <td>{match (r.product.clone(), r.product_path.clone()) {
                                (Some(name), Some(path)) => view! { <a href=path rel="external">{name}</a> }.into_any(),
                                _ => view! { <span class="muted">"No products yet"</span> }.into_any(),
                            }}</td>
                            <td>{r.product.is_some().then(|| view! { <span class=class>{label}</span> })}</td>
                            <td>{r.grade.map(|g| g.as_str().to_owned()).unwrap_or_else(|| "—".into())}</td>
                            <td>{trend}</td>
                            <td>{r.uptime_7d.map(percent).unwrap_or_else(|| "not measured".into())}</td>
                            <td class=(r.open_incidents > 0).then_some("health-bad")>{r.open_incidents}</td>
                            <td class=(r.failed_alerts_7d > 0).then_some("health-bad")>{r.failed_alerts_7d}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
