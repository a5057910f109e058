use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Creates the account with its organisation and default workspace and mails the confirmation
/// link; the user then signs in. An address that already has an account gets the same answer
/// (its owner is mailed a notice instead), so the form does not reveal who has an account;
/// that is also why sign-up does not sign anyone in.
#[server(endpoint = "auth/sign_up")]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    use platform::accounts::SignUp;
    use platform::infra::throttle::Action;
    use platform::jobs::EmailJob;
    let ctx = AppContext::current()?;
    let client = session::client_addr()?;
    ctx.throttles.check(Action::SignUp, client, None).inspect_err(|_| {
        tracing::warn!(target: "security", %client, "sign-up throttled");
    })?;
    let mail = match platform::accounts::sign_up(&ctx.db, &email, &password).await? {
        SignUp::Created(account) => {
            tracing::info!(target: "security", %client, user_id = %account.user_id, "signed up");
            EmailJob::VerifyEmail { user_id: account.user_id }
        }
        SignUp::Exists(user_id) => {
            tracing::info!(target: "security", %client, %user_id, "sign-up with an address that has an account");
            EmailJob::AccountExists { user_id }
        }
    };
    ctx.queues.email.push(mail).await?;
    leptos_axum::redirect("/signup?sent=1");
    Ok(())
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let result = Signal::derive(move || action.value().get());
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text="Create your account — launchready"/>
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <Show when=sent fallback=move || view! {
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
            }>
                <p class="notice" role="status">
                    "Check your inbox: we sent a message to the address you entered. Open the link in it to confirm \
                     your address, then sign in with your password."
                </p>
                <p class="muted">"Nothing after a few minutes? Look in your spam folder, or "<A href="/signup">"try again"</A>"."</p>
            </Show>
            <p class="muted">"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
