//! The background work: apalis workers over the product's own database that run audits
//! (through `engine`), monitors, alert deliveries, mail and billing reconciliation.

pub mod alerts;
pub mod drain;
pub mod jobs;
pub mod mail;
pub mod monitor;
pub mod poll;
pub mod runner;
pub mod settings;
pub mod templates;
