//! Share links of a workspace: made from a scorecard or from the workspace's dashboard (the
//! `ShareCard`), listed here with their views, revocable. The link is a credential: only staff
//! see the list; clients see neither the list nor the form.

use crate::components::charts::when;
use crate::components::form::{FieldError, FormError, TextField};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::share::{ShareForm, ShareLinkView, ShareMode, EXPIRY_DAYS};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

#[server(endpoint = "shares/create_scorecard")]
pub async fn share_scorecard(audit_id: Uuid, form: ShareForm) -> Result<ShareLinkView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let spec = form.parse()?;
    let target = platform::shares::Target::Scorecard(audit_id.into());
    Ok(platform::shares::create(&ctx.db, &scope, &ctx.plans, &ctx.key, &ctx.base_url, target, &spec).await?)
}

#[server(endpoint = "shares/create_workspace")]
pub async fn share_workspace(form: ShareForm) -> Result<ShareLinkView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let spec = form.parse()?;
    let target = platform::shares::Target::Workspace;
    Ok(platform::shares::create(&ctx.db, &scope, &ctx.plans, &ctx.key, &ctx.base_url, target, &spec).await?)
}

#[server(endpoint = "shares/list")]
pub async fn list_shares() -> Result<Vec<ShareLinkView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::shares::list(&ctx.db, &scope, &ctx.key, &ctx.base_url).await?)
}

#[server(endpoint = "shares/revoke")]
pub async fn revoke_share(id: Uuid) -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::shares::revoke(&ctx.db, &scope, id.into()).await?)
}

/// The fields of a new link, for both kinds of link.
#[component]
fn ShareFields(result: Signal<Option<Result<ShareLinkView, AppError>>>) -> impl IntoView {
    view! {
        <TextField result group="form" name="label" label="Label (for your list)" hint="Optional, e.g. \"For Acme's board\"."/>
        <div class="field">
            <label for="expires_in_days">"Expires after"</label>
            <select id="expires_in_days" name="form[expires_in_days]">
                {EXPIRY_DAYS.into_iter().map(|d| view! { <option value=d.to_string() selected=d == 30>{format!("{d} days")}</option> }).collect_view()}
            </select>
            <FieldError result name="expires_in_days"/>
        </div>
        <fieldset class="field">
            <legend>"Shows"</legend>
            {[ShareMode::Snapshot, ShareMode::Latest].into_iter().map(|m| view! {
                <label class="checkbox">
                    <input type="radio" name="form[mode]" value=m.as_str() checked=m == ShareMode::Snapshot/>
                    " " {m.label()}
                </label>
            }).collect_view()}
            <FieldError result name="mode"/>
        </fieldset>
    }
}

fn made(result: Signal<Option<Result<ShareLinkView, AppError>>>) -> impl IntoView {
    move || {
        result.get().and_then(|r| r.ok()).and_then(|link| link.url).map(|url| {
            view! {
                <div class="notice" role="status">
                    <p>"Link made. Anyone with it can open the copy until it expires, without signing in:"</p>
                    <p><input class="share-url" readonly=true value=url aria-label="Share link"/></p>
                </div>
            }
        })
    }
}

/// "Share this scorecard": under a finished scorecard, for staff.
#[component]
pub fn ShareScorecardCard(audit_id: Uuid) -> impl IntoView {
    let action = ServerAction::<ShareScorecard>::new();
    let result = Signal::derive(move || action.value().get());
    view! {
        <section class="card" aria-labelledby="share-title">
            <h2 id="share-title">"Share this scorecard"</h2>
            <p class="muted">"A read-only copy that opens without an account: for a client, an investor or a board. White-labelled on the Agency plan."</p>
            {made(result)}
            <ActionForm action=action>
                <FormError result/>
                <input type="hidden" name="audit_id" value=audit_id.to_string()/>
                <ShareFields result/>
                <button type="submit" class="button button-secondary" disabled=move || action.pending().get()>"Make a share link"</button>
            </ActionForm>
        </section>
    }
}

/// "Share a summary of this workspace": on the dashboard, for staff.
#[component]
pub fn ShareWorkspaceCard() -> impl IntoView {
    let action = ServerAction::<ShareWorkspace>::new();
    let result = Signal::derive(move || action.value().get());
    view! {
        <details class="card">
            <summary>"Share a summary of this workspace"</summary>
            <p class="muted">"Every product's decision, grade, 7-day uptime and open incidents, read-only, without an account."</p>
            {made(result)}
            <ActionForm action=action>
                <FormError result/>
                <ShareFields result/>
                <button type="submit" class="button button-secondary" disabled=move || action.pending().get()>"Make a share link"</button>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn SharesPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let links = Resource::new(move || changed.get(), |_| list_shares());
    view! {
        <Title text="Share links — launchready"/>
        <h1>"Share links"</h1>
        <p class="muted">"Links to read-only copies of this workspace's scorecards and summary. Make one from a scorecard or the dashboard."</p>
        <section class="card">
            <Transition fallback=|| view! { <p class="muted">"Loading links…"</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No share links yet."</p> }.into_any(),
                        Ok(list) => view! { <ShareTable list changed/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ShareTable(list: Vec<ShareLinkView>, changed: RwSignal<u32>) -> impl IntoView {
    view! {
        <table class="table">
            <thead><tr>
                <th scope="col">"Label"</th><th scope="col">"Shows"</th><th scope="col">"State"</th>
                <th scope="col">"Views"</th><th scope="col">"Last view"</th><th scope="col">"Link"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|link| view! { <ShareRow link changed/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn ShareRow(link: ShareLinkView, changed: RwSignal<u32>) -> impl IntoView {
    let revoke = ServerAction::<RevokeShare>::new();
    Effect::new(move |_| {
        if matches!(revoke.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let state = link.state.clone();
    let live = state == "Active";
    let id = link.id.to_string();
    view! {
        <tr>
            <th scope="row">{link.label.clone()}<br/><span class="muted">{link.created_by.clone().map(|by| format!("by {by}, {}", when(link.created_at)))}</span></th>
            <td>{link.subject.clone()}<br/><span class="muted">{link.mode.label()}</span></td>
            <td>{state}{live.then(|| format!(" until {}", when(link.expires_at)))}</td>
            <td>{link.views}</td>
            <td>{link.last_viewed_at.map(when).unwrap_or_else(|| "never".into())}</td>
            <td>
                {link.url.clone().filter(|_| live).map(|url| view! { <input class="share-url" readonly=true value=url aria-label=format!("Link {}", link.label)/> })}
                {live.then(|| view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class="button button-danger button-small">"Revoke"</button>
                    </ActionForm>
                })}
                {move || revoke.value().get().and_then(|r| r.err()).map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}
            </td>
        </tr>
    }
}
