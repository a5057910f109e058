//! Monitors as the owner declares them, and what the browser sees of them and their incidents.

use crate::guard::Guard;
use crate::{DomainError, FieldError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const DEFAULT_CONFIRMATIONS: u32 = 2;
pub const MAX_INTERVAL_SECS: u32 = 24 * 3600;
pub const MAX_CONFIRMATIONS: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitorKind {
    /// GET a URL: status, optional keyword, optional latency threshold.
    Http,
    /// The certificate of host[:port]: valid and far enough from expiry.
    TlsExpiry,
    /// A host name resolves to at least one address.
    Dns,
}

impl MonitorKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "http" => Some(Self::Http),
            "tls_expiry" => Some(Self::TlsExpiry),
            "dns" => Some(Self::Dns),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::TlsExpiry => "tls_expiry",
            Self::Dns => "dns",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Http => "HTTP(S)",
            Self::TlsExpiry => "TLS certificate",
            Self::Dns => "DNS",
        }
    }
}

/// The monitor form as typed (every field a string), for the web form and the JSON API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorForm {
    pub name: String,
    pub kind: String,
    pub target: String,
    #[serde(default)]
    pub interval_secs: String,
    #[serde(default)]
    pub expected_status: String,
    #[serde(default)]
    pub keyword: String,
    #[serde(default)]
    pub latency_threshold_ms: String,
    #[serde(default)]
    pub confirm_failures: String,
    #[serde(default)]
    pub confirm_successes: String,
    /// "on" (an HTML checkbox) or "true" enables; anything else pauses.
    #[serde(default)]
    pub enabled: String,
}

/// A monitor that passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorSpec {
    pub name: String,
    pub kind: MonitorKind,
    pub target: String,
    pub interval_secs: u32,
    pub expected_status: Option<u16>,
    pub keyword: Option<String>,
    pub latency_threshold_ms: Option<u32>,
    pub confirm_failures: u32,
    pub confirm_successes: u32,
    pub enabled: bool,
}

impl MonitorForm {
    /// Checks every field against the plan's shortest interval and the SSRF guard's static
    /// rules (scheme, credentials, literal addresses); reports all problems at once.
    pub fn validate(&self, min_interval_secs: u32, guard: &Guard) -> Result<MonitorSpec, DomainError> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "give the monitor a name of 1 to 100 characters"));
        }
        let kind = MonitorKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new("kind", "choose http, tls_expiry or dns"));
        }
        let target = match kind {
            Some(kind) => match parse_target(kind, self.target.trim(), guard) {
                Ok(t) => Some(t),
                Err(message) => {
                    errors.push(FieldError::new("target", message));
                    None
                }
            },
            None => None,
        };
        let interval = number(&mut errors, "interval_secs", &self.interval_secs, Some(min_interval_secs.max(60)));
        if let Some(secs) = interval {
            if secs < min_interval_secs {
                errors.push(FieldError::new("interval_secs", format!("your plan checks at most every {min_interval_secs} s")));
            } else if secs > MAX_INTERVAL_SECS {
                errors.push(FieldError::new("interval_secs", format!("at most {MAX_INTERVAL_SECS} s (one day)")));
            }
        }
        let expected_status = optional_number(&mut errors, "expected_status", &self.expected_status);
        if let Some(code) = expected_status {
            if !(100..=599).contains(&code) {
                errors.push(FieldError::new("expected_status", "an HTTP status between 100 and 599, or empty for any 2xx/3xx"));
            }
        }
        let keyword = Some(self.keyword.trim().to_owned()).filter(|k| !k.is_empty());
        if keyword.as_ref().is_some_and(|k| k.chars().count() > 200) {
            errors.push(FieldError::new("keyword", "at most 200 characters"));
        }
        let latency = optional_number(&mut errors, "latency_threshold_ms", &self.latency_threshold_ms);
        if latency.is_some_and(|ms| ms == 0 || ms > 60_000) {
            errors.push(FieldError::new("latency_threshold_ms", "between 1 and 60000 ms, or empty for none"));
        }
        let confirm_failures = number(&mut errors, "confirm_failures", &self.confirm_failures, Some(DEFAULT_CONFIRMATIONS));
        let confirm_successes = number(&mut errors, "confirm_successes", &self.confirm_successes, Some(DEFAULT_CONFIRMATIONS));
        for (field, value) in [("confirm_failures", confirm_failures), ("confirm_successes", confirm_successes)] {
            if value.is_some_and(|n| n == 0 || n > MAX_CONFIRMATIONS) {
                errors.push(FieldError::new(field, format!("between 1 and {MAX_CONFIRMATIONS} consecutive checks")));
            }
        }
        if kind != Some(MonitorKind::Http) && (expected_status.is_some() || keyword.is_some()) {
            errors.push(FieldError::new("kind", "expected status and keyword apply to HTTP monitors only"));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(MonitorSpec {
            name: name.to_owned(),
            kind: kind.expect("checked"),
            target: target.expect("checked"),
            interval_secs: interval.expect("checked"),
            expected_status: expected_status.map(|c| c as u16),
            keyword,
            latency_threshold_ms: latency,
            confirm_failures: confirm_failures.expect("checked"),
            confirm_successes: confirm_successes.expect("checked"),
            enabled: matches!(self.enabled.trim(), "on" | "true" | "1" | "yes"),
        })
    }
}

fn number(errors: &mut Vec<FieldError>, field: &str, raw: &str, default: Option<u32>) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        if default.is_none() {
            errors.push(FieldError::new(field, "required"));
        }
        return default;
    }
    match raw.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(field, format!("\"{raw}\" is not a whole number")));
            None
        }
    }
}

