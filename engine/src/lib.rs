//! The audit engine: every check of the catalog (docs/checks.md), run against one target
//! through an SSRF-safe network layer, scored and decided. Needs no database, so the same
//! engine serves `launchready scan` and the platform's workers.

pub mod catalog;
pub mod catalog_docs;
mod checks;
pub mod context;
pub mod model;
pub mod net;
pub mod product_file;
pub mod redact;
pub mod reference;
pub mod registry;
pub mod report;
pub mod run;
pub mod scoring;
pub mod target;

#[doc(hidden)]
pub use checks::fuzzing;
pub use checks::registry;
pub use model::{Category, Decision, Finding, Grade, Scorecard, Severity, Status};
pub use run::{run_audit, AuditError, Progress};
pub use target::{AuditOptions, CrossTenant, Target};
