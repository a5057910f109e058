//! Monitor throughput of one worker process: N HTTP monitors (default 10,000) every 60 s
//! against a local HTTP target, run by the real workers (apalis-cron scheduler, monitor batch
//! queue, results, rollups) for a few minutes, on SQLite and, when `LAUNCHREADY_TEST_PG` is set,
//! on PostgreSQL. Prints checks per second, how late each check ran after its slot (p50, p99,
//! max), slots missed, CPU and RSS.
//!
//! Run: `cargo bench -p server --bench monitors`. Knobs (environment):
//! `LAUNCHREADY_BENCH_MONITORS` (10000), `LAUNCHREADY_BENCH_SECONDS` (150),
//! `LAUNCHREADY_BENCH_DB` (sqlite | postgres), and any setting as `LAUNCHREADY_MONITORS__BATCH_SIZE`.
//!
//! The target runs in a child process, so the RSS and CPU printed are the worker's alone.
//! Loopback only.

mod support;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use domain::monitor::{MonitorKind, MonitorState};
use domain::plans::Plan;
use platform::entities::{monitor, monitor_result};
use platform::ids::{MonitorId, OrgId, ProductId, WorkspaceId};
use platform::text_enum::Text;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{cpu_time, percentile, proc_status_kb, BenchDb, Which};

