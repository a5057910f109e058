//! The email checks: MX, SPF, DKIM, DMARC, MTA-STS and TLS-RPT of the mail domain. Records
//! are parsed with mail-auth; only what it does not cover (the MTA-STS policy file, the key
//! size of a DKIM key) is read here.

mod dkim;
mod mta_sts;
mod spf;

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::dns::DnsError;
use crate::registry::Registry;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::dmarc::{Dmarc, Policy};
use mail_auth::mta_sts::{ReportUri, TlsRpt};

pub(super) fn register(r: &mut Registry) {
    r.add("email.mx", |cx| Box::pin(mx(cx)));
    r.add("email.spf.present", |cx| Box::pin(spf::present(cx)));
    r.add("email.spf.valid", |cx| Box::pin(spf::valid(cx)));
    r.add("email.spf.policy", |cx| Box::pin(spf::policy(cx)));
    r.add("email.dkim", |cx| Box::pin(dkim::dkim(cx)));
    r.add("email.dmarc.present", |cx| Box::pin(dmarc_present(cx)));
    r.add("email.dmarc.policy", |cx| Box::pin(dmarc_policy(cx)));
    r.add("email.dmarc.reporting", |cx| Box::pin(dmarc_reporting(cx)));
    r.add("email.mta_sts", |cx| Box::pin(mta_sts::mta_sts(cx)));
    r.add("email.tls_rpt", |cx| Box::pin(tls_rpt(cx)));
}

