use app::ssr::AppContext;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

/// The axum state: the app context (shared with server functions) and Leptos' options.
#[derive(Clone)]
pub struct AppState {
    pub ctx: AppContext,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
