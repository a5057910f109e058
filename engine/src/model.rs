//! The scorecard model lives in `domain::scorecard` (the web app renders it too); the engine
//! keeps using it under this name.
pub use domain::scorecard::*;
