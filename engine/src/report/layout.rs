//! What every rendering shares: the reading order of findings, durations for people, and
//! text from the scanned site made safe to print.

use crate::model::Finding;

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
mod tests {
    use super::*;
    use crate::report::fixture;

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
