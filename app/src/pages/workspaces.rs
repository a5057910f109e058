//! The workspaces of the organisation: create one per client, rename, archive and restore.
//! Owners and admins change them; everyone else reads the list (a client only their own).

use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::workspace::{CurrentWorkspace, WorkspaceView};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

#[server(endpoint = "workspaces/list")]
pub async fn list_workspaces() -> Result<Vec<WorkspaceView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::workspaces::list(&ctx.db, &scope).await?)
}

/// The workspace of the calling page and the caller's role there (404 for one they cannot see).
#[server(endpoint = "workspaces/current")]
pub async fn load_current_workspace() -> Result<CurrentWorkspace, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::workspaces::current(&ctx.db, &scope).await?)
}

#[server(endpoint = "workspaces/create")]
pub async fn create_workspace(name: String) -> Result<WorkspaceView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::workspaces::create(&ctx.db, &scope, &ctx.plans, &name).await?)
}

#[server(endpoint = "workspaces/rename")]
pub async fn rename_workspace(id: Uuid, name: String) -> Result<WorkspaceView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::workspaces::rename(&ctx.db, &scope, id.into(), &name).await?)
}

#[server(endpoint = "workspaces/archive")]
pub async fn archive_workspace(id: Uuid, archived: bool) -> Result<WorkspaceView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::workspaces::set_archived(&ctx.db, &scope, &ctx.plans, id.into(), archived).await?)
}

/// Turns the workspace's monthly report on or off.
#[server(endpoint = "workspaces/monthly_report")]
pub async fn set_monthly_report(id: Uuid, on: bool) -> Result<WorkspaceView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::reports::set_monthly(&ctx.db, &scope, id.into(), on).await?)
}

/// Mails the caller a preview of the workspace's report (the month so far); answers the
/// address it goes to.
#[server(endpoint = "workspaces/report_preview")]
pub async fn email_report_preview(id: Uuid) -> Result<String, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let client = crate::ssr::session::client_addr()?;
    ctx.throttles.check(platform::infra::throttle::Action::ReportPreview, client, Some(&scope.user_id().to_string()))?;
    Ok(platform::reports::request_preview(&ctx.db, &scope, &ctx.queues.email, id.into()).await?)
}

