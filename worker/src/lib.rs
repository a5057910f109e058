//! The audit engine (`audit`: checks, scoring, SSRF-safe network layer; no database) and the
//! background work: apalis workers over the product's own database.

// Stripe's generated types nest deeply; proving the jobs' futures `Send` needs more room.
#![recursion_limit = "256"]

pub mod alerts;
pub mod audit;
pub mod drain;
pub mod jobs;
pub mod mail;
pub mod monitor;
pub mod poll;
pub mod runner;
pub mod templates;
