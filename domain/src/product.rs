//! A product as a founder declares it, and its validation. The same syntax for endpoints is
//! used by the web form, the REST API and (later) `launchready scan --endpoint`.

use crate::hostname::{ApexDomain, HostName};
use crate::{DomainError, FieldError};
use serde::{Deserialize, Serialize};

pub const MAX_ENDPOINTS: usize = 50;
pub const MAX_DKIM_SELECTORS: usize = 10;

/// The p95 latency budgets a product may set for `perf.latency`, in milliseconds.
pub const LATENCY_BUDGET_MS: std::ops::RangeInclusive<u64> = 50..=60_000;

/// What an anonymous caller should get from an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Public,
    Authenticated,
    Admin,
}

/// What the endpoint is for; decides which checks use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    Login,
    Chat,
    Health,
    Other,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Authenticated => "authenticated",
            Self::Admin => "admin",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "public" => Some(Self::Public),
            "authenticated" => Some(Self::Authenticated),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Chat => "chat",
            Self::Health => "health",
            Self::Other => "other",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "login" => Some(Self::Login),
            "chat" => Some(Self::Chat),
            "health" => Some(Self::Health),
            "other" => Some(Self::Other),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub path: String,
    pub access: Access,
    pub kind: EndpointKind,
}

impl Endpoint {
    /// `PATH=ACCESS[,KIND]`, e.g. `/api/login=public,login`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (path, rest) = text
            .split_once('=')
            .ok_or_else(|| format!("\"{text}\" must look like /path=public|authenticated|admin[,login|chat|health]"))?;
        let path = path.trim();
        if !path.starts_with('/') {
            return Err(format!("path \"{path}\" must start with /"));
        }
        if path.len() > 512 || path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '#') {
            return Err(format!("path \"{path}\" must be at most 512 characters without spaces or #"));
        }
        let mut parts = rest.split(',').map(str::trim);
        let access_text = parts.next().unwrap_or_default();
        let access =
            Access::parse(access_text).ok_or_else(|| format!("access \"{access_text}\" must be public, authenticated or admin"))?;
        let kind = match parts.next() {
            None | Some("") => EndpointKind::Other,
            Some(k) => EndpointKind::parse(k).ok_or_else(|| format!("kind \"{k}\" must be login, chat, health or other"))?,
        };
        if parts.next().is_some() {
            return Err(format!("\"{text}\" has more than one kind"));
        }
        Ok(Self { path: path.to_owned(), access, kind })
    }

    pub fn to_line(&self) -> String {
        match self.kind {
            EndpointKind::Other => format!("{}={}", self.path, self.access.as_str()),
            kind => format!("{}={},{}", self.path, self.access.as_str(), kind.as_str()),
        }
    }
}

/// The product form as typed: every field a string, so the same struct serves an HTML form,
/// a server function argument and a JSON body. `validate` turns it into a [`ProductSpec`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    pub name: String,
    pub apex_domain: String,
    #[serde(default)]
    pub app_host: String,
    #[serde(default)]
    pub api_host: String,
    #[serde(default)]
    pub mail_domain: String,
    /// Comma- or space-separated selector names.
    #[serde(default)]
    pub dkim_selectors: String,
    /// One endpoint a line, `PATH=ACCESS[,KIND]`.
    #[serde(default)]
    pub endpoints: String,
    /// `perf.latency`'s p95 budget for pages and endpoints, in ms; empty for the default (500).
    #[serde(default)]
    pub latency_budget_ms: String,
    /// `perf.latency`'s p95 budget for AI chat endpoints, in ms; empty for the default (3000).
    #[serde(default)]
    pub ai_latency_budget_ms: String,
}

/// A product that passed validation; what the database stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSpec {
    pub name: String,
    pub apex_domain: ApexDomain,
    pub app_host: Option<HostName>,
    pub api_host: Option<HostName>,
    pub mail_domain: Option<HostName>,
    pub dkim_selectors: Vec<String>,
    pub endpoints: Vec<Endpoint>,
    pub latency_budget_ms: Option<u32>,
    pub ai_latency_budget_ms: Option<u32>,
}

