//! Layered configuration: built-in defaults → an optional TOML file (`--config` or
//! `LAUNCHREADY_CONFIG`) → `LAUNCHREADY_*` environment variables (nested keys with `__`, e.g.
//! `LAUNCHREADY_THROTTLE__SIGN_IN_PER_IP_PER_MINUTE`). A missing or malformed setting stops
//! start-up with a message naming it.

use domain::plans::PlanTable;
use domain::subscription::PlanPrices;
use engine::net::dns::ResolverChoice;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use platform::accounts::sessions::SessionPolicy;
use platform::alerts::AlertPolicy;
use platform::infra::client_addr::TrustedProxies;
use platform::infra::secret::SecretKey;
use platform::infra::stripe::{Stripe, StripeSettings};
use platform::infra::throttle::ThrottlePolicy;
use platform::monitors::rollups::Retention;
use platform::sprints::SprintPolicy;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use worker::settings::{MonitorSettings, ScannerSettings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The settings as read, before cross-field checks. Deliberately not `Debug`: it holds secrets
/// as plain strings for the few lines until they are wrapped in [`Config`].
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    env: Environment,
    database_url: String,
    bind: String,
    base_url: String,
    smtp_url: Option<String>,
    mail_from: String,
    secret_key: Option<String>,
    data_dir: PathBuf,
    site_root: PathBuf,
    log_format: Option<LogFormat>,
    log_filter: String,
    session_idle_timeout_secs: u64,
    session_absolute_lifetime_secs: u64,
    request_timeout_secs: u64,
    body_limit_bytes: usize,
    shutdown_grace_secs: u64,
    /// Workers' liveness signal; a dead worker's jobs move on after the longest job's timeout
    /// plus two heartbeats.
    worker_heartbeat_secs: u64,
    throttle: ThrottlePolicy,
    plans: PlanTable,
    alerts: AlertPolicy,
    scanner: RawScanner,
    monitors: RawMonitors,
    stripe: RawStripe,
    /// Platform operators (sprint slots and bookings), by verified email.
    admins: Vec<String>,
    sprints: SprintPolicy,
    /// The proxies in front of the server whose `Forwarded` / `X-Forwarded-For` are believed:
    /// CIDRs or addresses, as a list or one comma-separated string. Default none: the socket
    /// peer is the client.
    trusted_proxies: OneOrMany,
    /// Where vulnerabilities are reported (`/.well-known/security.txt`): a `mailto:` or
    /// `https:` URI. Default: `mailto:security@` the host of `base_url`.
    security_contact: Option<String>,
    /// Serve the development outbox (`/dev/outbox`) although the server listens on a
    /// non-loopback address (a development VM or container). Only without SMTP, and only to
    /// loopback clients either way.
    dev_outbox: bool,
}

/// A list setting that also reads as one string (`LAUNCHREADY_TRUSTED_PROXIES=10.0.0.0/8,::1`).
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn entries(&self) -> Vec<&str> {
        match self {
            Self::One(text) => vec![text.as_str()],
            Self::Many(list) => list.iter().map(String::as_str).collect(),
        }
    }
}

/// Billing. Without `secret_key` billing is off and every organisation stays on Free.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawStripe {
    secret_key: Option<String>,
    /// The webhook endpoint's signing secret (`whsec_…`).
    webhook_secret: Option<String>,
    /// Stripe's API; tests and the browser flow point it at the local fake.
    api_base: String,
    price_pro: Option<String>,
    price_agency: Option<String>,
    /// How long a past-due subscription keeps its plan.
    grace_days: u32,
}

