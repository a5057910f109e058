//! The rubric: the version of the checks' judgements and the scoring rules. Every scorecard
//! records the version that judged it, so that when two audits of a product were judged by
//! different rubrics, the diff says so and a grade that moved with our rules is never shown
//! (or alerted) as the founder's regression.
//!
//! Bump [`CURRENT`] and add a [`RubricVersion`] saying what changed whenever a severity, a
//! pass criterion, a check's judgement or docs/scoring.md changes. The engine's test
//! `catalog::tests::the_rubric_fingerprint_is_pinned` fails when its catalog changes and this
//! version does not.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RubricVersion {
    pub version: u32,
    pub date: &'static str,
    pub changes: &'static [&'static str],
}

/// The rubric this build judges by.
pub const CURRENT: u32 = 2;

/// Scorecards stored before the rubric was versioned were judged by this one.
pub const FIRST: u32 = 1;

pub const HISTORY: &[RubricVersion] = &[
    RubricVersion {
        version: 1,
        date: "2026-11-22",
        changes: &["The first catalog: 52 checks; a check that could not run counted for nothing in the score or the decision."],
    },
    RubricVersion {
        version: 2,
        date: "2026-12-03",
        changes: &[
            "A decision needs evidence: a critical check that could not run holds the launch, a high one rules out Go, and when fewer than half of the checks ran there is no score or grade.",
            "Checks that could not run for one reason (the resolver, DNS, HTTPS, the main page, an edge's challenge page) are one finding.",
            "A CDN or WAF challenge page is never judged as the site: the checks that met it are \"blocked by the edge\".",
            "perf.static_caching expects long-term caching only of fingerprinted assets; favicons, robots.txt and other fixed URLs may revalidate.",
            "http.hsts and http.https.redirect count an HSTS preload list entry; headers.csp judges a header and a meta policy together.",
            "dns.edge.proxy passes only on addresses in a CDN's published ranges or an edge's response headers, no longer on nameservers.",
            "perf.latency states a real p95 per endpoint (20 samples each), with budgets per product, AI endpoints against their own.",
            "No false alarms on well-run sites: Google browser keys are public by design; a private-key BEGIN line needs its key body; load-balancer cookies behind HSTS and deleted cookies pass; an Authorization header keeps shared caches off (RFC 9111 §3.5); CORS reflection without credentials passes; a 2xx health answer passes; a null MX passes and skips MTA-STS and TLS-RPT; DKIM is skipped when no selector can be found rather than failed; the first same-host upgrade to HTTPS is not a counted redirect; a meta upgrade-insecure-requests counts.",
        ],
    },
];

/// What changed between two rubric versions (a diff across them), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RubricChange {
    pub from: u32,
    pub to: u32,
    /// The changes of every version after `from` up to `to`.
    pub changes: Vec<String>,
}

impl RubricChange {
    /// None when both audits were judged alike.
    pub fn between(from: u32, to: u32) -> Option<Self> {
        (from != to).then(|| {
            let (low, high) = (from.min(to), from.max(to));
            let changes = HISTORY
                .iter()
                .filter(|r| r.version > low && r.version <= high)
                .flat_map(|r| r.changes.iter().map(|c| (*c).to_owned()))
                .collect();
            Self { from, to, changes }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_dated_and_end_at_current() {
        let versions: Vec<u32> = HISTORY.iter().map(|r| r.version).collect();
        assert_eq!(versions, (FIRST..=CURRENT).collect::<Vec<_>>());
        for entry in HISTORY {
            assert!(chrono::NaiveDate::parse_from_str(entry.date, "%Y-%m-%d").is_ok(), "{}", entry.date);
            assert!(!entry.changes.is_empty());
        }
    }

    #[test]
    fn a_change_lists_what_happened_in_between() {
        assert_eq!(RubricChange::between(2, 2), None);
        let change = RubricChange::between(1, 2).unwrap();
        assert_eq!((change.from, change.to), (1, 2));
        assert_eq!(change.changes.len(), HISTORY[1].changes.len());
    }
}
