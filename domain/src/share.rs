//! Share links: a read-only copy of a scorecard, or of a workspace's summary, that opens
//! without signing in. What the creator chooses (the form), what the list shows, and what the
//! public page gets: only what it shows, never an internal id, an email or a monitor target.

use crate::scorecard::{Category, Counts, Decision, Grade, Severity, Status};
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a link may live, in days: the choices the form offers.
pub const EXPIRY_DAYS: [u32; 5] = [1, 7, 30, 90, 365];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareKind {
    /// One product's scorecard.
    Scorecard,
    /// The workspace's products at a glance.
    Workspace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareMode {
    /// What it showed when it was made, however the product changes.
    Snapshot,
    /// The latest finished audit each time it is opened.
    Latest,
}

impl ShareKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scorecard => "scorecard",
            Self::Workspace => "workspace",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Scorecard, Self::Workspace].into_iter().find(|k| k.as_str() == text)
    }
}

impl ShareMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Latest => "latest",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Snapshot, Self::Latest].into_iter().find(|m| m.as_str() == text)
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Snapshot => "Fixed: what it shows now",
            Self::Latest => "Follows the latest audit",
        }
    }
}

/// The form: a label for the list, how long it lives, and what it follows. A scorecard link
/// names its audit (a snapshot of that audit, or the product's latest).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub expires_in_days: String,
    #[serde(default)]
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareSpec {
    pub label: String,
    pub expires_in_days: u32,
    pub mode: ShareMode,
}

impl ShareForm {
    pub fn parse(&self) -> Result<ShareSpec, DomainError> {
        let mut errors = Vec::new();
        let label = self.label.trim().to_owned();
        if label.chars().count() > 120 {
            errors.push(crate::FieldError::new("label", "is longer than 120 characters"));
        }
        if label.chars().any(char::is_control) {
            errors.push(crate::FieldError::new("label", "must not contain control characters"));
        }
        let days = self.expires_in_days.trim().parse::<u32>().ok().filter(|d| EXPIRY_DAYS.contains(d));
        if days.is_none() {
            errors.push(crate::FieldError::new("expires_in_days", "choose 1, 7, 30, 90 or 365 days"));
        }
        let mode = ShareMode::parse(self.mode.trim());
        if mode.is_none() {
            errors.push(crate::FieldError::new("mode", "must be snapshot or latest"));
        }
        match (days, mode) {
            (Some(expires_in_days), Some(mode)) if errors.is_empty() => Ok(ShareSpec { label, expires_in_days, mode }),
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

/// A link in the workspace's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLinkView {
    pub id: Uuid,
    pub label: String,
    pub kind: ShareKind,
    pub mode: ShareMode,
    /// What it shows ("Scorecard of Acme shop", "Summary of Acme Inc.").
    pub subject: String,
    /// The full URL to hand out; `None` once revoked.
    pub url: Option<String>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
    pub views: u64,
    pub last_viewed_at: Option<DateTime<Utc>>,
    /// "Active", "Expired" or "Revoked", as of when the server read it (the browser has no
    /// clock of its own in WASM).
    pub state: String,
}

/// A link's state as the share list names it.
pub fn link_state(revoked: bool, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> &'static str {
    if revoked {
        "Revoked"
    } else if expires_at <= now {
        "Expired"
    } else {
        "Active"
    }
}

/// An agency's branding, on share links, status pages and client users' views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub name: String,
    /// Served from our origin (`/brand/…`), versioned by content.
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub accent: Option<String>,
    pub footer: String,
}

/// One finding as a shared scorecard shows it: no evidence lines (they can name internal
/// hosts and paths), the summary and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedFinding {
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    pub status: Status,
    pub state: String,
    pub summary: String,
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedScorecard {
    pub product: String,
    pub domain: String,
    pub audited_at: Option<DateTime<Utc>>,
    pub score: Option<u32>,
    pub grade: Option<Grade>,
    pub decision: Option<Decision>,
    pub decision_reason: Option<String>,
    pub counts: Option<Counts>,
    pub coverage: Option<String>,
    /// What could not be checked, one sentence per cause.
    pub causes: Vec<String>,
    pub findings: Vec<SharedFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedProduct {
    pub name: String,
    pub domain: String,
    pub decision: Option<Decision>,
    pub grade: Option<Grade>,
    pub score: Option<u32>,
    pub audited_at: Option<DateTime<Utc>>,
    pub uptime_7d: Option<f64>,
    pub open_incidents: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedWorkspace {
    pub name: String,
    pub products: Vec<SharedProduct>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SharedContent {
    Scorecard(SharedScorecard),
    Workspace(SharedWorkspace),
}

/// What `/s/{token}` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedPage {
    pub content: SharedContent,
    /// The agency's branding (Agency plan, when set); `None`: launchready's own.
    pub brand: Option<Brand>,
    pub title: String,
    /// When the content was taken (a snapshot) or read (latest).
    pub as_of: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_takes_only_offered_expiries_and_known_modes() {
        let form = |days: &str, mode: &str| ShareForm { label: "For Acme".into(), expires_in_days: days.into(), mode: mode.into() };
        assert_eq!(form("7", "snapshot").parse().unwrap().expires_in_days, 7);
        assert_eq!(form("30", "latest").parse().unwrap().mode, ShareMode::Latest);
        let fields = |f: ShareForm| match f.parse() {
            Err(DomainError::Invalid(list)) => list.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields(form("2", "snapshot")), ["expires_in_days"]);
        assert_eq!(fields(form("7", "forever")), ["mode"]);
        assert_eq!(fields(ShareForm { label: "x".repeat(121), expires_in_days: "7".into(), mode: "latest".into() }), ["label"]);
    }
}
