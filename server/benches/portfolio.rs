//! Portfolio response time for an agency with 100 client workspaces × 10 products (each with
//! a monitor, 7 days of daily rollups, 6 finished audits; a quarter with an open incident),
//! served by the real server: the portfolio's server function (JSON) and the whole
//! server-rendered `/app/portfolio` page, p50 and p95 over repeated requests, on SQLite and,
//! when `LAUNCHREADY_TEST_PG` is set, on PostgreSQL.
//!
//! Run: `cargo bench -p server --bench portfolio`. `LAUNCHREADY_BENCH_RUNS` (50) requests each.
//! Loopback only.

mod support;

use domain::plans::Plan;
use platform::entities::{membership, organization, user};
use platform::text_enum::Text;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::time::{Duration, Instant};
use support::{ms, percentile, BenchDb, Which};

const WORKSPACES: usize = 100;
const PRODUCTS_PER_WORKSPACE: usize = 10;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runs: usize = std::env::var("LAUNCHREADY_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
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
    for endpoint in ["auth/sign_up", "auth/sign_in"] {
        let response = client
            .post(format!("{base}/api/{endpoint}"))
            .form(&[("email", "agency@example.com"), ("password", "correct horse battery staple")])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{endpoint}: {}", response.status());
    }
    let user = user::Entity::find().filter(user::Column::Email.eq("agency@example.com")).one(&bench.db).await.unwrap().unwrap();
    let org_id = membership::Entity::find().filter(membership::Column::UserId.eq(user.id)).one(&bench.db).await.unwrap().unwrap().org_id;
    organization::ActiveModel { id: Set(org_id), plan: Set(Text(Plan::Agency)), ..Default::default() }.update(&bench.db).await.unwrap();
    let seeded = Instant::now();
    testkit::portfolio::seed(&bench.db, org_id, WORKSPACES, PRODUCTS_PER_WORKSPACE).await;
    println!(
        "\n{}: portfolio of {WORKSPACES} workspaces × {PRODUCTS_PER_WORKSPACE} products (seeded in {:.1} s), {runs} requests each",
        which.label(),
        seeded.elapsed().as_secs_f64()
    );
    for (label, page) in [("portfolio/get (JSON)", false), ("GET /app/portfolio (page)", true)] {
        for _ in 0..3 {
            send(&client, &base, page).await;
        }
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        for _ in 0..runs {
            let started = Instant::now();
            bytes = send(&client, &base, page).await;
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "  {label:<28} p50 {:>7.1} ms  p95 {:>7.1} ms  max {:>7.1} ms  ({} KB)",
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

/// One request; the body's size after checking it lists the last product.
async fn send(client: &reqwest::Client, base: &str, page: bool) -> usize {
    let response = if page {
        client.get(format!("{base}/app/portfolio")).send().await.unwrap()
    } else {
        client.post(format!("{base}/api/portfolio/get")).form(&[("", "")]).send().await.unwrap()
    };
    assert!(response.status().is_success(), "portfolio: {}", response.status());
    let body = response.text().await.unwrap();
    assert!(body.contains("Product 0999"), "the portfolio lists every product");
    body.len()
}

fn client_for(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base.parse().unwrap());
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap()
}
