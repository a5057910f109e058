//! The http checks: HTTPS on every host, plain HTTP redirected permanently, one canonical
//! host, short redirect chains that never downgrade, HSTS, and no mixed content.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{Chain, ChainEnd, FetchError};
use crate::registry::Registry;
use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

pub(super) fn register(r: &mut Registry) {
    r.add("http.https.available", |cx| Box::pin(https_available(cx)));
    r.add("http.https.redirect", |cx| Box::pin(https_redirect(cx)));
    r.add("http.canonical", |cx| Box::pin(canonical(cx)));
    r.add("http.redirect.chain", |cx| Box::pin(redirect_chain(cx)));
    r.add("http.hsts", |cx| Box::pin(hsts(cx)));
    r.add("http.mixed_content", |cx| Box::pin(mixed_content(cx)));
}

/// Six months: the minimum the HSTS preload list and most audits ask for.
const HSTS_MIN_MAX_AGE: u64 = 15_552_000;
/// More hops than this make every first visit noticeably slower.
const MAX_HOPS: usize = 3;

/// `scheme://host/`, on the main URL's port when it is the main host in the main URL's scheme,
/// so the main URL's chain is the very one `cx.home()` follows (and is requested once).
fn root_url(cx: &AuditContext, scheme: &str, host: &str) -> Option<Url> {
    let target = &cx.target;
    if host == target.main_host() && target.url.scheme() == scheme {
        return Some(target.url_on(host, "/"));
    }
    Url::parse(&format!("{scheme}://{host}/")).ok()
}

/// A connection that never got an answer: the port is closed, filtered or not speaking HTTP.
fn unanswered(chain: &Chain) -> Option<&FetchError> {
    match (&chain.end, chain.hops.is_empty()) {
        (ChainEnd::Failed(e), true) => Some(e),
        _ => None,
    }
}

/// Failures that say nothing about the site: the scanner refused or ran out of budget.
fn scanner_side(e: &FetchError) -> bool {
    matches!(e, FetchError::Refused(_) | FetchError::BudgetExhausted(_))
}

async fn https_available(cx: &AuditContext) -> Outcome {
    let hosts = cx.resolving_web_hosts().await;
    if hosts.is_empty() {
        return Outcome::error("no declared host resolves, so none could be asked for HTTPS");
    }
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for host in &hosts {
        let Some(url) = root_url(cx, "https", host) else { continue };
        let chain = cx.chain(&url).await;
        match (unanswered(&chain), chain.hops.first()) {
            (Some(e), _) if scanner_side(e) => return Outcome::error(format!("{url}: {e}")).evidence_lines(evidence),
            (Some(e), _) => {
                missing.push(host.clone());
                evidence.push(format!("{url}: no HTTPS answer ({e})"));
            }
            (None, Some(first)) => evidence.push(format!("{url}: answered {}", first.status)),
            (None, None) => evidence.push(format!("{url}: {}", chain.describe().join("; "))),
        }
    }
    if missing.is_empty() {
        Outcome::pass(format!("all {} host(s) answer over HTTPS", hosts.len())).evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "{} do(es) not answer over HTTPS: browsers that try HTTPS first show an error, others stay on plain HTTP",
            missing.join(", ")
        ))
        .evidence_lines(evidence)
    }
}

/// How plain HTTP on one host treats a visitor.
enum PlainAnswer {
    /// Every hop until HTTPS is 301/308.
    Permanent,
    Temporary(u16),
    /// A page is served over plain HTTP (status of that page).
    ServesContent(u16),
    /// The redirects go somewhere that is not HTTPS and never get there.
    NeverHttps,
    /// Nothing answers on port 80.
    Closed,
}

fn judge_plain(chain: &Chain) -> PlainAnswer {
    if unanswered(chain).is_some() {
        return PlainAnswer::Closed;
    }
    // The chain starts on http and this returns at the first hop to https, so every hop
    // judged here is a plain-HTTP one.
    for hop in &chain.hops {
        match (&hop.location, hop.status) {
            (None, status) => return PlainAnswer::ServesContent(status),
            (Some(_), 301 | 308) => {}
            (Some(_), status) => return PlainAnswer::Temporary(status),
        }
        if hop.location.as_ref().is_some_and(|l| l.scheme() == "https") {
            return PlainAnswer::Permanent;
        }
    }
    PlainAnswer::NeverHttps
}

