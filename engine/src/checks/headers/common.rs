//! What the headers checks share.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use content_security_policy::{CspList, PolicyDisposition, PolicySource};
use scraper::{Html, Selector};
use std::sync::{Arc, LazyLock};

pub(super) async fn home(cx: &AuditContext) -> Result<Arc<Response>, Outcome> {
    cx.home().await.map_err(Outcome::error)
}

/// A check that judges the main page as fetched: the page's verdict, or the outcome of a
/// page that could not be read.
pub(super) async fn judge_home(cx: &AuditContext, judge: fn(&Response) -> Outcome) -> Outcome {
    match home(cx).await {
        Ok(page) => judge(&page),
        Err(outcome) => outcome,
    }
}

pub(super) fn header_line(page: &Response, name: &str) -> String {
    let values = page.header_all(name);
    if values.is_empty() {
        format!("{} ({}): no {name} header", page.url, page.status)
    } else {
        values.iter().map(|v| format!("{}: {name}: {v}", page.url)).collect::<Vec<_>>().join(" | ")
    }
}

pub(super) fn enforced_csp(page: &Response) -> CspList {
    let mut list = CspList(Vec::new());
    for value in page.header_all("content-security-policy") {
        list.append(CspList::parse(value, PolicySource::Header, PolicyDisposition::Enforce));
    }
    list
}

pub(super) fn meta_content(page: &Response, attr: &str, name: &str) -> Option<String> {
    static META: LazyLock<Selector> = LazyLock::new(|| Selector::parse("meta[content]").expect("constant selector"));
    let content_type = page.header("content-type").unwrap_or_default().to_ascii_lowercase();
    if !content_type.is_empty() && !content_type.contains("html") {
        return None;
    }
    let document = Html::parse_document(&page.text());
    let found = document
        .select(&META)
        .find(|m| m.value().attr(attr).is_some_and(|v| v.trim().eq_ignore_ascii_case(name)))
        .and_then(|m| m.value().attr("content").map(str::to_owned));
    found
}
