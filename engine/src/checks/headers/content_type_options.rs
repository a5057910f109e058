//! `headers.content_type_options` (low): MIME sniffing is disabled. Passes when `X-Content-Type-Options: nosniff`.

use super::common::{header_line, judge_home};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    judge_home(cx, judge).await
}

/// The verdict on the main page as fetched (pure: the fuzz targets feed it any headers).
pub(super) fn judge(page: &Response) -> Outcome {
    let evidence = header_line(page, "x-content-type-options");
    // Fetch reads only the first comma-separated value.
    let first = page.header_all("x-content-type-options").first().and_then(|v| v.split(',').next()).map(|v| v.trim().to_owned());
    match first {
        Some(v) if v.eq_ignore_ascii_case("nosniff") => Outcome::pass("X-Content-Type-Options: nosniff is sent").evidence(evidence),
        Some(v) => {
            Outcome::fail(format!("X-Content-Type-Options is \"{v}\", not nosniff, so browsers may guess content types")).evidence(evidence)
        }
        None => Outcome::fail("no X-Content-Type-Options: nosniff: browsers may run a mistyped or uploaded file as script or style")
            .evidence(evidence),
    }
}
