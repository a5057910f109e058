//! `/.well-known/security.txt` (RFC 9116): where to report a vulnerability in this
//! installation. The contact comes from configuration (`security_contact`, by default
//! `mailto:security@` the public host); `Expires` is always half a year ahead, as the RFC
//! wants a date within a year and a stale file is worse than none.

use axum::http::header;
use axum::response::IntoResponse;

#[derive(Debug, Clone)]
pub struct SecurityTxt {
    pub contact: String,
    /// Our public URL without a trailing slash.
    pub base_url: String,
}

impl SecurityTxt {
    pub fn body(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        let expires = (now + chrono::Duration::days(182)).format("%Y-%m-%dT%H:%M:%SZ");
        format!(
            "Contact: {}\nExpires: {expires}\nPreferred-Languages: en\nCanonical: {}/.well-known/security.txt\n",
            self.contact, self.base_url
        )
    }
}

pub async fn serve(txt: std::sync::Arc<SecurityTxt>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "max-age=86400")], txt.body(chrono::Utc::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_contact_an_expiry_within_a_year_and_itself() {
        let txt = SecurityTxt { contact: "mailto:security@launchready.example".into(), base_url: "https://launchready.example".into() };
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z").unwrap().with_timezone(&chrono::Utc);
        assert_eq!(
            txt.body(now),
            "Contact: mailto:security@launchready.example\nExpires: 2027-06-03T10:00:00Z\nPreferred-Languages: en\n\
             Canonical: https://launchready.example/.well-known/security.txt\n"
        );
    }
}
