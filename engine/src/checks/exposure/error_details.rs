//! `exposure.error_details` (medium): Errors reveal no stack traces. Passes when error pages and API errors carry no stack trace or framework debug page.

use super::common::{app_url, status_line};
use crate::context::AuditContext;
use crate::model::Outcome;
use crate::net::http::Request;
use domain::product::EndpointKind;
use regex::Regex;
use std::sync::LazyLock;

static DEBUG_SIGNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    let s = |label, regex: &str| (label, Regex::new(regex).expect("valid regex"));
    vec![
        s("Python traceback", r"Traceback \(most recent call last\)"),
        s("Werkzeug debugger", r"Werkzeug Debugger"),
        s("Django debug page", r"DEBUG\s*=\s*True"),
        s("Rust panic", r"panicked at |stack backtrace:"),
        s(
            "Node.js stack trace",
            r"\bat (?:Object\.<anonymous>|Module\._compile|Layer\.handle|process\.processTicksAndRejections)|\bat [\w$.<>\[\] ]{1,120} \((?:/|[A-Za-z]:\\|file://|node:)[^()\s]*:\d+:\d+\)",
        ),
        s("Spring Whitelabel error page", r"Whitelabel Error Page"),
        s("Java stack trace", r"Exception in thread |\.java:\d+\)"),
        s("Laravel debug page", r"Whoops[,!] (?:looks like something went wrong|There was an error)|Illuminate\\[A-Z]"),
        s("PHP error", r"(?:Fatal error|Parse error)(?:</b>)?: .{0,300} on line (?:<b>)?\d+|Stack trace:\s*(?:<br\s*/?>)?\s*#0 "),
        s("Rails exception page", r"Action Controller: Exception caught"),
        s("ASP.NET error page", r"Server Error in '[^']*' Application|--- End of (?:inner exception )?stack trace"),
        s("Go panic", r"goroutine \d+ \[running\]:"),
    ]
});

pub(super) fn debug_sign(text: &str) -> Option<(&'static str, String)> {
    DEBUG_SIGNS.iter().find_map(|(label, regex)| regex.find(text).map(|m| (*label, m.as_str().chars().take(100).collect())))
}

pub(super) async fn check(cx: &AuditContext) -> Outcome {
    let mut probes = vec![app_url(cx, &format!("/launchready-{:016x}-404", rand::random::<u64>())).await];
    // Login and chat endpoints are left alone: their GETs count against rate limits and spend
    // model tokens, and a passive check must not do either.
    let api = cx.target.endpoints.iter().find(|e| !matches!(e.kind, EndpointKind::Login | EndpointKind::Chat));
    let mut evidence = Vec::new();
    match api {
        Some(endpoint) => {
            let mut url = cx.endpoint_url(&endpoint.path);
            // Values that commonly break naive parsing: a quote, a negative page, a non-number.
            url.query_pairs_mut().append_pair("id", "'\"").append_pair("page", "-1").append_pair("limit", "NaN[]");
            probes.push(url);
        }
        None => evidence.push("no declared API endpoint other than login or chat: only the not-found page was checked".to_owned()),
    }
    let mut leaks = Vec::new();
    let mut answered = 0;
    for url in &probes {
        match cx.send(Request::get(url.clone())).await {
            Ok(response) => {
                answered += 1;
                match debug_sign(&response.text()) {
                    Some((label, excerpt)) => {
                        evidence.push(format!("{}: {label} (\"{excerpt}\")", status_line(url, &response)));
                        leaks.push(label);
                    }
                    None => evidence.push(format!("{}: no stack trace or debug page", status_line(url, &response))),
                }
            }
            Err(e) => evidence.push(format!("GET {url}: {e}")),
        }
    }
    if !leaks.is_empty() {
        leaks.dedup();
        Outcome::fail(format!("error responses show internals ({}): debug output reveals paths, versions and code", leaks.join(", ")))
            .evidence_lines(evidence)
    } else if answered == 0 {
        Outcome::error("no error probe got an answer").evidence_lines(evidence)
    } else {
        Outcome::pass(format!("{answered} error response(s) carry no stack trace or framework debug page")).evidence_lines(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn debug_pages() {
        assert_eq!(debug_sign("Traceback (most recent call last):\n  File \"app.py\"").unwrap().0, "Python traceback");
        assert_eq!(debug_sign("TypeError: x\n    at Object.<anonymous> (/app/index.js:3:9)").unwrap().0, "Node.js stack trace");
        assert_eq!(debug_sign("\tat com.acme.Foo.bar(Foo.java:42)").unwrap().0, "Java stack trace");
        assert!(debug_sign("<!doctype html><title>Not found</title><h1>Page not found</h1>").is_none());
        assert!(debug_sign(r#"{"error":"not found"}"#).is_none());
    }
}
