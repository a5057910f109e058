//! A ticket-ready Markdown document: the verdict table, what must be fixed (worst first, with
//! evidence, fix and references), what could not be checked, and the passed checks folded away.
//!
//! Titles, why, fix and references come from the catalog and are Markdown already; summaries
//! and evidence come from the scanned site, so they are escaped (inline) or fenced (evidence).

use super::layout::{human_duration, printable};
use crate::model::{Finding, Scorecard, Status};
use std::fmt::Write;

/// Escapes what Markdown (and the HTML GitHub lets through) would interpret in inline text.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A fenced block that the content cannot close: the fence is longer than any backtick run.
fn code_block(out: &mut String, lines: &[String]) {
    let longest = lines.iter().flat_map(|l| l.split(|c| c != '`').map(str::len)).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}text");
    for line in lines {
        let _ = writeln!(out, "{}", printable(line));
    }
    let _ = writeln!(out, "{fence}");
}

fn must_fix(card: &Scorecard) -> Vec<&Finding> {
    let mut list: Vec<&Finding> = card.checks.iter().filter(|f| matches!(f.status, Status::Fail | Status::Warn)).collect();
    list.sort_by_key(|f| (f.severity, f.status));
    list
}

pub fn render(card: &Scorecard) -> String {
    let mut out = String::new();
    let c = &card.counts;
    let _ = writeln!(out, "# Launch readiness: {}", inline(&card.target));
    let _ = writeln!(out);
    let _ = writeln!(out, "| | |");
    let _ = writeln!(out, "|---|---|");
    let _ = writeln!(out, "| Decision | **{}**: {} |", card.decision.label(), inline(card.decision_reason.as_str()));
    match (card.grade, card.score) {
        (Some(grade), Some(score)) => {
            let _ = writeln!(out, "| Grade | **{}** |", grade.as_str());
            let _ = writeln!(out, "| Score | {score}/100, over what was measured: {} |", card.coverage.sentence());
        }
        _ => {
            let _ = writeln!(out, "| Grade | **not scored** |");
            let _ = writeln!(out, "| Score | none: only {}, too little for a score |", card.coverage.sentence());
        }
    }
    let _ = writeln!(out, "| Checks | {} fail, {} warn, {} error, {} pass, {} skipped |", c.fail, c.warn, c.error, c.pass, c.skipped);
    let mode = if card.active { "active probes included" } else { "passive checks only" };
    let _ = writeln!(
        out,
        "| Scanned | {} UTC, {}, {} requests, {mode} |",
        card.started_at.format("%Y-%m-%d %H:%M"),
        human_duration(card.duration_ms),
        card.requests
    );
    let _ = writeln!(out, "| Engine | launchready {}, rubric v{} |", inline(&card.engine_version), card.rubric_version);
    if card.score.is_none() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "> **Not scored.** Only {}: the checks below could not run, so this audit cannot say whether the product is ready.",
            card.coverage.sentence()
        );
    }

    let fixes = must_fix(card);
    let _ = writeln!(out);
    let _ = writeln!(out, "## Must fix ({})", fixes.len());
    let _ = writeln!(out);
    if fixes.is_empty() {
        let _ = writeln!(out, "Nothing: no check failed or warned.");
    }
    for (n, f) in fixes.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {} ({}, {}): {}",
            n + 1,
            f.status.as_str().to_uppercase(),
            f.severity.as_str(),
            f.category.label(),
            f.title
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "`{}` · {}/{} points · {}", f.id, f.points.earned, f.points.possible, f.sprint_item);
        let _ = writeln!(out);
        let _ = writeln!(out, "**Found:** {}", inline(&f.summary));
        let _ = writeln!(out);
        if !f.evidence.is_empty() {
            code_block(&mut out, &f.evidence);
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "**Why it matters:** {}", f.why);
        let _ = writeln!(out);
        let _ = writeln!(out, "**Fix:** {}", f.fix);
        let _ = writeln!(out);
        if !f.references.is_empty() {
            let links: Vec<String> = f.references.iter().map(|r| format!("<{r}>")).collect();
            let _ = writeln!(out, "**References:** {}", links.join(", "));
            let _ = writeln!(out);
        }
    }

    let errors: Vec<&Finding> = card.checks.iter().filter(|f| f.status == Status::Error).collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "## Could not check ({})", errors.len());
        let _ = writeln!(out);
        let _ = writeln!(out, "These checks did not run to the end and are not scored; scan again once the cause is fixed.");
        let _ = writeln!(out);
        // One cause, one entry.
        for cause in &card.causes {
            let ids: Vec<String> = cause.checks.iter().map(|id| format!("`{id}`")).collect();
            let _ = writeln!(
                out,
                "- **{}** ({} checks): {}  \n  {}",
                cause.kind.label(),
                cause.checks.len(),
                inline(&cause.summary),
                ids.join(", ")
            );
        }
        for f in errors.iter().filter(|f| f.cause.is_none()) {
            let _ = writeln!(out, "- `{}` ({}): {}", f.id, f.severity.as_str(), inline(&f.summary));
        }
        let _ = writeln!(out);
    }

    folded(&mut out, "Passed checks", card.checks.iter().filter(|f| f.status == Status::Pass));
    folded(&mut out, "Skipped checks", card.checks.iter().filter(|f| f.status == Status::Skipped));
    out
}

