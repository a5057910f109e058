use crate::DomainError;
use serde::{Deserialize, Serialize};

/// A syntactically plausible, normalised (trimmed, lower-cased) email address.
///
/// We only check the shape; the verification mail proves the address is real.
/// Deserializing goes through [`EmailAddress::parse`], so no stored or received value skips
/// the checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct EmailAddress(String);

impl TryFrom<String> for EmailAddress {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Self::parse("email", &raw)
    }
}

impl EmailAddress {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let email = raw.trim().to_lowercase();
        let invalid = |msg: &str| Err(DomainError::invalid(field, msg));
        if email.is_empty() {
            return invalid("is required");
        }
        if email.len() > 254 {
            return invalid("is longer than 254 characters");
        }
        let Some((local, host)) = email.split_once('@') else {
            return invalid("must look like name@example.com");
        };
        if local.is_empty() || local.len() > 64 || host.contains('@') {
            return invalid("must look like name@example.com");
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>') {
            return invalid("must not contain spaces or angle brackets");
        }
        let labels: Vec<&str> = host.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-')) {
            return invalid("must have a domain such as example.com after the @");
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserializing_runs_the_same_checks() {
        let email: EmailAddress = serde_json::from_str("\" Ada@Example.COM\"").unwrap();
        assert_eq!(email.as_str(), "ada@example.com");
        assert!(serde_json::from_str::<EmailAddress>("\"ada@\"").is_err());
    }

    #[test]
    fn normalises_and_accepts_plain_addresses() {
        assert_eq!(EmailAddress::parse("email", "  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
    }

    #[test]
    fn refuses_malformed_addresses_naming_the_field() {
        for bad in ["", "ada", "ada@", "@example.com", "ada@localhost", "a b@example.com", "ada@-x.com", "a@b@c.com"] {
            let err = EmailAddress::parse("email", bad).unwrap_err();
            assert!(err.to_string().contains("email:"), "{bad}: {err}");
        }
    }
}
