//! Paid plans through Stripe, against the local fake (real HTTP, real signatures): upgrade via
//! Checkout and its webhooks; bad signatures change nothing; a replayed event has one effect;
//! events out of order end in Stripe's current state; past due keeps the plan for the grace
//! period, then falls to Free and pauses what exceeds it (and an upgrade resumes it); the daily
//! reconciliation repairs a missed webhook; without Stripe the billing page says so.

use crate::helpers::{Db, TestApp};
use crate::products::acme;
use chrono::{Duration, Utc};
use platform::entities::{monitor, organization, plan_change, product, stripe_event};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use testkit::fake_stripe::FakeStripe;

/// Monitors in these tests check a closed loopback port: they fail at once, never off the machine.
/// Scheduled audits of the test's names fail fast on the closed resolver port.
const SETTINGS: &[(&str, &str)] = &[("scanner.allow_private_targets", "true"), ("scanner.audit_deadline_secs", "5")];

macro_rules! with_stripe {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let (app, fake) = $crate::helpers::TestApp::spawn_with_stripe($crate::helpers::Db::Sqlite, super::SETTINGS, false).await;
                    super::$name(&app, &fake).await;
                    app.stop().await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(url) = $crate::helpers::test_pg_url() else { return };
                    let (app, fake) = $crate::helpers::TestApp::spawn_with_stripe($crate::helpers::Db::Postgres(url), super::SETTINGS, false).await;
                    super::$name(&app, &fake).await;
                    app.stop().await;
                }
            }
        )*
    };
}

with_stripe!(
    upgrade_through_checkout_raises_limits_at_once,
    bad_signatures_are_refused_and_change_nothing,
    a_replayed_event_has_one_effect,
    events_out_of_order_end_in_the_current_state,
    past_due_keeps_the_plan_for_the_grace_period_then_downgrades_without_deleting,
    reconciliation_repairs_a_missed_webhook,
);

async fn org(app: &TestApp) -> organization::Model {
    organization::Entity::find().one(&app.db).await.unwrap().expect("an organisation")
}

async fn plan_changes(app: &TestApp) -> Vec<plan_change::Model> {
    plan_change::Entity::find().all(&app.db).await.unwrap()
}

fn product(n: usize) -> Value {
    let mut p = acme();
    p["name"] = json!(format!("Product {n}"));
    p["apex_domain"] = json!(format!("p{n}.example"));
    p["app_host"] = json!("");
    p
}

