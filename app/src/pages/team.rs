//! The team: members with their roles, client users with their workspaces, and invitations.
//! Owners and admins invite, change roles and remove people; the owner hands the organisation
//! over. Members see the lists without the controls; clients do not see this page.

use crate::components::charts::when;
use crate::components::form::{FieldError, FormError, TextField};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::role::Role;
use domain::team::{ClientView, InvitationState, InvitationView, InviteForm, MemberView, TeamView, WorkspaceRef};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

#[server(endpoint = "team/get")]
pub async fn load_team() -> Result<TeamView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::team::view(&ctx.db, &scope, &ctx.plans).await?)
}

#[cfg(feature = "ssr")]
async fn queue_invitation_mail(ctx: &crate::ssr::AppContext, id: platform::ids::InvitationId) {
    if let Err(err) = ctx.queues.email.push(platform::jobs::EmailJob::Invitation { invitation_id: id }).await {
        // The invitation stands and is listed; "Resend" queues the mail again.
        tracing::error!(%err, invitation_id = %id, "invitation mail not queued");
    }
}

/// Invites someone; the mail with the link goes out through the email queue.
#[server(endpoint = "team/invite")]
pub async fn invite(form: InviteForm) -> Result<String, AppError> {
    let (auth, scope) = crate::ssr::session::require_scope().await?;
    let ctx = crate::ssr::AppContext::current()?;
    auth.require_confirmed_email("invite people")?;
    let id = platform::team::invitations::invite(&ctx.db, &scope, &ctx.plans, &form).await?;
    queue_invitation_mail(&ctx, id).await;
    Ok(form.email.trim().to_lowercase())
}

#[server(endpoint = "team/resend")]
pub async fn resend_invitation(id: Uuid) -> Result<(), AppError> {
    let (auth, scope) = crate::ssr::session::require_scope().await?;
    let ctx = crate::ssr::AppContext::current()?;
    auth.require_confirmed_email("invite people")?;
    platform::team::invitations::resend(&ctx.db, &scope, &ctx.plans, id.into()).await?;
    queue_invitation_mail(&ctx, id.into()).await;
    Ok(())
}

#[server(endpoint = "team/revoke")]
pub async fn revoke_invitation(id: Uuid) -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::team::invitations::revoke(&ctx.db, &scope, id.into()).await?)
}

#[server(endpoint = "team/change_role")]
pub async fn change_role(user_id: Uuid, role: String) -> Result<MemberView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::team::change_role(&ctx.db, &scope, user_id.into(), &role).await?)
}

#[server(endpoint = "team/remove")]
pub async fn remove_person(user_id: Uuid, confirm: Option<String>) -> Result<(), AppError> {
    if confirm.as_deref() != Some("yes") {
        return Err(domain::DomainError::invalid("confirm", "tick the box to confirm the removal").into());
    }
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::team::remove(&ctx.db, &scope, user_id.into()).await?)
}

#[server(endpoint = "team/client_workspaces")]
pub async fn set_client_workspaces(user_id: Uuid, #[server(default)] workspaces: Vec<Uuid>) -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::team::set_client_workspaces(&ctx.db, &scope, user_id.into(), &workspaces).await?)
}

