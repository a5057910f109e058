//! Crash safety of the job queue, with real worker processes (`launchready worker`):
//! - a worker killed with SIGKILL in the middle of an audit: another worker picks the job up
//!   once the dead one has missed its heartbeats, and exactly one scorecard is stored;
//! - two workers on one PostgreSQL: every audit runs once, never twice at the same time.
//!
//! The audited host is a tarpit on loopback (it accepts connections and never answers), so an
//! audit lasts its whole deadline and can be interrupted.

use crate::helpers::{Db, TestApp};
use crate::scan_fixture::fixture::dns as fixture_dns;
use platform::entities::{audit, finding};
use sea_orm::ConnectionTrait;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Accepts and holds connections on `ip:443` without a byte of answer.
async fn tarpit(ip: &str) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(format!("{ip}:443")).await.expect("bind the tarpit (root is needed for port 443)");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    })
}

/// One address per test (they run in parallel), unique to this test process.
fn tarpit_ip(test: u8) -> String {
    format!("127.77.{}.{test}", std::process::id() % 250)
}

struct Setup {
    app: TestApp,
    _dns: fixture_dns::DnsServer,
    dns_addr: String,
    _tarpit: tokio::task::JoinHandle<()>,
}

async fn setup(db: Db, names: &[String], test: u8) -> Setup {
    let ip = tarpit_ip(test);
    let records: Vec<fixture_dns::Rec> = names.iter().map(|n| fixture_dns::rec(n, "A", &ip)).collect();
    let dns = fixture_dns::DnsServer::start(&records).await;
    let dns_addr = dns.addr.to_string();
    let tarpit = tarpit(&ip).await;
    let resolver = format!("\"{dns_addr}\"");
    let app = TestApp::spawn_opts(
        db,
        &[("scanner.resolver", resolver.as_str()), ("scanner.allow_private_targets", "true"), ("scanner.audit_deadline_secs", "6")],
        false,
    )
    .await;
    Setup { app, _dns: dns, dns_addr, _tarpit: tarpit }
}

/// A `launchready worker` process on the test's database.
fn worker_process(setup: &Setup) -> Child {
    Command::new(env!("CARGO_BIN_EXE_launchready"))
        .arg("worker")
        .env("LAUNCHREADY_DATABASE_URL", &setup.app.database_url)
        .env("LAUNCHREADY_SECRET_KEY", "test-secret-key-that-is-long-enough-000")
        .env("LAUNCHREADY_DATA_DIR", &setup.app.data_dir)
        .env("LAUNCHREADY_SCANNER__RESOLVER", &setup.dns_addr)
        .env("LAUNCHREADY_SCANNER__ALLOW_PRIVATE_TARGETS", "true")
        .env("LAUNCHREADY_SCANNER__AUDIT_DEADLINE_SECS", "6")
        .env("LAUNCHREADY_WORKER_HEARTBEAT_SECS", "1")
        // Monitors of these products would only hit the tarpit: keep them out of the way.
        .env("LAUNCHREADY_MONITORS__SCHEDULE_EVERY_SECS", "59")
        .env("LAUNCHREADY_LOG_FILTER", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start launchready worker")
}

async fn request_audit(app: &TestApp, client: &reqwest::Client, apex: &str) -> String {
    let id = app.bare_product(client, apex).await;
    let response = client.post(app.url(&format!("/api/v1/products/{id}/audits"))).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
    let audit: Value = response.json().await.unwrap();
    audit["id"].as_str().unwrap().to_owned()
}

async fn row(app: &TestApp, id: &str) -> audit::Model {
    audit::Entity::find_by_id(uuid::Uuid::parse_str(id).unwrap()).one(&app.db).await.unwrap().unwrap()
}

async fn wait_until(app: &TestApp, id: &str, what: &str, timeout: Duration, done: impl Fn(&audit::Model) -> bool) -> audit::Model {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let current = row(app, id).await;
        if done(&current) {
            return current;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "audit {id} never {what}: status {} ({}/{})",
            current.status.0.as_str(),
            current.checks_done,
            current.checks_total
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_audit_is_finished_once_by_another() {
    let setup = setup(Db::Sqlite, &["crashy.test".to_owned()], 1).await;
    let app = &setup.app;
    let client = app.signed_up_client("founder@example.com").await;
    let audit_id = request_audit(app, &client, "crashy.test").await;

    let mut first = worker_process(&setup);
    wait_until(app, &audit_id, "got under way", Duration::from_secs(60), |a| a.status == "running" && a.checks_done > 0).await;
    first.kill().expect("SIGKILL the worker");
    first.wait().unwrap();
    let interrupted = row(app, &audit_id).await;
    assert_eq!(interrupted.status, "running", "killed mid-audit");

    let mut second = worker_process(&setup);
    // The dead worker's job moves after it missed its heartbeats: the audit deadline plus
    // margin (23 s here), then the audit runs again (6 s).
    let finished = wait_until(app, &audit_id, "finished", Duration::from_secs(90), |a| a.status == "done").await;
    second.kill().unwrap();
    second.wait().unwrap();

    assert_eq!(finished.attempts, 2, "started by the killed worker, then once more");
    assert!(finished.decision.is_some() && finished.coverage.is_some(), "a scorecard was stored");
    let audits = audit::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(audits, 1, "one audit row");
    let findings = finding::Entity::find().filter(finding::Column::AuditId.eq(finished.id)).count(&app.db).await.unwrap();
    assert_eq!(findings as i32, finished.checks_total, "exactly one scorecard: one finding per check");
    drop(setup);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_postgres_run_each_audit_once() {
    let Some(url) = crate::helpers::test_pg_url() else { return };
    let names: Vec<String> = (1..=6).map(|i| format!("busy{i}.test")).collect();
    let setup = setup(Db::Postgres(url), &names, 2).await;
    let app = &setup.app;
    let client = app.signed_up_client("founder@example.com").await;
    // Several products: beyond the Free plan.
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    let mut ids = Vec::new();
    for name in &names {
        ids.push(request_audit(app, &client, name).await);
    }
    let mut workers = [worker_process(&setup), worker_process(&setup)];
    for id in &ids {
        let done = wait_until(app, id, "finished", Duration::from_secs(120), |a| a.status == "done").await;
        assert_eq!(done.attempts, 1, "audit {id} was started {} times", done.attempts);
    }
    for worker in &mut workers {
        worker.kill().unwrap();
        worker.wait().unwrap();
    }
    drop(setup);
}