impl ProductForm {
    /// Checks every field and reports all problems at once, each naming its field.
    pub fn validate(&self) -> Result<ProductSpec, DomainError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let name = keep(&mut errors, parse_name(&self.name));
        let apex = keep(&mut errors, ApexDomain::parse("apex_domain", &self.apex_domain));
        let app_host = keep(&mut errors, optional_host("app_host", &self.app_host));
        let api_host = keep(&mut errors, optional_host("api_host", &self.api_host));
        let mail_domain = keep(&mut errors, optional_host("mail_domain", &self.mail_domain));
        let selectors = keep(&mut errors, parse_selectors(&self.dkim_selectors));
        let endpoints = keep(&mut errors, parse_endpoints(&self.endpoints));
        let latency = keep(&mut errors, parse_budget("latency_budget_ms", &self.latency_budget_ms));
        let ai_latency = keep(&mut errors, parse_budget("ai_latency_budget_ms", &self.ai_latency_budget_ms));
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(ProductSpec {
            name: name.unwrap(),
            apex_domain: apex.unwrap(),
            app_host: app_host.unwrap(),
            api_host: api_host.unwrap(),
            mail_domain: mail_domain.unwrap(),
            dkim_selectors: selectors.unwrap(),
            endpoints: endpoints.unwrap(),
            latency_budget_ms: latency.unwrap(),
            ai_latency_budget_ms: ai_latency.unwrap(),
        })
    }
}

/// A latency budget in milliseconds, or nothing for the default.
fn parse_budget(field: &str, raw: &str) -> Result<Option<u32>, DomainError> {
    let raw = raw.trim().trim_end_matches("ms").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u64>() {
        Ok(ms) if LATENCY_BUDGET_MS.contains(&ms) => Ok(Some(ms as u32)),
        _ => Err(DomainError::invalid(
            field,
            format!(
                "must be a number of milliseconds from {} to {}, or empty for the default",
                LATENCY_BUDGET_MS.start(),
                LATENCY_BUDGET_MS.end()
            ),
        )),
    }
}

fn budget_text(budget: Option<u32>) -> String {
    budget.map(|ms| ms.to_string()).unwrap_or_default()
}

impl ProductSpec {
    /// Back to the form, for the edit page.
    pub fn to_form(&self) -> ProductForm {
        let host = |h: &Option<HostName>| h.as_ref().map(|h| h.to_string()).unwrap_or_default();
        ProductForm {
            name: self.name.clone(),
            apex_domain: self.apex_domain.to_string(),
            app_host: host(&self.app_host),
            api_host: host(&self.api_host),
            mail_domain: host(&self.mail_domain),
            dkim_selectors: self.dkim_selectors.join(", "),
            endpoints: self.endpoints.iter().map(Endpoint::to_line).collect::<Vec<_>>().join("\n"),
            latency_budget_ms: budget_text(self.latency_budget_ms),
            ai_latency_budget_ms: budget_text(self.ai_latency_budget_ms),
        }
    }
}

/// Collects the field errors of one result and passes the value on.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, DomainError>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(DomainError::Invalid(errs)) => {
            errors.extend(errs);
            None
        }
        Err(other) => {
            errors.push(FieldError::new("form", other.to_string()));
            None
        }
    }
}

fn parse_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "is required"));
    }
    if name.chars().count() > 100 {
        return Err(DomainError::invalid("name", "must be at most 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid("name", "must not contain control characters"));
    }
    Ok(name.to_owned())
}

fn optional_host(field: &str, raw: &str) -> Result<Option<HostName>, DomainError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        HostName::parse(field, raw).map(Some)
    }
}

/// One DKIM selector, lower-cased: dot-separated labels of letters, digits, - and _ (RFC 6376
/// §3.1), at most 63 characters. None when it is not one.
pub fn parse_selector(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_lowercase();
    let valid = !s.is_empty()
        && s.len() <= 63
        && s.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    valid.then_some(s)
}

fn parse_selectors(raw: &str) -> Result<Vec<String>, DomainError> {
    let mut selectors: Vec<String> = Vec::new();
    for s in raw.split([',', ' ', '\n', '\t']).map(str::trim).filter(|s| !s.is_empty()) {
        let Some(s) = parse_selector(s) else {
            return Err(DomainError::invalid(
                "dkim_selectors",
                format!("\"{}\" is not a valid selector (letters, digits, - and _)", s.to_lowercase()),
            ));
        };
        if !selectors.contains(&s) {
            selectors.push(s);
        }
    }
    if selectors.len() > MAX_DKIM_SELECTORS {
        return Err(DomainError::invalid("dkim_selectors", format!("at most {MAX_DKIM_SELECTORS} selectors")));
    }
    Ok(selectors)
}

