//! The api checks: the declared endpoints as an attacker meets them. Passive: health, CORS,
//! authentication of protected endpoints. Active (only with permission): a rate-limit burst,
//! an oversized body, malformed JSON and a cross-tenant read.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{FetchError, Request, Response};
use crate::redact::redact;
use crate::registry::Registry;
use domain::product::{Access, Endpoint, EndpointKind};
use http::Method;
use regex::{Regex, RegexSet};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::{Duration, Instant};
use url::Url;

pub(super) fn register(r: &mut Registry) {
    r.add("api.health", |cx| Box::pin(health(cx)));
    r.add("api.cors", |cx| Box::pin(cors(cx)));
    r.add("api.auth_required", |cx| Box::pin(auth_required(cx)));
    // The burst uses up the probed endpoints' quota on purpose: every other probe of them
    // must be done first, or it reads 429s and concludes nothing.
    r.add_exhausting("api.rate_limit", |cx| Box::pin(rate_limit(cx)));
    r.add("api.payload_limit", |cx| Box::pin(payload_limit(cx)));
    r.add("api.malformed_input", |cx| Box::pin(malformed_input(cx)));
    r.add("api.cross_tenant", |cx| Box::pin(cross_tenant(cx)));
}

/// The Origin the CORS probe claims: a name that can never be a real customer's.
pub const PROBE_ORIGIN: &str = "https://evil-launchready-probe.example";
/// The token the auth probe offers: well-formed, never valid.
pub const INVALID_TOKEN: &str = "launchready-invalid-token";
/// Truncated JSON, as a client cut off mid-request would send it.
pub const MALFORMED_JSON: &str = r#"{"email": "#;
/// Bigger than any sane JSON API needs and than the common framework defaults (1–2 MiB).
const OVERSIZED_BYTES: usize = 2 * 1024 * 1024;
/// The rate-limit burst per endpoint; the first 429 ends it.
const BURST_MAX: usize = 30;
/// Requests in flight at once during the burst: slow endpoints (an LLM behind chat) would
/// otherwise make 30 sequential requests outlast the audit.
const BURST_WAVE: usize = 5;

/// `401 ×7, 429 ×1`, in status order.
pub(super) fn histogram(statuses: &[u16]) -> String {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for s in statuses {
        *counts.entry(*s).or_default() += 1;
    }
    counts.iter().map(|(s, n)| format!("{s} ×{n}")).collect::<Vec<_>>().join(", ")
}

fn header_or_none<'a>(response: &'a Response, name: &str) -> &'a str {
    response.header(name).unwrap_or("none")
}

/// The first `max` characters of a body on one line, for evidence.
pub(super) fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line
    }
}

/// A JSON POST to a declared endpoint, with the declared credential when the endpoint is not
/// public (an anonymous request would stop at authentication and exercise nothing else).
/// A JSON POST to a declared endpoint, with the declared credential unless it is public.
pub(super) fn json_post(cx: &AuditContext, endpoint: &Endpoint, body: impl Into<bytes::Bytes>) -> Request {
    let mut request = Request::new(Method::POST, cx.endpoint_url(&endpoint.path))
        .header("content-type", "application/json")
        .header("accept", "application/json");
    if endpoint.access != Access::Public {
        if let Some(auth) = &cx.target.auth_header {
            request = request.header(&auth.name, auth.expose());
        }
    }
    request.body(body)
}

fn of_kind(cx: &AuditContext, kind: EndpointKind) -> impl Iterator<Item = &Endpoint> {
    cx.target.endpoints.iter().filter(move |e| e.kind == kind)
}

// ---------------------------------------------------------------------------------------------
// api.health

