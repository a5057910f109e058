//! The perf checks: p95 latency of ordinary GETs, compression of text responses, and
//! long-lived caching of the home page's static assets.
//!
//! Latency samples are fresh requests (never the shared memo, whose timing belongs to whoever
//! fetched first) and leave out chat endpoints (POSTs that spend model tokens, which a passive
//! check must not do) and login endpoints (their GETs count against the rate limit that
//! api.rate_limit probes).

mod compression;
mod latency;
mod static_caching;

use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("perf.latency", |cx| Box::pin(latency::check(cx)));
    r.add("perf.compression", |cx| Box::pin(compression::check(cx)));
    r.add("perf.static_caching", |cx| Box::pin(static_caching::check(cx)));
}