fn parse_endpoints(raw: &str) -> Result<Vec<Endpoint>, DomainError> {
    let mut endpoints: Vec<Endpoint> = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let endpoint = Endpoint::parse(line).map_err(|m| DomainError::invalid("endpoints", format!("line {}: {m}", i + 1)))?;
        if endpoints.iter().any(|e| e.path == endpoint.path) {
            return Err(DomainError::invalid("endpoints", format!("line {}: {} is declared twice", i + 1, endpoint.path)));
        }
        endpoints.push(endpoint);
    }
    if endpoints.len() > MAX_ENDPOINTS {
        return Err(DomainError::invalid("endpoints", format!("at most {MAX_ENDPOINTS} endpoints")));
    }
    Ok(endpoints)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProductForm {
        ProductForm {
            name: "Acme".into(),
            apex_domain: "acme.test".into(),
            app_host: "app.acme.test".into(),
            api_host: "".into(),
            mail_domain: "acme.test".into(),
            dkim_selectors: "google, s1".into(),
            endpoints: "/api/login=public,login\n\n/api/me=authenticated\n/admin=admin".into(),
            latency_budget_ms: "800".into(),
            ai_latency_budget_ms: String::new(),
        }
    }

    #[test]
    fn valid_form_round_trips() {
        let spec = form().validate().unwrap();
        assert_eq!(spec.endpoints.len(), 3);
        assert_eq!(spec.endpoints[0].kind, EndpointKind::Login);
        assert_eq!(spec.dkim_selectors, vec!["google", "s1"]);
        assert_eq!((spec.latency_budget_ms, spec.ai_latency_budget_ms), (Some(800), None));
        assert_eq!(spec.to_form().validate().unwrap(), spec);
    }

    #[test]
    fn latency_budgets_are_milliseconds_in_range() {
        let with = |ms: &str| ProductForm { ai_latency_budget_ms: ms.into(), ..form() }.validate();
        assert_eq!(with(" 2500 ").unwrap().ai_latency_budget_ms, Some(2500));
        assert_eq!(with("2500ms").unwrap().ai_latency_budget_ms, Some(2500));
        assert_eq!(with("").unwrap().ai_latency_budget_ms, None);
        for bad in ["10", "60001", "fast", "-5", "1.5"] {
            let DomainError::Invalid(errors) = with(bad).unwrap_err() else { panic!() };
            assert_eq!(errors[0].field, "ai_latency_budget_ms", "{bad}");
        }
    }

    #[test]
    fn reports_every_bad_field() {
        let bad = ProductForm { name: " ".into(), apex_domain: "10.0.0.1".into(), endpoints: "/x=everyone".into(), ..form() };
        let DomainError::Invalid(errors) = bad.validate().unwrap_err() else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "apex_domain", "endpoints"]);
        assert!(errors[2].message.contains("line 1"));
    }
}

/// A product as shown to the browser and the REST API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub id: uuid::Uuid,
    pub name: String,
    pub apex_domain: String,
    pub app_host: Option<String>,
    pub api_host: Option<String>,
    pub mail_domain: Option<String>,
    pub dkim_selectors: Vec<String>,
    pub endpoints: Vec<Endpoint>,
    /// `perf.latency`'s budgets in ms; None for the defaults.
    #[serde(default)]
    pub latency_budget_ms: Option<u32>,
    #[serde(default)]
    pub ai_latency_budget_ms: Option<u32>,
    pub audit_schedule: crate::plans::AuditSchedule,
    pub next_audit_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The public status page (`/status/<id>`) is opt-in.
    pub status_page_enabled: bool,
    /// Kept but not audited, monitored or shown publicly while the plan allows fewer products.
    pub paused: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl ProductView {
    /// The host a customer opens: the app host when there is one, else the apex.
    pub fn main_host(&self) -> &str {
        self.app_host.as_deref().unwrap_or(&self.apex_domain)
    }

    /// What the audit and the primary monitor start from.
    pub fn main_url(&self) -> String {
        format!("https://{}/", self.main_host())
    }

    /// The form pre-filled for editing.
    pub fn to_form(&self) -> ProductForm {
        ProductForm {
            name: self.name.clone(),
            apex_domain: self.apex_domain.clone(),
            app_host: self.app_host.clone().unwrap_or_default(),
            api_host: self.api_host.clone().unwrap_or_default(),
            mail_domain: self.mail_domain.clone().unwrap_or_default(),
            dkim_selectors: self.dkim_selectors.join(", "),
            endpoints: self.endpoints.iter().map(Endpoint::to_line).collect::<Vec<_>>().join("\n"),
            latency_budget_ms: budget_text(self.latency_budget_ms),
            ai_latency_budget_ms: budget_text(self.ai_latency_budget_ms),
        }
    }
}
