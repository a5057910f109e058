//! A hand-made scorecard with one finding of every status, for the renderers' tests.

use crate::model::{
    causes_of, Category, CauseKind, Counts, Coverage, Decision, Finding, Grade, Scorecard, Severity, Status, SCHEMA_VERSION,
};

pub fn finding(id: &str, category: Category, severity: Severity, status: Status, summary: &str) -> Finding {
    Finding {
        id: id.to_owned(),
        category,
        severity,
        status,
        title: format!("Title of {id}"),
        summary: summary.to_owned(),
        evidence: Vec::new(),
        points: crate::scoring::points(severity, status),
        active: false,
        why: format!("Why {id} matters."),
        fix: format!("Fix {id} like `this`."),
        references: vec![format!("https://example.org/ref/{id}"), "https://example.org/second".to_owned()],
        sprint_item: "Sprint item".to_owned(),
        duration_ms: 12,
        cause: None,
    }
}

pub fn scorecard() -> Scorecard {
    let mut tls = finding("tls.cert.valid", Category::Tls, Severity::Critical, Status::Fail, "the certificate expired 3 days ago");
    tls.evidence = vec!["example.com:443 notAfter 2024-01-01T00:00:00Z".into(), "issuer: R3 ```fenced```".into()];
    let mut hsts = finding("headers.hsts", Category::Headers, Severity::Medium, Status::Warn, "HSTS max-age is only 300 s");
    hsts.evidence = vec!["strict-transport-security: max-age=300".into()];
    let mut low = finding("headers.referrer", Category::Headers, Severity::Low, Status::Fail, "no Referrer-Policy | header");
    low.evidence = vec!["evil \u{1b}[31mred\u{1b}[0m <script>".into()];
    let checks = vec![
        finding("dns.apex.resolves", Category::Dns, Severity::Critical, Status::Pass, "example.com has 1 A record"),
        tls,
        finding("http.redirect", Category::Http, Severity::High, Status::Error, "the request timed out"),
        hsts,
        low,
        finding("headers.csp", Category::Headers, Severity::High, Status::Pass, "a strict CSP is set"),
        finding("api.rate-limit", Category::Api, Severity::High, Status::Skipped, "active probe: runs only with --active"),
    ];
    Scorecard {
        schema_version: SCHEMA_VERSION,
        engine_version: "0.1.0".into(),
        target: "https://example.com/".into(),
        started_at: "2025-03-01T10:00:00Z".parse().unwrap(),
        duration_ms: 12_345,
        rubric_version: 2,
        score: Some(48),
        grade: Some(Grade::D),
        decision: Decision::Hold,
        decision_reason: "critical check(s) failed: tls.cert.valid".into(),
        coverage: Coverage::of(&Counts::of(&checks)),
        causes: causes_of(&checks),
        active: false,
        requests: 87,
        counts: Counts::of(&checks),
        checks,
    }
}

/// The same site with HTTPS refused: three checks stopped by one cause, judged for real.
pub fn unreachable() -> Scorecard {
    let mut card = scorecard();
    for finding in &mut card.checks {
        if ["tls.cert.valid", "headers.hsts", "headers.csp"].contains(&finding.id.as_str()) {
            finding.status = Status::Error;
            finding.cause = Some(CauseKind::HttpsUnreachable);
            finding.summary = "https://example.com:443/ refused the connection".into();
            finding.evidence.clear();
            finding.points = crate::scoring::points(finding.severity, Status::Error);
        }
    }
    let verdict = crate::scoring::judge(&card.checks);
    card.score = verdict.score;
    card.grade = verdict.grade;
    card.decision = verdict.decision;
    card.decision_reason = verdict.reason;
    card.coverage = verdict.coverage;
    card.causes = causes_of(&card.checks);
    card.counts = Counts::of(&card.checks);
    card
}