/// The mail domain without a trailing dot, lowercased, as DNS names are compared.
fn mail_domain(cx: &AuditContext) -> String {
    cx.target.mail_domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// TXT records of `name`; a name without TXT records is an empty list, not an error.
async fn txt_or_empty(cx: &AuditContext, name: &str) -> Result<Vec<String>, DnsError> {
    match cx.dns.txt(name).await {
        Ok(records) => Ok(records),
        Err(e) if e.is_no_records() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Whether `record` starts with the version tag `prefix`, compared without case and followed
/// by the end, a space or `;`: how SPF, MTA-STS and TLS-RPT select their records among the
/// TXT records of a name (RFC 7208 §4.5, RFC 8461 §3.1, RFC 8460 §3).
fn has_version(record: &str, prefix: &str) -> bool {
    let bytes = record.trim_start().as_bytes();
    bytes.len() >= prefix.len()
        && bytes[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        && bytes.get(prefix.len()).is_none_or(|c| c.is_ascii_whitespace() || *c == b';')
}

fn quoted(records: &[String], name: &str) -> Vec<String> {
    records.iter().map(|r| format!("{name} TXT \"{r}\"")).collect()
}

async fn mx(cx: &AuditContext) -> Outcome {
    let domain = mail_domain(cx);
    let records = match cx.dns.mx(&domain).await {
        Ok(records) => records,
        Err(e) if e.is_no_records() => {
            return Outcome::fail(format!(
                "{domain} has no MX record: replies, bounces and abuse or security reports sent to it cannot be delivered"
            ))
            .evidence(e.to_string())
        }
        Err(e) => return Outcome::error(e.to_string()),
    };
    let mut sorted = records.clone();
    sorted.sort_by_key(|m| m.preference);
    let lines: Vec<String> =
        sorted.iter().map(|m| format!("{domain} MX {} {}", m.preference, if m.exchange.is_empty() { "." } else { &m.exchange })).collect();
    // A null MX (RFC 7505) is an exchange of "." (the root), here an empty name.
    let null = sorted.iter().filter(|m| m.exchange.is_empty()).count();
    if null > 0 && null == sorted.len() {
        return Outcome::warn(format!(
            "{domain} publishes a null MX: it declares that it receives no mail, so replies, bounces and security reports to it are refused"
        ))
        .evidence_lines(lines);
    }
    if null > 0 {
        return Outcome::fail(format!(
            "{domain} mixes a null MX with other MX records, which RFC 7505 forbids: senders may treat the domain as not accepting mail"
        ))
        .evidence_lines(lines);
    }
    let mut evidence = lines;
    let mut resolving = 0;
    for m in &sorted {
        match cx.ips(&m.exchange).await {
            Ok(ips) => {
                resolving += 1;
                evidence.push(format!("{} → {}", m.exchange, ips.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join(", ")));
            }
            Err(e) => evidence.push(format!("{}: {e}", m.exchange)),
        }
    }
    if resolving == 0 {
        Outcome::fail(format!("none of the MX hosts of {domain} resolves, so mail to it cannot be delivered")).evidence_lines(evidence)
    } else {
        Outcome::pass(format!("{domain} has {} MX record(s), {resolving} of them resolving: mail to it can be delivered", sorted.len()))
            .evidence_lines(evidence)
    }
}

/// What `_dmarc.<domain>` (or, failing that, the organisational domain's) holds.
enum DmarcState {
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

/// One lookup of the DMARC record as a receiver does it (RFC 7489 §6.6.3): the mail domain's
/// `_dmarc` name, then the organisational domain's when the mail domain is a subdomain.
async fn dmarc_state(cx: &AuditContext) -> Result<DmarcState, DnsError> {
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

async fn dmarc_present(cx: &AuditContext) -> Outcome {
    match dmarc_state(cx).await {
        Err(e) => Outcome::error(e.to_string()),
        Ok(DmarcState::Missing { names, others }) => Outcome::fail(format!(
            "no DMARC record at {}: receivers have no policy for mail that fails SPF and DKIM, and large providers reject bulk mail without one",
            names.join(" or ")
        ))
        .evidence_lines(others),
        Ok(DmarcState::Several { name, records }) => Outcome::fail(format!(
            "{name} has {} DMARC records: receivers ignore DMARC when there is more than one",
            records.len()
        ))
        .evidence_lines(quoted(&records, &name)),
        Ok(DmarcState::Invalid { name, record, reason }) => {
            Outcome::fail(format!("the DMARC record at {name} does not parse ({reason}), so receivers ignore it")).evidence(format!("{name} TXT \"{record}\""))
        }
        Ok(DmarcState::Valid { name, record, inherited, .. }) => {
            let summary = if inherited {
                format!("{} has no DMARC record of its own and inherits the organisational domain's from {name}", mail_domain(cx))
            } else {
                format!("{name} publishes one valid DMARC record")
            };
            Outcome::pass(summary).evidence(format!("{name} TXT \"{record}\""))
        }
    }
}

/// The valid DMARC record, or the outcome of a check that has nothing to judge.
async fn valid_dmarc(cx: &AuditContext) -> Result<(String, String, Dmarc, bool), Outcome> {
    match dmarc_state(cx).await {
        Err(e) => Err(Outcome::error(e.to_string())),
        Ok(DmarcState::Valid { name, record, dmarc, inherited }) => Ok((name, record, *dmarc, inherited)),
        Ok(_) => Err(Outcome::skipped("there is no single valid DMARC record to read (see email.dmarc.present)")),
    }
}

fn policy_name(policy: Policy) -> &'static str {
    match policy {
        Policy::None => "none",
        Policy::Quarantine => "quarantine",
        Policy::Reject => "reject",
        Policy::Unspecified => "unspecified",
    }
}

async fn dmarc_policy(cx: &AuditContext) -> Outcome {
    let (name, record, dmarc, inherited) = match valid_dmarc(cx).await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    // A subdomain that inherits the organisational record is governed by its sp= (which
    // mail-auth fills with p= when absent).
    let (tag, policy) = if inherited { ("sp", dmarc.sp) } else { ("p", dmarc.p) };
    let mut evidence = vec![format!("{name} TXT \"{record}\"")];
    if !inherited && dmarc.sp != dmarc.p {
        evidence.push(format!("subdomains: sp={}", policy_name(dmarc.sp)));
    }
    match policy {
        // t=y (DMARCbis testing mode) asks receivers to apply one step less: quarantine
        // becomes none.
        Policy::Quarantine if dmarc.t => {
            Outcome::warn(format!("{tag}=quarantine with t=y (testing): receivers apply no policy, so spoofed mail is still delivered"))
                .evidence_lines(evidence)
        }
        Policy::Reject | Policy::Quarantine => {
            Outcome::pass(format!("{tag}={}: mail that fails authentication is kept out of inboxes", policy_name(policy)))
                .evidence_lines(evidence)
        }
        Policy::None => {
            Outcome::warn(format!("{tag}=none: mail that fails SPF and DKIM is still delivered, so phishing in your name reaches inboxes"))
                .evidence_lines(evidence)
        }
        // RFC 7489 §6.6.3: a record without p= (but otherwise valid) is applied as p=none.
        Policy::Unspecified => Outcome::warn(format!(
            "the record has no {tag}= tag, so receivers apply none: mail that fails authentication is still delivered"
        ))
        .evidence_lines(evidence),
    }
}

async fn dmarc_reporting(cx: &AuditContext) -> Outcome {
    let (name, record, dmarc, _) = match valid_dmarc(cx).await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let line = format!("{name} TXT \"{record}\"");
    if dmarc.rua.is_empty() {
        Outcome::fail("the DMARC record has no rua= address: you cannot see who sends mail as your domain").evidence(line)
    } else {
        let uris: Vec<&str> = dmarc.rua.iter().map(|u| u.uri()).collect();
        Outcome::pass(format!("aggregate reports go to {}", uris.join(", "))).evidence(line)
    }
}

async fn tls_rpt(cx: &AuditContext) -> Outcome {
    let name = format!("_smtp._tls.{}", mail_domain(cx));
    let all = match txt_or_empty(cx, &name).await {
        Ok(records) => records,
        Err(e) => return Outcome::error(e.to_string()),
    };
    let records: Vec<String> = all.iter().filter(|r| has_version(r, "v=TLSRPTv1")).cloned().collect();
    match records.as_slice() {
        [] => Outcome::fail(format!("no TLS-RPT record at {name}: failed secure deliveries to you go unreported"))
            .evidence_lines(quoted(&all, &name)),
        [record] => match TlsRpt::parse(record.as_bytes()) {
            Ok(rpt) => {
                let uris: Vec<&str> = rpt
                    .rua
                    .iter()
                    .map(|u| match u {
                        ReportUri::Mail(m) => m.as_str(),
                        ReportUri::Http(h) => h.as_str(),
                    })
                    .collect();
                Outcome::pass(format!("TLS reports go to {}", uris.join(", "))).evidence(format!("{name} TXT \"{record}\""))
            }
            Err(e) => Outcome::fail(format!("the TLS-RPT record at {name} has no usable rua= address ({e}), so no reports are sent"))
                .evidence(format!("{name} TXT \"{record}\"")),
        },
        several => Outcome::fail(format!("{name} has {} TLS-RPT records: senders treat that as none (RFC 8460 §3)", several.len()))
            .evidence_lines(quoted(several, &name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_prefix_needs_a_boundary() {
        assert!(has_version("v=spf1 -all", "v=spf1"));
        assert!(has_version("V=SPF1", "v=spf1"));
        assert!(!has_version("v=spf10 -all", "v=spf1"));
        assert!(has_version("v=STSv1; id=1", "v=STSv1"));
        assert!(!has_version("id=1; v=STSv1", "v=STSv1"));
    }
}
