//! Types shared by the server, the Leptos app and the worker.
//!
//! The pure part (validated newtypes, the product form model) compiles to WASM.
//! Everything that touches the database, hashing or the clock sits behind the `ssr`
//! feature, so the browser bundle never carries it.

pub mod email;
pub mod error;
pub mod hostname;
pub mod password;
pub mod product;

pub use error::{DomainError, FieldError};

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod products;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod tenancy;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;
