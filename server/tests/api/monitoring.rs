//! Flow 3 end to end: a monitored service on loopback goes down; after two failed checks an
//! incident opens and the alert reaches a real SMTP server, a Slack receiver and a signed
//! webhook receiver; the service comes back; after two good checks the incident resolves and
//! the recovery alert goes out the same three ways.

use crate::helpers::{captured_logs, Db, TestApp};
use crate::on_each_database;
use crate::products::acme;
use crate::receivers::{HookReceiver, SmtpServer, Target};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use std::time::Duration;

on_each_database!(outage_opens_and_resolves_an_incident_with_alerts);

async fn outage_opens_and_resolves_an_incident_with_alerts(db: Db) {
    let smtp = SmtpServer::start().await;
    let hooks = HookReceiver::start().await;
    let mut target = Target::start().await;
    let smtp_url = format!("\"{}\"", smtp.url());
    let app = TestApp::spawn_with(
        db,
        &[
            ("smtp_url", smtp_url.as_str()),
            ("scanner.allow_private_targets", "true"),
            ("plans.pro.monitor_min_interval_secs", "1"),
            ("monitors.schedule_every_secs", "1"),
            ("alerts.first_retry_secs", "1"),
        ],
    )
    .await;
    let client = app.confirmed_client("founder@example.com").await;
    // Created on the free plan: its main-URL monitor checks every 5 minutes, so it stays
    // quiet during the test. Then the organisation upgrades.
    let product: Value = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let product_id = product["id"].as_str().unwrap().to_owned();
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();

    let slack_url = hooks.url("/services/T0/B0/slacksecretpath");
    let webhook_url = hooks.url("/hooks/launchready");
    for (kind, target_value) in [("email", "ops@example.com"), ("slack", slack_url.as_str()), ("webhook", webhook_url.as_str())] {
        let response = app.call(&client, "channels/create", &[("name", kind), ("kind", kind), ("target", target_value)]).await;
        assert!(response.status().is_success(), "create {kind} channel: {}", response.status());
    }
    let channels: Value = app.call(&client, "channels/list", &[]).await.json().await.unwrap();
    assert_eq!(channels.as_array().unwrap().len(), 3);
    assert!(!channels.to_string().contains("slacksecretpath"), "the channel list shows a hint, not the URL");
    let secret = webhook_secret(&app).await;

    let target_url = target.url();
    let created = app
        .call(
            &client,
            "monitors/create",
            &[
                ("product_id", product_id.as_str()),
                ("name", "Health"),
                ("kind", "http"),
                ("target", target_url.as_str()),
                ("interval_secs", "1"),
                ("expected_status", ""),
                ("keyword", "good"),
                ("latency_threshold_ms", ""),
                ("confirm_failures", "2"),
                ("confirm_successes", "2"),
                ("enabled", "on"),
            ],
        )
        .await;
    assert!(created.status().is_success(), "create monitor: {} {}", created.status(), created.text().await.unwrap());

    wait_for_state(&app, &client, &product_id, "Health", "up").await;
    target.stop().await;
    let down = smtp.wait_for(&["DOWN", "Health"]).await;
    assert_eq!(down.to, vec!["ops@example.com".to_owned()]);
    hooks.wait_for("/services/T0/B0/slacksecretpath", "DOWN").await;
    let hook = hooks.wait_for("/hooks/launchready", "incident.opened").await;
    verify_signature(&hook, &secret);
    let incidents: Value = app.call(&client, "incidents/list", &[("product_id", product_id.as_str())]).await.json().await.unwrap();
    let open = &incidents.as_array().unwrap()[0];
    assert!(open["resolved_at"].is_null(), "{incidents}");
    assert_eq!(open["monitor_name"], "Health");

    target.restart().await;
    smtp.wait_for(&["RECOVERED", "Health"]).await;
    hooks.wait_for("/services/T0/B0/slacksecretpath", "RECOVERED").await;
    let hook = hooks.wait_for("/hooks/launchready", "incident.resolved").await;
    verify_signature(&hook, &secret);
    let incidents: Value = app.call(&client, "incidents/list", &[("product_id", product_id.as_str())]).await.json().await.unwrap();
    assert!(!incidents.as_array().unwrap()[0]["resolved_at"].is_null(), "the incident is resolved: {incidents}");

    // The delivery log shows six delivered alerts and no failure.
    let log: Value = app.call(&client, "deliveries/list", &[]).await.json().await.unwrap();
    let delivered = log.as_array().unwrap().iter().filter(|d| d["status"] == "delivered").count();
    assert!(delivered >= 6, "{log}");
    let logs = captured_logs();
    assert!(!logs.contains("slacksecretpath"), "a Slack URL reached the logs");
    assert!(!logs.contains(&secret), "a webhook signing secret reached the logs");
    app.stop().await;
}

/// The signing secret is shown once, at creation; the test reads it back the way the
/// delivery job does, through the sealed column (the only other place it exists).
async fn webhook_secret(app: &TestApp) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = platform::entities::notification_channel::Entity::find()
        .filter(platform::entities::notification_channel::Column::Kind.eq("webhook"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.secret.contains("hooks/launchready"), "sealed at rest");
    let key = platform::infra::secret::SecretKey::from_text("test-secret-key-that-is-long-enough-000").unwrap();
    platform::alerts::channels::ChannelSecret::open(&key, &row.secret).unwrap().signing_secret.unwrap()
}

fn verify_signature(hook: &crate::receivers::Hook, secret: &str) {
    let header = |name: &str| hook.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let now = chrono::Utc::now().timestamp();
    let timestamp = header("x-launchready-timestamp");
    let signature = header("x-launchready-signature");
    assert!(worker::alerts::webhook::verify(secret, &timestamp, &signature, &hook.body, now), "the webhook signature verifies");
    assert!(!worker::alerts::webhook::verify("whsec_wrong", &timestamp, &signature, &hook.body, now));
}

/// Waits (bounded) until the product's monitor `name` is in `state`.
pub async fn wait_for_state(app: &TestApp, client: &reqwest::Client, product_id: &str, name: &str, state: &str) {
    for _ in 0..200 {
        let monitors: Value = app.call(client, "monitors/list", &[("product_id", product_id)]).await.json().await.unwrap();
        if monitors.as_array().unwrap().iter().any(|m| m["name"] == name && m["state"] == state) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the {name} monitor never became {state}");
}
