//! The headers checks: the security headers of the main page (CSP, framing, nosniff,
//! Referrer-Policy, Permissions-Policy), its cookies, what its server headers disclose, and
//! whether the declared private endpoints can land in a shared cache.

use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::{ChainEnd, Request, Response};
use crate::redact::redact;
use crate::registry::Registry;
use content_security_policy::{CheckResult, CspList, Element, InlineCheckType, Policy, PolicyDisposition, PolicySource};
use domain::product::Access;
use regex::Regex;
use scraper::{Html, Selector};
use std::sync::{Arc, LazyLock};

pub(super) fn register(r: &mut Registry) {
    r.add("headers.csp", |cx| Box::pin(csp(cx)));
    r.add("headers.frame_ancestors", |cx| Box::pin(frame_ancestors(cx)));
    r.add("headers.content_type_options", |cx| Box::pin(content_type_options(cx)));
    r.add("headers.referrer_policy", |cx| Box::pin(referrer_policy(cx)));
    r.add("headers.permissions_policy", |cx| Box::pin(permissions_policy(cx)));
    r.add("headers.cookies", |cx| Box::pin(cookies(cx)));
    r.add("headers.server_disclosure", |cx| Box::pin(server_disclosure(cx)));
    r.add("headers.cache_private", |cx| Box::pin(cache_private(cx)));
}

/// The main page, or the outcome that says why it could not be read.
async fn home(cx: &AuditContext) -> Result<Arc<Response>, Outcome> {
    cx.home().await.map_err(Outcome::error)
}

fn header_line(page: &Response, name: &str) -> String {
    let values = page.header_all(name);
    if values.is_empty() {
        format!("{} ({}): no {name} header", page.url, page.status)
    } else {
        values.iter().map(|v| format!("{}: {name}: {v}", page.url)).collect::<Vec<_>>().join(" | ")
    }
}

/// The enforced policies sent as headers; several headers (or comma-joined policies) all apply.
fn enforced_csp(page: &Response) -> CspList {
    let mut list = CspList(Vec::new());
    for value in page.header_all("content-security-policy") {
        list.append(CspList::parse(value, PolicySource::Header, PolicyDisposition::Enforce));
    }
    list
}

/// The `content` of `<meta name=...>` or `<meta http-equiv=...>` in the page's HTML.
fn meta_content(page: &Response, attr: &str, name: &str) -> Option<String> {
    static META: LazyLock<Selector> = LazyLock::new(|| Selector::parse("meta[content]").expect("constant selector"));
    let content_type = page.header("content-type").unwrap_or_default().to_ascii_lowercase();
    if !content_type.is_empty() && !content_type.contains("html") {
        return None;
    }
    let document = Html::parse_document(&page.text());
    let found = document
        .select(&META)
        .find(|m| m.value().attr(attr).is_some_and(|v| v.trim().eq_ignore_ascii_case(name)))
        .and_then(|m| m.value().attr("content").map(str::to_owned));
    found
}

/// The directive that governs `<script>` elements in one policy (CSP3 fallback order).
fn script_directive(policy: &Policy) -> Option<&content_security_policy::Directive> {
    ["script-src-elem", "script-src", "default-src"].iter().find_map(|name| policy.directive_set.iter().find(|d| d.name == *name))
}

