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

/// `reason` explains the decision without repeating it ("critical check(s) failed: …").
pub struct Verdict {
    pub score: u32,
    pub grade: Grade,
    pub decision: Decision,
    pub reason: String,
}

pub fn score(findings: &[Finding]) -> u32 {
    let earned: u32 = findings.iter().map(|f| f.points.earned).sum();
    let possible: u32 = findings.iter().map(|f| f.points.possible).sum();
    // Rounded to the nearest point; nothing measured scores 0.
    (earned * 100 + possible / 2).checked_div(possible).unwrap_or(0)
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
        (Decision::Hold, format!("critical check(s) failed: {}", critical.join(", ")))
    } else if !high.is_empty() {
        (Decision::GoAfterFixes, format!("high-severity check(s) failed: {}", high.join(", ")))
    } else if counts.fail > 2 {
        (Decision::GoAfterFixes, format!("{} checks failed (more than two)", counts.fail))
    } else if counts.fail > 0 {
        (Decision::Go, format!("{} minor failure(s) to improve, none blocking", counts.fail))
    } else {
        (Decision::Go, "no check failed".to_owned())
    };
    Verdict { score, grade, decision, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Finding};

    fn finding(id: &str, severity: Severity, status: Status) -> Finding {
        Finding {
            id: id.into(),
            category: Category::Dns,
            severity,
            status,
            title: String::new(),
            summary: String::new(),
            evidence: vec![],
            points: points(severity, status),
            active: false,
            why: String::new(),
            fix: String::new(),
            references: vec![],
            sprint_item: String::new(),
            duration_ms: 0,
        }
    }

    #[test]
    fn all_pass_is_a_plus_and_go() {
        let v = judge(&[finding("a", Severity::Critical, Status::Pass), finding("b", Severity::Low, Status::Pass)]);
        assert_eq!((v.score, v.grade, v.decision), (100, Grade::APlus, Decision::Go));
    }

    #[test]
    fn warn_costs_half_and_blocks_a_plus() {
        let v = judge(&[finding("a", Severity::Critical, Status::Pass), finding("b", Severity::High, Status::Warn)]);
        assert_eq!(v.score, 81); // 26 of 32 points = 81.25
        assert_eq!(v.grade, Grade::B);
        assert_eq!(v.decision, Decision::Go);
    }

    #[test]
    fn critical_failure_holds_and_caps_the_grade() {
        let mut findings: Vec<Finding> = (0..40).map(|i| finding(&format!("p{i}"), Severity::High, Status::Pass)).collect();
        findings.push(finding("dns.apex.resolves", Severity::Critical, Status::Fail));
        let v = judge(&findings);
        assert!(v.score > 90, "{}", v.score);
        assert_eq!(v.grade, Grade::D);
        assert_eq!(v.decision, Decision::Hold);
        assert!(v.reason.contains("dns.apex.resolves"));
    }

    #[test]
    fn high_failure_or_three_failures_mean_go_after_fixes() {
        let v = judge(&[finding("a", Severity::High, Status::Fail), finding("b", Severity::Low, Status::Pass)]);
        assert_eq!(v.decision, Decision::GoAfterFixes);
        let three: Vec<Finding> = (0..3).map(|i| finding(&format!("l{i}"), Severity::Low, Status::Fail)).collect();
        assert_eq!(judge(&three).decision, Decision::GoAfterFixes);
        let two: Vec<Finding> = (0..2).map(|i| finding(&format!("l{i}"), Severity::Low, Status::Fail)).collect();
        assert_eq!(judge(&two).decision, Decision::Go);
    }

    #[test]
    fn errors_and_skips_do_not_count() {
        let v = judge(&[
            finding("a", Severity::Medium, Status::Pass),
            finding("b", Severity::Critical, Status::Error),
            finding("c", Severity::High, Status::Skipped),
        ]);
        assert_eq!(v.score, 100);
    }
}
