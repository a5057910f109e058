//! `dns.caa` (low): CAA record restricts certificate issuers. Passes when a CAA record restricts issuers.

use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let apex = &cx.target.apex;
    match cx.dns.caa(apex).await {
        Ok(records) => {
            let evidence: Vec<String> = records.iter().map(|c| format!("{apex} CAA {} \"{}\"", c.tag, c.value)).collect();
            if records.iter().any(|c| c.tag.eq_ignore_ascii_case("issue") || c.tag.eq_ignore_ascii_case("issuewild")) {
                Outcome::pass("CAA records restrict which authorities may issue certificates").evidence_lines(evidence)
            } else {
                Outcome::fail("CAA records exist but none has an issue or issuewild tag").evidence_lines(evidence)
            }
        }
        Err(e) if e.is_no_records() => Outcome::fail(format!("{apex} has no CAA record: any certificate authority may issue for it")),
        Err(e) => Outcome::error(e.to_string()),
    }
}