async fn https_redirect(cx: &AuditContext) -> Outcome {
    let hosts = cx.resolving_web_hosts().await;
    if hosts.is_empty() {
        return Outcome::error("no declared host resolves, so none could be asked over plain HTTP");
    }
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut closed = Vec::new();
    for host in &hosts {
        let Some(url) = root_url(cx, "http", host) else { continue };
        let chain = cx.chain(&url).await;
        if let Some(e) = unanswered(&chain).filter(|e| scanner_side(e)) {
            return Outcome::error(format!("{url}: {e}")).evidence_lines(evidence);
        }
        // Only the plain-HTTP part of the chain is this check's business.
        evidence.extend(chain.hops.iter().take_while(|h| h.url.scheme() == "http").map(|h| match &h.location {
            Some(to) => format!("{} {} → {to}", h.status, h.url),
            None => format!("{} {} (served over plain HTTP)", h.status, h.url),
        }));
        if let Some(e) = unanswered(&chain) {
            evidence.push(format!("{url}: no answer ({e})"));
        }
        match judge_plain(&chain) {
            PlainAnswer::Permanent => {}
            PlainAnswer::Temporary(status) => problems.push(format!("{host} redirects with a temporary {status}")),
            PlainAnswer::ServesContent(status) => problems.push(format!("{host} serves content over plain HTTP (status {status})")),
            PlainAnswer::NeverHttps => problems.push(format!("{host} never reaches HTTPS")),
            PlainAnswer::Closed => closed.push(host.clone()),
        }
    }
    if !problems.is_empty() {
        return Outcome::fail(format!(
            "plain HTTP is not sent permanently to HTTPS: {}; visitors and old links stay unencrypted",
            problems.join("; ")
        ))
        .evidence_lines(evidence);
    }
    if !closed.is_empty() {
        // Closed port 80 leaks nothing, but whoever types the bare domain into a browser that
        // still tries http:// first gets a connection error instead of the site.
        return Outcome::warn(format!(
            "nothing answers plain HTTP on {}: safe, but visitors who type the bare domain may get a connection error; answer port 80 with a 301 to HTTPS",
            closed.join(", ")
        ))
        .evidence_lines(evidence);
    }
    Outcome::pass(format!("plain HTTP redirects permanently to HTTPS on all {} host(s)", hosts.len())).evidence_lines(evidence)
}

async fn canonical(cx: &AuditContext) -> Outcome {
    if !cx.target.www {
        return Outcome::skipped("the product declares that it has no www host");
    }
    let apex = cx.target.apex.clone();
    let www = cx.target.www_host();
    let mut ends = Vec::new();
    let mut evidence = Vec::new();
    for host in [&apex, &www] {
        if cx.ips(host).await.is_err() {
            return Outcome::error(format!("{host} does not resolve, so where it leads cannot be compared (see the dns checks)"));
        }
        let Some(url) = root_url(cx, "https", host) else { return Outcome::error(format!("{host} is not a valid host name")) };
        let chain = cx.chain(&url).await;
        evidence.extend(chain.describe());
        match &chain.end {
            ChainEnd::Done(page) => ends.push(page.url.host_str().unwrap_or_default().to_owned()),
            _ => return Outcome::error(format!("{url} does not end on a page, so its canonical host is unknown")).evidence_lines(evidence),
        }
    }
    if ends[0] == ends[1] {
        Outcome::pass(format!("{apex} and {www} both end on {}", ends[0])).evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "{apex} ends on {} but {www} ends on {}: two canonical hosts split sessions and duplicate content",
            ends[0], ends[1]
        ))
        .evidence_lines(evidence)
    }
}