/// Signs up, buys Pro through the fake Checkout (the hosted page's Pay button), and returns
/// the client and the subscription id.
async fn upgraded(app: &TestApp, fake: &FakeStripe) -> (reqwest::Client, String) {
    let client = app.signed_up_client("founder@example.com").await;
    let response = app.call(&client, "billing/upgrade", &[("plan", "pro")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let checkout: String = response.json().await.unwrap();
    assert!(checkout.starts_with(&format!("http://{}/pay/cs_", fake.addr)), "{checkout}");
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = browser.get(&checkout).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("price_pro"), "the hosted Checkout shows what is bought");
    let paid = browser.post(&checkout).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    assert_eq!(paid.headers()["location"], app.url("/app/billing?checkout=success").as_str());
    let subscription = org(app).await.subscription_id.expect("the webhook stored the subscription");
    (client, subscription)
}

async fn upgrade_through_checkout_raises_limits_at_once(app: &TestApp, fake: &FakeStripe) {
    let client = app.signed_up_client("founder@example.com").await;
    assert_eq!(client.post(app.url("/api/v1/products")).json(&product(1)).send().await.unwrap().status(), StatusCode::CREATED);
    let refused = client.post(app.url("/api/v1/products")).json(&product(2)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED, "Free allows one product");

    let checkout: String = app.call(&client, "billing/upgrade", &[("plan", "pro")]).await.json().await.unwrap();
    let session_id = checkout.rsplit('/').next().unwrap().to_owned();
    let customer = org(app).await.stripe_customer_id.expect("a Stripe customer was created for the organisation");
    assert_eq!(fake.with(|l| l.sessions[&session_id].customer.clone()), Some(customer.clone()));
    assert_eq!(fake.with(|l| l.customers[&customer].email.clone()).as_deref(), Some("founder@example.com"));
    // Nothing changes before payment.
    assert_eq!(org(app).await.plan, "free");

    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    assert_eq!(browser.post(&checkout).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let events: Vec<String> = fake.with(|l| l.events.iter().map(|(_, kind)| kind.clone()).collect());
    assert_eq!(events, ["customer.subscription.created", "checkout.session.completed"]);

    let org = org(app).await;
    assert_eq!(
        (org.plan.as_str(), org.subscription_status.as_deref(), org.subscription_price_id.as_deref()),
        ("pro", Some("active"), Some("price_pro"))
    );
    assert_eq!(stripe_event::Entity::find().filter(stripe_event::Column::ProcessedAt.is_not_null()).count(&app.db).await.unwrap(), 2);
    let changes = plan_changes(app).await;
    assert_eq!(changes.len(), 1, "two events, one plan change");
    assert_eq!((changes[0].from_plan.as_str(), changes[0].to_plan.as_str()), ("free", "pro"));

    // The limits rose at once.
    let created = client.post(app.url("/api/v1/products")).json(&product(2)).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let billing: Value = app.call(&client, "billing/get", &[]).await.json().await.unwrap();
    assert_eq!(billing["plan"], "pro");
    assert_eq!(billing["usage"][0]["used"], 2);
    assert_eq!(billing["usage"][0]["quota"], 10);
    assert_eq!(billing["has_customer"], true);

    // A running subscription is changed in the Portal, not with a second Checkout.
    let portal: String = app.call(&client, "billing/upgrade", &[("plan", "agency")]).await.json().await.unwrap();
    assert!(portal.contains("/portal/bps_"), "{portal}");
    let manage: String = app.call(&client, "billing/portal", &[]).await.json().await.unwrap();
    let page = browser.get(&manage).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("price_pro") && page.contains("active"), "the Portal shows the subscription");
}

async fn bad_signatures_are_refused_and_change_nothing(app: &TestApp, fake: &FakeStripe) {
    let (_client, subscription) = upgraded(app, fake).await;
    fake.with(|l| l.subscriptions.get_mut(&subscription).unwrap().status = "canceled".into());
    let object = fake.subscription_json(&subscription).unwrap();
    let webhook = app.url("/webhooks/stripe");
    let http = reqwest::Client::new();
    let events_before = stripe_event::Entity::find().count(&app.db).await.unwrap();

    let (body, good) = fake.signed_event("evt_forged", "customer.subscription.deleted", object.clone(), Utc::now().timestamp());
    let forged_sig = platform::infra::stripe::sign_webhook(&body, "whsec_someone_else", Utc::now().timestamp());
    let tampered = body.replace("\"canceled\"", "\"active\"");
    let stale_sig = platform::infra::stripe::sign_webhook(&body, crate::helpers::STRIPE_WEBHOOK_SECRET, Utc::now().timestamp() - 301);
    for (what, body, signature) in [
        ("another secret", body.clone(), Some(forged_sig)),
        ("a body changed after signing", tampered, Some(good.clone())),
        ("a timestamp older than 300 s", body.clone(), Some(stale_sig)),
        ("no signature", body.clone(), None),
        ("a malformed header", body.clone(), Some("t=abc,v1=00".to_owned())),
    ] {
        let mut request = http.post(&webhook).header("content-type", "application/json").body(body);
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"], "bad_signature", "{what}");
    }
    assert_eq!(org(app).await.plan, "pro", "no refused event changed the plan");
    assert_eq!(stripe_event::Entity::find().count(&app.db).await.unwrap(), events_before, "refused events are not recorded");

    // The genuine one goes through.
    let response = http.post(&webhook).header("stripe-signature", good).body(body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(org(app).await.plan, "free");
}

async fn a_replayed_event_has_one_effect(app: &TestApp, fake: &FakeStripe) {
    let (_client, subscription) = upgraded(app, fake).await;
    fake.with(|l| l.subscriptions.get_mut(&subscription).unwrap().status = "canceled".into());
    let object = fake.subscription_json(&subscription).unwrap();
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(fake.deliver("evt_cancel_once", "customer.subscription.deleted", object.clone()).await);
    }
    assert_eq!(answers, [Some(200), Some(200), Some(200)]);
    assert_eq!(org(app).await.plan, "free");
    let downgrades = plan_changes(app).await.into_iter().filter(|c| c.reason.contains("evt_cancel_once")).count();
    assert_eq!(downgrades, 1, "three deliveries, one effect");
    assert_eq!(stripe_event::Entity::find().filter(stripe_event::Column::Id.eq("evt_cancel_once")).count(&app.db).await.unwrap(), 1);

    // The customer subscribes again; a late replay of the old cancellation must not undo it.
    fake.with(|l| l.subscriptions.get_mut(&subscription).unwrap().status = "active".into());
    let reactivated = fake.subscription_json(&subscription).unwrap();
    fake.deliver("evt_reactivated", "customer.subscription.updated", reactivated).await;
    assert_eq!(org(app).await.plan, "pro");
    let (body, signature) = fake.signed_event("evt_cancel_once", "customer.subscription.deleted", object, Utc::now().timestamp());
    let response =
        reqwest::Client::new().post(app.url("/webhooks/stripe")).header("stripe-signature", signature).body(body).send().await.unwrap();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["duplicate"], true);
    assert_eq!(org(app).await.plan, "pro", "a replay has no second effect");
}

