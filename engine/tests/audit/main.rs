//! The audit engine against the fixture internet on loopback: one test binary, one fixture
//! module, one file per check family.

use testkit::internet as fixture;

mod ai_checks;
mod api_checks;
mod clean;
mod dns_checks;
mod email_checks;
mod exposure_checks;
mod headers_checks;
mod http_checks;
mod perf_checks;
mod registry;
mod ssrf;
mod tls_checks;
mod verdicts;
