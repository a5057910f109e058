//! What an audit produces: findings with their verdicts and points, and the scorecard.
//! These types are the JSON contract of `launchready scan --format json` (docs/scan-output.md).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Dns,
    Tls,
    Http,
    Headers,
    Exposure,
    Api,
    Email,
    Ai,
    Perf,
}

impl Category {
    pub const ALL: [Category; 9] =
        [Self::Dns, Self::Tls, Self::Http, Self::Headers, Self::Exposure, Self::Api, Self::Email, Self::Ai, Self::Perf];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Tls => "tls",
            Self::Http => "http",
            Self::Headers => "headers",
            Self::Exposure => "exposure",
            Self::Api => "api",
            Self::Email => "email",
            Self::Ai => "ai",
            Self::Perf => "perf",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Dns => "DNS",
            Self::Tls => "TLS",
            Self::Http => "HTTP and redirects",
            Self::Headers => "Security headers",
            Self::Exposure => "Exposed files and secrets",
            Self::Api => "API boundaries",
            Self::Email => "Email authentication",
            Self::Ai => "AI safety",
            Self::Perf => "Performance",
        }
    }
}

/// What breaks if the check fails; ordered from worst to mildest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fail,
    Warn,
    Error,
    Pass,
    Skipped,
}

impl Status {
    pub const ALL: [Status; 5] = [Self::Fail, Self::Warn, Self::Error, Self::Pass, Self::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Error => "error",
            Self::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Go,
    GoAfterFixes,
    Hold,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Self::Go, Self::GoAfterFixes, Self::Hold];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Go => "go",
            Self::GoAfterFixes => "go_after_fixes",
            Self::Hold => "hold",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Go => "Go",
            Self::GoAfterFixes => "Go after fixes",
            Self::Hold => "Hold",
        }
    }
}

/// A+ is best; the derived order makes `APlus < A < … < F`, so "under B" means `grade > B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    #[serde(rename = "A+")]
    APlus,
    A,
    B,
    C,
    D,
    F,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::APlus => "A+",
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::F => "F",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "A+" => Some(Self::APlus),
            "A" => Some(Self::A),
            "B" => Some(Self::B),
            "C" => Some(Self::C),
            "D" => Some(Self::D),
            "F" => Some(Self::F),
            _ => None,
        }
    }

    /// True when `self` is a worse grade than `threshold`.
    pub fn is_below(self, threshold: Grade) -> bool {
        self > threshold
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why checks could not run, when one thing outside the check stopped them: the scanner's
/// resolver, the main host's name or HTTPS, the main page, or an edge that answered with a
/// challenge instead of the site. One cause is one finding in every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// The scanner's DNS resolver did not answer: nothing about the site was learned.
    ResolverUnreachable,
    /// The main host has no address (or its DNS is broken), so nothing on it could be asked.
    HostUnresolvable,
    /// The main host answers no TLS handshake on its HTTPS port.
    HttpsUnreachable,
    /// The main page could not be read (refused, timed out, redirect loop, …).
    MainPageUnreadable,
    /// A CDN or WAF answered with a challenge or block page instead of the site.
    EdgeBlocked,
}

impl CauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResolverUnreachable => "resolver_unreachable",
            Self::HostUnresolvable => "host_unresolvable",
            Self::HttpsUnreachable => "https_unreachable",
            Self::MainPageUnreadable => "main_page_unreadable",
            Self::EdgeBlocked => "edge_blocked",
        }
    }

    /// How a finding with this cause is labelled instead of a bare "error".
    pub fn label(self) -> &'static str {
        match self {
            Self::EdgeBlocked => "blocked by the edge",
            _ => "could not run",
        }
    }

    /// The label at the start of a line or a heading.
    pub fn heading(self) -> &'static str {
        match self {
            Self::EdgeBlocked => "Blocked by the edge",
            _ => "Could not run",
        }
    }
}

/// One cause and the checks it kept from running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub kind: CauseKind,
    /// One sentence: what happened, where ("https://x.test/ refused the connection").
    pub summary: String,
    /// The ids of the checks it stopped, in catalog order.
    pub checks: Vec<String>,
}

