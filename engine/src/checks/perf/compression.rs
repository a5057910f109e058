//! `perf.compression` (low): Text responses are compressed. Passes when text responses are compressed.

use crate::checks::support::home_assets;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{Request, Response};

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

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::support::test_response as response;
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
}