async fn redirect_chain(cx: &AuditContext) -> Outcome {
    let mut hosts = vec![cx.target.main_host().to_owned(), cx.target.apex.clone()];
    if cx.target.www {
        hosts.push(cx.target.www_host());
    }
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    let mut starts = Vec::new();
    for host in &hosts {
        if cx.ips(host).await.is_err() {
            continue;
        }
        starts.extend(["http", "https"].iter().filter_map(|scheme| root_url(cx, scheme, host)));
    }
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut followed = 0;
    for start in &starts {
        let chain = cx.chain(start).await;
        if let Some(e) = unanswered(&chain) {
            if scanner_side(e) {
                return Outcome::error(format!("{start}: {e}")).evidence_lines(evidence);
            }
            // A closed port is http.https.available's or http.https.redirect's finding.
            evidence.push(format!("{start}: no answer ({e})"));
            continue;
        }
        followed += 1;
        evidence.push(format!("from {start}: {}", chain.describe().join(" | ")));
        let downgrades: Vec<String> = chain
            .hops
            .iter()
            .filter_map(|h| {
                h.location.as_ref().filter(|to| h.url.scheme() == "https" && to.scheme() == "http").map(|to| format!("{} → {to}", h.url))
            })
            .collect();
        if !downgrades.is_empty() {
            problems.push(format!("{start} downgrades to plain HTTP ({})", downgrades.join(", ")));
        }
        match &chain.end {
            ChainEnd::Loop(url) => problems.push(format!("{start} loops back to {url}")),
            ChainEnd::TooManyHops => problems.push(format!("{start} never stops redirecting (gave up after {} hops)", chain.redirects())),
            ChainEnd::Failed(e) if scanner_side(e) => return Outcome::error(format!("{start}: {e}")).evidence_lines(evidence),
            ChainEnd::Failed(e) => problems.push(format!("{start} redirects to {} which does not answer ({e})", chain.final_url())),
            ChainEnd::Done(_) if chain.redirects() > MAX_HOPS => {
                problems.push(format!("{start} takes {} redirects (at most {MAX_HOPS})", chain.redirects()))
            }
            ChainEnd::Done(_) => {}
        }
    }
    if followed == 0 {
        return Outcome::error("no start URL answered, so no redirect chain could be followed").evidence_lines(evidence);
    }
    if problems.is_empty() {
        Outcome::pass(format!("{followed} redirect chain(s) end within {MAX_HOPS} hops without a loop or a downgrade to http"))
            .evidence_lines(evidence)
    } else {
        Outcome::fail(format!("broken redirects: {}", problems.join("; "))).evidence_lines(evidence)
    }
}

/// The `max-age` of an HSTS header value (RFC 6797 §6.1): directive names are
/// case-insensitive, values may be quoted, and a repeated directive voids the header.
fn hsts_max_age(value: &str) -> Result<u64, String> {
    let mut max_age = None;
    for directive in value.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let (name, raw) = directive.split_once('=').map_or((directive, None), |(n, v)| (n.trim(), Some(v.trim())));
        if !name.eq_ignore_ascii_case("max-age") {
            continue;
        }
        if max_age.is_some() {
            return Err("max-age is given twice, so browsers ignore the header".into());
        }
        let raw = raw.ok_or("max-age has no value")?.trim_matches('"');
        max_age = Some(raw.parse::<u64>().map_err(|_| format!("max-age \"{raw}\" is not a number"))?);
    }
    max_age.ok_or_else(|| "the header has no max-age, so browsers ignore it".into())
}

async fn hsts(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(home) => home,
        Err(e) => return Outcome::error(e),
    };
    if home.url.scheme() != "https" {
        return Outcome::fail(format!("the main page ends on plain HTTP ({}), where browsers ignore HSTS", home.url));
    }
    let Some(value) = home.header("strict-transport-security") else {
        return Outcome::fail(
            "no Strict-Transport-Security header: a network attacker can strip HTTPS from a visitor's first plain-HTTP request",
        )
        .evidence(format!("{} ({}): no Strict-Transport-Security", home.url, home.status));
    };
    let line = format!("{}: Strict-Transport-Security: {value}", home.url);
    match hsts_max_age(value) {
        Err(why) => Outcome::fail(format!("Strict-Transport-Security is not usable: {why}")).evidence(line),
        Ok(0) => Outcome::fail("Strict-Transport-Security has max-age=0, which tells browsers to forget HSTS").evidence(line),
        Ok(age) if age < HSTS_MIN_MAX_AGE => Outcome::warn(format!(
            "HSTS max-age is {age} seconds ({} days), shorter than the 6 months ({HSTS_MIN_MAX_AGE}) that protects returning visitors",
            age / 86_400
        ))
        .evidence(line),
        Ok(age) => Outcome::pass(format!("HSTS is set for {} days", age / 86_400)).evidence(line),
    }
}

/// Elements that load a subresource, and the attribute naming it. A `srcset` holds several.
const SUBRESOURCES: &[(&str, &str)] = &[
    ("script[src]", "src"),
    ("link[href]", "href"),
    ("iframe[src]", "src"),
    ("frame[src]", "src"),
    ("img[src]", "src"),
    ("img[srcset]", "srcset"),
    ("source[src]", "src"),
    ("source[srcset]", "srcset"),
    ("video[src]", "src"),
    ("video[poster]", "poster"),
    ("audio[src]", "src"),
    ("track[src]", "src"),
    ("embed[src]", "src"),
    ("object[data]", "data"),
];

static SELECTORS: LazyLock<Vec<(Selector, &'static str, &'static str)>> =
    LazyLock::new(|| SUBRESOURCES.iter().map(|(css, attr)| (Selector::parse(css).expect("constant selector"), *css, *attr)).collect());
static BASE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("base[href]").expect("constant selector"));

