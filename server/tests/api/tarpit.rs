//! Scanner work cannot starve the accounts: while 20 audits sit in a TLS tarpit (a server
//! that drips one byte at a time), sign-in answers, and when the audits reach their deadline
//! the sockets are gone. Password hashing runs on threads of its own and no probe holds a
//! thread (platform::accounts::password_pool, engine::net::tls).

use crate::helpers::{Db, TestApp, PASSWORD};
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use testkit::internet::site::Site;
use testkit::internet::web::TlsStack;
use testkit::internet::{target_for, tarpit, Internet};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_answers_while_twenty_audits_sit_in_a_tarpit() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.signed_up_client("founder@example.com").await;

    let mut site = Site::clean("tarpit-load");
    site.tls = TlsStack::Tarpit;
    let internet = Internet::start(std::slice::from_ref(&site), &[]).await;
    let mut options = internet.options();
    options.limits.request_timeout = Duration::from_secs(8);
    options.deadline = Duration::from_secs(10);
    let audits: Vec<_> = (0..20)
        .map(|_| {
            let (target, options) = (target_for(&site), options.clone());
            tokio::spawn(async move { engine::run_audit(target, options, &|_| {}).await.expect("audit runs") })
        })
        .collect();
    let reached = tarpit::wait_for_held(site.ip, Duration::from_secs(5), |held| held >= 20).await;
    assert!(reached >= 20, "the audits never reached the tarpit ({reached} sockets)");

    let started = Instant::now();
    let signed_in = app.sign_in(&app.new_client(), "founder@example.com", PASSWORD).await.status();
    let took = started.elapsed();
    let still_held = tarpit::open_connections(site.ip);
    eprintln!("sign-in with 20 audits in the tarpit: {} ms ({still_held} tarpit sockets open)", took.as_millis());
    assert_eq!(signed_in, StatusCode::OK);
    assert!(still_held >= 20, "sign-in answered only after the audits let go ({still_held} open)");

    for audit in audits {
        audit.await.unwrap();
    }
    let open = tarpit::wait_for_held(site.ip, Duration::from_secs(4), |held| held == 0).await;
    assert_eq!(open, 0, "sockets outlived the audits");
    app.stop().await;
}
