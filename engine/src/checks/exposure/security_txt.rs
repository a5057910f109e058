//! `exposure.security_txt` (low): security.txt publishes a contact. Passes when `/.well-known/security.txt` with Contact and a future Expires.

use super::common::{app_url, is_html, status_line};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::ChainEnd;

#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SecurityTxt {
    pub(super) contacts: Vec<String>,
    expires: Option<String>,
}

pub(super) fn parse_security_txt(text: &str) -> SecurityTxt {
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

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
    fn security_txt_fields() {
        let parsed = parse_security_txt("# hi\ncontact: mailto:s@x.test\nExpires: 2030-01-01T00:00:00Z\n");
        assert_eq!(parsed.contacts, vec!["mailto:s@x.test".to_owned()]);
        assert_eq!(parsed.expires.as_deref(), Some("2030-01-01T00:00:00Z"));
    }
}
