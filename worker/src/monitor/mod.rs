//! Uptime monitoring: the checks themselves (`probe`). Scheduling and recording are jobs
//! (`jobs::monitor_schedule`, `jobs::monitor_batch`); state, incidents and rollups live in `platform::monitors`.
pub mod probe;