/// How audits, monitors and webhooks reach the network.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawScanner {
    /// Lift the private-address refusal (operators of a private network; tests).
    allow_private_targets: bool,
    /// A DNS server `IP:PORT` instead of the system's resolver.
    resolver: Option<String>,
    /// Extra trusted CA certificates (PEM file).
    ca_file: Option<PathBuf>,
    audit_deadline_secs: u64,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawMonitors {
    schedule_every_secs: u32,
    batch_size: usize,
    batch_concurrency: usize,
    check_timeout_secs: u64,
    raw_retention_hours: i64,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            env: Environment::Development,
            database_url: "sqlite://data/launchready.db?mode=rwc".into(),
            bind: "127.0.0.1:3000".into(),
            base_url: "http://127.0.0.1:3000".into(),
            smtp_url: None,
            mail_from: "launchready <no-reply@launchready.localhost>".into(),
            secret_key: None,
            data_dir: "data".into(),
            site_root: "target/site".into(),
            log_format: None,
            log_filter: "info,sqlx=warn,sea_orm=warn,apalis=info".into(),
            session_idle_timeout_secs: 12 * 3600,
            session_absolute_lifetime_secs: 14 * 24 * 3600,
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
            shutdown_grace_secs: 20,
            worker_heartbeat_secs: 5,
            throttle: ThrottlePolicy::default(),
            plans: PlanTable::default(),
            alerts: AlertPolicy::default(),
            scanner: RawScanner { allow_private_targets: false, resolver: None, ca_file: None, audit_deadline_secs: 90 },
            monitors: RawMonitors {
                schedule_every_secs: 2,
                batch_size: 50,
                batch_concurrency: 50,
                check_timeout_secs: 10,
                raw_retention_hours: 48,
            },
            stripe: RawStripe {
                secret_key: None,
                webhook_secret: None,
                api_base: "https://api.stripe.com/".into(),
                price_pro: None,
                price_agency: None,
                grace_days: 7,
            },
            admins: Vec::new(),
            sprints: SprintPolicy::default(),
            trusted_proxies: OneOrMany::Many(Vec::new()),
            security_contact: None,
            dev_outbox: false,
        }
    }
}

