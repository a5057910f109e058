//! `email.dmarc.present` (high): DMARC record is published. Passes when `_dmarc` has one valid DMARC record.

use super::common::{dmarc_state, mail_domain, quoted, DmarcState};
use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
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
