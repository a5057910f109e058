//! Tenant isolation: every product route, page and API, called with another organisation's
//! id answers 404 and changes nothing. New routes join `ROUTES`.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::products::acme;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// How a route is called: `{id}` is replaced by the victim's product id.
enum Call {
    Page(&'static str),
    Api(Method, &'static str, bool),
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
}

const ROUTES: &[Call] = &[
    Call::Page("/app/products/{id}"),
    Call::Page("/app/products/{id}/edit"),
    Call::Api(Method::GET, "/api/v1/products/{id}", false),
    Call::Api(Method::PUT, "/api/v1/products/{id}", true),
    Call::Api(Method::PATCH, "/api/v1/products/{id}", true),
    Call::Api(Method::DELETE, "/api/v1/products/{id}", false),
    Call::ServerFn("products/get", &[]),
    Call::ServerFn(
        "products/update",
        &[("name", "Stolen"), ("apex_domain", "stolen.example"), ("app_host", ""), ("api_host", ""), ("mail_domain", ""), ("dkim_selectors", ""), ("endpoints", "")],
    ),
    Call::ServerFn("products/delete", &[("confirm", "yes")]),
];

on_both_databases!(another_tenants_product_is_not_found_on_every_route);

async fn another_tenants_product_is_not_found_on_every_route(app: &TestApp) {
    let victim = app.signed_up_client("victim@example.com").await;
    let attacker = app.signed_up_client("attacker@example.com").await;
    let created: Value = victim.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();

    for call in ROUTES {
        let (label, status) = match call {
            Call::Page(path) => {
                let path = path.replace("{id}", &id);
                (path.clone(), attacker.get(app.url(&path)).send().await.unwrap().status())
            }
            Call::Api(method, path, with_body) => {
                let path = path.replace("{id}", &id);
                let mut request = attacker.request(method.clone(), app.url(&path));
                if *with_body {
                    let mut body = acme();
                    body["name"] = "Stolen".into();
                    request = request.json(&body);
                }
                (format!("{method} {path}"), request.send().await.unwrap().status())
            }
            Call::ServerFn(endpoint, fields) => {
                let mut form: Vec<(&str, &str)> = vec![("id", id.as_str())];
                form.extend_from_slice(fields);
                (format!("server fn {endpoint}"), app.call(&attacker, endpoint, &form).await.status())
            }
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{label} must answer 404 to another tenant");
    }

    let after: Value = victim.get(app.url(&format!("/api/v1/products/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(after, created, "the victim's product is unchanged");
    let theirs: Vec<Value> = attacker.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(theirs.is_empty(), "the attacker's list does not show it");
    let dashboard = attacker.get(app.url("/app")).send().await.unwrap().text().await.unwrap();
    assert!(!dashboard.contains(&id));
}
