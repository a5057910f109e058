//! What checks of different families share, so that no family imports another: the
//! same-site assets a page loads, short printable excerpts, a JSON POST to a declared
//! endpoint, and a status-code histogram.

use crate::context::AuditContext;
use crate::net::http::{Request, Response};
use domain::product::{Access, Endpoint};
use http::Method;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, LazyLock};
use url::Url;

pub(super) const MAX_SCRIPTS: usize = 10;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct PageAssets {
    pub scripts: Vec<Url>,
    pub styles: Vec<Url>,
    pub images: Vec<Url>,
}

pub(super) fn same_site(url: &Url, apex: &str) -> bool {
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == apex || host.ends_with(&format!(".{apex}"))
}

pub(super) fn page_assets(page: &Url, html: &str, apex: &str) -> PageAssets {
    static BASE: LazyLock<scraper::Selector> = LazyLock::new(|| scraper::Selector::parse("base[href]").expect("valid selector"));
    static SCRIPT: LazyLock<scraper::Selector> = LazyLock::new(|| scraper::Selector::parse("script[src]").expect("valid selector"));
    static LINK: LazyLock<scraper::Selector> = LazyLock::new(|| scraper::Selector::parse("link[href]").expect("valid selector"));
    static IMG: LazyLock<scraper::Selector> = LazyLock::new(|| scraper::Selector::parse("img[src]").expect("valid selector"));

    let document = scraper::Html::parse_document(html);
    let base = document
        .select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| page.join(href.trim()).ok())
        .unwrap_or_else(|| page.clone());
    let resolve = |reference: &str| -> Option<Url> {
        let mut url = base.join(reference.trim()).ok()?;
        url.set_fragment(None);
        same_site(&url, apex).then_some(url)
    };

    let mut assets = PageAssets::default();
    let mut seen = HashSet::new();
    let mut push = |list: &mut Vec<Url>, url: Option<Url>| {
        if let Some(url) = url {
            if seen.insert(url.to_string()) {
                list.push(url);
            }
        }
    };
    for script in document.select(&SCRIPT) {
        push(&mut assets.scripts, script.value().attr("src").and_then(&resolve));
    }
    for link in document.select(&LINK) {
        let rel = link.value().attr("rel").unwrap_or_default().to_ascii_lowercase();
        let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
        let destination = link.value().attr("as").unwrap_or_default().to_ascii_lowercase();
        let url = link.value().attr("href").and_then(&resolve);
        if rels.contains(&"stylesheet") || (rels.contains(&"preload") && destination == "style") {
            push(&mut assets.styles, url);
        } else if rels.contains(&"modulepreload") || (rels.contains(&"preload") && destination == "script") {
            push(&mut assets.scripts, url);
        } else if rels.iter().any(|r| r.ends_with("icon")) || (rels.contains(&"preload") && destination == "image") {
            push(&mut assets.images, url);
        }
    }
    for img in document.select(&IMG) {
        push(&mut assets.images, img.value().attr("src").and_then(&resolve));
    }
    assets
}

pub(super) async fn home_assets(cx: &AuditContext) -> Result<(Arc<Response>, PageAssets), String> {
    let home = cx.home().await?;
    let assets = page_assets(&home.url, &home.text(), &cx.target.apex);
    Ok((home, assets))
}

/// The content of every `<meta attr="name">` of an HTML page, in document order.
pub(crate) fn meta_contents(page: &Response, attr: &str, name: &str) -> Vec<String> {
    static META: LazyLock<scraper::Selector> = LazyLock::new(|| scraper::Selector::parse("meta[content]").expect("constant selector"));
    let content_type = page.header("content-type").unwrap_or_default().to_ascii_lowercase();
    if !content_type.is_empty() && !content_type.contains("html") {
        return Vec::new();
    }
    let document = scraper::Html::parse_document(&page.text());
    let found = document
        .select(&META)
        .filter(|m| m.value().attr(attr).is_some_and(|v| v.trim().eq_ignore_ascii_case(name)))
        .filter_map(|m| m.value().attr("content").map(str::to_owned))
        .collect();
    found
}

pub(super) fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line
    }
}

pub(super) fn json_post(cx: &AuditContext, endpoint: &Endpoint, body: impl Into<bytes::Bytes>) -> Request {
    let mut request = Request::new(Method::POST, cx.endpoint_url(&endpoint.path))
        .header("content-type", "application/json")
        .header("accept", "application/json");
    if endpoint.access != Access::Public {
        if let Some(auth) = &cx.target.auth_header {
            request = request.header(&auth.name, auth.expose());
        }
    }
    request.body(body)
}

pub(super) fn histogram(statuses: &[u16]) -> String {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for s in statuses {
        *counts.entry(*s).or_default() += 1;
    }
    counts.iter().map(|(s, n)| format!("{s} ×{n}")).collect::<Vec<_>>().join(", ")
}

/// A response as the HTTP client returns it, for unit tests of the checks that judge one.
#[cfg(test)]
pub(super) fn test_response(headers: &[(&'static str, &str)], body: &str) -> Response {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        map.append(*name, http::HeaderValue::from_str(value).unwrap());
    }
    Response {
        url: Url::parse("https://x.test/a.js").unwrap(),
        status: 200,
        headers: map,
        body: bytes::Bytes::from(body.to_owned()),
        truncated: false,
        elapsed: std::time::Duration::ZERO,
        remote: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn assets_are_same_site_and_resolved() {
        let page = Url::parse("https://www.shop.test/app/").unwrap();
        let html = r#"<html><head><link rel="stylesheet" href="/s.css"><link rel="icon" href="fav.ico">
            <script src="https://cdn.other.test/x.js"></script><script src="https://static.shop.test/a.js#x"></script>
            <link rel="modulepreload" href="/m.js"></head><body><img src="data:image/png;base64,AA"><img src="/i.png"></body></html>"#;
        let assets = page_assets(&page, html, "shop.test");
        assert_eq!(
            assets.scripts.iter().map(Url::as_str).collect::<Vec<_>>(),
            ["https://static.shop.test/a.js", "https://www.shop.test/m.js"]
        );
        assert_eq!(assets.styles.iter().map(Url::as_str).collect::<Vec<_>>(), ["https://www.shop.test/s.css"]);
        assert_eq!(
            assets.images.iter().map(Url::as_str).collect::<Vec<_>>(),
            ["https://www.shop.test/app/fav.ico", "https://www.shop.test/i.png"]
        );
    }

    #[test]
    fn histogram_counts_in_order() {
        assert_eq!(histogram(&[401, 401, 429]), "401 ×2, 429 ×1");
    }
}
