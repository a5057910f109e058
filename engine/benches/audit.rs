//! A full passive audit of the clean fixture site on loopback, repeated: prints wall-time
//! p50/p95 and the request count. Target: p50 ≤ 1.5 s. Run: `cargo bench -p engine --bench audit`.
//! (Loopback only: the fixture internet of the tests is started in-process.)

use std::time::{Duration, Instant};
use testkit::bench::percentile;
use testkit::internet::site::Site;
use testkit::internet::{target_for, Internet};

fn main() {
    let runs: usize = std::env::var("LAUNCHREADY_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let site = Site::clean("bench");
        let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
        // One warm-up audit: first-use costs (catalog parse, CA roots) are not the steady state.
        let warm = engine::run_audit(target_for(&site), internet.options(), &|_| {}).await.unwrap();
        let mut times = Vec::with_capacity(runs);
        let mut requests = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let card = engine::run_audit(target_for(&site), internet.options(), &|_| {}).await.unwrap();
            times.push(started.elapsed());
            requests.push(card.requests);
            assert_eq!(card.counts.fail, 0, "the clean fixture must stay clean");
        }
        times.sort();
        requests.sort();
        println!("passive audit of the clean fixture site ({} checks, {runs} runs, decision {})", warm.checks.len(), warm.decision.label());
        println!("  wall time p50 {:>8.1} ms", percentile(&times, 50.0).as_secs_f64() * 1000.0);
        println!("  wall time p95 {:>8.1} ms", percentile(&times, 95.0).as_secs_f64() * 1000.0);
        println!("  wall time max {:>8.1} ms", times.last().unwrap().as_secs_f64() * 1000.0);
        println!("  HTTP requests per audit: min {} / max {}", requests[0], requests[requests.len() - 1]);
        println!("  target: p50 <= 1500 ms -> {}", if percentile(&times, 50.0) <= Duration::from_millis(1500) { "met" } else { "NOT met" });
    });
}
