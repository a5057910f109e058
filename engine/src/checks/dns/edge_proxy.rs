//! `dns.edge.proxy` (medium): CDN or WAF edge fronts the app. Passes only when traffic really
//! goes through an edge: the main host's addresses fall in a CDN's published ranges
//! (`engine/data/edge_*.txt`), or its answers carry an edge's own headers. Nameservers at
//! Cloudflare or Route 53 are DNS hosting, and DNS-only records are common: they are shown,
//! but they do not pass.

use crate::context::AuditContext;
use crate::model::Outcome;

const EDGE_HEADERS: &[(&str, &str)] = &[
    ("cf-ray", "Cloudflare"),
    ("x-amz-cf-id", "Amazon CloudFront"),
    ("x-served-by", "Fastly"),
    ("x-fastly-request-id", "Fastly"),
    ("x-akamai-transformed", "Akamai"),
    ("akamai-grn", "Akamai"),
    ("x-vercel-id", "Vercel"),
    ("x-nf-request-id", "Netlify"),
    ("x-azure-ref", "Azure Front Door"),
    ("x-sucuri-id", "Sucuri"),
];

const EDGE_SERVERS: &[(&str, &str)] = &[
    ("cloudflare", "Cloudflare"),
    ("cloudfront", "Amazon CloudFront"),
    ("akamaighost", "Akamai"),
    ("vercel", "Vercel"),
    ("netlify", "Netlify"),
    ("bunnycdn", "bunny.net"),
    ("sucuri", "Sucuri"),
];

const DNS_HOSTS: &[(&str, &str)] =
    &[("cloudflare.com", "Cloudflare"), ("awsdns", "Amazon Route 53"), ("akam.net", "Akamai"), ("vercel-dns.com", "Vercel")];

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let host = cx.target.main_host().to_owned();
    let mut proof = Vec::new();
    let mut evidence = Vec::new();

    let lookup = cx.ips(&host).await;
    match &lookup {
        Ok(ips) => {
            for &ip in ips {
                match cx.options.edge_ranges.provider_of(ip) {
                    Some(range) => proof.push(format!("{host} → {ip}: in {}'s published range {}", range.provider, range.net)),
                    None => evidence.push(format!("{host} → {ip}: in no published CDN range")),
                }
            }
        }
        Err(e) => evidence.push(format!("{host}: {e}")),
    }

    // The main page as the network served it: a challenge page is the edge's own answer and
    // proves the edge as well as the site's page would.
    let page = cx.main_page_as_served().await;
    if let Some(page) = &page {
        for (header, edge) in EDGE_HEADERS {
            if let Some(value) = page.header(header) {
                proof.push(format!("{edge}: header {header}: {value}"));
            }
        }
        if let Some(server) = page.header("server") {
            let lower = server.to_ascii_lowercase();
            for (needle, edge) in EDGE_SERVERS {
                if lower.contains(needle) {
                    proof.push(format!("{edge}: Server: {server}"));
                }
            }
        }
    }

    if let Ok(nameservers) = cx.dns.ns(&cx.target.apex).await {
        for name in nameservers {
            if let Some((_, provider)) = DNS_HOSTS.iter().find(|(needle, _)| name.contains(needle)) {
                evidence.push(format!("NS {name}: DNS hosted at {provider} (DNS hosting alone puts no edge in front of the app)"));
            }
        }
    }

    if !proof.is_empty() {
        return Outcome::pass("a CDN/WAF edge fronts the app").evidence_lines(proof).evidence_lines(evidence);
    }
    match page {
        Some(page) => Outcome::fail("no CDN or WAF edge detected: the origin takes every request and attack directly")
            .evidence(format!("{} answered without an edge's headers (Server: {})", page.url, page.header("server").unwrap_or("none")))
            .evidence_lines(evidence),
        None if lookup.is_ok() => {
            Outcome::error("the main page could not be read, and its addresses are in no published CDN range").evidence_lines(evidence)
        }
        None => Outcome::error(format!("{host} does not resolve, so no edge could be looked for")).evidence_lines(evidence),
    }
}
