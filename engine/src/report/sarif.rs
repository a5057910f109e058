//! SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, Azure DevOps): one
//! run, every check as a rule, a result for each fail and warn, located at the target URL.

use crate::model::{Finding, Scorecard, Severity, Status};
use serde_json::{json, Map, Value};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub code scanning ranks security rules by this score (CVSS-like, as a string).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn default_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
    }
}

/// fail of a critical/high check → error, other fails → warning, warn → note.
pub fn level(finding: &Finding) -> Option<&'static str> {
    match finding.status {
        Status::Fail => Some(default_level(finding.severity)),
        Status::Warn => Some("note"),
        Status::Pass | Status::Error | Status::Skipped => None,
    }
}

fn rule(finding: &Finding) -> Value {
    let mut rule = Map::new();
    rule.insert("id".into(), json!(finding.id));
    rule.insert("shortDescription".into(), json!({ "text": finding.title }));
    rule.insert("fullDescription".into(), json!({ "text": finding.why }));
    rule.insert("help".into(), json!({ "text": finding.fix, "markdown": finding.fix }));
    if let Some(uri) = finding.references.first() {
        rule.insert("helpUri".into(), json!(uri));
    }
    rule.insert("defaultConfiguration".into(), json!({ "level": default_level(finding.severity) }));
    rule.insert(
        "properties".into(),
        json!({
            "tags": ["security", "launch-readiness", finding.category.as_str()],
            "severity": finding.severity.as_str(),
            "security-severity": security_severity(finding.severity),
            "precision": "high",
            "category": finding.category.label(),
        }),
    );
    Value::Object(rule)
}

fn message(finding: &Finding) -> String {
    let mut text = finding.summary.clone();
    for line in &finding.evidence {
        text.push('\n');
        text.push_str(line);
    }
    text
}

pub fn document(card: &Scorecard) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut index_of: Vec<(&str, usize)> = Vec::new();
    for finding in &card.checks {
        if !index_of.iter().any(|(id, _)| *id == finding.id) {
            index_of.push((&finding.id, rules.len()));
            rules.push(rule(finding));
        }
    }
    let results: Vec<Value> = super::layout::by_status_then_severity(&card.checks)
        .into_iter()
        .filter_map(|finding| {
            let level = level(finding)?;
            let rule_index = index_of.iter().find(|(id, _)| *id == finding.id).map(|(_, i)| *i).expect("every finding has a rule");
            Some(json!({
                "ruleId": finding.id,
                "ruleIndex": rule_index,
                "level": level,
                "kind": "fail",
                "message": { "text": message(finding) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": card.target } },
                    "message": { "text": finding.title },
                }],
                "partialFingerprints": { "launchready/v1": format!("{}|{}", finding.id, card.target) },
                "properties": {
                    "status": finding.status.as_str(),
                    "severity": finding.severity.as_str(),
                    "points": finding.points,
                },
            }))
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "launchready",
                    "version": card.engine_version,
                    "semanticVersion": card.engine_version,
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "startTimeUtc": card.started_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                // What could not be checked, one notification per cause (SARIF §3.20.21).
                "toolExecutionNotifications": notifications(card),
            }],
            "automationDetails": { "id": format!("launchready/{}/", card.target) },
            "results": results,
            "properties": {
                "target": card.target,
                "score": card.score,
                "grade": card.grade,
                "decision": card.decision,
                "decisionReason": card.decision_reason,
                "rubricVersion": card.rubric_version,
                "coverage": card.coverage,
                "coverageText": card.coverage.sentence(),
            },
        }]
    })
}

/// One notification per cause that kept checks from running, and one per check that could
/// not run for a reason of its own: code-scanning tools show them as the run's problems, not
/// as findings about the site.
fn notifications(card: &Scorecard) -> Vec<Value> {
    let mut list: Vec<Value> = card
        .causes
        .iter()
        .map(|cause| {
            json!({
                "level": "error",
                "message": { "text": format!("{} ({} checks): {}", cause.kind.label(), cause.checks.len(), cause.summary) },
                "descriptor": { "id": format!("launchready/cause/{}", cause.kind.as_str()) },
                "properties": { "checks": cause.checks },
            })
        })
        .collect();
    for finding in card.checks.iter().filter(|f| f.status == Status::Error && f.cause.is_none()) {
        list.push(json!({
            "level": "warning",
            "message": { "text": format!("{} could not run: {}", finding.id, finding.summary) },
            "associatedRule": { "id": finding.id },
        }));
    }
    list
}

