//! The launchready web application (Leptos 0.8): server-rendered, then hydrated in the browser.
//! Server functions sit next to the pages that call them; server-only code is in [`ssr`].

#![recursion_limit = "256"]
// `#[server]` turns a form's server function into a client stub for the browser build and does
// not copy the function's `#[allow(clippy::too_many_arguments)]` onto it; the arguments are the
// form's fields, so the lint says nothing useful there.
#![cfg_attr(feature = "hydrate", allow(clippy::too_many_arguments))]

pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::activity::ActivityPage;
use pages::admin::{AdminBookingPage, AdminSprintsPage};
use pages::alerts::AlertsPage;
use pages::audit::ScorecardPage;
use pages::auth::reset::{ForgotPage, ResetPage};
use pages::auth::sign_in::SignInPage;
use pages::auth::sign_up::SignUpPage;
use pages::auth::verify::{VerifiedPage, VerifyPage};
use pages::billing::BillingPage;
use pages::branding::BrandingPage;
use pages::dashboard::DashboardPage;
use pages::invite::InvitePage;
use pages::landing::LandingPage;
use pages::not_found::NotFoundPage;
use pages::outbox::OutboxPage;
use pages::portfolio::PortfolioPage;
use pages::product::ProductPage;
use pages::product_form::{EditProductPage, NewProductPage};
use pages::settings::SettingsPage;
use pages::share::SharePage;
use pages::shares::SharesPage;
use pages::sprints::{BookSprintPage, BookingPage, SprintsPage};
use pages::status::StatusPageView;
use pages::team::TeamPage;
use pages::workspaces::WorkspacesPage;

/// The file name (without extension) of the WASM bundle and its JS glue under `/pkg`.
pub const OUTPUT_NAME: &str = "launchready";

/// The HTML document around the app. `site_pkg_dir` carries the asset version
/// (`pkg/<hash>`), so every asset URL changes when the files do.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let css = format!("/{}/{OUTPUT_NAME}.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=css/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Private pages render whole before the first byte (`SsrMode::Async`), so a missing or
/// foreign row can still answer with status 404; the landing and sign-in pages stream. Status
/// pages and share links render whole too: their head carries the agency's accent stylesheet,
/// which a streamed head could send before the brand was read. The public status page sits
/// outside the app's frame: its visitors are the product's customers.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="launchready"/>
        <Meta name="description" content="Know whether your product is safe to launch, and keep watching it."/>
        <Link rel="icon" href="data:,"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("") view=LandingPage/>
                    <Route path=path!("signup") view=SignUpPage/>
                    <Route path=path!("signin") view=SignInPage/>
                    <Route path=path!("verify") view=VerifyPage/>
                    <Route path=path!("verified") view=VerifiedPage/>
                    <Route path=path!("forgot") view=ForgotPage/>
                    <Route path=path!("reset") view=ResetPage/>
                    <Route path=path!("invite") view=InvitePage/>
                    // Org-level pages.
                    <Route path=path!("app/settings") ssr=SsrMode::Async view=SettingsPage/>
                    <Route path=path!("app/billing") ssr=SsrMode::Async view=BillingPage/>
                    <Route path=path!("app/team") ssr=SsrMode::Async view=TeamPage/>
                    <Route path=path!("app/workspaces") ssr=SsrMode::Async view=WorkspacesPage/>
                    <Route path=path!("app/activity") ssr=SsrMode::Async view=ActivityPage/>
                    <Route path=path!("app/branding") ssr=SsrMode::Async view=BrandingPage/>
                    <Route path=path!("app/portfolio") ssr=SsrMode::Async view=PortfolioPage/>
                    // The viewer's home workspace, at /app …
                    <Route path=path!("app") ssr=SsrMode::Async view=DashboardPage/>
                    <Route path=path!("app/products/new") ssr=SsrMode::Async view=NewProductPage/>
                    <Route path=path!("app/products/:id") ssr=SsrMode::Async view=ProductPage/>
                    <Route path=path!("app/products/:id/edit") ssr=SsrMode::Async view=EditProductPage/>
                    <Route path=path!("app/products/:id/audits/:audit_id") ssr=SsrMode::Async view=ScorecardPage/>
                    <Route path=path!("app/products/:id/audits/:audit_id/book") ssr=SsrMode::Async view=BookSprintPage/>
                    <Route path=path!("app/alerts") ssr=SsrMode::Async view=AlertsPage/>
                    <Route path=path!("app/sprints") ssr=SsrMode::Async view=SprintsPage/>
                    <Route path=path!("app/sprints/:id") ssr=SsrMode::Async view=BookingPage/>
                    <Route path=path!("app/shares") ssr=SsrMode::Async view=SharesPage/>
                    // … and any workspace by its key (the same pages; the key selects the scope).
                    <Route path=path!("app/w/:ws") ssr=SsrMode::Async view=DashboardPage/>
                    <Route path=path!("app/w/:ws/products/new") ssr=SsrMode::Async view=NewProductPage/>
                    <Route path=path!("app/w/:ws/products/:id") ssr=SsrMode::Async view=ProductPage/>
                    <Route path=path!("app/w/:ws/products/:id/edit") ssr=SsrMode::Async view=EditProductPage/>
                    <Route path=path!("app/w/:ws/products/:id/audits/:audit_id") ssr=SsrMode::Async view=ScorecardPage/>
                    <Route path=path!("app/w/:ws/products/:id/audits/:audit_id/book") ssr=SsrMode::Async view=BookSprintPage/>
                    <Route path=path!("app/w/:ws/alerts") ssr=SsrMode::Async view=AlertsPage/>
                    <Route path=path!("app/w/:ws/sprints") ssr=SsrMode::Async view=SprintsPage/>
                    <Route path=path!("app/w/:ws/sprints/:id") ssr=SsrMode::Async view=BookingPage/>
                    <Route path=path!("app/w/:ws/shares") ssr=SsrMode::Async view=SharesPage/>
                    <Route path=path!("admin/sprints") ssr=SsrMode::Async view=AdminSprintsPage/>
                    <Route path=path!("admin/bookings/:id") ssr=SsrMode::Async view=AdminBookingPage/>
                    <Route path=path!("dev/outbox") ssr=SsrMode::Async view=OutboxPage/>
                </ParentRoute>
                <Route path=path!("status/:id") ssr=SsrMode::Async view=StatusPageView/>
                <Route path=path!("s/:token") ssr=SsrMode::Async view=SharePage/>
            </Routes>
        </Router>
    }
}
