use crate::DomainError;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// The most common leaked passwords that still meet the length rule. A short list, as OWASP
/// ASVS 2.1.7 asks for at minimum; a breached-password API would need the internet.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "123123123",
    "11111111",
    "00000000",
    "87654321",
    "qwertyuiop",
    "qwerty123",
    "qwerty12345",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "letmein1",
    "welcome1",
    "welcome123",
    "abc12345",
    "abcd1234",
    "aa123456",
    "asdfghjkl",
    "asdf1234",
    "changeme",
    "computer",
    "internet",
    "starwars",
    "whatever",
    "dragon123",
    "monkey123",
    "michael1",
    "jennifer",
    "jordan23",
    "liverpool",
    "chocolate",
    "butterfly",
    "qwerty1234",
    "admin123",
    "administrator",
    "letmein123",
    "master123",
    "shadow123",
    "launchready",
    "launchready1",
    "passwordpassword",
    "11223344",
    "12344321",
    "1qaz2wsx",
];

/// A password a user chose, checked against the policy. Never `Debug`-printed: the type
/// deliberately implements neither `Debug` nor `Display`.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let chars = raw.chars().count();
        if chars < MIN_LEN {
            return Err(DomainError::invalid(field, format!("must be at least {MIN_LEN} characters")));
        }
        if chars > MAX_LEN {
            return Err(DomainError::invalid(field, format!("must be at most {MAX_LEN} characters")));
        }
        let lowered = raw.to_lowercase();
        if COMMON.contains(&lowered.as_str()) || lowered.chars().all(|c| lowered.starts_with(c)) {
            return Err(DomainError::invalid(field, "is one of the most common passwords; choose another"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_and_common_list() {
        assert!(NewPassword::parse("password", "short").is_err());
        assert!(NewPassword::parse("password", &"x".repeat(129)).is_err());
        assert!(NewPassword::parse("password", "Password123").is_err());
        assert!(NewPassword::parse("password", "aaaaaaaaaa").is_err());
        assert!(NewPassword::parse("password", "correct horse battery").is_ok());
        assert!(NewPassword::parse("password", &"ab".repeat(64)).is_ok());
    }
}
