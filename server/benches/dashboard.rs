//! Dashboard response time for a tenant with 1,000 monitors (10 products × 100) and 30 days of
//! rollups (hourly and daily), 10 finished audits per product and a few incidents, served by
//! the real server: the dashboard's server function (JSON) and the whole server-rendered
//! `/app` page, p50 and p95 over repeated requests, on SQLite and, when `LAUNCHREADY_TEST_PG`
//! is set, on PostgreSQL.
//!
//! Run: `cargo bench -p server --bench dashboard`. `LAUNCHREADY_BENCH_RUNS` (100) requests each.
//! Loopback only.

mod support;

use chrono::{Duration as ChronoDuration, DurationRound, Utc};
use domain::audit::{AuditStatus, AuditTrigger};
use domain::monitor::{MonitorKind, MonitorState};
use domain::plans::Plan;
use domain::scorecard::{Decision, Grade};
use platform::entities::{audit, incident, membership, monitor, monitor_rollup, organization, user};
use platform::ids::{AuditId, IncidentId, MonitorId, OrgId, ProductId};
use platform::monitors::rollups::Period;
use platform::text_enum::Text;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::time::{Duration, Instant};
use support::{ms, percentile, BenchDb, Which};

const PRODUCTS: usize = 10;
const MONITORS_PER_PRODUCT: usize = 100;
const DAYS: i64 = 30;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runs: usize = std::env::var("LAUNCHREADY_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    for which in Which::from_env() {
        runtime.block_on(run(&which, runs));
    }
}

async fn run(which: &Which, runs: usize) {
    let bench = BenchDb::create(which).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bind = listener.local_addr().unwrap().to_string();
    let config = support::config_for(&bench.url, bench.dir.path(), &bind, &[]);
    let app = server::startup::Application::build_on(&config, bench.db.clone(), listener, false).unwrap();
    let shutdown = server::startup::Shutdown::new();
    let stop = shutdown.clone();
    let served = tokio::spawn(async move { app.run_until(stop).await });
    let base = format!("http://{bind}");
    let client = client_for(&base);

    let signed_up = client
        .post(format!("{base}/api/auth/sign_up"))
        .form(&[("email", "bench@example.com"), ("password", "correct horse battery staple")])
        .send()
        .await
        .unwrap();
    assert!(signed_up.status().is_success(), "sign up: {}", signed_up.status());
    // Sign-up does not sign in (it answers the same for a taken address); the password does.
    let signed_in = client
        .post(format!("{base}/api/auth/sign_in"))
        .form(&[("email", "bench@example.com"), ("password", "correct horse battery staple")])
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success(), "sign in: {}", signed_in.status());
    let user = user::Entity::find().filter(user::Column::Email.eq("bench@example.com")).one(&bench.db).await.unwrap().unwrap();
    let org_id = membership::Entity::find().filter(membership::Column::UserId.eq(user.id)).one(&bench.db).await.unwrap().unwrap().org_id;
    organization::ActiveModel { id: Set(org_id), plan: Set(Text(Plan::Agency)), ..Default::default() }.update(&bench.db).await.unwrap();
    let seeded = Instant::now();
    let rows = seed(&bench.db, org_id).await;
    println!(
        "\n{}: dashboard of {} monitors, {} rollup rows over {DAYS} days (seeded in {:.1} s), {runs} requests each",
        which.label(),
        PRODUCTS * MONITORS_PER_PRODUCT,
        rows,
        seeded.elapsed().as_secs_f64()
    );

    for (label, request) in [("dashboard/get (JSON)", Request::ServerFn), ("GET /app (whole page)", Request::Page)] {
        // Warm-up: connections and caches, as on a server that has been up a while.
        for _ in 0..3 {
            request.send(&client, &base).await;
        }
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        for _ in 0..runs {
            let started = Instant::now();
            bytes = request.send(&client, &base).await;
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "  {label:<24} p50 {:>7.1} ms  p95 {:>7.1} ms  max {:>7.1} ms  ({} KB)",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0)),
            ms(*times.last().unwrap()),
            bytes / 1024
        );
    }
    shutdown.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), served).await;
    bench.remove().await;
}