async fn csp(cx: &AuditContext) -> Outcome {
    let page = match home(cx).await {
        Ok(page) => page,
        Err(outcome) => return outcome,
    };
    let list = enforced_csp(&page);
    if page.header_all("content-security-policy").is_empty() {
        let report_only = page.header_all("content-security-policy-report-only");
        if !report_only.is_empty() {
            return Outcome::fail("only Content-Security-Policy-Report-Only is sent: violations are reported but nothing is blocked, so injected scripts still run")
                .evidence(header_line(&page, "content-security-policy-report-only"));
        }
        if let Some(meta) = meta_content(&page, "http-equiv", "content-security-policy") {
            return Outcome::fail("the CSP is set only in a <meta> tag: send it as a header, so it applies before the page is parsed and can also set frame-ancestors")
                .evidence(format!("{}: <meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\">", page.url));
        }
        return Outcome::fail("no Content-Security-Policy header: any script an attacker injects runs with the visitor's session")
            .evidence(header_line(&page, "content-security-policy"));
    }
    let evidence = header_line(&page, "content-security-policy");
    if list.0.is_empty() {
        return Outcome::fail("the Content-Security-Policy header has no directives, so it restricts nothing").evidence(evidence);
    }
    let scripts: Vec<_> = list.0.iter().filter_map(script_directive).collect();
    if scripts.is_empty() {
        return Outcome::fail("the CSP has neither script-src nor default-src, so scripts from anywhere (and inline) run")
            .evidence(evidence);
    }
    // The crate runs the browser's inline check: 'unsafe-inline' counts only when no nonce,
    // hash or 'strict-dynamic' is present, and several policies must all allow.
    let inline = list.should_elements_inline_type_behavior_be_blocked(&Element { nonce: None }, InlineCheckType::Script, "");
    if inline.0 == CheckResult::Allowed {
        return Outcome::fail("the CSP allows inline scripts ('unsafe-inline' without a nonce or hash), so injected <script> tags run")
            .evidence(evidence);
    }
    // A bare `*` lets scripts load from any host; 'strict-dynamic' makes CSP3 browsers ignore it.
    let any_host =
        |d: &&content_security_policy::Directive| d.value.iter().any(|t| t == "*") && !d.value.iter().any(|t| t == "'strict-dynamic'");
    let restricting = list.0.iter().filter_map(script_directive).filter(|d| !any_host(d)).count();
    if restricting == 0 {
        let names: Vec<&str> = scripts.iter().map(|d| d.name.as_str()).collect();
        return Outcome::fail(format!(
            "{} allows scripts from any host (bare *), so an attacker's script on any site can be loaded",
            names.join(", ")
        ))
        .evidence(evidence);
    }
    Outcome::pass("the CSP blocks inline scripts without a nonce or hash and restricts where scripts load from").evidence(evidence)
}

/// `frame-ancestors` values that let every site frame the page.
fn frames_anywhere(values: &[String]) -> bool {
    values.iter().any(|v| matches!(v.to_ascii_lowercase().as_str(), "*" | "https:" | "http:" | "https://*" | "http://*"))
}

async fn frame_ancestors(cx: &AuditContext) -> Outcome {
    let page = match home(cx).await {
        Ok(page) => page,
        Err(outcome) => return outcome,
    };
    let list = enforced_csp(&page);
    let directives: Vec<_> = list.0.iter().filter_map(|p| p.directive_set.iter().find(|d| d.name == "frame-ancestors")).collect();
    let evidence = vec![header_line(&page, "content-security-policy"), header_line(&page, "x-frame-options")];
    if !directives.is_empty() {
        // Browsers that know frame-ancestors ignore X-Frame-Options whenever it is present.
        return if directives.iter().any(|d| !frames_anywhere(&d.value)) {
            let d = directives.iter().find(|d| !frames_anywhere(&d.value)).map(|d| d.to_string()).unwrap_or_default();
            Outcome::pass(format!("CSP {d} restricts who may frame the page")).evidence_lines(evidence)
        } else {
            Outcome::fail(
                "CSP frame-ancestors allows any site to frame the page (and overrides X-Frame-Options), so clickjacking is possible",
            )
            .evidence_lines(evidence)
        };
    }
    // Browsers accept several X-Frame-Options values only when they all agree.
    let mut values: Vec<String> = page
        .header_all("x-frame-options")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_uppercase())
        .filter(|v| !v.is_empty())
        .collect();
    values.sort();
    values.dedup();
    match values.as_slice() {
        [] => Outcome::fail("neither X-Frame-Options nor CSP frame-ancestors is sent: any site can frame the page for clickjacking")
            .evidence_lines(evidence),
        [v] if v == "DENY" || v == "SAMEORIGIN" => {
            Outcome::pass(format!("X-Frame-Options: {v} restricts framing")).evidence_lines(evidence)
        }
        [v] if v.starts_with("ALLOW-FROM") => Outcome::fail(
            "X-Frame-Options ALLOW-FROM is ignored by current browsers, so any site can frame the page; use CSP frame-ancestors",
        )
        .evidence_lines(evidence),
        _ => Outcome::fail("X-Frame-Options has an invalid or conflicting value, which browsers ignore, so any site can frame the page")
            .evidence_lines(evidence),
    }
}

