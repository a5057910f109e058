use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::product::ProductView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[server(endpoint = "products/get")]
pub async fn get_product(id: uuid::Uuid) -> Result<ProductView, AppError> {
    let (_, scope) = crate::ssr::session::require_scope().await?;
    let ctx = crate::ssr::AppContext::current()?;
    Ok(domain::products::get(&ctx.db, &scope, id).await?)
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
        <p class="breadcrumb"><A href="/app">"Dashboard"</A>" / "{p.name.clone()}</p>
        <div class="page-head">
            <h1>{p.name.clone()}</h1>
            <A href=format!("/app/products/{}/edit", p.id) attr:class="button button-secondary">"Edit"</A>
        </div>
        <section class="card scorecard-empty" aria-labelledby="scorecard-title">
            <h2 id="scorecard-title">"Scorecard"</h2>
            <p class="status-pill status-none">"No audits yet"</p>
            <p>"The scorecard will show the launch decision (Go, Go after fixes or Hold), the grade and every finding "
               "with its evidence, why it matters and how to fix it."</p>
        </section>
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
