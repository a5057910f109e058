//! `launchready scan` end to end against the fixture internet of the engine's tests (DNS
//! server, test CA and sites on loopback): the contract CI relies on — exit codes, JSON, the
//! product file — on a clean site and on a site that must be held.

pub(crate) use testkit::internet as fixture;

use fixture::site::{Fixed, Site, CANARY, TOKEN_A, TOKEN_B};
use fixture::Internet;
use std::io::Write;

struct Scan {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary off the runtime's threads, so the fixture servers keep answering.
async fn scan(args: Vec<String>) -> Scan {
    tokio::task::spawn_blocking(move || {
        let output =
            std::process::Command::new(env!("CARGO_BIN_EXE_launchready")).arg("scan").args(&args).env_remove("NO_COLOR").output().unwrap();
        Scan {
            code: output.status.code().unwrap(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn product_file(apex: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    write!(
        file,
        r#"url = "https://{apex}/"
hosts = ["app.{apex}"]
dkim_selectors = ["sel1"]
endpoints = ["/api/health=public,health", "/api/me=authenticated", "/api/admin/users=admin", "/api/login=public,login", "/api/chat=public,chat"]
auth_header = "Authorization: {TOKEN_A}"
chat_canary = "{CANARY}"

[cross_tenant]
object_path = "/api/projects/b-1"
owner_header = "Authorization: {TOKEN_B}"
other_header = "Authorization: {TOKEN_A}"
"#
    )
    .unwrap();
    file
}

fn ca_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".pem").tempfile().unwrap();
    file.write_all(fixture::pki::CA.pem.as_bytes()).unwrap();
    file
}

fn args(internet: &Internet, product: &tempfile::NamedTempFile, ca: &tempfile::NamedTempFile, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "--product".into(),
        product.path().display().to_string(),
        "--resolver".into(),
        internet.dns.addr.to_string(),
        "--ca-file".into(),
        ca.path().display().to_string(),
        "--allow-private-targets".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_site_passes_fail_under_a_with_every_check_run() {
    let site = Site::clean("cli-clean");
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let (product, ca) = (product_file(&site.apex), ca_file());
    let run = scan(args(&internet, &product, &ca, &["--active", "--format", "json", "--fail-under", "A"])).await;
    assert_eq!(run.code, 0, "stderr:\n{}\nstdout:\n{}", run.stderr, run.stdout);
    let card: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(card["decision"], "go");
    let listed = |status: &str| -> Vec<String> {
        card["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == status)
            .map(|c| format!("{}: {} {}", c["id"], c["summary"], c["evidence"]))
            .collect()
    };
    assert_eq!(card["counts"]["fail"], 0, "failed: {:?}", listed("fail"));
    assert_eq!(card["counts"]["skipped"], 0, "with --active and the product file every check applies; skipped: {:?}", listed("skipped"));
    assert_eq!(card["checks"].as_array().unwrap().len(), 52);
    for secret in [TOKEN_A, TOKEN_B, CANARY] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "a credential leaked into the output");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exposed_env_file_holds_and_fails_the_build() {
    let site = Site::clean("cli-dotenv").page(
        "/.env",
        Fixed::ok("text/plain", "DATABASE_URL=postgres://app:hunter2hunter2@db/app\nSTRIPE_SECRET_KEY=sk_live_51Hx0000aaaabbbbcccc\n"),
    );
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let (product, ca) = (product_file(&site.apex), ca_file());
    let run = scan(args(&internet, &product, &ca, &["--format", "markdown", "--fail-under", "D"])).await;
    assert_eq!(run.code, 1, "Hold with --fail-under must exit 1; stderr:\n{}", run.stderr);
    assert!(run.stdout.contains("exposure.dotenv"), "{}", run.stdout);
    assert!(run.stdout.contains("Hold"), "{}", run.stdout);
    assert!(!run.stdout.contains("sk_live_51Hx0000aaaabbbbcccc") && !run.stdout.contains("hunter2hunter2"), "secrets must be redacted");
    // Without --fail-under the same scan succeeds: the report is the product, not the exit code.
    let run = scan(args(&internet, &product, &ca, &["--format", "sarif"])).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "exposure.dotenv" && r["level"] == "error"), "{results:?}");
}
