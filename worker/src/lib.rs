//! Background work: apalis workers over the product's own database. (The audit engine joins
//! this crate with the audit issue.)

pub mod jobs;
pub mod mail;
pub mod runner;
pub mod templates;
