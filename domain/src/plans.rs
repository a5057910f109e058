//! Plans and their limits. The numbers are defaults that configuration overrides
//! (`[plans.free]`, `[plans.pro]`, `[plans.agency]`); code asks the table, never a constant.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
    Agency,
}

impl Plan {
    /// Unknown names fall back to Free: a typo never grants more.
    pub fn parse(text: &str) -> Self {
        match text {
            "pro" => Self::Pro,
            "agency" => Self::Agency,
            _ => Self::Free,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
            Self::Agency => "agency",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Free => "Free",
            Self::Pro => "Pro",
            Self::Agency => "Agency",
        }
    }
}

/// How often a product is audited without anyone asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditSchedule {
    Off,
    Weekly,
    Daily,
}

impl AuditSchedule {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "off" => Some(Self::Off),
            "weekly" => Some(Self::Weekly),
            "daily" => Some(Self::Daily),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Weekly => "weekly",
            Self::Daily => "daily",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::Weekly => "Weekly",
            Self::Daily => "Daily",
        }
    }
    pub fn period_secs(self) -> Option<i64> {
        match self {
            Self::Off => None,
            Self::Weekly => Some(7 * 24 * 3600),
            Self::Daily => Some(24 * 3600),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Email,
    Slack,
    Webhook,
}

impl ChannelKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Self::Email),
            "slack" => Some(Self::Slack),
            "webhook" => Some(Self::Webhook),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Slack => "slack",
            Self::Webhook => "webhook",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "Email",
            Self::Slack => "Slack",
            Self::Webhook => "Signed webhook",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanLimits {
    pub products: u32,
    pub monitors: u32,
    /// The shortest interval a monitor may have.
    pub monitor_min_interval_secs: u32,
    /// The most frequent audit schedule allowed.
    pub scheduled_audits: AuditSchedule,
    pub alert_channels: Vec<ChannelKind>,
    pub status_pages: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTable {
    pub free: PlanLimits,
    pub pro: PlanLimits,
    pub agency: PlanLimits,
}

impl Default for PlanTable {
    fn default() -> Self {
        use ChannelKind::*;
        Self {
            free: PlanLimits {
                products: 1,
                monitors: 5,
                monitor_min_interval_secs: 300,
                scheduled_audits: AuditSchedule::Weekly,
                alert_channels: vec![Email],
                status_pages: false,
            },
            pro: PlanLimits {
                products: 10,
                monitors: 100,
                monitor_min_interval_secs: 60,
                scheduled_audits: AuditSchedule::Daily,
                alert_channels: vec![Email, Slack, Webhook],
                status_pages: true,
            },
            agency: PlanLimits {
                products: 100,
                monitors: 2000,
                monitor_min_interval_secs: 60,
                scheduled_audits: AuditSchedule::Daily,
                alert_channels: vec![Email, Slack, Webhook],
                status_pages: true,
            },
        }
    }
}

impl PlanTable {
    pub fn limits(&self, plan: Plan) -> &PlanLimits {
        match plan {
            Plan::Free => &self.free,
            Plan::Pro => &self.pro,
            Plan::Agency => &self.agency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_plan_is_free_and_schedules_order_by_frequency() {
        assert_eq!(Plan::parse("enterprise"), Plan::Free);
        assert!(AuditSchedule::Daily > AuditSchedule::Weekly && AuditSchedule::Weekly > AuditSchedule::Off);
        let table = PlanTable::default();
        assert_eq!(table.limits(Plan::Free).monitor_min_interval_secs, 300);
        assert!(!table.limits(Plan::Free).alert_channels.contains(&ChannelKind::Slack));
    }
}
