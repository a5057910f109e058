//! Adapters to what lies outside the process and the database: the payment provider
//! (async-stripe), the AEAD that seals channel secrets, the server's secret key, and the
//! in-memory throttles (governor).

pub mod sealed;
pub mod secret;
pub mod stripe;
pub mod throttle;
