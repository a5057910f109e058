//! Background work's access across tenants. Jobs act on rows of every organisation (claim the
//! next monitor checks, store a scorecard, expire unpaid bookings), so the functions that do so
//! cannot take a `TenantScope`; they take a [`CrossTenant`] instead.
//!
//! Only the worker's start-up builds one (`CrossTenant::for_worker_startup`) and hands it to
//! the jobs. `scripts/check-capabilities.py` (a CI step) fails when any other source file
//! names that constructor, so no page, server function or REST handler can reach a function
//! that ignores tenancy.

/// Proof that the caller is a background job, not a request.
#[derive(Debug, Clone, Copy)]
pub struct CrossTenant {
    _private: (),
}

impl CrossTenant {
    /// For the worker's start-up (and tests) only; see the module docs.
    pub fn for_worker_startup() -> Self {
        Self { _private: () }
    }
}