/// A database URL; `Debug` hides the password.
#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    pub fn is_postgres(&self) -> bool {
        self.expose().starts_with("postgres")
    }
    pub fn redacted(&self) -> String {
        match url::Url::parse(self.expose()) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                u.to_string()
            }
            Ok(u) => u.to_string(),
            Err(_) => "<unparseable database url>".into(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Validated configuration, as the rest of the server sees it.
#[derive(Debug, Clone)]
pub struct Config {
    pub env: Environment,
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub base_url: url::Url,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub secret_key: SecretKey,
    pub data_dir: PathBuf,
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub sessions: SessionPolicy,
    pub request_timeout: std::time::Duration,
    pub body_limit_bytes: usize,
    pub shutdown_grace: std::time::Duration,
    pub worker_heartbeat: std::time::Duration,
    pub throttle: ThrottlePolicy,
    pub plans: PlanTable,
    pub alerts: AlertPolicy,
    pub scanner: ScannerSettings,
    pub monitors: MonitorSettings,
    /// `None`: billing is off (no Stripe keys).
    pub stripe: Option<Stripe>,
    pub admins: Vec<String>,
    pub sprints: SprintPolicy,
    pub trusted_proxies: TrustedProxies,
    pub security_contact: String,
    pub dev_outbox: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Read(#[from] Box<figment::Error>),
    #[error("configuration: setting `{key}` is invalid: {message}")]
    Invalid { key: &'static str, message: String },
    #[error("configuration: could not create or read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { key, message: message.into() }
}

impl Config {
    /// Reads defaults, the optional file and the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let figment = Self::figment(file, Env::prefixed("LAUNCHREADY_").split("__"));
        Self::from_figment(figment)
    }

    /// The same layering with an explicit environment, for tests.
    pub fn figment(file: Option<&Path>, env: Env) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
        let env_file = std::env::var_os("LAUNCHREADY_CONFIG").map(PathBuf::from);
        if let Some(path) = file.map(Path::to_path_buf).or(env_file) {
            figment = figment.merge(Toml::file_exact(path));
        }
        // Not settings: `LAUNCHREADY_CONFIG` names the file itself; the others belong to the
        // build, test and benchmark scripts (scripts/env.sh, the test suites, server/benches).
        figment.merge(env.ignore(&[
            "config",
            "cache",
            "tools",
            "test_pg",
            "e2e_base_url",
            "skip_browser",
            "bench_monitors",
            "bench_seconds",
            "bench_db",
            "bench_runs",
        ]))
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let raw: RawConfig = figment.extract().map_err(Box::new)?;
        let bind: SocketAddr = raw.bind.parse().map_err(|e| invalid("bind", format!("\"{}\" is not IP:PORT ({e})", raw.bind)))?;
        let base_url = url::Url::parse(&raw.base_url).map_err(|e| invalid("base_url", format!("\"{}\": {e}", raw.base_url)))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            return Err(invalid("base_url", "must be an http(s) URL with a host"));
        }
        let db = raw.database_url.as_str();
        if !(db.starts_with("sqlite:") || db.starts_with("postgres://") || db.starts_with("postgresql://")) {
            return Err(invalid("database_url", "must start with sqlite:, postgres:// or postgresql://"));
        }
        if raw.env == Environment::Production {
            if raw.secret_key.is_none() {
                return Err(invalid("secret_key", "is required in production (LAUNCHREADY_SECRET_KEY)"));
            }
            if base_url.scheme() != "https" {
                return Err(invalid("base_url", "must be https in production"));
            }
            // Without SMTP, mail would go to the development outbox, which shows every user's
            // links to anyone who opens /dev/outbox.
            if raw.smtp_url.is_none() {
                return Err(invalid("smtp_url", "is required in production (LAUNCHREADY_SMTP_URL)"));
            }
        }
        if raw.body_limit_bytes < 1024 {
            return Err(invalid("body_limit_bytes", "must be at least 1024"));
        }
        let secret_key = match &raw.secret_key {
            Some(text) => SecretKey::from_text(text).map_err(|m| invalid("secret_key", m))?,
            None => development_secret_key(&raw.data_dir)?,
        };
        let log_format = raw.log_format.unwrap_or(match raw.env {
            Environment::Development => LogFormat::Pretty,
            Environment::Production => LogFormat::Json,
        });
        let security_contact = match raw.security_contact.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(contact) if contact.starts_with("mailto:") || contact.starts_with("https://") => contact.to_owned(),
            Some(contact) => return Err(invalid("security_contact", format!("\"{contact}\" must be a mailto: or https: URI"))),
            None => format!("mailto:security@{}", base_url.host_str().unwrap_or("localhost")),
        };
        let seconds = |key: &'static str, n: u64| if n == 0 { Err(invalid(key, "must be greater than 0")) } else { Ok(n) };
        Ok(Self {
            env: raw.env,
            database_url: DatabaseUrl(SecretString::from(raw.database_url)),
            bind,
            base_url,
            smtp_url: raw.smtp_url.map(SecretString::from),
            mail_from: raw.mail_from,
            secret_key,
            data_dir: raw.data_dir,
            site_root: raw.site_root,
            log_format,
            log_filter: raw.log_filter,
            sessions: SessionPolicy {
                idle_timeout: chrono::Duration::seconds(seconds("session_idle_timeout_secs", raw.session_idle_timeout_secs)? as i64),
                absolute_lifetime: chrono::Duration::seconds(
                    seconds("session_absolute_lifetime_secs", raw.session_absolute_lifetime_secs)? as i64,
                ),
            },
            request_timeout: std::time::Duration::from_secs(seconds("request_timeout_secs", raw.request_timeout_secs)?),
            body_limit_bytes: raw.body_limit_bytes,
            shutdown_grace: std::time::Duration::from_secs(raw.shutdown_grace_secs),
            worker_heartbeat: std::time::Duration::from_secs(seconds("worker_heartbeat_secs", raw.worker_heartbeat_secs)?),
            throttle: raw.throttle,
            plans: raw.plans,
            alerts: raw.alerts,
            scanner: scanner_settings(&raw.scanner)?,
            monitors: monitor_settings(&raw.monitors)?,
            stripe: stripe_settings(raw.stripe)?,
            admins: raw.admins.iter().map(|a| a.trim().to_ascii_lowercase()).filter(|a| !a.is_empty()).collect(),
            sprints: raw.sprints,
            trusted_proxies: TrustedProxies::parse(raw.trusted_proxies.entries()).map_err(|m| invalid("trusted_proxies", m))?,
            dev_outbox: raw.dev_outbox,
            security_contact,
        })
    }

    /// Whether the development outbox (when mail goes there) may be served, to loopback
    /// clients, by a server listening on `listening`: on loopback, or with `dev_outbox`.
    pub fn outbox_allowed_on(&self, listening: SocketAddr) -> bool {
        listening.ip().is_loopback() || self.dev_outbox
    }

    /// Our own origin, `scheme://host[:port]`, for the CSRF check.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// Cookies are `Secure` unless the product is served over plain HTTP on loopback in
    /// development, where browsers would otherwise drop them.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

