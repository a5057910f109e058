//! Types shared by the server, the Leptos app and the worker.
//!
//! The pure part (validated newtypes, the product form model) compiles to WASM.
//! Everything that touches the database, hashing or the clock sits behind the `ssr`
//! feature, so the browser bundle never carries it.

pub mod audit;
pub mod channel;
pub mod dashboard;
pub mod email;
pub mod error;
pub mod guard;
pub mod hostname;
pub mod monitor;
pub mod password;
pub mod plans;
pub mod product;
pub mod scorecard;
pub mod sprint;
pub mod subscription;

pub use error::{DomainError, FieldError};

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod audits;
#[cfg(feature = "ssr")]
pub mod billing;
#[cfg(feature = "ssr")]
pub mod channels;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod monitoring;
#[cfg(feature = "ssr")]
pub mod monitors;
#[cfg(feature = "ssr")]
pub mod operator;
#[cfg(feature = "ssr")]
pub mod products;
#[cfg(feature = "ssr")]
pub mod quota;
#[cfg(feature = "ssr")]
pub mod sealed;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod sprints;
#[cfg(feature = "ssr")]
mod sql;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod tenancy;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;
