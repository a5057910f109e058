//! Tests: email_checks.