async fn content_type_options(cx: &AuditContext) -> Outcome {
    let page = match home(cx).await {
        Ok(page) => page,
        Err(outcome) => return outcome,
    };
    let evidence = header_line(&page, "x-content-type-options");
    // Fetch reads only the first comma-separated value.
    let first = page.header_all("x-content-type-options").first().and_then(|v| v.split(',').next()).map(|v| v.trim().to_owned());
    match first {
        Some(v) if v.eq_ignore_ascii_case("nosniff") => Outcome::pass("X-Content-Type-Options: nosniff is sent").evidence(evidence),
        Some(v) => {
            Outcome::fail(format!("X-Content-Type-Options is \"{v}\", not nosniff, so browsers may guess content types")).evidence(evidence)
        }
        None => Outcome::fail("no X-Content-Type-Options: nosniff: browsers may run a mistyped or uploaded file as script or style")
            .evidence(evidence),
    }
}

const SAFE_REFERRER: &[&str] =
    &["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "origin", "origin-when-cross-origin"];
const LEAKY_REFERRER: &[&str] = &["unsafe-url", "no-referrer-when-downgrade"];

/// The policy a browser applies: the last recognised token wins (Fetch's header parsing).
fn effective_referrer_policy(values: &[&str]) -> Option<String> {
    let legacy = |t: &str| match t {
        "never" => "no-referrer".to_owned(),
        "always" => "unsafe-url".to_owned(),
        "origin-when-crossorigin" => "origin-when-cross-origin".to_owned(),
        other => other.to_owned(),
    };
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| legacy(&t.trim().to_ascii_lowercase()))
        .rfind(|t| SAFE_REFERRER.contains(&t.as_str()) || LEAKY_REFERRER.contains(&t.as_str()))
}

async fn referrer_policy(cx: &AuditContext) -> Outcome {
    let page = match home(cx).await {
        Ok(page) => page,
        Err(outcome) => return outcome,
    };
    let mut evidence = vec![header_line(&page, "referrer-policy")];
    let mut policy = effective_referrer_policy(&page.header_all("referrer-policy"));
    if policy.is_none() {
        if let Some(meta) = meta_content(&page, "name", "referrer") {
            evidence.push(format!("{}: <meta name=\"referrer\" content=\"{meta}\">", page.url));
            policy = effective_referrer_policy(&[meta.as_str()]);
        }
    }
    match policy {
        Some(p) if LEAKY_REFERRER.contains(&p.as_str()) => {
            Outcome::fail(format!("Referrer-Policy {p} sends full URLs (paths, ids, tokens in query strings) to other sites")).evidence_lines(evidence)
        }
        Some(p) => Outcome::pass(format!("Referrer-Policy {p} keeps full URLs from other sites")).evidence_lines(evidence),
        // Current Chrome, Firefox and Safari default to strict-origin-when-cross-origin, so a
        // missing policy leaks nothing there; only older browsers fall back to
        // no-referrer-when-downgrade. That is a gap, not a leak today: warn.
        None => Outcome::warn(
            "no valid Referrer-Policy: current browsers default to strict-origin-when-cross-origin, older ones send full URLs to other sites; set it explicitly",
        )
        .evidence_lines(evidence),
    }
}

/// A Permissions-Policy is a structured-field dictionary; browsers drop the whole header when
/// a member does not parse (e.g. Feature-Policy syntax like `camera 'none'`).
fn malformed_permissions_members(value: &str) -> Vec<String> {
    static MEMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"^[a-z*][a-z0-9_.*-]*\s*=\s*(\*|self|\(\s*[^()]*\)|"[^"]*")\s*(;.*)?$"#).expect("constant regex"));
    value.split(',').map(str::trim).filter(|m| !m.is_empty() && !MEMBER.is_match(m)).map(str::to_owned).collect()
}

