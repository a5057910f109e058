//! Throttling of the endpoints an attacker would hammer: sign-in, sign-up and password reset,
//! share links, and report previews (each one a mail),
//! per client (an IPv4 address or an IPv6 /64, see [`ClientAddr`]) and per account *from that
//! client*. The account budget is keyed on the pair on purpose: keyed on the account alone,
//! anyone who knows an address could spend its budget every minute and lock its owner out of
//! their own account. In-memory per process (governor's GCRA), which bounds a single node; a
//! multi-node deployment multiplies the budget by the node count.

use super::client_addr::ClientAddr;
use domain::DomainError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;

/// Attempts allowed; from configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ThrottlePolicy {
    pub sign_in_per_ip_per_minute: u32,
    pub sign_in_per_account_per_minute: u32,
    pub sign_up_per_ip_per_hour: u32,
    pub reset_per_ip_per_hour: u32,
    pub reset_per_account_per_hour: u32,
    /// Opens of share links (`/s/…`) from one client: enough for people, not for guessing.
    pub share_views_per_ip_per_minute: u32,
    /// Monthly report previews (each one a mail to the asker) from one client, and by one
    /// person from that client.
    pub report_previews_per_ip_per_hour: u32,
    pub report_previews_per_account_per_hour: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            sign_in_per_ip_per_minute: 20,
            sign_in_per_account_per_minute: 5,
            sign_up_per_ip_per_hour: 10,
            reset_per_ip_per_hour: 10,
            reset_per_account_per_hour: 3,
            share_views_per_ip_per_minute: 60,
            report_previews_per_ip_per_hour: 30,
            report_previews_per_account_per_hour: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignUp,
    Reset,
    ShareView,
    ReportPreview,
}

pub struct Throttles {
    sign_in_ip: DefaultKeyedRateLimiter<String>,
    sign_in_account: DefaultKeyedRateLimiter<String>,
    sign_up_ip: DefaultKeyedRateLimiter<String>,
    reset_ip: DefaultKeyedRateLimiter<String>,
    reset_account: DefaultKeyedRateLimiter<String>,
    share_view_ip: DefaultKeyedRateLimiter<String>,
    report_preview_ip: DefaultKeyedRateLimiter<String>,
    report_preview_account: DefaultKeyedRateLimiter<String>,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("max(1) is non-zero")
}

impl Throttles {
    pub fn new(policy: &ThrottlePolicy) -> Self {
        Self {
            sign_in_ip: RateLimiter::keyed(Quota::per_minute(nz(policy.sign_in_per_ip_per_minute))),
            sign_in_account: RateLimiter::keyed(Quota::per_minute(nz(policy.sign_in_per_account_per_minute))),
            sign_up_ip: RateLimiter::keyed(Quota::per_hour(nz(policy.sign_up_per_ip_per_hour))),
            reset_ip: RateLimiter::keyed(Quota::per_hour(nz(policy.reset_per_ip_per_hour))),
            reset_account: RateLimiter::keyed(Quota::per_hour(nz(policy.reset_per_account_per_hour))),
            share_view_ip: RateLimiter::keyed(Quota::per_minute(nz(policy.share_views_per_ip_per_minute))),
            report_preview_ip: RateLimiter::keyed(Quota::per_hour(nz(policy.report_previews_per_ip_per_hour))),
            report_preview_account: RateLimiter::keyed(Quota::per_hour(nz(policy.report_previews_per_account_per_hour))),
        }
    }

    /// Counts one attempt from `client` (and on `account` from that client, when known);
    /// refuses with the wait time once either budget is spent.
    pub fn check(&self, action: Action, client: ClientAddr, account: Option<&str>) -> Result<(), DomainError> {
        let (by_ip, by_account) = match action {
            Action::SignIn => (&self.sign_in_ip, Some(&self.sign_in_account)),
            Action::SignUp => (&self.sign_up_ip, None),
            Action::Reset => (&self.reset_ip, Some(&self.reset_account)),
            Action::ShareView => (&self.share_view_ip, None),
            Action::ReportPreview => (&self.report_preview_ip, Some(&self.report_preview_account)),
        };
        let bucket = client.bucket();
        Self::check_one(by_ip, &bucket)?;
        if let (Some(limiter), Some(account)) = (by_account, account) {
            Self::check_one(limiter, &format!("{}|{bucket}", account.trim().to_lowercase()))?;
        }
        Ok(())
    }

    fn check_one(limiter: &DefaultKeyedRateLimiter<String>, key: &str) -> Result<(), DomainError> {
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            DomainError::Throttled { retry_after_secs: wait.as_secs().max(1) }
        })
    }

    /// Drops keys whose budget is full again, so memory follows recent traffic only.
    pub fn forget_idle_keys(&self) {
        for limiter in [
            &self.sign_in_ip,
            &self.sign_in_account,
            &self.sign_up_ip,
            &self.reset_ip,
            &self.reset_account,
            &self.share_view_ip,
            &self.report_preview_ip,
            &self.report_preview_account,
        ] {
            limiter.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(text: &str) -> ClientAddr {
        ClientAddr::from(text.parse::<std::net::IpAddr>().unwrap())
    }

    #[test]
    fn refuses_after_the_budget_with_a_wait_time() {
        let throttles = Throttles::new(&ThrottlePolicy { sign_in_per_account_per_minute: 2, ..Default::default() });
        assert!(throttles.check(Action::SignIn, client("1.1.1.1"), Some("a@x.io")).is_ok());
        assert!(throttles.check(Action::SignIn, client("1.1.1.1"), Some("A@x.io")).is_ok());
        match throttles.check(Action::SignIn, client("1.1.1.1"), Some("a@x.io")) {
            Err(DomainError::Throttled { retry_after_secs }) => assert!((1..=60).contains(&retry_after_secs)),
            other => panic!("expected throttled, got {other:?}"),
        }
        assert!(throttles.check(Action::SignIn, client("1.1.1.1"), Some("b@x.io")).is_ok());
    }

    #[test]
    fn an_attacker_cannot_spend_the_owners_budget() {
        let throttles = Throttles::new(&ThrottlePolicy { sign_in_per_account_per_minute: 2, ..Default::default() });
        for _ in 0..2 {
            assert!(throttles.check(Action::SignIn, client("203.0.113.66"), Some("owner@x.io")).is_ok());
        }
        assert!(throttles.check(Action::SignIn, client("203.0.113.66"), Some("owner@x.io")).is_err());
        assert!(throttles.check(Action::SignIn, client("198.51.100.5"), Some("owner@x.io")).is_ok(), "the owner elsewhere");
    }

    #[test]
    fn an_ipv6_client_cannot_escape_by_rotating_addresses_in_its_64() {
        let throttles = Throttles::new(&ThrottlePolicy { sign_up_per_ip_per_hour: 2, ..Default::default() });
        assert!(throttles.check(Action::SignUp, client("2001:db8:0:1::1"), None).is_ok());
        assert!(throttles.check(Action::SignUp, client("2001:db8:0:1::2"), None).is_ok());
        assert!(throttles.check(Action::SignUp, client("2001:db8:0:1:ffff::3"), None).is_err());
        assert!(throttles.check(Action::SignUp, client("2001:db8:0:2::1"), None).is_ok(), "another /64");
    }
}