#[server(endpoint = "team/transfer")]
pub async fn transfer_ownership(user_id: Uuid, confirm: Option<String>) -> Result<(), AppError> {
    if confirm.as_deref() != Some("yes") {
        return Err(domain::DomainError::invalid("confirm", "tick the box to confirm the handover").into());
    }
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    platform::team::transfer_ownership(&ctx.db, &scope, user_id.into()).await?;
    leptos_axum::redirect("/app/team?notice=transferred");
    Ok(())
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let invite = ServerAction::<Invite>::new();
    let changed = RwSignal::new(0u32);
    let team = Resource::new(move || (invite.version().get(), changed.get()), |_| load_team());
    view! {
        <Title text="Team — launchready"/>
        <h1>"Team"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading the team…"</p> }>
            {move || Suspend::new(async move {
                match team.await {
                    Ok(team) => view! { <Team team invite changed/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Team(team: TeamView, invite: ServerAction<Invite>, changed: RwSignal<u32>) -> AnyView {
    let manage = team.your_role.can(domain::role::Capability::ManageTeam);
    let owner = team.your_role == Role::Owner;
    let workspaces = team.workspaces.clone();
    view! {
        <p class="muted">{format!("{} · {}", team.organization, team.seats)}</p>
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <table class="table">
                <thead><tr>
                    <th scope="col">"Person"</th><th scope="col">"Role"</th><th scope="col">"Joined"</th>
                    {manage.then(|| view! { <th scope="col">"Actions"</th> })}
                </tr></thead>
                <tbody>
                    {team.members.into_iter().map(|m| view! { <MemberRow member=m manage owner changed/> }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card" aria-labelledby="clients-title">
            <h2 id="clients-title">"Client users"</h2>
            <p class="muted">"Clients see the workspaces you give them, read-only, and do not count as members."</p>
            {if team.clients.is_empty() {
                view! { <p class="muted">"No client users yet. Invite one below with the role \"Client\"."</p> }.into_any()
            } else {
                let all = workspaces.clone();
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Person"</th><th scope="col">"Workspaces"</th>{manage.then(|| view! { <th scope="col">"Actions"</th> })}</tr></thead>
                        <tbody>
                            {team.clients.into_iter().map(|c| view! { <ClientRow client=c all=all.clone() manage changed/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {manage.then(|| view! {
            <section class="card" aria-labelledby="invitations-title">
                <h2 id="invitations-title">"Invitations"</h2>
                {if team.invitations.is_empty() {
                    view! { <p class="muted">"No open invitations."</p> }.into_any()
                } else {
                    view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Address"</th><th scope="col">"Role"</th><th scope="col">"Sent"</th><th scope="col">"State"</th><th scope="col">"Actions"</th></tr></thead>
                            <tbody>
                                {team.invitations.into_iter().map(|i| view! { <InvitationRow invitation=i changed/> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <InviteFormCard invite workspaces=workspaces.clone()/>
        })}
    }
    .into_any()
}

#[component]
fn InviteFormCard(invite: ServerAction<Invite>, workspaces: Vec<WorkspaceRef>) -> AnyView {
    let result = Signal::derive(move || invite.value().get());
    let role_invalid = move || result.get().and_then(|r| r.err()).and_then(|e| e.field("role")).is_some();
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            {move || result.get().and_then(|r| r.ok()).map(|email| view! {
                <p class="notice" role="status">{format!("Invitation sent to {email}. The link works for 7 days.")}</p>
            })}
            <ActionForm action=invite>
                <FormError result/>
                <TextField result group="form" name="email" label="Email address" kind="email" required=true/>
                <div class="field">
                    <label for="role">"Role"</label>
                    <select id="role" name="form[role]" aria-invalid=move || role_invalid().then_some("true") aria-describedby="role-hint role-error">
                        {Role::INVITABLE.into_iter().map(|r| view! { <option value=r.as_str() selected=r == Role::Member>{r.label()}</option> }).collect_view()}
                    </select>
                    <p class="hint" id="role-hint">{Role::INVITABLE.into_iter().map(|r| format!("{}: {}", r.label(), r.summary())).collect::<Vec<_>>().join(" ")}</p>
                    <FieldError result name="role"/>
                </div>
                <fieldset class="field">
                    <legend>"Workspaces (for a client)"</legend>
                    {workspaces.iter().enumerate().map(|(i, w)| view! {
                        <label class="checkbox">
                            <input type="checkbox" name=format!("form[workspaces][{i}]") value=w.id.to_string()/>
                            " " {w.name.clone()}
                        </label>
                    }).collect_view()}
                    <FieldError result name="workspaces"/>
                </fieldset>
                <button type="submit" class="button" disabled=move || invite.pending().get()>"Send invitation"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn MemberRow(member: MemberView, manage: bool, owner: bool, changed: RwSignal<u32>) -> AnyView {
    let m = member;
    let change = ServerAction::<ChangeRole>::new();
    let remove = ServerAction::<RemovePerson>::new();
    let transfer = ServerAction::<TransferOwnership>::new();
    Effect::new(move |_| {
        if matches!(change.value().get(), Some(Ok(_))) || matches!(remove.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = move || {
        [
            change.value().get().and_then(|r| r.err()),
            remove.value().get().and_then(|r| r.err()),
            transfer.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let id = m.user_id.to_string();
    let editable = manage && !m.is_you && m.role != Role::Owner;
    let actions = manage.then(|| {
        let controls = editable.then(|| {
            let other = if m.role == Role::Admin { Role::Member } else { Role::Admin };
            let (id_role, id_remove, id_transfer) = (id.clone(), id.clone(), id.clone());
            view! {
                <ActionForm action=change attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_role/>
                    <input type="hidden" name="role" value=other.as_str()/>
                    <button type="submit" class="button button-secondary button-small">{format!("Make {}", other.as_str())}</button>
                </ActionForm>
                <ActionForm action=remove attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_remove/>
                    <label class="checkbox"><input type="checkbox" name="confirm" value="yes"/>" sure"</label>
                    <button type="submit" class="button button-danger button-small">"Remove"</button>
                </ActionForm>
                {owner.then(|| view! {
                    <ActionForm action=transfer attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id_transfer/>
                        <label class="checkbox"><input type="checkbox" name="confirm" value="yes"/>" sure"</label>
                        <button type="submit" class="button button-secondary button-small">"Make owner"</button>
                    </ActionForm>
                })}
            }
        });
        view! { <td>{controls}{move || error().map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}</td> }
    });
    view! {
        <tr>
            <th scope="row">{m.email.clone()}{m.is_you.then_some(" (you)")}</th>
            <td>{m.role.label()}</td>
            <td>{when(m.joined_at)}</td>
            {actions}
        </tr>
    }
    .into_any()
}

#[component]
fn ClientRow(client: ClientView, all: Vec<WorkspaceRef>, manage: bool, changed: RwSignal<u32>) -> AnyView {
    let c = client;
    let save = ServerAction::<SetClientWorkspaces>::new();
    let remove = ServerAction::<RemovePerson>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) || matches!(remove.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = move || [save.value().get().and_then(|r| r.err()), remove.value().get().and_then(|r| r.err())].into_iter().flatten().next();
    let id = c.user_id.to_string();
    let names = c.workspaces.iter().map(|w| w.name.clone()).collect::<Vec<_>>().join(", ");
    let granted: Vec<Uuid> = c.workspaces.iter().map(|w| w.id).collect();
    let (id_save, id_remove) = (id.clone(), id);
    let actions = manage.then(|| {
        view! {
            <td>
                <ActionForm action=save attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_save/>
                    {all.iter().enumerate().map(|(i, w)| view! {
                        <label class="checkbox">
                            <input type="checkbox" name=format!("workspaces[{i}]") value=w.id.to_string() checked=granted.contains(&w.id)/>
                            " " {w.name.clone()}
                        </label>
                    }).collect_view()}
                    <button type="submit" class="button button-secondary button-small">"Save workspaces"</button>
                </ActionForm>
                <ActionForm action=remove attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id_remove/>
                    <label class="checkbox"><input type="checkbox" name="confirm" value="yes"/>" sure"</label>
                    <button type="submit" class="button button-danger button-small">"Remove"</button>
                </ActionForm>
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}
            </td>
        }
    });
    view! {
        <tr>
            <th scope="row">{c.email.clone()}</th>
            <td>{names}</td>
            {actions}
        </tr>
    }
    .into_any()
}

#[component]
fn InvitationRow(invitation: InvitationView, changed: RwSignal<u32>) -> AnyView {
    let i = invitation;
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    Effect::new(move |_| {
        if matches!(resend.value().get(), Some(Ok(()))) || matches!(revoke.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error =
        move || [resend.value().get().and_then(|r| r.err()), revoke.value().get().and_then(|r| r.err())].into_iter().flatten().next();
    let (id_resend, id_revoke) = (i.id.to_string(), i.id.to_string());
    let role = if i.role == Role::Client {
        format!("Client of {}", i.workspaces.iter().map(|w| w.name.clone()).collect::<Vec<_>>().join(", "))
    } else {
        i.role.label().to_owned()
    };
    let state = match i.state {
        InvitationState::Pending => format!("Pending until {}", when(i.expires_at)),
        InvitationState::Expired => "Expired: resend it".to_owned(),
    };
    view! {
        <tr>
            <th scope="row">{i.email.clone()}</th>
            <td>{role}</td>
            <td>{i.sent_at.map(when).unwrap_or_else(|| "Queued".into())}{i.invited_by.map(|by| format!(" by {by}"))}</td>
            <td>{state}</td>
            <td>
                <ActionForm action=resend attr:class="inline-form">
                    <input type="hidden" name="id" value=id_resend/>
                    <button type="submit" class="button button-secondary button-small">"Resend"</button>
                </ActionForm>
                <ActionForm action=revoke attr:class="inline-form">
                    <input type="hidden" name="id" value=id_revoke/>
                    <button type="submit" class="button button-danger button-small">"Revoke"</button>
                </ActionForm>
                {move || resend.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="notice" role="status">"Sent again."</p> })}
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}
            </td>
        </tr>
    }
    .into_any()
}
