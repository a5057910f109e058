//! The fixture internet: an authoritative DNS server for `test.`, a test CA, and web sites on
//! loopback addresses, each carrying the defects a test asks for. Everything stays on
//! 127.0.0.0/8; the scanner reaches it only because the tests lift the SSRF guard.

pub mod dns;
pub mod pki;
pub mod site;
pub mod tarpit;
pub mod web;

use base64::Engine as _;
use dns::{DnsServer, Rec};
use domain::product::Endpoint;
use engine::net::dns::ResolverChoice;
use engine::redact::SecretHeader;
use engine::{AuditOptions, CrossTenant, Scorecard, Status, Target};
use site::{Site, CANARY, TOKEN_A, TOKEN_B};
use std::sync::LazyLock;
use web::HttpsSpec;

/// A 2048-bit RSA DKIM public key (base64 DER), made once per test process.
pub static DKIM_2048: LazyLock<String> = LazyLock::new(|| rsa_public_b64(2048));
pub static DKIM_1024: LazyLock<String> = LazyLock::new(|| rsa_public_b64(1024));

fn rsa_public_b64(bits: u32) -> String {
    let rsa = openssl::rsa::Rsa::generate(bits).unwrap();
    base64::engine::general_purpose::STANDARD.encode(rsa.public_key_to_der().unwrap())
}

pub struct Internet {
    pub dns: DnsServer,
}

impl Internet {
    /// Starts DNS with every site's records plus `extra`, and every site's servers.
    pub async fn start(sites: &[Site], extra: &[Rec]) -> Self {
        let mut records: Vec<Rec> = sites.iter().flat_map(|s| s.records(&DKIM_2048)).collect();
        records.extend(extra.iter().cloned());
        let zones: Vec<String> = sites.iter().filter(|s| s.own_zone).map(|s| s.apex.clone()).collect();
        let dns = DnsServer::start_with_zones(&records, &zones).await;
        for site in sites {
            let https = site.https.then(|| HttpsSpec {
                router: site.https_router(),
                cert_names: site.cert_names.clone().unwrap_or_else(|| site.hosts()),
                cert: site.cert,
                stack: site.tls,
            });
            web::serve(site.ip, site.http_router(), https).await;
        }
        Self { dns }
    }

    /// Options that reach the fixture: its resolver, its CA, private targets allowed.
    pub fn options(&self) -> AuditOptions {
        let mut options = AuditOptions {
            resolver: ResolverChoice::Server(self.dns.addr),
            extra_ca_pem: vec![pki::CA.pem.clone().into_bytes()],
            allow_private_targets: true,
            ..AuditOptions::default()
        };
        options.limits.request_timeout = std::time::Duration::from_secs(5);
        options.deadline = std::time::Duration::from_secs(60);
        options
    }

    pub fn active_options(&self) -> AuditOptions {
        AuditOptions { active: true, ..self.options() }
    }
}

/// The target as its owner declares it: hosts, mail, DKIM selector, endpoints, credentials.
pub fn target_for(site: &Site) -> Target {
    let mut target = Target::parse(&format!("https://{}/", site.apex)).unwrap();
    target.www = site.www != site::Www::Missing;
    target.hosts = site.extra_hosts.clone();
    target.dkim_selectors = vec!["sel1".into()];
    target.endpoints = [
        "/api/health=public,health",
        "/api/me=authenticated",
        "/api/admin/users=admin",
        "/api/login=public,login",
        "/api/chat=public,chat",
    ]
    .iter()
    .map(|e| Endpoint::parse(e).unwrap())
    .collect();
    target.auth_header = Some(SecretHeader::parse(&format!("Authorization: {TOKEN_A}")).unwrap());
    target.chat_canary = Some(CANARY.to_owned());
    target.cross_tenant = Some(CrossTenant {
        object_path: "/api/projects/b-1".into(),
        owner: SecretHeader::parse(&format!("Authorization: {TOKEN_B}")).unwrap(),
        other: SecretHeader::parse(&format!("Authorization: {TOKEN_A}")).unwrap(),
    });
    target
}

/// Starts one site alone and audits it.
pub async fn audit(site: Site, active: bool) -> Scorecard {
    audit_adjusted(site, active, |_, _| {}).await
}

/// Starts one site alone and audits it after `adjust` changed the declaration or the options
/// (a product's latency budget, a CDN range holding the site, a preload list entry).
pub async fn audit_adjusted(site: Site, active: bool, adjust: impl FnOnce(&mut Target, &mut AuditOptions)) -> Scorecard {
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut options = if active { internet.active_options() } else { internet.options() };
    let mut target = target_for(&site);
    adjust(&mut target, &mut options);
    engine::run_audit(target, options, &|_| {}).await.expect("audit runs")
}

/// Every finding that is not a clean pass (or an expected skip), one line each, for messages.
pub fn problems(card: &Scorecard) -> Vec<String> {
    card.checks
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
        .map(|f| format!("{} {:?}: {} | {}", f.id, f.status, f.summary, f.evidence.join(" | ")))
        .collect()
}

/// The status of one check, with its summary and evidence in the panic message if it differs.
#[track_caller]
pub fn expect(card: &Scorecard, id: &str, status: Status) {
    let finding = card.checks.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no finding {id}"));
    assert_eq!(
        finding.status,
        status,
        "{id}: expected {status:?}, got {:?}: {}\nevidence:\n  {}",
        finding.status,
        finding.summary,
        finding.evidence.join("\n  ")
    );
}
