//! The checks, one family per file. Each family's `register` adds its checks to the registry.

mod ai;
mod api;
mod dns;
mod email;
mod exposure;
mod headers;
mod http;
mod perf;
mod tls;

use super::registry::Registry;

pub(super) fn register_all(registry: &mut Registry) {
    dns::register(registry);
    tls::register(registry);
    http::register(registry);
    headers::register(registry);
    exposure::register(registry);
    api::register(registry);
    email::register(registry);
    ai::register(registry);
    perf::register(registry);
}
