//! The workspace a page acts in: its key is in the URL (`/app/w/{slug}/…`; the viewer's home
//! workspace lives at `/app`), so links are built from the current location, server functions
//! learn it from the page that calls them, and write controls are shown only to roles that may
//! use them (the server refuses the rest anyway).

use crate::components::layout::ViewerResource;
use domain::role::Capability;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

pub use domain::workspace::{key_of_path as workspace_key_of, WORKSPACE_HEADER};

/// The current workspace's base path: `/app/w/{slug}`, or `/app` for the home workspace.
pub fn ws_base() -> String {
    let path = use_location().pathname.get_untracked();
    match workspace_key_of(&path) {
        Some(key) => format!("/app/w/{key}"),
        None => "/app".into(),
    }
}

/// A path of the current workspace: `ws_href("/products/new")`.
pub fn ws_href(rest: &str) -> String {
    format!("{}{rest}", ws_base())
}

/// Renders its children only when the viewer's role allows `capability` in this workspace
/// (and it is not archived, for changes); otherwise the `otherwise` sentence, if any.
#[component]
pub fn IfCan(capability: Capability, children: ChildrenFn, #[prop(optional)] otherwise: &'static str) -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let allowed = matches!(viewer.await, Ok(Some(v)) if v.workspace.as_ref().is_some_and(|w| w.can(capability)));
                if allowed {
                    children.with_value(|c| c()).into_any()
                } else if otherwise.is_empty() {
                    ().into_any()
                } else {
                    view! { <p class="muted">{otherwise}</p> }.into_any()
                }
            })}
        </Suspense>
    }
}

/// What a page without data of its own says about who may change things here.
pub const READ_ONLY: &str = "You can look at this workspace but not change it.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_only_from_workspace_paths() {
        assert_eq!(workspace_key_of("/app/w/acme-3f9a1c/products/1"), Some("acme-3f9a1c"));
        assert_eq!(workspace_key_of("/app/w/acme-3f9a1c"), Some("acme-3f9a1c"));
        assert_eq!(workspace_key_of("/app/w/"), None);
        assert_eq!(workspace_key_of("/app/products/1"), None);
        assert_eq!(workspace_key_of("/app/w/x?tab=1"), Some("x"));
    }
}
