//! `http.hsts` (medium): HSTS is set with a long max-age. Passes when HSTS max-age ≥ 15552000
//! (6 months), or when the host is on the HSTS preload list (browsers then use HTTPS before any
//! header is seen, so a missing or short header protects no one less).

use crate::context::AuditContext;
use crate::model::Outcome;

const HSTS_MIN_MAX_AGE: u64 = 15_552_000;

fn hsts_max_age(value: &str) -> Result<u64, String> {
    let mut max_age = None;
    for directive in value.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let (name, raw) = directive.split_once('=').map_or((directive, None), |(n, v)| (n.trim(), Some(v.trim())));
        if !name.eq_ignore_ascii_case("max-age") {
            continue;
        }
        if max_age.is_some() {
            return Err("max-age is given twice, so browsers ignore the header".into());
        }
        let raw = raw.ok_or("max-age has no value")?.trim_matches('"');
        max_age = Some(raw.parse::<u64>().map_err(|_| format!("max-age \"{raw}\" is not a number"))?);
    }
    max_age.ok_or_else(|| "the header has no max-age, so browsers ignore it".into())
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(home) => home,
        Err(e) => return Outcome::error(e),
    };
    if home.url.scheme() != "https" {
        return Outcome::fail(format!("the main page ends on plain HTTP ({}), where browsers ignore HSTS", home.url));
    }
    let host = home.url.host_str().unwrap_or_default();
    if let Some(entry) = cx.options.hsts_preload.covering(host) {
        let header = match home.header("strict-transport-security") {
            Some(value) => format!("{}: Strict-Transport-Security: {value}", home.url),
            None => format!(
                "{}: no Strict-Transport-Security header (keep sending it: the preload list checks it when entries are renewed)",
                home.url
            ),
        };
        let how =
            if entry.name == host { "its own entry".to_owned() } else { format!("the entry for {} with include_subdomains", entry.name) };
        return Outcome::pass(format!("{host} is on the HSTS preload list ({how}): browsers use HTTPS before asking"))
            .evidence(header)
            .evidence(format!(
                "HSTS preload list as of {}",
                cx.options.hsts_preload.as_of().map_or("an unknown date".to_owned(), |d| d.to_string())
            ));
    }
    let Some(value) = home.header("strict-transport-security") else {
        return Outcome::fail(
            "no Strict-Transport-Security header: a network attacker can strip HTTPS from a visitor's first plain-HTTP request",
        )
        .evidence(format!("{} ({}): no Strict-Transport-Security", home.url, home.status));
    };
    let line = format!("{}: Strict-Transport-Security: {value}", home.url);
    match hsts_max_age(value) {
        Err(why) => Outcome::fail(format!("Strict-Transport-Security is not usable: {why}")).evidence(line),
        Ok(0) => Outcome::fail("Strict-Transport-Security has max-age=0, which tells browsers to forget HSTS").evidence(line),
        Ok(age) if age < HSTS_MIN_MAX_AGE => Outcome::warn(format!(
            "HSTS max-age is {age} seconds ({} days), shorter than the 6 months ({HSTS_MIN_MAX_AGE}) that protects returning visitors",
            age / 86_400
        ))
        .evidence(line),
        Ok(age) => Outcome::pass(format!("HSTS is set for {} days", age / 86_400)).evidence(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn hsts_max_age_parsing() {
        assert_eq!(hsts_max_age("max-age=31536000; includeSubDomains"), Ok(31_536_000));
        assert_eq!(hsts_max_age("includeSubDomains; Max-Age=\"600\""), Ok(600));
        assert!(hsts_max_age("includeSubDomains").is_err());
        assert!(hsts_max_age("max-age=1; max-age=2").is_err());
        assert!(hsts_max_age("max-age=abc").is_err());
    }
}
