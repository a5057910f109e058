//! The dns checks: the apex, www and declared hosts resolve, no dangling CNAME, CAA, and
//! whether a CDN/WAF edge fronts the app.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("dns.apex.resolves", |cx| Box::pin(apex_resolves(cx)));
    r.add("dns.www.resolves", |cx| Box::pin(www_resolves(cx)));
    r.add("dns.subdomains.resolve", |cx| Box::pin(subdomains_resolve(cx)));
    r.add("dns.cname.dangling", |cx| Box::pin(cname_dangling(cx)));
    r.add("dns.caa", |cx| Box::pin(caa(cx)));
    r.add("dns.edge.proxy", |cx| Box::pin(edge_proxy(cx)));
}

fn addresses(ips: &[std::net::IpAddr]) -> String {
    ips.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join(", ")
}

async fn apex_resolves(cx: &AuditContext) -> Outcome {
    let apex = &cx.target.apex;
    match cx.ips(apex).await {
        Ok(ips) => Outcome::pass(format!("{apex} resolves")).evidence(format!("{apex} → {}", addresses(&ips))),
        Err(e) if e.is_no_records() => {
            Outcome::fail(format!("{apex} has no A or AAAA record: visitors typing the bare domain get nothing")).evidence(e.to_string())
        }
        Err(e) => Outcome::error(e.to_string()),
    }
}

async fn www_resolves(cx: &AuditContext) -> Outcome {
    if !cx.target.www {
        return Outcome::skipped("the product declares that it has no www host");
    }
    let www = cx.target.www_host();
    match cx.ips(&www).await {
        Ok(ips) => Outcome::pass(format!("{www} resolves")).evidence(format!("{www} → {}", addresses(&ips))),
        Err(e) if e.is_no_records() => {
            Outcome::fail(format!("{www} does not resolve: visitors who type www get an error")).evidence(e.to_string())
        }
        Err(e) => Outcome::error(e.to_string()),
    }
}

async fn subdomains_resolve(cx: &AuditContext) -> Outcome {
    if cx.target.hosts.is_empty() {
        return Outcome::skipped("no extra hosts declared (add app. or api. hosts with --host)");
    }
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for host in &cx.target.hosts {
        match cx.ips(host).await {
            Ok(ips) => evidence.push(format!("{host} → {}", addresses(&ips))),
            Err(e) if e.is_no_records() => {
                missing.push(host.clone());
                evidence.push(format!("{host}: no A or AAAA record"));
            }
            Err(e) => return Outcome::error(e.to_string()).evidence_lines(evidence),
        }
    }
    if missing.is_empty() {
        Outcome::pass(format!("all {} declared host(s) resolve", cx.target.hosts.len())).evidence_lines(evidence)
    } else {
        Outcome::fail(format!("declared host(s) do not resolve: {}", missing.join(", "))).evidence_lines(evidence)
    }
}

async fn cname_dangling(cx: &AuditContext) -> Outcome {
    let mut evidence = Vec::new();
    let mut dangling = Vec::new();
    for host in cx.target.web_hosts() {
        if host == cx.target.www_host() && !cx.target.www {
            continue;
        }
        let target = match cx.dns.cname(&host).await {
            Ok(Some(target)) => target,
            Ok(None) => continue,
            Err(e) => return Outcome::error(e.to_string()),
        };
        match cx.dns.ips(&target).await {
            Ok(ips) => evidence.push(format!("{host} CNAME {target} → {}", addresses(&ips))),
            Err(e) if e.is_no_records() => {
                evidence.push(format!("{host} CNAME {target}: the target does not resolve"));
                dangling.push(host);
            }
            Err(e) => return Outcome::error(e.to_string()),
        }
    }
    match (dangling.is_empty(), evidence.is_empty()) {
        (true, true) => Outcome::pass("no declared host is a CNAME"),
        (true, false) => Outcome::pass("every CNAME points to a name that resolves").evidence_lines(evidence),
        (false, _) => {
            Outcome::fail(format!("dangling CNAME on {}: whoever claims the target can serve pages on your domain", dangling.join(", ")))
                .evidence_lines(evidence)
        }
    }
}

async fn caa(cx: &AuditContext) -> Outcome {
    let apex = &cx.target.apex;
    match cx.dns.caa(apex).await {
        Ok(records) => {
            let evidence: Vec<String> = records.iter().map(|c| format!("{apex} CAA {} \"{}\"", c.tag, c.value)).collect();
            if records.iter().any(|c| c.tag.eq_ignore_ascii_case("issue") || c.tag.eq_ignore_ascii_case("issuewild")) {
                Outcome::pass("CAA records restrict which authorities may issue certificates").evidence_lines(evidence)
            } else {
                Outcome::fail("CAA records exist but none has an issue or issuewild tag").evidence_lines(evidence)
            }
        }
        Err(e) if e.is_no_records() => Outcome::fail(format!("{apex} has no CAA record: any certificate authority may issue for it")),
        Err(e) => Outcome::error(e.to_string()),
    }
}

/// Edge networks and what gives them away.
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

async fn edge_proxy(cx: &AuditContext) -> Outcome {
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
