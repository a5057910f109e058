use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Checks the credentials and opens a new session (a fresh id: nothing set before sign-in
/// survives it). Throttled per IP and per account.
#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(email: String, password: String, #[server(default)] next: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    use platform::infra::throttle::Action;
    let ctx = AppContext::current()?;
    let client = session::client_addr()?;
    ctx.throttles.check(Action::SignIn, client, Some(&email)).inspect_err(|_| {
        tracing::warn!(target: "security", %client, "sign-in throttled");
    })?;
    // The security log names the client (and, once signed in, the user), never what was typed.
    let user = platform::accounts::check_credentials(&ctx.db, &email, &password).await.inspect_err(|_| {
        tracing::warn!(target: "security", %client, "sign-in refused");
    })?;
    tracing::info!(target: "security", %client, user_id = %user.id, "signed in");
    if let Some(previous) = session::current_auth()? {
        platform::accounts::sessions::close(&ctx.db, &previous).await?;
    }
    let token = platform::accounts::sessions::open(&ctx.db, &ctx.key, &ctx.sessions, user.id).await?;
    session::set_cookie(ctx.cookie.set(&token));
    leptos_axum::redirect(local_path(&next).unwrap_or("/app"));
    Ok(())
}

/// Where to go after signing in: only a path of this site (never `//host` or `/\\host`, which
/// browsers read as another site), so the parameter cannot send anyone elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.chars().any(char::is_control);
    ok.then_some(next)
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    crate::components::session::refresh_after(action);
    let result = Signal::derive(move || action.value().get());
    let query = use_query_map();
    let notice = move || match query.read().get("notice").as_deref() {
        Some("reset") => Some("Your password was changed. Sign in with the new one."),
        Some("signed_out_everywhere") => Some("You were signed out on every device."),
        Some("expired") => Some("Your session ended. Please sign in again."),
        _ => None,
    };
    view! {
        <Title text="Sign in — launchready"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <ActionForm action=action>
                <FormError result/>
                <TextField result name="email" label="Email" kind="email" autocomplete="email" required=true/>
                <TextField result name="password" label="Password" kind="password" autocomplete="current-password" required=true/>
                <input type="hidden" name="next" value=move || query.read().get("next").unwrap_or_default()/>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="muted"><A href="/forgot">"Forgot your password?"</A></p>
            <p class="muted">"New here? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}
