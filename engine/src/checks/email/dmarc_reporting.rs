//! `email.dmarc.reporting` (low): DMARC aggregate reports are requested. Passes when `rua` present.

use super::common::valid_dmarc;
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
