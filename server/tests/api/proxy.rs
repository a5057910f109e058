//! Behind the TLS-terminating proxy of a real deployment: the client is the address the
//! trusted proxy forwards, so one client's flood throttles that client only, an attacker
//! cannot lock a named user out, logs name the real client, and the development outbox is
//! never shown to anyone off the machine. The proxy here is the test's own client on loopback
//! (127.0.0.1 is configured as the trusted proxy) sending `X-Forwarded-For`.

use crate::helpers::{captured_logs, Db, TestApp, PASSWORD};
use crate::on_each_database;
use reqwest::StatusCode;

on_each_database!(
    a_flood_from_one_forwarded_client_does_not_stop_another,
    an_untrusted_peer_cannot_choose_its_address,
    the_outbox_is_for_loopback_clients_of_a_loopback_server,
);

const BEHIND_PROXY: &[(&str, &str)] = &[
    ("trusted_proxies", "[\"127.0.0.1/32\", \"::1\"]"),
    ("throttle.sign_in_per_ip_per_minute", "20"),
    ("throttle.sign_in_per_account_per_minute", "5"),
];

async fn a_flood_from_one_forwarded_client_does_not_stop_another(db: Db) {
    let app = TestApp::spawn_with(db, BEHIND_PROXY).await;
    app.sign_up(&app.client_behind_proxy("198.51.100.20"), "owner@example.com", PASSWORD).await;

    // 20 bad sign-ins a minute from one client (the per-client budget), aimed at the owner.
    let attacker = app.client_behind_proxy("203.0.113.66");
    let mut refused = Vec::new();
    for n in 0..21 {
        let email = if n % 2 == 0 { "owner@example.com".to_owned() } else { format!("guess{n}@example.com") };
        refused.push(app.sign_in(&attacker, &email, "wrong guess 123").await.status());
    }
    // The owner's budget from this client (5) runs out first, then the client's own (20).
    assert_eq!(refused[8], StatusCode::UNAUTHORIZED, "{refused:?}");
    assert_eq!(refused[10], StatusCode::TOO_MANY_REQUESTS, "{refused:?}");
    assert_eq!(refused[11], StatusCode::UNAUTHORIZED, "{refused:?}");
    assert_eq!(refused[20], StatusCode::TOO_MANY_REQUESTS, "{refused:?}");

    // Another client behind the same proxy, and the owner from their own address, sign in.
    let bystander = app.client_behind_proxy("192.0.2.44");
    assert_eq!(app.sign_in(&bystander, "owner@example.com", "wrong guess 123").await.status(), StatusCode::UNAUTHORIZED);
    let owner = app.client_behind_proxy("198.51.100.20");
    assert_eq!(app.sign_in(&owner, "owner@example.com", PASSWORD).await.status(), StatusCode::OK, "not locked out");
    // An IPv6 client rotating addresses within its /64 is one client.
    let mut statuses = Vec::new();
    for n in 0..21 {
        let rotating = app.client_behind_proxy(&format!("2001:db8:7:7::{:x}", n + 1));
        statuses.push(app.sign_in(&rotating, &format!("v6guess{n}@example.com"), "wrong guess 123").await.status());
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");

    // The request spans and the security log name the forwarded client, not the proxy.
    let logs = captured_logs();
    assert!(logs.lines().any(|l| l.contains("sign-in refused") && l.contains("203.0.113.66")), "no security line names the client");
    assert!(logs.lines().any(|l| l.contains("signed in") && l.contains("198.51.100.20")));
    app.stop().await;
}

async fn an_untrusted_peer_cannot_choose_its_address(db: Db) {
    // No trusted proxies (the default): the socket peer is the client, whatever it forwards.
    let app = TestApp::spawn_with(db, &[("throttle.sign_up_per_ip_per_hour", "2")]).await;
    for n in 0..2 {
        let client = app.client_behind_proxy(&format!("203.0.113.{n}"));
        assert_eq!(app.sign_up(&client, &format!("u{n}@example.com"), PASSWORD).await.status(), StatusCode::OK);
    }
    let forged = app.client_behind_proxy("198.51.100.99");
    let response = app.sign_up(&forged, "u9@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "a forged X-Forwarded-For bought a fresh budget");
    app.stop().await;
}

async fn the_outbox_is_for_loopback_clients_of_a_loopback_server(db: Db) {
    let pg = match &db {
        Db::Postgres(url) => Some(url.clone()),
        Db::Sqlite => None,
    };
    let again = || match &pg {
        Some(url) => Db::Postgres(url.clone()),
        None => Db::Sqlite,
    };

    // On loopback, behind a proxy on loopback: the developer sees it, a forwarded visitor not.
    let app = TestApp::spawn_with(db, BEHIND_PROXY).await;
    let local = app.new_client();
    assert_eq!(local.get(app.url("/dev/outbox")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.call(&local, "dev/outbox", &[]).await.status(), StatusCode::OK);
    let visitor = app.client_behind_proxy("203.0.113.9");
    let page = visitor.get(app.url("/dev/outbox")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(!page.text().await.unwrap().contains("Development outbox"));
    assert_eq!(app.call(&visitor, "dev/outbox", &[]).await.status(), StatusCode::NOT_FOUND);
    app.stop().await;

    // Listening on every interface: off, even for a loopback client...
    let exposed = TestApp::spawn_listening(again(), "0.0.0.0:0", &[], true).await;
    let local = exposed.new_client();
    assert_eq!(local.get(exposed.url("/dev/outbox")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(exposed.call(&local, "dev/outbox", &[]).await.status(), StatusCode::NOT_FOUND);
    exposed.stop().await;

    // ...unless the developer says so, and then still for loopback clients only.
    let flagged = TestApp::spawn_listening(again(), "0.0.0.0:0", &[("dev_outbox", "true")], true).await;
    assert_eq!(flagged.call(&flagged.new_client(), "dev/outbox", &[]).await.status(), StatusCode::OK);
    flagged.stop().await;
}
