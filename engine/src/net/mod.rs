//! The network layer the checks share: DNS, guarded HTTP, TLS inspection.

pub mod dns;
pub mod edge_block;
pub mod guard;
pub mod http;
pub mod tls;
