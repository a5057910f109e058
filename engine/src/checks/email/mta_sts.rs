//! MTA-STS (RFC 8461): the `_mta-sts` record, and the policy file it announces, served with a
//! valid certificate, in enforce mode, naming every MX host.

use super::common::{has_version, mail_domain, quoted, txt_or_empty};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::tls::Verdict;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::mta_sts::MtaSts;
use url::Url;

/// RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year).
const MAX_AGE_LIMIT: u64 = 31_557_600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Enforce,
    Testing,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Policy {
    mode: Mode,
    max_age: u64,
    mx: Vec<String>,
}

/// The policy file of RFC 8461 §3.2: `key: value` lines. mail-auth parses the TXT record but
/// not this file, so it is read here.
fn parse_policy(text: &str) -> Result<Policy, String> {
    let mut version = None;
    let mut mode = None;
    let mut max_age = None;
    let mut mx = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("\"{line}\" is not a key: value line"));
        };
        let value = value.trim();
        // Unknown keys are ignored (RFC 8461 §3.2); the first of a repeated key counts.
        match key.trim() {
            "version" if version.is_none() => version = Some(value.to_owned()),
            "mode" if mode.is_none() => {
                mode = Some(match value {
                    "enforce" => Mode::Enforce,
                    "testing" => Mode::Testing,
                    "none" => Mode::None,
                    other => return Err(format!("unknown mode \"{other}\"")),
                })
            }
            "max_age" if max_age.is_none() => {
                let seconds: u64 = value.parse().map_err(|_| format!("max_age \"{value}\" is not a number of seconds"))?;
                if seconds > MAX_AGE_LIMIT {
                    return Err(format!("max_age {seconds} is over the limit of {MAX_AGE_LIMIT}"));
                }
                max_age = Some(seconds);
            }
            "mx" => mx.push(value.trim_end_matches('.').to_ascii_lowercase()),
            _ => {}
        }
    }
    match version.as_deref() {
        Some("STSv1") => {}
        Some(other) => return Err(format!("version \"{other}\" is not STSv1")),
        None => return Err("no version: STSv1 line".into()),
    }
    let mode = mode.ok_or("no mode: line")?;
    let max_age = max_age.ok_or("no max_age: line")?;
    if mx.is_empty() && mode != Mode::None {
        return Err("no mx: line, so no MX host is allowed".into());
    }
    Ok(Policy { mode, max_age, mx })
}

/// RFC 8461 §4.1: a pattern is a host name, or `*.` and a name matching exactly one more label.
fn mx_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => host.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
        None => host == pattern,
    }
}

