use crate::components::form::FormError;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Confirms the address behind a mailed link. A button (a POST), not the GET of the link
/// itself, does it: mail scanners that prefetch links must not consume the token.
#[server(endpoint = "auth/verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let ctx = crate::ssr::AppContext::current()?;
    platform::accounts::verify_email(&ctx.db, &ctx.key, &token).await?;
    leptos_axum::redirect("/verified");
    Ok(())
}

/// Sends a new verification mail to the signed-in user.
#[server(endpoint = "auth/resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    let auth = session::require_auth()?;
    ctx.throttles.check(platform::infra::throttle::Action::Reset, session::client_addr()?, Some(auth.email()))?;
    if !auth.email_verified() {
        ctx.queues.email.push(platform::jobs::EmailJob::VerifyEmail { user_id: auth.user_id() }).await?;
    }
    Ok(())
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    crate::components::session::refresh_after(action);
    let result = Signal::derive(move || action.value().get());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Confirm your email — launchready"/>
        <section class="card narrow">
            <h1>"Confirm your email"</h1>
            <p>"One click and your address is confirmed."</p>
            <ActionForm action=action>
                <FormError result/>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button">"Confirm my email"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn VerifiedPage() -> impl IntoView {
    view! {
        <Title text="Email confirmed — launchready"/>
        <section class="card narrow">
            <h1>"Thank you"</h1>
            <p role="status">"Your email is confirmed."</p>
            <p><A href="/app" attr:class="button">"Go to your dashboard"</A></p>
        </section>
    }
}
