//! The `launchready` server as a library, so integration tests start exactly what the binary
//! starts.

pub mod config;
pub mod db;
pub mod http;
pub mod scan;
pub mod start_banner;
pub mod startup;
pub mod state;
pub mod telemetry;