async fn permissions_policy(cx: &AuditContext) -> Outcome {
    let page = match home(cx).await {
        Ok(page) => page,
        Err(outcome) => return outcome,
    };
    let values = page.header_all("permissions-policy");
    let evidence = vec![header_line(&page, "permissions-policy")];
    if values.iter().all(|v| v.trim().is_empty()) {
        if !page.header_all("feature-policy").is_empty() {
            // Feature-Policy is the deprecated predecessor that some browsers still partly honour.
            return Outcome::warn("only the deprecated Feature-Policy is sent; current browsers read Permissions-Policy")
                .evidence_lines(evidence)
                .evidence(header_line(&page, "feature-policy"));
        }
        return Outcome::fail(
            "no Permissions-Policy: injected or embedded code may ask for camera, microphone, geolocation and other features",
        )
        .evidence_lines(evidence);
    }
    let malformed: Vec<String> = values.iter().flat_map(|v| malformed_permissions_members(v)).collect();
    if !malformed.is_empty() {
        return Outcome::fail(format!("the Permissions-Policy does not parse (at {}), so browsers ignore all of it", malformed.join(", ")))
            .evidence_lines(evidence);
    }
    Outcome::pass("a Permissions-Policy is sent").evidence_lines(evidence)
}

struct SetCookie {
    name: String,
    value: String,
    attributes: Vec<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<String>,
    deleted: bool,
}

/// The name, value and the attributes the check needs of one Set-Cookie line (RFC 6265 §5.2).
fn parse_set_cookie(line: &str) -> Option<SetCookie> {
    let mut parts = line.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name: name.to_owned(),
        value: value.trim().to_owned(),
        attributes: Vec::new(),
        secure: false,
        http_only: false,
        same_site: None,
        deleted: false,
    };
    for attribute in parts.map(str::trim).filter(|a| !a.is_empty()) {
        let (key, val) = attribute.split_once('=').map_or((attribute, ""), |(k, v)| (k.trim(), v.trim()));
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" if ["strict", "lax", "none"].contains(&val.to_ascii_lowercase().as_str()) => cookie.same_site = Some(val.to_owned()),
            "max-age" => cookie.deleted = val.parse::<i64>().is_ok_and(|age| age <= 0),
            _ => {}
        }
        cookie.attributes.push(attribute.to_owned());
    }
    Some(cookie)
}

/// Names that usually carry a session or credential. CSRF tokens are excluded: the
/// double-submit pattern needs scripts to read them.
fn session_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("csrf") || lower.contains("xsrf") {
        return false;
    }
    lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).any(|w| {
        matches!(w, "sid" | "jwt" | "logged" | "remember")
            || w.contains("sess")
            || (w.contains("auth") && !w.starts_with("author"))
            || w.ends_with("token")
            || w.starts_with("jwt")
    })
}

async fn cookies(cx: &AuditContext) -> Outcome {
    let chain = cx.chain(&cx.target.url).await;
    let mut responses: Vec<Arc<Response>> = Vec::new();
    for hop in chain.hops.iter().filter(|h| h.url.scheme() == "https") {
        match &chain.end {
            ChainEnd::Done(last) if hop.location.is_none() => responses.push(last.clone()),
            // Redirect hops keep no headers in the chain; their Set-Cookie needs the response.
            _ => match cx.get(&hop.url).await {
                Ok(response) => responses.push(response),
                Err(e) => return Outcome::error(format!("{}: {e}", hop.url)),
            },
        }
    }
    if responses.is_empty() {
        return match &chain.end {
            ChainEnd::Done(page) => {
                Outcome::skipped(format!("the main page chain never reaches HTTPS ({}), so no cookie is set over HTTPS", page.url))
            }
            _ => Outcome::error(format!("the main page could not be read: {}", chain.describe().join("; "))),
        };
    }
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut seen = 0;
    for response in &responses {
        for line in response.header_all("set-cookie") {
            let Some(cookie) = parse_set_cookie(line) else { continue };
            seen += 1;
            let shown = std::iter::once(format!("{}={}", cookie.name, redact(&cookie.value)))
                .chain(cookie.attributes.iter().cloned())
                .collect::<Vec<_>>()
                .join("; ");
            evidence.push(format!("{}: Set-Cookie: {shown}", response.url));
            if cookie.deleted {
                continue;
            }
            let mut missing = Vec::new();
            if !cookie.secure {
                missing.push("Secure");
            }
            if session_like(&cookie.name) && !cookie.http_only {
                missing.push("HttpOnly");
            }
            if cookie.same_site.is_none() {
                missing.push("SameSite");
            }
            if !missing.is_empty() {
                problems.push(format!("{} lacks {}", cookie.name, missing.join(", ")));
            }
        }
    }
    if seen == 0 {
        return Outcome::pass("the main page sets no cookies over HTTPS")
            .evidence_lines(responses.iter().map(|r| format!("{} ({}): no Set-Cookie", r.url, r.status)));
    }
    if problems.is_empty() {
        Outcome::pass(format!("all {seen} cookie(s) are Secure, have SameSite, and session cookies are HttpOnly")).evidence_lines(evidence)
    } else {
        Outcome::fail(format!(
            "unsafe cookie(s): {}; they can leak over HTTP, to scripts or ride along on cross-site requests",
            problems.join("; ")
        ))
        .evidence_lines(evidence)
    }
}

