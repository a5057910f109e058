//! `api.cross_tenant` (critical): Tenants cannot read each other's objects. Passes when with two test credentials, A cannot read B's declared object (active).

use super::common::is_login_redirect;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Request;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let Some(pair) = &cx.target.cross_tenant else {
        return Outcome::skipped(
            "no cross-tenant pair configured: add a [cross_tenant] table (object_path, owner_header, other_header) to --product FILE.toml",
        );
    };
    let url = cx.endpoint_url(&pair.object_path);
    let owner = match cx.send(Request::get(url.clone()).header(&pair.owner.name, pair.owner.expose())).await {
        Ok(r) => r,
        Err(e) => return Outcome::error(format!("{url} could not be requested with the owner credential: {}", e)),
    };
    let owner_line =
        format!("GET {url} with the owner credential ({}) → {} ({} bytes)", pair.owner.redacted(), owner.status, owner.body.len());
    if !(200..300).contains(&owner.status) {
        return Outcome::error(format!(
            "the owner credential cannot read the object (answered {}): the probe is not conclusive",
            owner.status
        ))
        .evidence(owner_line);
    }
    let other = match cx.send(Request::get(url.clone()).header(&pair.other.name, pair.other.expose())).await {
        Ok(r) => r,
        Err(e) => return Outcome::error(format!("{url} could not be requested with the other credential: {}", e)).evidence(owner_line),
    };
    let same = if other.body == owner.body { ", the same body the owner got" } else { "" };
    let other_line = format!(
        "GET {url} with the other tenant's credential ({}) → {} ({} bytes{same})",
        pair.other.redacted(),
        other.status,
        other.body.len()
    );
    let evidence = vec![owner_line, other_line];
    match other.status {
        401 | 403 | 404 => {
            Outcome::pass(format!("another tenant's credential gets {} for the object", other.status)).evidence_lines(evidence)
        }
        s @ 200..=299 => Outcome::fail(format!(
            "another tenant's credential reads the object (answered {s}): every customer's data is open to every other customer"
        ))
        .evidence_lines(evidence),
        s if is_login_redirect(&other) => {
            Outcome::pass(format!("another tenant's credential is sent to a login page ({s})")).evidence_lines(evidence)
        }
        s => {
            Outcome::warn(format!("another tenant's credential does not get the object, but answered {s} rather than a clean 401/403/404"))
                .evidence_lines(evidence)
        }
    }
}
