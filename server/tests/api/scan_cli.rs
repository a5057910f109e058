//! `launchready scan` as CI runs it: the built binary, its exit codes and messages. Nothing
//! here leaves loopback: refused targets stop before any request, and the one scan that runs
//! targets `app.localhost` (answered as loopback by the resolver itself, RFC 6761) with DNS
//! pointed at a closed loopback port. Full scans against the fixture internet live in
//! engine/tests (scan_fixture.rs runs the binary against it here).

use std::io::Write;
use std::process::{Command, Output};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let output: Output = Command::new(env!("CARGO_BIN_EXE_launchready"))
        .arg("scan")
        .args(args)
        // No configuration, no database: a directory without either, and settings that would
        // stop `serve` (production without a secret key) must not matter to `scan`.
        .current_dir(dir.path())
        .env("LAUNCHREADY_ENV", "production")
        .env("LAUNCHREADY_CONFIG", dir.path().join("missing.toml"))
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .output()
        .expect("the launchready binary runs");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[track_caller]
fn assert_usage_error(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 2, "exit code 2 expected; stderr:\n{}", run.stderr);
    for needle in needles {
        assert!(run.stderr.contains(needle), "stderr should mention {needle:?}:\n{}", run.stderr);
    }
    assert!(run.stdout.is_empty(), "nothing on stdout after an error:\n{}", run.stdout);
}

fn temp_file(contents: &str, suffix: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

#[test]
fn help_lists_every_flag_of_the_contract() {
    let run = scan(&["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for flag in [
        "--mail-domain",
        "--dkim-selector",
        "--host",
        "--endpoint",
        "--auth-header",
        "--chat-canary",
        "--product",
        "--active",
        "--format",
        "--output",
        "--fail-under",
        "--timeout",
        "--resolver",
        "--ca-file",
        "--allow-private-targets",
    ] {
        assert!(run.stdout.contains(flag), "{flag} missing from scan --help:\n{}", run.stdout);
    }
}

#[test]
fn a_bad_fail_under_is_a_usage_error() {
    let run = scan(&["example.test", "--fail-under", "E"]);
    assert_usage_error(&run, &["launchready scan: --fail-under must be one of A+, A, B, C, D, F"]);
}

#[test]
fn a_bad_endpoint_is_a_usage_error() {
    let run = scan(&["example.test", "--endpoint", "/admin=everyone"]);
    assert_usage_error(&run, &["launchready scan: --endpoint", "/admin=everyone", "public, authenticated or admin"]);
}

#[test]
fn a_missing_ca_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-ca.pem");
    let run = scan(&["example.test", "--ca-file", missing.to_str().unwrap()]);
    assert_usage_error(&run, &["--ca-file", "no-such-ca.pem"]);
}

#[test]
fn an_unknown_key_in_the_product_file_is_named() {
    let file = temp_file("url = \"example.test\"\nmail_domian = \"example.test\"\n", ".toml");
    let run = scan(&["--product", file.path().to_str().unwrap()]);
    assert_usage_error(&run, &["--product", "mail_domian"]);
}

#[test]
fn an_ip_literal_target_is_a_usage_error() {
    let run = scan(&["https://127.0.0.1/"]);
    assert_usage_error(&run, &["not an IP address"]);
    let run = scan(&["10.0.0.1"]);
    assert_usage_error(&run, &["not an IP address"]);
}

#[test]
fn localhost_is_refused() {
    let run = scan(&["localhost"]);
    assert_usage_error(&run, &["launchready scan: refused", "loopback"]);
}

#[test]
fn a_name_that_resolves_to_loopback_is_refused_without_allow_private_targets() {
    // `app.localhost` is answered 127.0.0.1 by the resolver itself; the closed resolver port
    // guarantees no DNS question leaves the machine whatever happens.
    let run = scan(&["app.localhost", "--resolver", "127.0.0.1:9", "--timeout", "2"]);
    assert_usage_error(&run, &["refused", "127.0.0.1", "loopback", "--allow-private-targets"]);
}

#[test]
fn clap_usage_errors_exit_2() {
    let run = scan(&["example.test", "--no-such-flag"]);
    assert_usage_error(&run, &["--no-such-flag"]);
    let run = scan(&["example.test", "--format", "xml"]);
    assert_usage_error(&run, &["--format", "xml"]);
    let run = scan(&["example.test", "--timeout", "soon"]);
    assert_usage_error(&run, &["--timeout"]);
    let run = scan(&["example.test", "--resolver", "dns.example"]);
    assert_usage_error(&run, &["--resolver"]);
}

#[test]
fn a_target_is_required() {
    let run = scan(&[]);
    assert_usage_error(&run, &["give the URL or domain to scan"]);
}

#[test]
fn a_bad_credential_is_refused_without_echoing_it() {
    let run = scan(&["example.test", "--auth-header", "Bearer sk_live_0123456789"]);
    assert_usage_error(&run, &["--auth-header", "Name: value"]);
    assert!(!run.stderr.contains("sk_live_0123456789"), "{}", run.stderr);
}

/// A whole scan of loopback (allowed explicitly): nothing listens there, so most checks end in
/// error, but the output path, the JSON contract and the exit codes are the real ones.
#[test]
fn a_loopback_scan_writes_json_and_sets_the_exit_code() {
    let base = ["app.localhost", "--allow-private-targets", "--resolver", "127.0.0.1:9", "--timeout", "2"];

    let mut args = base.to_vec();
    args.extend(["--format", "json"]);
    let run = scan(&args);
    assert_eq!(run.code, 0, "without --fail-under the scan succeeds; stderr:\n{}", run.stderr);
    let card: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is exactly the JSON document");
    assert_eq!(card["target"], "https://app.localhost/");
    for field in ["score", "grade", "decision", "duration_ms", "checks", "counts"] {
        assert!(card.get(field).is_some(), "{field} missing");
    }
    let first = &card["checks"][0];
    for field in ["id", "category", "severity", "status", "summary", "evidence", "points"] {
        assert!(first.get(field).is_some(), "checks[].{field} missing");
    }
    assert!(!run.stdout.contains('\x1b'));

    // --fail-under A+ cannot be met here (nothing answers HTTPS): exit 1, report still written.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let mut args = base.to_vec();
    args.extend(["--format", "sarif", "--output", out.to_str().unwrap(), "--fail-under", "A+"]);
    let run = scan(&args);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "the report went to the file");
    assert!(run.stderr.contains("--fail-under"), "{}", run.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "launchready");

    // Text on a pipe: no colour, no progress line.
    let run = scan(&base);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("launchready scan of https://app.localhost/"), "{}", run.stdout);
    assert!(!run.stdout.contains('\x1b') && !run.stderr.contains('\r'), "no escapes off a terminal");
}
