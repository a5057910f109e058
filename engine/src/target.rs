//! What to audit: the product as declared (hosts, mail domain, endpoints, credentials) and
//! how (active or passive, resolver, CAs, limits).

use super::net::dns::ResolverChoice;
use super::net::http::Limits;
use super::redact::SecretHeader;
use super::reference::edge_ranges::EdgeRanges;
use super::reference::hsts_preload::HstsPreload;
use domain::product::Endpoint;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Two credentials for the cross-tenant probe: A's credential must not read B's object.
#[derive(Debug, Clone)]
pub struct CrossTenant {
    /// A path that belongs to tenant B, e.g. `/api/projects/42`.
    pub object_path: String,
    /// B's credential: reads the object (proves the path is real).
    pub owner: SecretHeader,
    /// A's credential: must get 401/403/404.
    pub other: SecretHeader,
}

#[derive(Debug, Clone)]
pub struct Target {
    /// The main URL (https://host/ unless given otherwise).
    pub url: Url,
    /// The registrable domain (eTLD+1) of the main host.
    pub apex: String,
    /// Whether `www.<apex>` is expected to exist (checks of www are skipped when false).
    pub www: bool,
    /// Extra declared hosts (app., api.), without the apex and www.
    pub hosts: Vec<String>,
    pub mail_domain: String,
    pub dkim_selectors: Vec<String>,
    pub endpoints: Vec<Endpoint>,
    pub auth_header: Option<SecretHeader>,
    pub chat_canary: Option<String>,
    pub cross_tenant: Option<CrossTenant>,
    /// The p95 budget of the main page and ordinary endpoints (`perf.latency`).
    pub latency_budget: Duration,
    /// The p95 budget of declared AI chat endpoints.
    pub ai_latency_budget: Duration,
}

/// `perf.latency`'s budget for pages and ordinary endpoints unless the product sets one.
pub const DEFAULT_LATENCY_BUDGET: Duration = Duration::from_millis(500);
/// `perf.latency`'s budget for AI chat endpoints unless the product sets one.
pub const DEFAULT_AI_LATENCY_BUDGET: Duration = Duration::from_secs(3);

impl Target {
    /// A target from a URL or a bare domain, with the apex as mail domain and www expected.
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        if input.is_empty() {
            return Err("give a URL or a domain to scan".into());
        }
        let with_scheme = if input.contains("://") { input.to_owned() } else { format!("https://{input}") };
        let mut url = Url::parse(&with_scheme).map_err(|e| format!("\"{input}\" is not a URL or domain: {e}"))?;
        match url.scheme() {
            "https" | "http" => {}
            other => return Err(format!("only http and https can be scanned, not {other}")),
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(_) => return Err("give a domain name, not an IP address: DNS, TLS and email checks need a name".into()),
            None => return Err(format!("\"{input}\" has no host")),
        };
        let parsed = domain::hostname::HostName::parse("target", &host).map_err(|e| e.to_string())?;
        let apex = parsed.registrable().to_owned();
        url.set_fragment(None);
        Ok(Self {
            url,
            mail_domain: apex.clone(),
            apex,
            www: true,
            hosts: Vec::new(),
            dkim_selectors: Vec::new(),
            endpoints: Vec::new(),
            auth_header: None,
            chat_canary: None,
            cross_tenant: None,
            latency_budget: DEFAULT_LATENCY_BUDGET,
            ai_latency_budget: DEFAULT_AI_LATENCY_BUDGET,
        })
    }

    pub fn main_host(&self) -> &str {
        self.url.host_str().unwrap_or(&self.apex)
    }

    pub fn www_host(&self) -> String {
        format!("www.{}", self.apex)
    }

    /// The hosts that serve the web product: the main host, the apex, www (when expected)
    /// and the declared hosts, each once.
    pub fn web_hosts(&self) -> Vec<String> {
        let mut hosts = vec![self.main_host().to_owned(), self.apex.clone()];
        if self.www {
            hosts.push(self.www_host());
        }
        hosts.extend(self.hosts.iter().cloned());
        let mut seen = std::collections::HashSet::new();
        hosts.retain(|h| seen.insert(h.clone()));
        hosts
    }

    /// `https://host[:port]/path` with the main URL's port when the host is the main host.
    pub fn url_on(&self, host: &str, path: &str) -> Url {
        let mut url = self.url.clone();
        if url.set_host(Some(host)).is_err() {
            return self.url.clone();
        }
        if host != self.main_host() {
            let _ = url.set_port(None);
        }
        url.set_query(None);
        let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
        url.set_path(path);
        url.set_query(query);
        url
    }

    /// A path on the main host.
    pub fn endpoint_url(&self, path: &str) -> Url {
        self.url_on(self.main_host(), path)
    }
}

#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Active probes (bursts, hostile input) run only with this explicit permission.
    pub active: bool,
    pub resolver: ResolverChoice,
    /// Extra trusted CA certificates (PEM), on top of the webpki roots.
    pub extra_ca_pem: Vec<Vec<u8>>,
    pub allow_private_targets: bool,
    pub limits: Limits,
    /// The whole audit's deadline; checks still running then report `error`.
    pub deadline: Duration,
    /// How many checks run at once.
    pub concurrency: usize,
    /// The CDNs' published address ranges (`engine/data/`); tests add their loopback sites.
    pub edge_ranges: Arc<EdgeRanges>,
    /// The HSTS preload list (`engine/data/`); tests add their fixture domains.
    pub hsts_preload: Arc<HstsPreload>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            active: false,
            resolver: ResolverChoice::System,
            extra_ca_pem: Vec::new(),
            allow_private_targets: false,
            limits: Limits::default(),
            deadline: Duration::from_secs(90),
            concurrency: 16,
            edge_ranges: EdgeRanges::shipped(),
            hsts_preload: HstsPreload::shipped(),
        }
    }
}
