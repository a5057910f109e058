//! launchready passes its own audit. The real server runs behind a TLS terminator on loopback
//! (a reverse proxy with a certificate from the test CA, as production runs behind one), plain
//! HTTP redirects to HTTPS, and
//! the engine audits `https://launchready.test/` with the endpoints a founder would declare.
//! Every check that a deployment of launchready itself controls passes; the ones that need
//! what only a real deployment has (DNS and mail records of its domain) are listed below with
//! the reason, and the test fails if that list changes either way.

use crate::helpers::{Db, TestApp};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use domain::product::Endpoint;
use engine::{AuditOptions, Status, Target};
use std::collections::BTreeMap;
use testkit::internet::dns::{rec, DnsServer};
use testkit::internet::pki::{CertKind, CA};
use testkit::internet::web::{self, next_ip, HttpsSpec, TlsStack};

/// Checks that only a real deployment can pass, and why.
const DEPLOYMENT_ONLY: &[(&str, &str)] = &[
    ("dns.caa", "CAA records are set at the domain's DNS provider"),
    ("dns.edge.proxy", "an edge proxy or CDN in front is infrastructure, not the application"),
    ("email.mx", "MX records belong to the mail provider"),
    ("email.spf.present", "the mail domain's SPF record is DNS, not the application"),
    ("email.spf.valid", "the mail domain's SPF record is DNS, not the application"),
    ("email.spf.policy", "the mail domain's SPF record is DNS, not the application"),
    ("email.dkim", "DKIM keys are published by the mail provider"),
    ("email.dmarc.present", "the mail domain's DMARC record is DNS, not the application"),
    ("email.dmarc.policy", "the mail domain's DMARC record is DNS, not the application"),
    ("email.dmarc.reporting", "the mail domain's DMARC record is DNS, not the application"),
    ("email.mta_sts", "MTA-STS is the mail domain's policy, served by the mail setup"),
    ("email.tls_rpt", "TLS-RPT is a DNS record of the mail domain"),
];

#[derive(Clone)]
struct Upstream {
    base: String,
    http: reqwest::Client,
}

/// The TLS terminator: forwards each request to the server over plain HTTP, as nginx would.
async fn forward(State(up): State<Upstream>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let url = format!("{}{}", up.base, parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut headers = parts.headers.clone();
    headers.insert("x-forwarded-proto", "https".parse().unwrap());
    let sent = up.http.request(parts.method.clone(), url).headers(headers).body(body).send().await;
    match sent {
        Ok(answer) => {
            let mut response = Response::builder().status(answer.status());
            // Hop-by-hop headers describe the upstream connection, not this one.
            for (name, value) in answer.headers() {
                if !matches!(name.as_str(), "transfer-encoding" | "connection" | "keep-alive" | "content-length") {
                    response = response.header(name, value);
                }
            }
            response.body(Body::from(answer.bytes().await.unwrap_or_default())).unwrap()
        }
        Err(err) => (http::StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launchready_passes_its_own_audit() {
    let ip = next_ip();
    let dns = DnsServer::start(&[rec("launchready.test", "A", &ip.to_string()), rec("www.launchready.test", "A", &ip.to_string())]).await;
    // The front end `make build` built (the audit reads its scripts and styles).
    let site_root =
        std::env::var("LAUNCHREADY_SITE_ROOT").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into());
    assert!(
        std::path::Path::new(&site_root).join("pkg/launchready_bg.wasm").exists(),
        "the front end is not built in {site_root}: `make build` builds it"
    );
    let site_root = format!("\"{site_root}\"");
    let app = TestApp::spawn_with(Db::Sqlite, &[("base_url", "\"https://launchready.test\""), ("site_root", site_root.as_str())]).await;

    // The proxy in front: HTTPS with the test CA's certificate, plain HTTP answering 301.
    let upstream = Upstream {
        base: app.base_url.clone(),
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
    };
    // As the README's deployment section says: the proxy sends the www host to the canonical one.
    let proxy = Router::new().fallback(forward).with_state(upstream).layer(axum::middleware::from_fn(
        |request: Request, next: axum::middleware::Next| async move {
            let host = request.headers().get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
            if host.starts_with("www.") {
                let path = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
                return Redirect::permanent(&format!("https://launchready.test{path}")).into_response();
            }
            next.run(request).await
        },
    ));
    let redirect = Router::new().fallback(|request: Request| async move {
        Redirect::permanent(&format!("https://launchready.test{}", request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/")))
    });
    let names = vec!["launchready.test".to_owned(), "www.launchready.test".to_owned()];
    web::serve(ip, Some(redirect), Some(HttpsSpec { router: proxy, cert_names: names, cert: CertKind::Valid, stack: TlsStack::Modern }))
        .await;

    let mut target = Target::parse("https://launchready.test/").unwrap();
    target.endpoints =
        ["/healthz=public,health", "/api/v1/products=authenticated", "/admin/sprints=admin", "/api/auth/sign_in=public,login"]
            .iter()
            .map(|e| Endpoint::parse(e).unwrap())
            .collect();
    let options = AuditOptions {
        resolver: engine::net::dns::ResolverChoice::Server(dns.addr),
        extra_ca_pem: vec![CA.pem.clone().into_bytes()],
        allow_private_targets: true,
        ..AuditOptions::default()
    };
    let card = engine::run_audit(target, options, &|_| {}).await.expect("the audit runs");

    let not_passed: BTreeMap<&str, String> = card
        .checks
        .iter()
        .filter(|f| !matches!(f.status, Status::Pass | Status::Skipped))
        .map(|f| (f.id.as_str(), format!("{:?}: {} | {}", f.status, f.summary, f.evidence.join(" / "))))
        .collect();
    let expected: BTreeMap<&str, &str> = DEPLOYMENT_ONLY.iter().copied().collect();
    let surprising: Vec<String> =
        not_passed.iter().filter(|(id, _)| !expected.contains_key(*id)).map(|(id, why)| format!("{id}: {why}")).collect();
    let passing_now: Vec<&str> =
        card.checks.iter().filter(|f| f.status == Status::Pass && expected.contains_key(f.id.as_str())).map(|f| f.id.as_str()).collect();
    eprintln!(
        "self-audit: score {:?} grade {:?} decision {:?}; not passed: {}",
        card.score,
        card.grade,
        card.decision,
        not_passed.keys().copied().collect::<Vec<_>>().join(", ")
    );
    assert!(surprising.is_empty(), "checks launchready itself should pass:\n{}", surprising.join("\n"));
    assert!(passing_now.is_empty(), "these pass now; take them off DEPLOYMENT_ONLY: {passing_now:?}");
    app.stop().await;
}
