//! Test support shared by the crates, never linked into the `launchready` binary:
//! - `internet`: the fixture internet on loopback (an authoritative DNS server for `test.`,
//!   a test CA, web sites each carrying the defect a test asks for);
//! - `fake_stripe`: the few Stripe endpoints launchready uses, with hosted Checkout and Portal
//!   pages and signed webhook events (also the `fake-stripe` binary of the browser tests);
//! - `bench`: seeding and measuring for the benchmarks.

pub mod bench;
pub mod fake_stripe;
pub mod internet;
pub mod portfolio;
