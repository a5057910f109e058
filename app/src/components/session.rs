//! Who the header thinks is signed in, kept in step with the session without a full page load.
//!
//! Signing in, up or out, resetting a password and confirming an email (which can make a user
//! an operator) happen in server actions whose redirect the router follows on the client, so
//! the header's viewer resource would otherwise keep showing the visitor it loaded first.

use leptos::prelude::*;

/// A counter the header's viewer resource tracks; bumped when a session-changing action succeeds.
#[derive(Clone, Copy)]
pub struct SessionVersion(RwSignal<u32>);

impl SessionVersion {
    /// Provides a fresh counter to the pages below the caller (the layout).
    pub fn provide() -> Self {
        let version = Self(RwSignal::new(0));
        provide_context(version);
        version
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// Reloads the header's view of the session each time `action` succeeds.
pub fn refresh_after<S>(action: ServerAction<S>)
where
    S: server_fn::ServerFn<Output = ()> + Clone + Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let Some(SessionVersion(version)) = use_context::<SessionVersion>() else { return };
    Effect::new(move || {
        if action.value().with(|result| matches!(result, Some(Ok(())))) {
            version.update(|v| *v = v.wrapping_add(1));
        }
    });
}
