//! What the headers checks share.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use content_security_policy::{CspList, PolicyDisposition, PolicySource};

use std::sync::Arc;

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

/// The policies sent as Content-Security-Policy headers.
pub(super) fn enforced_csp(page: &Response) -> CspList {
    let mut list = CspList(Vec::new());
    for value in page.header_all("content-security-policy") {
        list.append(CspList::parse(value, PolicySource::Header, PolicyDisposition::Enforce));
    }
    list
}

/// Every policy the browser enforces on the page: the headers' and the `<meta>` tags'. They
/// act as one policy (a script must pass all of them), so a header refined by a meta tag is
/// judged together. The crate drops what a meta policy may not set (frame-ancestors, sandbox).
pub(super) fn enforced_csp_with_meta(page: &Response, metas: &[String]) -> CspList {
    let mut list = enforced_csp(page);
    for content in metas {
        list.append(CspList::parse(content, PolicySource::Meta, PolicyDisposition::Enforce));
    }
    list
}

pub(super) fn meta_content(page: &Response, attr: &str, name: &str) -> Option<String> {
    meta_contents(page, attr, name).into_iter().next()
}

pub(super) use crate::checks::support::meta_contents;