fn folded<'a>(out: &mut String, label: &str, findings: impl Iterator<Item = &'a Finding>) {
    let findings: Vec<&Finding> = findings.collect();
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "<details>");
    let _ = writeln!(out, "<summary>{label} ({})</summary>", findings.len());
    let _ = writeln!(out);
    for f in findings {
        let _ = writeln!(out, "- `{}` {}: {}", f.id, f.title, inline(&f.summary));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "</details>");
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn title_and_verdict_table() {
        let out = render(&fixture::scorecard());
        assert!(out.starts_with("# Launch readiness: https://example.com/\n"), "{out}");
        assert!(out.contains("| Decision | **Hold**: critical check(s) failed: tls.cert.valid |"), "{out}");
        assert!(out.contains("| Grade | **D** |"));
        assert!(out.contains("| Score | 48/100, over what was measured: 5 of 7 checks ran (1 could not run, 1 skipped) |"), "{out}");
        assert!(out.contains("| Engine | launchready 0.1.0, rubric v2 |"));
        assert!(out.contains("| Checks | 2 fail, 1 warn, 1 error, 2 pass, 1 skipped |"));
        assert!(out.contains("| Scanned | 2025-03-01 10:00 UTC, 12.3 s, 87 requests, passive checks only |"));
    }

    #[test]
    fn must_fix_is_ordered_by_severity_with_evidence_fix_and_references() {
        let out = render(&fixture::scorecard());
        assert!(out.contains("## Must fix (3)"));
        let pos = |needle: &str| out.find(needle).unwrap_or_else(|| panic!("{needle} missing in\n{out}"));
        assert!(
            pos("### 1. FAIL (critical, TLS): Title of tls.cert.valid")
                < pos("### 2. WARN (medium, Security headers): Title of headers.hsts")
        );
        assert!(pos("### 2. WARN") < pos("### 3. FAIL (low, Security headers): Title of headers.referrer"));
        assert!(out.contains("**Fix:** Fix tls.cert.valid like `this`."));
        assert!(out.contains("**References:** <https://example.org/ref/tls.cert.valid>, <https://example.org/second>"));
        assert!(out.contains("**Why it matters:** Why tls.cert.valid matters."));
    }

    #[test]
    fn evidence_is_fenced_so_it_cannot_escape() {
        let out = render(&fixture::scorecard());
        // The evidence holds a ``` run, so the fence is four backticks.
        assert!(out.contains("````text\nexample.com:443 notAfter 2024-01-01T00:00:00Z\nissuer: R3 ```fenced```\n````\n"), "{out}");
        assert!(out.contains("```text\nevil \\u{1b}[31mred\\u{1b}[0m <script>\n```\n"), "{out}");
        assert!(out.contains("**Found:** no Referrer-Policy \\| header"), "table and HTML characters in summaries are escaped");
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn errors_listed_and_passes_folded() {
        let out = render(&fixture::scorecard());
        assert!(out.contains("## Could not check (1)\n"));
        assert!(out.contains("- `http.redirect` (high): the request timed out"));
        assert!(out.contains("<details>\n<summary>Passed checks (2)</summary>\n\n- `dns.apex.resolves` Title of dns.apex.resolves: example.com has 1 A record\n"));
        assert!(out.contains("<summary>Skipped checks (1)</summary>"));
        assert!(!out.contains("**Fix:** Fix dns.apex.resolves"), "passed checks have no fix section");
    }

    #[test]
    fn one_cause_is_one_entry_and_no_score_when_too_little_ran() {
        let out = render(&fixture::unreachable());
        assert!(out.contains("| Grade | **not scored** |"), "{out}");
        assert!(out.contains("> **Not scored.** Only 2 of 7 checks ran"), "{out}");
        assert!(out.contains("- **could not run** (3 checks): https://example.com:443/ refused the connection  \n  `tls.cert.valid`, `headers.hsts`, `headers.csp`\n"), "{out}");
        assert!(out.contains("- `http.redirect` (high): the request timed out"), "an error without a shared cause stays on its own");
    }

    #[test]
    fn nothing_to_fix() {
        let mut card = fixture::scorecard();
        card.checks.retain(|f| f.status == Status::Pass);
        let out = render(&card);
        assert!(out.contains("## Must fix (0)\n\nNothing: no check failed or warned."));
        assert!(!out.contains("Could not check"));
    }
}
