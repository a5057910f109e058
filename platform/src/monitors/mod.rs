//! Monitors and incidents of the current tenant, and what the monitor jobs change: which
//! monitors are due, and the results with the state changes they cause.
//!
//! A result is stored once per monitor and schedule slot (a unique key), and only a result
//! stored for the first time moves counters, state, incidents and rollups, so a batch that runs
//! twice changes nothing the second time.
//!
//! Calls inside the area point one way: `results` (what a check found) at the bottom;
//! `rollups` adds to and reads the aggregates; `record` stores results and moves state;
//! `manage`, `incidents` and `schedule` serve the pages and the scheduler.

mod incidents;
mod manage;
mod record;
mod results;
pub mod rollups;
mod schedule;

pub(crate) use incidents::incident_views;
pub use incidents::incidents;
pub use manage::{create, create_primary, delete, get, list, list_all, update};
pub use record::record;
pub use results::{cert_stage, CheckResult, MonitorRef, Transition, CERT_STAGES};
pub use schedule::{claim_due, load_targets, DueCheck, MonitorTarget};
