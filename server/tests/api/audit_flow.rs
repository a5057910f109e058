//! Flow 1 through the platform, against the fixture internet on loopback (its DNS server, test
//! CA and sites): an audit requested over the API runs as a job, stores its scorecard (every
//! check, findings only, no response bodies), and the next audit carries a diff. A regression
//! (a new high failure) alerts the owner's channels.

use crate::helpers::{Db, TestApp};
use crate::on_each_database;
use crate::receivers::SmtpServer;
use crate::scan_fixture::fixture::site::{Fixed, Site};
use crate::scan_fixture::fixture::{pki, Internet};
use chrono::{Duration, Utc};
use platform::entities::finding;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use std::io::Write;

const SECRET: &str = "sk_live_51Hx0000aaaabbbbcccc";

on_each_database!(audits_store_scorecards_and_diffs);

async fn audits_store_scorecards_and_diffs(db: Db) {
    let label = format!("plat{}", uuid::Uuid::new_v4().simple().to_string().get(..8).unwrap());
    let clean = Site::clean(&format!("{label}-a"));
    let leaky = Site::clean(&format!("{label}-b")).page("/.env", Fixed::ok("text/plain", &format!("STRIPE_SECRET_KEY={SECRET}\n")));
    let internet = Internet::start(&[clean.clone(), leaky.clone()], &[]).await;
    let mut ca = tempfile::Builder::new().suffix(".pem").tempfile().unwrap();
    ca.write_all(pki::CA.pem.as_bytes()).unwrap();
    let smtp = SmtpServer::start().await;
    let (resolver, ca_path, smtp_url) =
        (format!("\"{}\"", internet.dns.addr), format!("\"{}\"", ca.path().display()), format!("\"{}\"", smtp.url()));
    let overrides = [
        ("scanner.resolver", resolver.as_str()),
        ("scanner.ca_file", ca_path.as_str()),
        ("scanner.allow_private_targets", "true"),
        ("smtp_url", smtp_url.as_str()),
    ];
    let app = TestApp::spawn_opts(db, &overrides, false).await;
    let client = app.confirmed_client("auditor@example.com").await;
    assert!(app
        .call(&client, "channels/create", &[("name", "Team"), ("kind", "email"), ("target", "team@example.com")])
        .await
        .status()
        .is_success());

    let product_json = |site: &Site| {
        json!({
            "name": "Platform", "apex_domain": site.apex, "app_host": format!("app.{}", site.apex), "api_host": "",
            "mail_domain": "", "dkim_selectors": "sel1", "endpoints": "/api/health=public,health"
        })
    };
    let product: Value = client.post(app.url("/api/v1/products")).json(&product_json(&clean)).send().await.unwrap().json().await.unwrap();
    let product_id = product["id"].as_str().unwrap().to_owned();
    let mut now = Utc::now();
    let mut audit = async |client: &reqwest::Client| -> Value {
        let requested = client.post(app.url(&format!("/api/v1/products/{product_id}/audits"))).send().await.unwrap();
        assert_eq!(requested.status(), 202);
        let id = requested.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        now += Duration::minutes(1);
        app.run_until_idle(now).await;
        client.get(app.url(&format!("/api/v1/audits/{id}/scorecard"))).send().await.unwrap().json().await.unwrap()
    };

    // 1. The clean site: Go, every check stored as a finding, no diff (nothing to compare).
    let first = audit(&client).await;
    assert_eq!(first["summary"]["status"], "done", "{first}");
    assert_eq!(first["summary"]["decision"], "go", "{}", failing(&first));
    assert_eq!(first["findings"].as_array().unwrap().len(), 52);
    assert!(first["diff"].is_null());

    // 2. The product now points at a host serving its .env: Hold, a diff naming the new
    //    failure, a regression alert, and the secret nowhere in what was stored.
    let moved = client.put(app.url(&format!("/api/v1/products/{product_id}"))).json(&product_json(&leaky)).send().await.unwrap();
    assert!(moved.status().is_success(), "{}", moved.status());
    let second = audit(&client).await;
    assert_eq!(second["summary"]["decision"], "hold", "{}", failing(&second));
    let diff = &second["diff"];
    assert_eq!(diff["previous_id"], first["summary"]["id"]);
    assert!(ids(&diff["new_failures"]).contains(&"exposure.dotenv".to_owned()), "{diff}");
    let mail = smtp.wait_for(&["regression", "Platform"]).await;
    assert_eq!(mail.to, vec!["team@example.com".to_owned()]);
    assert!(!second.to_string().contains(SECRET), "the scorecard redacts the secret");
    let stored: Vec<finding::Model> = finding::Entity::find().all(&app.db).await.unwrap();
    assert!(stored.iter().all(|f| !f.detail.contains(SECRET)), "findings at rest hold no secret");
    assert_eq!(finding::Entity::find().count(&app.db).await.unwrap(), 104, "52 findings per audit");

    // 3. Back on the clean site: the diff lists the fix.
    let fixed = client.put(app.url(&format!("/api/v1/products/{product_id}"))).json(&product_json(&clean)).send().await.unwrap();
    assert!(fixed.status().is_success());
    let third = audit(&client).await;
    assert_eq!(third["summary"]["decision"], "go");
    assert!(ids(&third["diff"]["fixed"]).contains(&"exposure.dotenv".to_owned()), "{}", third["diff"]);
    assert!(ids(&third["diff"]["new_failures"]).is_empty(), "{}", third["diff"]);

    // The history lists the three runs, newest first.
    let history: Value = client.get(app.url(&format!("/api/v1/products/{product_id}/audits"))).send().await.unwrap().json().await.unwrap();
    let decisions: Vec<&str> = history.as_array().unwrap().iter().map(|a| a["decision"].as_str().unwrap_or_default()).collect();
    assert_eq!(decisions, ["go", "hold", "go"]);
    app.stop().await;
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().map(|l| l.iter().filter_map(|f| f["id"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn failing(card: &Value) -> String {
    card["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| format!("{}: {}", f["id"], f["summary"]))
        .collect::<Vec<_>>()
        .join("\n")
}
