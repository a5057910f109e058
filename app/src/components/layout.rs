//! The frame around every page: header with navigation, main area, footer.

use crate::components::brand::{BrandFooter, BrandStyle};
use crate::error::AppError;
use domain::role::Capability;
use domain::workspace::CurrentWorkspace;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use serde::{Deserialize, Serialize};

/// What the header needs to know about the visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub email: String,
    pub email_verified: bool,
    /// A platform operator: the admin area is theirs.
    pub operator: bool,
    /// The workspace the page acts in and the viewer's role there; `None` for someone who
    /// belongs to no organisation (any more), or on a page of a workspace they cannot see.
    pub workspace: Option<CurrentWorkspace>,
    /// For a client user: the agency's branding, in place of launchready's.
    #[serde(default)]
    pub brand: Option<domain::share::Brand>,
}

impl Viewer {
    pub fn can(&self, capability: Capability) -> bool {
        self.workspace.as_ref().is_some_and(|w| w.role.can(capability))
    }
}

/// The header's viewer, shared with the pages below it (`IfCan` reads it).
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

#[server(endpoint = "session/viewer")]
pub async fn load_viewer() -> Result<Option<Viewer>, AppError> {
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let Some(auth) = crate::ssr::session::current_auth()? else { return Ok(None) };
    let operator = platform::tenancy::operator::Operator::from_auth(&auth, &ctx.admins).is_ok();
    let (workspace, brand) = match crate::ssr::session::tenant().await {
        Ok((_, scope)) => {
            let brand = if scope.role() == domain::role::Role::Client {
                platform::branding::brand_for(&ctx.db, &ctx.plans, scope.org_id()).await?
            } else {
                None
            };
            (Some(platform::workspaces::current(&ctx.db, &scope).await?), brand)
        }
        Err(_) => (None, None),
    };
    Ok(Some(Viewer { email: auth.email().to_owned(), email_verified: auth.email_verified(), operator, workspace, brand }))
}

#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{session, AppContext};
    let ctx = AppContext::current()?;
    if let Some(auth) = session::current_auth()? {
        platform::accounts::sessions::close(&ctx.db, &auth).await?;
    }
    session::set_cookie(ctx.cookie.clear());
    leptos_axum::redirect("/");
    Ok(())
}

/// The workspace's own links, and the switcher once there is more than one workspace to see
/// (a founder with one never meets the concept). Switching loads the other workspace's pages
/// from the server (`rel="external"`), so nothing of the previous one stays on screen.
#[component]
fn WorkspaceNav(current: CurrentWorkspace) -> impl IntoView {
    let base = current.workspace.base_path();
    let many = current.switchable.len() > 1 || current.workspace.archived;
    let switcher = many.then(|| {
        let options = current
            .switchable
            .iter()
            .map(|w| {
                let here = w.id == current.workspace.id;
                view! {
                    <li>
                        <a href=w.base_path() rel="external" aria-current=here.then_some("page")>{w.name.clone()}</a>
                    </li>
                }
            })
            .collect_view();
        let manage = current
            .role
            .can(Capability::ManageWorkspaces)
            .then(|| view! { <li class="switcher-manage"><a href="/app/workspaces">"Manage workspaces"</a></li> });
        view! {
            <details class="switcher">
                <summary aria-label="Switch workspace">
                    <span class="switcher-org">{current.organization.clone()}</span>
                    <span class="switcher-name">{current.workspace.name.clone()}</span>
                </summary>
                <ul class="switcher-list">{options}{manage}</ul>
            </details>
        }
    });
    let role_badge = (current.role == domain::role::Role::Client)
        .then(|| view! { <span class="badge" title="You can look, not change">"Read-only"</span> });
    view! {
        {switcher}
        {role_badge}
        <A href=base.clone()>"Dashboard"</A>
        {current.role.is_staff().then(|| view! { <A href=format!("{base}/alerts")>"Alerts"</A> })}
        {current.role.is_staff().then(|| view! { <A href=format!("{base}/sprints")>"Sprints"</A> })}
    }
}

#[component]
pub fn Layout() -> impl IntoView {
    let session = crate::components::session::SessionVersion::provide();
    let viewer: ViewerResource = Resource::new(move || session.get(), |_| load_viewer());
    provide_context(viewer);
    let sign_out = ServerAction::<SignOut>::new();
    crate::components::session::refresh_after(sign_out);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                // A Transition keeps the current links while a session change reloads them.
                <Transition fallback=|| view! { <A href="/" attr:class="brand">"launchready"</A> }>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(v)) => view! {
                                {match v.brand.clone() {
                                    // A client user sees their agency, not us.
                                    Some(b) => view! {
                                        <BrandStyle brand=Some(b.clone())/>
                                        <span class="brand">
                                            {b.logo_url.map(|src| view! { <img class="brand-logo" src=src alt="" height="32"/> })}
                                            {b.name}
                                        </span>
                                    }.into_any(),
                                    None => view! { <A href="/" attr:class="brand">"launchready"</A> }.into_any(),
                                }}
                                {v.workspace.clone().map(|w| view! { <WorkspaceNav current=w/> })}
                                {v.workspace.as_ref().filter(|w| w.role.is_staff() && w.switchable.len() > 1).map(|_| view! { <A href="/app/portfolio">"Portfolio"</A> })}
                                {v.can(Capability::SeeAllWorkspaces).then(|| view! { <A href="/app/team">"Team"</A> })}
                                {v.can(Capability::ReadActivity).then(|| view! { <A href="/app/activity">"Activity"</A> })}
                                {v.can(Capability::ManageBilling).then(|| view! { <A href="/app/billing">"Billing"</A> })}
                                <A href="/app/settings">"Settings"</A>
                                {v.operator.then(|| view! { <A href="/admin/sprints">"Admin"</A> })}
                                <span class="nav-user" title="Signed in">{v.email}</span>
                                <ActionForm action=sign_out attr:class="inline-form">
                                    <button type="submit" class="button-link">"Sign out"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! {
                                <A href="/" attr:class="brand">"launchready"</A>
                                <A href="/signin">"Sign in"</A>
                                <A href="/signup" attr:class="button button-small">"Sign up"</A>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
        <main id="main" class="main">
            <Outlet/>
        </main>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let brand = viewer.await.ok().flatten().and_then(|v| v.brand);
                view! { <BrandFooter brand default="launchready — know whether your product is safe to launch, and keep it that way."/> }
            })}
        </Suspense>
    }
}
