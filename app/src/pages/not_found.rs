use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found — launchready"/>
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address, or it belongs to someone else."</p>
            <p><A href="/">"Go to the home page"</A></p>
        </section>
    }
}

/// Shown in place of a page whose data could not be loaded.
#[component]
pub fn LoadError(error: crate::error::AppError) -> impl IntoView {
    match error {
        crate::error::AppError::NotFound => view! { <NotFoundPage/> }.into_any(),
        crate::error::AppError::Unauthenticated => view! {
            <section class="card narrow">
                <h1>"Please sign in"</h1>
                <p>"Your session has ended. " <A href="/signin">"Sign in again"</A>" to continue."</p>
            </section>
        }
        .into_any(),
        other => view! {
            <section class="card narrow">
                <h1>"Something went wrong"</h1>
                <p role="alert">{other.banner()}</p>
            </section>
        }
        .into_any(),
    }
}
