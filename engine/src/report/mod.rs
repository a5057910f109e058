//! Renderings of a scorecard: text for people, JSON for machines, SARIF for code-scanning
//! tools, Markdown for tickets. `launchready scan --format` picks one (docs/scan-output.md).

pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use super::model::{Finding, Scorecard};
use std::fmt;
use std::str::FromStr;

/// An output format of `launchready scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 4] = [Self::Text, Self::Json, Self::Markdown, Self::Sarif];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Markdown => "markdown",
            Self::Sarif => "sarif",
        }
    }

    /// `text`, `json`, `markdown` (or `md`), `sarif`; any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            "markdown" | "md" => Some(Self::Markdown),
            "sarif" => Some(Self::Sarif),
            _ => None,
        }
    }

    /// Renders `scorecard`; `colour` (ANSI escapes) only matters for text.
    pub fn render(self, scorecard: &Scorecard, colour: bool) -> String {
        match self {
            Self::Text => text::render(scorecard, colour),
            Self::Json => json::render(scorecard),
            Self::Markdown => markdown::render(scorecard),
            Self::Sarif => sarif::render(scorecard),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text).ok_or_else(|| format!("\"{text}\" is not a format; use text, json, markdown or sarif"))
    }
}

/// Findings in reading order: fail, warn, error, pass, skipped, then critical before low;
/// ties keep the scorecard's (catalog) order.
pub(crate) fn by_status_then_severity<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<&'a Finding> {
    let mut sorted: Vec<&Finding> = findings.into_iter().collect();
    sorted.sort_by_key(|f| (f.status, f.severity));
    sorted
}

/// `850 ms`, `12.3 s`, `2 min 05 s`.
pub(crate) fn human_duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        let secs = ms / 1000;
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

/// Text that came from the scanned site (summaries, evidence) can carry terminal escapes or
/// line breaks; renderers show control characters as `\u{..}` escapes.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A hand-made scorecard with one finding of every status, for the renderers' tests.

    use crate::model::{Category, Counts, Decision, Finding, Grade, Scorecard, Severity, Status, SCHEMA_VERSION};

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
            score: 48,
            grade: Grade::D,
            decision: Decision::Hold,
            decision_reason: "critical check(s) failed: tls.cert.valid".into(),
            active: false,
            requests: 87,
            counts: Counts::of(&checks),
            checks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_print_back() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()), Some(format));
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!(Format::parse(" JSON "), Some(Format::Json));
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
        assert_eq!(Format::parse("xml"), None);
        assert!("xml".parse::<Format>().unwrap_err().contains("text, json, markdown or sarif"));
        assert_eq!(Format::default(), Format::Text);
    }

    #[test]
    fn every_format_renders_the_fixture() {
        let card = fixture::scorecard();
        for format in Format::ALL {
            let out = format.render(&card, false);
            assert!(out.contains("example.com"), "{format}: {out}");
            assert!(out.ends_with('\n'), "{format} ends with a newline");
        }
    }

    #[test]
    fn reading_order_is_status_then_severity() {
        let card = fixture::scorecard();
        let ids: Vec<&str> = by_status_then_severity(&card.checks).iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            ["tls.cert.valid", "headers.referrer", "headers.hsts", "http.redirect", "dns.apex.resolves", "headers.csp", "api.rate-limit"]
        );
    }

    #[test]
    fn durations_and_control_characters() {
        assert_eq!(human_duration(850), "850 ms");
        assert_eq!(human_duration(12_345), "12.3 s");
        assert_eq!(human_duration(125_000), "2 min 05 s");
        assert_eq!(printable("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
    }
}
