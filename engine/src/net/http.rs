//! HTTP for scanning strangers' sites: every host name resolved through the guarded resolver
//! (reqwest connects to exactly the addresses it returns), IP-literal URLs checked before
//! sending, redirects followed by hand so each hop is checked and recorded, bodies capped,
//! and every request counted against the audit's budget.

use super::dns::Dns;
use super::guard::{Guard, GuardError};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

pub const USER_AGENT: &str = concat!(
    "launchready/",
    env!("CARGO_PKG_VERSION"),
    " (+https://launchready.dev/scanner; launch-readiness audit requested by the site's owner)"
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Refused(#[from] GuardError),
    #[error("the audit's request budget ({0} requests) is used up")]
    BudgetExhausted(u32),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("connection failed: {0}")]
    Connect(String),
    /// The server closed the connection while the request was still being sent (a broken
    /// pipe or a reset): how many servers and proxies cut off a body they will not take.
    #[error("the server closed the connection before the request was sent in full ({0})")]
    ClosedEarly(String),
    #[error("request failed: {0}")]
    Other(String),
    /// A CDN's or WAF's challenge or block page answered instead of the site
    /// (`net::edge_block`); the audit's context turns such answers into this error.
    #[error("blocked by the edge: {0}")]
    EdgeBlocked(String),
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub request_budget: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { request_timeout: Duration::from_secs(10), max_body_bytes: 2 * 1024 * 1024, max_redirects: 10, request_budget: 400 }
    }
}

/// What came back from one request (no redirect followed).
#[derive(Debug, Clone)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub truncated: bool,
    pub elapsed: Duration,
    pub remote: Option<SocketAddr>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect()
    }
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }
    /// The Location header resolved against this response's URL.
    pub fn location(&self) -> Option<Url> {
        self.header("location").and_then(|l| self.url.join(l).ok())
    }
}

/// One hop of a redirect chain.
#[derive(Debug, Clone)]
pub struct Hop {
    pub url: Url,
    pub status: u16,
    pub location: Option<Url>,
}

#[derive(Debug, Clone)]
pub enum ChainEnd {
    /// The last response, which is not a redirect.
    Done(Arc<Response>),
    Loop(Url),
    TooManyHops,
    Failed(FetchError),
}

#[derive(Debug, Clone)]
pub struct Chain {
    pub start: Url,
    pub hops: Vec<Hop>,
    pub end: ChainEnd,
}

impl Chain {
    pub fn final_url(&self) -> &Url {
        match &self.end {
            ChainEnd::Done(r) => &r.url,
            _ => self.hops.last().map_or(&self.start, |h| &h.url),
        }
    }
    pub fn redirects(&self) -> usize {
        self.hops.iter().filter(|h| h.location.is_some()).count()
    }
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .hops
            .iter()
            .map(|h| match &h.location {
                Some(to) => format!("{} {} → {}", h.status, h.url, to),
                None => format!("{} {}", h.status, h.url),
            })
            .collect();
        match &self.end {
            ChainEnd::Loop(url) => lines.push(format!("loop: {url} was already visited")),
            ChainEnd::TooManyHops => lines.push("gave up: too many redirects".into()),
            ChainEnd::Failed(e) => lines.push(format!("stopped: {e}")),
            ChainEnd::Done(_) => {}
        }
        lines
    }
}

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Bytes>,
}

impl Request {
    pub fn get(url: Url) -> Self {
        Self { method: Method::GET, url, headers: Vec::new(), body: None }
    }
    pub fn new(method: Method, url: Url) -> Self {
        Self { method, url, headers: Vec::new(), body: None }
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            self.headers.push((n, v));
        }
        self
    }
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }
}

/// The resolver reqwest uses: hickory answers, then the guard; a refused name fails the
/// connection before any byte is sent.
struct GuardedResolver {
    dns: Dns,
    guard: Guard,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ResolveRefused(GuardError);

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ResolveFailed(String);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let dns = self.dns.clone();
        let guard = self.guard;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips =
                dns.ips(&host).await.map_err(|e| Box::new(ResolveFailed(e.to_string())) as Box<dyn std::error::Error + Send + Sync>)?;
            // Every answer must pass: a name that mixes public and private addresses is refused.
            for ip in &ips {
                guard.check_ip(*ip).map_err(|e| Box::new(ResolveRefused(e)) as Box<dyn std::error::Error + Send + Sync>)?;
            }
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

pub struct HttpClient {
    client: reqwest::Client,
    guard: Guard,
    limits: Limits,
    used: AtomicU32,
}

impl HttpClient {
    /// The scanner's client: certificate validity is judged by the tls.* checks, and the page
    /// is still read so one broken certificate does not hide every other finding.
    pub fn new(dns: Dns, guard: Guard, limits: Limits) -> Result<Self, String> {
        let builder = Self::builder(dns, guard, &limits).tls_danger_accept_invalid_certs(true);
        Self::finish(builder, guard, limits)
    }