async fn events_out_of_order_end_in_the_current_state(app: &TestApp, fake: &FakeStripe) {
    let (_client, subscription) = upgraded(app, fake).await;
    // Stripe's history: past due, then paid again (active). The events arrive newest first.
    let snapshot = |status: &str| {
        fake.with(|l| l.subscriptions.get_mut(&subscription).unwrap().status = status.into());
        fake.subscription_json(&subscription).unwrap()
    };
    let past_due = snapshot("past_due");
    let active = snapshot("active");
    fake.deliver("evt_2_active", "customer.subscription.updated", active).await;
    fake.deliver("evt_1_past_due", "customer.subscription.updated", past_due).await;
    let org = org(app).await;
    assert_eq!(
        (org.plan.as_str(), org.subscription_status.as_deref(), org.past_due_since),
        ("pro", Some("active"), None),
        "the stale past-due event did not win"
    );

    // An event about a subscription that was replaced: the customer's best one still decides.
    fake.with(|l| {
        let mut old = l.subscriptions[&subscription].clone();
        old.id = "sub_old".into();
        old.status = "canceled".into();
        old.created -= 3600;
        l.subscriptions.insert(old.id.clone(), old);
    });
    let old = fake.subscription_json("sub_old").unwrap();
    fake.deliver("evt_old_canceled", "customer.subscription.deleted", old).await;
    assert_eq!(self::org(app).await.plan, "pro");
}

