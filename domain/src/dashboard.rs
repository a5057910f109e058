//! What the dashboard and the public status page show. Built from rollups, never from raw
//! results, so they stay fast however many checks ran.

use crate::audit::AuditSummary;
use crate::monitor::{IncidentView, MonitorState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Upper bounds (ms) of the latency histogram buckets kept in rollups; one more bucket holds
/// everything slower.
pub const LATENCY_BUCKETS_MS: [u32; 10] = [50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000];
pub const HISTOGRAM_LEN: usize = LATENCY_BUCKETS_MS.len() + 1;

/// The histogram bucket of one latency.
pub fn latency_bucket(ms: u32) -> usize {
    LATENCY_BUCKETS_MS.iter().position(|bound| ms <= *bound).unwrap_or(LATENCY_BUCKETS_MS.len())
}

/// The 95th percentile as the upper bound of the bucket it falls in (`None` without data;
/// the overflow bucket reads as the last bound).
pub fn p95_ms(histogram: &[u64; HISTOGRAM_LEN]) -> Option<u32> {
    let total: u64 = histogram.iter().sum();
    if total == 0 {
        return None;
    }
    let needed = (total * 95).div_ceil(100);
    let mut seen = 0;
    for (i, count) in histogram.iter().enumerate() {
        seen += count;
        if seen >= needed {
            return Some(*LATENCY_BUCKETS_MS.get(i).unwrap_or(&LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.len() - 1]));
        }
    }
    None
}

/// One day (UTC) of checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayUptime {
    pub day: DateTime<Utc>,
    pub checks: u32,
    pub failures: u32,
}

impl DayUptime {
    /// Percent of checks that passed; `None` for a day without checks.
    pub fn uptime_pct(&self) -> Option<f64> {
        (self.checks > 0).then(|| 100.0 * f64::from(self.checks - self.failures.min(self.checks)) / f64::from(self.checks))
    }
}

/// Percent of passed checks over several days.
pub fn uptime_over(days: &[DayUptime]) -> Option<f64> {
    let checks: u32 = days.iter().map(|d| d.checks).sum();
    let failures: u32 = days.iter().map(|d| d.failures.min(d.checks)).sum();
    (checks > 0).then(|| 100.0 * f64::from(checks - failures) / f64::from(checks))
}

/// A percentage without trailing zeros, rounded down so 99.999 never reads as 100:
/// `99.8`, `99.95`, `100`. Pages and mails write uptimes with it.
pub fn percent(value: f64) -> String {
    // The epsilon keeps 99.8 (stored as 99.79999…) from reading as 99.79.
    let floored = (value * 100.0 + 1e-6).floor() / 100.0;
    let text = format!("{floored:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// A monitor with failures in the window, for "top failing endpoints".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailingMonitor {
    pub monitor_id: Uuid,
    pub name: String,
    pub target: String,
    pub failures: u32,
    pub checks: u32,
}

/// One product on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductHealth {
    pub product_id: Uuid,
    pub name: String,
    pub apex_domain: String,
    /// The newest finished audit.
    pub latest_audit: Option<AuditSummary>,
    /// Scores of the recent finished audits, oldest first.
    pub score_trend: Vec<(DateTime<Utc>, u32)>,
    /// The last 7 days, oldest first (days without checks included, with zero checks).
    pub uptime_days: Vec<DayUptime>,
    pub uptime_7d: Option<f64>,
    pub p95_ms_7d: Option<u32>,
    pub server_errors_7d: u32,
    pub monitors: u32,
    pub monitors_down: u32,
    pub open_incidents: Vec<IncidentView>,
    pub failed_deliveries_7d: u32,
    pub top_failing: Vec<FailingMonitor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub products: Vec<ProductHealth>,
    /// Alert deliveries that gave up in the last 7 days, workspace-wide.
    pub failed_deliveries_7d: u32,
}

/// A monitor as the public sees it: its name and state, never its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicMonitor {
    pub name: String,
    pub state: MonitorState,
}

/// An incident as the public sees it: which service, when; no error text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIncident {
    pub monitor_name: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPage {
    pub product_name: String,
    /// Up when every enabled monitor is up or unknown.
    pub overall: MonitorState,
    pub monitors: Vec<PublicMonitor>,
    /// The last 90 days, oldest first.
    pub days: Vec<DayUptime>,
    pub uptime_90d: Option<f64>,
    pub incidents: Vec<PublicIncident>,
    pub generated_at: DateTime<Utc>,
    /// The agency's branding (Agency plan, when set) in place of launchready's.
    #[serde(default)]
    pub brand: Option<crate::share::Brand>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_reads_the_bucket_bound() {
        let mut h = [0u64; HISTOGRAM_LEN];
        assert_eq!(p95_ms(&h), None);
        h[latency_bucket(30)] = 94;
        h[latency_bucket(450)] = 6;
        assert_eq!(p95_ms(&h), Some(500));
        h[latency_bucket(30)] = 96;
        h[latency_bucket(450)] = 4;
        assert_eq!(p95_ms(&h), Some(50));
        assert_eq!(latency_bucket(20_000), 10);
    }

    #[test]
    fn uptime_ignores_empty_days() {
        let day = |checks, failures| DayUptime { day: Utc::now(), checks, failures };
        assert_eq!(day(0, 0).uptime_pct(), None);
        assert_eq!(uptime_over(&[day(100, 1), day(0, 0), day(100, 1)]), Some(99.0));
    }
}
