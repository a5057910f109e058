//! Host names as founders type them: Unicode or punycode, any case, maybe with a scheme or a
//! trailing dot. Parsed to lower-case ASCII (IDNA) and checked against the public-suffix list.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// A DNS host name in ASCII form, never an IP literal, never a bare public suffix.
/// Deserializing goes through [`HostName::parse`] (as [`ApexDomain`] does through its own), so
/// no stored or received value skips the checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct HostName(String);

/// A registrable domain (what the public-suffix list calls eTLD+1), e.g. `example.co.uk`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct ApexDomain(HostName);

impl TryFrom<String> for HostName {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse("host", &raw)
    }
}

impl TryFrom<String> for ApexDomain {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse("apex_domain", &raw)
    }
}

impl HostName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let invalid = |msg: String| Err(DomainError::invalid(field, msg));
        let mut text = raw.trim();
        if text.is_empty() {
            return invalid("is required".into());
        }
        for scheme in ["https://", "http://"] {
            // `get`, not slicing: the text is anyone's, and byte 7 or 8 may fall inside a character.
            if text.len() > scheme.len() && text.get(..scheme.len()).is_some_and(|head| head.eq_ignore_ascii_case(scheme)) {
                text = &text[scheme.len()..];
            }
        }
        // A pasted URL: keep the host part only. A port or credentials are a mistake here.
        let text = text.split(['/', '?', '#']).next().unwrap_or_default();
        if text.contains('@') || text.contains(':') || text.starts_with('[') {
            return invalid("must be a host name such as example.com, without port or credentials".into());
        }
        let text = text.strip_suffix('.').unwrap_or(text);
        let ascii = match idna::domain_to_ascii(text) {
            Ok(ascii) if !ascii.is_empty() => ascii,
            _ => return invalid(format!("\"{}\" is not a valid domain name", raw.trim())),
        };
        if ascii.parse::<std::net::Ipv4Addr>().is_ok() || looks_numeric(&ascii) {
            return invalid("must be a domain name, not an IP address".into());
        }
        if ascii.len() > 253 {
            return invalid("is longer than 253 characters".into());
        }
        for label in ascii.split('.') {
            let ok_chars = label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if label.is_empty() || label.len() > 63 || !ok_chars || label.starts_with('-') || label.ends_with('-') {
                return invalid(format!("\"{}\" is not a valid domain name", raw.trim()));
            }
        }
        if !ascii.contains('.') {
            return invalid("must include a domain and a suffix, such as example.com".into());
        }
        if psl::domain(ascii.as_bytes()).is_none() {
            return invalid(format!("\"{ascii}\" is a public suffix; give a domain registered under it"));
        }
        Ok(Self(ascii))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registrable domain this host belongs to.
    pub fn registrable(&self) -> &str {
        psl::domain_str(&self.0).unwrap_or(&self.0)
    }
}

/// `1.2.3` or `0x7f.1`: every label numeric or hex makes a name some resolvers read as an IP.
fn looks_numeric(ascii: &str) -> bool {
    ascii.split('.').all(|l| {
        !l.is_empty() && (l.bytes().all(|b| b.is_ascii_digit()) || (l.starts_with("0x") && l[2..].bytes().all(|b| b.is_ascii_hexdigit())))
    })
}

impl ApexDomain {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let host = HostName::parse(field, raw)?;
        if host.registrable() != host.as_str() {
            return Err(DomainError::invalid(
                field,
                format!("use the registrable domain \"{}\"; declare \"{}\" as an app or API host", host.registrable(), host.as_str()),
            ));
        }
        Ok(Self(host))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Display for HostName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for ApexDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserializing_runs_the_same_checks() {
        let host: HostName = serde_json::from_str("\"App.Example.com\"").unwrap();
        assert_eq!(host.as_str(), "app.example.com");
        assert!(serde_json::from_str::<HostName>("\"127.0.0.1\"").is_err());
        let apex: ApexDomain = serde_json::from_str("\"example.co.uk\"").unwrap();
        assert_eq!(serde_json::to_string(&apex).unwrap(), "\"example.co.uk\"");
        let err = serde_json::from_str::<ApexDomain>("\"www.example.com\"").unwrap_err();
        assert!(err.to_string().contains("registrable domain"), "{err}");
    }

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(HostName::parse("h", "HTTPS://App.Example.com/login").unwrap().as_str(), "app.example.com");
        assert_eq!(HostName::parse("h", "bücher.de.").unwrap().as_str(), "xn--bcher-kva.de");
        assert_eq!(ApexDomain::parse("apex_domain", "example.co.uk").unwrap().as_str(), "example.co.uk");
        assert_eq!(ApexDomain::parse("apex_domain", "myapp.vercel.app").unwrap().as_str(), "myapp.vercel.app");
    }

    #[test]
    fn refuses_ip_literals_bare_suffixes_and_junk() {
        for bad in [
            "",
            "127.0.0.1",
            "[::1]",
            "0x7f.1",
            "com",
            "co.uk",
            "exa mple.com",
            "-x.com",
            "a..b.com",
            "user@example.com",
            "example.com:8080",
            "localhost",
        ] {
            let err = HostName::parse("apex_domain", bad).unwrap_err();
            assert!(err.to_string().starts_with("invalid input: apex_domain:"), "{bad}: {err}");
        }
    }

    /// Found by the `product_file` fuzz target (fuzz/regressions/product_file/): a character
    /// across byte 7 or 8 panicked in the scheme check, from any form or file that names a host.
    #[test]
    fn a_multibyte_character_where_a_scheme_would_end_is_an_error_not_a_panic() {
        for raw in ["examp\u{fffd}e.com", "htt\u{e9}ps://x", "https:/\u{e9}example.com", "\u{1f600}\u{1f600}example.com"] {
            let _ = HostName::parse("host", raw);
        }
    }

    #[test]
    fn apex_must_be_registrable() {
        let err = ApexDomain::parse("apex_domain", "app.example.com").unwrap_err().to_string();
        assert!(err.contains("\"example.com\""), "{err}");
    }
}
