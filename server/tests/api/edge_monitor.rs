//! A monitor in front of which a WAF starts challenging: the monitor is neither up nor down
//! but "blocked", its owner is told once, no incident opens, uptime counts only what was
//! measured, and when the edge lets it through again the monitor is up and says so.

use crate::helpers::{Db, TestApp};
use crate::monitoring::wait_for_state;
use crate::on_each_database;
use crate::products::acme;
use crate::receivers::SmtpServer;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

on_each_database!(a_challenge_page_is_blocked_not_down_and_not_up);

/// A service behind an edge that challenges while `challenging` is set.
async fn service(challenging: Arc<AtomicBool>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/health",
        axum::routing::get(move || {
            let challenging = challenging.clone();
            async move {
                use axum::response::IntoResponse;
                if challenging.load(Ordering::SeqCst) {
                    (
                        axum::http::StatusCode::FORBIDDEN,
                        [("cf-mitigated", "challenge"), ("server", "cloudflare"), ("content-type", "text/html")],
                        testkit::internet::site::CHALLENGE_HTML,
                    )
                        .into_response()
                } else {
                    "all good".into_response()
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/health")
}

async fn a_challenge_page_is_blocked_not_down_and_not_up(db: Db) {
    let smtp = SmtpServer::start().await;
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
    let product: Value = client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let product_id = product["id"].as_str().unwrap().to_owned();
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    let response = app.call(&client, "channels/create", &[("name", "ops"), ("kind", "email"), ("target", "ops@example.com")]).await;
    assert!(response.status().is_success());

    let challenging = Arc::new(AtomicBool::new(false));
    let target = service(challenging.clone()).await;
    let created = app
        .call(
            &client,
            "monitors/create",
            &[
                ("product_id", product_id.as_str()),
                ("name", "Behind the edge"),
                ("kind", "http"),
                ("target", target.as_str()),
                ("interval_secs", "1"),
                ("expected_status", ""),
                ("keyword", ""),
                ("latency_threshold_ms", ""),
                ("confirm_failures", "2"),
                ("confirm_successes", "2"),
                ("enabled", "on"),
            ],
        )
        .await;
    assert!(created.status().is_success(), "create monitor: {}", created.status());
    wait_for_state(&app, &client, &product_id, "Behind the edge", "up").await;

    challenging.store(true, Ordering::SeqCst);
    wait_for_state(&app, &client, &product_id, "Behind the edge", "blocked").await;
    let mail = smtp.wait_for(&["BLOCKED BY THE EDGE", "Behind the edge"]).await;
    // Quoted-printable wraps long lines with a soft break ("=" at the end).
    let body = mail.data.replace("=\r\n", "").replace("=\n", "");
    assert!(body.contains("Cloudflare answered a challenge page"), "{body}");
    assert!(body.contains("not counted as down, nor as up"), "{body}");
    let monitors: Value = app.call(&client, "monitors/list", &[("product_id", product_id.as_str())]).await.json().await.unwrap();
    let monitor = monitors.as_array().unwrap().iter().find(|m| m["name"] == "Behind the edge").unwrap().clone();
    assert_eq!(monitor["last_ok"], Value::Null, "a blocked check measured nothing: {monitor}");
    assert!(monitor["last_message"].as_str().unwrap().starts_with("blocked by the edge"), "{monitor}");
    let incidents: Value = app.call(&client, "incidents/list", &[("product_id", product_id.as_str())]).await.json().await.unwrap();
    assert!(incidents.as_array().unwrap().is_empty(), "a challenge is not an outage: {incidents}");

    challenging.store(false, Ordering::SeqCst);
    wait_for_state(&app, &client, &product_id, "Behind the edge", "up").await;
    smtp.wait_for(&["Reachable again", "Behind the edge"]).await;

    // Uptime counts measured checks only: none of the blocked ones is a failure.
    let failures = scalar(&app, "SELECT COALESCE(SUM(failures), 0) FROM monitor_rollups").await;
    assert_eq!(failures, 0, "a blocked check counted as down in the rollups");
    let blocked = scalar(&app, "SELECT COUNT(*) FROM monitor_results WHERE blocked").await;
    assert!(blocked >= 2, "the blocked results are kept: {blocked}");
    app.stop().await;
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}
