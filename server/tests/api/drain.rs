//! Jobs drained deterministically: the app runs without its embedded worker, and the test
//! drives the clock. Each `run_until_idle(now)` queues what is due at `now` and runs every job
//! to the end, so one call is exactly one check of a 60-second monitor, and the counts below
//! are exact, not "at least".

use crate::helpers::{job_states, Db, TestApp};
use crate::on_each_database;
use crate::products::acme;
use crate::receivers::{SmtpServer, Target};
use chrono::{Duration, Utc};
use domain::channel::DeliveryStatus;
use platform::entities::{incident, monitor_result, notification};
use platform::text_enum::Text;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

on_each_database!(one_check_per_drain_opens_and_resolves_one_incident);

async fn one_check_per_drain_opens_and_resolves_one_incident(db: Db) {
    let smtp = SmtpServer::start().await;
    let mut target = Target::start().await;
    let smtp_url = format!("\"{}\"", smtp.url());
    let overrides =
        [("smtp_url", smtp_url.as_str()), ("scanner.allow_private_targets", "true"), ("plans.free.monitor_min_interval_secs", "60")];
    let app = TestApp::spawn_opts(db, &overrides, false).await;
    let client = app.confirmed_client("drain@example.com").await;
    let product: Value = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let product_id = product["id"].as_str().unwrap().to_owned();
    // The product's main-URL monitor would check a name nobody resolves here: it goes.
    let monitors: Value = app.call(&client, "monitors/list", &[("product_id", product_id.as_str())]).await.json().await.unwrap();
    for m in monitors.as_array().unwrap() {
        assert!(app.call(&client, "monitors/delete", &[("id", m["id"].as_str().unwrap())]).await.status().is_success());
    }
    let channel = app.call(&client, "channels/create", &[("name", "On-call"), ("kind", "email"), ("target", "ops@example.com")]).await;
    assert!(channel.status().is_success(), "create channel: {}", channel.status());
    let target_url = target.url();
    let form = [
        ("product_id", product_id.as_str()),
        ("name", "Health"),
        ("kind", "http"),
        ("target", target_url.as_str()),
        ("interval_secs", "60"),
        ("keyword", "good"),
        ("confirm_failures", "2"),
        ("confirm_successes", "2"),
        ("enabled", "on"),
    ];
    let created: Value = app.call(&client, "monitors/create", &form).await.json().await.unwrap();
    let monitor_id: uuid::Uuid = created["id"].as_str().unwrap().parse().unwrap();

    let t0 = Utc::now() + Duration::seconds(1);
    let at = |minutes: i64| t0 + Duration::minutes(minutes);
    let results =
        || async { monitor_result::Entity::find().filter(monitor_result::Column::MonitorId.eq(monitor_id)).count(&app.db).await.unwrap() };
    let incidents = || async { incident::Entity::find().filter(incident::Column::MonitorId.eq(monitor_id)).all(&app.db).await.unwrap() };

    app.run_until_idle(at(0)).await;
    assert_eq!(results().await, 1, "one check per due slot");
    // The same instant again: the slot was claimed, nothing runs twice.
    app.run_until_idle(at(0)).await;
    assert_eq!(results().await, 1, "a drained slot is not checked again");
    let state: Value = app.call(&client, "monitors/list", &[("product_id", product_id.as_str())]).await.json().await.unwrap();
    assert_eq!(state[0]["state"], "up", "{state}");

    target.stop().await;
    app.run_until_idle(at(1)).await;
    assert_eq!(results().await, 2);
    assert!(incidents().await.is_empty(), "one failure is not an incident yet (confirmation is 2)");
    app.run_until_idle(at(2)).await;
    assert_eq!(results().await, 3);
    let open = incidents().await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(open[0].resolved_at.is_none());
    // The alert was delivered inside the same drain: no waiting on a clock.
    assert_eq!(mails_with(&smtp, "DOWN"), 1, "one DOWN mail");

    target.restart().await;
    app.run_until_idle(at(3)).await;
    assert!(incidents().await[0].resolved_at.is_none(), "one success does not resolve it (recovery is 2)");
    app.run_until_idle(at(4)).await;
    let resolved = incidents().await;
    assert_eq!(resolved.len(), 1, "still one incident: {resolved:?}");
    assert!(resolved[0].resolved_at.is_some(), "resolved after two good checks");
    assert_eq!(results().await, 5);
    assert_eq!(mails_with(&smtp, "DOWN"), 1, "no second DOWN mail");
    assert_eq!(mails_with(&smtp, "RECOVERED"), 1, "one RECOVERED mail");

    let delivered =
        notification::Entity::find().filter(notification::Column::Status.eq(Text(DeliveryStatus::Delivered))).count(&app.db).await.unwrap();
    assert_eq!(delivered, 2, "the delivery log holds the two alerts, delivered");
    let unfinished: Vec<String> = job_states(&app).await.into_iter().filter(|s| !s.starts_with("Done")).collect();
    assert!(unfinished.is_empty(), "every job finished: {unfinished:?}");
    app.stop().await;
}

fn mails_with(smtp: &SmtpServer, needle: &str) -> usize {
    smtp.mails.lock().unwrap().iter().filter(|m| m.to == ["ops@example.com"] && m.data.contains(needle)).count()
}
