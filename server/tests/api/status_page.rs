//! The public status page tells the public only about the monitors it lists: enabled and not
//! paused by the plan. A disabled monitor's failures and incidents stay private.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::products::acme;
use chrono::Utc;
use platform::entities::monitor_rollup::Period;
use platform::entities::{incident, monitor, monitor_rollup};
use platform::ids::{IncidentId, MonitorId};
use platform::text_enum::Text;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use serde_json::Value;

on_both_databases!(the_status_page_counts_only_listed_monitors);

fn day(monitor: &monitor::Model, checks: i32, failures: i32) -> monitor_rollup::ActiveModel {
    monitor_rollup::Model {
        monitor_id: monitor.id,
        period: Text(Period::Day),
        bucket_start: Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc(),
        org_id: monitor.org_id,
        product_id: monitor.product_id,
        checks,
        failures,
        server_errors: failures,
        latency_sum_ms: 0,
        lat0: 0,
        lat1: 0,
        lat2: 0,
        lat3: 0,
        lat4: 0,
        lat5: 0,
        lat6: 0,
        lat7: 0,
        lat8: 0,
        lat9: 0,
        lat10: 0,
    }
    .into_active_model()
    .reset_all()
}

async fn the_status_page_counts_only_listed_monitors(app: &TestApp) {
    let client = app.signed_up_client("status@example.com").await;
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    let created = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let on = app.call(&client, "products/settings", &[("id", &id), ("audit_schedule", "weekly"), ("status_page_enabled", "on")]).await;
    assert_eq!(on.status(), StatusCode::OK);

    // The main-URL monitor: up all day. A second one, switched off by its owner after a bad day.
    let primary = monitor::Entity::find().one(&app.db).await.unwrap().expect("the main-URL monitor");
    let mut retired = primary.clone();
    retired.id = MonitorId::new_random();
    retired.name = "Legacy admin".into();
    retired.is_primary = false;
    retired.enabled = false;
    retired.state = Text(domain::monitor::MonitorState::Down);
    retired.clone().into_active_model().reset_all().insert(&app.db).await.unwrap();
    day(&primary, 288, 0).insert(&app.db).await.unwrap();
    day(&retired, 288, 288).insert(&app.db).await.unwrap();
    incident::Model {
        id: IncidentId::new_random(),
        org_id: retired.org_id,
        product_id: retired.product_id,
        monitor_id: retired.id,
        opened_at: Utc::now(),
        resolved_at: None,
        cause: "connection refused".into(),
        last_error: Some("connection refused".into()),
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();

    let page: Value = app.call(&app.new_client(), "status/get", &[("product_id", &id)]).await.json().await.unwrap();
    let names: Vec<&str> = page["monitors"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, [primary.name.as_str()], "{page}");
    assert_ne!(page["overall"], "down", "{page}");
    assert_eq!(page["uptime_90d"].as_f64(), Some(100.0), "only the listed monitor's checks count: {page}");
    assert!(page["incidents"].as_array().unwrap().is_empty(), "{page}");
    let html = reqwest::get(app.url(&format!("/status/{id}"))).await.unwrap().text().await.unwrap();
    assert!(!html.contains("Legacy admin"));
}
