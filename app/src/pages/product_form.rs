//! Adding and editing a product: one form, two server functions.

use crate::components::form::{ActionResult, FieldError, FormError, TextField};
use crate::components::workspace::{ws_href, IfCan, READ_ONLY};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::product::ProductForm;
use domain::role::Capability;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The form arrives as `form[name]` fields (what `ProductFields` renders).
#[server(endpoint = "products/create")]
pub async fn create_product(form: ProductForm) -> Result<uuid::Uuid, AppError> {
    let base = crate::ssr::session::workspace_base();
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let spec = form.validate()?;
    let product = platform::usecases::create_product(&ctx.db, &scope, &ctx.plans, &spec).await?;
    leptos_axum::redirect(&format!("{base}/products/{}", product.id));
    Ok(product.id)
}

#[server(endpoint = "products/update")]
pub async fn update_product(id: uuid::Uuid, form: ProductForm) -> Result<uuid::Uuid, AppError> {
    let base = crate::ssr::session::workspace_base();
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let spec = form.validate()?;
    let product = platform::products::update(&ctx.db, &scope, id.into(), &spec).await?;
    leptos_axum::redirect(&format!("{base}/products/{}", product.id));
    Ok(product.id)
}

#[server(endpoint = "products/delete")]
pub async fn delete_product(id: uuid::Uuid, confirm: Option<String>) -> Result<(), AppError> {
    if confirm.as_deref() != Some("yes") {
        return Err(AppError::Invalid(vec![domain::FieldError::new("confirm", "tick the box to confirm the deletion")]));
    }
    let base = crate::ssr::session::workspace_base();
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    platform::products::delete(&ctx.db, &scope, &ctx.plans, id.into()).await?;
    leptos_axum::redirect(&base);
    Ok(())
}

/// The fields shared by the new and edit forms.
#[component]
fn ProductFields(result: Signal<ActionResult<uuid::Uuid>>, initial: ProductForm) -> impl IntoView {
    let invalid = move |name: &'static str| move || result.get().and_then(|r| r.err()).and_then(|e| e.field(name)).is_some();
    view! {
        <FormError result/>
        <fieldset>
            <legend>"Product"</legend>
            <TextField result group="form" name="name" label="Name" value=initial.name required=true/>
            <TextField result group="form" name="apex_domain" label="Apex domain" value=initial.apex_domain required=true
                hint="The registrable domain, e.g. example.com or example.co.uk."/>
            <TextField result group="form" name="app_host" label="App host" value=initial.app_host hint="Optional, e.g. app.example.com."/>
            <TextField result group="form" name="api_host" label="API host" value=initial.api_host hint="Optional, e.g. api.example.com."/>
        </fieldset>
        <fieldset>
            <legend>"Email"</legend>
            <TextField result group="form" name="mail_domain" label="Mail domain" value=initial.mail_domain
                hint="The domain you send mail from. Empty means the apex domain."/>
            <TextField result group="form" name="dkim_selectors" label="DKIM selectors" value=initial.dkim_selectors
                hint="Comma-separated, e.g. google, s1. Empty lets the audit try common selectors."/>
        </fieldset>
        <fieldset>
            <legend>"Endpoints"</legend>
            <div class="field">
                <label for="endpoints">"Endpoints"</label>
                <textarea id="endpoints" name="form[endpoints]" rows="6" aria-invalid=move || invalid("endpoints")().then_some("true")
                    aria-describedby="endpoints-hint endpoints-error">{initial.endpoints}</textarea>
                <p class="hint" id="endpoints-hint">
                    "One per line: " <code>"PATH=ACCESS[,KIND]"</code>" where ACCESS is public, authenticated or admin and KIND is login, chat or health. "
                    "Example: " <code>"/api/login=public,login"</code>
                </p>
                <FieldError result name="endpoints"/>
            </div>
        </fieldset>
        <fieldset>
            <legend>"Latency budgets"</legend>
            <TextField result group="form" name="latency_budget_ms" label="p95 budget for pages and endpoints (ms)" value=initial.latency_budget_ms
                hint="The audit samples each page and endpoint 20 times; its 95th percentile must stay under this. Empty means 500 ms."/>
            <TextField result group="form" name="ai_latency_budget_ms" label="p95 budget for AI chat endpoints (ms)" value=initial.ai_latency_budget_ms
                hint="For endpoints declared as chat, sampled only in active audits (each sample spends model tokens). Empty means 3000 ms."/>
        </fieldset>
    }
}

