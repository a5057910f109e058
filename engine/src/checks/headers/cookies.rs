//! `headers.cookies` (high): Cookies are Secure, HttpOnly and SameSite. Session-like cookies
//! must be Secure, HttpOnly and have SameSite. Other cookies (a load balancer's AWSALB or
//! ARRAffinity, a theme) carry no authority: browsers default them to SameSite=Lax, and they
//! need Secure only where the page has no HSTS (with HSTS the browser never sends them over
//! plain HTTP). A cookie being deleted (Max-Age ≤ 0 or an Expires in the past) is not judged.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{ChainEnd, Response};
use crate::redact::redact;
use std::sync::Arc;

struct SetCookie {
    name: String,
    value: String,
    attributes: Vec<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<String>,
    deleted: bool,
}

fn parse_set_cookie(line: &str) -> Option<SetCookie> {
    let mut parts = line.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name: name.to_owned(),
        value: value.trim().to_owned(),
        attributes: Vec::new(),
        secure: false,
        http_only: false,
        same_site: None,
        deleted: false,
    };
    for attribute in parts.map(str::trim).filter(|a| !a.is_empty()) {
        let (key, val) = attribute.split_once('=').map_or((attribute, ""), |(k, v)| (k.trim(), v.trim()));
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" if ["strict", "lax", "none"].contains(&val.to_ascii_lowercase().as_str()) => cookie.same_site = Some(val.to_owned()),
            "max-age" => cookie.deleted = val.parse::<i64>().is_ok_and(|age| age <= 0),
            "expires" if expired(val) => cookie.deleted = true,
            _ => {}
        }
        cookie.attributes.push(attribute.to_owned());
    }
    Some(cookie)
}

/// An Expires date in the past: how `res.clearCookie()` and most frameworks delete a cookie.
fn expired(value: &str) -> bool {
    // RFC 1123 dates, and the older `01-Jan-1970` form browsers still accept.
    let normalised = value.trim().replace('-', " ");
    chrono::DateTime::parse_from_rfc2822(&normalised).is_ok_and(|at| at < chrono::Utc::now())
}

fn session_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("csrf") || lower.contains("xsrf") {
        return false;
    }
    lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).any(|w| {
        matches!(w, "sid" | "jwt" | "logged" | "remember")
            || w.contains("sess")
            || (w.contains("auth") && !w.starts_with("author"))
            || w.ends_with("token")
            || w.starts_with("jwt")
    })
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let chain = cx.chain(&cx.target.url).await;
    let mut responses: Vec<Arc<Response>> = Vec::new();
    for hop in chain.hops.iter().filter(|h| h.url.scheme() == "https") {
        match &chain.end {
            ChainEnd::Done(last) if hop.location.is_none() => responses.push(last.clone()),
            // Redirect hops keep no headers in the chain; their Set-Cookie needs the response.
            _ => match cx.get(&hop.url).await {
                Ok(response) => responses.push(response),
                Err(e) => return Outcome::error(format!("{}: {e}", hop.url)),
            },
        }
    }
    if responses.is_empty() {
        return match &chain.end {
            ChainEnd::Done(page) => {
                Outcome::skipped(format!("the main page chain never reaches HTTPS ({}), so no cookie is set over HTTPS", page.url))
            }
            _ => Outcome::error(format!("the main page could not be read: {}", chain.describe().join("; "))),
        };
    }
    judge(&responses)
}

/// The verdict on the Set-Cookie lines of the HTTPS responses (pure: the fuzz targets feed it
/// any headers).
pub(super) fn judge(responses: &[Arc<Response>]) -> Outcome {
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut seen = 0;
    for response in responses {
        for line in response.header_all("set-cookie") {
            let Some(cookie) = parse_set_cookie(line) else { continue };
            seen += 1;
            let shown = std::iter::once(format!("{}={}", cookie.name, redact(&cookie.value)))
                .chain(cookie.attributes.iter().cloned())
                .collect::<Vec<_>>()
                .join("; ");
            evidence.push(format!("{}: Set-Cookie: {shown}", response.url));
            if cookie.deleted {
                continue;
            }
            let session = session_like(&cookie.name);
            let hsts = response.header("strict-transport-security").is_some();
            let mut missing = Vec::new();
            if !cookie.secure && (session || !hsts) {
                missing.push("Secure");
            }
            if session && !cookie.http_only {
                missing.push("HttpOnly");
            }
            if session && cookie.same_site.is_none() {
                missing.push("SameSite");
            }
            if !missing.is_empty() {
                problems.push(format!("{} lacks {}", cookie.name, missing.join(", ")));
            }
        }
    }
    if seen == 0 {
        return Outcome::pass("the main page sets no cookies over HTTPS")
            .evidence_lines(responses.iter().map(|r| format!("{} ({}): no Set-Cookie", r.url, r.status)));
    }
    if problems.is_empty() {
        Outcome::pass(format!(
            "all {seen} cookie(s) are safe: session cookies are Secure, HttpOnly and SameSite, the others cannot leave HTTPS"
        ))
        .evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "unsafe cookie(s): {}; they can leak over HTTP, to scripts or ride along on cross-site requests",
            problems.join("; ")
        ))
        .evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn session_names() {
        for name in [
            "session",
            "connect.sid",
            "PHPSESSID",
            "JSESSIONID",
            "__Host-session",
            "next-auth.session-token",
            "auth_token",
            "jwt",
            "wordpress_logged_in_1",
        ] {
            assert!(session_like(name), "{name}");
        }
        for name in ["_ga", "theme", "XSRF-TOKEN", "csrftoken", "author_pref", "consent"] {
            assert!(!session_like(name), "{name}");
        }
    }

    #[test]
    fn set_cookie_attributes() {
        let c = parse_set_cookie("id=abc; Path=/; secure; HTTPONLY; SameSite=lax").unwrap();
        assert!(c.secure && c.http_only && c.same_site.as_deref() == Some("lax"));
        let c = parse_set_cookie("id=abc; SameSite=bogus").unwrap();
        assert!(!c.secure && c.same_site.is_none());
        assert!(parse_set_cookie("id=; Max-Age=0").unwrap().deleted);
        assert!(parse_set_cookie("sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT").unwrap().deleted);
        assert!(parse_set_cookie("sid=; Path=/; expires=Thu, 01-Jan-1970 00:00:00 GMT").unwrap().deleted);
        assert!(!parse_set_cookie("AWSALB=x; Expires=Thu, 01 Jan 2037 00:00:00 GMT").unwrap().deleted);
        assert!(parse_set_cookie("novalue").is_none());
    }
}
