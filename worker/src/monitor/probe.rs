//! One monitor check: HTTP(S) (status, keyword, latency, and the certificate on the way),
//! TLS certificate validity and expiry, or DNS resolution. Every connection goes through the
//! scanner's SSRF guard: a monitor cannot be pointed at an address an audit could not reach.

use crate::settings::ScannerSettings;
use chrono::Utc;
use domain::monitor::MonitorKind;
use engine::net::dns::Dns;
use engine::net::guard::Guard;
use engine::net::http::{ChainEnd, HttpClient, Limits, Request};
use engine::net::tls::{root_store, TlsInspector, Verdict};
use platform::monitors::MonitorTarget;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// What one check saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOutcome {
    pub ok: bool,
    /// A CDN's or WAF's challenge or block page answered instead of the site: nothing was
    /// measured (`ok` is false, and the monitor is neither up nor down).
    pub blocked: bool,
    pub latency_ms: Option<u32>,
    pub status_code: Option<u16>,
    pub message: String,
    pub cert_days_left: Option<i64>,
}

impl ProbeOutcome {
    fn fail(message: impl Into<String>) -> Self {
        Self { ok: false, blocked: false, latency_ms: None, status_code: None, message: message.into(), cert_days_left: None }
    }
}

/// The network clients of one worker process, shared by every check and delivery.
pub struct Prober {
    dns: Dns,
    guard: Guard,
    http: HttpClient,
    delivery: HttpClient,
    tls: TlsInspector,
}

impl Prober {
    pub fn new(settings: &ScannerSettings, timeout: Duration) -> Result<Self, String> {
        let dns = Dns::new(settings.resolver, timeout.min(Duration::from_secs(5)))?;
        let guard = Guard::new(settings.allow_private_targets);
        // Monitors have no per-audit budget: the schedule bounds how often they run.
        let limits = Limits { request_timeout: timeout, max_body_bytes: 1024 * 1024, max_redirects: 10, request_budget: u32::MAX };
        let http = HttpClient::new(dns.clone(), guard, limits.clone())?;
        let delivery = HttpClient::verifying(dns.clone(), guard, limits, &settings.extra_ca_pem)?;
        let roots = Arc::new(root_store(&settings.extra_ca_pem)?);
        let tls = TlsInspector::new(dns.clone(), guard, roots, timeout);
        Ok(Self { dns, guard, http, delivery, tls })
    }

    /// The guarded HTTP client of the checks (accepts any certificate: the check judges it).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// The guarded HTTP client of alert deliveries: it verifies certificates, since a Slack
    /// URL's path and a webhook's signed body must not reach whoever sits in between.
    pub fn delivery(&self) -> &HttpClient {
        &self.delivery
    }

    pub async fn check(&self, monitor: &MonitorTarget) -> ProbeOutcome {
        match monitor.kind {
            MonitorKind::Http => self.check_http(monitor).await,
            MonitorKind::TlsExpiry => self.check_tls(&monitor.target).await,
            MonitorKind::Dns => self.check_dns(&monitor.target).await,
        }
    }

