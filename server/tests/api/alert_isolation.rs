//! One tenant's alert channels do not weigh on another tenant's alerts. Tenant A has every
//! channel its plan allows, each a webhook whose receiver accepts and never answers; tenant
//! B has one email channel. Both monitors sit in the same monitor batch and go down at once:
//! the batch records both incidents, A's alert is raised to all its channels (not lost), and
//! B's outage mail arrives while A's deliveries hang.

use crate::helpers::{Db, TestApp};
use crate::monitoring::wait_for_state;
use crate::on_each_database;
use crate::receivers::{SmtpServer, Target};
use platform::entities::{incident, notification};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use std::time::Duration;

on_each_database!(an_outage_alert_for_one_tenant_is_delivered_while_another_tenants_channels_hang);

/// Accepts connections and never answers: a receiver that holds each delivery until its
/// timeout.
async fn silent_receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

async fn monitor(app: &TestApp, client: &reqwest::Client, product_id: &str, name: &str, target: &str) {
    let form = [
        ("product_id", product_id),
        ("name", name),
        ("kind", "http"),
        ("target", target),
        ("interval_secs", "1"),
        ("expected_status", ""),
        ("keyword", ""),
        ("latency_threshold_ms", ""),
        ("confirm_failures", "2"),
        ("confirm_successes", "1"),
        ("enabled", "on"),
    ];
    let created = app.call(client, "monitors/create", &form).await;
    assert!(created.status().is_success(), "create monitor: {} {}", created.status(), created.text().await.unwrap());
}

async fn an_outage_alert_for_one_tenant_is_delivered_while_another_tenants_channels_hang(db: Db) {
    let smtp = SmtpServer::start().await;
    let mut target = Target::start().await;
    let hang = silent_receiver().await;
    let smtp_url = format!("\"{}\"", smtp.url());
    let app = TestApp::spawn_with(
        db,
        &[
            ("smtp_url", smtp_url.as_str()),
            ("scanner.allow_private_targets", "true"),
            ("plans.free.monitor_min_interval_secs", "1"),
            ("plans.pro.monitor_min_interval_secs", "1"),
            ("monitors.schedule_every_secs", "1"),
            // Each hanging webhook holds a delivery slot this long.
            ("monitors.check_timeout_secs", "3"),
        ],
    )
    .await;

    // Tenant A (pro): every channel the plan allows, all hanging.
    let a = app.confirmed_client("a@example.com").await;
    let a_product = app.bare_product(&a, "a-tenant.example").await;
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    let limit = domain::plans::PlanTable::default().limits(domain::plans::Plan::Pro).channels.limit().unwrap();
    for i in 0..limit {
        let url = format!("{hang}/hook/{i}");
        let response = app.call(&a, "channels/create", &[("name", &format!("hook {i}")), ("kind", "webhook"), ("target", &url)]).await;
        assert!(response.status().is_success(), "channel {i}: {}", response.status());
    }
    let over = app.call(&a, "channels/create", &[("name", "one more"), ("kind", "webhook"), ("target", &format!("{hang}/hook/x"))]).await;
    assert_eq!(over.status(), StatusCode::PAYMENT_REQUIRED, "the channel limit is reached");

    // Tenant B (free): one email channel.
    let b = app.confirmed_client("b@example.com").await;
    let b_product = app.bare_product(&b, "b-tenant.example").await;
    let created = app.call(&b, "channels/create", &[("name", "ops"), ("kind", "email"), ("target", "ops-b@example.com")]).await;
    assert!(created.status().is_success(), "B's channel: {}", created.status());

    let target_url = target.url();
    monitor(&app, &a, &a_product, "A health", &target_url).await;
    monitor(&app, &b, &b_product, "B health", &target_url).await;
    wait_for_state(&app, &a, &a_product, "A health", "up").await;
    wait_for_state(&app, &b, &b_product, "B health", "up").await;

    target.stop().await;
    let mail = smtp.wait_for(&["DOWN", "B health"]).await;
    assert_eq!(mail.to, vec!["ops-b@example.com".to_owned()]);

    // A's outage was not lost either: its incident is open and raised to every channel.
    let (mut incidents, mut raised) = (0, 0);
    for _ in 0..100 {
        incidents = incident::Entity::find().count(&app.db).await.unwrap();
        raised = notification::Entity::find().count(&app.db).await.unwrap();
        if incidents == 2 && raised > limit {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(incidents, 2, "both incidents are recorded");
    assert_eq!(raised, limit + 1, "A's alert went to its {limit} channels, B's to one");
    app.stop().await;
}
