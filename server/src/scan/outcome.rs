//! What a finished (or refused) scan means for the caller: the exit code and the error text.

use engine::{Decision, Grade, Scorecard};

/// The engine's refusal, with the way out when it is about the address.
pub(super) fn explain_audit_error(err: engine::AuditError) -> String {
    match err {
        engine::AuditError::Refused(message) if message.contains(" address") => {
            format!("{message}; --allow-private-targets lifts this for a network you operate")
        }
        other => other.to_string(),
    }
}

/// 1 when the grade is under the threshold, or there is no grade (too little was measured),
/// or the decision is Hold, with a threshold given.
pub fn exit_code(card: &Scorecard, fail_under: Option<Grade>) -> u8 {
    match fail_under {
        Some(threshold) if card.grade.is_none_or(|grade| grade.is_below(threshold)) || card.decision == Decision::Hold => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        let mut card = Scorecard {
            schema_version: domain::scorecard::SCHEMA_VERSION,
            engine_version: "0".into(),
            rubric_version: 2,
            target: "https://example.com/".into(),
            started_at: chrono::Utc::now(),
            duration_ms: 1,
            score: Some(85),
            grade: Some(Grade::B),
            decision: Decision::Go,
            decision_reason: String::new(),
            coverage: Default::default(),
            causes: Vec::new(),
            active: false,
            requests: 0,
            counts: Default::default(),
            checks: Vec::new(),
        };
        assert_eq!(exit_code(&card, None), 0);
        assert_eq!(exit_code(&card, Some(Grade::B)), 0);
        assert_eq!(exit_code(&card, Some(Grade::C)), 0);
        assert_eq!(exit_code(&card, Some(Grade::A)), 1);
        card.decision = Decision::Hold;
        assert_eq!(exit_code(&card, None), 0, "Hold alone fails only with --fail-under");
        assert_eq!(exit_code(&card, Some(Grade::F)), 1);
        card.decision = Decision::Go;
        card.grade = None;
        assert_eq!(exit_code(&card, Some(Grade::F)), 1, "no grade meets no threshold");
        assert_eq!(exit_code(&card, None), 0);
    }
}
