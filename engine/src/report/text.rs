//! The scorecard for people at a terminal: a header with the decision, then every finding by
//! category, worst first. ANSI colour only when the caller asks for it.

use super::layout::{by_status_then_severity, human_duration, printable};
use crate::model::{Category, Decision, Scorecard, Status};
use std::fmt::Write;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const MAGENTA: &str = "\x1b[35m";

struct Paint {
    colour: bool,
}

impl Paint {
    fn wrap(&self, codes: &[&str], text: &str) -> String {
        if self.colour && !codes.is_empty() {
            format!("{}{text}{RESET}", codes.concat())
        } else {
            text.to_owned()
        }
    }
}

fn decision_codes(decision: Decision) -> &'static [&'static str] {
    match decision {
        Decision::Go => &[BOLD, GREEN],
        Decision::GoAfterFixes => &[BOLD, YELLOW],
        Decision::Hold => &[BOLD, RED],
    }
}

fn status_tag(status: Status) -> (&'static str, &'static [&'static str]) {
    match status {
        Status::Fail => ("FAIL", &[BOLD, RED]),
        Status::Warn => ("WARN", &[YELLOW]),
        Status::Error => ("ERROR", &[MAGENTA]),
        Status::Pass => ("PASS", &[GREEN]),
        Status::Skipped => ("SKIP", &[DIM]),
    }
}

/// Renders the scorecard; `colour` adds ANSI escapes (for a terminal that wants them).
pub fn render(card: &Scorecard, colour: bool) -> String {
    let p = Paint { colour };
    let mut out = String::new();
    let c = &card.counts;
    let total = c.pass + c.warn + c.fail + c.error + c.skipped;

    let _ = writeln!(out, "{} {}", p.wrap(&[BOLD], "launchready scan of"), p.wrap(&[BOLD], &printable(&card.target)));
    let _ = writeln!(
        out,
        "  Decision  {}  {}",
        p.wrap(decision_codes(card.decision), card.decision.label()),
        printable(card.decision_reason.as_str())
    );
    match (card.grade, card.score) {
        (Some(grade), Some(score)) => {
            let _ = writeln!(
                out,
                "  Grade     {}  (score {score}/100 over what was measured: {})",
                p.wrap(decision_codes(card.decision), grade.as_str()),
                card.coverage.sentence()
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  Grade     {}  (only {}: too little was measured for a score)",
                p.wrap(&[BOLD, MAGENTA], "not scored"),
                card.coverage.sentence()
            );
        }
    }
    let _ = writeln!(
        out,
        "  Checks    {} fail, {} warn, {} error, {} pass, {} skipped ({total} in all)",
        c.fail, c.warn, c.error, c.pass, c.skipped
    );
    let mode = if card.active { "active probes included" } else { "passive checks only" };
    let _ = writeln!(
        out,
        "  Took      {}, {} requests, {mode}, rubric v{}",
        human_duration(card.duration_ms),
        card.requests,
        card.rubric_version
    );

    // One cause, one entry: the checks it stopped are named here and not listed again below.
    for cause in &card.causes {
        let _ = writeln!(out);
        let label = format!("{} ({} checks)", cause.kind.heading(), cause.checks.len());
        let _ = writeln!(out, "{}", p.wrap(&[BOLD, MAGENTA], &label));
        let _ = writeln!(out, "  {}", printable(&cause.summary));
        let _ = writeln!(out, "  {}", p.wrap(&[DIM], &cause.checks.join(", ")));
    }

    let id_width = card.checks.iter().map(|f| f.id.chars().count()).max().unwrap_or(0);
    // Evidence and fix sit under the id column, indented a little further.
    let indent = " ".repeat(2 + 5 + 2 + 2);
    for category in Category::ALL {
        let findings = by_status_then_severity(card.checks.iter().filter(|f| f.category == category && f.cause.is_none()));
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", p.wrap(&[BOLD], category.label()));
        for f in findings {
            let (tag, codes) = status_tag(f.status);
            let points = format!("{}/{}", f.points.earned, f.points.possible);
            let _ = writeln!(
                out,
                "  {}  {:<id_width$}  {:<8}  {:>5}  {}",
                p.wrap(codes, &format!("{tag:<5}")),
                f.id,
                f.severity.as_str(),
                points,
                printable(&f.summary),
            );
            if f.status != Status::Pass {
                for line in &f.evidence {
                    let _ = writeln!(out, "{indent}{}", p.wrap(&[DIM], &printable(line)));
                }
            }
            if matches!(f.status, Status::Fail | Status::Warn) {
                let _ = writeln!(out, "{indent}fix: {}", printable(&f.fix));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn header_names_target_decision_grade_and_numbers() {
        let out = render(&fixture::scorecard(), false);
        let head: Vec<&str> = out.lines().take(5).collect();
        assert!(head[0].contains("https://example.com/"));
        assert!(head[1].contains("Hold") && head[1].contains("tls.cert.valid"), "{}", head[1]);
        assert!(head[2].contains("Grade     D") && head[2].contains("48/100") && head[2].contains("5 of 7 checks ran"), "{}", head[2]);
        assert!(head[3].contains("2 fail, 1 warn, 1 error, 2 pass, 1 skipped (7 in all)"), "{}", head[3]);
        assert!(head[4].contains("12.3 s") && head[4].contains("87 requests") && head[4].contains("rubric v2"), "{}", head[4]);
    }

    #[test]
    fn one_cause_is_one_entry_and_no_number_when_too_little_ran() {
        let card = fixture::unreachable();
        let out = render(&card, false);
        assert!(out.contains("Grade     not scored  (only 2 of 7 checks ran (4 could not run, 1 skipped)"), "{out}");
        assert!(out.contains("Could not run (3 checks)\n  https://example.com:443/ refused the connection\n  tls.cert.valid, headers.hsts, headers.csp\n"), "{out}");
        assert_eq!(out.matches("refused the connection").count(), 2, "the cause is printed once (and in the reason):\n{out}");
        assert!(!out.contains("ERROR  tls.cert.valid"), "{out}");
    }

    #[test]
    fn findings_are_grouped_by_category_and_ordered() {
        let out = render(&fixture::scorecard(), false);
        let pos = |needle: &str| out.find(needle).unwrap_or_else(|| panic!("{needle} missing in\n{out}"));
        // Categories in Category::ALL order.
        assert!(pos("DNS\n") < pos("TLS\n"));
        assert!(pos("TLS\n") < pos("HTTP and redirects\n"));
        assert!(pos("HTTP and redirects\n") < pos("Security headers\n"));
        assert!(pos("Security headers\n") < pos("API boundaries\n"));
        assert!(!out.contains("Email authentication"), "empty categories are left out");
        // Within headers: fail, then warn, then pass.
        assert!(pos("FAIL   headers.referrer") < pos("WARN   headers.hsts"));
        assert!(pos("WARN   headers.hsts") < pos("PASS   headers.csp"));
        // Line shape: tag, id, severity, points, summary.
        let line = out.lines().find(|l| l.contains("tls.cert.valid") && l.contains("FAIL")).unwrap();
        assert!(line.contains("critical") && line.contains("0/20") && line.contains("the certificate expired"), "{line}");
        let hsts = out.lines().find(|l| l.contains("WARN")).unwrap();
        assert!(hsts.contains("3/6"), "{hsts}");
    }

    #[test]
    fn evidence_and_fix_for_problems_only() {
        let out = render(&fixture::scorecard(), false);
        assert!(out.contains("notAfter 2024-01-01T00:00:00Z"));
        assert!(out.contains("fix: Fix tls.cert.valid like `this`."));
        assert!(out.contains("fix: Fix headers.hsts like `this`."));
        assert!(!out.contains("fix: Fix dns.apex.resolves"), "no fix for a pass");
        assert!(!out.contains("fix: Fix http.redirect"), "no fix for an error");
    }

    #[test]
    fn colour_only_when_asked() {
        let card = fixture::scorecard();
        let plain = render(&card, false);
        assert!(!plain.contains('\x1b'), "escape codes without colour, including evidence from the site:\n{plain}");
        assert!(plain.contains("\\u{1b}[31mred"), "control characters from the site are shown escaped");
        let coloured = render(&card, true);
        assert!(coloured.contains(&format!("{BOLD}{RED}Hold{RESET}")));
        assert!(coloured.contains(&format!("{GREEN}PASS {RESET}")));
        assert!(!coloured.contains("\x1b[31mred"), "the site's own escapes stay escaped");
    }

    #[test]
    fn decision_colours() {
        let mut card = fixture::scorecard();
        card.decision = Decision::Go;
        assert!(render(&card, true).contains(&format!("{BOLD}{GREEN}Go{RESET}")));
        card.decision = Decision::GoAfterFixes;
        assert!(render(&card, true).contains(&format!("{BOLD}{YELLOW}Go after fixes{RESET}")));
    }
}
