//! Plan limits, each refused at its boundary through every path that can create the thing:
//! products (REST API and the page's server function, and concurrent creations of the last
//! one), monitors (server function; the product's main-URL monitor), the shortest interval,
//! the audit schedule, status pages and alert channels. A refusal is 402 with the limit, a
//! message and the upgrade link, and changes nothing.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::products::acme;
use platform::entities::{monitor, product};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

on_both_databases!(products_stop_at_the_plan_on_every_path, monitors_intervals_and_features_stop_at_the_plan);

fn product(n: usize) -> Value {
    let mut p = acme();
    p["name"] = json!(format!("Product {n}"));
    p["apex_domain"] = json!(format!("p{n}.example"));
    p["app_host"] = json!("");
    p
}

async fn assert_plan_limit(response: reqwest::Response, limit: &str) {
    assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED, "{limit}");
    let text = response.text().await.unwrap();
    assert!(text.contains("Upgrade") || text.contains("upgrade"), "{limit}: {text}");
    if let Ok(body) = serde_json::from_str::<Value>(&text) {
        if body.get("error").is_some() {
            assert_eq!(
                (body["error"].as_str(), body["limit"].as_str(), body["upgrade_url"].as_str()),
                (Some("plan_limit"), Some(limit), Some("/app/billing"))
            );
        }
    }
}

async fn products_stop_at_the_plan_on_every_path(app: &TestApp) {
    let client = app.signed_up_client("founder@example.com").await;
    assert_eq!(client.post(app.url("/api/v1/products")).json(&product(1)).send().await.unwrap().status(), StatusCode::CREATED);
    // Free allows one: the REST API and the page's server function both refuse the second.
    assert_plan_limit(client.post(app.url("/api/v1/products")).json(&product(2)).send().await.unwrap(), "products").await;
    let form = [
        ("name", "Second"),
        ("apex_domain", "second.example"),
        ("app_host", ""),
        ("api_host", ""),
        ("mail_domain", ""),
        ("dkim_selectors", ""),
        ("endpoints", ""),
    ];
    assert_plan_limit(app.call(&client, "products/create", &form).await, "products").await;
    assert_eq!(product::Entity::find().count(&app.db).await.unwrap(), 1, "nothing was created");

    // On Pro (10), eight concurrent creations when two places are left: exactly two win.
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    for n in 2..=8 {
        assert_eq!(client.post(app.url("/api/v1/products")).json(&product(n)).send().await.unwrap().status(), StatusCode::CREATED);
    }
    let attempts = (100..108).map(|n| {
        let (client, url) = (client.clone(), app.url("/api/v1/products"));
        tokio::spawn(async move { client.post(url).json(&product(n)).send().await.unwrap().status() })
    });
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::PAYMENT_REQUIRED).count(), 6, "{statuses:?}");
    assert_eq!(product::Entity::find().count(&app.db).await.unwrap(), 10);
}

