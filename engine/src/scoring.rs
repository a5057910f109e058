//! Points, score, grade and decision, exactly as docs/scoring.md explains them.

use super::model::{causes_of, Counts, Coverage, Decision, Finding, Grade, Points, Severity, Status};

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
/// `score` and `grade` are None when too little was measured (docs/scoring.md).
pub struct Verdict {
    pub score: Option<u32>,
    pub grade: Option<Grade>,
    pub decision: Decision,
    pub reason: String,
    pub coverage: Coverage,
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

/// How many ids a reason names before "and N more".
const NAMED: usize = 5;

fn ids<'a>(list: &[&'a Finding]) -> Vec<&'a str> {
    list.iter().map(|f| f.id.as_str()).collect()
}

fn named(ids: &[&str]) -> String {
    match ids.len() {
        n if n <= NAMED => ids.join(", "),
        n => format!("{} and {} more", ids[..NAMED].join(", "), n - NAMED),
    }
}

/// "could not verify a, b (why)": the checks that errored, with the cause they share when
/// they share one.
fn unverified(findings: &[&Finding]) -> String {
    let ids = ids(findings);
    let causes: Vec<&str> = {
        let mut seen: Vec<&str> = findings.iter().filter(|f| f.cause.is_some()).map(|f| f.summary.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        seen
    };
    match causes.as_slice() {
        [one] if findings.iter().all(|f| f.cause.is_some()) => format!("could not verify {}: {one}", named(&ids)),
        _ => format!("could not verify {} (they could not run; see each for why)", named(&ids)),
    }
}

pub fn judge(findings: &[Finding]) -> Verdict {
    let with = |severity: Severity, status: Status| -> Vec<&Finding> {
        findings.iter().filter(|f| f.severity == severity && f.status == status).collect()
    };
    let (critical_failed, critical_unverified) = (with(Severity::Critical, Status::Fail), with(Severity::Critical, Status::Error));
    let (high_failed, high_unverified) = (with(Severity::High, Status::Fail), with(Severity::High, Status::Error));
    let counts = Counts::of(findings);
    let coverage = Coverage::of(&counts);

    // A score over a handful of checks reads like a result and is not one.
    let (score, grade) = if coverage.is_inconclusive() {
        (None, None)
    } else {
        let score = score(findings);
        let mut grade = grade_of(score, counts.fail + counts.warn + counts.error > 0);
        // A score is an average; a critical or high failure must still show in the grade.
        if !critical_failed.is_empty() {
            grade = grade.max(Grade::D);
        } else if !high_failed.is_empty() {
            grade = grade.max(Grade::B);
        }
        (Some(score), Some(grade))
    };

    let mut blocking = Vec::new();
    if !critical_failed.is_empty() {
        blocking.push(format!("critical check(s) failed: {}", named(&ids(&critical_failed))));
    }
    if !critical_unverified.is_empty() {
        blocking.push(unverified(&critical_unverified));
    }
    let mut fixes = Vec::new();
    if !high_failed.is_empty() {
        fixes.push(format!("high-severity check(s) failed: {}", named(&ids(&high_failed))));
    }
    if !high_unverified.is_empty() {
        fixes.push(unverified(&high_unverified));
    }
    if high_failed.is_empty() && counts.fail > 2 {
        fixes.push(format!("{} checks failed (more than two)", counts.fail));
    }
    let (decision, reason) = if coverage.is_inconclusive() {
        let mut reason = format!("could not verify the launch: only {}", coverage.sentence());
        // The biggest shared cause says why in one sentence; else the first blocker.
        let mut causes = causes_of(findings);
        causes.sort_by_key(|cause| std::cmp::Reverse(cause.checks.len()));
        if let Some(cause) = causes.first() {
            reason.push_str(&format!(": {}", cause.summary));
        } else if let Some(first) = blocking.first() {
            reason.push_str(&format!("; {first}"));
        }
        if !critical_failed.is_empty() {
            reason.push_str(&format!("; critical check(s) failed: {}", named(&ids(&critical_failed))));
        }
        (Decision::Hold, reason)
    } else if !blocking.is_empty() {
        (Decision::Hold, blocking.join("; "))
    } else if !fixes.is_empty() {
        (Decision::GoAfterFixes, fixes.join("; "))
    } else if counts.fail > 0 {
        (Decision::Go, format!("{} minor failure(s) to improve, none blocking", counts.fail))
    } else {
        (Decision::Go, "no check failed".to_owned())
    };
    Verdict { score, grade, decision, reason, coverage }
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
            cause: None,
        }
    }

    fn passes(n: usize) -> Vec<Finding> {
        (0..n).map(|i| finding(&format!("p{i}"), Severity::Medium, Status::Pass)).collect()
    }

    #[test]
    fn all_pass_is_a_plus_and_go() {
        let v = judge(&[finding("a", Severity::Critical, Status::Pass), finding("b", Severity::Low, Status::Pass)]);
        assert_eq!((v.score, v.grade, v.decision), (Some(100), Some(Grade::APlus), Decision::Go));
    }

    #[test]
    fn warn_costs_half_and_blocks_a_plus() {
        let v = judge(&[finding("a", Severity::Critical, Status::Pass), finding("b", Severity::High, Status::Warn)]);
        assert_eq!(v.score, Some(81)); // 26 of 32 points = 81.25
        assert_eq!(v.grade, Some(Grade::B));
        assert_eq!(v.decision, Decision::Go);
    }

    #[test]
    fn critical_failure_holds_and_caps_the_grade() {
        let mut findings: Vec<Finding> = (0..40).map(|i| finding(&format!("p{i}"), Severity::High, Status::Pass)).collect();
        findings.push(finding("dns.apex.resolves", Severity::Critical, Status::Fail));
        let v = judge(&findings);
        assert!(v.score > Some(90), "{:?}", v.score);
        assert_eq!(v.grade, Some(Grade::D));
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
    fn errors_and_skips_earn_no_points_but_errors_need_evidence() {
        let mut findings = passes(4);
        findings.push(finding("c", Severity::High, Status::Skipped));
        let v = judge(&findings);
        assert_eq!((v.score, v.decision), (Some(100), Decision::Go));
        findings.push(finding("b", Severity::Critical, Status::Error));
        let v = judge(&findings);
        assert_eq!(v.score, Some(100), "an error earns nothing and costs nothing");
        assert_eq!(v.grade, Some(Grade::A), "A+ needs every applicable check to have run");
        assert_eq!(v.decision, Decision::Hold);
        assert!(v.reason.starts_with("could not verify b"), "{}", v.reason);
        assert_eq!(v.coverage, Coverage { ran: 4, applicable: 5, total: 6 });
    }

    #[test]
    fn a_high_check_that_could_not_run_rules_out_go() {
        let mut findings = passes(4);
        let mut error = finding("tls.certificate.expiry", Severity::High, Status::Error);
        error.cause = Some(crate::model::CauseKind::HttpsUnreachable);
        error.summary = "https://x.test:443/ refused the connection".into();
        findings.push(error);
        let v = judge(&findings);
        assert_eq!(v.decision, Decision::GoAfterFixes);
        assert_eq!(v.reason, "could not verify tls.certificate.expiry: https://x.test:443/ refused the connection");
    }

    #[test]
    fn nothing_measured_is_no_score_and_a_hold() {
        let all_errors: Vec<Finding> = (0..52).map(|i| finding(&format!("e{i}"), Severity::Low, Status::Error)).collect();
        let v = judge(&all_errors);
        assert_eq!((v.score, v.grade, v.decision), (None, None, Decision::Hold));
        assert!(v.reason.starts_with("could not verify the launch: only 0 of 52 checks ran (52 could not run)"), "{}", v.reason);

        // One shared cause: the reason says it once, not the list of checks it stopped.
        let resolver: Vec<Finding> = (0..52)
            .map(|i| {
                let mut f = finding(&format!("e{i}"), Severity::Critical, Status::Error);
                f.cause = Some(crate::model::CauseKind::ResolverUnreachable);
                f.summary = "the scanner's DNS resolver (127.0.0.1:9) did not answer".into();
                f
            })
            .collect();
        assert_eq!(
            judge(&resolver).reason,
            "could not verify the launch: only 0 of 52 checks ran (52 could not run): the scanner's DNS resolver (127.0.0.1:9) did not answer"
        );

        // Most checks errored: no number, even though what ran passed.
        let mut mostly = passes(20);
        mostly.extend((0..27).map(|i| finding(&format!("e{i}"), Severity::Medium, Status::Error)));
        let v = judge(&mostly);
        assert_eq!((v.score, v.grade, v.decision), (None, None, Decision::Hold));
        assert_eq!(v.coverage.sentence(), "20 of 47 checks ran (27 could not run)");
    }
}
