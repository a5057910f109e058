//! `email.dmarc.policy` (medium): DMARC policy quarantines or rejects. Passes when `p=quarantine` or `p=reject` (warn on `none`).

use super::common::valid_dmarc;
use crate::context::AuditContext;
use crate::model::Outcome;
use mail_auth::dmarc::Policy;

fn policy_name(policy: Policy) -> &'static str {
    match policy {
        Policy::None => "none",
        Policy::Quarantine => "quarantine",
        Policy::Reject => "reject",
        Policy::Unspecified => "unspecified",
    }
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