async fn monitors_intervals_and_features_stop_at_the_plan(app: &TestApp) {
    let client = app.signed_up_client("founder@example.com").await;
    let created: Value = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let monitor_form = |name: &str, interval: &str| {
        vec![
            ("product_id", id.clone()),
            ("name", name.to_owned()),
            ("kind", "http".to_owned()),
            ("target", "https://app.acme.example/health".to_owned()),
            ("interval_secs", interval.to_owned()),
            ("confirm_failures", "2".to_owned()),
            ("confirm_successes", "2".to_owned()),
            ("enabled", "on".to_owned()),
        ]
    };
    let call = |form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url("/api/monitors/create");
        let form = crate::helpers::as_browser_sends("monitors/create", &form);
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    // Free: 5 monitors, the main-URL one included; every 5 minutes at most.
    let too_often = call(monitor_form("Fast", "60")).await;
    assert_eq!(too_often.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_often.text().await.unwrap().contains("interval_secs"), "the field is named");
    for n in 0..4 {
        assert_eq!(call(monitor_form(&format!("Check {n}"), "300")).await.status(), StatusCode::OK);
    }
    assert_plan_limit(call(monitor_form("Sixth", "300")).await, "monitors").await;
    assert_eq!(monitor::Entity::find().count(&app.db).await.unwrap(), 5);

    // Daily audits and a public status page are not in Free.
    let daily = app.call(&client, "products/settings", &[("id", &id), ("audit_schedule", "daily")]).await;
    assert_plan_limit(daily, "scheduled_audits").await;
    let status_page =
        app.call(&client, "products/settings", &[("id", &id), ("audit_schedule", "weekly"), ("status_page_enabled", "on")]).await;
    assert_plan_limit(status_page, "status_pages").await;
    // Slack and webhooks neither.
    let slack = app
        .call(&client, "channels/create", &[("name", "Ops"), ("kind", "slack"), ("target", "https://hooks.slack.com/services/T0/B0/x")])
        .await;
    assert_plan_limit(slack, "alert_channels").await;

    // On Pro the same requests pass; then a downgrade turns the status page off (not deleted).
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    assert_eq!(call(monitor_form("Fast", "60")).await.status(), StatusCode::OK);
    let on = app.call(&client, "products/settings", &[("id", &id), ("audit_schedule", "daily"), ("status_page_enabled", "on")]).await;
    assert_eq!(on.status(), StatusCode::OK);
    assert_eq!(reqwest::get(app.url(&format!("/status/{id}"))).await.unwrap().status(), StatusCode::OK);
    let slack = app
        .call(&client, "channels/create", &[("name", "Ops"), ("kind", "slack"), ("target", "https://hooks.slack.com/services/T0/B0/x")])
        .await;
    assert_eq!(slack.status(), StatusCode::OK);
    let slack_id = slack.json::<Value>().await.unwrap()["channel"]["id"].as_str().expect("the new channel's id").to_owned();
    app.db.execute_unprepared("UPDATE organizations SET plan = 'free'").await.unwrap();
    // The Slack channel stays, but sends nothing on Free: not even a test alert.
    assert_plan_limit(app.call(&client, "channels/test", &[("id", &slack_id)]).await, "alert_channels").await;
    assert_eq!(platform::entities::notification::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(reqwest::get(app.url(&format!("/status/{id}"))).await.unwrap().status(), StatusCode::NOT_FOUND);
    let kept = product::Entity::find().filter(product::Column::StatusPageEnabled.eq(true)).count(&app.db).await.unwrap();
    assert_eq!(kept, 1, "the setting is kept for an upgrade");
}

/// However many alert channels a tenant adds, its alerts stay a bounded amount of work: the
/// plan says how many it may have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_channels_stop_at_the_plan_count() {
    let app = crate::helpers::TestApp::spawn(crate::helpers::Db::Sqlite).await;
    let client = app.confirmed_client("channels@example.com").await;
    let create = |n: usize| {
        let (name, target) = (format!("Team {n}"), format!("team{n}@example.com"));
        let client = client.clone();
        let app = &app;
        async move { app.call(&client, "channels/create", &[("name", name.as_str()), ("kind", "email"), ("target", target.as_str())]).await }
    };
    for n in 0..3 {
        assert_eq!(create(n).await.status(), StatusCode::OK, "channel {n}");
    }
    assert_plan_limit(create(3).await, "channels").await;
    assert_eq!(platform::entities::notification_channel::Entity::find().count(&app.db).await.unwrap(), 3);
    app.stop().await;
}

/// An unconfirmed account cannot have alerts mailed anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_channels_need_a_confirmed_address() {
    let app = crate::helpers::TestApp::spawn(crate::helpers::Db::Sqlite).await;
    let client = app.signed_up_client("unconfirmed@example.com").await;
    let refused = app.call(&client, "channels/create", &[("name", "Team"), ("kind", "email"), ("target", "someone@example.com")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("Confirm your email address"));
    assert_eq!(platform::entities::notification_channel::Entity::find().count(&app.db).await.unwrap(), 0);
    app.stop().await;
}
