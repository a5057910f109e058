//! Server-only code of the app: the context server functions run in, and the session helpers
//! shared with the axum layer.

pub mod context;
pub mod cookie;
pub mod session;

pub use context::AppContext;