/// How much of the audit was measured: the checks that ran (pass, warn or fail) out of those
/// that apply (all but the skipped ones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub ran: u32,
    pub applicable: u32,
    pub total: u32,
}

impl Coverage {
    pub fn of(counts: &Counts) -> Self {
        let ran = counts.pass + counts.warn + counts.fail;
        Self { ran, applicable: ran + counts.error, total: ran + counts.error + counts.skipped }
    }

    /// Fewer than half of the applicable checks ran: a score would look like a result and
    /// is not one.
    pub fn is_inconclusive(&self) -> bool {
        self.ran * 2 < self.applicable || self.ran == 0
    }

    /// "43 of 52 checks ran" (with what did not, when something did not).
    pub fn sentence(&self) -> String {
        let errored = self.applicable - self.ran;
        let skipped = self.total - self.applicable;
        let mut out = format!("{} of {} checks ran", self.ran, self.total);
        let mut rest = Vec::new();
        if errored > 0 {
            rest.push(format!("{errored} could not run"));
        }
        if skipped > 0 {
            rest.push(format!("{skipped} skipped"));
        }
        if !rest.is_empty() {
            out.push_str(&format!(" ({})", rest.join(", ")));
        }
        out
    }
}

/// What one check concluded. Evidence lines are what was observed (already redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub summary: String,
    pub evidence: Vec<String>,
    /// Set on an `error` that something outside the check caused (see [`CauseKind`]).
    pub cause: Option<CauseKind>,
}

impl Outcome {
    fn new(status: Status, summary: impl Into<String>) -> Self {
        Self { status, summary: summary.into(), evidence: Vec::new(), cause: None }
    }
    /// The check could not run because of `cause`, which the summary describes.
    pub fn stopped(cause: CauseKind, summary: impl Into<String>) -> Self {
        Self { cause: Some(cause), ..Self::new(Status::Error, summary) }
    }
    pub fn pass(summary: impl Into<String>) -> Self {
        Self::new(Status::Pass, summary)
    }
    pub fn warn(summary: impl Into<String>) -> Self {
        Self::new(Status::Warn, summary)
    }
    pub fn fail(summary: impl Into<String>) -> Self {
        Self::new(Status::Fail, summary)
    }
    /// The check could not run; the summary says why.
    pub fn error(summary: impl Into<String>) -> Self {
        Self::new(Status::Error, summary)
    }
    /// The check does not apply or is not configured; the summary says why.
    pub fn skipped(summary: impl Into<String>) -> Self {
        Self::new(Status::Skipped, summary)
    }
    pub fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }
    pub fn evidence_lines(mut self, lines: impl IntoIterator<Item = String>) -> Self {
        self.evidence.extend(lines);
        self
    }

    /// Bounded for storage and display: what a check saw is the target's to choose (a page,
    /// a header, a DNS record), so neither the summary nor the evidence may grow with it.
    /// At most [`EVIDENCE_LINES`] lines of [`EVIDENCE_LINE_CHARS`] characters each, and a
    /// closing line that says how many were left out.
    pub fn capped(mut self) -> Self {
        self.summary = truncate_chars(&self.summary, SUMMARY_CHARS);
        let total = self.evidence.len();
        if total > EVIDENCE_LINES {
            self.evidence.truncate(EVIDENCE_LINES - 1);
            self.evidence.push(format!("… and {} more lines", total - (EVIDENCE_LINES - 1)));
        }
        for line in &mut self.evidence {
            if line.chars().count() > EVIDENCE_LINE_CHARS {
                *line = truncate_chars(line, EVIDENCE_LINE_CHARS);
            }
        }
        self
    }
}

/// Evidence lines kept per finding.
pub const EVIDENCE_LINES: usize = 25;
/// Characters kept per evidence line.
pub const EVIDENCE_LINE_CHARS: usize = 300;
/// Characters kept of a finding's summary.
pub const SUMMARY_CHARS: usize = 500;

/// The first `max` characters, ending in `…` when something was cut.
fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((cut, _)) if text.chars().count() > max => format!("{}…", &text[..cut]),
        _ => text.to_owned(),
    }
}

