//! Entry points for the fuzz targets in `fuzz/` (`make fuzz`) and for the test that replays
//! their seeds and the inputs that once crashed them. Each takes what an audited server, its
//! DNS or a product file controls, runs the code an audit runs on it, and asserts what must
//! hold for any input. Not an API: nothing else calls these.

use crate::net::http::Response;
use crate::product_file::ProductFile;
use crate::redact::{redact, SecretHeader};
use crate::target::Target;
use bytes::Bytes;
use domain::scorecard::{EVIDENCE_LINES, EVIDENCE_LINE_CHARS, SUMMARY_CHARS};
use http::{HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use std::time::Duration;

const PAGE_URL: &str = "https://fuzz.example/";

/// A main page whose head (`name: value` lines up to the first empty line) and body are the
/// input, judged by every headers check that reads only the page (CSP, framing, nosniff,
/// Referrer-Policy, Permissions-Policy, server disclosure, cookies). The verdicts stay within
/// the evidence caps, and a cookie's value is never shown.
pub fn page(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut headers = HeaderMap::new();
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else { continue };
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.trim().as_bytes()), HeaderValue::from_str(value.trim())) {
            headers.append(name, value);
        }
    }
    let secrets = cookie_values(&headers, &text);
    let page = Arc::new(Response {
        url: PAGE_URL.parse().expect("constant URL"),
        status: 200,
        headers,
        body: Bytes::from(body.to_owned()),
        truncated: false,
        elapsed: Duration::ZERO,
        remote: None,
    });
    for outcome in super::headers::judge_page(page) {
        for value in &secrets {
            assert!(!outcome.evidence.iter().any(|line| line.contains(value.as_str())), "a cookie value is shown: {outcome:?}");
        }
        let capped = outcome.capped();
        assert!(capped.summary.chars().count() <= SUMMARY_CHARS && capped.evidence.len() <= EVIDENCE_LINES);
        assert!(capped.evidence.iter().all(|line| line.chars().count() <= EVIDENCE_LINE_CHARS));
    }
}

/// The cookie values that must not reach evidence: long enough to be redacted, and found
/// nowhere else in the input (a value that is also a header name or an attribute is shown
/// as that).
fn cookie_values(headers: &HeaderMap, input: &str) -> Vec<String> {
    let lines = headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    let values = lines.filter_map(|line| line.split(';').next()?.split_once('=').map(|(_, v)| v.trim().to_owned()));
    values.filter(|v| v.len() >= 12 && v.chars().all(|c| c.is_ascii_alphanumeric()) && input.matches(v.as_str()).count() == 1).collect()
}

/// A response body read by every exposure reader (the secrets scanner with its redaction,
/// security.txt, .env, debug pages, git metadata, source maps), and the redaction of the
/// whole text as a secret.
pub fn body(text: &str) {
    super::exposure::read_body(text);
    let shown = redact(text);
    if text.chars().count() >= 10 {
        assert_eq!(shown.chars().count(), 7, "four characters, an ellipsis and two");
        assert!(!shown.contains(text));
    } else {
        assert!(shown.chars().all(|c| c == '…' || c == '*'), "a short secret is hidden entirely");
    }
}

/// A TXT record or an MTA-STS policy file read by every email reader (SPF with mail-auth's
/// gaps closed, DKIM keys, DMARC, the MTA-STS policy).
pub fn records(text: &str) {
    super::email::read_records(text);
}

/// A `--product` file, parsed and every value put through the validator the scan uses.
pub fn product_file(text: &str) {
    let Ok(file) = ProductFile::parse(text) else { return };
    if let Some(url) = &file.url {
        let _ = Target::parse(url);
    }
    for host in file.hosts.iter().chain(&file.mail_domain) {
        let _ = domain::hostname::HostName::parse("hosts", host);
    }
    for selector in &file.dkim_selectors {
        let _ = domain::product::parse_selector(selector);
    }
    for endpoint in &file.endpoints {
        let _ = domain::product::Endpoint::parse(endpoint);
    }
    let cross_tenant = file.cross_tenant.iter().flat_map(|c| [&c.owner_header, &c.other_header]);
    for line in file.auth_header.iter().chain(cross_tenant) {
        if let Ok(header) = SecretHeader::parse(line) {
            assert_eq!(format!("{header:?}"), format!("SecretHeader({}: [redacted])", header.name), "Debug shows no value");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every seed of the fuzz corpus and every input that once failed a fuzz target
    /// (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`) goes through its entry again.
    #[test]
    fn fuzz_seeds_and_past_crashes_replay_cleanly() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
        let mut replayed = 0;
        for kind in ["seeds", "regressions"] {
            for target in ["page", "body", "records", "product_file"] {
                let Ok(dir) = std::fs::read_dir(fuzz.join(kind).join(target)) else { continue };
                for file in dir {
                    let path = file.unwrap().path();
                    let data = std::fs::read(&path).unwrap();
                    let text = String::from_utf8_lossy(&data);
                    let run = std::panic::catch_unwind(|| match target {
                        "page" => super::page(&data),
                        "body" => super::body(&text),
                        "records" => super::records(&text),
                        _ => super::product_file(&text),
                    });
                    assert!(run.is_ok(), "{} fails again", path.display());
                    replayed += 1;
                }
            }
        }
        assert!(replayed >= 12, "the seeds are where this test looks ({replayed} found)");
    }
}
