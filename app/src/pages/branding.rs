//! `/app/branding`: the agency's white-label name, logo, accent colour and footer (Agency
//! plan), shown on share links, status pages and to its client users.

use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::branding::{BrandingForm, BrandingView, LOGO_MAX_BYTES, LOGO_MAX_SIDE};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(endpoint = "branding/get")]
pub async fn load_branding() -> Result<BrandingView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::branding::view(&ctx.db, &scope, &ctx.plans).await?)
}

#[server(endpoint = "branding/save")]
pub async fn save_branding(form: BrandingForm) -> Result<BrandingView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::branding::save(&ctx.db, &scope, &ctx.plans, &form).await?)
}

#[server(endpoint = "branding/remove_logo")]
pub async fn remove_logo() -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::branding::remove_logo(&ctx.db, &scope).await?)
}

#[component]
pub fn BrandingPage() -> impl IntoView {
    let save = ServerAction::<SaveBranding>::new();
    let remove = ServerAction::<RemoveLogo>::new();
    let branding = Resource::new(move || (save.version().get(), remove.version().get()), |_| load_branding());
    let query = use_query_map();
    view! {
        <Title text="Branding — launchready"/>
        <h1>"Branding"</h1>
        <p class="muted">"Your agency's name, logo and colour in place of launchready's on share links, status pages and what your client users see."</p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match branding.await {
                    Ok(b) if !b.included => view! {
                        <section class="card">
                            <p>{format!("White-label pages are part of the Agency plan; this organisation is on {}.", b.plan)}</p>
                            <p><a class="button" href=crate::components::form::UPGRADE_PATH>"See plans and upgrade"</a></p>
                        </section>
                    }.into_any(),
                    Ok(b) => view! { <BrandingForms branding=b save remove/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
        {move || query.read().get("logo").map(|_| view! { <p class="notice" role="status">"Logo saved."</p> })}
        {move || query.read().get("logo_error").map(|e| view! { <p class="form-error" role="alert">{format!("Logo not saved: {e}")}</p> })}
    }
}

#[component]
fn BrandingForms(branding: BrandingView, save: ServerAction<SaveBranding>, remove: ServerAction<RemoveLogo>) -> impl IntoView {
    let result = Signal::derive(move || save.value().get());
    let b = branding;
    view! {
        <section class="card" aria-labelledby="brand-title">
            <h2 id="brand-title">"Name, colour and footer"</h2>
            {move || matches!(result.get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Saved."</p> })}
            <ActionForm action=save>
                <FormError result/>
                <TextField result group="form" name="name" label="Name" value=b.name.clone() required=true hint="Shown where launchready's name would be."/>
                <TextField result group="form" name="accent" label="Accent colour" value=b.accent.clone() hint="A colour like #1d4ed8 for buttons and links; dark enough for white text (4.5:1). Empty: ours."/>
                <TextField result group="form" name="footer" label="Footer text" value=b.footer.clone() hint="Up to 200 characters, e.g. \"Prepared by Example Agency · hello@example.com\"."/>
                <button type="submit" class="button" disabled=move || save.pending().get()>"Save branding"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="logo-title">
            <h2 id="logo-title">"Logo"</h2>
            {b.logo_url.clone().map(|src| view! {
                <p><img class="brand-logo-preview" src=src alt="Your current logo" height="48"/></p>
                <ActionForm action=remove attr:class="inline-form">
                    <button type="submit" class="button button-secondary button-small">"Remove logo"</button>
                </ActionForm>
            })}
            // A plain multipart form: the upload is an ordinary POST that answers with a redirect.
            <form method="post" action="/app/branding/logo" enctype="multipart/form-data">
                <div class="field">
                    <label for="logo">"Upload a logo"</label>
                    <input id="logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" required=true aria-describedby="logo-hint"/>
                    <p class="hint" id="logo-hint">{format!("PNG, JPEG or WebP, at most {} KiB and {LOGO_MAX_SIDE} pixels a side. Shown about 32 pixels high.", LOGO_MAX_BYTES / 1024)}</p>
                </div>
                <button type="submit" class="button button-secondary">"Upload logo"</button>
            </form>
        </section>
    }
}