    async fn check_http(&self, monitor: &MonitorTarget) -> ProbeOutcome {
        let url = match Url::parse(&monitor.target) {
            Ok(url) => url,
            Err(e) => return ProbeOutcome::fail(format!("not a URL: {e}")),
        };
        // The certificate first: an HTTPS site with a broken certificate is down for its
        // visitors, whatever the page says.
        let mut cert_days_left = None;
        if url.scheme() == "https" {
            let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
            let port = url.port_or_known_default().unwrap_or(443);
            match self.tls.inspect(host, port).await {
                Ok(report) => {
                    cert_days_left = report.leaf.as_ref().map(|leaf| (leaf.not_after - Utc::now()).num_days());
                    if let Some(problem) = verdict_problem(&report.verdict) {
                        return ProbeOutcome { cert_days_left, ..ProbeOutcome::fail(problem) };
                    }
                }
                Err(e) => return ProbeOutcome::fail(e),
            }
        }
        let started = Instant::now();
        // Expecting a redirect means checking the redirect itself, not where it leads.
        let response = if monitor.expected_status.is_some_and(|s| (300..400).contains(&s)) {
            self.http.send(Request::get(url)).await.map(Arc::new).map_err(|e| e.to_string())
        } else {
            let chain = self.http.follow(url).await;
            match chain.end {
                ChainEnd::Done(response) => Ok(response),
                ChainEnd::Failed(e) => Err(e.to_string()),
                ChainEnd::Loop(at) => Err(format!("redirect loop at {at}")),
                ChainEnd::TooManyHops => Err("too many redirects".into()),
            }
        };
        let latency_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        let response = match response {
            Ok(r) => r,
            Err(e) => return ProbeOutcome { cert_days_left, latency_ms: Some(latency_ms), ..ProbeOutcome::fail(e) },
        };
        let status = response.status;
        let base = ProbeOutcome {
            ok: false,
            blocked: false,
            latency_ms: Some(latency_ms),
            status_code: Some(status),
            message: String::new(),
            cert_days_left,
        };
        // The same recognition as the audit's: a challenge page is the edge's answer, not the site's.
        if let Some(block) = engine::net::edge_block::recognise(status, &response.headers, &response.body) {
            return ProbeOutcome {
                blocked: true,
                message: format!("blocked by the edge: {}: cannot tell whether the site is up", block.describe()),
                ..base
            };
        }
        let status_ok = match monitor.expected_status {
            Some(expected) => status == expected,
            None => (200..400).contains(&status),
        };
        if !status_ok {
            let wanted = monitor.expected_status.map_or("2xx or 3xx".to_owned(), |s| s.to_string());
            return ProbeOutcome { message: format!("HTTP {status} (expected {wanted})"), ..base };
        }
        if let Some(keyword) = &monitor.keyword {
            if !response.text().contains(keyword.as_str()) {
                return ProbeOutcome { message: format!("HTTP {status}, but the page does not contain \"{keyword}\""), ..base };
            }
        }
        if let Some(limit) = monitor.latency_threshold_ms {
            if latency_ms > limit {
                return ProbeOutcome { message: format!("HTTP {status} in {latency_ms} ms, slower than the {limit} ms threshold"), ..base };
            }
        }
        ProbeOutcome { ok: true, message: format!("HTTP {status} in {latency_ms} ms"), ..base }
    }

    async fn check_tls(&self, target: &str) -> ProbeOutcome {
        let (host, port) = match target.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => match port.parse::<u16>() {
                Ok(port) => (host.trim_matches(['[', ']']), port),
                Err(_) => (target, 443),
            },
            _ => (target, 443),
        };
        let started = Instant::now();
        let report = match self.tls.inspect(host, port).await {
            Ok(report) => report,
            Err(e) => return ProbeOutcome::fail(e),
        };
        let latency_ms = Some(started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32);
        let Some(leaf) = &report.leaf else {
            return ProbeOutcome { latency_ms, ..ProbeOutcome::fail("the server sent no readable certificate") };
        };
        let days = (leaf.not_after - Utc::now()).num_days();
        let base =
            ProbeOutcome { ok: false, blocked: false, latency_ms, status_code: None, message: String::new(), cert_days_left: Some(days) };
        if let Some(problem) = verdict_problem(&report.verdict) {
            return ProbeOutcome { message: problem, ..base };
        }
        ProbeOutcome {
            ok: true,
            message: format!("certificate valid, expires in {days} days ({})", leaf.not_after.format("%Y-%m-%d")),
            ..base
        }
    }

    async fn check_dns(&self, name: &str) -> ProbeOutcome {
        let started = Instant::now();
        let result = self.dns.ips(name).await;
        let latency_ms = Some(started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32);
        match result {
            Ok(ips) => {
                // Addresses the guard would refuse are counted, not shown: a tenant must not
                // learn the private network the scanner runs in by naming its hosts.
                let (public, private): (Vec<&std::net::IpAddr>, Vec<&std::net::IpAddr>) =
                    ips.iter().partition(|ip| self.guard.check_ip(**ip).is_ok());
                let mut shown: Vec<String> = public.iter().take(4).map(|ip| ip.to_string()).collect();
                if !private.is_empty() {
                    shown.push(format!("{} non-public address{} (not shown)", private.len(), if private.len() == 1 { "" } else { "es" }));
                }
                ProbeOutcome {
                    ok: true,
                    blocked: false,
                    latency_ms,
                    status_code: None,
                    message: format!("resolves to {}", shown.join(", ")),
                    cert_days_left: None,
                }
            }
            Err(e) => ProbeOutcome { latency_ms, ..ProbeOutcome::fail(e.to_string()) },
        }
    }
}

fn verdict_problem(verdict: &Verdict) -> Option<String> {
    match verdict {
        Verdict::Valid => None,
        Verdict::WrongName(why) => Some(format!("certificate does not cover this name: {why}")),
        Verdict::Expired(why) => Some(format!("certificate expired: {why}")),
        Verdict::NotYetValid(why) => Some(format!("certificate not yet valid: {why}")),
        Verdict::Untrusted(why) => Some(format!("certificate not trusted: {why}")),
    }
}
