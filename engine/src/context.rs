//! What every check sees: the target, the options and the shared network clients, plus
//! per-audit memos so a page, a redirect chain or a TLS handshake is done once however many
//! checks need it.

use super::net::dns::Dns;
use super::net::edge_block;
use super::net::guard::Guard;
use super::net::http::{Chain, ChainEnd, FetchError, HttpClient, Request, Response};
use super::net::tls::{root_store, TlsInspector, TlsReport};
use super::target::{AuditOptions, Target};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use url::Url;

/// A map of values computed at most once per key, concurrently.
struct Memo<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    fn new() -> Self {
        Self { cells: Mutex::new(HashMap::new()) }
    }

    async fn get_or<F, Fut>(&self, key: K, make: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = V>,
    {
        let cell = self.cells.lock().expect("memo lock").entry(key).or_default().clone();
        cell.get_or_init(make).await.clone()
    }
}

tokio::task_local! {
    /// The first edge block met by the requests of the check running in this task.
    static EDGE_MET: Arc<Mutex<Option<String>>>;
}

/// Runs one check's future, returning what it produced and the first edge challenge or block
/// page any of its requests met (shared fetches included: each check that reads a blocked
/// page hears about it).
pub async fn watching_the_edge<F: std::future::Future>(future: F) -> (F::Output, Option<String>) {
    let met = Arc::new(Mutex::new(None));
    let output = EDGE_MET.scope(met.clone(), future).await;
    let seen = met.lock().expect("edge lock").take();
    (output, seen)
}

/// An edge's challenge or block page is not the site's answer: it becomes an error, and the
/// running check is told it met the edge.
fn unless_blocked(response: Arc<Response>) -> Result<Arc<Response>, FetchError> {
    let Some(block) = edge_block::recognise(response.status, &response.headers, &response.body) else { return Ok(response) };
    let text = format!("{}: {}", response.url, block.describe());
    let _ = EDGE_MET.try_with(|met| {
        met.lock().expect("edge lock").get_or_insert_with(|| text.clone());
    });
    Err(FetchError::EdgeBlocked(text))
}

pub struct AuditContext {
    pub target: Target,
    pub options: AuditOptions,
    pub dns: Dns,
    pub http: HttpClient,
    pub tls: TlsInspector,
    pages: Memo<String, Result<Arc<Response>, FetchError>>,
    chains: Memo<String, Arc<Chain>>,
    tls_reports: Memo<String, Result<Arc<TlsReport>, String>>,
    ips: Memo<String, Result<Vec<std::net::IpAddr>, super::net::dns::DnsError>>,
}

impl AuditContext {
    pub fn new(target: Target, options: AuditOptions) -> Result<Self, String> {
        let timeout = options.limits.request_timeout;
        let dns = Dns::new(options.resolver, timeout.min(std::time::Duration::from_secs(5)))?;
        let guard = Guard::new(options.allow_private_targets);
        let http = HttpClient::new(dns.clone(), guard, options.limits.clone())?;
        let roots = Arc::new(root_store(&options.extra_ca_pem)?);
        let tls = TlsInspector::new(dns.clone(), guard, roots, timeout);
        Ok(Self { target, options, dns, http, tls, pages: Memo::new(), chains: Memo::new(), tls_reports: Memo::new(), ips: Memo::new() })
    }

    /// A and AAAA of `host`, looked up once per audit.
    pub async fn ips(&self, host: &str) -> Result<Vec<std::net::IpAddr>, super::net::dns::DnsError> {
        self.ips.get_or(host.to_owned(), || self.dns.ips(host)).await
    }

    /// The web hosts that resolve (hosts that do not are the dns checks' business).
    pub async fn resolving_web_hosts(&self) -> Vec<String> {
        let mut hosts = Vec::new();
        for host in self.target.web_hosts() {
            if self.ips(&host).await.is_ok() {
                hosts.push(host);
            }
        }
        hosts
    }

    /// One GET of `url` (no redirect followed), shared by every check that asks.
    pub async fn get(&self, url: &Url) -> Result<Arc<Response>, FetchError> {
        let response = self.pages.get_or(url.to_string(), || async { self.http.send(Request::get(url.clone())).await.map(Arc::new) }).await;
        unless_blocked(response?)
    }

    /// The redirect chain from `url`, shared by every check that asks. A chain that ends on an
    /// edge's challenge page ends `Failed(EdgeBlocked)`, with the hops before it.
    pub async fn chain(&self, url: &Url) -> Arc<Chain> {
        let chain = self.chain_as_served(url).await;
        match &chain.end {
            ChainEnd::Done(response) => match unless_blocked(response.clone()) {
                Ok(_) => chain,
                Err(blocked) => Arc::new(Chain { start: chain.start.clone(), hops: chain.hops.clone(), end: ChainEnd::Failed(blocked) }),
            },
            _ => chain,
        }
    }

    /// The main page after redirects: what a visitor of the main URL ends up reading.
    pub async fn home(&self) -> Result<Arc<Response>, String> {
        let chain = self.chain(&self.target.url).await;
        match &chain.end {
            ChainEnd::Done(response) => Ok(response.clone()),
            _ => Err(format!("the main page could not be read: {}", chain.describe().join("; "))),
        }
    }

    /// The main page after redirects exactly as the network served it, an edge's challenge
    /// page included and not reported as met: only for checks about the edge itself.
    pub async fn main_page_as_served(&self) -> Option<Arc<Response>> {
        match &self.chain_as_served(&self.target.url).await.end {
            ChainEnd::Done(response) => Some(response.clone()),
            _ => None,
        }
    }

    /// The memoised chain, challenge pages left as they came.
    async fn chain_as_served(&self, url: &Url) -> Arc<Chain> {
        self.chains.get_or(url.to_string(), || async { Arc::new(self.http.follow(url.clone()).await) }).await
    }

    /// A request no other check shares (probes, other methods, custom headers).
    pub async fn send(&self, request: Request) -> Result<Response, FetchError> {
        let response = self.http.send(request).await?;
        unless_blocked(Arc::new(response)).map(Arc::unwrap_or_clone)
    }

    /// The TLS handshake with `host` on port 443 (or the main URL's port for the main host).
    pub async fn tls_report(&self, host: &str) -> Result<Arc<TlsReport>, String> {
        let port = self.https_port(host);
        self.tls_reports.get_or(format!("{host}:{port}"), || async { self.tls.inspect(host, port).await.map(Arc::new) }).await
    }

    pub fn https_port(&self, host: &str) -> u16 {
        if host == self.target.main_host() && self.target.url.scheme() == "https" {
            self.target.url.port_or_known_default().unwrap_or(443)
        } else {
            443
        }
    }

    /// Endpoints the product declared, as URLs on the main host.
    pub fn endpoint_url(&self, path: &str) -> Url {
        self.target.endpoint_url(path)
    }
}
