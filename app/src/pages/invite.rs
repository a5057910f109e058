//! `/invite?token=…`: an invitation link. The invited address signs up here (the link proves
//! it, so the account is confirmed at once) or signs in and accepts. A link opened while signed
//! in as someone else is refused, and says so.

use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use domain::role::Role;
use domain::team::InvitationPreview;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitePage {
    pub invitation: InvitationPreview,
    /// Who is signed in in this browser, if anyone.
    pub signed_in_as: Option<String>,
}

#[server(endpoint = "invitations/preview")]
pub async fn preview_invitation(token: String) -> Result<InvitePage, AppError> {
    let ctx = crate::ssr::AppContext::current()?;
    let signed_in_as = crate::ssr::session::current_auth()?.map(|a| a.email().to_owned());
    let invitation = platform::team::invitations::preview(&ctx.db, &ctx.key, &token).await?;
    Ok(InvitePage { invitation, signed_in_as })
}

/// Accepts as the signed-in user (who must be the invited address).
#[server(endpoint = "invitations/accept")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    let auth = session::require_auth()?;
    let client = session::client_addr()?;
    let slug = platform::team::invitations::accept(&ctx.db, &ctx.key, &ctx.plans, &auth, &token, Some(client.to_string())).await?;
    tracing::info!(target: "security", %client, user_id = %auth.user_id(), "invitation accepted");
    leptos_axum::redirect(&format!("/app/w/{slug}"));
    Ok(())
}

/// Creates the invited account and signs it in.
#[server(endpoint = "invitations/sign_up")]
pub async fn sign_up_invited(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    use platform::infra::throttle::Action;
    let ctx = AppContext::current()?;
    let client = session::client_addr()?;
    ctx.throttles.check(Action::SignUp, client, None).inspect_err(|_| {
        tracing::warn!(target: "security", %client, "invited sign-up throttled");
    })?;
    let (user_id, slug) =
        platform::team::invitations::sign_up_and_accept(&ctx.db, &ctx.key, &ctx.plans, &token, &password, Some(client.to_string())).await?;
    tracing::info!(target: "security", %client, %user_id, "signed up from an invitation");
    if let Some(previous) = session::current_auth()? {
        platform::accounts::sessions::close(&ctx.db, &previous).await?;
    }
    let session_token = platform::accounts::sessions::open(&ctx.db, &ctx.key, &ctx.sessions, user_id).await?;
    session::set_cookie(ctx.cookie.set(&session_token));
    leptos_axum::redirect(&format!("/app/w/{slug}"));
    Ok(())
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let page = Resource::new(token, preview_invitation);
    view! {
        <Title text="Invitation — launchready"/>
        // The link carries a credential: it must not leak to other sites or into search.
        <Meta name="robots" content="noindex"/>
        <section class="card narrow">
            <Suspense fallback=|| view! { <p class="muted">"Opening the invitation…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Invitation page token=token()/> }.into_any(),
                        Err(_) => view! {
                            <h1>"This invitation cannot be used"</h1>
                            <p>"The link is invalid, was already used, was revoked, or has expired (links work for 7 days, and a resent invitation replaces the earlier link)."</p>
                            <p>"Ask the person who invited you to send it again."</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Invitation(page: InvitePage, token: String) -> impl IntoView {
    let inv = page.invitation;
    let accept = ServerAction::<AcceptInvitation>::new();
    let accept_result = Signal::derive(move || accept.value().get());
    let sign_up = ServerAction::<SignUpInvited>::new();
    let sign_up_result = Signal::derive(move || sign_up.value().get());
    crate::components::session::refresh_after(accept);
    crate::components::session::refresh_after(sign_up);
    let what = if inv.role == Role::Client {
        format!("see {} read-only", inv.workspaces.join(", "))
    } else {
        format!("join as {}", inv.role.as_str())
    };
    let by = inv.invited_by.clone().map(|who| format!("{who} invited you to ")).unwrap_or_else(|| "You are invited to ".into());
    let next = format!("/invite?token={token}");
    let body = match page.signed_in_as {
        Some(me) if me == inv.email => view! {
            <ActionForm action=accept>
                <FormError result=accept_result/>
                <input type="hidden" name="token" value=token.clone()/>
                <button type="submit" class="button">"Accept the invitation"</button>
            </ActionForm>
        }
        .into_any(),
        Some(me) => view! {
            <p class="form-error" role="alert">{format!("You are signed in as {me}, but this invitation is for {}. Sign out, then open the link again.", inv.email)}</p>
        }
        .into_any(),
        None if inv.account_exists => view! {
            <p>{format!("{} already has an account.", inv.email)}</p>
            <p><A href=format!("/signin?next={}", leptos_router::location::Url::escape(&next)) attr:class="button">"Sign in to accept"</A></p>
        }
        .into_any(),
        None => view! {
            <p>{format!("Choose a password for {} to create your account.", inv.email)}</p>
            <ActionForm action=sign_up>
                <FormError result=sign_up_result/>
                <input type="hidden" name="token" value=token.clone()/>
                <TextField result=sign_up_result name="password" label="Password" kind="password" autocomplete="new-password" required=true
                    hint="8 to 128 characters. A passphrase of a few words is easiest."/>
                <button type="submit" class="button" disabled=move || sign_up.pending().get()>"Create account and accept"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <h1>{format!("Join {}", inv.organization)}</h1>
        <p class="lead">{format!("{by}{} on launchready to {what}.", inv.organization)}</p>
        <p class="muted">{format!("For {} · expires {}", inv.email, crate::components::charts::when(inv.expires_at))}</p>
        {body}
    }
}
