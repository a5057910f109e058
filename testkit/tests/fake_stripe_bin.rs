//! The `fake-stripe` binary the browser tests start: it binds loopback only, says where it
//! listens, refuses a wrong API key and creates a customer for the right one. (Running this
//! test is also what builds the binary beside the test build: see testkit/Cargo.toml.)

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fake_stripe(bind: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fake-stripe"));
    command.args([
        "--bind",
        bind,
        "--api-key",
        "sk_test_bin",
        "--webhook-secret",
        "whsec_bin",
        "--webhook-url",
        "http://127.0.0.1:9/webhooks/stripe",
    ]);
    command
}

#[test]
fn refuses_to_bind_outside_loopback() {
    let output = fake_stripe("0.0.0.0:0").output().unwrap();
    assert!(!output.status.success(), "a non-loopback bind must fail");
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback only"));
}

#[tokio::test]
async fn serves_the_api_behind_its_key() {
    let mut child = fake_stripe("127.0.0.1:0").stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Killed(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let base = line.trim().strip_prefix("fake Stripe on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let wrong = http.post(format!("{base}/v1/customers")).bearer_auth("sk_test_wrong").form(&[("email", "a@b.test")]).send().await.unwrap();
    assert_eq!(wrong.status(), 401);

    let created = http.post(format!("{base}/v1/customers")).bearer_auth("sk_test_bin").form(&[("email", "a@b.test")]).send().await.unwrap();
    assert_eq!(created.status(), 200);
    let customer: serde_json::Value = created.json().await.unwrap();
    assert!(customer["id"].as_str().unwrap().starts_with("cus_"), "{customer}");
    assert_eq!(customer["email"], "a@b.test");
    drop(child);
}
