//! Adapters to what lies outside the process and the database: the payment provider
//! (async-stripe), the AEAD that seals channel secrets, the server's secret key, and the
//! in-memory throttles (governor), and the client address behind trusted proxies.

pub mod client_addr;
pub mod sealed;
pub mod secret;
pub mod stripe;
pub mod throttle;
