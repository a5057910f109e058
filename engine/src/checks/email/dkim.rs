//! DKIM (RFC 6376, RFC 8301, RFC 8463): a published key for the declared selectors (or, when
//! none is declared, one of the selectors mail providers commonly use), strong enough.

use super::common::mail_domain;
use crate::context::AuditContext;
use crate::model::{Outcome, Status};
use crate::redact::redact;
use base64::Engine as _;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use openssl::pkey::{Id, PKey};

/// Selectors tried when the product declares none; a short list keeps the lookups bounded.
/// Selectors of common providers (Google, Microsoft, Mailchimp, SendGrid, Fastmail, Proton,
/// Zoho, Mailgun, Resend, HubSpot, Mandrill). Selectors cannot be listed from DNS (RFC 6376),
/// so finding none of these says nothing: the product must declare its own.
const COMMON_SELECTORS: [&str; 21] = [
    "default",
    "google",
    "selector1",
    "selector2",
    "k1",
    "k2",
    "mail",
    "dkim",
    "s1",
    "s2",
    "sel1",
    "fm1",
    "fm2",
    "fm3",
    "protonmail",
    "zmail",
    "smtp",
    "mx",
    "resend",
    "hs1",
    "mandrill",
];
/// RFC 8301 §3.2: signers must use at least 1024 bits and should use 2048.
const RSA_MINIMUM: u32 = 1024;
const RSA_RECOMMENDED: u32 = 2048;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Rsa(u32),
    Ed25519,
}

/// What one selector's name holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Missing,
    LookupFailed(String),
    Revoked,
    Invalid(String),
    Key(Key),
}

impl Found {
    fn status(&self) -> Status {
        match self {
            Found::Key(Key::Rsa(bits)) if *bits < RSA_MINIMUM => Status::Fail,
            Found::Key(Key::Rsa(bits)) if *bits < RSA_RECOMMENDED => Status::Warn,
            Found::Key(_) => Status::Pass,
            Found::LookupFailed(_) => Status::Error,
            Found::Missing | Found::Revoked | Found::Invalid(_) => Status::Fail,
        }
    }
}