fn scanner_settings(raw: &RawScanner) -> Result<ScannerSettings, ConfigError> {
    let resolver = match &raw.resolver {
        None => ResolverChoice::System,
        Some(text) => {
            ResolverChoice::Server(text.parse().map_err(|e| invalid("scanner.resolver", format!("\"{text}\" is not IP:PORT ({e})")))?)
        }
    };
    let extra_ca_pem = match &raw.ca_file {
        None => Vec::new(),
        Some(path) => vec![std::fs::read(path).map_err(|source| ConfigError::Io { path: path.clone(), source })?],
    };
    if raw.audit_deadline_secs == 0 || raw.audit_deadline_secs > 600 {
        return Err(invalid("scanner.audit_deadline_secs", "between 1 and 600"));
    }
    Ok(ScannerSettings {
        allow_private_targets: raw.allow_private_targets,
        resolver,
        extra_ca_pem,
        audit_deadline: std::time::Duration::from_secs(raw.audit_deadline_secs),
    })
}

fn stripe_settings(raw: RawStripe) -> Result<Option<Stripe>, ConfigError> {
    let Some(secret_key) = raw.secret_key.filter(|k| !k.is_empty()) else { return Ok(None) };
    let webhook_secret = raw
        .webhook_secret
        .filter(|k| !k.is_empty())
        .ok_or_else(|| invalid("stripe.webhook_secret", "is required when stripe.secret_key is set"))?;
    let prices = PlanPrices { pro: raw.price_pro.filter(|p| !p.is_empty()), agency: raw.price_agency.filter(|p| !p.is_empty()) };
    if prices.pro.is_none() && prices.agency.is_none() {
        return Err(invalid(
            "stripe.price_pro",
            "set stripe.price_pro and/or stripe.price_agency (Stripe price ids) when stripe.secret_key is set",
        ));
    }
    let api_base = url::Url::parse(&raw.api_base).map_err(|e| invalid("stripe.api_base", format!("\"{}\": {e}", raw.api_base)))?;
    if !matches!(api_base.scheme(), "http" | "https") {
        return Err(invalid("stripe.api_base", "must be an http(s) URL"));
    }
    if raw.grace_days > 60 {
        return Err(invalid("stripe.grace_days", "at most 60"));
    }
    let settings = StripeSettings {
        secret_key: SecretString::from(secret_key),
        webhook_secret: SecretString::from(webhook_secret),
        // The client appends `v1/…`: a base with a path needs its trailing slash.
        api_base: api_base.to_string(),
        prices,
        grace: chrono::Duration::days(i64::from(raw.grace_days)),
    };
    Stripe::new(settings).map(Some).map_err(|e| invalid("stripe.api_base", e.to_string()))
}

fn monitor_settings(raw: &RawMonitors) -> Result<MonitorSettings, ConfigError> {
    if !(1..=59).contains(&raw.schedule_every_secs) {
        return Err(invalid("monitors.schedule_every_secs", "between 1 and 59"));
    }
    if raw.batch_size == 0 || raw.batch_concurrency == 0 {
        return Err(invalid("monitors.batch_size", "batch_size and batch_concurrency must be greater than 0"));
    }
    if raw.check_timeout_secs == 0 || raw.check_timeout_secs > 60 {
        return Err(invalid("monitors.check_timeout_secs", "between 1 and 60"));
    }
    Ok(MonitorSettings {
        schedule_every_secs: raw.schedule_every_secs,
        batch_size: raw.batch_size,
        batch_concurrency: raw.batch_concurrency,
        check_timeout: std::time::Duration::from_secs(raw.check_timeout_secs),
        retention: Retention { raw: chrono::Duration::hours(raw.raw_retention_hours.max(1)), ..Retention::default() },
    })
}

/// Development convenience: a key generated on first run and kept in the data directory, so
/// sessions survive restarts. Production refuses to start without an explicit key.
fn development_secret_key(data_dir: &Path) -> Result<SecretKey, ConfigError> {
    let path = data_dir.join("secret.key");
    let io = |source| ConfigError::Io { path: path.clone(), source };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(io)?;
            let text = SecretKey::generate_text();
            write_private(&path, &text).map_err(io)?;
            text
        }
        Err(e) => return Err(io(e)),
    };
    SecretKey::from_text(&text).map_err(|m| invalid("secret_key", format!("{}: {m}", path.display())))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}