#[component]
pub fn NewProductPage() -> impl IntoView {
    let action = ServerAction::<CreateProduct>::new();
    let result = Signal::derive(move || action.value().get());
    // The page has no data of its own: asking for the workspace answers 404 for one the
    // viewer cannot see, as every other page of it does.
    let workspace = Resource::new(|| (), |_| crate::pages::workspaces::load_current_workspace());
    view! {
        <Title text="Add a product — launchready"/>
        <p class="breadcrumb"><A href=ws_href("")>"Dashboard"</A>" / New product"</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match workspace.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(_) => view! {
                        <section class="card">
                            <h1>"Add a product"</h1>
                            <IfCan capability=Capability::Edit otherwise=READ_ONLY>
                                <ActionForm action=action>
                                    <ProductFields result initial=ProductForm::default()/>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>"Save product"</button>
                                </ActionForm>
                            </IfCan>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditProductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<uuid::Uuid>().ok());
    let product = Resource::new(id, |id| async move {
        match id {
            Some(id) => crate::pages::product::get_product(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let save = ServerAction::<UpdateProduct>::new();
    let result = Signal::derive(move || save.value().get());
    let delete = ServerAction::<DeleteProduct>::new();
    let delete_result = Signal::derive(move || delete.value().get());
    let viewer = expect_context::<crate::components::layout::ViewerResource>();
    view! {
        <Title text="Edit product — launchready"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let can_edit = matches!(viewer.await, Ok(Some(v)) if v.workspace.as_ref().is_some_and(|w| w.can(Capability::Edit)));
                match product.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(p) if !can_edit => view! {
                        <p class="breadcrumb"><A href=ws_href("")>"Dashboard"</A>" / "{p.name.clone()}</p>
                        <p class="muted">{READ_ONLY}</p>
                    }.into_any(),
                    Ok(p) => {
                        let (id, initial) = (p.id.to_string(), p.to_form());
                        let product_href = ws_href(&format!("/products/{id}"));
                        // Component children are closures that own what they show: one copy each.
                        let (crumb_name, title_name, confirm_name) = (p.name.clone(), p.name.clone(), p.name);
                        let delete_id = id.clone();
                        view! {
                        <p class="breadcrumb"><A href=ws_href("")>"Dashboard"</A>" / "
                            <A href=product_href>{crumb_name}</A>" / Edit"</p>
                        <section class="card">
                            <h1>"Edit " {title_name}</h1>
                            <ActionForm action=save>
                                <input type="hidden" name="id" value=id/>
                                <ProductFields result initial/>
                                <button type="submit" class="button">"Save product"</button>
                            </ActionForm>
                        </section>
                        <section class="card danger-zone">
                            <h2>"Delete this product"</h2>
                            <p>"Deleting removes the product and everything recorded about it. This cannot be undone."</p>
                            <ActionForm action=delete>
                                <FormError result=delete_result/>
                                <input type="hidden" name="id" value=delete_id/>
                                <div class="field field-check">
                                    <input type="checkbox" id="confirm" name="confirm" value="yes" required=true/>
                                    <label for="confirm">"I understand that this deletes " {confirm_name}</label>
                                    <FieldError result=delete_result name="confirm"/>
                                </div>
                                <button type="submit" class="button button-danger">"Delete product"</button>
                            </ActionForm>
                        </section>
                    }.into_any()},
                }
            })}
        </Suspense>
    }
}
