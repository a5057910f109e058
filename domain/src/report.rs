//! The monthly client report: what one workspace's products did in one calendar month (UTC),
//! mailed on the first of the next month to the workspace's client users (or, without any, to
//! the organisation's owner and admins). Only measured numbers: a product with no audit or no
//! monitor checks says so instead of showing a grade or an uptime.

use crate::scorecard::{Decision, Grade};
use crate::share::Brand;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// A calendar month in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReportMonth {
    year: i32,
    /// 1–12.
    month: u32,
}

impl ReportMonth {
    /// The month `t` falls in.
    pub fn of(t: DateTime<Utc>) -> Self {
        Self { year: t.year(), month: t.month() }
    }

    /// The month before.
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { year: self.year, month: self.month - 1 }
        }
    }

    /// The month after.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }

    /// Its first instant.
    pub fn start(self) -> DateTime<Utc> {
        let day = NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN);
        Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
    }

    /// The first instant of the next month (the end, exclusive).
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    /// `YYYY-MM`, as stored in `workspaces.report_sent_for`.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    pub fn parse(key: &str) -> Option<Self> {
        let (year, month) = key.split_once('-')?;
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        ((1..=12).contains(&month) && (1970..=9999).contains(&year)).then_some(Self { year, month })
    }

    /// "November 2026".
    pub fn label(self) -> String {
        self.start().format("%B %Y").to_string()
    }
}

/// A finished audit as the report quotes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditGrade {
    pub at: DateTime<Utc>,
    /// `None` when the audit could not grade the product (`reason` says why).
    pub grade: Option<Grade>,
    pub score: Option<u32>,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
}

/// One product's month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductMonth {
    pub name: String,
    pub domain: String,
    /// The newest finished audit before the period ended.
    pub latest: Option<AuditGrade>,
    /// The newest finished audit before the period began: what the grade changed from.
    pub before: Option<AuditGrade>,
    /// Finished audits within the period.
    pub audits_in_period: u32,
    /// Monitor checks in the period (0: no uptime to show).
    pub checks: u32,
    pub failures: u32,
    /// Outages opened in the period.
    pub incidents: u32,
    /// Minutes of outage within the period (open ones counted up to its end).
    pub downtime_minutes: u64,
    /// Still open at the end of the period.
    pub incidents_open: u32,
    /// Titles of critical checks the latest audit failed.
    pub critical_open: Vec<String>,
}

impl ProductMonth {
    /// The share of successful checks, when there were any.
    pub fn uptime(&self) -> Option<f64> {
        (self.checks > 0).then(|| 100.0 * f64::from(self.checks - self.failures.min(self.checks)) / f64::from(self.checks))
    }

    /// "B → A", "A (unchanged)", "B (first audit)", … or why there is no grade.
    pub fn grade_line(&self) -> String {
        let Some(latest) = &self.latest else { return "not audited yet".into() };
        let Some(grade) = latest.grade else {
            let why = latest.reason.as_deref().unwrap_or("the audit could not grade it");
            return format!("not graded: {why}");
        };
        let score = latest.score.map(|s| format!(", score {s}/100")).unwrap_or_default();
        let change = if self.audits_in_period == 0 {
            format!(" (no audit this period; last on {})", latest.at.format("%e %b %Y").to_string().trim())
        } else {
            match self.before.as_ref().map(|before| before.grade) {
                None => " (first audit)".into(),
                Some(None) => " (the audit before could not grade it)".into(),
                Some(Some(was)) if was == grade => " (unchanged)".into(),
                // Grades order best first: a smaller grade is a better one.
                Some(Some(was)) if grade < was => format!(" (up from {was})"),
                Some(Some(was)) => format!(" (down from {was})"),
            }
        };
        let decision = latest.decision.map(|d| format!("; launch decision: {}", d.label())).unwrap_or_default();
        format!("{grade}{score}{change}{decision}")
    }
}

/// What the mail says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReport {
    /// Shown as the sender in the text: the agency's brand name on the Agency plan, else the
    /// organisation's name.
    pub organization: String,
    pub workspace: String,
    pub month: ReportMonth,
    pub from: DateTime<Utc>,
    /// The end of the period: the month's end, or the time of a preview.
    pub to: DateTime<Utc>,
    /// A preview covers the month so far and goes only to the person who asked.
    pub preview: bool,
    /// White-label: no launchready name in the mail.
    pub brand: Option<Brand>,
    /// The workspace's pages, relative to the site (`/app/w/acme-3f9a1c`).
    pub workspace_path: String,
    pub products: Vec<ProductMonth>,
}

impl MonthlyReport {
    /// "November 2026" or "December 2026 so far".
    pub fn period_label(&self) -> String {
        if self.preview {
            format!("{} so far", self.month.label())
        } else {
            self.month.label()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn months_roll_over_the_year_and_parse_their_keys() {
        let jan = ReportMonth::of(at(2027, 1, 15));
        assert_eq!(jan.previous().key(), "2026-12");
        assert_eq!(jan.previous().next(), jan);
        assert_eq!(jan.start(), Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(jan.previous().end(), jan.start());
        assert_eq!(ReportMonth::parse("2026-11").map(ReportMonth::label).as_deref(), Some("November 2026"));
        for bad in ["2026-13", "2026-0", "26", "x-01", ""] {
            assert_eq!(ReportMonth::parse(bad), None, "{bad}");
        }
    }

    fn audit(grade: Option<Grade>, day: u32) -> AuditGrade {
        AuditGrade { at: at(2026, 11, day), grade, score: grade.map(|_| 80), decision: Some(Decision::Go), reason: None }
    }

    fn product(latest: Option<AuditGrade>, before: Option<AuditGrade>, audits_in_period: u32) -> ProductMonth {
        ProductMonth {
            name: "Acme".into(),
            domain: "acme.test".into(),
            latest,
            before,
            audits_in_period,
            checks: 0,
            failures: 0,
            incidents: 0,
            downtime_minutes: 0,
            incidents_open: 0,
            critical_open: vec![],
        }
    }

    #[test]
    fn the_grade_line_names_the_change_or_why_there_is_none() {
        assert_eq!(product(None, None, 0).grade_line(), "not audited yet");
        let up = product(Some(audit(Some(Grade::A), 20)), Some(audit(Some(Grade::C), 1)), 2).grade_line();
        assert!(up.starts_with("A, score 80/100 (up from C)"), "{up}");
        assert!(product(Some(audit(Some(Grade::D), 20)), Some(audit(Some(Grade::B), 1)), 1).grade_line().contains("(down from B)"));
        assert!(product(Some(audit(Some(Grade::B), 20)), Some(audit(Some(Grade::B), 1)), 1).grade_line().contains("(unchanged)"));
        assert!(product(Some(audit(Some(Grade::B), 20)), None, 1).grade_line().contains("(first audit)"));
        assert!(product(Some(audit(Some(Grade::B), 3)), Some(audit(Some(Grade::B), 3)), 0).grade_line().contains("no audit this period"));
        let mut unscored = audit(None, 20);
        unscored.reason = Some("the site did not answer".into());
        assert_eq!(product(Some(unscored), None, 1).grade_line(), "not graded: the site did not answer");
    }

    #[test]
    fn uptime_only_from_checks() {
        let mut p = product(None, None, 0);
        assert_eq!(p.uptime(), None);
        p.checks = 200;
        p.failures = 1;
        assert_eq!(p.uptime(), Some(99.5));
    }
}
