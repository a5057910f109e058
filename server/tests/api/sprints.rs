//! Booking a Launch Ready sprint from a failing scorecard: the operator publishes slots;
//! concurrent bookings of the last seat leave exactly one winner; the founder and the operator
//! are mailed; the operator sees the shared snapshot but gets 404 on the tenant's own data;
//! nobody else reaches the admin area or another tenant's booking; declining frees the seat;
//! a deposit goes through Stripe Checkout and its webhook (a replay changes nothing).

use crate::helpers::{Db, TestApp};
use crate::on_each_database;
use crate::products::acme;
use chrono::Utc;
use domain::scorecard::{Category, Counts, Decision, Finding, Grade, Points, Scorecard, Severity, Status};
use platform::entities::{sprint_booking, sprint_slot};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::Value;

const OPERATOR: &str = "ops@launchready.test";

fn finding(id: &str, status: Status) -> Finding {
    Finding {
        id: id.into(),
        category: Category::Headers,
        severity: Severity::High,
        status,
        title: format!("Check {id}"),
        summary: format!("{id} summary"),
        evidence: vec![format!("evidence of {id}")],
        points: Points { earned: 0, possible: 5 },
        active: false,
        why: String::new(),
        fix: String::new(),
        references: vec![],
        sprint_item: String::new(),
        duration_ms: 1,
        cause: None,
    }
}

/// A product with a finished Hold scorecard (three failures); returns (product id, audit id).
pub async fn failing_scorecard(app: &TestApp, client: &reqwest::Client, apex: &str) -> (String, String) {
    let mut form = acme();
    form["apex_domain"] = apex.into();
    form["app_host"] = "".into();
    let product: Value = client.post(app.url("/api/v1/products")).json(&form).send().await.unwrap().json().await.unwrap();
    let product_id = product["id"].as_str().unwrap().to_owned();
    let audit: Value = app.call(client, "audits/request", &[("product_id", &product_id)]).await.json().await.unwrap();
    let audit_id = audit["id"].as_str().unwrap().to_owned();
    complete_as_failing(app, &audit_id, apex).await;
    (product_id, audit_id)
}

/// Stores a Hold scorecard (three failures) as the result of a queued audit.
pub async fn complete_as_failing(app: &TestApp, audit_id: &str, apex: &str) -> platform::audits::Completion {
    let checks = vec![
        finding("headers.csp", Status::Fail),
        finding("headers.hsts", Status::Fail),
        finding("exposure.git", Status::Fail),
        finding("tls.version", Status::Pass),
    ];
    let card = Scorecard {
        schema_version: domain::scorecard::SCHEMA_VERSION,
        engine_version: "test".into(),
        rubric_version: domain::rubric::CURRENT,
        target: format!("https://{apex}/"),
        started_at: Utc::now(),
        duration_ms: 10,
        score: Some(41),
        grade: Some(Grade::D),
        decision: Decision::Hold,
        decision_reason: "Three high-severity failures".into(),
        coverage: domain::scorecard::Coverage::of(&Counts::of(&checks)),
        causes: Vec::new(),
        active: false,
        requests: 4,
        counts: Counts::of(&checks),
        checks,
    };
    platform::audits::complete(
        &app.db,
        &platform::tenancy::CrossTenant::for_worker_startup(),
        audit_id.parse::<uuid::Uuid>().unwrap().into(),
        &card,
    )
    .await
    .unwrap()
}

async fn operator(app: &TestApp) -> reqwest::Client {
    let client = app.signed_up_client(OPERATOR).await;
    // Operators are recognised by a verified address only.
    app.db.execute_unprepared(&format!("UPDATE users SET email_verified_at = created_at WHERE email = '{OPERATOR}'")).await.unwrap();
    client
}

/// A founder whose address is confirmed (booking needs it).
async fn confirmed_founder(app: &TestApp, email: &str) -> reqwest::Client {
    app.confirmed_client(email).await
}

