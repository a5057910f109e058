use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Changes the password; every session ends, and this browser gets a fresh one.
#[server(endpoint = "account/change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    let auth = session::require_auth()?;
    let client = session::client_addr()?;
    ctx.throttles.check(platform::infra::throttle::Action::SignIn, client, Some(auth.email()))?;
    platform::accounts::change_password(&ctx.db, auth.user_id(), &current_password, &new_password).await?;
    tracing::info!(target: "security", %client, user_id = %auth.user_id(), "password changed");
    let token = platform::accounts::sessions::open(&ctx.db, &ctx.key, &ctx.sessions, auth.user_id()).await?;
    session::set_cookie(ctx.cookie.set(&token));
    leptos_axum::redirect("/app/settings?notice=password_changed");
    Ok(())
}

#[server(endpoint = "account/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    let auth = session::require_auth()?;
    platform::accounts::sessions::close_all(&ctx.db, auth.user_id()).await?;
    session::set_cookie(ctx.cookie.clear());
    leptos_axum::redirect("/signin?notice=signed_out_everywhere");
    Ok(())
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let result = Signal::derive(move || change.value().get());
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    crate::components::session::refresh_after(everywhere);
    let query = leptos_router::hooks::use_query_map();
    let changed = move || query.read().get("notice").as_deref() == Some("password_changed");
    view! {
        <Title text="Account settings — launchready"/>
        <h1>"Account settings"</h1>
        <section class="card">
            <h2>"Change password"</h2>
            {move || changed().then(|| view! { <p class="notice" role="status">"Password changed. Your other sessions were signed out."</p> })}
            <ActionForm action=change>
                <FormError result/>
                <TextField result name="current_password" label="Current password" kind="password" autocomplete="current-password" required=true/>
                <TextField result name="new_password" label="New password" kind="password" autocomplete="new-password" required=true
                    hint="8 to 128 characters. Changing it signs you out on every other device."/>
                <button type="submit" class="button">"Change password"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Sessions"</h2>
            <p>"Lost a laptop, or signed in on a shared computer? End every session of this account, including this one."</p>
            <ActionForm action=everywhere>
                <button type="submit" class="button button-secondary">"Sign out everywhere"</button>
            </ActionForm>
        </section>
    }
}
