//! Tests: ai_checks.
