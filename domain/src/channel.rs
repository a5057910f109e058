//! Alert channels as the owner enters them, and what the browser sees of channels and of the
//! delivery log. The destination itself is never sent back: only a hint.

use crate::guard::Guard;
use crate::plans::ChannelKind;
use crate::{DomainError, FieldError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// As typed; `target` may be a secret URL, so `Debug` leaves it out.
/// A field the request left out reads as empty, so validation names it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelForm {
    pub name: String,
    pub kind: String,
    /// An email address, a Slack incoming-webhook URL or a webhook URL.
    pub target: String,
}

/// A validated channel; `target` is the secret part.
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelSpec {
    pub name: String,
    pub kind: ChannelKind,
    pub target: String,
}

impl std::fmt::Debug for ChannelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelSpec").field("name", &self.name).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ChannelForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelForm").field("name", &self.name).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl ChannelForm {
    pub fn validate(&self, guard: &Guard) -> Result<ChannelSpec, DomainError> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "give the channel a name of 1 to 100 characters"));
        }
        let kind = ChannelKind::parse(self.kind.trim());
        let target = self.target.trim();
        match kind {
            None => errors.push(FieldError::new("kind", "choose email, slack or webhook")),
            Some(ChannelKind::Email) => {
                if let Err(DomainError::Invalid(mut e)) = crate::email::EmailAddress::parse("target", target) {
                    errors.append(&mut e);
                }
            }
            Some(_) => match url::Url::parse(target) {
                Err(_) => errors.push(FieldError::new("target", "enter the full URL, starting with https://")),
                Ok(url) => {
                    if let Err(e) = guard.check_url(&url) {
                        errors.push(FieldError::new("target", e.to_string()));
                    } else if target.len() > 2048 {
                        errors.push(FieldError::new("target", "at most 2048 characters"));
                    }
                }
            },
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(ChannelSpec { name: name.to_owned(), kind: kind.expect("checked"), target: target.to_owned() })
    }
}

/// What the owner may see of a destination: an address in full (it is theirs), a URL by its
/// host and the last characters.
pub fn hint_of(kind: ChannelKind, target: &str) -> String {
    match kind {
        ChannelKind::Email => target.to_owned(),
        _ => match url::Url::parse(target) {
            Ok(url) => {
                let tail: String = target.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                format!("{}://{}/…{tail}", url.scheme(), url.host_str().unwrap_or("?"))
            }
            Err(_) => "…".into(),
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelView {
    pub id: Uuid,
    pub name: String,
    pub kind: ChannelKind,
    pub hint: String,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

/// The answer to creating a channel. A webhook's signing secret is shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCreated {
    pub channel: ChannelView,
    pub signing_secret: Option<String>,
}

impl std::fmt::Debug for ChannelCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelCreated").field("channel", &self.channel).finish_non_exhaustive()
    }
}

/// Where one alert to one channel stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Every attempt failed; no more will be made.
    Failed,
    /// Not sent: the organisation was over its hourly alert allowance.
    Suppressed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [Self::Pending, Self::Delivered, Self::Failed, Self::Suppressed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Suppressed => "suppressed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Delivered => "Delivered",
            Self::Failed => "Failed",
            Self::Suppressed => "Suppressed",
        }
    }
}

/// One alert to one channel, with how its delivery went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_name: String,
    pub channel_kind: ChannelKind,
    pub event_kind: String,
    pub subject: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_by_kind_and_hides_urls() {
        let guard = Guard::new(false);
        let form = |kind: &str, target: &str| ChannelForm { name: "Ops".into(), kind: kind.into(), target: target.into() };
        assert!(form("email", "ops@example.com").validate(&guard).is_ok());
        assert!(form("slack", "https://hooks.example.com/services/T/B/xyz").validate(&guard).is_ok());
        for bad in [form("email", "nope"), form("webhook", "http://10.0.0.1/hook"), form("webhook", "file:///etc/passwd"), form("sms", "x")]
        {
            assert!(bad.validate(&guard).is_err(), "{bad:?}");
        }
        let hint = hint_of(ChannelKind::Slack, "https://hooks.example.com/services/T/B/secretvalue");
        assert_eq!(hint, "https://hooks.example.com/…alue");
        let spec = form("webhook", "https://hooks.example.com/secret").validate(&guard).unwrap();
        assert!(!format!("{spec:?}").contains("secret"));
    }
}
