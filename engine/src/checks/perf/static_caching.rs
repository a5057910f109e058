//! `perf.static_caching` (low): Static assets are cached long-term. Only fingerprinted assets
//! are judged (a content hash or a version in the file name, a directory or the query): such a
//! URL never changes content, so it can be cached for a year. A fixed URL (`/favicon.ico`,
//! `/robots.txt`, `/apple-touch-icon.png`, `/static/app.js`) must be revalidated or visitors
//! keep a stale copy after a deploy, so a short lifetime there is correct, not a finding.

use crate::checks::support::{home_assets, MAX_SCRIPTS};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use regex::Regex;
use std::sync::LazyLock;
use url::Url;

const MAX_ASSETS: usize = 10;

const WEEK: u64 = 7 * 24 * 3600;

const DAY: u64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caching {
    Long,
    Medium,
    Short,
}

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

fn expires_lifetime(response: &Response) -> Option<u64> {
    let expires = chrono::DateTime::parse_from_rfc2822(response.header("expires")?.trim()).ok()?;
    let date = response
        .header("date")
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d.trim()).ok())
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(chrono::Utc::now);
    Some((expires.with_timezone(&chrono::Utc) - date).num_seconds().max(0) as u64)
}

/// Names served at fixed URLs by convention: revalidating them is right whatever the name holds.
const CONVENTIONAL: &[&str] = &[
    "favicon.ico",
    "robots.txt",
    "apple-touch-icon.png",
    "apple-touch-icon-precomposed.png",
    "manifest.json",
    "site.webmanifest",
    "browserconfig.xml",
    "sitemap.xml",
];

/// What in `url` shows that its content never changes, if anything.
fn fingerprint(url: &Url) -> Option<String> {
    // A run of hex with a digit (webpack's contenthash, 6+ characters), or base64url with
    // upper case, lower case and a digit (Vite's 8-character hashes), between separators.
    static HEX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)(?:^|[.\-_~@])([0-9a-f]{6,})(?:$|[.\-_~])").expect("valid regex"));
    static B64: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[.\-_~@])([A-Za-z0-9_]{8,})(?:$|[.\-])").expect("valid regex"));
    // A version: 1.2 or v3.1.4 after a separator (jquery-3.6.0.min.js, /lib/1.4.2/), or a /v2/ directory.
    static VERSION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[/\-_@.])v?\d+\.\d+(?:\.\d+)*(?:[/\-_.]|$)|/v\d+/").expect("valid regex"));
    static QUERY_VALUE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:v?\d+(?:\.\d+)*|[0-9a-fA-F]{6,}|[A-Za-z0-9_-]{8,})$").expect("valid regex"));

    let path = url.path();
    let name = path.rsplit('/').next().unwrap_or_default();
    if CONVENTIONAL.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    let hashy = |token: &str, mixed: bool| {
        token.chars().any(|c| c.is_ascii_digit())
            && (!mixed || (token.chars().any(|c| c.is_ascii_uppercase()) && token.chars().any(|c| c.is_ascii_lowercase())))
    };
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(token) = HEX.captures_iter(segment).map(|c| c[1].to_owned()).find(|t| hashy(t, false)) {
            return Some(format!("hash {token} in the path"));
        }
        if let Some(token) = B64.captures_iter(segment).map(|c| c[1].to_owned()).find(|t| hashy(t, true)) {
            return Some(format!("hash {token} in the path"));
        }
    }
    if let Some(found) = VERSION.find(path) {
        return Some(format!("version {} in the path", found.as_str().trim_matches(|c: char| !c.is_ascii_alphanumeric())));
    }
    for (key, value) in url.query_pairs() {
        let named = matches!(key.to_ascii_lowercase().as_str(), "v" | "ver" | "version" | "hash" | "h" | "rev" | "build" | "cb" | "t");
        if (named && !value.is_empty()) || QUERY_VALUE.is_match(&value) && (value.chars().any(|c| c.is_ascii_digit())) {
            return Some(format!("{key}={value} in the query"));
        }
        if value.is_empty() && QUERY_VALUE.is_match(&key) && key.chars().any(|c| c.is_ascii_digit()) {
            return Some(format!("{key} in the query"));
        }
    }
    None
}

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

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
    let mut fingerprinted = Vec::new();
    for url in &picked {
        match fingerprint(url) {
            Some(mark) => fingerprinted.push((url, mark)),
            None => evidence.push(format!("{url}: a fixed URL (no hash or version), so revalidating it is right: not judged")),
        }
    }
    if fingerprinted.is_empty() {
        return Outcome::skipped(
            "the home page references no fingerprinted asset (a hash or version in its URL): only those can be cached long-term, so there is nothing to judge",
        )
        .evidence_lines(evidence);
    }
    for (url, mark) in fingerprinted {
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
        let why = format!("{why} ({mark})");
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
            "{short} fingerprinted asset(s) are not cached long-term (no-store, no-cache or under a day): returning visitors download them again though they cannot change"
        ))
        .evidence_lines(evidence),
        Some(Caching::Medium) => {
            Outcome::warn(format!("{medium} fingerprinted asset(s) are cached for less than a week")).evidence_lines(evidence)
        }
        Some(Caching::Long) => {
            Outcome::pass(format!("all {judged} fingerprinted asset(s) read are cached for a week or more")).evidence_lines(evidence)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::support::test_response as response;
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
    fn fingerprints_in_names_directories_and_queries() {
        let fp = |u: &str| fingerprint(&Url::parse(&format!("https://x.test{u}")).unwrap());
        for hashed in [
            "/static/app.3f9c2a1b.js",
            "/assets/index-BxK3d9Qa.js",
            "/_next/static/chunks/main-5d41402abc4b2a76.js",
            "/js/jquery-3.6.0.min.js",
            "/lib/1.4.2/app.js",
            "/v2/app.js",
            "/static/app.js?v=3",
            "/static/app.css?ver=1.2.3",
            "/static/app.css?5d41402a",
            "/static/logo.svg?h=abc123def",
        ] {
            assert!(fp(hashed).is_some(), "{hashed} is fingerprinted");
        }
        for fixed in [
            "/favicon.ico",
            "/robots.txt",
            "/apple-touch-icon.png",
            "/static/app.js",
            "/css/bootstrap.min.css",
            "/img/hero-banner.png",
            "/fonts/inter-var.woff2",
            "/favicon.ico?v=2",
            "/static/application.js",
            "/static/deadline.js",
        ] {
            assert_eq!(fp(fixed), None, "{fixed} is a fixed URL");
        }
    }

    #[test]
    fn interleaves_kinds() {
        let u = |p: &str| Url::parse(&format!("https://x.test/{p}")).unwrap();
        let scripts = [u("1.js"), u("2.js"), u("3.js")];
        let picked = interleave([&scripts, &[u("a.css")], &[u("i.png")]], 4);
        assert_eq!(picked.iter().map(|u| u.path()).collect::<Vec<_>>(), ["/1.js", "/a.css", "/i.png", "/2.js"]);
    }
}
