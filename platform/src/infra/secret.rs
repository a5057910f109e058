//! The server's secret key and the random tokens derived with it.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// `LAUNCHREADY_SECRET_KEY`: keys the hashes of session ids and mailed tokens, so a copy of
/// the database alone cannot be used to forge or look up a session.
/// Deliberately neither `Serialize` nor printable: `Debug` shows a placeholder.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

pub const MIN_SECRET_KEY_LEN: usize = 32;

impl SecretKey {
    pub fn from_text(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() < MIN_SECRET_KEY_LEN {
            return Err(format!("must be at least {MIN_SECRET_KEY_LEN} characters (try: openssl rand -hex 32)"));
        }
        Ok(Self(text.as_bytes().to_vec()))
    }

    /// A new random key as text, for the development key file.
    pub fn generate_text() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// HMAC-SHA256 of `value` under this key, domain-separated by `purpose`.
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `claimed_hex` is the start (at least 16 bytes) of `keyed_hash(purpose, value)`,
    /// compared in constant time.
    pub fn verify_keyed_hash_prefix(&self, purpose: &str, value: &str, claimed_hex: &str) -> bool {
        let Ok(claimed) = hex::decode(claimed_hex) else { return false };
        if claimed.len() < 16 {
            return false;
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        mac.verify_truncated_left(&claimed).is_ok()
    }

    /// A 256-bit key for one purpose, derived from this key (HMAC-SHA256 as the KDF), so
    /// sealing secrets never reuses the key that hashes sessions.
    pub(crate) fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"derive\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A bearer value (session cookie, mailed link token). Printing shows only a placeholder;
/// `expose` is the one way out, used where the value is written to a cookie or a mail.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    /// 256 random bits, URL-safe base64 without padding.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn from_client(value: &str) -> Option<Self> {
        let ok = !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let key = SecretKey::from_text(&"k".repeat(40)).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
        let token = BearerToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
        assert!(token.expose().len() >= 43);
    }

    #[test]
    fn keyed_hash_depends_on_key_and_purpose() {
        let a = SecretKey::from_text(&"a".repeat(32)).unwrap();
        let b = SecretKey::from_text(&"b".repeat(32)).unwrap();
        assert_ne!(a.keyed_hash("session", "x"), b.keyed_hash("session", "x"));
        assert_ne!(a.keyed_hash("session", "x"), a.keyed_hash("verify", "x"));
        assert!(SecretKey::from_text("short").is_err());
    }
}
