//! What a Stripe subscription means for the plan, and what the billing page shows. Pure: the
//! rule is tested without a database, and the view types compile to WASM.

use crate::plans::{Plan, PlanLimits, UsageLine};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Stripe's subscription statuses. Anything we do not know grants nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Canceled,
    Incomplete,
    IncompleteExpired,
    Paused,
    Other,
}

impl SubscriptionStatus {
    pub fn parse(text: &str) -> Self {
        match text {
            "trialing" => Self::Trialing,
            "active" => Self::Active,
            "past_due" => Self::PastDue,
            "unpaid" => Self::Unpaid,
            "canceled" => Self::Canceled,
            "incomplete" => Self::Incomplete,
            "incomplete_expired" => Self::IncompleteExpired,
            "paused" => Self::Paused,
            _ => Self::Other,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Unpaid => "unpaid",
            Self::Canceled => "canceled",
            Self::Incomplete => "incomplete",
            Self::IncompleteExpired => "incomplete_expired",
            Self::Paused => "paused",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Trialing => "Trial",
            Self::Active => "Active",
            Self::PastDue => "Payment past due",
            Self::Unpaid => "Unpaid",
            Self::Canceled => "Canceled",
            Self::Incomplete => "Waiting for the first payment",
            Self::IncompleteExpired => "First payment failed",
            Self::Paused => "Paused",
            Self::Other => "Unknown",
        }
    }
    /// A subscription that still runs (paid, on trial, or retrying a failed payment): plan
    /// changes then go through the Customer Portal, never a second Checkout.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Active | Self::Trialing | Self::PastDue)
    }
    /// Which of several subscriptions of one customer decides the plan: the one that grants
    /// the most, then the newest.
    pub fn rank(self) -> u8 {
        match self {
            Self::Active | Self::Trialing => 3,
            Self::PastDue => 2,
            Self::Unpaid | Self::Incomplete | Self::Paused => 1,
            Self::Canceled | Self::IncompleteExpired | Self::Other => 0,
        }
    }
}

/// The subscription as last read from Stripe (not from an event: events arrive in any order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionState {
    pub id: String,
    pub status: SubscriptionStatus,
    pub price_id: Option<String>,
    pub period_end: Option<DateTime<Utc>>,
}

/// The configured Stripe prices of the paid plans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanPrices {
    pub pro: Option<String>,
    pub agency: Option<String>,
}

impl PlanPrices {
    pub fn plan_of(&self, price_id: &str) -> Option<Plan> {
        if self.pro.as_deref() == Some(price_id) {
            Some(Plan::Pro)
        } else if self.agency.as_deref() == Some(price_id) {
            Some(Plan::Agency)
        } else {
            None
        }
    }
    pub fn price_of(&self, plan: Plan) -> Option<&str> {
        match plan {
            Plan::Free => None,
            Plan::Pro => self.pro.as_deref(),
            Plan::Agency => self.agency.as_deref(),
        }
    }
}

/// The plan a subscription grants at `now`. Active and trialing grant their price's plan;
/// past due keeps it for `grace` from when it was first seen past due; everything else (unpaid,
/// canceled, incomplete, an unknown price) is Free.
pub fn plan_for(
    state: Option<&SubscriptionState>,
    past_due_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    grace: Duration,
    prices: &PlanPrices,
) -> Plan {
    let Some(state) = state else { return Plan::Free };
    let Some(paid) = state.price_id.as_deref().and_then(|p| prices.plan_of(p)) else { return Plan::Free };
    match state.status {
        SubscriptionStatus::Active | SubscriptionStatus::Trialing => paid,
        SubscriptionStatus::PastDue if past_due_since.is_none_or(|since| now < since + grace) => paid,
        _ => Plan::Free,
    }
}

/// The billing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingView {
    pub plan: Plan,
    pub limits: PlanLimits,
    /// Every plan, for the comparison table.
    pub plans: Vec<(Plan, PlanLimits)>,
    pub usage: Vec<UsageLine>,
    /// False when this installation has no Stripe keys: everything runs on the Free plan.
    pub billing_enabled: bool,
    /// Plans that can be bought here (their price is configured).
    pub purchasable: Vec<Plan>,
    pub has_customer: bool,
    pub status: Option<SubscriptionStatus>,
    pub period_end: Option<DateTime<Utc>>,
    /// Set while past due: when the plan falls back to Free unless the payment succeeds.
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub changes: Vec<PlanChangeView>,
    /// Only owners and admins may change the plan.
    pub can_manage: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChangeView {
    pub from: Plan,
    pub to: Plan,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> PlanPrices {
        PlanPrices { pro: Some("price_pro".into()), agency: Some("price_agency".into()) }
    }
    fn sub(status: &str, price: &str) -> SubscriptionState {
        SubscriptionState { id: "sub_1".into(), status: SubscriptionStatus::parse(status), price_id: Some(price.into()), period_end: None }
    }

    #[test]
    fn statuses_map_to_plans_with_a_grace_period_for_past_due() {
        let now = Utc::now();
        let grace = Duration::days(7);
        let plan = |s: &SubscriptionState, since| plan_for(Some(s), since, now, grace, &prices());
        assert_eq!(plan(&sub("active", "price_pro"), None), Plan::Pro);
        assert_eq!(plan(&sub("trialing", "price_agency"), None), Plan::Agency);
        assert_eq!(plan(&sub("past_due", "price_pro"), Some(now - Duration::days(6))), Plan::Pro);
        assert_eq!(plan(&sub("past_due", "price_pro"), Some(now - Duration::days(7))), Plan::Free);
        for status in ["unpaid", "canceled", "incomplete", "incomplete_expired", "paused", "something_new"] {
            assert_eq!(plan(&sub(status, "price_pro"), None), Plan::Free, "{status}");
        }
        assert_eq!(plan(&sub("active", "price_unknown"), None), Plan::Free);
        assert_eq!(plan_for(None, None, now, grace, &prices()), Plan::Free);
    }
}
