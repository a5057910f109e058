//! The api checks: the declared endpoints as an attacker meets them. Passive: health, CORS,
//! authentication of protected endpoints. Active (only with permission): a rate-limit burst,
//! an oversized body, malformed JSON and a cross-tenant read.

mod auth_required;
mod common;
mod cors;
mod cross_tenant;
mod health;
mod malformed_input;
mod payload_limit;
mod rate_limit;

use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("api.health", |cx| Box::pin(health::check(cx)));
    r.add("api.cors", |cx| Box::pin(cors::check(cx)));
    r.add("api.auth_required", |cx| Box::pin(auth_required::check(cx)));
    r.add_exhausting("api.rate_limit", |cx| Box::pin(rate_limit::check(cx)));
    r.add("api.payload_limit", |cx| Box::pin(payload_limit::check(cx)));
    r.add("api.malformed_input", |cx| Box::pin(malformed_input::check(cx)));
    r.add("api.cross_tenant", |cx| Box::pin(cross_tenant::check(cx)));
}