pub(super) async fn mta_sts(cx: &AuditContext) -> Outcome {
    let domain = mail_domain(cx);
    if super::common::declares_no_inbound_mail(cx).await {
        return Outcome::skipped(format!("{domain} declares that it receives no mail (null MX): there is no inbound mail to protect"));
    }
    let name = format!("_mta-sts.{domain}");
    let all = match txt_or_empty(cx, &name).await {
        Ok(all) => all,
        Err(e) => return Outcome::error(e.to_string()),
    };
    let records: Vec<String> = all.iter().filter(|r| has_version(r, "v=STSv1")).cloned().collect();
    let record = match records.as_slice() {
        [record] => record.clone(),
        [] => {
            return Outcome::fail(format!(
                "no MTA-STS record at {name}: mail to {domain} can be downgraded to plaintext by an attacker on the path"
            ))
            .evidence_lines(quoted(&all, &name))
        }
        several => {
            return Outcome::fail(format!(
                "{name} has {} MTA-STS records, so senders act as if there were none (RFC 8461 §3.1)",
                several.len()
            ))
            .evidence_lines(quoted(several, &name))
        }
    };
    let mut evidence = vec![format!("{name} TXT \"{record}\"")];
    if let Err(e) = MtaSts::parse(record.as_bytes()) {
        return Outcome::fail(format!("the MTA-STS record does not parse ({e}), so senders ignore MTA-STS")).evidence_lines(evidence);
    }
    let host = format!("mta-sts.{domain}");
    let Ok(url) = Url::parse(&format!("https://{host}/.well-known/mta-sts.txt")) else {
        return Outcome::error(format!("{host} is not a valid host name"));
    };
    // RFC 8461 §3.3: senders fetch with GET and follow no redirect.
    let response = match cx.get(&url).await {
        Ok(response) => response,
        Err(e) => {
            return Outcome::fail(format!("the MTA-STS policy at {url} cannot be fetched ({e}), so senders apply no policy"))
                .evidence_lines(evidence)
        }
    };
    evidence.push(format!("GET {url} → {}", response.status));
    if response.status != 200 {
        return Outcome::fail(format!(
            "the MTA-STS policy at {url} answers {} instead of 200, so senders apply no policy",
            response.status
        ))
        .evidence_lines(evidence);
    }
    let text = response.text();
    // A wrong page (HTML, minified) can be huge: a few short lines show what was served.
    evidence.extend(
        text.lines().filter(|l| !l.trim().is_empty()).take(12).map(|l| format!("  {}", l.trim_end().chars().take(120).collect::<String>())),
    );
    let policy = match parse_policy(&text) {
        Ok(policy) => policy,
        Err(e) => return Outcome::fail(format!("the MTA-STS policy is not valid ({e}), so senders ignore it")).evidence_lines(evidence),
    };
    // Senders discard a policy served with a certificate they cannot validate (RFC 8461 §3.3).
    match cx.tls_report(&host).await {
        Ok(report) if report.verdict == Verdict::Valid => {}
        Ok(report) => {
            return Outcome::fail(format!(
                "{host} serves the policy with a certificate senders reject ({:?}), so they ignore it",
                report.verdict
            ))
            .evidence_lines(evidence)
        }
        Err(e) => return Outcome::error(format!("the certificate of {host} could not be checked: {e}")).evidence_lines(evidence),
    }
    match policy.mode {
        Mode::None => return Outcome::fail("the MTA-STS policy has mode: none, which withdraws protection").evidence_lines(evidence),
        Mode::Testing => {
            return Outcome::warn("the MTA-STS policy is in testing mode: failures are reported but mail is still delivered without TLS")
                .evidence_lines(evidence)
        }
        Mode::Enforce => {}
    }
    // In enforce mode senders refuse MX hosts the policy does not name: mail would bounce.
    let mxs = match cx.dns.mx(&domain).await {
        Ok(mxs) => mxs,
        // No MX is email.mx's finding; there is nothing for the policy to cover.
        Err(e) if e.is_no_records() => Vec::new(),
        Err(e) => {
            return Outcome::error(format!("the policy is enforced, but the MX hosts it must cover could not be read: {e}"))
                .evidence_lines(evidence)
        }
    };
    let uncovered: Vec<String> = mxs
        .iter()
        .filter(|m| !m.exchange.is_empty())
        .filter(|m| !policy.mx.iter().any(|p| mx_matches(p, &m.exchange)))
        .map(|m| m.exchange.clone())
        .collect();
    if !uncovered.is_empty() {
        return Outcome::fail(format!(
            "the enforced MTA-STS policy does not list the MX host(s) {}: senders that honour it refuse to deliver there",
            uncovered.join(", ")
        ))
        .evidence_lines(evidence);
    }
    Outcome::pass(format!("MTA-STS is enforced (max_age {} s) and covers the MX hosts", policy.max_age)).evidence_lines(evidence)
}

/// A policy file as this check reads it, and whether each of its MX patterns matches a host
/// name taken from the same text (the fuzz targets' entry).
pub(super) fn read_policy(text: &str) -> Result<usize, String> {
    let policy = parse_policy(text)?;
    let host = text.lines().last().unwrap_or_default();
    Ok(policy.mx.iter().filter(|pattern| mx_matches(pattern, host)).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_policy() {
        let policy =
            parse_policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n").unwrap();
        assert_eq!(policy, Policy { mode: Mode::Enforce, max_age: 604800, mx: vec!["mail.example.com".into(), "*.example.net".into()] });
        assert!(parse_policy("version: STSv1\nmode: enforce\nmax_age: 86400\n").is_err());
        assert!(parse_policy("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n").is_err());
        assert!(parse_policy("<html>not found</html>").is_err());
        assert_eq!(parse_policy("version: STSv1\nmode: none\nmax_age: 86400\n").unwrap().mode, Mode::None);
    }

    #[test]
    fn wildcards_match_one_label() {
        assert!(mx_matches("*.example.net", "mx1.example.net"));
        assert!(!mx_matches("*.example.net", "a.b.example.net"));
        assert!(!mx_matches("*.example.net", "example.net"));
        assert!(mx_matches("mail.example.com", "Mail.Example.com."));
    }
}
