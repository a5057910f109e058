//! `api.cors` (high): CORS does not trust arbitrary origins. Passes when an unknown Origin is
//! not trusted with credentials: reflecting an Origin without `Allow-Credentials: true`
//! exposes only what an anonymous caller gets, exactly as `*` does (a common and correct
//! setting for public APIs), so it is noted, not failed.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{Request, Response};
use domain::product::{Access, Endpoint, EndpointKind};
use url::Url;

pub const PROBE_ORIGIN: &str = "https://evil-launchready-probe.example";

fn header_or_none<'a>(response: &'a Response, name: &str) -> &'a str {
    response.header(name).unwrap_or("none")
}

const CORS_ENDPOINTS: usize = 6;

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let home = match cx.home().await {
        Ok(page) => page.url.clone(),
        Err(_) => cx.target.url.clone(),
    };
    // Credentialed endpoints first: a permissive CORS policy hurts most where there is a session.
    let mut endpoints: Vec<&Endpoint> = cx.target.endpoints.iter().collect();
    endpoints.sort_by_key(|e| match (e.access, e.kind) {
        (Access::Admin, _) => 0,
        (Access::Authenticated, _) => 1,
        (_, EndpointKind::Login) | (_, EndpointKind::Chat) => 2,
        (_, EndpointKind::Other) => 3,
        (_, EndpointKind::Health) => 4,
    });
    let mut probes: Vec<(Url, Option<Access>)> = vec![(home, None)];
    for endpoint in endpoints.into_iter().take(CORS_ENDPOINTS) {
        let url = cx.endpoint_url(&endpoint.path);
        if !probes.iter().any(|(u, _)| *u == url) {
            probes.push((url, Some(endpoint.access)));
        }
    }
    let requests = probes.iter().map(|(url, _)| cx.send(Request::get(url.clone()).header("origin", PROBE_ORIGIN)));
    let answers = futures::future::join_all(requests).await;

    let mut evidence = Vec::new();
    let mut reflected_with_credentials = Vec::new();
    let mut reflected = Vec::new();
    let mut wildcard_with_credentials = Vec::new();
    let mut answered = 0;
    for ((url, access), answer) in probes.iter().zip(answers) {
        let r = match answer {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("GET {url} with Origin: {PROBE_ORIGIN}: {e}"));
                continue;
            }
        };
        answered += 1;
        let allow = r.header("access-control-allow-origin").map(str::trim);
        let credentials = r.header("access-control-allow-credentials").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let mut line = format!(
            "GET {url} with Origin: {PROBE_ORIGIN} → {}, Access-Control-Allow-Origin: {}, Access-Control-Allow-Credentials: {}",
            r.status,
            allow.unwrap_or("none"),
            header_or_none(&r, "access-control-allow-credentials")
        );
        let path = url.path().to_owned();
        match allow {
            Some(a) if a.eq_ignore_ascii_case(PROBE_ORIGIN) && credentials => reflected_with_credentials.push(path),
            Some(a) if a.eq_ignore_ascii_case(PROBE_ORIGIN) => {
                line.push_str(" (reflected without credentials: browsers share only what an anonymous caller gets, as with *)");
                reflected.push(path);
            }
            Some("*") if credentials => wildcard_with_credentials.push(path),
            Some("*") if matches!(access, Some(Access::Authenticated | Access::Admin)) => {
                line.push_str(" (a wildcard without credentials only shares what an anonymous caller gets)");
            }
            _ => {}
        }
        evidence.push(line);
    }
    let mut problems = Vec::new();
    if !reflected_with_credentials.is_empty() {
        problems.push(format!(
            "{} reflect(s) any Origin with credentials allowed: any website can read them with the visitor's session",
            reflected_with_credentials.join(", ")
        ));
    }
    if !wildcard_with_credentials.is_empty() {
        problems.push(format!(
            "{} combine(s) a wildcard origin with Allow-Credentials: true (browsers refuse it; the layer that emits it is likely to reflect origins elsewhere)",
            wildcard_with_credentials.join(", ")
        ));
    }
    if answered == 0 {
        Outcome::error("no CORS probe got an answer").evidence_lines(evidence)
    } else if problems.is_empty() {
        let note = if reflected.is_empty() { String::new() } else { format!(" ({} reflect it without credentials)", reflected.join(", ")) };
        Outcome::pass(format!("an unknown Origin is not trusted with credentials on the {answered} URL(s) probed{note}"))
            .evidence_lines(evidence)
    } else {
        Outcome::fail(problems.join("; ")).evidence_lines(evidence)
    }
}
