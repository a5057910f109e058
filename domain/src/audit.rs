//! What the browser sees of audits: a run's progress and verdict, its findings, and what
//! changed since the run before.

use crate::rubric::RubricChange;
use crate::scorecard::{Cause, Counts, Coverage, Decision, Finding, Grade, Severity, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditTrigger {
    Manual,
    Scheduled,
    Api,
}

impl AuditTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Scheduled => "scheduled",
            Self::Api => "api",
        }
    }
    pub const ALL: [AuditTrigger; 3] = [Self::Manual, Self::Scheduled, Self::Api];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl AuditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
    pub const ALL: [AuditStatus; 4] = [Self::Queued, Self::Running, Self::Done, Self::Failed];

    pub fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }
}

/// One run, without its findings: enough for progress, history and the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditSummary {
    pub id: Uuid,
    pub product_id: Uuid,
    pub trigger: AuditTrigger,
    pub status: AuditStatus,
    pub checks_done: u32,
    pub checks_total: u32,
    pub score: Option<u32>,
    pub grade: Option<Grade>,
    pub decision: Option<Decision>,
    pub decision_reason: Option<String>,
    pub counts: Option<Counts>,
    /// How much was measured; None until the run is done.
    #[serde(default)]
    pub coverage: Option<Coverage>,
    /// The rubric that judged the run (domain::rubric); None until the run is done.
    #[serde(default)]
    pub rubric_version: Option<u32>,
    /// Why a failed run failed, in words for the owner.
    pub error: Option<String>,
    pub duration_ms: Option<u64>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A finding named in a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRef {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
}

/// What changed against the previous finished audit of the same product.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditDiff {
    pub previous_id: Uuid,
    pub previous_score: Option<u32>,
    pub previous_grade: Option<Grade>,
    /// Failing (or warning) now, passing or absent before.
    pub new_failures: Vec<FindingRef>,
    /// Failing (or warning) before, passing now.
    pub fixed: Vec<FindingRef>,
    /// Set when the two runs were judged by different rubrics: a change may be our rules'.
    #[serde(default)]
    pub rubric: Option<RubricChange>,
}

impl AuditDiff {
    /// Compares two finding lists by check id. A check that errored or was skipped in either
    /// run tells nothing about a change and is left out.
    pub fn between(
        previous_id: Uuid,
        previous_score: Option<u32>,
        previous_grade: Option<Grade>,
        before: &[Finding],
        now: &[Finding],
    ) -> Self {
        let bad = |s: Status| matches!(s, Status::Fail | Status::Warn);
        let reference = |f: &Finding| FindingRef { id: f.id.clone(), title: f.title.clone(), severity: f.severity, status: f.status };
        let mut diff = Self { previous_id, previous_score, previous_grade, ..Self::default() };
        for current in now {
            let old = before.iter().find(|b| b.id == current.id);
            match old {
                Some(old) if bad(current.status) && old.status == Status::Pass => diff.new_failures.push(reference(current)),
                None if bad(current.status) => diff.new_failures.push(reference(current)),
                Some(old) if bad(old.status) && current.status == Status::Pass => diff.fixed.push(reference(old)),
                _ => {}
            }
        }
        diff.new_failures.sort_by_key(|f| (f.severity, f.status));
        diff.fixed.sort_by_key(|f| f.severity);
        diff
    }
}

/// The scorecard page: the run, its findings in catalog order, and the diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditDetail {
    pub summary: AuditSummary,
    pub product_name: String,
    pub target: String,
    pub findings: Vec<Finding>,
    /// What kept checks from running, one entry per cause.
    #[serde(default)]
    pub causes: Vec<Cause>,
    pub diff: Option<AuditDiff>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecard::{Category, Points};

    fn finding(id: &str, severity: Severity, status: Status) -> Finding {
        Finding {
            id: id.into(),
            category: Category::Headers,
            severity,
            status,
            title: id.into(),
            summary: String::new(),
            evidence: vec![],
            points: Points { earned: 0, possible: 0 },
            active: false,
            why: String::new(),
            fix: String::new(),
            references: vec![],
            sprint_item: String::new(),
            duration_ms: 0,
            cause: None,
        }
    }

    #[test]
    fn diff_names_new_failures_and_fixes_but_not_unknowns() {
        let before = vec![
            finding("a", Severity::High, Status::Pass),
            finding("b", Severity::Medium, Status::Fail),
            finding("c", Severity::Low, Status::Error),
            finding("d", Severity::Critical, Status::Fail),
        ];
        let now = vec![
            finding("a", Severity::High, Status::Fail),
            finding("b", Severity::Medium, Status::Pass),
            finding("c", Severity::Low, Status::Fail),
            finding("d", Severity::Critical, Status::Fail),
            finding("e", Severity::Critical, Status::Warn),
        ];
        let diff = AuditDiff::between(Uuid::nil(), Some(80), Some(Grade::B), &before, &now);
        let new: Vec<_> = diff.new_failures.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(new, ["e", "a"]);
        assert_eq!(diff.fixed.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["b"]);
    }
}