pub fn render(card: &Scorecard) -> String {
    let mut out = serde_json::to_string_pretty(&document(card)).expect("SARIF serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn parsed() -> Value {
        serde_json::from_str(&render(&fixture::scorecard())).expect("SARIF output is JSON")
    }

    #[test]
    fn is_sarif_2_1_0_with_one_run_of_launchready() {
        let doc = parsed();
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(doc["$schema"], SARIF_SCHEMA);
        let runs = doc["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0]["tool"]["driver"]["name"], "launchready");
        assert_eq!(runs[0]["properties"]["grade"], "D");
        assert_eq!(runs[0]["properties"]["decision"], "hold");
    }

    #[test]
    fn every_check_is_a_rule() {
        let doc = parsed();
        let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), fixture::scorecard().checks.len());
        let tls = rules.iter().find(|r| r["id"] == "tls.cert.valid").unwrap();
        assert_eq!(tls["shortDescription"]["text"], "Title of tls.cert.valid");
        assert_eq!(tls["fullDescription"]["text"], "Why tls.cert.valid matters.");
        assert_eq!(tls["help"]["text"], "Fix tls.cert.valid like `this`.");
        assert_eq!(tls["helpUri"], "https://example.org/ref/tls.cert.valid");
        assert_eq!(tls["properties"]["severity"], "critical");
        assert!(tls["properties"]["tags"].as_array().unwrap().contains(&json!("tls")));
    }

    #[test]
    fn results_only_for_fail_and_warn_with_levels() {
        let doc = parsed();
        let results = doc["runs"][0]["results"].as_array().unwrap();
        let levels: Vec<(&str, &str)> = results.iter().map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap())).collect();
        assert_eq!(levels, [("tls.cert.valid", "error"), ("headers.referrer", "warning"), ("headers.hsts", "note")]);
        let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the rule");
            assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "https://example.com/");
        }
        let tls = &results[0]["message"]["text"];
        assert_eq!(tls, "the certificate expired 3 days ago\nexample.com:443 notAfter 2024-01-01T00:00:00Z\nissuer: R3 ```fenced```");
    }

    #[test]
    fn high_fail_is_error_and_medium_fail_is_warning() {
        let mut finding = fixture::finding("x.y", crate::Category::Api, Severity::High, Status::Fail, "s");
        assert_eq!(level(&finding), Some("error"));
        finding.severity = Severity::Medium;
        assert_eq!(level(&finding), Some("warning"));
        finding.status = Status::Warn;
        finding.severity = Severity::Critical;
        assert_eq!(level(&finding), Some("note"));
        finding.status = Status::Error;
        assert_eq!(level(&finding), None);
    }

    #[test]
    fn causes_and_coverage_travel_with_the_run() {
        let doc = document(&fixture::unreachable());
        let run = &doc["runs"][0];
        assert_eq!(run["properties"]["rubricVersion"], 2);
        assert_eq!(run["properties"]["grade"], Value::Null);
        assert_eq!(run["properties"]["coverageText"], "2 of 7 checks ran (4 could not run, 1 skipped)");
        let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0]["descriptor"]["id"], "launchready/cause/https_unreachable");
        assert_eq!(notes[0]["properties"]["checks"], json!(["tls.cert.valid", "headers.hsts", "headers.csp"]));
        assert_eq!(notes[1]["associatedRule"]["id"], "http.redirect");
    }

    #[test]
    fn no_rule_without_a_reference_gets_a_help_uri() {
        let mut card = fixture::scorecard();
        card.checks[0].references.clear();
        let doc = document(&card);
        assert!(doc["runs"][0]["tool"]["driver"]["rules"][0].get("helpUri").is_none());
    }
}