#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let create = ServerAction::<CreateWorkspace>::new();
    let result = Signal::derive(move || create.value().get());
    let changed = RwSignal::new(0u32);
    let workspaces = Resource::new(move || (create.version().get(), changed.get()), |_| list_workspaces());
    let viewer = expect_context::<crate::components::layout::ViewerResource>();
    view! {
        <Title text="Workspaces — launchready"/>
        <h1>"Workspaces"</h1>
        <p class="muted">"One workspace per client keeps their products, monitors, alerts and status pages apart. Your team sees every workspace; a client user sees only the ones you give them."</p>
        <p class="muted">"The monthly report mails a workspace's grades and their change, uptime, outages and open critical findings on the 1st of each month (UTC) to its client users, or to the owner and admins while it has none. White-labelled on the Agency plan."</p>
        <section class="card" aria-labelledby="workspaces-title">
            <h2 id="workspaces-title">"All workspaces"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading workspaces…"</p> }>
                {move || Suspend::new(async move {
                    let viewer = viewer.await;
                    let manage = matches!(&viewer, Ok(Some(v)) if v.can(domain::role::Capability::ManageWorkspaces));
                    let staff = matches!(&viewer, Ok(Some(v)) if v.can(domain::role::Capability::Edit));
                    match workspaces.await {
                        Ok(list) => view! { <WorkspaceTable list manage staff changed/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <crate::components::workspace::IfCan capability=domain::role::Capability::ManageWorkspaces>
            <section class="card" aria-labelledby="new-workspace-title">
                <h2 id="new-workspace-title">"New workspace"</h2>
                {move || result.get().and_then(|r| r.ok()).map(|w| view! {
                    <p class="notice" role="status">{format!("Workspace \"{}\" created. ", w.name)}<a href=w.base_path() rel="external">"Open it"</a></p>
                })}
                <ActionForm action=create>
                    <FormError result/>
                    <TextField result name="name" label="Name" required=true hint="The client's name, for example \"Acme Inc.\"."/>
                    <button type="submit" class="button" disabled=move || create.pending().get()>"Create workspace"</button>
                </ActionForm>
            </section>
        </crate::components::workspace::IfCan>
    }
}

#[component]
fn WorkspaceTable(list: Vec<WorkspaceView>, manage: bool, staff: bool, changed: RwSignal<u32>) -> impl IntoView {
    view! {
        <table class="table">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Products"</th><th scope="col">"State"</th>
                {staff.then(|| view! { <th scope="col">"Monthly report"</th> })}
                {manage.then(|| view! { <th scope="col">"Actions"</th> })}
            </tr></thead>
            <tbody>
                {list.into_iter().map(|w| view! { <WorkspaceRow workspace=w manage staff changed/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn WorkspaceRow(workspace: WorkspaceView, manage: bool, staff: bool, changed: RwSignal<u32>) -> impl IntoView {
    let w = workspace;
    let rename = ServerAction::<RenameWorkspace>::new();
    let archive = ServerAction::<ArchiveWorkspace>::new();
    Effect::new(move |_| {
        if matches!(rename.value().get(), Some(Ok(_))) || matches!(archive.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let error =
        move || [rename.value().get().and_then(|r| r.err()), archive.value().get().and_then(|r| r.err())].into_iter().flatten().next();
    let state = if w.archived {
        "Archived: monitors and scheduled audits stopped"
    } else if w.is_default {
        "Default"
    } else {
        "Active"
    };
    let id = w.id.to_string();
    let (id_rename, id_archive) = (id.clone(), id.clone());
    let current_name = w.name.clone();
    let actions = manage.then(|| {
        let archive_button = (!w.is_default).then(|| {
            // `archived` is the state asked for.
            let (label, value) = if w.archived { ("Restore", "false") } else { ("Archive", "true") };
            view! {
                <ActionForm action=archive attr:class="inline-form">
                    <input type="hidden" name="id" value=id_archive/>
                    <input type="hidden" name="archived" value=value/>
                    <button type="submit" class="button button-secondary button-small">{label}</button>
                </ActionForm>
            }
        });
        view! {
            <td>
                <ActionForm action=rename attr:class="inline-form">
                    <input type="hidden" name="id" value=id_rename/>
                    <label class="visually-hidden" for=format!("rename-{id}")>"New name"</label>
                    <input id=format!("rename-{id}") name="name" value=current_name required=true maxlength="80"/>
                    <button type="submit" class="button button-secondary button-small">"Rename"</button>
                </ActionForm>
                {archive_button}
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}
            </td>
        }
    });
    let report_view = w.clone();
    let name = if !w.archived || manage {
        view! { <a href=w.base_path() rel="external">{w.name.clone()}</a> }.into_any()
    } else {
        w.name.clone().into_any()
    };
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td>{w.products}</td>
            <td>{state}</td>
            {staff.then(|| view! { <MonthlyReportCell workspace=report_view manage changed/> })}
            {actions}
        </tr>
    }
}

/// The monthly report's state, and for owners and admins its switch and a preview to
/// themselves.
#[component]
fn MonthlyReportCell(workspace: WorkspaceView, manage: bool, changed: RwSignal<u32>) -> impl IntoView {
    let toggle = ServerAction::<SetMonthlyReport>::new();
    let preview = ServerAction::<EmailReportPreview>::new();
    Effect::new(move |_| {
        if matches!(toggle.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let w = workspace;
    let state = match (w.archived, w.monthly_report) {
        (true, _) => "Not sent while archived",
        (false, true) => "On: mailed on the 1st",
        (false, false) => "Off",
    };
    let controls = (manage && !w.archived).then(|| {
        let (id_toggle, id_preview) = (w.id.to_string(), w.id.to_string());
        // `on` is the state asked for.
        let (label, value) = if w.monthly_report { ("Turn off", "false") } else { ("Turn on", "true") };
        let name = w.name.clone();
        view! {
            <ActionForm action=toggle attr:class="inline-form">
                <input type="hidden" name="id" value=id_toggle/>
                <input type="hidden" name="on" value=value/>
                <button type="submit" class="button button-secondary button-small" aria-label=format!("{label} the monthly report of {name}")>{label}</button>
            </ActionForm>
            <ActionForm action=preview attr:class="inline-form">
                <input type="hidden" name="id" value=id_preview/>
                <button type="submit" class="button button-secondary button-small" disabled=move || preview.pending().get()>"Email me a preview"</button>
            </ActionForm>
            {move || match preview.value().get() {
                Some(Ok(to)) => Some(view! { <p class="notice" role="status">{format!("Preview of the month so far on its way to {to}.")}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.banner()}</p> }.into_any()),
                None => None,
            }}
            {move || toggle.value().get().and_then(|r| r.err()).map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}
        }
    });
    view! { <td><span>{state}</span>" "{controls}</td> }.into_any()
}
