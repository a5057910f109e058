//! The frame around every page: header with navigation, main area, footer.

use crate::error::AppError;
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
}

#[server(endpoint = "session/viewer")]
pub async fn load_viewer() -> Result<Option<Viewer>, AppError> {
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let auth = crate::ssr::session::current_auth()?;
    Ok(auth.map(|a| Viewer {
        email: a.email().to_owned(),
        email_verified: a.email_verified(),
        operator: platform::tenancy::operator::Operator::from_auth(&a, &ctx.admins).is_ok(),
    }))
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

#[component]
pub fn Layout() -> impl IntoView {
    let session = crate::components::session::SessionVersion::provide();
    let viewer = Resource::new(move || session.get(), |_| load_viewer());
    let sign_out = ServerAction::<SignOut>::new();
    crate::components::session::refresh_after(sign_out);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">"launchready"</A>
                // A Transition keeps the current links while a session change reloads them.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(v)) => view! {
                                <A href="/app">"Dashboard"</A>
                                <A href="/app/alerts">"Alerts"</A>
                                <A href="/app/sprints">"Sprints"</A>
                                <A href="/app/billing">"Billing"</A>
                                <A href="/app/settings">"Settings"</A>
                                {v.operator.then(|| view! { <A href="/admin/sprints">"Admin"</A> })}
                                <span class="nav-user" title="Signed in">{v.email}</span>
                                <ActionForm action=sign_out attr:class="inline-form">
                                    <button type="submit" class="button-link">"Sign out"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! {
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
        <footer class="site-footer">
            <p>"launchready — know whether your product is safe to launch, and keep it that way."</p>
        </footer>
    }
}
