//! `tls.protocol.legacy` (medium): TLS 1.0 and 1.1 are refused. Passes when TLS 1.0 and 1.1 refused.

use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let host = cx.target.main_host().to_owned();
    if cx.ips(&host).await.is_err() {
        return Outcome::error(format!("{host} does not resolve"));
    }
    match cx.tls.accepts_legacy(&host, cx.https_port(&host)).await {
        Ok(None) => {
            Outcome::pass("TLS 1.0 and 1.1 are refused").evidence(format!("{host}: handshake offering only TLS 1.0/1.1 was refused"))
        }
        Ok(Some(version)) => Outcome::fail(format!("{host} still accepts {version}, a protocol with known weaknesses"))
            .evidence(format!("{host}: handshake completed with {version}")),
        Err(e) => Outcome::error(e),
    }
}