#[derive(Clone, Copy)]
enum Request {
    ServerFn,
    Page,
}

impl Request {
    /// Sends one request; returns the body's size after checking it is the dashboard.
    async fn send(self, client: &reqwest::Client, base: &str) -> usize {
        let response = match self {
            Request::ServerFn => client.post(format!("{base}/api/dashboard/get")).form(&[("", "")]).send().await.unwrap(),
            Request::Page => client.get(format!("{base}/app")).send().await.unwrap(),
        };
        assert!(response.status().is_success(), "dashboard: {}", response.status());
        let body = response.text().await.unwrap();
        assert!(body.contains("Product 000"), "the dashboard lists the products");
        body.len()
    }
}

fn client_for(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base.parse().unwrap());
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap()
}

/// Products, monitors, rollups, audits and incidents; returns the number of rollup rows.
async fn seed(db: &sea_orm::DatabaseConnection, org_id: OrgId) -> usize {
    let now = Utc::now();
    let (_, workspace_id, products) = support::workspace_for(db, org_id, PRODUCTS, now).await;
    let this_hour = now.duration_trunc(ChronoDuration::hours(1)).unwrap();
    let today = now.duration_trunc(ChronoDuration::days(1)).unwrap();
    let mut monitors = Vec::new();
    let mut rollups = 0;
    for (p, product_id) in products.iter().enumerate() {
        for m in 0..MONITORS_PER_PRODUCT {
            let id = MonitorId::new_random();
            let down = m == 0 && p % 3 == 0;
            monitors.push(monitor::ActiveModel {
                id: Set(id),
                org_id: Set(org_id),
                workspace_id: Set(workspace_id),
                product_id: Set(*product_id),
                kind: Set(Text(MonitorKind::Http)),
                name: Set(format!("Endpoint {m}")),
                target: Set(format!("https://p{p}.bench.test/e{m}")),
                interval_secs: Set(60),
                expected_status: Set(None),
                keyword: Set(None),
                latency_threshold_ms: Set(None),
                confirm_failures: Set(2),
                confirm_successes: Set(2),
                // Not due during the bench (and no worker runs in it).
                enabled: Set(true),
                is_primary: Set(m == 0),
                paused_by_plan: Set(false),
                state: Set(Text(if down { MonitorState::Down } else { MonitorState::Up })),
                consecutive_failures: Set(0),
                consecutive_successes: Set(0),
                consecutive_blocked: Set(0),
                last_checked_at: Set(Some(now)),
                last_ok: Set(Some(!down)),
                last_message: Set(None),
                last_latency_ms: Set(Some(120)),
                next_due_at: Set(now + ChronoDuration::days(1)),
                open_incident_id: Set(None),
                cert_expiry_stage: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
            // The rollups reference the monitor: it goes in first.
            monitor::Entity::insert(monitors.last().cloned().unwrap()).exec(db).await.unwrap();
            let mut batch = Vec::with_capacity(24 * DAYS as usize + DAYS as usize);
            for h in 0..24 * DAYS {
                batch.push(rollup(
                    id,
                    org_id,
                    *product_id,
                    Period::Hour,
                    this_hour - ChronoDuration::hours(h),
                    60,
                    (h + m as i64) % 97 == 0,
                ));
            }
            for d in 0..DAYS {
                batch.push(rollup(id, org_id, *product_id, Period::Day, today - ChronoDuration::days(d), 1440, (d + m as i64) % 11 == 0));
            }
            rollups += batch.len();
            for chunk in batch.chunks(400) {
                monitor_rollup::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
            }
        }
        for a in 0..10 {
            let at = now - ChronoDuration::days(3 * a);
            let score = 60 + ((p as i32 * 7 + a as i32 * 3) % 40);
            audit::ActiveModel {
                id: Set(AuditId::new_random()),
                org_id: Set(org_id),
                workspace_id: Set(workspace_id),
                product_id: Set(*product_id),
                trigger: Set(Text(AuditTrigger::Scheduled)),
                scheduled_for: Set(None),
                status: Set(Text(AuditStatus::Done)),
                requested_by: Set(None),
                active: Set(false),
                checks_done: Set(52),
                checks_total: Set(52),
                score: Set(Some(score)),
                grade: Set(Some(Text(if score >= 90 {
                    Grade::A
                } else if score >= 80 {
                    Grade::B
                } else {
                    Grade::C
                }))),
                decision: Set(Some(Text(Decision::GoAfterFixes))),
                decision_reason: Set(Some("2 high findings".into())),
                counts: Set(Some(r#"{"pass":40,"warn":6,"fail":4,"error":0,"skipped":2}"#.into())),
                engine_version: Set(Some("bench".into())),
                duration_ms: Set(Some(1200)),
                requests: Set(Some(80)),
                error: Set(None),
                attempts: Set(1),
                created_at: Set(at),
                started_at: Set(Some(at)),
                finished_at: Set(Some(at)),
                rubric_version: Set(Some(domain::rubric::CURRENT as i32)),
                coverage: Set(Some(r#"{"ran":50,"applicable":50,"total":52}"#.into())),
                causes: Set(Some("[]".into())),
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
    // Incidents: a resolved one per product per few days, and the open ones of the down monitors.
    let all: Vec<monitor::Model> = monitor::Entity::find().filter(monitor::Column::OrgId.eq(org_id)).all(db).await.unwrap();
    for (i, m) in all.iter().filter(|m| m.is_primary).enumerate() {
        for d in (1..DAYS).step_by(5) {
            let opened = now - ChronoDuration::days(d) - ChronoDuration::minutes(i as i64);
            incident_row(db, m, opened, Some(opened + ChronoDuration::minutes(7))).await;
        }
        if m.state == "down" {
            incident_row(db, m, now - ChronoDuration::minutes(12), None).await;
        }
    }
    rollups
}

fn rollup(
    monitor_id: MonitorId,
    org_id: OrgId,
    product_id: ProductId,
    period: Period,
    bucket_start: chrono::DateTime<Utc>,
    checks: i32,
    bad: bool,
) -> monitor_rollup::ActiveModel {
    let failures = if bad { checks / 20 } else { 0 };
    let fast = checks - failures;
    monitor_rollup::ActiveModel {
        monitor_id: Set(monitor_id),
        period: Set(Text(period)),
        bucket_start: Set(bucket_start),
        org_id: Set(org_id),
        product_id: Set(product_id),
        checks: Set(checks),
        failures: Set(failures),
        server_errors: Set(failures / 2),
        latency_sum_ms: Set(i64::from(checks) * 140),
        lat0: Set(0),
        lat1: Set(fast / 4),
        lat2: Set(fast / 2),
        lat3: Set(fast - fast / 4 - fast / 2),
        lat4: Set(failures),
        lat5: Set(0),
        lat6: Set(0),
        lat7: Set(0),
        lat8: Set(0),
        lat9: Set(0),
        lat10: Set(0),
    }
}

async fn incident_row(
    db: &sea_orm::DatabaseConnection,
    m: &monitor::Model,
    opened_at: chrono::DateTime<Utc>,
    resolved_at: Option<chrono::DateTime<Utc>>,
) {
    incident::ActiveModel {
        id: Set(IncidentId::new_random()),
        org_id: Set(m.org_id),
        product_id: Set(m.product_id),
        monitor_id: Set(m.id),
        opened_at: Set(opened_at),
        resolved_at: Set(resolved_at),
        cause: Set("HTTP 503".into()),
        last_error: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
}