async fn past_due_keeps_the_plan_for_the_grace_period_then_downgrades_without_deleting(app: &TestApp, fake: &FakeStripe) {
    let (client, subscription) = upgraded(app, fake).await;
    for n in 1..=3 {
        assert_eq!(client.post(app.url("/api/v1/products")).json(&product(n)).send().await.unwrap().status(), StatusCode::CREATED);
    }
    // Three products, each with its main-URL monitor, plus three more monitors on the first.
    let products: Vec<Value> = client.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    let first = products.iter().find(|p| p["name"] == "Product 1").unwrap()["id"].as_str().unwrap().to_owned();
    for n in 0..5 {
        let form = [
            ("product_id", first.as_str()),
            ("name", &format!("Check {n}")[..]),
            ("kind", "http"),
            ("target", "https://p1.example/health"),
            ("interval_secs", "300"),
            ("confirm_failures", "2"),
            ("confirm_successes", "2"),
            ("enabled", "on"),
        ];
        assert_eq!(app.call(&client, "monitors/create", &form).await.status(), StatusCode::OK);
    }
    assert_eq!(monitor::Entity::find().count(&app.db).await.unwrap(), 8);
    app.db.execute_unprepared("UPDATE monitors SET target = 'http://127.0.0.1:9/health'").await.unwrap();

    let start = Utc::now();
    assert_eq!(fake.set_subscription_status(&subscription, "past_due").await, Some(200));
    let billing: Value = app.call(&client, "billing/get", &[]).await.json().await.unwrap();
    assert_eq!((billing["plan"].as_str(), billing["status"].as_str()), (Some("pro"), Some("past_due")));
    assert!(billing["grace_ends_at"].is_string(), "the page says until when");

    app.run_until_idle(start + Duration::days(6)).await;
    assert_eq!(org(app).await.plan, "pro", "still within the grace period");
    app.run_until_idle(start + Duration::days(7) + Duration::minutes(1)).await;
    let org_now = org(app).await;
    assert_eq!(org_now.plan, "free", "the grace period ended");
    assert!(plan_changes(app).await.iter().any(|c| c.reason == "grace period ended"));

    // Nothing was deleted; what exceeds Free is paused: the oldest product stays active with
    // up to 5 monitors, the other products and their monitors pause.
    assert_eq!(product::Entity::find().count(&app.db).await.unwrap(), 3);
    assert_eq!(monitor::Entity::find().count(&app.db).await.unwrap(), 8);
    let paused_products = product::Entity::find().filter(product::Column::PausedByPlan.eq(true)).all(&app.db).await.unwrap();
    assert_eq!(
        paused_products.iter().map(|p| p.name.as_str()).collect::<std::collections::BTreeSet<_>>(),
        ["Product 2", "Product 3"].into()
    );
    let running = monitor::Entity::find().filter(monitor::Column::PausedByPlan.eq(false)).all(&app.db).await.unwrap();
    assert_eq!(running.len(), 5);
    assert!(running.iter().all(|m| m.product_id.to_string() == first));
    let shown: Value =
        client.get(app.url(&format!("/api/v1/products/{}", paused_products[0].id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown["paused"], true, "shown as paused");
    let audit = app.call(&client, "audits/request", &[("product_id", &paused_products[0].id.to_string())]).await;
    assert_eq!(audit.status(), StatusCode::PAYMENT_REQUIRED, "a paused product is not audited");
    // Paused monitors are not checked: nothing of theirs is due.
    let due = platform::monitors::claim_due(
        &app.db,
        &platform::tenancy::CrossTenant::for_worker_startup(),
        &domain::plans::PlanTable::default(),
        start + Duration::days(30),
        100,
    )
    .await
    .unwrap();
    assert!(due.iter().all(|d| running.iter().any(|m| m.id == d.monitor_id)));

    // The payment finally succeeds: everything resumes at once.
    assert_eq!(fake.set_subscription_status(&subscription, "active").await, Some(200));
    assert_eq!(org(app).await.plan, "pro");
    assert_eq!(product::Entity::find().filter(product::Column::PausedByPlan.eq(true)).count(&app.db).await.unwrap(), 0);
    assert_eq!(monitor::Entity::find().filter(monitor::Column::PausedByPlan.eq(true)).count(&app.db).await.unwrap(), 0);
}

async fn reconciliation_repairs_a_missed_webhook(app: &TestApp, fake: &FakeStripe) {
    let (_client, subscription) = upgraded(app, fake).await;
    // Canceled in Stripe, but the webhook never arrives.
    fake.with(|l| l.subscriptions.get_mut(&subscription).unwrap().status = "canceled".into());
    assert_eq!(org(app).await.plan, "pro");
    app.reconcile_billing(Utc::now()).await;
    assert_eq!(org(app).await.plan, "free");
    assert!(plan_changes(app).await.iter().any(|c| c.reason == "reconciliation"));
    // Running it again changes nothing more.
    app.reconcile_billing(Utc::now()).await;
    assert_eq!(plan_changes(app).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_stripe_billing_says_so_and_free_works() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let client = app.signed_up_client("founder@example.com").await;
    let billing: Value = app.call(&client, "billing/get", &[]).await.json().await.unwrap();
    assert_eq!((billing["plan"].as_str(), billing["billing_enabled"].as_bool()), (Some("free"), Some(false)));
    let upgrade = app.call(&client, "billing/upgrade", &[("plan", "pro")]).await;
    assert_eq!(upgrade.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(upgrade.text().await.unwrap().contains("billing is not configured"));
    let webhook = reqwest::Client::new().post(app.url("/webhooks/stripe")).body("{}").send().await.unwrap();
    assert_eq!(webhook.status(), StatusCode::NOT_FOUND);
    assert_eq!(client.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().status(), StatusCode::CREATED);
    app.stop().await;
}
