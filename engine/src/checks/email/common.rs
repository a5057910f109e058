//! What the email checks share.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::dns::DnsError;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::dmarc::Dmarc;

pub(super) fn mail_domain(cx: &AuditContext) -> String {
    cx.target.mail_domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

pub(super) async fn txt_or_empty(cx: &AuditContext, name: &str) -> Result<Vec<String>, DnsError> {
    match cx.dns.txt(name).await {
        Ok(records) => Ok(records),
        Err(e) if e.is_no_records() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The mail domain publishes a null MX only (RFC 7505): it declares that it takes no mail,
/// so what protects inbound mail (MTA-STS, TLS-RPT) has nothing to protect.
pub(super) async fn declares_no_inbound_mail(cx: &AuditContext) -> bool {
    cx.dns.mx(&mail_domain(cx)).await.is_ok_and(|records| !records.is_empty() && records.iter().all(|m| m.exchange.is_empty()))
}

/// The mail domain's SPF is exactly `v=spf1 -all`: it declares that it sends no mail, so it
/// has nothing to sign with DKIM (the parked-domain set-up of M3AAWG and the UK's NCSC).
pub(super) async fn declares_no_outbound_mail(cx: &AuditContext) -> bool {
    txt_or_empty(cx, &mail_domain(cx)).await.is_ok_and(|records| {
        let spf: Vec<&String> = records.iter().filter(|r| has_version(r, "v=spf1")).collect();
        spf.len() == 1 && spf[0].split_whitespace().collect::<Vec<_>>() == ["v=spf1", "-all"]
    })
}

pub(super) fn quoted(records: &[String], name: &str) -> Vec<String> {
    records.iter().map(|r| format!("{name} TXT \"{r}\"")).collect()
}

pub(super) enum DmarcState {
    /// No DMARC record at the names looked at.
    Missing {
        names: Vec<String>,
        others: Vec<String>,
    },
    Several {
        name: String,
        records: Vec<String>,
    },
    Invalid {
        name: String,
        record: String,
        reason: String,
    },
    Valid {
        name: String,
        record: String,
        dmarc: Box<Dmarc>,
        inherited: bool,
    },
}

pub(super) async fn dmarc_state(cx: &AuditContext) -> Result<DmarcState, DnsError> {
    let domain = mail_domain(cx);
    let org = psl::domain_str(&domain).unwrap_or(&domain).to_owned();
    let mut names = vec![format!("_dmarc.{domain}")];
    if org != domain {
        names.push(format!("_dmarc.{org}"));
    }
    let mut others = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let records = txt_or_empty(cx, name).await?;
        // mail-auth rejects a record whose first tag is not v=DMARC1 with InvalidRecordType:
        // such records are not DMARC records at all and are discarded, as the RFC says.
        let mut dmarc: Vec<(String, mail_auth::Result<Dmarc>)> = Vec::new();
        for record in records {
            match Dmarc::parse(record.as_bytes()) {
                Err(mail_auth::Error::Dns(mail_auth::DnsError::InvalidRecordType)) => {
                    others.push(format!("{name} TXT \"{record}\" (not a DMARC record)"))
                }
                parsed => dmarc.push((record, parsed)),
            }
        }
        match dmarc.len() {
            0 => continue,
            1 => {
                let Some((record, parsed)) = dmarc.pop() else { continue };
                return Ok(match parsed {
                    Ok(d) => DmarcState::Valid { name: name.clone(), record, dmarc: Box::new(d), inherited: i > 0 },
                    Err(e) => DmarcState::Invalid { name: name.clone(), record, reason: e.to_string() },
                });
            }
            _ => return Ok(DmarcState::Several { name: name.clone(), records: dmarc.into_iter().map(|(r, _)| r).collect() }),
        }
    }
    Ok(DmarcState::Missing { names, others })
}

pub(super) async fn valid_dmarc(cx: &AuditContext) -> Result<(String, String, Dmarc, bool), Outcome> {
    match dmarc_state(cx).await {
        Err(e) => Err(Outcome::error(e.to_string())),
        Ok(DmarcState::Valid { name, record, dmarc, inherited }) => Ok((name, record, *dmarc, inherited)),
        Ok(_) => Err(Outcome::skipped("there is no single valid DMARC record to read (see email.dmarc.present)")),
    }
}

pub(super) fn has_version(record: &str, prefix: &str) -> bool {
    let bytes = record.trim_start().as_bytes();
    bytes.len() >= prefix.len()
        && bytes[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        && bytes.get(prefix.len()).is_none_or(|c| c.is_ascii_whitespace() || *c == b';')
}

/// A TXT record read as a DMARC record (the fuzz targets' entry): recognised by its version
/// tag, parsed by mail-auth, its report addresses listed.
pub(super) fn read_dmarc(record: &str) -> Vec<String> {
    if !has_version(record, "v=DMARC1") {
        return Vec::new();
    }
    Dmarc::parse(record.as_bytes()).map(|d| d.rua.iter().map(|u| u.uri().to_owned()).collect()).unwrap_or_default()
}