/// Headers whose whole job is naming the software, and a version inside them: `nginx/1.18.0`,
/// `PHP/8.1.2`, `4.0.30319`, but not `ECS (dcb/7F83)` or `cloudflare`.
const DISCLOSING_HEADERS: &[&str] = &["server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator"];
static VERSION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)/v?\d+(?:\.\d+)*\b|\bv?\d+(?:\.\d+)+\b").expect("constant regex"));

async fn server_disclosure(cx: &AuditContext) -> Outcome {
    let page = match home(cx).await {
        Ok(page) => page,
        Err(outcome) => return outcome,
    };
    let mut evidence = Vec::new();
    let mut versioned = Vec::new();
    for name in DISCLOSING_HEADERS {
        for value in page.header_all(name) {
            evidence.push(format!("{}: {name}: {value}", page.url));
            if let Some(m) = VERSION.find(value) {
                versioned.push(format!("{name}: {value} ({})", m.as_str().trim_start_matches('/')));
            }
        }
    }
    if !versioned.is_empty() {
        return Outcome::fail(format!(
            "version numbers are disclosed ({}): attackers can look up known vulnerabilities",
            versioned.join("; ")
        ))
        .evidence_lines(evidence);
    }
    if evidence.is_empty() {
        return Outcome::pass("no Server or X-Powered-By header is sent")
            .evidence(format!("{} ({}): no Server or X-Powered-By", page.url, page.status));
    }
    Outcome::pass("Server and X-Powered-By name no versions").evidence_lines(evidence)
}

/// How shared caches may treat one response (RFC 9111 §5.2.2).
enum Caching {
    /// `no-store` or `private`: shared caches keep nothing.
    Private,
    /// Stored by shared caches (the reason).
    Shared(String),
    /// Not cacheable for a positive time, but nothing forbids storing it either.
    Unstated(String),
}

fn shared_cacheability(response: &Response) -> Caching {
    let values = response.header_all("cache-control");
    if values.is_empty() {
        return Caching::Unstated("no Cache-Control header".into());
    }
    let mut directives = std::collections::HashMap::new();
    for directive in values.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|d| !d.is_empty()) {
        let (name, value) = directive.split_once('=').map_or((directive, ""), |(n, v)| (n.trim(), v.trim().trim_matches('"')));
        directives.insert(name.to_ascii_lowercase(), value.to_owned());
    }
    let seconds = |name: &str| directives.get(name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    if directives.contains_key("no-store") || directives.contains_key("private") {
        Caching::Private
    } else if directives.contains_key("public") {
        Caching::Shared("Cache-Control public lets shared caches store it even for requests with credentials".into())
    } else if seconds("s-maxage") > 0 {
        Caching::Shared(format!("s-maxage={} lets shared caches store it", seconds("s-maxage")))
    } else if seconds("max-age") > 0 {
        Caching::Shared(format!("max-age={} without private or no-store lets shared caches store it", seconds("max-age")))
    } else {
        Caching::Unstated("neither private nor no-store".into())
    }
}

