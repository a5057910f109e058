//! The audit engine (`audit`: checks, scoring, SSRF-safe network layer; no database) and the
//! background work: apalis workers over the product's own database.

pub mod alerts;
pub mod audit;
pub mod drain;
pub mod jobs;
pub mod mail;
pub mod monitor;
pub mod poll;
pub mod runner;
pub mod templates;
