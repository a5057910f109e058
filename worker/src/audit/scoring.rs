//! Points, score, grade and decision, exactly as docs/scoring.md explains them.

use super::model::{Counts, Decision, Finding, Grade, Points, Severity, Status};

/// What a check can earn, by severity.
pub fn possible(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 20,
        Severity::High => 12,
        Severity::Medium => 6,
        Severity::Low => 2,
    }
}

/// Pass earns everything, warn half, fail nothing. Error and skipped count neither way:
/// they are shown, but the score covers only what was actually measured.
pub fn points(severity: Severity, status: Status) -> Points {
    let max = possible(severity);
    match status {
        Status::Pass => Points { earned: max, possible: max },
        Status::Warn => Points { earned: max / 2, possible: max },
        Status::Fail => Points { earned: 0, possible: max },
        Status::Error | Status::Skipped => Points { earned: 0, possible: 0 },
    }
}

pub struct Verdict {
    pub score: u32,
    pub grade: Grade,
    pub decision: Decision,
    pub reason: String,
}

pub fn score(findings: &[Finding]) -> u32 {
    let earned: u32 = findings.iter().map(|f| f.points.earned).sum();
    let possible: u32 = findings.iter().map(|f| f.points.possible).sum();
    if possible == 0 {
        0
    } else {
        (earned * 100 + possible / 2) / possible
    }
}

fn grade_of(score: u32, any_problem: bool) -> Grade {
    match score {
        95.. if !any_problem => Grade::APlus,
        90.. => Grade::A,
        80.. => Grade::B,
        70.. => Grade::C,
        60.. => Grade::D,
        _ => Grade::F,
    }
}

pub fn judge(findings: &[Finding]) -> Verdict {
    let failed = |sev: Severity| findings.iter().filter(move |f| f.status == Status::Fail && f.severity == sev);
    let critical: Vec<&str> = failed(Severity::Critical).map(|f| f.id.as_str()).collect();
    let high: Vec<&str> = failed(Severity::High).map(|f| f.id.as_str()).collect();
    let counts = Counts::of(findings);
    let score = score(findings);
    let mut grade = grade_of(score, counts.fail + counts.warn > 0);
    // A score is an average; a critical or high failure must still show in the grade.
    if !critical.is_empty() {
        grade = grade.max(Grade::D);
    } else if !high.is_empty() {
        grade = grade.max(Grade::B);
    }
    let (decision, reason) = if !critical.is_empty() {
        (Decision::Hold, format!("Hold: critical check(s) failed: {}", critical.join(", ")))
    } else if !high.is_empty() {
        (Decision::GoAfterFixes, format!("Go after fixes: high-severity check(s) failed: {}", high.join(", ")))
    } else if counts.fail > 2 {
        (Decision::GoAfterFixes, format!("Go after fixes: {} checks failed (more than two)", counts.fail))
    } else if counts.fail > 0 {
        (Decision::Go, format!("Go: {} minor failure(s) to improve, none blocking", counts.fail))
    } else {
        (Decision::Go, "Go: no check failed".to_owned())
    };
    Verdict { score, grade, decision, reason }
}
