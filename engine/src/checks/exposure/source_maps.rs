//! `exposure.source_maps` (medium): Source maps are not public. Passes when source maps of served bundles are not public.

use super::common::{is_html, status_line};
use crate::checks::support::{home_assets, same_site, MAX_SCRIPTS};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use regex::Regex;
use std::sync::LazyLock;
use url::Url;

pub(super) fn source_mapping_url(script: &str) -> Option<String> {
    static COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)(?://|/\*)[#@]\s*sourceMappingURL=([^\s*]+)").expect("valid regex"));
    COMMENT.captures_iter(script).last().map(|c| c[1].to_owned())
}

fn is_source_map(response: &Response) -> bool {
    if response.status != 200 || is_html(response) {
        return false;
    }
    let text = response.text();
    // Some servers prefix JSON with an XSSI guard.
    let json = text.trim_start_matches('\u{feff}').trim_start().trim_start_matches(")]}'").trim_start();
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(map)) => ["mappings", "sources", "sections"].iter().any(|k| map.contains_key(*k)),
        Ok(_) => false,
        Err(_) => response.truncated && json.starts_with('{') && (json.contains("\"mappings\"") || json.contains("\"sources\"")),
    }
}

pub(super) fn inline_map_has_sources(reference: &str) -> bool {
    use base64::Engine as _;
    let Some((meta, data)) = reference.strip_prefix("data:").and_then(|r| r.split_once(',')) else { return false };
    let decoded = if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD.decode(data.trim()).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    } else {
        data.to_owned()
    };
    decoded.contains("mappings") || decoded.contains("sources")
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let (_, assets) = match home_assets(cx).await {
        Ok(x) => x,
        Err(e) => return Outcome::error(e),
    };
    if assets.scripts.is_empty() {
        return Outcome::skipped("the home page references no same-site script, so there is no bundle whose source map could be public");
    }
    let apex = cx.target.apex.clone();
    let mut evidence = Vec::new();
    let mut public = Vec::new();
    let mut referenced_only = 0;
    let mut read = 0;
    for script in assets.scripts.iter().take(MAX_SCRIPTS) {
        let response = match cx.get(script).await {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("GET {script}: {e}"));
                continue;
            }
        };
        if response.status != 200 {
            evidence.push(status_line(script, &response));
            continue;
        }
        read += 1;
        let mut references = Vec::new();
        for name in ["sourcemap", "x-sourcemap"] {
            if let Some(value) = response.header(name) {
                references.push((value.trim().to_owned(), format!("{name} header")));
            }
        }
        if let Some(value) = source_mapping_url(&response.text()) {
            references.push((value, "sourceMappingURL comment".to_owned()));
        }

        let mut candidates: Vec<(Url, String)> = Vec::new();
        for (reference, how) in &references {
            if reference.starts_with("data:") {
                if inline_map_has_sources(reference) {
                    evidence.push(format!("{script}: the source map is inlined in the bundle ({how} with a data: URL)"));
                    public.push(script.to_string());
                }
                continue;
            }
            match script.join(reference) {
                Ok(url) if same_site(&url, &apex) => candidates.push((url, format!("referenced by {how}"))),
                Ok(url) => evidence.push(format!("{script}: {how} points to {url}, another site (not fetched)")),
                Err(_) => evidence.push(format!("{script}: {how} \"{}\" is not a URL", reference.chars().take(80).collect::<String>())),
            }
        }
        let mut guess = script.clone();
        guess.set_query(None);
        if guess.path().ends_with(".js") || guess.path().ends_with(".mjs") {
            guess.set_path(&format!("{}.map", guess.path()));
            if !candidates.iter().any(|(u, _)| *u == guess) {
                candidates.push((guess, "guessed from the script name".to_owned()));
            }
        }

        for (map_url, how) in candidates {
            match cx.get(&map_url).await {
                Ok(map) if is_source_map(&map) => {
                    evidence.push(format!("{}: a source map ({how})", status_line(&map_url, &map)));
                    public.push(map_url.to_string());
                }
                Ok(map) => {
                    if how.starts_with("referenced") {
                        referenced_only += 1;
                    }
                    evidence.push(format!("{}: not served ({how})", status_line(&map_url, &map)));
                }
                Err(e) => evidence.push(format!("GET {map_url}: {e}")),
            }
        }
    }
    if !public.is_empty() {
        Outcome::fail(format!("{} source map(s) are public: anyone can read the original frontend source", public.len()))
            .evidence_lines(evidence)
    } else if read == 0 {
        Outcome::error("none of the home page's scripts could be read").evidence_lines(evidence)
    } else if referenced_only > 0 {
        Outcome::pass(format!(
            "no source map is served for the {read} script(s) read; {referenced_only} reference(s) point to maps that are not public"
        ))
        .evidence_lines(evidence)
    } else {
        Outcome::pass(format!("no source map is served for the {read} script(s) read")).evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn source_map_comment() {
        assert_eq!(source_mapping_url("x();\n//# sourceMappingURL=app.js.map\n").as_deref(), Some("app.js.map"));
        assert_eq!(source_mapping_url("a{}\n/*# sourceMappingURL=app.css.map */").as_deref(), Some("app.css.map"));
        assert!(source_mapping_url("x();").is_none());
    }
}
