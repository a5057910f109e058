//! Secrets stored sealed: ChaCha20-Poly1305 under a key derived from `LAUNCHREADY_SECRET_KEY`,
//! a fresh random nonce per value. A copy of the database alone reveals no webhook URL,
//! Slack URL or signing secret.

use crate::infra::secret::SecretKey;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use domain::DomainError;
use rand::RngCore;

const PREFIX: &str = "v1:";
const PURPOSE: &str = "sealed-channel-secrets-v1";

pub fn seal(key: &SecretKey, plaintext: &[u8]) -> String {
    let cipher = ChaCha20Poly1305::new(&key.derive(PURPOSE).into());
    let mut nonce = [0u8; 12];
    rand::rng().fill_bytes(&mut nonce);
    let sealed = cipher.encrypt(Nonce::from_slice(&nonce), plaintext).expect("encryption of an in-memory buffer cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(out))
}

pub fn open(key: &SecretKey, sealed: &str) -> Result<Vec<u8>, DomainError> {
    let broken = || DomainError::Internal("a sealed secret cannot be opened (wrong LAUNCHREADY_SECRET_KEY?)".into());
    let raw = sealed.strip_prefix(PREFIX).ok_or_else(broken)?;
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(raw).map_err(|_| broken())?;
    if bytes.len() < 12 + 16 {
        return Err(broken());
    }
    let (nonce, body) = bytes.split_at(12);
    let cipher = ChaCha20Poly1305::new(&key.derive(PURPOSE).into());
    cipher.decrypt(Nonce::from_slice(nonce), body).map_err(|_| broken())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let key = SecretKey::from_text(&"k".repeat(40)).unwrap();
        let sealed = seal(&key, b"https://hooks.example/secret");
        assert!(!sealed.contains("hooks"));
        assert_ne!(sealed, seal(&key, b"https://hooks.example/secret"), "fresh nonce per value");
        assert_eq!(open(&key, &sealed).unwrap(), b"https://hooks.example/secret");
        let other = SecretKey::from_text(&"o".repeat(40)).unwrap();
        assert!(open(&other, &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(open(&key, &tampered).is_err());
    }
}
