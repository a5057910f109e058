//! What the exposure checks share.

use crate::context::AuditContext;
use crate::net::http::Response;
use url::Url;

pub(super) async fn app_url(cx: &AuditContext, path: &str) -> Url {
    match cx.home().await {
        Ok(home) => home.url.join(path).unwrap_or_else(|_| cx.endpoint_url(path)),
        Err(_) => cx.endpoint_url(path),
    }
}

pub(super) fn is_html(response: &Response) -> bool {
    let content_type = response.header("content-type").unwrap_or_default().to_ascii_lowercase();
    if content_type.contains("html") {
        return true;
    }
    let head: String =
        response.text().chars().take(512).collect::<String>().trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
    head.starts_with("<!doctype")
        || head.starts_with("<html")
        || head.starts_with("<head")
        || head.starts_with("<body")
        || head.starts_with("<!--")
        || head.contains("<html")
}

pub(super) fn status_line(url: &Url, response: &Response) -> String {
    let content_type = response.header("content-type").unwrap_or("no content-type");
    format!("GET {url} → {} ({content_type}, {} bytes)", response.status, response.body.len())
}
