//! Secrets in evidence are shown as their first 4 and last 2 characters.

/// `sk_live_abcdefgh1234` → `sk_l…34`. Short values are hidden entirely.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 10 {
        return "…".to_string() + &"*".repeat(chars.len().min(6));
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}…{tail}")
}

/// A header value given by the caller (a credential): never printed, never serialised.
#[derive(Clone)]
pub struct SecretHeader {
    pub name: String,
    value: String,
}

impl SecretHeader {
    /// `Authorization: Bearer …` as typed on the command line.
    pub fn parse(line: &str) -> Result<Self, String> {
        let (name, value) = line.split_once(':').ok_or("must look like 'Name: value', e.g. 'Authorization: Bearer …'")?;
        let name = name.trim();
        let value = value.trim();
        if name.is_empty() || http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(format!("\"{name}\" is not a valid header name"));
        }
        if value.is_empty() || http::HeaderValue::from_str(value).is_err() {
            return Err(format!("the value of {name} is empty or not a valid header value"));
        }
        Ok(Self { name: name.to_owned(), value: value.to_owned() })
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    pub fn redacted(&self) -> String {
        format!("{}: {}", self.name, redact(&self.value))
    }
}

impl std::fmt::Debug for SecretHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretHeader({}: [redacted])", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_four_and_two() {
        assert_eq!(redact("sk_live_51HxYzAbCdEf"), "sk_l…Ef");
        assert!(!redact("short").contains("short"));
    }

    #[test]
    fn debug_hides_the_value() {
        let h = SecretHeader::parse("Authorization: Bearer topsecret-token").unwrap();
        assert!(!format!("{h:?}").contains("topsecret"));
        assert_eq!(h.redacted(), "Authorization: Bear…en");
    }
}
