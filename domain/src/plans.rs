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

/// A count that may be unlimited. In configuration: a number, or the string `"unlimited"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Quota {
    Limited(u32),
    Unlimited(Unlimited),
}

/// The word `unlimited`, as configuration spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unlimited {
    Unlimited,
}

impl Quota {
    pub const UNLIMITED: Self = Self::Unlimited(Unlimited::Unlimited);

    /// Whether `used + 1` still fits.
    pub fn has_room(self, used: u64) -> bool {
        match self {
            Self::Limited(n) => used < u64::from(n),
            Self::Unlimited(_) => true,
        }
    }
    /// How many of `used` may stay active.
    pub fn allows(self, used: u64) -> u64 {
        match self {
            Self::Limited(n) => used.min(u64::from(n)),
            Self::Unlimited(_) => used,
        }
    }
    /// The number, or `None` when unlimited.
    pub fn limit(self) -> Option<u64> {
        match self {
            Self::Limited(n) => Some(u64::from(n)),
            Self::Unlimited(_) => None,
        }
    }
    pub fn label(self) -> String {
        match self {
            Self::Limited(n) => n.to_string(),
            Self::Unlimited(_) => "unlimited".into(),
        }
    }
}

impl From<u32> for Quota {
    fn from(n: u32) -> Self {
        Self::Limited(n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanLimits {
    /// What the billing page shows as the price (Stripe's price decides what is charged).
    pub price_label: String,
    pub products: Quota,
    pub monitors: Quota,
    /// The shortest interval a monitor may have.
    pub monitor_min_interval_secs: u32,
    /// The most frequent audit schedule allowed.
    pub scheduled_audits: AuditSchedule,
    /// People with an account in the organisation (client users of a workspace not counted).
    pub members: Quota,
    pub workspaces: Quota,
    pub alert_channels: Vec<ChannelKind>,
    /// Alert channels an organisation may have (each alert goes to every one of them).
    pub channels: Quota,
    /// Audits a person or the API may ask for in an hour (scheduled ones not counted): the
    /// scanners are shared, so no organisation may keep them busy for everyone.
    pub audits_per_hour: u32,
    /// Bursts and hostile input against a verified domain.
    pub active_probes: bool,
    pub status_pages: bool,
    pub share_links: bool,
    /// Reports and status pages without launchready's branding.
    pub white_label: bool,
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
                price_label: "$0".into(),
                products: 1.into(),
                monitors: 5.into(),
                monitor_min_interval_secs: 300,
                scheduled_audits: AuditSchedule::Weekly,
                members: 1.into(),
                workspaces: 1.into(),
                alert_channels: vec![Email],
                channels: 3.into(),
                audits_per_hour: 10,
                active_probes: false,
                status_pages: false,
                share_links: false,
                white_label: false,
            },
            pro: PlanLimits {
                price_label: "$29 / month".into(),
                products: 10.into(),
                monitors: 100.into(),
                monitor_min_interval_secs: 60,
                scheduled_audits: AuditSchedule::Daily,
                members: 5.into(),
                workspaces: 1.into(),
                alert_channels: vec![Email, Slack, Webhook],
                channels: 20.into(),
                audits_per_hour: 60,
                active_probes: true,
                status_pages: true,
                share_links: true,
                white_label: false,
            },
            agency: PlanLimits {
                price_label: "$149 / month".into(),
                products: 100.into(),
                monitors: 2000.into(),
                monitor_min_interval_secs: 60,
                scheduled_audits: AuditSchedule::Daily,
                members: 25.into(),
                workspaces: Quota::UNLIMITED,
                alert_channels: vec![Email, Slack, Webhook],
                channels: 100.into(),
                audits_per_hour: 300,
                active_probes: true,
                status_pages: true,
                share_links: true,
                white_label: true,
            },
        }
    }
}

impl PlanTable {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Pro, Plan::Agency];

    pub fn limits(&self, plan: Plan) -> &PlanLimits {
        match plan {
            Plan::Free => &self.free,
            Plan::Pro => &self.pro,
            Plan::Agency => &self.agency,
        }
    }
}

/// What a plan counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Products,
    Monitors,
    Members,
    Workspaces,
    Channels,
}

impl Resource {
    pub const ALL: [Resource; 5] = [Self::Products, Self::Monitors, Self::Members, Self::Workspaces, Self::Channels];

    pub fn key(self) -> &'static str {
        match self {
            Self::Products => "products",
            Self::Monitors => "monitors",
            Self::Members => "members",
            Self::Workspaces => "workspaces",
            Self::Channels => "channels",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Products => "Products",
            Self::Monitors => "Monitors",
            Self::Members => "Members",
            Self::Workspaces => "Workspaces",
            Self::Channels => "Alert channels",
        }
    }
    pub fn quota(self, limits: &PlanLimits) -> Quota {
        match self {
            Self::Products => limits.products,
            Self::Monitors => limits.monitors,
            Self::Members => limits.members,
            Self::Workspaces => limits.workspaces,
            Self::Channels => limits.channels,
        }
    }
}

/// One line of the billing page: how many of something, against the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub resource: Resource,
    pub used: u64,
    pub paused: u64,
    pub quota: Quota,
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

    #[test]
    fn quotas_read_numbers_or_unlimited_and_count_room() {
        let limited: Quota = serde_json::from_str("3").unwrap();
        let unlimited: Quota = serde_json::from_str("\"unlimited\"").unwrap();
        assert_eq!((limited, unlimited), (Quota::Limited(3), Quota::UNLIMITED));
        assert!(serde_json::from_str::<Quota>("\"lots\"").is_err());
        assert!(limited.has_room(2) && !limited.has_room(3));
        assert!(unlimited.has_room(u64::from(u32::MAX)));
        assert_eq!((limited.allows(5), limited.allows(1), unlimited.allows(9)), (3, 1, 9));
    }
}