/// The value of tag `name` in a tag list mail-auth has already accepted: mail-auth checks the
/// record and keeps the key opaque, so its type and bytes are read back here to size the key.
fn tag<'a>(record: &'a str, name: &str) -> Option<&'a str> {
    record.split(';').filter_map(|t| t.split_once('=')).find(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

/// The type and size of the key in a DKIM record's `p=` (base64 of a DER SubjectPublicKeyInfo
/// for RSA, of the raw 32 bytes for Ed25519).
fn key_of(record: &str) -> Result<Key, String> {
    let p: String = tag(record, "p").unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect();
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let der = lenient.decode(p.as_bytes()).map_err(|e| format!("p= is not base64: {e}"))?;
    let ed25519 = tag(record, "k").is_some_and(|k| k.eq_ignore_ascii_case("ed25519"));
    if ed25519 {
        return PKey::public_key_from_raw_bytes(&der, Id::ED25519)
            .map(|_| Key::Ed25519)
            .map_err(|_| "p= is not a 32-byte Ed25519 public key".into());
    }
    if let Ok(key) = PKey::public_key_from_der(&der) {
        return match key.id() {
            Id::RSA => Ok(Key::Rsa(key.bits())),
            other => Err(format!("k=rsa but p= holds a {other:?} key")),
        };
    }
    // Some publish the bare PKCS#1 RSAPublicKey instead of the SubjectPublicKeyInfo.
    openssl::rsa::Rsa::public_key_from_der_pkcs1(&der)
        .map(|rsa| Key::Rsa(rsa.n().num_bits() as u32))
        .map_err(|_| "p= is not an RSA public key".into())
}

fn judge(record: &str) -> Found {
    match DomainKey::parse(record.as_bytes()) {
        Ok(_) => match key_of(record) {
            Ok(key) => Found::Key(key),
            Err(e) => Found::Invalid(e),
        },
        Err(mail_auth::Error::Dkim(mail_auth::dkim::DkimError::RevokedPublicKey)) => Found::Revoked,
        Err(e) => Found::Invalid(e.to_string()),
    }
}

/// The record at `<selector>._domainkey.<domain>` and what it holds.
async fn look_up(cx: &AuditContext, selector: &str, domain: &str) -> (Found, Vec<String>) {
    let name = format!("{selector}._domainkey.{domain}");
    let records = match cx.dns.txt(&name).await {
        Ok(records) => records,
        Err(e) if e.is_no_records() => return (Found::Missing, vec![format!("{name}: no record")]),
        Err(e) => return (Found::LookupFailed(e.to_string()), vec![e.to_string()]),
    };
    // RFC 6376 §3.6.2.2 leaves several records undefined; the best one is what a verifier
    // that tries each would use.
    let judged: Vec<(Found, &String)> = records.iter().map(|r| (judge(r), r)).collect();
    let best = judged.iter().min_by_key(|(found, _)| rank(found)).map(|(found, _)| found.clone()).unwrap_or(Found::Missing);
    let evidence = judged.iter().map(|(found, record)| format!("{name}: {} (\"{}\")", describe(found), shorten(record))).collect();
    (best, evidence)
}

fn rank(found: &Found) -> u8 {
    match found.status() {
        Status::Pass => 0,
        Status::Warn => 1,
        Status::Fail if matches!(found, Found::Key(_)) => 2,
        Status::Fail => 3,
        _ => 4,
    }
}

fn describe(found: &Found) -> String {
    match found {
        Found::Key(Key::Rsa(bits)) => format!("RSA {bits} bits"),
        Found::Key(Key::Ed25519) => "Ed25519".into(),
        Found::Revoked => "revoked (empty p=)".into(),
        Found::Invalid(why) => format!("invalid: {why}"),
        Found::Missing => "no record".into(),
        Found::LookupFailed(why) => format!("lookup failed: {why}"),
    }
}

/// The record with its long key shortened: the evidence needs the tags, not 400 characters.
fn shorten(record: &str) -> String {
    match tag(record, "p") {
        Some(p) if p.len() > 16 => record.replacen(p, &redact(p), 1),
        _ => record.to_owned(),
    }
}

pub(super) async fn dkim(cx: &AuditContext) -> Outcome {
    let domain = mail_domain(cx);
    if super::common::declares_no_outbound_mail(cx).await {
        return Outcome::skipped(format!("{domain} declares that it sends no mail (SPF \"v=spf1 -all\"): there is nothing to sign"));
    }
    let declared: Vec<String> = cx.target.dkim_selectors.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    let discovering = declared.is_empty();
    let selectors: Vec<String> = if discovering { COMMON_SELECTORS.iter().map(|s| s.to_string()).collect() } else { declared };
    let results = futures::future::join_all(selectors.iter().map(|s| look_up(cx, s, &domain))).await;
    let mut evidence = Vec::new();
    let mut judged = Vec::new();
    for (selector, (found, lines)) in selectors.iter().zip(results) {
        // Discovery misses most names by design; listing each miss would bury the finding.
        if !(discovering && found == Found::Missing) {
            evidence.extend(lines);
        }
        judged.push((selector.clone(), found));
    }
    let names = selectors.join(", ");
    if discovering {
        // Old selectors are revoked on rotation: a discovered revoked or broken key next to a
        // good one is not a problem, so judge the usable keys when there are any.
        let usable: Vec<&(String, Found)> = judged.iter().filter(|(_, f)| matches!(f, Found::Key(_))).collect();
        if usable.is_empty() {
            if let Some((selector, failed)) = judged.iter().find(|(_, f)| matches!(f, Found::LookupFailed(_))) {
                return Outcome::error(format!("the DKIM lookup of selector {selector} failed: {}", describe(failed)))
                    .evidence_lines(evidence);
            }
            let broken: Vec<String> = judged
                .iter()
                .filter(|(_, f)| f.status() == Status::Fail)
                .filter(|(_, f)| *f != Found::Missing)
                .map(|(s, f)| format!("{s} ({})", describe(f)))
                .collect();
            if broken.is_empty() {
                // Not a finding: a provider with its own selector names signs just as well.
                return Outcome::skipped(format!(
                    "no DKIM key under the common selectors ({names}), and selectors cannot be listed from DNS: declare the selectors that sign your mail (--dkim-selector, or the product's DKIM selectors) to have DKIM checked"
                ))
                .evidence_lines(evidence);
            }
            return Outcome::fail(format!("no usable DKIM key: {}", broken.join(", "))).evidence_lines(evidence);
        }
        return verdict(&usable.into_iter().cloned().collect::<Vec<_>>(), evidence, "discovered ");
    }
    verdict(&judged, evidence, "")
}

/// The worst of the judged selectors decides: every declared selector signs mail.
fn verdict(judged: &[(String, Found)], evidence: Vec<String>, how: &str) -> Outcome {
    let worst = judged.iter().map(|(_, f)| f.status()).min().unwrap_or(Status::Fail);
    let list = |status: Status| -> String {
        judged.iter().filter(|(_, f)| f.status() == status).map(|(s, f)| format!("{s} ({})", describe(f))).collect::<Vec<_>>().join(", ")
    };
    match worst {
        Status::Fail => {
            Outcome::fail(format!("DKIM is broken for selector(s) {}: receivers cannot verify mail signed with them", list(Status::Fail)))
                .evidence_lines(evidence)
        }
        Status::Error => Outcome::error(format!("the DKIM lookup failed for {}", list(Status::Error))).evidence_lines(evidence),
        Status::Warn => Outcome::warn(format!(
            "{how}DKIM key(s) under {RSA_RECOMMENDED} bits: {}; RFC 8301 asks for 2048-bit RSA keys",
            list(Status::Warn)
        ))
        .evidence_lines(evidence),
        _ => Outcome::pass(format!("{how}DKIM key(s) published and strong: {}", list(Status::Pass))).evidence_lines(evidence),
    }
}

/// What one DKIM TXT record holds, as the evidence shows it (the fuzz targets' entry).
pub(super) fn read_record(record: &str) -> String {
    format!("{} (\"{}\")", describe(&judge(record)), shorten(record))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa_b64(bits: u32) -> String {
        let rsa = openssl::rsa::Rsa::generate(bits).unwrap();
        base64::engine::general_purpose::STANDARD.encode(rsa.public_key_to_der().unwrap())
    }

    #[test]
    fn sizes_rsa_and_ed25519_keys() {
        assert_eq!(judge(&format!("v=DKIM1; k=rsa; p={}", rsa_b64(2048))), Found::Key(Key::Rsa(2048)));
        assert_eq!(judge(&format!("p={}", rsa_b64(1024))), Found::Key(Key::Rsa(1024)));
        assert_eq!(judge(&format!("v=DKIM1; p={}", rsa_b64(512))), Found::Key(Key::Rsa(512)));
        let ed = PKey::generate_ed25519().unwrap();
        let raw = base64::engine::general_purpose::STANDARD.encode(ed.raw_public_key().unwrap());
        assert_eq!(judge(&format!("v=DKIM1; k=ed25519; p={raw}")), Found::Key(Key::Ed25519));
    }

    #[test]
    fn revoked_and_broken_keys() {
        assert_eq!(judge("v=DKIM1; k=rsa; p="), Found::Revoked);
        assert!(matches!(judge("v=DKIM1; k=rsa; p=bm90IGEga2V5"), Found::Invalid(_)));
        assert!(matches!(judge("v=DKIM2; p=bm90IGEga2V5"), Found::Invalid(_)));
    }
}