/// `<link>` loads something only for these relations (a `canonical` or `alternate` link to an
/// http:// URL is not mixed content).
fn link_loads(rel: &str) -> bool {
    rel.split_ascii_whitespace()
        .any(|r| ["stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"].iter().any(|k| r.eq_ignore_ascii_case(k)))
}

/// The `http://` subresources of an HTML page, resolved as the browser does (against
/// `<base href>`, so relative URLs under an http:// base count too).
fn insecure_subresources(page_url: &Url, html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let base = document
        .select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let mut found = Vec::new();
    for (selector, css, attr) in SELECTORS.iter() {
        for element in document.select(selector) {
            if *css == "link[href]" && !link_loads(element.value().attr("rel").unwrap_or_default()) {
                continue;
            }
            let Some(value) = element.value().attr(attr) else { continue };
            let candidates: Vec<&str> = if *attr == "srcset" {
                value.split(',').filter_map(|c| c.split_ascii_whitespace().next()).collect()
            } else {
                vec![value.trim()]
            };
            for candidate in candidates {
                if let Ok(url) = base.join(candidate) {
                    if url.scheme() == "http" {
                        let line = format!("<{} {attr}=\"{url}\">", element.value().name());
                        if !found.contains(&line) {
                            found.push(line);
                        }
                    }
                }
            }
        }
    }
    found
}

/// Whether an enforced CSP asks browsers to upgrade http:// subresources to https://.
fn upgrades_insecure(headers: &[&str]) -> bool {
    headers.iter().flat_map(|h| h.split([',', ';'])).any(|d| d.trim().eq_ignore_ascii_case("upgrade-insecure-requests"))
}

async fn mixed_content(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(home) => home,
        Err(e) => return Outcome::error(e),
    };
    if home.url.scheme() != "https" {
        return Outcome::skipped(format!(
            "the main page ends on plain HTTP ({}), so there is no HTTPS page to check (see http.https.redirect)",
            home.url
        ));
    }
    let content_type = home.header("content-type").unwrap_or_default().to_ascii_lowercase();
    if !content_type.is_empty() && !content_type.contains("html") {
        return Outcome::skipped(format!("the main page is {content_type}, not HTML"));
    }
    let insecure = insecure_subresources(&home.url, &home.text());
    let page = format!("{} ({} bytes{})", home.url, home.body.len(), if home.truncated { ", truncated" } else { "" });
    if insecure.is_empty() {
        return Outcome::pass("the HTTPS main page loads no script, style, frame or image over http://").evidence(page);
    }
    let count = insecure.len();
    let lines = std::iter::once(page).chain(insecure.into_iter().take(20)).collect::<Vec<_>>();
    if upgrades_insecure(&home.header_all("content-security-policy")) {
        // Browsers fetch these over https:// instead, so nothing travels in clear text; the
        // references still break wherever the other host has no HTTPS.
        Outcome::warn(format!(
            "{count} http:// subresource(s) on the HTTPS main page; the CSP's upgrade-insecure-requests makes browsers fetch them over https, but fix the URLs"
        ))
        .evidence_lines(lines)
    } else {
        Outcome::fail(format!("{count} http:// subresource(s) on the HTTPS main page: browsers block them or load them where a network attacker can replace them"))
            .evidence_lines(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_max_age_parsing() {
        assert_eq!(hsts_max_age("max-age=31536000; includeSubDomains"), Ok(31_536_000));
        assert_eq!(hsts_max_age("includeSubDomains; Max-Age=\"600\""), Ok(600));
        assert!(hsts_max_age("includeSubDomains").is_err());
        assert!(hsts_max_age("max-age=1; max-age=2").is_err());
        assert!(hsts_max_age("max-age=abc").is_err());
    }

    #[test]
    fn finds_http_subresources_through_base_and_srcset() {
        let page = Url::parse("https://example.test/").unwrap();
        let html = r#"<html><head><link rel="canonical" href="http://example.test/"><link rel="stylesheet" href="http://cdn.test/a.css">
            <script src="//cdn.test/ok.js"></script></head><body><img srcset="/x.png 1x, http://img.test/y.png 2x"><iframe src="https://ok.test/"></iframe></body></html>"#;
        let found = insecure_subresources(&page, html);
        assert_eq!(found, vec![r#"<link href="http://cdn.test/a.css">"#.to_owned(), r#"<img srcset="http://img.test/y.png">"#.to_owned()]);
        let based = insecure_subresources(&page, r#"<head><base href="http://example.test/"></head><script src="/app.js"></script>"#);
        assert_eq!(based, vec![r#"<script src="http://example.test/app.js">"#.to_owned()]);
    }
}