async fn health(cx: &AuditContext) -> Outcome {
    let declared: Vec<&Endpoint> = of_kind(cx, EndpointKind::Health).collect();
    if declared.is_empty() {
        return Outcome::skipped("no health endpoint declared (--endpoint '/healthz=public,health')");
    }
    let mut evidence = Vec::new();
    let mut down = Vec::new();
    for endpoint in declared {
        let url = cx.endpoint_url(&endpoint.path);
        match cx.get(&url).await {
            Ok(r) if r.status == 200 => evidence.push(format!("GET {url} → 200 in {} ms", r.elapsed.as_millis())),
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
        Outcome::pass("the health endpoint answers 200").evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "{}: load balancers and uptime monitors will take the service for down (or miss a real outage)",
            down.join("; ")
        ))
        .evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// api.cors

/// Home page plus this many declared endpoints: enough to catch a global CORS layer and the
/// per-route kind, without probing a 50-endpoint declaration one by one.
const CORS_ENDPOINTS: usize = 6;

async fn cors(cx: &AuditContext) -> Outcome {
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
            Some(a) if a.eq_ignore_ascii_case(PROBE_ORIGIN) => reflected.push(path),
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
    if !reflected.is_empty() {
        problems.push(format!("{} reflect(s) any Origin: any website can read their responses", reflected.join(", ")));
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
        Outcome::pass(format!("an unknown Origin is not trusted on the {answered} URL(s) probed")).evidence_lines(evidence)
    } else {
        Outcome::fail(problems.join("; ")).evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// api.auth_required

/// Where a refused visitor is sent: a login or identity page, not the resource itself.
static LOGIN_LOCATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(log-?in|sign-?in|sign_in|/auth\b|/auth/|sso|oauth|/session|/account)").expect("valid regex"));

/// Enough to cover every declared endpoint of a typical product, bounded for large ones.
const AUTH_ENDPOINTS: usize = 12;

/// What an endpoint gave a caller without a valid credential.
enum Gate {
    Refused,
    /// 404: refused, or the path does not exist; settled with the declared credential.
    NotFound,
    Served(u16),
    Unclear(u16),
}

fn is_login_redirect(response: &Response) -> bool {
    response.is_redirect() && response.location().is_some_and(|l| LOGIN_LOCATION.is_match(&l[url::Position::BeforePath..]))
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

/// GET `url` with `credential` (none: the shared anonymous GET), following at most three
/// same-host redirects that do not lead to a login page, so `/api/me` → `/api/me/` is judged
/// on what `/api/me/` serves.
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

async fn auth_required(cx: &AuditContext) -> Outcome {
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

// ---------------------------------------------------------------------------------------------
// api.rate_limit

fn burst_body(kind: EndpointKind) -> &'static str {
    match kind {
        EndpointKind::Login => r#"{"email":"launchready-probe@example.invalid","password":"launchready-wrong-password"}"#,
        _ => r#"{"message":"hi"}"#,
    }
}

enum Burst {
    Limited { after: usize, statuses: Vec<u16>, retry_after: Option<String> },
    Unlimited { statuses: Vec<u16> },
    Inconclusive { why: String, statuses: Vec<u16> },
}

async fn burst(cx: &AuditContext, endpoint: &Endpoint, time_left: Duration) -> Burst {
    let started = Instant::now();
    let mut statuses = Vec::new();
    let mut failures = Vec::new();
    while statuses.len() + failures.len() < BURST_MAX {
        if started.elapsed() > time_left {
            return Burst::Inconclusive {
                why: format!("stopped after {} requests: out of time", statuses.len() + failures.len()),
                statuses,
            };
        }
        let wave = BURST_WAVE.min(BURST_MAX - statuses.len() - failures.len());
        let sent_before = statuses.len() + failures.len();
        let answers = futures::future::join_all((0..wave).map(|_| cx.send(json_post(cx, endpoint, burst_body(endpoint.kind))))).await;
        for (i, answer) in answers.into_iter().enumerate() {
            match answer {
                Ok(r) if r.status == 429 => {
                    statuses.push(429);
                    let retry_after = r.header("retry-after").map(str::to_owned);
                    return Burst::Limited { after: sent_before + i + 1, statuses, retry_after };
                }
                Ok(r) => statuses.push(r.status),
                Err(FetchError::BudgetExhausted(n)) => {
                    return Burst::Inconclusive { why: format!("the audit's request budget ({n}) ran out"), statuses };
                }
                Err(e) => failures.push(e.to_string()),
            }
        }
        // A limiter that drops connections instead of answering 429 cannot be told apart
        // from an endpoint falling over; either way the burst has shown what it can.
        if failures.len() >= 3 {
            return Burst::Inconclusive { why: format!("{} requests failed ({})", failures.len(), failures[0]), statuses };
        }
    }
    let refused_all = !statuses.is_empty() && statuses.iter().all(|s| matches!(s, 401 | 403));
    if refused_all && endpoint.kind != EndpointKind::Login && endpoint.access != Access::Public && cx.target.auth_header.is_none() {
        return Burst::Inconclusive {
            why:
                "every request was refused as unauthenticated, so the limiter behind authentication was not reached (declare --auth-header)"
                    .into(),
            statuses,
        };
    }
    if statuses.is_empty() {
        return Burst::Inconclusive {
            why: format!("no request got an answer ({})", failures.first().cloned().unwrap_or_default()),
            statuses,
        };
    }
    Burst::Unlimited { statuses }
}

async fn rate_limit(cx: &AuditContext) -> Outcome {
    // One endpoint of each kind: a burst per endpoint is 30 requests of the audit's budget.
    let mut targets: Vec<&Endpoint> = Vec::new();
    targets.extend(of_kind(cx, EndpointKind::Login).next());
    targets.extend(of_kind(cx, EndpointKind::Chat).next());
    if targets.is_empty() {
        return Outcome::skipped("no login or chat endpoint declared (--endpoint '/api/login=public,login' or '/api/chat=public,chat')");
    }
    let mut evidence = Vec::new();
    let skipped: Vec<&str> = cx
        .target
        .endpoints
        .iter()
        .filter(|e| matches!(e.kind, EndpointKind::Login | EndpointKind::Chat) && !targets.iter().any(|t| t.path == e.path))
        .map(|e| e.path.as_str())
        .collect();
    if !skipped.is_empty() {
        evidence.push(format!("not probed (one endpoint of each kind): {}", skipped.join(", ")));
    }

    let time_left = cx.options.deadline / 3;
    let mut limited = Vec::new();
    let mut unlimited = Vec::new();
    let mut inconclusive = Vec::new();
    for endpoint in targets {
        let url = cx.endpoint_url(&endpoint.path);
        match burst(cx, endpoint, time_left).await {
            Burst::Limited { after, statuses, retry_after } => {
                let retry = retry_after.map(|r| format!(", Retry-After: {r}")).unwrap_or_default();
                evidence.push(format!(
                    "POST {url} ×{}: {} (first 429 at request {after} of the burst{retry})",
                    statuses.len(),
                    histogram(&statuses)
                ));
                limited.push(format!("{} answered 429 after {after} requests", endpoint.path));
            }
            Burst::Unlimited { statuses } => {
                evidence.push(format!("POST {url} ×{}: {}", statuses.len(), histogram(&statuses)));
                unlimited.push(format!("{} answered {} requests without a 429", endpoint.path, statuses.len()));
            }
            Burst::Inconclusive { why, statuses } => {
                evidence.push(format!("POST {url} ×{}: {} — {why}", statuses.len(), histogram(&statuses)));
                inconclusive.push(format!("{}: {why}", endpoint.path));
            }
        }
    }
    if !unlimited.is_empty() {
        Outcome::fail(format!(
            "no rate limit within a burst of {BURST_MAX}: {} (passwords can be brute-forced, an AI bill run up)",
            unlimited.join("; ")
        ))
        .evidence_lines(evidence)
    } else if !inconclusive.is_empty() {
        Outcome::error(format!("the burst was not conclusive: {}", inconclusive.join("; "))).evidence_lines(evidence)
    } else {
        Outcome::pass(format!("{}: password guessing and model spending are capped", limited.join("; "))).evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// api.payload_limit and api.malformed_input

/// Public endpoints that take a body, login and chat first: a body sent anonymously to a
/// protected endpoint stops at authentication and would exercise nothing.
fn body_endpoints(cx: &AuditContext, max: usize) -> Vec<&Endpoint> {
    let mut endpoints: Vec<&Endpoint> =
        cx.target.endpoints.iter().filter(|e| e.access == Access::Public && e.kind != EndpointKind::Health).collect();
    endpoints.sort_by_key(|e| match e.kind {
        EndpointKind::Login => 0,
        EndpointKind::Chat => 1,
        _ => 2,
    });
    endpoints.truncate(max);
    endpoints
}

/// Statuses that say nothing about how the body was handled: the request was turned away
/// before its body mattered (rate limit, wrong method, unknown path).
fn turned_away(status: u16) -> Option<&'static str> {
    match status {
        429 => Some("rate limited before the body was judged"),
        405 => Some("the endpoint does not take POST"),
        404 => Some("the path does not exist"),
        _ => None,
    }
}

async fn payload_limit(cx: &AuditContext) -> Outcome {
    let endpoints = body_endpoints(cx, 3);
    if endpoints.is_empty() {
        return Outcome::skipped("no public endpoint that takes a body declared (--endpoint '/api/login=public,login')");
    }
    // Valid JSON, so a refusal can only be about the size.
    let filler = "a".repeat(OVERSIZED_BYTES);
    let body = bytes::Bytes::from(format!(r#"{{"message":"{filler}"}}"#));
    let size = format!("{} MiB", OVERSIZED_BYTES / (1024 * 1024));
    let mut evidence = Vec::new();
    let mut refused = Vec::new();
    let mut failed = Vec::new();
    let mut inconclusive = Vec::new();
    for endpoint in endpoints {
        let url = cx.endpoint_url(&endpoint.path);
        match cx.send(json_post(cx, endpoint, body.clone())).await {
            Ok(r) => {
                evidence.push(format!("POST {url} with a {size} JSON body → {} in {} ms", r.status, r.elapsed.as_millis()));
                match r.status {
                    413 | 400 => refused.push(format!("{} refused it with {}", endpoint.path, r.status)),
                    s if s >= 500 => {
                        failed.push(format!("{} answered {s}: the server choked on the body instead of refusing it", endpoint.path))
                    }
                    s => match turned_away(s) {
                        Some(why) => inconclusive.push(format!("{} answered {s} ({why})", endpoint.path)),
                        None => failed.push(format!(
                            "{} read and processed it (answered {s}): nothing stops a client sending far more",
                            endpoint.path
                        )),
                    },
                }
            }
            Err(e @ FetchError::BudgetExhausted(_)) => inconclusive.push(format!("{}: {e}", endpoint.path)),
            // A server that answers 413 and closes at once can race the upload; the client then
            // sees the close before the answer. Either way the body was not taken.
            Err(e @ FetchError::ClosedEarly(_)) => {
                evidence.push(format!("POST {url} with a {size} JSON body: {e}"));
                refused.push(format!("{} cut the upload off", endpoint.path));
            }
            Err(e) => {
                evidence.push(format!("POST {url} with a {size} JSON body: {}", e));
                failed.push(format!("{} gave no answer ({}): the server stalls or drops the connection on big bodies", endpoint.path, e));
            }
        }
    }
    if !failed.is_empty() {
        Outcome::fail(format!("a {size} body is not refused cleanly: {}", failed.join("; "))).evidence_lines(evidence)
    } else if refused.is_empty() {
        Outcome::error(format!("no endpoint judged the body: {}", inconclusive.join("; "))).evidence_lines(evidence)
    } else {
        let mut summary = format!("a {size} body is refused quickly: {}", refused.join("; "));
        if !inconclusive.is_empty() {
            summary.push_str(&format!(" (not judged: {})", inconclusive.join("; ")));
        }
        Outcome::pass(summary).evidence_lines(evidence)
    }
}

/// What gives internals away in an error body: stack frames, source paths with line numbers,
/// exception class names, database errors.
static INTERNALS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)stack ?backtrace|stack ?trace|panicked at",
        r"Traceback \(most recent call last\)",
        r#"File "[^"]+", line \d+"#,
        r"\bat [\w$.<>\[\]]+ ?\([^)\n]*:\d+(:\d+)?\)",
        r"(?m)^\s*at [^\n]+:\d+:\d+",
        r"\b[\w./-]+\.(rs|py|js|mjs|ts|go|java|kt|rb|php|cs|ex|exs):\d+",
        r"\b(java|javax|jakarta|org\.springframework|System)\.[\w.]+(Exception|Error)\b",
        r"\b\w+(Exception|Error): .+\n\s+at ",
        r"(?i)exception in thread|unhandled exception|NullPointerException|NoMethodError",
        r"node_modules/",
        r"SQLSTATE|ORA-\d{5}|PG::\w+|psycopg2\.|SQLITE_ERROR|syntax error at or near",
        r"(?i)on line <b>\d+</b>|Fatal error: ",
    ])
    .expect("valid regexes")
});

/// The line of `text` that gives internals away, shortened, or None.
fn internals_line(text: &str) -> Option<String> {
    if !INTERNALS.is_match(text) {
        return None;
    }
    // Show the first matching line; multi-line patterns fall back to the start of the body.
    let line = text.lines().find(|l| INTERNALS.is_match(l)).unwrap_or(text);
    Some(excerpt(line, 120))
}

async fn malformed_input(cx: &AuditContext) -> Outcome {
    let mut endpoints: Vec<&Endpoint> =
        cx.target.endpoints.iter().filter(|e| matches!(e.kind, EndpointKind::Login | EndpointKind::Chat)).take(3).collect();
    if endpoints.is_empty() {
        endpoints = body_endpoints(cx, 2);
    }
    if endpoints.is_empty() {
        return Outcome::skipped("no endpoint that takes a body declared (--endpoint '/api/login=public,login')");
    }
    let mut evidence = Vec::new();
    let mut clean = Vec::new();
    let mut failed = Vec::new();
    let mut lenient = Vec::new();
    let mut inconclusive = Vec::new();
    for endpoint in endpoints {
        let url = cx.endpoint_url(&endpoint.path);
        let r = match cx.send(json_post(cx, endpoint, MALFORMED_JSON)).await {
            Ok(r) => r,
            Err(e) => {
                evidence.push(format!("POST {url} with truncated JSON {MALFORMED_JSON:?}: {}", e));
                inconclusive.push(format!("{}: {}", endpoint.path, e));
                continue;
            }
        };
        let text = r.text();
        // Debug pages often echo the request's headers back: never quote the credential.
        let quoted = match &cx.target.auth_header {
            Some(auth) => text.replace(auth.expose(), &redact(auth.expose())),
            None => text.to_string(),
        };
        evidence.push(format!("POST {url} with truncated JSON {MALFORMED_JSON:?} → {}: {}", r.status, excerpt(&quoted, 120)));
        if let Some(line) = internals_line(&text) {
            failed.push(format!("{} answered {} with internals ({line})", endpoint.path, r.status));
        } else if r.status >= 500 {
            failed.push(format!("{} answered {}: the parser's failure reaches the user as a server error", endpoint.path, r.status));
        } else if let Some(why) = turned_away(r.status) {
            inconclusive.push(format!("{} answered {} ({why})", endpoint.path, r.status));
        } else if (400..500).contains(&r.status) {
            clean.push(format!("{} answered {}", endpoint.path, r.status));
        } else {
            lenient.push(format!("{} answered {} to invalid JSON", endpoint.path, r.status));
        }
    }
    if !failed.is_empty() {
        Outcome::fail(format!("malformed JSON is not handled cleanly: {}", failed.join("; "))).evidence_lines(evidence)
    } else if !lenient.is_empty() {
        Outcome::warn(format!("invalid JSON is accepted instead of refused with a 4xx, so input is not validated: {}", lenient.join("; ")))
            .evidence_lines(evidence)
    } else if clean.is_empty() {
        Outcome::error(format!("no endpoint judged the body: {}", inconclusive.join("; "))).evidence_lines(evidence)
    } else {
        Outcome::pass(format!("malformed JSON gets a clean 4xx: {}", clean.join("; "))).evidence_lines(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// api.cross_tenant

async fn cross_tenant(cx: &AuditContext) -> Outcome {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_stack_traces_not_plain_errors() {
        assert!(internals_line("thread 'main' panicked at src/handlers/login.rs:42:17:\nboom").is_some());
        assert!(internals_line("Traceback (most recent call last):\n  File \"/app/x.py\", line 3").is_some());
        assert!(internals_line("SyntaxError: Unexpected end of JSON input\n    at JSON.parse (<anonymous>)\n    at /app/server.js:12:5")
            .is_some());
        assert!(internals_line(r#"{"error":"the body must be valid JSON"}"#).is_none());
        assert!(internals_line("Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 10").is_none());
    }

    #[test]
    fn histogram_counts_in_order() {
        assert_eq!(histogram(&[401, 401, 429]), "401 ×2, 429 ×1");
    }

    #[test]
    fn login_locations() {
        for l in ["/login?next=/api/me", "/auth/signin", "/users/sign_in", "/sso/start"] {
            assert!(LOGIN_LOCATION.is_match(l), "{l}");
        }
        assert!(!LOGIN_LOCATION.is_match("/api/me/"));
    }
}
