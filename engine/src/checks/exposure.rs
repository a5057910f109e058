//! The exposure checks: dotfiles and git metadata served by mistake, public source maps,
//! provider secrets shipped to the browser, debug error pages and security.txt.
//!
//! Every "is it served?" judgement looks at the body, not only the status: many single-page
//! apps answer 200 with their index.html for any path, and that must not read as a leak.
//!
//! Source maps: a bundle that only *references* a map (`//# sourceMappingURL=` or a SourceMap
//! header) while the map itself is not served passes. The reference alone gives nothing away,
//! and it is the usual result of uploading maps privately to an error tracker; the evidence
//! still lists it so the owner can drop the dangling comment.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{ChainEnd, Request, Response};
use crate::redact::redact;
use crate::registry::Registry;
use domain::product::EndpointKind;
use regex::Regex;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use url::Url;

pub(super) fn register(r: &mut Registry) {
    r.add("exposure.dotenv", |cx| Box::pin(dotenv(cx)));
    r.add("exposure.git", |cx| Box::pin(git(cx)));
    r.add("exposure.source_maps", |cx| Box::pin(source_maps(cx)));
    r.add("exposure.secrets_in_bundle", |cx| Box::pin(secrets_in_bundle(cx)));
    r.add("exposure.error_details", |cx| Box::pin(error_details(cx)));
    r.add("exposure.security_txt", |cx| Box::pin(security_txt(cx)));
}

/// Scripts fetched per audit: enough to cover a typical bundle split, bounded for huge pages.
pub(super) const MAX_SCRIPTS: usize = 10;

// ---------------------------------------------------------------------------------------------
// The home page's same-site assets (shared with the perf checks).

/// Same-site assets the home page references, each once, in page order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct PageAssets {
    pub scripts: Vec<Url>,
    pub styles: Vec<Url>,
    pub images: Vec<Url>,
}

/// Same site as in browsers: the apex or any of its subdomains, over http or https.
fn same_site(url: &Url, apex: &str) -> bool {
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == apex || host.ends_with(&format!(".{apex}"))
}

/// Kept synchronous: scraper's DOM is not `Send`, so it must not live across an await.
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

/// The home page and its same-site assets.
pub(super) async fn home_assets(cx: &AuditContext) -> Result<(Arc<Response>, PageAssets), String> {
    let home = cx.home().await?;
    let assets = page_assets(&home.url, &home.text(), &cx.target.apex);
    Ok((home, assets))
}

/// `path` on the host that serves the app (the main page's host after redirects): probing the
/// apex when it only redirects to www would test the redirect, not the app.
async fn app_url(cx: &AuditContext, path: &str) -> Url {
    match cx.home().await {
        Ok(home) => home.url.join(path).unwrap_or_else(|_| cx.endpoint_url(path)),
        Err(_) => cx.endpoint_url(path),
    }
}