async fn publish(app: &TestApp, operator: &reqwest::Client, capacity: &str, deposit: &str) -> String {
    let starts = (Utc::now() + chrono::Duration::days(14)).date_naive().to_string();
    let form = [
        ("starts_on", starts.as_str()),
        ("title", "Two-week sprint"),
        ("capacity", capacity),
        ("price", "4500"),
        ("deposit", deposit),
        ("currency", "eur"),
    ];
    let response = app.call(operator, "admin/create_slot", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let slot: Value = response.json().await.unwrap();
    slot["id"].as_str().unwrap().to_owned()
}

async fn book(app: &TestApp, client: &reqwest::Client, audit_id: &str, slot_id: &str, email: &str) -> reqwest::Response {
    let form = [
        ("audit_id", audit_id),
        ("slot_id", slot_id),
        ("share_snapshot", "on"),
        ("contact_name", "Ada Founder"),
        ("contact_email", email),
        ("notes", "Launch on the 20th"),
    ];
    app.call(client, "sprints/book", &form).await
}

on_each_database!(booking_the_last_seat);

async fn booking_the_last_seat(db: Db) {
    let admins = format!("[\"{OPERATOR}\"]");
    let app = TestApp::spawn_opts(db, &[("admins", admins.as_str())], false).await;
    let ops = operator(&app).await;
    // Not an operator: the admin area does not exist.
    let founder_a = confirmed_founder(&app, "a@founders.test").await;
    assert_eq!(app.call(&founder_a, "admin/sprints", &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(founder_a.get(app.url("/admin/sprints")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let bad = app
        .call(
            &ops,
            "admin/create_slot",
            &[("starts_on", "2020-01-01"), ("title", ""), ("capacity", "0"), ("price", "x"), ("currency", "euro")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let slot = publish(&app, &ops, "1", "").await;

    let founder_b = confirmed_founder(&app, "b@founders.test").await;
    let (_, audit_a) = failing_scorecard(&app, &founder_a, "a-product.example").await;
    let (_, audit_b) = failing_scorecard(&app, &founder_b, "b-product.example").await;
    // A founder cannot book with someone else's scorecard.
    assert_eq!(book(&app, &founder_b, &audit_a, &slot, "b@founders.test").await.status(), StatusCode::NOT_FOUND);

    // Both founders go for the last seat at once: exactly one wins.
    let (first, second) = tokio::join!(
        book(&app, &founder_a, &audit_a, &slot, "a@founders.test"),
        book(&app, &founder_b, &audit_b, &slot, "b@founders.test")
    );
    let statuses = [first.status(), second.status()];
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{statuses:?}");
    let seats = sprint_slot::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!((seats.booked, seats.capacity), (1, 1));
    assert_eq!(sprint_booking::Entity::find().all(&app.db).await.unwrap().len(), 1);
    let (winner, winner_email, loser, loser_email, loser_audit) = if first.status() == StatusCode::OK {
        (&founder_a, "a@founders.test", &founder_b, "b@founders.test", &audit_b)
    } else {
        (&founder_b, "b@founders.test", &founder_a, "a@founders.test", &audit_a)
    };
    let booked: Value = if first.status() == StatusCode::OK { first.json().await.unwrap() } else { second.json().await.unwrap() };
    let booking_id = booked["booking"]["id"].as_str().unwrap().to_owned();
    assert_eq!(booked["booking"]["status"], "requested");
    assert!(booked["pay_url"].is_null(), "no deposit on this slot");

    // Both sides are mailed.
    app.run_until_idle(Utc::now()).await;
    let founder_mail = app.wait_for_mail(winner_email, "Your Launch Ready sprint is booked").await;
    assert!(founder_mail.contains(&format!("/app/sprints/{booking_id}")));
    let operator_mail = app.wait_for_mail(OPERATOR, "New sprint booking").await;
    assert!(operator_mail.contains(&format!("/admin/bookings/{booking_id}")) && operator_mail.contains("shared a snapshot"));

    // The founder sees the booking; the other founder does not.
    let mine: Value = app.call(winner, "sprints/get", &[("id", &booking_id)]).await.json().await.unwrap();
    assert_eq!(mine["status"], "requested");
    assert_eq!(app.call(loser, "sprints/get", &[("id", &booking_id)]).await.status(), StatusCode::NOT_FOUND);
    let their_list: Vec<Value> = app.call(loser, "sprints/list", &[]).await.json().await.unwrap();
    assert!(their_list.is_empty());

    // The operator sees the snapshot, and only it.
    let seen: Value = app.call(&ops, "admin/booking", &[("id", &booking_id)]).await.json().await.unwrap();
    let snapshot = &seen[0]["snapshot"];
    assert_eq!(snapshot["summary"]["decision"], "hold");
    assert_eq!(snapshot["findings"].as_array().unwrap().len(), 4);
    let product_id = seen[0]["booking"]["product_id"].as_str().unwrap().to_owned();
    let audit_id = seen[0]["booking"]["audit_id"].as_str().unwrap().to_owned();
    assert_eq!(ops.get(app.url(&format!("/api/v1/products/{product_id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(app.call(&ops, "products/get", &[("id", &product_id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.call(&ops, "audits/detail", &[("audit_id", &audit_id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.call(&ops, "monitors/list", &[("product_id", &product_id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(ops.get(app.url(&format!("/app/products/{product_id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // A founder does not reach the operator's view of their own booking either.
    assert_eq!(app.call(winner, "admin/booking", &[("id", &booking_id)]).await.status(), StatusCode::NOT_FOUND);

    // Confirming moves it on; declining gives the seat back, and the other founder can book.
    let confirmed: Value = app.call(&ops, "admin/decide", &[("id", &booking_id), ("decision", "confirm")]).await.json().await.unwrap();
    assert_eq!(confirmed["status"], "confirmed");
    let declined: Value = app.call(&ops, "admin/decide", &[("id", &booking_id), ("decision", "decline")]).await.json().await.unwrap();
    assert_eq!(declined["status"], "declined");
    assert_eq!(sprint_slot::Entity::find().one(&app.db).await.unwrap().unwrap().booked, 0);
    app.run_until_idle(Utc::now()).await;
    app.wait_for_mail(winner_email, "declined").await;
    assert_eq!(book(&app, loser, loser_audit, &slot, loser_email).await.status(), StatusCode::OK);

    // Moving a booking needs a seat in the other slot.
    let later = publish(&app, &ops, "1", "").await;
    let theirs: Vec<Value> = app.call(loser, "sprints/list", &[]).await.json().await.unwrap();
    let theirs = theirs[0]["id"].as_str().unwrap().to_owned();
    let moved: Value =
        app.call(&ops, "admin/decide", &[("id", &theirs), ("decision", "reschedule"), ("slot_id", &later)]).await.json().await.unwrap();
    assert_eq!(moved["slot"]["id"], later.as_str(), "{moved}");
    let slots = sprint_slot::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(slots.iter().map(|s| s.booked).sum::<i32>(), 1, "the old seat was given back");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposit_goes_through_checkout_and_its_webhook() {
    let admins = format!("[\"{OPERATOR}\"]");
    let (app, fake) = TestApp::spawn_with_stripe(Db::Sqlite, &[("admins", admins.as_str())], false).await;
    let ops = operator(&app).await;
    let slot = publish(&app, &ops, "2", "500").await;
    let founder = confirmed_founder(&app, "founder@example.com").await;
    let (_, audit) = failing_scorecard(&app, &founder, "deposit.example").await;
    let booked: Value = book(&app, &founder, &audit, &slot, "founder@example.com").await.json().await.unwrap();
    assert_eq!(booked["booking"]["status"], "awaiting_deposit");
    let pay_url = booked["pay_url"].as_str().expect("a Checkout page for the deposit").to_owned();
    let session = pay_url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(fake.with(|l| l.sessions[&session].amount), Some(50_000));
    // The founder asks for a new payment page, then pays in the tab of the first one: the
    // deposit counts all the same.
    let booking_id = booked["booking"]["id"].as_str().unwrap().to_owned();
    let renewed = app.call(&founder, "sprints/pay_deposit", &[("id", booking_id.as_str())]).await;
    assert!(renewed.status().is_success() || renewed.status().is_redirection(), "{}", renewed.status());
    let newest = sprint_booking::Entity::find().one(&app.db).await.unwrap().unwrap().checkout_session_id.unwrap();
    assert_ne!(newest, session, "a second Checkout Session");

    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = browser.get(&pay_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("EUR 500.00"), "{page}");
    assert_eq!(browser.post(&pay_url).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let booking = sprint_booking::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(booking.status, "requested", "the earlier session's payment was credited");
    assert!(booking.deposit_paid_at.is_some());
    assert_eq!(booking.checkout_session_id.as_deref(), Some(session.as_str()), "the paid session is kept for refunds");

    // The same event again (Stripe retries) changes nothing.
    let (event_id, _) = fake.with(|l| l.events.last().cloned()).unwrap();
    let object = fake.session_json(&session).unwrap();
    assert_eq!(fake.deliver(&event_id, "checkout.session.completed", object).await, Some(200));
    let again = sprint_booking::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(again.deposit_paid_at, booking.deposit_paid_at);
    app.run_until_idle(Utc::now()).await;
    app.wait_for_mail("founder@example.com", "Deposit received").await;
    app.wait_for_mail(OPERATOR, "New sprint booking").await;
    app.stop().await;
}

/// Booking mail goes only to a confirmed address of the organisation, an unconfirmed account
/// cannot book, and one product holds one waiting booking at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_needs_a_confirmed_member_and_holds_one_seat_per_product() {
    let admins = format!("[\"{OPERATOR}\"]");
    let app = TestApp::spawn_opts(Db::Sqlite, &[("admins", admins.as_str())], false).await;
    let ops = operator(&app).await;
    let slot = publish(&app, &ops, "5", "").await;
    let other_slot = publish(&app, &ops, "5", "").await;

    let unconfirmed = app.signed_up_client("new@founders.test").await;
    let (_, audit) = failing_scorecard(&app, &unconfirmed, "new-product.example").await;
    let refused = book(&app, &unconfirmed, &audit, &slot, "new@founders.test").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("Confirm your email address"));

    let founder = confirmed_founder(&app, "c@founders.test").await;
    let (_, audit) = failing_scorecard(&app, &founder, "c-product.example").await;
    let stranger = book(&app, &founder, &audit, &slot, "victim@elsewhere.test").await;
    assert_eq!(stranger.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stranger.text().await.unwrap().contains("contact_email"));
    // Another account's address (unconfirmed, of another organisation) is refused too.
    let colleague = book(&app, &founder, &audit, &slot, "new@founders.test").await;
    assert_eq!(colleague.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(book(&app, &founder, &audit, &slot, "c@founders.test").await.status(), StatusCode::OK);
    let again = book(&app, &founder, &audit, &other_slot, "c@founders.test").await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a second waiting booking for the same product");
    assert_eq!(sprint_booking::Entity::find().all(&app.db).await.unwrap().len(), 1);
    let seats: i32 = sprint_slot::Entity::find().all(&app.db).await.unwrap().iter().map(|s| s.booked).sum();
    assert_eq!(seats, 1, "the refused booking took no seat");
    // Another product of the same organisation may book.
    app.db.execute_unprepared("UPDATE organizations SET plan = 'pro'").await.unwrap();
    let (_, second_product) = failing_scorecard(&app, &founder, "c-second.example").await;
    assert_eq!(book(&app, &founder, &second_product, &other_slot, "c@founders.test").await.status(), StatusCode::OK);
    app.stop().await;
}
