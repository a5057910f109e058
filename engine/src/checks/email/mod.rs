//! The email checks: MX, SPF, DKIM, DMARC, MTA-STS and TLS-RPT of the mail domain. Records
//! are parsed with mail-auth; only what it does not cover (the MTA-STS policy file, the key
//! size of a DKIM key) is read here.

mod common;
mod dkim;
mod dmarc_policy;
mod dmarc_present;
mod dmarc_reporting;
mod mta_sts;
mod mx;
mod spf;
mod tls_rpt;

use crate::registry::Registry;

/// Every record reader of this family on one text, without DNS (the fuzz targets' entry: TXT
/// records and MTA-STS policy files are whatever the audited domain publishes).
pub(super) fn read_records(text: &str) -> usize {
    let spf = spf::read_without_dns(text).len();
    let dkim = dkim::read_record(text).len();
    let mta_sts = mta_sts::read_policy(text).unwrap_or_default();
    let dmarc = common::read_dmarc(text).len();
    spf + dkim + mta_sts + dmarc
}

pub(super) fn register(r: &mut Registry) {
    r.add("email.mx", |cx| Box::pin(mx::check(cx)));
    r.add("email.spf.present", |cx| Box::pin(spf::present(cx)));
    r.add("email.spf.valid", |cx| Box::pin(spf::valid(cx)));
    r.add("email.spf.policy", |cx| Box::pin(spf::policy(cx)));
    r.add("email.dkim", |cx| Box::pin(dkim::dkim(cx)));
    r.add("email.dmarc.present", |cx| Box::pin(dmarc_present::check(cx)));
    r.add("email.dmarc.policy", |cx| Box::pin(dmarc_policy::check(cx)));
    r.add("email.dmarc.reporting", |cx| Box::pin(dmarc_reporting::check(cx)));
    r.add("email.mta_sts", |cx| Box::pin(mta_sts::mta_sts(cx)));
    r.add("email.tls_rpt", |cx| Box::pin(tls_rpt::check(cx)));
}
