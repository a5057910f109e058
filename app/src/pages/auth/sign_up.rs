use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Creates the account with its organisation and default workspace, signs the user in and
/// queues the verification mail.
#[server(endpoint = "auth/sign_up")]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    use platform::infra::throttle::Action;
    let ctx = AppContext::current()?;
    let client = session::client_addr()?;
    ctx.throttles.check(Action::SignUp, client, None).inspect_err(|_| {
        tracing::warn!(target: "security", %client, "sign-up throttled");
    })?;
    let account = platform::accounts::sign_up(&ctx.db, &email, &password).await?;
    tracing::info!(target: "security", %client, user_id = %account.user_id, "signed up");
    ctx.queues.email.push(platform::jobs::EmailJob::VerifyEmail { user_id: account.user_id }).await?;
    let token = platform::accounts::sessions::open(&ctx.db, &ctx.key, &ctx.sessions, account.user_id).await?;
    session::set_cookie(ctx.cookie.set(&token));
    leptos_axum::redirect("/app");
    Ok(())
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    crate::components::session::refresh_after(action);
    let result = Signal::derive(move || action.value().get());
    view! {
        <Title text="Create your account — launchready"/>
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <p class="lead">"Free for one product. No card needed."</p>
            <ActionForm action=action>
                <FormError result/>
                <TextField result name="email" label="Email" kind="email" autocomplete="email" required=true/>
                <TextField result name="password" label="Password" kind="password" autocomplete="new-password" required=true
                    hint="8 to 128 characters. A passphrase of a few words is easiest."/>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating account…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p class="muted">"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
