//! `http.mixed_content` (high): No mixed content on HTTPS pages. Passes when no `http://` scripts, styles, frames or images on HTTPS pages.

use crate::context::AuditContext;
use crate::model::Outcome;
use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

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

fn link_loads(rel: &str) -> bool {
    rel.split_ascii_whitespace()
        .any(|r| ["stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"].iter().any(|k| r.eq_ignore_ascii_case(k)))
}

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

fn upgrades_insecure(headers: &[&str]) -> bool {
    headers.iter().flat_map(|h| h.split([',', ';'])).any(|d| d.trim().eq_ignore_ascii_case("upgrade-insecure-requests"))
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
    // Browsers honour upgrade-insecure-requests from a <meta> policy as from the header.
    let meta = crate::checks::support::meta_contents(&home, "http-equiv", "content-security-policy");
    let mut policies = home.header_all("content-security-policy");
    policies.extend(meta.iter().map(String::as_str));
    if upgrades_insecure(&policies) {
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
