//! The session cookie: its name, attributes, and reading it from a request.

use http::header::{HeaderMap, HeaderValue, COOKIE};
use platform::infra::secret::BearerToken;

#[derive(Debug, Clone)]
pub struct CookieSettings {
    /// `__Host-launchready_session` over HTTPS; `launchready_session` on plain-HTTP loopback in
    /// development, where the `__Host-` prefix (which requires `Secure`) cannot be used.
    pub name: &'static str,
    pub secure: bool,
    pub max_age_secs: i64,
}

impl CookieSettings {
    pub fn new(secure: bool, max_age_secs: i64) -> Self {
        let name = if secure { "__Host-launchready_session" } else { "launchready_session" };
        Self { name, secure, max_age_secs }
    }

    pub fn read(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.name)
            .map(|(_, value)| value.to_owned())
    }

    pub fn set(&self, token: &BearerToken) -> HeaderValue {
        self.header(token.expose(), self.max_age_secs)
    }

    pub fn clear(&self) -> HeaderValue {
        self.header("", 0)
    }

    fn header(&self, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let text = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", self.name);
        HeaderValue::from_str(&text).expect("cookie value is URL-safe base64")
    }
}
