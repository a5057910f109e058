//! `api.health` (medium): Health endpoint answers 2xx. Passes when the declared health endpoint
//! answers 2xx (204 No Content is a common, correct health answer; load balancers and
//! Kubernetes accept any 2xx).

use super::common::of_kind;
use crate::checks::support::excerpt;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::FetchError;
use domain::product::{Endpoint, EndpointKind};

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let declared: Vec<&Endpoint> = of_kind(cx, EndpointKind::Health).collect();
    if declared.is_empty() {
        return Outcome::skipped("no health endpoint declared (--endpoint '/healthz=public,health')");
    }
    let mut evidence = Vec::new();
    let mut down = Vec::new();
    for endpoint in declared {
        let url = cx.endpoint_url(&endpoint.path);
        match cx.get(&url).await {
            Ok(r) if (200..300).contains(&r.status) => evidence.push(format!("GET {url} → {} in {} ms", r.status, r.elapsed.as_millis())),
            Ok(r) => {
                let to = r.location().map(|l| format!(" → {l}")).unwrap_or_default();
                evidence.push(format!("GET {url} → {}{to}: {}", r.status, excerpt(&r.text(), 120)));
                down.push(format!("{} answered {}", endpoint.path, r.status));
            }
            Err(e @ FetchError::Timeout(_)) => {
                evidence.push(format!("GET {url}: {e}"));
                down.push(format!("{} did not answer", endpoint.path));
            }
            Err(e) => return Outcome::error(format!("{url} could not be requested: {}", e)).evidence_lines(evidence),
        }
    }
    if down.is_empty() {
        Outcome::pass("the health endpoint answers 2xx").evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "{}: load balancers and uptime monitors will take the service for down (or miss a real outage)",
            down.join("; ")
        ))
        .evidence_lines(evidence)
    }
}