const CHILD_FLAG: &str = "LAUNCHREADY_BENCH_TARGET_CHILD";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    if std::env::var_os(CHILD_FLAG).is_some() {
        serve_target();
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` would too, and gets a no-op.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let monitors: usize = env_or("LAUNCHREADY_BENCH_MONITORS", 10_000);
    let seconds: u64 = env_or("LAUNCHREADY_BENCH_SECONDS", 150);
    let (mut child, port) = start_target();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    for which in Which::from_env() {
        runtime.block_on(run(&which, monitors, seconds, port));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The monitored service: answers `/health` with 200 and a short body, in its own process.
fn serve_target() {
    // The bench holds our stdin open; when it ends (or dies), so do we.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        let app = axum::Router::new().route("/health", axum::routing::get(|| async { "all good" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        axum::serve(listener, app).await.unwrap();
    });
}

fn start_target() -> (Child, u16) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_FLAG, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("target process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().parse().expect("target port"))
}

async fn run(which: &Which, count: usize, seconds: u64, port: u16) {
    let bench = BenchDb::create(which).await;
    let config = support::config_for(&bench.url, bench.dir.path(), "127.0.0.1:0", &[]);
    let (org_id, workspace_id, products) = support::tenant(&bench.db, Plan::Agency, (count / 100).max(1)).await;
    // Slots spread evenly over the first interval, starting a few seconds from now.
    let start = Utc::now() + ChronoDuration::seconds(3);
    let interval = 60;
    let seeded = Instant::now();
    seed_monitors(&bench.db, org_id, workspace_id, &products, count, port, start, interval).await;
    println!(
        "\n{}: {count} HTTP monitors every {interval} s (seeded in {:.1} s), running {seconds} s",
        which.label(),
        seeded.elapsed().as_secs_f64()
    );

    let deps = server::startup::job_deps(&config, &bench.db).unwrap();
    let settings = server::startup::runner_settings(&config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let workers = tokio::spawn(worker::runner::run(deps, settings, async move {
        let _ = stopped.await;
        Ok(())
    }));
    let cpu_before = cpu_time();
    let wall = Instant::now();
    let mut rss_samples = Vec::new();
    while wall.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss_samples.push(proc_status_kb("VmRSS:"));
    }
    let end = Utc::now();
    let _ = stop.send(());
    let _ = workers.await;
    let cpu = cpu_time() - cpu_before;
    let elapsed = wall.elapsed();

    // Slots that fell inside the run and had time to finish (10 s before the end).
    let window_end = end - ChronoDuration::seconds(10);
    let rows: Vec<(DateTime<Utc>, DateTime<Utc>, bool)> = monitor_result::Entity::find()
        .select_only()
        .column(monitor_result::Column::Slot)
        .column(monitor_result::Column::CheckedAt)
        .column(monitor_result::Column::Ok)
        .filter(monitor_result::Column::Slot.lt(window_end))
        .into_tuple()
        .all(&bench.db)
        .await
        .unwrap();
    let expected = expected_slots(count, start, interval, window_end);
    let failed = rows.iter().filter(|r| !r.2).count();
    let mut delays: Vec<f64> = rows.iter().map(|(slot, at, _)| (*at - *slot).num_milliseconds().max(0) as f64 / 1000.0).collect();
    delays.sort_by(f64::total_cmp);
    let window_secs = (window_end - start).num_milliseconds() as f64 / 1000.0;
    rss_samples.sort();
    println!(
        "  checks done      {:>8}  of {expected} slots due in the first {window_secs:.0} s ({} missed, {failed} failed)",
        rows.len(),
        expected.saturating_sub(rows.len())
    );
    println!("  checks/second    {:>8.1}  (needed for {count}/min: {:.1})", rows.len() as f64 / window_secs, count as f64 / 60.0);
    if !delays.is_empty() {
        println!(
            "  delay after slot p50 {:.2} s, p99 {:.2} s, max {:.2} s",
            percentile(&delays, 50.0),
            percentile(&delays, 99.0),
            delays[delays.len() - 1]
        );
    }
    println!(
        "  CPU              {:>8.1} s in {:.0} s wall ({:.0}% of one core)",
        cpu.as_secs_f64(),
        elapsed.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / elapsed.as_secs_f64()
    );
    println!(
        "  RSS              p50 {:.0} MB, max {:.0} MB (peak VmHWM {:.0} MB)",
        percentile(&rss_samples, 50.0) as f64 / 1024.0,
        *rss_samples.last().unwrap_or(&0) as f64 / 1024.0,
        proc_status_kb("VmHWM:") as f64 / 1024.0
    );
    bench.remove().await;
}

/// How many slots of `count` monitors spread over one interval from `start` fall before `end`.
fn expected_slots(count: usize, start: DateTime<Utc>, interval: i64, end: DateTime<Utc>) -> usize {
    (0..count)
        .map(|i| {
            let first = start + ChronoDuration::milliseconds(offset_ms(i, count, interval));
            if first >= end {
                0
            } else {
                // Slots at first, first + interval, … before end. Under a millisecond apart,
                // num_milliseconds() is 0: clamp, or `0 - 1` wraps to a huge count.
                ((end - first).num_milliseconds() - 1).max(0) as usize / (interval as usize * 1000) + 1
            }
        })
        .sum()
}

fn offset_ms(i: usize, count: usize, interval: i64) -> i64 {
    (i as i64 * interval * 1000) / count.max(1) as i64
}

#[allow(clippy::too_many_arguments)]
async fn seed_monitors(
    db: &sea_orm::DatabaseConnection,
    org_id: OrgId,
    workspace_id: WorkspaceId,
    products: &[ProductId],
    count: usize,
    port: u16,
    start: DateTime<Utc>,
    interval: i64,
) {
    let now = Utc::now();
    let rows: Vec<monitor::ActiveModel> = (0..count)
        .map(|i| monitor::ActiveModel {
            id: Set(MonitorId::new_random()),
            org_id: Set(org_id),
            workspace_id: Set(workspace_id),
            product_id: Set(products[i % products.len()]),
            kind: Set(Text(MonitorKind::Http)),
            name: Set(format!("Health {i}")),
            target: Set(format!("http://127.0.0.1:{port}/health")),
            interval_secs: Set(interval as i32),
            expected_status: Set(None),
            keyword: Set(Some("good".into())),
            latency_threshold_ms: Set(None),
            confirm_failures: Set(2),
            confirm_successes: Set(2),
            enabled: Set(true),
            is_primary: Set(false),
            paused_by_plan: Set(false),
            state: Set(Text(MonitorState::Unknown)),
            consecutive_failures: Set(0),
            consecutive_successes: Set(0),
            consecutive_blocked: Set(0),
            last_checked_at: Set(None),
            last_ok: Set(None),
            last_message: Set(None),
            last_latency_ms: Set(None),
            // Whole milliseconds: both databases store them exactly.
            next_due_at: Set(start + ChronoDuration::milliseconds(offset_ms(i, count, interval))),
            open_incident_id: Set(None),
            cert_expiry_stage: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    for chunk in rows.chunks(500) {
        monitor::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
    }
}
