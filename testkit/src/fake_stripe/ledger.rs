//! What the fake knows: customers, Checkout Sessions, subscriptions, portal sessions and the
//! events it sent, in memory.

use std::collections::BTreeMap;

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub mode: String,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub client_reference_id: Option<String>,
    pub price: Option<String>,
    pub amount: Option<i64>,
    pub currency: String,
    pub product_name: Option<String>,
    pub success_url: String,
    pub cancel_url: String,
    pub metadata: BTreeMap<String, String>,
    /// open | complete
    pub status: String,
    /// unpaid | paid
    pub payment_status: String,
    pub subscription: Option<String>,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub price: String,
    pub status: String,
    pub created: i64,
    pub period_end: i64,
}

#[derive(Debug, Clone)]
pub struct PortalSession {
    pub id: String,
    pub customer: String,
    pub return_url: String,
}

/// Everything the fake knows; tests read and change it directly.
#[derive(Debug, Default)]
pub struct Ledger {
    pub customers: BTreeMap<String, Customer>,
    pub sessions: BTreeMap<String, Session>,
    pub subscriptions: BTreeMap<String, Subscription>,
    pub portals: BTreeMap<String, PortalSession>,
    /// Every event sent, in order: (id, type).
    pub events: Vec<(String, String)>,
    next: u64,
}

impl Ledger {
    pub(super) fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}_test{:08}", self.next)
    }
}
