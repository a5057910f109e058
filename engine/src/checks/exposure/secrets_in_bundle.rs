//! `exposure.secrets_in_bundle` (critical): No secret keys in HTML or JavaScript. Passes when no provider secret keys in HTML or served JS (Stripe sk_live, OpenAI, Anthropic, AWS, GitHub, Slack, Google, SendGrid, private keys…).

use super::common::status_line;
use crate::checks::support::{home_assets, MAX_SCRIPTS};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Response;
use crate::redact::redact;
use regex::Regex;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// A key that grants access by itself.
    Secret,
    /// An identifier whose secret was not found next to it (an AWS key id alone).
    Caution,
    /// A key that is public by design (Google browser keys: Firebase configs and Maps pages
    /// must ship them): noted, with the restriction it needs, and not held against the site.
    Public,
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
        // The BEGIN line alone is a placeholder or a library's constant (key-upload forms,
        // OpenPGP.js): a key is one only with its base64 body after the line (real or escaped
        // line breaks, optional `Key: value` headers).
        p(
            "private key",
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[nr])+(?:[A-Za-z-]+: [^\n\\]*(?:\s|\\[nr])+)*[A-Za-z0-9+/]{40}",
            Level::Secret,
        ),
        p("Google API key", r"\bAIza[0-9A-Za-z_-]{35}", Level::Public),
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

fn find_secrets(text: &str) -> Vec<SecretHit> {
    let mut hits = Vec::new();
    for pattern in PATTERNS.iter() {
        for m in pattern.regex.find_iter(text) {
            let shown = match pattern.provider {
                "private key" => {
                    let begin = m.as_str().split_inclusive("-----").take(2).collect::<String>();
                    format!("{begin} block")
                }
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

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
    let mut public = Vec::new();
    for (url, response) in &sources {
        for hit in find_secrets(&response.text()) {
            let line = format!("{url}: {} {}", hit.provider, hit.shown);
            match hit.level {
                Level::Secret => secrets.push((hit.provider, line)),
                Level::Caution => cautions.push((hit.provider, line)),
                Level::Public => {
                    public.push(format!("{line}: public by design; restrict it by HTTP referrer and API in the Google Cloud console"))
                }
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
        let lines = secrets.into_iter().chain(cautions).map(|(_, l)| l).chain(public).chain(evidence).chain([scanned]);
        Outcome::fail(summary).evidence_lines(lines)
    } else if !cautions.is_empty() {
        let summary = format!(
            "{} found in the page: an AWS key id is harmless alone, but it must never ship with its secret, and it tells attackers which account to target",
            providers(&cautions)
        );
        Outcome::warn(summary).evidence_lines(cautions.into_iter().map(|(_, l)| l).chain(public).chain(evidence).chain([scanned]))
    } else {
        let noted = if public.is_empty() { String::new() } else { format!(" ({} public browser key(s) noted)", public.len()) };
        Outcome::pass(format!("no provider secret key in the home page or its {} same-site script(s){noted}", sources.len() - 1))
            .evidence_lines(public.into_iter().chain(evidence).chain([scanned]))
    }
}

/// The scanner on `text`, asserting what must hold for any input (the fuzz targets' entry):
/// no hit shows the key it found. Every shown key is redacted to a few characters, so a
/// line longer than a redacted pair (or a private key's BEGIN line) shows too much.
pub(super) fn find_checked(text: &str) -> usize {
    let hits = find_secrets(text);
    for pattern in PATTERNS.iter().filter(|p| p.provider != "private key") {
        for found in pattern.regex.find_iter(text) {
            assert!(hits.iter().all(|h| !h.shown.contains(found.as_str())), "a {} is shown unredacted", pattern.provider);
        }
    }
    for hit in &hits {
        let limit = if hit.provider.starts_with("AWS") { 32 } else { 64 };
        assert!(hit.shown.chars().count() <= limit, "a {} is shown at length: {}", hit.provider, hit.shown);
    }
    hits.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn secrets_are_found_and_redacted() {
        let text = "const a='sk_live_51FakeFakeFake0123456789abc';const p='pk_live_51FakeFakeFake0123456789abc';";
        let hits = find_secrets(text);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].provider, "Stripe secret key");
        assert!(!hits[0].shown.contains("FakeFakeFake"));

        let google = find_secrets("key:\"AIzaSyFAKEfake0123456789fakeFAKEfake012\"");
        assert_eq!(google[0].level, Level::Public);

        let pair = find_secrets("accessKeyId:\"AKIAFAKEFAKEFAKEFAKE\",secretAccessKey:\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY012\"");
        assert_eq!(pair.len(), 1, "{pair:?}");
        assert_eq!(pair[0].level, Level::Secret);
        let id_only = find_secrets("id='AKIAFAKEFAKEFAKEFAKE' hash='0123456789abcdef0123456789abcdef01234567'");
        assert_eq!(id_only[0].level, Level::Caution);

        let body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
        let pem = find_secrets(&format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n"));
        assert_eq!(pem.len(), 1, "{pem:?}");
        assert_eq!(pem[0].shown, "-----BEGIN OPENSSH PRIVATE KEY----- block");
        // Escaped line breaks in a JavaScript string, and PGP's armor headers.
        assert_eq!(find_secrets(&format!("k='-----BEGIN RSA PRIVATE KEY-----\\n{body}'")).len(), 1);
        assert_eq!(find_secrets(&format!("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: x\n\n{body}")).len(), 1);
        // The BEGIN line alone: a placeholder, or a library building armor.
        assert!(find_secrets("h('textarea',{placeholder:'-----BEGIN OPENSSH PRIVATE KEY-----'})").is_empty());
        assert!(find_secrets("result.push('-----BEGIN PGP PRIVATE KEY BLOCK-----\\n');").is_empty());
        assert!(find_secrets("sk-ant-api03-FAKEfakeFAKEfake0123456789-_abc").iter().any(|h| h.provider == "Anthropic API key"));
        assert!(find_secrets("sk-proj-FAKEfakeFAKEfake0123456789").iter().any(|h| h.provider == "OpenAI API key"));
    }
}
