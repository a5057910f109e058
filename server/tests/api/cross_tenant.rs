//! Tenant isolation: every product route, page and API, called with another organisation's
//! id answers 404 and changes nothing. New routes join `ROUTES`.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::products::acme;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// How a route is called. Placeholders: `{id}` the victim's product, `{audit}` its audit,
/// `{monitor}` its main-URL monitor, `{channel}` its alert channel.
enum Call {
    Page(&'static str),
    Api(Method, &'static str, bool),
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
}

const MONITOR_FIELDS: &[(&str, &str)] = &[
    ("name", "Stolen"),
    ("kind", "http"),
    ("target", "https://stolen.example/"),
    ("interval_secs", "300"),
    ("expected_status", ""),
    ("keyword", ""),
    ("latency_threshold_ms", ""),
    ("confirm_failures", "2"),
    ("confirm_successes", "2"),
    ("enabled", "on"),
];

const ROUTES: &[Call] = &[
    Call::Page("/app/products/{id}"),
    Call::Page("/app/products/{id}/edit"),
    Call::Page("/app/products/{id}/audits/{audit}"),
    Call::Api(Method::GET, "/api/v1/products/{id}", false),
    Call::Api(Method::PUT, "/api/v1/products/{id}", true),
    Call::Api(Method::PATCH, "/api/v1/products/{id}", true),
    Call::Api(Method::DELETE, "/api/v1/products/{id}", false),
    Call::Api(Method::POST, "/api/v1/products/{id}/audits", false),
    Call::Api(Method::GET, "/api/v1/products/{id}/audits", false),
    Call::Api(Method::GET, "/api/v1/audits/{audit}", false),
    Call::Api(Method::GET, "/api/v1/audits/{audit}/scorecard", false),
    Call::ServerFn("products/get", &[("id", "{id}")]),
    Call::ServerFn(
        "products/update",
        &[("id", "{id}"), ("name", "Stolen"), ("apex_domain", "stolen.example"), ("app_host", ""), ("api_host", ""), ("mail_domain", ""), ("dkim_selectors", ""), ("endpoints", "")],
    ),
    Call::ServerFn("products/settings", &[("id", "{id}"), ("audit_schedule", "off"), ("status_page_enabled", "on")]),
    Call::ServerFn("audits/request", &[("product_id", "{id}")]),
    Call::ServerFn("audits/list", &[("product_id", "{id}")]),
    Call::ServerFn("audits/summary", &[("audit_id", "{audit}")]),
    Call::ServerFn("audits/detail", &[("audit_id", "{audit}")]),
    Call::ServerFn("monitors/list", &[("product_id", "{id}")]),
    Call::ServerFn("monitors/create", &[("product_id", "{id}")]),
    Call::ServerFn("monitors/update", &[("id", "{monitor}")]),
    Call::ServerFn("monitors/delete", &[("id", "{monitor}")]),
    Call::ServerFn("incidents/list", &[("product_id", "{id}")]),
    Call::ServerFn("channels/enable", &[("id", "{channel}")]),
    Call::ServerFn("channels/test", &[("id", "{channel}")]),
    Call::ServerFn("channels/delete", &[("id", "{channel}")]),
    Call::ServerFn("products/delete", &[("id", "{id}"), ("confirm", "yes")]),
];

on_both_databases!(another_tenants_product_is_not_found_on_every_route);

async fn another_tenants_product_is_not_found_on_every_route(app: &TestApp) {
    let victim = app.signed_up_client("victim@example.com").await;
    let attacker = app.signed_up_client("attacker@example.com").await;
    let created: Value = victim.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let audit: Value = victim.post(app.url(&format!("/api/v1/products/{id}/audits"))).send().await.unwrap().json().await.unwrap();
    let audit = audit["id"].as_str().unwrap().to_owned();
    let monitors: Value = app.call(&victim, "monitors/list", &[("product_id", id.as_str())]).await.json().await.unwrap();
    let monitor = monitors[0]["id"].as_str().expect("the product's main-URL monitor").to_owned();
    let channel: Value = app.call(&victim, "channels/create", &[("name", "Ops"), ("kind", "email"), ("target", "ops@example.com")]).await.json().await.unwrap();
    let channel = channel["channel"]["id"].as_str().unwrap().to_owned();
    let fill = |text: &str| text.replace("{id}", &id).replace("{audit}", &audit).replace("{monitor}", &monitor).replace("{channel}", &channel);

    for call in ROUTES {
        let (label, status) = match call {
            Call::Page(path) => {
                let path = fill(path);
                (path.clone(), attacker.get(app.url(&path)).send().await.unwrap().status())
            }
            Call::Api(method, path, with_body) => {
                let path = fill(path);
                let mut request = attacker.request(method.clone(), app.url(&path));
                if *with_body {
                    let mut body = acme();
                    body["name"] = "Stolen".into();
                    request = request.json(&body);
                }
                (format!("{method} {path}"), request.send().await.unwrap().status())
            }
            Call::ServerFn(endpoint, fields) => {
                let mut form: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), fill(v))).collect();
                if endpoint.starts_with("monitors/create") || endpoint.starts_with("monitors/update") {
                    form.extend(MONITOR_FIELDS.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                }
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                (format!("server fn {endpoint}"), app.call(&attacker, endpoint, &form).await.status())
            }
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{label} must answer 404 to another tenant");
    }

    // The status page is public only when its owner turns it on (the attacker could not).
    assert_eq!(attacker.get(app.url(&format!("/status/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let theirs: Value = app.call(&attacker, "channels/list", &[]).await.json().await.unwrap();
    assert_eq!(theirs, serde_json::json!([]), "the attacker sees no channel of the victim");
    let summary: Value = victim.get(app.url(&format!("/api/v1/audits/{audit}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(summary["id"], audit.as_str(), "the victim still sees its audit");
    let monitors_after: Value = app.call(&victim, "monitors/list", &[("product_id", id.as_str())]).await.json().await.unwrap();
    for field in ["id", "name", "target", "interval_secs", "enabled"] {
        assert_eq!(monitors_after[0][field], monitors[0][field], "the victim's monitor keeps its {field}");
    }

    let after: Value = victim.get(app.url(&format!("/api/v1/products/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(after, created, "the victim's product is unchanged");
    let theirs: Vec<Value> = attacker.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(theirs.is_empty(), "the attacker's list does not show it");
    let dashboard = attacker.get(app.url("/app")).send().await.unwrap().text().await.unwrap();
    assert!(!dashboard.contains(&id));
}
