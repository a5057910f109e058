//! What the tls checks share.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::tls::TlsReport;
use std::sync::Arc;

pub(super) async fn main_report(cx: &AuditContext) -> Result<Arc<TlsReport>, Outcome> {
    let host = cx.target.main_host().to_owned();
    if cx.ips(&host).await.is_err() {
        return Err(Outcome::error(format!("{host} does not resolve, so its certificate cannot be read")));
    }
    cx.tls_report(&host).await.map_err(Outcome::error)
}
