//! Tests: api_checks.
