//! The checks: one folder per family, one file per check (`<family>/<name>.rs` with
//! `pub(super) async fn check(cx) -> Outcome`), helpers a family's checks share in its
//! `common.rs`, helpers of several families in `support.rs` (no family imports another).
//! Each family's `register` adds its checks by catalog id; `scripts/new-check.py` scaffolds
//! a new one.

mod ai;
mod api;
mod dns;
mod email;
mod exposure;
pub mod fuzzing;
mod headers;
mod http;
mod perf;
mod support;
mod tls;

use crate::registry::Registry;
use std::sync::LazyLock;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let mut registry = Registry::default();
    register_all(&mut registry);
    registry.sort_in_catalog_order();
    registry
});

/// Every check of the catalog, in catalog order.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

fn register_all(registry: &mut Registry) {
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
