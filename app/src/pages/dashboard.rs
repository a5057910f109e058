use crate::components::layout::Viewer;
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::product::ProductView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[server(endpoint = "products/list")]
pub async fn list_products() -> Result<Vec<ProductView>, AppError> {
    let (_, scope) = crate::ssr::session::require_scope().await?;
    let ctx = crate::ssr::AppContext::current()?;
    Ok(domain::products::list(&ctx.db, &scope).await?)
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_products());
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
            <A href="/app/products/new" attr:class="button">"Add product"</A>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading products…"</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Ok(list) if list.is_empty() => view! { <EmptyDashboard/> }.into_any(),
                    Ok(list) => view! { <ProductList products=list/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
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
            <A href="/app/products/new" attr:class="button">"Add your first product"</A>
        </section>
    }
}

#[component]
fn ProductList(products: Vec<ProductView>) -> impl IntoView {
    view! {
        <ul class="product-list">
            {products.into_iter().map(|p| view! {
                <li class="product-card">
                    <h2><A href=format!("/app/products/{}", p.id)>{p.name.clone()}</A></h2>
                    <p class="muted">{p.apex_domain.clone()}</p>
                    <p class="status-pill status-none">"Not audited yet"</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
