//! Products through the REST API and the server functions the pages use.

use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub fn acme() -> Value {
    json!({
        "name": "Acme",
        "apex_domain": "Acme.example",
        "app_host": "app.acme.example",
        "api_host": "",
        "mail_domain": "",
        "dkim_selectors": "google, s1",
        "endpoints": "/api/login=public,login\n/api/me=authenticated\n/admin=admin"
    })
}

on_both_databases!(crud_through_the_api, invalid_products_are_refused_naming_the_field, pages_create_and_show_a_product);

async fn crud_through_the_api(app: &TestApp) {
    let client = app.signed_up_client("pat@example.com").await;
    let list: Vec<Value> = client.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(list.is_empty());

    let response = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["apex_domain"], "acme.example", "normalised");
    assert_eq!(created["endpoints"].as_array().unwrap().len(), 3);
    assert_eq!(created["endpoints"][0], json!({"path": "/api/login", "access": "public", "kind": "login"}));
    let id = created["id"].as_str().unwrap().to_owned();

    let shown: Value = client.get(app.url(&format!("/api/v1/products/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown, created);

    let mut changed = acme();
    changed["name"] = json!("Acme Pro");
    changed["endpoints"] = json!("/health=public,health");
    let response = client.put(app.url(&format!("/api/v1/products/{id}"))).json(&changed).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["name"], "Acme Pro");
    assert_eq!(updated["endpoints"].as_array().unwrap().len(), 1);

    let duplicate = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap();
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    assert_eq!(duplicate.json::<Value>().await.unwrap()["fields"][0]["field"], "apex_domain");

    assert_eq!(client.delete(app.url(&format!("/api/v1/products/{id}"))).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let endpoints = platform::entities::product_endpoint::Entity::find()
        .filter(platform::entities::product_endpoint::Column::ProductId.eq(uuid::Uuid::parse_str(&id).unwrap()))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(endpoints, 0, "the product's endpoints are deleted with it");
    assert_eq!(client.get(app.url(&format!("/api/v1/products/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(client.get(app.url("/api/v1/products/not-a-uuid")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let anonymous = app.new_client().get(app.url("/api/v1/products")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn invalid_products_are_refused_naming_the_field(app: &TestApp) {
    let client = app.signed_up_client("quinn@example.com").await;
    let cases = [
        ("apex_domain", json!("127.0.0.1")),
        ("apex_domain", json!("com")),
        ("apex_domain", json!("app.acme.example")),
        ("app_host", json!("http://[::1]:8080")),
        ("name", json!("")),
        ("endpoints", json!("/login=everyone")),
        ("endpoints", json!("no-slash=public")),
        ("dkim_selectors", json!("bad selector!")),
    ];
    for (field, value) in cases {
        let mut body = acme();
        body[field] = value.clone();
        let response = client.post(app.url("/api/v1/products")).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["fields"][0]["field"], field, "{error}");
    }
    // Malformed JSON and a missing required field name what is wrong.
    let response =
        client.post(app.url("/api/v1/products")).header("content-type", "application/json").body("{\"name\": ").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.json::<Value>().await.unwrap()["fields"][0]["field"], "body");
    let response = client.post(app.url("/api/v1/products")).json(&json!({"name": "x"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("apex_domain"));

    let list: Vec<Value> = client.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(list.is_empty(), "nothing was created");
}

async fn pages_create_and_show_a_product(app: &TestApp) {
    let client = app.signed_up_client("ray@example.com").await;
    let page = client.get(app.url("/app")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("No products yet"), "empty state");

    let form = [
        ("name", "Shop"),
        ("apex_domain", "shop.example"),
        ("app_host", ""),
        ("api_host", "api.shop.example"),
        ("mail_domain", ""),
        ("dkim_selectors", ""),
        ("endpoints", "/api/chat=authenticated,chat"),
    ];
    let response = app.call(&client, "products/create", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let id: String = response.json().await.unwrap();

    let page = client.get(app.url(&format!("/app/products/{id}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Shop") && html.contains("No audits yet") && html.contains("/api/chat"), "product page");
    let dashboard = client.get(app.url("/app")).send().await.unwrap().text().await.unwrap();
    assert!(dashboard.contains(&format!("/app/products/{id}")), "listed on the dashboard");

    // A browser without WASM posts the form with Accept: text/html and follows redirects.
    let mut bad = form;
    bad[1] = ("apex_domain", "10.0.0.1");
    let response = client
        .post(app.url("/api/products/create"))
        .header("accept", "text/html")
        .header("referer", app.url("/app/products/new"))
        .form(&crate::helpers::as_browser_sends("products/create", &bad))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/app/products/new") && location.contains("__err="), "{location}");
    let page = client.get(&location).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("apex_domain: must be a domain name, not an IP address"), "the error is shown without JS");
}
