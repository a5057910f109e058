//! Fair use of the shared audit workers: one tenant's backlog does not delay another tenant's
//! first audit, audits asked for by people and the API are limited per hour by the plan (429
//! with `Retry-After`), and a lost audit job is queued again once, never twice, and never
//! restarts an audit that is running.

use crate::helpers::{Db, TestApp};
use crate::on_each_database;
use chrono::Utc;
use platform::entities::audit;
use platform::ids::AuditId;
use platform::jobs::{AuditJob, Job, Queues};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use std::time::Duration;
use testkit::internet::dns::{rec, DnsServer};
use testkit::internet::{tarpit, web::next_ip};

on_each_database!(one_backlog_does_not_delay_another_tenants_first_audit, a_lost_audit_job_is_queued_again_once);

async fn request(app: &TestApp, client: &reqwest::Client, product_id: &str) -> reqwest::Response {
    client.post(app.url(&format!("/api/v1/products/{product_id}/audits"))).send().await.unwrap()
}

async fn audits_of(app: &TestApp, product_id: &str) -> Vec<audit::Model> {
    let id = uuid::Uuid::parse_str(product_id).unwrap();
    audit::Entity::find().filter(audit::Column::ProductId.eq(id)).order_by_asc(audit::Column::CreatedAt).all(&app.db).await.unwrap()
}

async fn one_backlog_does_not_delay_another_tenants_first_audit(db: Db) {
    // Every audit holds a TLS tarpit until its 3 s deadline, so each lasts the same time.
    let ip = next_ip();
    tarpit::serve(ip).await;
    let dns = DnsServer::start(&[rec("backlog.test", "A", &ip.to_string()), rec("first.test", "A", &ip.to_string())]).await;
    let resolver = format!("\"{}\"", dns.addr);
    let overrides = [
        ("scanner.resolver", resolver.as_str()),
        ("scanner.allow_private_targets", "true"),
        ("scanner.audit_deadline_secs", "3"),
        ("monitors.schedule_every_secs", "59"),
    ];
    let app = TestApp::spawn_opts(db, &overrides, true).await;

    // Tenant A: fifty audits waiting (one asked for, forty-nine more as a backlog would be).
    let a = app.signed_up_client("backlog@example.com").await;
    let a_product = app.bare_product(&a, "backlog.test").await;
    assert_eq!(request(&app, &a, &a_product).await.status(), StatusCode::ACCEPTED);
    let first = audits_of(&app, &a_product).await.remove(0);
    let queues = Queues::for_db(&app.db);
    for n in 1..50 {
        let mut row = first.clone();
        row.id = AuditId::new_random();
        row.status = platform::text_enum::Text(domain::audit::AuditStatus::Queued);
        row.attempts = 0;
        row.started_at = None;
        row.created_at = first.created_at + chrono::Duration::milliseconds(n);
        row.clone().into_active_model().reset_all().insert(&app.db).await.unwrap();
        queues.audits.push(AuditJob { audit_id: row.id }).await.unwrap();
    }

    // Tenant B asks for its first audit behind them.
    let b = app.signed_up_client("first@example.com").await;
    let b_product = app.bare_product(&b, "first.test").await;
    assert_eq!(request(&app, &b, &b_product).await.status(), StatusCode::ACCEPTED);
    let mut b_audit = audits_of(&app, &b_product).await.remove(0);
    // Generous: the whole suite runs at once on two cores.
    for _ in 0..600 {
        if b_audit.started_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        b_audit = audits_of(&app, &b_product).await.remove(0);
    }
    let b_started = b_audit.started_at.expect("B's audit started within 60 s");
    let a_runs = audits_of(&app, &a_product).await;
    let started_before_b = a_runs.iter().filter(|r| r.started_at.is_some_and(|s| s < b_started)).count();
    let mut finished: Vec<_> = a_runs.iter().filter_map(|r| r.finished_at).collect();
    finished.sort();
    assert!(started_before_b <= 3, "{started_before_b} of A's audits started before B's first");
    if let Some(third) = finished.get(2) {
        assert!(b_started < *third, "B started at {b_started}, after A's third finished at {third}");
    }
    app.stop().await;
}

async fn a_lost_audit_job_is_queued_again_once(db: Db) {
    let app = TestApp::spawn_opts(db, &[("scanner.audit_deadline_secs", "5")], false).await;
    let client = app.signed_up_client("lost@example.com").await;
    let product_id = app.bare_product(&client, "lost.test").await;
    assert_eq!(request(&app, &client, &product_id).await.status(), StatusCode::ACCEPTED);
    // A crash between writing the row and pushing its job: the row waits without a job.
    let jobs_table = if app.database_url.starts_with("postgres") { "apalis.jobs" } else { "Jobs" };
    app.db.execute_unprepared(&format!("DELETE FROM {jobs_table} WHERE job_type = '{}'", AuditJob::QUEUE)).await.unwrap();
    let outstanding = || platform::jobs::outstanding_in_queue(&app.db, AuditJob::QUEUE);
    assert_eq!(outstanding().await.unwrap(), 0);

    // Two sweeps (the maintenance schedule runs in every process): one job, not two.
    let deps = app.worker_deps();
    worker::jobs::maintenance::run_once(&deps, Utc::now()).await.unwrap();
    worker::jobs::maintenance::run_once(&deps, Utc::now()).await.unwrap();
    assert_eq!(outstanding().await.unwrap(), 1, "the lost job is queued again exactly once");

    // A running audit of another product is never restarted by a job too many.
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    let busy_product = app.bare_product(&client, "busy.test").await;
    assert_eq!(request(&app, &client, &busy_product).await.status(), StatusCode::ACCEPTED);
    let busy = audits_of(&app, &busy_product).await.remove(0);
    let mut running = busy.clone().into_active_model();
    running.status = sea_orm::Set(platform::text_enum::Text(domain::audit::AuditStatus::Running));
    running.attempts = sea_orm::Set(1);
    running.started_at = sea_orm::Set(Some(Utc::now()));
    running.update(&app.db).await.unwrap();
    Queues::for_db(&app.db).audits.push(AuditJob { audit_id: busy.id }).await.unwrap();

    app.run_until_idle(Utc::now()).await;
    let lost = audits_of(&app, &product_id).await.remove(0);
    // (Nothing answers for lost.test here: the run ends failed or done, but it ran, once.)
    assert!(
        matches!(lost.status.as_str(), "done" | "failed") && lost.attempts == 1,
        "{} after {} runs",
        lost.status.as_str(),
        lost.attempts
    );
    let busy = audits_of(&app, &busy_product).await.remove(0);
    assert_eq!((busy.status.as_str(), busy.attempts), ("running", 1), "the running audit was left alone");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audits_on_demand_stop_at_the_hourly_limit() {
    let app = TestApp::spawn_opts(Db::Sqlite, &[("plans.free.audits_per_hour", "2")], false).await;
    let client = app.signed_up_client("eager@example.com").await;
    let product_id = app.bare_product(&client, "eager.test").await;
    for _ in 0..2 {
        assert_eq!(request(&app, &client, &product_id).await.status(), StatusCode::ACCEPTED);
        // Finished, so the next request makes a new audit rather than answering this one.
        app.db.execute_unprepared("UPDATE audits SET status = 'done'").await.unwrap();
    }
    let refused = request(&app, &client, &product_id).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&wait), "the oldest leaves the hour's window in {wait} s");
    let page = app.call(&client, "audits/request", &[("product_id", &product_id)]).await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS, "the page's button too");
    assert_eq!(audits_of(&app, &product_id).await.len(), 2, "nothing was queued");
    app.stop().await;
}
