//! The tls checks: trust, host names, expiry, legacy and modern protocol versions.

mod certificate_expiry;
mod certificate_hostname;
mod certificate_trusted;
mod common;
mod protocol_legacy;
mod protocol_modern;

use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("tls.certificate.trusted", |cx| Box::pin(certificate_trusted::check(cx)));
    r.add("tls.certificate.hostname", |cx| Box::pin(certificate_hostname::check(cx)));
    r.add("tls.certificate.expiry", |cx| Box::pin(certificate_expiry::check(cx)));
    r.add("tls.protocol.legacy", |cx| Box::pin(protocol_legacy::check(cx)));
    r.add("tls.protocol.modern", |cx| Box::pin(protocol_modern::check(cx)));
}