/// Points of one finding: what it could earn and what it earned (shown next to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    pub earned: u32,
    pub possible: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub status: Status,
    pub title: String,
    pub summary: String,
    pub evidence: Vec<String>,
    pub points: Points,
    pub active: bool,
    pub why: String,
    pub fix: String,
    pub references: Vec<String>,
    pub sprint_item: String,
    pub duration_ms: u64,
    /// What kept this check from running, when it was not the check's own business.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<CauseKind>,
}

impl Finding {
    /// The word shown for the status: "blocked by the edge" and "could not run" for errors
    /// with a known cause, the status itself otherwise.
    pub fn state_label(&self) -> &'static str {
        match (self.status, self.cause) {
            (Status::Error, Some(cause)) => cause.label(),
            (status, _) => status.as_str(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: u32,
    pub warn: u32,
    pub fail: u32,
    pub error: u32,
    pub skipped: u32,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Self {
        let mut counts = Self::default();
        for finding in findings {
            match finding.status {
                Status::Pass => counts.pass += 1,
                Status::Warn => counts.warn += 1,
                Status::Fail => counts.fail += 1,
                Status::Error => counts.error += 1,
                Status::Skipped => counts.skipped += 1,
            }
        }
        counts
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Version of this document's shape (docs/scan-output.md).
    pub schema_version: u32,
    pub engine_version: String,
    /// Version of the catalog and scoring rules that judged this audit (docs/scoring.md):
    /// a grade that changes with it may be our rules changing, not the site.
    pub rubric_version: u32,
    pub target: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub duration_ms: u64,
    /// None when too little was measured for a number to mean anything ([`Coverage::is_inconclusive`]).
    pub score: Option<u32>,
    pub grade: Option<Grade>,
    pub decision: Decision,
    /// One sentence that explains the decision.
    pub decision_reason: String,
    pub coverage: Coverage,
    /// What kept checks from running, one entry per cause.
    pub causes: Vec<Cause>,
    pub active: bool,
    pub requests: u32,
    pub counts: Counts,
    pub checks: Vec<Finding>,
}

/// 2: `score` and `grade` may be null, `rubric_version`, `coverage`, `causes` and a finding's
/// `cause` were added.
pub const SCHEMA_VERSION: u32 = 2;

/// Groups the findings that carry a cause under it, in catalog order of their checks.
pub fn causes_of(findings: &[Finding]) -> Vec<Cause> {
    let mut causes: Vec<Cause> = Vec::new();
    for finding in findings {
        let Some(kind) = finding.cause.filter(|_| finding.status == Status::Error) else { continue };
        match causes.iter_mut().find(|c| c.kind == kind) {
            Some(cause) => cause.checks.push(finding.id.clone()),
            None => causes.push(Cause { kind, summary: finding.summary.clone(), checks: vec![finding.id.clone()] }),
        }
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_and_summary_are_capped_whatever_the_target_sends() {
        let huge = "é".repeat(100_000);
        let outcome = Outcome::fail(huge.clone()).evidence_lines((0..1000).map(|n| format!("{n}: {huge}"))).capped();
        assert_eq!(outcome.evidence.len(), EVIDENCE_LINES);
        assert_eq!(outcome.evidence.last().unwrap(), "… and 976 more lines");
        assert!(outcome.evidence.iter().all(|l| l.chars().count() <= EVIDENCE_LINE_CHARS));
        assert!(outcome.evidence[0].ends_with('…') && outcome.evidence[0].starts_with("0: é"));
        assert_eq!(outcome.summary.chars().count(), SUMMARY_CHARS);
        let stored: usize = outcome.evidence.iter().map(String::len).sum::<usize>() + outcome.summary.len();
        assert!(stored < 20_000, "{stored} bytes");

        let small = Outcome::pass("fine").evidence("one line").capped();
        assert_eq!((small.summary.as_str(), small.evidence), ("fine", vec!["one line".to_owned()]));
        let exact = "x".repeat(EVIDENCE_LINE_CHARS);
        assert_eq!(Outcome::pass("ok").evidence(exact.clone()).capped().evidence, vec![exact]);
    }
}
