use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Queues a reset mail when the address has an account, and answers the same either way so the
/// form does not reveal who has an account.
#[server(endpoint = "auth/request_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    use platform::infra::throttle::Action;
    let ctx = AppContext::current()?;
    let address = domain::email::EmailAddress::parse("email", &email)?;
    ctx.throttles.check(Action::Reset, session::client_addr()?, Some(address.as_str()))?;
    if let Some(user) = platform::accounts::find_by_email(&ctx.db, &address).await? {
        ctx.queues.email.push(platform::jobs::EmailJob::ResetPassword { user_id: user.id }).await?;
    }
    leptos_axum::redirect("/forgot?sent=1");
    Ok(())
}

/// Sets the new password from a mailed link; every session of the account ends.
#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    platform::accounts::finish_password_reset(&ctx.db, &ctx.key, &token, &password).await?;
    session::set_cookie(ctx.cookie.clear());
    leptos_axum::redirect("/signin?notice=reset");
    Ok(())
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let result = Signal::derive(move || action.value().get());
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text="Reset your password — launchready"/>
        <section class="card narrow">
            <h1>"Reset your password"</h1>
            <Show when=sent fallback=move || view! {
                <p>"Enter the address you signed up with. We will mail you a link to choose a new password."</p>
                <ActionForm action=action>
                    <FormError result/>
                    <TextField result name="email" label="Email" kind="email" autocomplete="email" required=true/>
                    <button type="submit" class="button">"Send reset link"</button>
                </ActionForm>
            }>
                <p class="notice" role="status">
                    "If an account exists for that address, a reset link is on its way. It works once, for 30 minutes."
                </p>
            </Show>
            <p class="muted"><A href="/signin">"Back to sign in"</A></p>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    // The reset ends every session, this browser's too: the header must say so.
    crate::components::session::refresh_after(action);
    let result = Signal::derive(move || action.value().get());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password — launchready"/>
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <ActionForm action=action>
                <FormError result/>
                <input type="hidden" name="token" value=token/>
                <TextField result name="password" label="New password" kind="password" autocomplete="new-password" required=true
                    hint="8 to 128 characters. This signs you out on every device."/>
                <button type="submit" class="button">"Set new password"</button>
            </ActionForm>
        </section>
    }
}
