//! `email.tls_rpt` (low): TLS-RPT reporting is configured. Passes when TLS-RPT record present.

use super::common::{has_version, mail_domain, quoted, txt_or_empty};
use crate::context::AuditContext;
use crate::model::Outcome;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::mta_sts::{ReportUri, TlsRpt};

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    if super::common::declares_no_inbound_mail(cx).await {
        return Outcome::skipped(format!("{} declares that it receives no mail (null MX): no TLS reports to ask for", mail_domain(cx)));
    }
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
