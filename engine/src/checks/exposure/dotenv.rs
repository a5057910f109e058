//! `exposure.dotenv` (critical): Environment files are not served. Passes when `/.env` and its usual variants are not served.

use super::common::{app_url, is_html, status_line};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::redact::redact;
use regex::Regex;
use std::sync::LazyLock;

const DOTENV_PATHS: [&str; 8] =
    ["/.env", "/.env.local", "/.env.production", "/.env.production.local", "/.env.development", "/.env.prod", "/.env.backup", "/.env.bak"];

pub(super) fn dotenv_entries(text: &str) -> Option<Vec<(String, String)>> {
    static LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$").expect("valid regex"));
    let mut entries = Vec::new();
    let mut other = 0usize;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match LINE.captures(line) {
            Some(c) => {
                let value = c[2].trim().trim_matches(|ch| ch == '"' || ch == '\'').to_owned();
                entries.push((c[1].to_owned(), value));
            }
            None => other += 1,
        }
    }
    (!entries.is_empty() && other <= entries.len()).then_some(entries)
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let mut urls = Vec::new();
    for path in DOTENV_PATHS {
        urls.push(app_url(cx, path).await);
    }
    let responses = futures::future::join_all(urls.iter().map(|url| cx.get(url))).await;
    let mut served = Vec::new();
    let mut evidence = Vec::new();
    let mut answered = 0;
    for (url, response) in urls.iter().zip(responses) {
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("GET {url}: {e}"));
                continue;
            }
        };
        answered += 1;
        let entries = (response.status == 200 && !is_html(&response)).then(|| dotenv_entries(&response.text())).flatten();
        match entries {
            Some(entries) => {
                let shown: Vec<String> = entries
                    .iter()
                    .take(6)
                    .map(|(k, v)| if v.is_empty() { format!("{k}=(empty)") } else { format!("{k}={}", redact(v)) })
                    .collect();
                let more = entries.len().saturating_sub(6);
                let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                evidence.push(format!("{}: {} variable(s) served: {}{more}", status_line(url, &response), entries.len(), shown.join(", ")));
                served.push(url.path().to_owned());
            }
            None if response.status == 200 => {
                evidence.push(format!("{}: not a KEY=VALUE file (e.g. an app's fallback page)", status_line(url, &response)))
            }
            None => evidence.push(status_line(url, &response)),
        }
    }
    if !served.is_empty() {
        Outcome::fail(format!("{} is served with KEY=VALUE lines: treat every secret in it as leaked and rotate it", served.join(", ")))
            .evidence_lines(evidence)
    } else if answered == 0 {
        Outcome::error("none of the environment-file probes got an answer").evidence_lines(evidence)
    } else {
        Outcome::pass(format!("none of the {} usual environment-file paths serves KEY=VALUE lines", DOTENV_PATHS.len()))
            .evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dotenv_lines_versus_html() {
        let entries = dotenv_entries("# db\nDB_PASSWORD=hunter2secret\nexport API_URL=\"https://x\"\n\n").unwrap();
        assert_eq!(entries[0], ("DB_PASSWORD".into(), "hunter2secret".into()));
        assert_eq!(entries[1].0, "API_URL");
        assert!(dotenv_entries("<!doctype html><html><body>app</body></html>").is_none());
        assert!(dotenv_entries("").is_none());
    }
}
