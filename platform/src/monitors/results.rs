//! What one check found, and the changes that raise alerts.

use crate::ids::{IncidentId, MonitorId, OrgId, ProductId, WorkspaceId};
use chrono::{DateTime, Utc};

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub monitor_id: MonitorId,
    pub slot: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
    pub ok: bool,
    /// A CDN's or WAF's challenge page answered instead of the site: `ok` is false, but the
    /// check measured nothing (neither up nor down, and not counted in uptime).
    pub blocked: bool,
    pub latency_ms: Option<u32>,
    pub status_code: Option<u16>,
    /// Why it failed, or what it saw ("200 OK in 35 ms").
    pub message: String,
    /// Days until the served certificate expires (HTTPS and TLS monitors).
    pub cert_days_left: Option<i64>,
}

/// Who a state change concerns, for the alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorRef {
    pub id: MonitorId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub product_id: ProductId,
    pub name: String,
    pub target: String,
}

/// A change that raises an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    IncidentOpened {
        incident_id: IncidentId,
        monitor: MonitorRef,
        at: DateTime<Utc>,
        cause: String,
    },
    IncidentResolved {
        incident_id: IncidentId,
        monitor: MonitorRef,
        opened_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    CertExpiring {
        monitor: MonitorRef,
        days_left: i64,
        stage: i32,
    },
    /// The edge has answered instead of the site for `confirm_failures` checks in a row.
    EdgeBlocked {
        monitor: MonitorRef,
        at: DateTime<Utc>,
        cause: String,
    },
    /// A blocked monitor reaches the site again.
    EdgeCleared {
        monitor: MonitorRef,
        at: DateTime<Utc>,
    },
}

/// Certificate warnings go out once per stage, at 30, 14 and 7 days left.
pub const CERT_STAGES: [i32; 3] = [30, 14, 7];

/// The warning stage `days_left` falls in, if any: the smallest stage that is still ≥ it.
pub fn cert_stage(days_left: i64) -> Option<i32> {
    CERT_STAGES.iter().rev().copied().find(|stage| days_left <= i64::from(*stage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_stages() {
        assert_eq!(cert_stage(45), None);
        assert_eq!(cert_stage(30), Some(30));
        assert_eq!(cert_stage(20), Some(30));
        assert_eq!(cert_stage(14), Some(14));
        assert_eq!(cert_stage(3), Some(7));
        assert_eq!(cert_stage(-2), Some(7));
    }
}