    /// A client that verifies certificates (system roots plus `extra_ca_pem`), for sending
    /// secrets: alert deliveries to Slack and webhooks. Same SSRF guard.
    pub fn verifying(dns: Dns, guard: Guard, limits: Limits, extra_ca_pem: &[Vec<u8>]) -> Result<Self, String> {
        let roots = extra_ca_pem
            .iter()
            .map(|pem| reqwest::Certificate::from_pem(pem).map_err(|e| format!("extra CA certificate: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let builder = Self::builder(dns, guard, &limits);
        let builder = if roots.is_empty() { builder } else { builder.tls_certs_merge(roots) };
        Self::finish(builder, guard, limits)
    }

    fn builder(dns: Dns, guard: Guard, limits: &Limits) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { dns, guard }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(USER_AGENT)
            .timeout(limits.request_timeout)
            .connect_timeout(limits.request_timeout.min(Duration::from_secs(5)))
            .pool_max_idle_per_host(4)
    }

    fn finish(builder: reqwest::ClientBuilder, guard: Guard, limits: Limits) -> Result<Self, String> {
        let client = builder.build().map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { client, guard, limits, used: AtomicU32::new(0) })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn requests_used(&self) -> u32 {
        self.used.load(Ordering::Relaxed)
    }

    pub fn guard(&self) -> Guard {
        self.guard
    }

    /// One request, no redirect followed.
    pub async fn send(&self, request: Request) -> Result<Response, FetchError> {
        self.guard.check_url(&request.url)?;
        let budget = self.limits.request_budget;
        if self.used.fetch_add(1, Ordering::Relaxed) >= budget {
            return Err(FetchError::BudgetExhausted(budget));
        }
        let started = Instant::now();
        let mut builder = self.client.request(request.method.clone(), request.url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body.clone() {
            builder = builder.body(body);
        }
        let mut response = builder.send().await.map_err(|e| self.classify(&request.url, e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let remote = response.remote_addr();
        let cap = self.limits.max_body_bytes;
        let mut body = Vec::new();
        let mut truncated = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap - body.len();
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // A body cut short is still evidence; keep what arrived.
                Err(_) => {
                    truncated = true;
                    break;
                }
            }
        }
        Ok(Response { url: request.url, status, headers, body: Bytes::from(body), truncated, elapsed: started.elapsed(), remote })
    }

    /// GET `start` and follow redirects by hand, checking every hop.
    pub async fn follow(&self, start: Url) -> Chain {
        let mut hops = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut url = start.clone();
        loop {
            if !seen.insert(url.to_string()) {
                return Chain { start, hops, end: ChainEnd::Loop(url) };
            }
            let response = match self.send(Request::get(url.clone())).await {
                Ok(r) => r,
                Err(e) => return Chain { start, hops, end: ChainEnd::Failed(e) },
            };
            match response.location().filter(|_| response.is_redirect()) {
                Some(next) => {
                    hops.push(Hop { url: url.clone(), status: response.status, location: Some(next.clone()) });
                    if hops.len() > self.limits.max_redirects {
                        return Chain { start, hops, end: ChainEnd::TooManyHops };
                    }
                    if let Err(e) = self.guard.check_url(&next) {
                        return Chain { start, hops, end: ChainEnd::Failed(e.into()) };
                    }
                    url = next;
                }
                None => {
                    hops.push(Hop { url: url.clone(), status: response.status, location: None });
                    return Chain { start, hops, end: ChainEnd::Done(Arc::new(response)) };
                }
            }
        }
    }

    fn classify(&self, url: &Url, error: reqwest::Error) -> FetchError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            if let Some(refused) = e.downcast_ref::<ResolveRefused>() {
                return FetchError::Refused(refused.0.clone());
            }
            if let Some(failed) = e.downcast_ref::<ResolveFailed>() {
                return FetchError::Resolve { host: url.host_str().unwrap_or_default().to_owned(), reason: failed.0.clone() };
            }
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if matches!(io.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset) {
                    return FetchError::ClosedEarly(io.to_string());
                }
            }
            source = e.source();
        }
        if error.is_timeout() {
            FetchError::Timeout(self.limits.request_timeout)
        } else if error.is_connect() {
            FetchError::Connect(root_cause(&error))
        } else {
            FetchError::Other(root_cause(&error))
        }
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        last = e.to_string();
        source = e.source();
    }
    last
}
