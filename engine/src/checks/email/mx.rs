//! `email.mx` (medium): Mail domain has MX records. Passes when MX present for the mail domain.

use super::common::mail_domain;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
        // RFC 7505: the right record for a domain that takes no mail; senders are refused at
        // once instead of retrying for days.
        return Outcome::pass(format!(
            "{domain} publishes a null MX: it declares that it receives no mail (RFC 7505), so make sure replies and security reports go to another domain"
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