/// True when the response is an HTML page (an SPA fallback, a login page, a styled 404).
fn is_html(response: &Response) -> bool {
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

fn status_line(url: &Url, response: &Response) -> String {
    let content_type = response.header("content-type").unwrap_or("no content-type");
    format!("GET {url} → {} ({content_type}, {} bytes)", response.status, response.body.len())
}

// ---------------------------------------------------------------------------------------------
// exposure.dotenv

const DOTENV_PATHS: [&str; 8] =
    ["/.env", "/.env.local", "/.env.production", "/.env.production.local", "/.env.development", "/.env.prod", "/.env.backup", "/.env.bak"];

/// The KEY=VALUE entries of a dotenv file, or None when the text does not read as one
/// (most non-blank, non-comment lines must be assignments).
fn dotenv_entries(text: &str) -> Option<Vec<(String, String)>> {
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

async fn dotenv(cx: &AuditContext) -> Outcome {
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

// ---------------------------------------------------------------------------------------------
// exposure.git

fn is_git_head(text: &str) -> bool {
    static HEAD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:ref: refs/\S+|[0-9a-f]{40}|[0-9a-f]{64})$").expect("valid regex"));
    HEAD.is_match(text.trim())
}

fn is_git_config(text: &str) -> bool {
    text.lines().any(|l| l.trim().eq_ignore_ascii_case("[core]"))
}

async fn git(cx: &AuditContext) -> Outcome {
    let head_url = app_url(cx, "/.git/HEAD").await;
    let config_url = app_url(cx, "/.git/config").await;
    let (head, config) = futures::join!(cx.get(&head_url), cx.get(&config_url));
    let mut evidence = Vec::new();
    let mut served = Vec::new();
    let mut answered = 0;
    match &head {
        Ok(r) => {
            answered += 1;
            if r.status == 200 && is_git_head(&r.text()) {
                // A branch name or commit id is not secret; it shows the owner what was read.
                let first: String = r.text().trim().chars().take(80).collect();
                evidence.push(format!("{}: \"{first}\"", status_line(&head_url, r)));
                served.push("/.git/HEAD");
            } else {
                evidence.push(status_line(&head_url, r));
            }
        }
        Err(e) => evidence.push(format!("GET {head_url}: {e}")),
    }
    match &config {
        Ok(r) => {
            answered += 1;
            if r.status == 200 && is_git_config(&r.text()) {
                // Remote URLs can carry credentials, so the file itself is not quoted.
                evidence.push(format!("{}: a git config with a [core] section", status_line(&config_url, r)));
                served.push("/.git/config");
            } else {
                evidence.push(status_line(&config_url, r));
            }
        }
        Err(e) => evidence.push(format!("GET {config_url}: {e}")),
    }
    if !served.is_empty() {
        Outcome::fail(format!("{} is served: the repository and its history can be downloaded", served.join(" and ")))
            .evidence_lines(evidence)
    } else if answered == 0 {
        Outcome::error("neither /.git/HEAD nor /.git/config got an answer").evidence_lines(evidence)
    } else {
        Outcome::pass("no git metadata is served").evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// exposure.source_maps

/// The last `sourceMappingURL` comment of a script (the one browsers use).
fn source_mapping_url(script: &str) -> Option<String> {
    static COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)(?://|/\*)[#@]\s*sourceMappingURL=([^\s*]+)").expect("valid regex"));
    COMMENT.captures_iter(script).last().map(|c| c[1].to_owned())
}

/// A served source map: JSON with `mappings`, `sources` or `sections` (index maps). Maps can
/// exceed the body cap, so a truncated body is judged by its opening.
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

/// `data:` source maps inline the map in the bundle: public by construction.
fn inline_map_has_sources(reference: &str) -> bool {
    use base64::Engine as _;
    let Some((meta, data)) = reference.strip_prefix("data:").and_then(|r| r.split_once(',')) else { return false };
    let decoded = if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD.decode(data.trim()).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    } else {
        data.to_owned()
    };
    decoded.contains("mappings") || decoded.contains("sources")
}

async fn source_maps(cx: &AuditContext) -> Outcome {
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

// ---------------------------------------------------------------------------------------------
// exposure.secrets_in_bundle

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// A key that grants access by itself.
    Secret,
    /// A key that is public by design but should be restricted (Google browser keys) or an
    /// identifier whose secret was not found next to it.
    Caution,
}

struct Pattern {
    provider: &'static str,
    regex: Regex,
    level: Level,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |provider, regex: &str, level| Pattern { provider, regex: Regex::new(regex).expect("valid regex"), level };
    vec![
        p("Stripe secret key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}", Level::Secret),
        p("OpenAI API key", r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}", Level::Secret),
        p("OpenAI API key", r"\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", Level::Secret),
        p("Anthropic API key", r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}", Level::Secret),
        p("GitHub token", r"\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36}\b", Level::Secret),
        p("GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{50,}", Level::Secret),
        p("Slack token", r"\bxox[baprs]-[A-Za-z0-9-]{10,}", Level::Secret),
        p("Slack webhook", r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{20,}", Level::Secret),
        p("SendGrid API key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b", Level::Secret),
        p("Twilio API key", r"\bSK[0-9a-f]{32}\b", Level::Secret),
        p("private key", r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----", Level::Secret),
        p("Google API key", r"\bAIza[0-9A-Za-z_-]{35}", Level::Caution),
    ]
});

#[derive(Debug, Clone, PartialEq, Eq)]
struct SecretHit {
    provider: &'static str,
    /// Redacted: safe for evidence.
    shown: String,
    level: Level,
}

fn char_floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// AWS access key ids are not secret alone; the finding is critical when a secret access key
/// (40 base64 characters, mixed case) sits near the id, as it does in a copied config.
fn aws_hits(text: &str) -> Vec<SecretHit> {
    static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b").expect("valid regex"));
    static SECRET: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)").expect("valid regex"));
    let mut hits = Vec::new();
    for id in ID.find_iter(text) {
        let window = &text[char_floor(text, id.start().saturating_sub(300))..char_ceil(text, id.end() + 300)];
        let secret = SECRET.captures_iter(window).map(|c| c[1].to_owned()).find(|s| {
            s.chars().any(|c| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase()) && s.chars().any(|c| c.is_ascii_digit())
        });
        hits.push(match secret {
            Some(secret) => SecretHit {
                provider: "AWS access key pair",
                shown: format!("{} with secret {}", redact(id.as_str()), redact(&secret)),
                level: Level::Secret,
            },
            None => SecretHit { provider: "AWS access key id", shown: redact(id.as_str()), level: Level::Caution },
        });
    }
    hits
}

/// Provider secrets in `text`, each once, already redacted.
fn find_secrets(text: &str) -> Vec<SecretHit> {
    let mut hits = Vec::new();
    for pattern in PATTERNS.iter() {
        for m in pattern.regex.find_iter(text) {
            let shown = match pattern.provider {
                "private key" => format!("{} block", m.as_str()),
                "Slack webhook" => format!(
                    "https://hooks.slack.com/services/{}",
                    redact(m.as_str().trim_start_matches("https://hooks.slack.com/services/"))
                ),
                _ => redact(m.as_str()),
            };
            hits.push(SecretHit { provider: pattern.provider, shown, level: pattern.level });
        }
    }
    hits.extend(aws_hits(text));
    let mut seen = HashSet::new();
    hits.retain(|h| seen.insert((h.provider, h.shown.clone())));
    hits
}

async fn secrets_in_bundle(cx: &AuditContext) -> Outcome {
    let (home, assets) = match home_assets(cx).await {
        Ok(x) => x,
        Err(e) => return Outcome::error(e),
    };
    let mut sources: Vec<(Url, Arc<Response>)> = vec![(home.url.clone(), home.clone())];
    let mut evidence = Vec::new();
    for script in assets.scripts.iter().take(MAX_SCRIPTS) {
        match cx.get(script).await {
            Ok(r) if (200..300).contains(&r.status) => sources.push((script.clone(), r)),
            Ok(r) => evidence.push(format!("{}: not scanned", status_line(script, &r))),
            Err(e) => evidence.push(format!("GET {script}: {e}")),
        }
    }
    let mut secrets = Vec::new();
    let mut cautions = Vec::new();
    for (url, response) in &sources {
        for hit in find_secrets(&response.text()) {
            let line = format!("{url}: {} {}", hit.provider, hit.shown);
            match hit.level {
                Level::Secret => secrets.push((hit.provider, line)),
                Level::Caution => cautions.push((hit.provider, line)),
            }
        }
    }
    let scanned = format!("scanned the home page and {} same-site script(s)", sources.len() - 1);
    let providers = |hits: &[(&'static str, String)]| {
        let mut seen = HashSet::new();
        let names: Vec<&str> = hits.iter().map(|(p, _)| *p).filter(|p| seen.insert(*p)).collect();
        names.join(", ")
    };
    if !secrets.is_empty() {
        let summary = format!(
            "{} secret key(s) are shipped to every visitor's browser ({}): revoke and rotate them",
            secrets.len(),
            providers(&secrets)
        );
        let lines = secrets.into_iter().chain(cautions).map(|(_, l)| l).chain(evidence).chain([scanned]);
        Outcome::fail(summary).evidence_lines(lines)
    } else if !cautions.is_empty() {
        let summary = format!(
            "{} found in the page: it is readable by everyone, so make sure it is restricted (Google keys by HTTP referrer and API; an AWS key id must never ship with its secret)",
            providers(&cautions)
        );
        Outcome::warn(summary).evidence_lines(cautions.into_iter().map(|(_, l)| l).chain(evidence).chain([scanned]))
    } else {
        Outcome::pass(format!("no provider secret key in the home page or its {} same-site script(s)", sources.len() - 1))
            .evidence_lines(evidence.into_iter().chain([scanned]))
    }
}

// ---------------------------------------------------------------------------------------------
// exposure.error_details

static DEBUG_SIGNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    let s = |label, regex: &str| (label, Regex::new(regex).expect("valid regex"));
    vec![
        s("Python traceback", r"Traceback \(most recent call last\)"),
        s("Werkzeug debugger", r"Werkzeug Debugger"),
        s("Django debug page", r"DEBUG\s*=\s*True"),
        s("Rust panic", r"panicked at |stack backtrace:"),
        s(
            "Node.js stack trace",
            r"\bat (?:Object\.<anonymous>|Module\._compile|Layer\.handle|process\.processTicksAndRejections)|\bat [\w$.<>\[\] ]{1,120} \((?:/|[A-Za-z]:\\|file://|node:)[^()\s]*:\d+:\d+\)",
        ),
        s("Spring Whitelabel error page", r"Whitelabel Error Page"),
        s("Java stack trace", r"Exception in thread |\.java:\d+\)"),
        s("Laravel debug page", r"Whoops[,!] (?:looks like something went wrong|There was an error)|Illuminate\\[A-Z]"),
        s("PHP error", r"(?:Fatal error|Parse error)(?:</b>)?: .{0,300} on line (?:<b>)?\d+|Stack trace:\s*(?:<br\s*/?>)?\s*#0 "),
        s("Rails exception page", r"Action Controller: Exception caught"),
        s("ASP.NET error page", r"Server Error in '[^']*' Application|--- End of (?:inner exception )?stack trace"),
        s("Go panic", r"goroutine \d+ \[running\]:"),
    ]
});

/// The first debug sign in `text`: its label and the matched text (short, one line).
fn debug_sign(text: &str) -> Option<(&'static str, String)> {
    DEBUG_SIGNS.iter().find_map(|(label, regex)| regex.find(text).map(|m| (*label, m.as_str().chars().take(100).collect())))
}

async fn error_details(cx: &AuditContext) -> Outcome {
    let mut probes = vec![app_url(cx, &format!("/launchready-{:016x}-404", rand::random::<u64>())).await];
    // Login and chat endpoints are left alone: their GETs count against rate limits and spend
    // model tokens, and a passive check must not do either.
    let api = cx.target.endpoints.iter().find(|e| !matches!(e.kind, EndpointKind::Login | EndpointKind::Chat));
    let mut evidence = Vec::new();
    match api {
        Some(endpoint) => {
            let mut url = cx.endpoint_url(&endpoint.path);
            // Values that commonly break naive parsing: a quote, a negative page, a non-number.
            url.query_pairs_mut().append_pair("id", "'\"").append_pair("page", "-1").append_pair("limit", "NaN[]");
            probes.push(url);
        }
        None => evidence.push("no declared API endpoint other than login or chat: only the not-found page was checked".to_owned()),
    }
    let mut leaks = Vec::new();
    let mut answered = 0;
    for url in &probes {
        match cx.send(Request::get(url.clone())).await {
            Ok(response) => {
                answered += 1;
                match debug_sign(&response.text()) {
                    Some((label, excerpt)) => {
                        evidence.push(format!("{}: {label} (\"{excerpt}\")", status_line(url, &response)));
                        leaks.push(label);
                    }
                    None => evidence.push(format!("{}: no stack trace or debug page", status_line(url, &response))),
                }
            }
            Err(e) => evidence.push(format!("GET {url}: {e}")),
        }
    }
    if !leaks.is_empty() {
        leaks.dedup();
        Outcome::fail(format!("error responses show internals ({}): debug output reveals paths, versions and code", leaks.join(", ")))
            .evidence_lines(evidence)
    } else if answered == 0 {
        Outcome::error("no error probe got an answer").evidence_lines(evidence)
    } else {
        Outcome::pass(format!("{answered} error response(s) carry no stack trace or framework debug page")).evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// exposure.security_txt

#[derive(Debug, Default, PartialEq, Eq)]
struct SecurityTxt {
    contacts: Vec<String>,
    expires: Option<String>,
}

/// RFC 9116 fields (case-insensitive names, `#` comments); a PGP-signed file parses the same.
fn parse_security_txt(text: &str) -> SecurityTxt {
    let mut parsed = SecurityTxt::default();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((field, value)) = line.split_once(':') else { continue };
        let value = value.trim().to_owned();
        match field.trim().to_ascii_lowercase().as_str() {
            "contact" if !value.is_empty() => parsed.contacts.push(value),
            "expires" if parsed.expires.is_none() => parsed.expires = Some(value),
            _ => {}
        }
    }
    parsed
}

async fn security_txt(cx: &AuditContext) -> Outcome {
    let url = app_url(cx, "/.well-known/security.txt").await;
    let chain = cx.chain(&url).await;
    let mut evidence: Vec<String> = if chain.redirects() > 0 { chain.describe() } else { Vec::new() };
    let response = match &chain.end {
        ChainEnd::Done(r) => r.clone(),
        ChainEnd::Failed(e) => return Outcome::error(format!("GET {url}: {e}")).evidence_lines(evidence),
        _ => return Outcome::fail(format!("{url} ends in a redirect loop, so no contact is published")).evidence_lines(chain.describe()),
    };
    evidence.push(status_line(&response.url, &response));
    if response.status != 200 {
        return Outcome::fail(format!("no security.txt: {url} answers {}", response.status)).evidence_lines(evidence);
    }
    if is_html(&response) {
        return Outcome::fail("no security.txt: the path answers with an HTML page (likely the app's fallback), not the text file")
            .evidence_lines(evidence);
    }
    let parsed = parse_security_txt(&response.text());
    if parsed.contacts.is_empty() {
        return Outcome::fail("security.txt has no Contact field, so researchers still have no way to reach you").evidence_lines(evidence);
    }
    evidence.push(format!("Contact: {}", parsed.contacts.join(", ")));
    let Some(expires) = parsed.expires else {
        return Outcome::warn(
            "security.txt has a Contact but no Expires field (required by RFC 9116), so readers cannot tell whether it is current",
        )
        .evidence_lines(evidence);
    };
    evidence.push(format!("Expires: {expires}"));
    match chrono::DateTime::parse_from_rfc3339(&expires) {
        Ok(at) if at <= chrono::Utc::now() => {
            let days = (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_days();
            Outcome::fail(format!("security.txt expired {days} day(s) ago: readers must treat its contact as stale"))
                .evidence_lines(evidence)
        }
        Ok(at) => {
            let days = (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
            Outcome::pass(format!("security.txt publishes a contact and is valid for {days} more day(s)")).evidence_lines(evidence)
        }
        Err(e) => Outcome::warn(format!(
            "the Expires value of security.txt is not an RFC 3339 date ({e}), so readers cannot tell whether it is current"
        ))
        .evidence_lines(evidence),
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

    #[test]
    fn git_files() {
        assert!(is_git_head("ref: refs/heads/main\n"));
        assert!(is_git_head("0123456789abcdef0123456789abcdef01234567"));
        assert!(!is_git_head("<html>ref: refs/heads/main</html>"));
        assert!(is_git_config("[core]\n\trepositoryformatversion = 0\n"));
        assert!(!is_git_config("<p>[core]</p>"));
    }

    #[test]
    fn secrets_are_found_and_redacted() {
        let text = "const a='sk_live_51FakeFakeFake0123456789abc';const p='pk_live_51FakeFakeFake0123456789abc';";
        let hits = find_secrets(text);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].provider, "Stripe secret key");
        assert!(!hits[0].shown.contains("FakeFakeFake"));

        let google = find_secrets("key:\"AIzaSyFAKEfake0123456789fakeFAKEfake012\"");
        assert_eq!(google[0].level, Level::Caution);

        let pair = find_secrets("accessKeyId:\"AKIAFAKEFAKEFAKEFAKE\",secretAccessKey:\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY012\"");
        assert_eq!(pair.len(), 1, "{pair:?}");
        assert_eq!(pair[0].level, Level::Secret);
        let id_only = find_secrets("id='AKIAFAKEFAKEFAKEFAKE' hash='0123456789abcdef0123456789abcdef01234567'");
        assert_eq!(id_only[0].level, Level::Caution);

        assert!(find_secrets("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...").iter().any(|h| h.provider == "private key"));
        assert!(find_secrets("sk-ant-api03-FAKEfakeFAKEfake0123456789-_abc").iter().any(|h| h.provider == "Anthropic API key"));
        assert!(find_secrets("sk-proj-FAKEfakeFAKEfake0123456789").iter().any(|h| h.provider == "OpenAI API key"));
    }

    #[test]
    fn debug_pages() {
        assert_eq!(debug_sign("Traceback (most recent call last):\n  File \"app.py\"").unwrap().0, "Python traceback");
        assert_eq!(debug_sign("TypeError: x\n    at Object.<anonymous> (/app/index.js:3:9)").unwrap().0, "Node.js stack trace");
        assert_eq!(debug_sign("\tat com.acme.Foo.bar(Foo.java:42)").unwrap().0, "Java stack trace");
        assert!(debug_sign("<!doctype html><title>Not found</title><h1>Page not found</h1>").is_none());
        assert!(debug_sign(r#"{"error":"not found"}"#).is_none());
    }

    #[test]
    fn security_txt_fields() {
        let parsed = parse_security_txt("# hi\ncontact: mailto:s@x.test\nExpires: 2030-01-01T00:00:00Z\n");
        assert_eq!(parsed.contacts, vec!["mailto:s@x.test".to_owned()]);
        assert_eq!(parsed.expires.as_deref(), Some("2030-01-01T00:00:00Z"));
    }

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
    fn source_map_comment() {
        assert_eq!(source_mapping_url("x();\n//# sourceMappingURL=app.js.map\n").as_deref(), Some("app.js.map"));
        assert_eq!(source_mapping_url("a{}\n/*# sourceMappingURL=app.css.map */").as_deref(), Some("app.css.map"));
        assert!(source_mapping_url("x();").is_none());
    }
}
