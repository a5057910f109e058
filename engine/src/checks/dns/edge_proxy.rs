//! `dns.edge.proxy` (medium): CDN or WAF edge fronts the app. Passes when a CDN/WAF edge (Cloudflare etc.) fronts the app (headers, NS, or ranges).

use crate::context::AuditContext;
use crate::model::Outcome;

const EDGE_HEADERS: &[(&str, &str)] = &[
    ("cf-ray", "Cloudflare"),
    ("x-amz-cf-id", "Amazon CloudFront"),
    ("x-served-by", "Fastly"),
    ("x-fastly-request-id", "Fastly"),
    ("x-akamai-transformed", "Akamai"),
    ("x-vercel-id", "Vercel"),
    ("x-nf-request-id", "Netlify"),
    ("x-azure-ref", "Azure Front Door"),
    ("x-sucuri-id", "Sucuri"),
    ("x-cdn", "a CDN"),
];

const EDGE_SERVERS: &[(&str, &str)] = &[
    ("cloudflare", "Cloudflare"),
    ("cloudfront", "Amazon CloudFront"),
    ("akamaighost", "Akamai"),
    ("vercel", "Vercel"),
    ("netlify", "Netlify"),
    ("fastly", "Fastly"),
    ("bunnycdn", "bunny.net"),
    ("sucuri", "Sucuri"),
];

const EDGE_NAMESERVERS: &[(&str, &str)] =
    &[("cloudflare.com", "Cloudflare"), ("awsdns", "Amazon Route 53"), ("akam.net", "Akamai"), ("vercel-dns.com", "Vercel")];

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let mut seen = Vec::new();
    let home = cx.home().await;
    if let Ok(page) = &home {
        for (header, edge) in EDGE_HEADERS {
            if let Some(value) = page.header(header) {
                seen.push(format!("{edge}: header {header}: {value}"));
            }
        }
        if let Some(server) = page.header("server") {
            let lower = server.to_ascii_lowercase();
            for (needle, edge) in EDGE_SERVERS {
                if lower.contains(needle) {
                    seen.push(format!("{edge}: Server: {server}"));
                }
            }
        }
    }
    if let Ok(ns) = cx.dns.ns(&cx.target.apex).await {
        for name in ns {
            for (needle, edge) in EDGE_NAMESERVERS {
                if name.contains(needle) {
                    seen.push(format!("{edge}: NS {name}"));
                }
            }
        }
    }
    if !seen.is_empty() {
        return Outcome::pass("a CDN/WAF edge fronts the app").evidence_lines(seen);
    }
    match home {
        Ok(page) => Outcome::fail("no CDN or WAF edge detected: the origin takes every request and attack directly").evidence(format!(
            "{} answered without edge headers (Server: {})",
            page.url,
            page.header("server").unwrap_or("none")
        )),
        Err(e) => Outcome::error(e),
    }
}