async fn cache_private(cx: &AuditContext) -> Outcome {
    let private: Vec<_> = cx.target.endpoints.iter().filter(|e| matches!(e.access, Access::Authenticated | Access::Admin)).collect();
    if private.is_empty() {
        return Outcome::skipped("no authenticated or admin endpoint declared (--endpoint '/api/me=authenticated')");
    }
    let auth = cx.target.auth_header.as_ref();
    let mut evidence = Vec::new();
    let mut shared = Vec::new();
    let mut unstated = Vec::new();
    let mut judged = 0;
    for endpoint in private {
        let url = cx.endpoint_url(&endpoint.path);
        let (response, with) = match auth {
            Some(h) => {
                (cx.send(Request::get(url.clone()).header(&h.name, h.expose())).await.map(Arc::new), format!(" with {}", h.redacted()))
            }
            None => (cx.get(&url).await, String::new()),
        };
        let response = match response {
            Ok(r) => r,
            Err(e) => return Outcome::error(format!("GET {url}: {e}")).evidence_lines(evidence),
        };
        let cache_control = response.header_all("cache-control").join(", ");
        let cache_control = if cache_control.is_empty() { "none".to_owned() } else { cache_control };
        let line = format!("GET {url}{with} → {}, Cache-Control: {cache_control}", response.status);
        // Only a successful answer is the private data; an error page reveals nothing when cached.
        if !(200..300).contains(&response.status) {
            evidence.push(format!("{line} (not judged: not the private response)"));
            continue;
        }
        judged += 1;
        evidence.push(line);
        match shared_cacheability(&response) {
            Caching::Private => {}
            Caching::Shared(why) => shared.push(format!("{}: {why}", endpoint.path)),
            Caching::Unstated(why) => unstated.push(format!("{}: {why}", endpoint.path)),
        }
    }
    if judged == 0 {
        let hint = if auth.is_none() { "give a credential (--auth-header) so" } else { "give a credential that can read them so" };
        return Outcome::skipped(format!(
            "no private endpoint returned its data, so its caching could not be judged; {hint} the real responses are checked"
        ))
        .evidence_lines(evidence);
    }
    if !shared.is_empty() {
        return Outcome::fail(format!(
            "private responses are publicly cacheable ({}): a CDN could serve one user's data to another",
            shared.join("; ")
        ))
        .evidence_lines(evidence);
    }
    if !unstated.is_empty() {
        // Nothing asks caches to store these, but a CDN rule that caches by default would.
        return Outcome::warn(format!(
            "private responses do not forbid shared caching ({}); send Cache-Control: private, no-store",
            unstated.join("; ")
        ))
        .evidence_lines(evidence);
    }
    Outcome::pass(format!("all {judged} private response(s) checked are private or no-store")).evidence_lines(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names() {
        for name in [
            "session",
            "connect.sid",
            "PHPSESSID",
            "JSESSIONID",
            "__Host-session",
            "next-auth.session-token",
            "auth_token",
            "jwt",
            "wordpress_logged_in_1",
        ] {
            assert!(session_like(name), "{name}");
        }
        for name in ["_ga", "theme", "XSRF-TOKEN", "csrftoken", "author_pref", "consent"] {
            assert!(!session_like(name), "{name}");
        }
    }

    #[test]
    fn set_cookie_attributes() {
        let c = parse_set_cookie("id=abc; Path=/; secure; HTTPONLY; SameSite=lax").unwrap();
        assert!(c.secure && c.http_only && c.same_site.as_deref() == Some("lax"));
        let c = parse_set_cookie("id=abc; SameSite=bogus").unwrap();
        assert!(!c.secure && c.same_site.is_none());
        assert!(parse_set_cookie("id=; Max-Age=0").unwrap().deleted);
        assert!(parse_set_cookie("novalue").is_none());
    }

    #[test]
    fn versions_in_server_headers() {
        for v in ["nginx/1.18.0", "PHP/8.1.2", "Apache/2.4.41 (Ubuntu)", "Microsoft-IIS/10.0", "4.0.30319", "Next.js 14.1"] {
            assert!(VERSION.is_match(v), "{v}");
        }
        for v in ["Express", "cloudflare", "ECS (dcb/7F83)", "nginx", "AmazonS3"] {
            assert!(!VERSION.is_match(v), "{v}");
        }
    }

    #[test]
    fn referrer_last_valid_token_wins() {
        assert_eq!(effective_referrer_policy(&["no-referrer, bogus-value"]).as_deref(), Some("no-referrer"));
        assert_eq!(effective_referrer_policy(&["strict-origin", "Unsafe-URL"]).as_deref(), Some("unsafe-url"));
        assert_eq!(effective_referrer_policy(&["bogus"]), None);
    }

    #[test]
    fn permissions_policy_syntax() {
        assert!(malformed_permissions_members("camera=(), microphone=(self \"https://a.test\"), geolocation=*").is_empty());
        assert_eq!(malformed_permissions_members("camera 'none'; microphone 'none'"), vec!["camera 'none'; microphone 'none'".to_owned()]);
    }
}