fn optional_number(errors: &mut Vec<FieldError>, field: &str, raw: &str) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(field, format!("\"{raw}\" is not a whole number")));
            None
        }
    }
}

/// The normalised target of a monitor kind.
pub fn parse_target(kind: MonitorKind, raw: &str, guard: &Guard) -> Result<String, String> {
    if raw.is_empty() {
        return Err("required".into());
    }
    if raw.len() > 2048 {
        return Err("at most 2048 characters".into());
    }
    match kind {
        MonitorKind::Http => {
            let url = url::Url::parse(raw).map_err(|e| format!("\"{raw}\" is not a URL ({e}); use https://host/path"))?;
            guard.check_url(&url).map_err(|e| e.to_string())?;
            Ok(url.to_string())
        }
        MonitorKind::TlsExpiry => {
            let url = url::Url::parse(&format!("https://{raw}/")).map_err(|_| format!("\"{raw}\" is not host or host:port"))?;
            if url.path() != "/" || url.query().is_some() {
                return Err(format!("\"{raw}\" is not host or host:port"));
            }
            guard.check_url(&url).map_err(|e| e.to_string())?;
            let host = url.host_str().unwrap_or_default();
            Ok(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        }
        MonitorKind::Dns => {
            let url = url::Url::parse(&format!("https://{raw}/")).map_err(|_| format!("\"{raw}\" is not a host name"))?;
            match url.host() {
                Some(url::Host::Domain(name)) if url.port().is_none() && url.path() == "/" => Ok(name.trim_end_matches('.').to_owned()),
                _ => Err(format!("\"{raw}\" is not a host name")),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitorState {
    /// Not checked yet, or not confirmed either way.
    Unknown,
    Up,
    Down,
    /// A CDN's or WAF's challenge or block page answers instead of the site: whether the site
    /// is up cannot be told (engine::net::edge_block), so this is neither up nor down.
    Blocked,
}

impl MonitorState {
    pub const ALL: [MonitorState; 4] = [Self::Unknown, Self::Up, Self::Down, Self::Blocked];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Up => "up",
            Self::Down => "down",
            Self::Blocked => "blocked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "Unknown",
            Self::Up => "Up",
            Self::Down => "Down",
            Self::Blocked => "Blocked by the edge",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorView {
    pub id: Uuid,
    pub product_id: Uuid,
    pub kind: MonitorKind,
    pub name: String,
    pub target: String,
    pub interval_secs: u32,
    pub expected_status: Option<u16>,
    pub keyword: Option<String>,
    pub latency_threshold_ms: Option<u32>,
    pub confirm_failures: u32,
    pub confirm_successes: u32,
    pub enabled: bool,
    pub is_primary: bool,
    /// Not checked while the plan allows fewer monitors (or its product is paused).
    pub paused: bool,
    pub state: MonitorState,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_ok: Option<bool>,
    pub last_message: Option<String>,
    pub last_latency_ms: Option<u32>,
    pub open_incident_id: Option<Uuid>,
}

impl MonitorView {
    pub fn to_form(&self) -> MonitorForm {
        let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        MonitorForm {
            name: self.name.clone(),
            kind: self.kind.as_str().into(),
            target: self.target.clone(),
            interval_secs: self.interval_secs.to_string(),
            expected_status: opt(self.expected_status.map(u32::from)),
            keyword: self.keyword.clone().unwrap_or_default(),
            latency_threshold_ms: opt(self.latency_threshold_ms),
            confirm_failures: self.confirm_failures.to_string(),
            confirm_successes: self.confirm_successes.to_string(),
            enabled: if self.enabled { "on".into() } else { String::new() },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: Uuid,
    pub product_id: Uuid,
    pub monitor_id: Uuid,
    pub monitor_name: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub cause: String,
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, target: &str) -> MonitorForm {
        MonitorForm { name: "Main".into(), kind: kind.into(), target: target.into(), enabled: "on".into(), ..Default::default() }
    }

    #[test]
    fn validates_each_kind_and_names_the_field() {
        let guard = Guard::new(false);
        let spec = form("http", "https://app.example.com/health").validate(60, &guard).unwrap();
        assert_eq!((spec.interval_secs, spec.confirm_failures, spec.confirm_successes), (60, 2, 2));
        assert!(spec.enabled);
        assert_eq!(form("tls_expiry", "example.com:8443").validate(60, &guard).unwrap().target, "example.com:8443");
        assert_eq!(form("dns", "Example.COM").validate(60, &guard).unwrap().target, "example.com");

        let err = |f: MonitorForm| match f.validate(300, &guard) {
            Err(DomainError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("expected invalid, got {other:?}"),
        };
        assert_eq!(err(form("http", "http://127.0.0.1/")), ["target"]);
        assert_eq!(err(form("http", "ftp://example.com/")), ["target"]);
        assert_eq!(err(form("ping", "example.com")), ["kind"]);
        assert_eq!(err(MonitorForm { interval_secs: "60".into(), ..form("http", "https://example.com/") }), ["interval_secs"]);
        assert_eq!(err(MonitorForm { keyword: "ok".into(), ..form("dns", "example.com") }), ["kind"]);
        assert_eq!(err(MonitorForm { confirm_failures: "0".into(), ..form("dns", "example.com") }), ["confirm_failures"]);
        // Loopback is allowed only when the operator allows private targets.
        assert!(form("http", "http://127.0.0.1:8080/").validate(60, &Guard::new(true)).is_ok());
    }
}
