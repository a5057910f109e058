//! The perf checks: p95 latency of ordinary GETs, compression of text responses, and
//! long-lived caching of the home page's static assets.
//!
//! Latency samples are fresh requests (never the shared memo, whose timing belongs to whoever
//! fetched first) and leave out chat endpoints (POSTs that spend model tokens, which a passive
//! check must not do) and login endpoints (their GETs count against the rate limit that
//! api.rate_limit probes).

use super::exposure::{home_assets, MAX_SCRIPTS};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{Request, Response};
use crate::registry::Registry;
use domain::product::{Access, EndpointKind};
use std::time::Duration;
use url::Url;

pub(super) fn register(r: &mut Registry) {
    r.add("perf.latency", |cx| Box::pin(latency(cx)));
    r.add("perf.compression", |cx| Box::pin(compression(cx)));
    r.add("perf.static_caching", |cx| Box::pin(static_caching(cx)));
}

// ---------------------------------------------------------------------------------------------
// perf.latency

const LATENCY_SAMPLES: usize = 8;
const LATENCY_BUDGET: Duration = Duration::from_millis(500);

/// Nearest-rank percentile of `samples` (not empty).
fn percentile(samples: &[Duration], pct: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((pct / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

async fn latency(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(h) => h.url.clone(),
        Err(e) => return Outcome::error(e),
    };
    let mut targets: Vec<Url> = vec![home];
    let mut left_out = Vec::new();
    for endpoint in &cx.target.endpoints {
        match (endpoint.access, endpoint.kind) {
            (_, EndpointKind::Chat) => left_out.push(format!("{} (chat: answers POSTs and spends model tokens)", endpoint.path)),
            (_, EndpointKind::Login) => left_out.push(format!("{} (login: GETs would count against its rate limit)", endpoint.path)),
            (Access::Public, _) => targets.push(cx.endpoint_url(&endpoint.path)),
            _ => left_out.push(format!("{} (needs credentials: an anonymous 401 is not representative)", endpoint.path)),
        }
    }

    let mut timings: Vec<(Url, Vec<String>)> = targets.iter().map(|u| (u.clone(), Vec::new())).collect();
    let mut samples = Vec::new();
    let mut slowest: Option<(Duration, Url)> = None;
    // Sequential on purpose: concurrent samples would measure this scanner's own burst.
    for i in 0..LATENCY_SAMPLES {
        let slot = i % targets.len();
        let url = targets[slot].clone();
        match cx.send(Request::get(url.clone())).await {
            Ok(response) => {
                samples.push(response.elapsed);
                timings[slot].1.push(format!("{} ({})", ms(response.elapsed), response.status));
                if slowest.as_ref().is_none_or(|(d, _)| response.elapsed > *d) {
                    slowest = Some((response.elapsed, url));
                }
            }
            Err(e) => timings[slot].1.push(format!("failed: {e}")),
        }
    }
    let mut evidence: Vec<String> = timings.iter().map(|(url, t)| format!("GET {url}: {}", t.join(", "))).collect();
    if !left_out.is_empty() {
        evidence.push(format!("not sampled: {}", left_out.join("; ")));
    }
    if samples.is_empty() {
        return Outcome::error("none of the latency samples got an answer").evidence_lines(evidence);
    }
    let p95 = percentile(&samples, 95.0);
    let median = percentile(&samples, 50.0);
    evidence.insert(0, format!("{} request(s): p95 {}, median {}, budget {}", samples.len(), ms(p95), ms(median), ms(LATENCY_BUDGET)));
    if p95 < LATENCY_BUDGET {
        Outcome::pass(format!("p95 latency is {} over {} requests, within the {} budget", ms(p95), samples.len(), ms(LATENCY_BUDGET)))
            .evidence_lines(evidence)
    } else {
        let slowest = slowest.map(|(d, url)| format!("; slowest: {url} in {}", ms(d))).unwrap_or_default();
        Outcome::fail(format!("p95 latency is {}, over the {} budget{slowest}", ms(p95), ms(LATENCY_BUDGET))).evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// perf.compression

/// Below this, compression saves too little to matter, and many servers skip it on purpose.
const COMPRESSION_MIN_BYTES: usize = 1024;

fn is_text_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/javascript" | "application/x-javascript" | "application/json" | "application/xml" | "image/svg+xml"
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    Compressed,
    TooSmall,
    NotText,
    Uncompressed,
}

fn judge_compression(response: &Response) -> Compression {
    let encoding = response.header("content-encoding").unwrap_or_default().trim().to_ascii_lowercase();
    if !encoding.is_empty() && encoding != "identity" {
        return Compression::Compressed;
    }
    if !is_text_type(response.header("content-type").unwrap_or_default()) {
        Compression::NotText
    } else if response.body.len() < COMPRESSION_MIN_BYTES && !response.truncated {
        Compression::TooSmall
    } else {
        Compression::Uncompressed
    }
}

async fn compression(cx: &AuditContext) -> Outcome {
    let (home, assets) = match home_assets(cx).await {
        Ok(x) => x,
        Err(e) => return Outcome::error(e),
    };
    let mut urls = vec![home.url.clone()];
    urls.extend(assets.scripts.first().or(assets.styles.first()).cloned());

    let mut evidence = Vec::new();
    let (mut compressed, mut uncompressed, mut judged) = (0, Vec::new(), 0);
    for url in &urls {
        // The client does not decompress, so the Content-Encoding the server chose stays visible.
        let request = Request::get(url.clone()).header("accept-encoding", "gzip, br");
        let response = match cx.send(request).await {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("GET {url}: {e}"));
                continue;
            }
        };
        let content_type = response.header("content-type").unwrap_or("no content-type").to_owned();
        let size = response.body.len();
        if !(200..300).contains(&response.status) {
            evidence.push(format!("GET {url} → {}: not judged", response.status));
            continue;
        }
        judged += 1;
        let line = match judge_compression(&response) {
            Compression::Compressed => {
                compressed += 1;
                format!(
                    "{url}: Content-Encoding {} ({content_type}, {size} bytes on the wire)",
                    response.header("content-encoding").unwrap_or_default()
                )
            }
            Compression::TooSmall => format!("{url}: not compressed, but only {size} bytes ({content_type}): too small to matter"),
            Compression::NotText => format!("{url}: {content_type} is not a text type, not judged"),
            Compression::Uncompressed => {
                uncompressed.push(url.to_string());
                format!("{url}: no Content-Encoding despite Accept-Encoding: gzip, br ({content_type}, {size} bytes)")
            }
        };
        evidence.push(line);
    }
    if !uncompressed.is_empty() {
        Outcome::fail(format!("{} is sent uncompressed although the browser accepts gzip and Brotli", uncompressed.join(" and ")))
            .evidence_lines(evidence)
    } else if judged == 0 {
        Outcome::error("no text response could be read to judge compression").evidence_lines(evidence)
    } else if compressed == judged {
        Outcome::pass(format!("all {judged} response(s) read are compressed")).evidence_lines(evidence)
    } else if compressed > 0 {
        Outcome::pass(format!("{compressed} of {judged} response(s) compressed; the rest are too small to matter or not text"))
            .evidence_lines(evidence)
    } else {
        Outcome::pass(format!(
            "the {judged} response(s) read are under {COMPRESSION_MIN_BYTES} bytes, where compression saves nothing noticeable"
        ))
        .evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// perf.static_caching

const MAX_ASSETS: usize = 10;
const WEEK: u64 = 7 * 24 * 3600;
const DAY: u64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caching {
    Long,
    Medium,
    Short,
}

/// How long a browser may reuse the asset without asking again, and why.
fn judge_caching(response: &Response) -> (Caching, String) {
    let cache_control = response.header_all("cache-control").join(", ");
    let mut max_age: Option<u64> = None;
    let (mut immutable, mut no_store, mut no_cache) = (false, false, false);
    for directive in cache_control.split(',') {
        let (name, value) = directive.split_once('=').map_or((directive, None), |(n, v)| (n, Some(v.trim().trim_matches('"'))));
        match name.trim().to_ascii_lowercase().as_str() {
            "max-age" => max_age = value.and_then(|v| v.parse().ok()).or(Some(0)),
            "immutable" => immutable = true,
            "no-store" => no_store = true,
            "no-cache" => no_cache = true,
            _ => {}
        }
    }
    let shown = if cache_control.is_empty() { "no Cache-Control".to_owned() } else { format!("Cache-Control: {cache_control}") };
    if no_store {
        return (Caching::Short, format!("{shown}: never cached"));
    }
    if no_cache {
        return (Caching::Short, format!("{shown}: revalidated on every use"));
    }
    let lifetime = max_age.or_else(|| if immutable { None } else { expires_lifetime(response) });
    match lifetime {
        Some(secs) if secs >= WEEK => (Caching::Long, format!("{shown}: cached {} day(s)", secs / DAY)),
        Some(secs) if secs >= DAY => (Caching::Medium, format!("{shown}: cached only {} day(s), under a week", secs / DAY)),
        Some(secs) => (Caching::Short, format!("{shown}: cached only {secs} s")),
        None if immutable => (Caching::Long, format!("{shown}: immutable")),
        None => (Caching::Short, format!("{shown}: no explicit lifetime, browsers guess or revalidate")),
    }
}

/// The lifetime an `Expires` header gives, measured from the response's `Date` (or now).
fn expires_lifetime(response: &Response) -> Option<u64> {
    let expires = chrono::DateTime::parse_from_rfc2822(response.header("expires")?.trim()).ok()?;
    let date = response
        .header("date")
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d.trim()).ok())
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(chrono::Utc::now);
    Some((expires.with_timezone(&chrono::Utc) - date).num_seconds().max(0) as u64)
}

/// Scripts, styles and images taken in turn, so a page with many scripts still has its
/// styles and images judged.
fn interleave(lists: [&[Url]; 3], cap: usize) -> Vec<Url> {
    let mut picked = Vec::new();
    let longest = lists.iter().map(|l| l.len()).max().unwrap_or(0);
    for i in 0..longest {
        for list in lists {
            if let Some(url) = list.get(i) {
                if picked.len() < cap {
                    picked.push(url.clone());
                }
            }
        }
    }
    picked
}

async fn static_caching(cx: &AuditContext) -> Outcome {
    let (_, assets) = match home_assets(cx).await {
        Ok(x) => x,
        Err(e) => return Outcome::error(e),
    };
    let scripts = &assets.scripts[..assets.scripts.len().min(MAX_SCRIPTS)];
    let picked = interleave([scripts, &assets.styles, &assets.images], MAX_ASSETS);
    if picked.is_empty() {
        return Outcome::skipped("the home page references no same-site script, stylesheet or image to judge");
    }
    let mut evidence = Vec::new();
    let mut worst: Option<Caching> = None;
    let (mut short, mut medium, mut judged) = (0, 0, 0);
    for url in &picked {
        let response = match cx.get(url).await {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("GET {url}: {e}"));
                continue;
            }
        };
        if !(200..300).contains(&response.status) {
            evidence.push(format!("GET {url} → {}: not judged", response.status));
            continue;
        }
        let (caching, why) = judge_caching(&response);
        judged += 1;
        match caching {
            Caching::Short => short += 1,
            Caching::Medium => medium += 1,
            Caching::Long => {}
        }
        worst = worst.max(Some(caching));
        evidence.push(format!("{url}: {why}"));
    }
    match worst {
        None => Outcome::error("none of the referenced static assets could be read").evidence_lines(evidence),
        Some(Caching::Short) => Outcome::fail(format!(
            "{short} static asset(s) are not cached long-term (no-store, no-cache or under a day): returning visitors download them again"
        ))
        .evidence_lines(evidence),
        Some(Caching::Medium) => {
            Outcome::warn(format!("{medium} static asset(s) are cached for less than a week")).evidence_lines(evidence)
        }
        Some(Caching::Long) => {
            Outcome::pass(format!("all {judged} static asset(s) read are cached for a week or more")).evidence_lines(evidence)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue};

    fn response(headers: &[(&'static str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        Response {
            url: Url::parse("https://x.test/a.js").unwrap(),
            status: 200,
            headers: map,
            body: bytes::Bytes::from(body.to_owned()),
            truncated: false,
            elapsed: Duration::ZERO,
            remote: None,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = [10, 20, 30, 40, 50, 60, 70, 800].iter().map(|m| Duration::from_millis(*m)).collect();
        assert_eq!(percentile(&samples, 95.0), Duration::from_millis(800));
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(40));
        assert_eq!(percentile(&samples[..1], 95.0), Duration::from_millis(10));
    }

    #[test]
    fn cache_lifetimes() {
        assert_eq!(judge_caching(&response(&[("cache-control", "public, max-age=31536000, immutable")], "")).0, Caching::Long);
        assert_eq!(judge_caching(&response(&[("cache-control", "public, immutable")], "")).0, Caching::Long);
        assert_eq!(judge_caching(&response(&[("cache-control", "max-age=172800")], "")).0, Caching::Medium);
        assert_eq!(judge_caching(&response(&[("cache-control", "max-age=600")], "")).0, Caching::Short);
        assert_eq!(judge_caching(&response(&[("cache-control", "no-store")], "")).0, Caching::Short);
        assert_eq!(judge_caching(&response(&[("cache-control", "max-age=31536000, no-cache")], "")).0, Caching::Short);
        assert_eq!(judge_caching(&response(&[], "")).0, Caching::Short);
        let expires = [("date", "Mon, 01 Jan 2024 00:00:00 GMT"), ("expires", "Mon, 01 Apr 2024 00:00:00 GMT")];
        assert_eq!(judge_caching(&response(&expires, "")).0, Caching::Long);
    }

    #[test]
    fn compression_verdicts() {
        let big = "x".repeat(4096);
        assert_eq!(
            judge_compression(&response(&[("content-type", "text/html"), ("content-encoding", "br")], "..")),
            Compression::Compressed
        );
        assert_eq!(judge_compression(&response(&[("content-type", "text/html; charset=utf-8")], &big)), Compression::Uncompressed);
        assert_eq!(judge_compression(&response(&[("content-type", "application/javascript")], "x()")), Compression::TooSmall);
        assert_eq!(judge_compression(&response(&[("content-type", "image/png")], &big)), Compression::NotText);
    }

    #[test]
    fn interleaves_kinds() {
        let u = |p: &str| Url::parse(&format!("https://x.test/{p}")).unwrap();
        let scripts = [u("1.js"), u("2.js"), u("3.js")];
        let picked = interleave([&scripts, &[u("a.css")], &[u("i.png")]], 4);
        assert_eq!(picked.iter().map(|u| u.path()).collect::<Vec<_>>(), ["/1.js", "/a.css", "/i.png", "/2.js"]);
    }
}
