//! `api.auth_required` (critical): Protected endpoints require valid auth. Passes when declared authenticated/admin endpoints refuse no token and a bad token (401/403).

use super::common::is_login_redirect;
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{FetchError, Request, Response};
use domain::product::{Access, Endpoint};
use url::Url;

pub const INVALID_TOKEN: &str = "launchready-invalid-token";

const AUTH_ENDPOINTS: usize = 12;

enum Gate {
    Refused,
    /// 404: refused, or the path does not exist; settled with the declared credential.
    NotFound,
    Served(u16),
    Unclear(u16),
}

fn gate_of(response: &Response) -> Gate {
    match response.status {
        401 | 403 => Gate::Refused,
        404 => Gate::NotFound,
        s @ 200..=299 => Gate::Served(s),
        _ if is_login_redirect(response) => Gate::Refused,
        s => Gate::Unclear(s),
    }
}

async fn gated_get(cx: &AuditContext, url: &Url, credential: Option<(&str, &str)>) -> Result<(Response, Vec<String>), FetchError> {
    let mut hops = Vec::new();
    let mut current = url.clone();
    loop {
        let response = match credential {
            None if hops.is_empty() => (*cx.get(&current).await?).clone(),
            None => cx.send(Request::get(current.clone())).await?,
            Some((name, value)) => cx.send(Request::get(current.clone()).header(name, value)).await?,
        };
        let next = response
            .location()
            .filter(|l| response.is_redirect() && hops.len() < 3 && l.host_str() == current.host_str() && !is_login_redirect(&response));
        match next {
            Some(next) => {
                hops.push(format!("{} → {next}", response.status));
                current = next;
            }
            None => return Ok((response, hops)),
        }
    }
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let protected: Vec<&Endpoint> = cx.target.endpoints.iter().filter(|e| e.access != Access::Public).collect();
    if protected.is_empty() {
        return Outcome::skipped("no authenticated or admin endpoint declared (--endpoint '/api/me=authenticated')");
    }
    // A product that authenticates with its own header (X-Api-Key) gets the bad token there.
    let header_name = cx.target.auth_header.as_ref().map_or("Authorization", |h| h.name.as_str()).to_owned();
    let bad_value =
        if header_name.eq_ignore_ascii_case("authorization") { format!("Bearer {INVALID_TOKEN}") } else { INVALID_TOKEN.to_owned() };

    let mut evidence = Vec::new();
    let mut served = Vec::new();
    let mut unclear = Vec::new();
    let mut refused = 0;
    let mut answered = 0;
    for endpoint in protected.iter().take(AUTH_ENDPOINTS) {
        let url = cx.endpoint_url(&endpoint.path);
        let mut gates = Vec::new();
        for (label, credential) in [("no credential", None), ("an invalid token", Some((header_name.as_str(), bad_value.as_str())))] {
            match gated_get(cx, &url, credential).await {
                Ok((response, hops)) => {
                    let via = if hops.is_empty() { String::new() } else { format!(" (via {})", hops.join(", ")) };
                    let to = response.location().filter(|_| response.is_redirect()).map(|l| format!(" → {l}")).unwrap_or_default();
                    evidence.push(format!("GET {url} with {label} → {}{to}{via}", response.status));
                    gates.push((label, gate_of(&response)));
                }
                Err(e) => evidence.push(format!("GET {url} with {label}: {}", e)),
            }
        }
        if gates.is_empty() {
            continue;
        }
        answered += 1;
        if let Some((label, status)) = gates.iter().find_map(|(l, g)| if let Gate::Served(s) = g { Some((*l, *s)) } else { None }) {
            served.push(format!("{} ({}) answered {status} to {label}", endpoint.path, endpoint.access.as_str()));
            continue;
        }
        // A 404 that hides a real route is a refusal; one on a path that does not exist tests nothing.
        let mut route_exists = None;
        if gates.iter().any(|(_, g)| matches!(g, Gate::NotFound)) {
            if let Some(auth) = &cx.target.auth_header {
                match cx.send(Request::get(url.clone()).header(&auth.name, auth.expose())).await {
                    Ok(r) => {
                        evidence.push(format!("GET {url} with the declared credential ({}) → {}", auth.redacted(), r.status));
                        route_exists = Some(r.status != 404);
                    }
                    Err(e) => evidence.push(format!("GET {url} with the declared credential: {}", e)),
                }
            }
        }
        let not_clear: Vec<String> = gates
            .iter()
            .filter_map(|(label, g)| match g {
                Gate::Unclear(s) => Some(format!("{s} to {label}")),
                Gate::NotFound if route_exists != Some(true) => Some(format!("404 to {label} (path not confirmed)")),
                _ => None,
            })
            .collect();
        if not_clear.is_empty() {
            refused += 1;
        } else {
            unclear.push(format!("{} answered {}", endpoint.path, not_clear.join(" and ")));
        }
    }
    if protected.len() > AUTH_ENDPOINTS {
        evidence.push(format!("probed the first {AUTH_ENDPOINTS} of {} protected endpoints", protected.len()));
    }
    if !served.is_empty() {
        Outcome::fail(format!("protected endpoint(s) answer without a valid credential: {}", served.join("; "))).evidence_lines(evidence)
    } else if answered == 0 {
        Outcome::error("no protected endpoint answered").evidence_lines(evidence)
    } else if refused == 0 {
        Outcome::error(format!(
            "no endpoint gave a clear 401/403, so the check cannot tell whether authentication is enforced: {}",
            unclear.join("; ")
        ))
        .evidence_lines(evidence)
    } else if !unclear.is_empty() {
        Outcome::warn(format!("{refused} endpoint(s) refuse anonymous and invalid tokens, but not clearly: {}", unclear.join("; ")))
            .evidence_lines(evidence)
    } else {
        Outcome::pass(format!("all {refused} protected endpoint(s) refuse a missing and an invalid token")).evidence_lines(evidence)
    }
}
