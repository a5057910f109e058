//! The role table: every route that acts in a workspace or on the organisation, called as each
//! kind of person, answers as the table says; and nothing changed where a call was refused.
//!
//! The victim is an agency with workspaces A and B. Every call is made "from a page of A": its
//! pages under `/app/w/{A}/…`, and server functions and the REST API with A's key in the
//! `X-Launchready-Workspace` header (what the browser's `Referer` says for server functions).
//! The callers:
//! - anonymous: no session (401, or a redirect to sign-in for a page);
//! - another organisation's owner, and a client of workspace B: A does not exist for them (404);
//! - a client of A: reads A's products, scorecards, monitors and incidents (200), and nothing
//!   else (403);
//! - a member: everything in the workspace, no team or billing changes;
//! - an admin: everything but billing and ownership;
//! - the owner: everything.
//!
//! The refusals run first, for every route; the state is compared before and after them. Then
//! the allowed calls run (each on a fresh row where it deletes or removes something), and must
//! get past the role check: not 401, 403 or 404 (a 402, 409 or 422 from a rule behind it is
//! fine: the role let the call through).

use crate::agency::{agency, invite, invited, set_plan, user_id, Ws};
use crate::helpers::{as_browser_sends, Db, TestApp};
use crate::on_each_database;
use crate::products::acme;
use platform::entities::{invitation, sprint_slot};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    OtherOrganisation,
    ClientOfOtherWorkspace,
    Client,
    Member,
    Admin,
    Owner,
}

pub const EVERYONE: [Who; 7] =
    [Who::Anonymous, Who::OtherOrganisation, Who::ClientOfOtherWorkspace, Who::Client, Who::Member, Who::Admin, Who::Owner];

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Reads the workspace's products, scorecards, monitors, incidents: clients of it too.
    Read,
    /// Reads the workspace's internals (alert channels, deliveries, bookings, the plan): staff.
    Internals,
    /// Changes something in the workspace: staff.
    Edit,
    /// Workspaces, people and the activity log: owner and admins.
    Manage,
    /// Billing and ownership: the owner.
    Own,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 401 (a page: a redirect to sign-in).
    SignIn,
    NotFound,
    Forbidden,
    /// Past the role check.
    Allowed,
}

fn expected(needs: Needs, who: Who) -> Answer {
    use Who::*;
    match who {
        Anonymous => Answer::SignIn,
        OtherOrganisation | ClientOfOtherWorkspace => Answer::NotFound,
        Client if needs == Needs::Read => Answer::Allowed,
        Client => Answer::Forbidden,
        Member if matches!(needs, Needs::Manage | Needs::Own) => Answer::Forbidden,
        Admin if needs == Needs::Own => Answer::Forbidden,
        Member | Admin | Owner => Answer::Allowed,
    }
}

/// How a route is called. Placeholders: `{ws}` A's key, `{ws_id}` A's id, `{product}` a
/// product of A, `{audit}` its audit, `{monitor}` its main-URL monitor, `{channel}` an alert
/// channel of A, `{booking}` a sprint booking of the audit, `{slot}` a sprint slot, `{client}`
/// the client of A (their user id). Minted fresh for each call: `{doomed_product}`,
/// `{doomed_monitor}`, `{doomed_channel}`, `{invitation}` (a pending one), `{person}` (a member
/// who joined just now), `{email}` (an address nobody used).
pub enum Call {
    Page(&'static str),
    Api(Method, &'static str, bool),
    Fn(&'static str, &'static [(&'static str, &'static str)]),
    /// A multipart upload of a small PNG as the form field `logo`.
    Upload(&'static str),
}

/// A `multipart/form-data` body with `bytes` as the file field `logo`, as a browser sends it.
pub fn multipart_logo(bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "launchready-test-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The smallest PNG: one transparent pixel.
pub const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
    0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82,
];

const MONITOR: &[(&str, &str)] = &[
    ("name", "Extra"),
    ("kind", "http"),
    ("target", "https://acme.example/health"),
    ("interval_secs", "300"),
    ("expected_status", ""),
    ("keyword", ""),
    ("latency_threshold_ms", ""),
    ("confirm_failures", "2"),
    ("confirm_successes", "2"),
    ("enabled", "on"),
];

const PRODUCT: &[(&str, &str)] = &[
    ("name", "Acme"),
    ("apex_domain", "acme.example"),
    ("app_host", ""),
    ("api_host", ""),
    ("mail_domain", ""),
    ("dkim_selectors", ""),
    ("endpoints", ""),
];

pub const TABLE: &[(Call, Needs)] = &[
    (Call::Page("/app/w/{ws}"), Needs::Read),
    (Call::Page("/app/w/{ws}/products/new"), Needs::Read),
    (Call::Page("/app/w/{ws}/products/{product}"), Needs::Read),
    (Call::Page("/app/w/{ws}/products/{product}/edit"), Needs::Read),
    (Call::Page("/app/w/{ws}/products/{product}/audits/{audit}"), Needs::Read),
    (Call::Page("/app/w/{ws}/products/{product}/audits/{audit}/book"), Needs::Read),
    (Call::Page("/app/w/{ws}/alerts"), Needs::Internals),
    (Call::Page("/app/w/{ws}/sprints"), Needs::Internals),
    (Call::Page("/app/w/{ws}/sprints/{booking}"), Needs::Internals),
    (Call::Page("/app/workspaces"), Needs::Read),
    (Call::Page("/app/team"), Needs::Internals),
    (Call::Page("/app/activity"), Needs::Manage),
    (Call::Page("/app/billing"), Needs::Internals),
    (Call::Fn("workspaces/current", &[]), Needs::Read),
    (Call::Fn("workspaces/list", &[]), Needs::Read),
    (Call::Fn("products/list", &[]), Needs::Read),
    (Call::Fn("dashboard/get", &[]), Needs::Read),
    (Call::Fn("products/get", &[("id", "{product}")]), Needs::Read),
    (Call::Fn("audits/list", &[("product_id", "{product}")]), Needs::Read),
    (Call::Fn("audits/summary", &[("audit_id", "{audit}")]), Needs::Read),
    (Call::Fn("audits/detail", &[("audit_id", "{audit}")]), Needs::Read),
    (Call::Fn("monitors/list", &[("product_id", "{product}")]), Needs::Read),
    (Call::Fn("incidents/list", &[("product_id", "{product}")]), Needs::Read),
    (Call::Api(Method::GET, "/api/v1/products", false), Needs::Read),
    (Call::Api(Method::GET, "/api/v1/products/{product}", false), Needs::Read),
    (Call::Api(Method::GET, "/api/v1/products/{product}/audits", false), Needs::Read),
    (Call::Api(Method::GET, "/api/v1/audits/{audit}", false), Needs::Read),
    (Call::Api(Method::GET, "/api/v1/audits/{audit}/scorecard", false), Needs::Read),
    (Call::Fn("channels/list", &[]), Needs::Internals),
    (Call::Fn("deliveries/list", &[]), Needs::Internals),
    (Call::Fn("sprints/list", &[]), Needs::Internals),
    (Call::Fn("sprints/get", &[("id", "{booking}")]), Needs::Internals),
    (Call::Fn("billing/get", &[]), Needs::Internals),
    (Call::Fn("team/get", &[]), Needs::Internals),
    (Call::Fn("products/create", PRODUCT), Needs::Edit),
    (Call::Fn("products/update", &[("id", "{product}"), ("name", "Renamed"), ("apex_domain", "acme.example")]), Needs::Edit),
    (Call::Fn("products/settings", &[("id", "{product}"), ("audit_schedule", "off")]), Needs::Edit),
    (Call::Fn("products/delete", &[("id", "{doomed_product}"), ("confirm", "yes")]), Needs::Edit),
    (Call::Fn("audits/request", &[("product_id", "{product}")]), Needs::Edit),
    (Call::Fn("monitors/create", &[("product_id", "{product}")]), Needs::Edit),
    (Call::Fn("monitors/update", &[("id", "{monitor}")]), Needs::Edit),
    (Call::Fn("monitors/delete", &[("id", "{doomed_monitor}")]), Needs::Edit),
    (Call::Fn("channels/create", &[("name", "Ops"), ("kind", "email"), ("target", "ops@example.com")]), Needs::Edit),
    (Call::Fn("channels/enable", &[("id", "{channel}"), ("enabled", "on")]), Needs::Edit),
    (Call::Fn("channels/test", &[("id", "{channel}")]), Needs::Edit),
    (Call::Fn("channels/delete", &[("id", "{doomed_channel}")]), Needs::Edit),
    (
        Call::Fn(
            "sprints/book",
            &[("audit_id", "{audit}"), ("slot_id", "{slot}"), ("contact_name", "Someone"), ("contact_email", "someone@example.com")],
        ),
        Needs::Edit,
    ),
    (Call::Fn("sprints/pay_deposit", &[("id", "{booking}")]), Needs::Edit),
    (Call::Api(Method::POST, "/api/v1/products", true), Needs::Edit),
    (Call::Api(Method::PUT, "/api/v1/products/{product}", true), Needs::Edit),
    (Call::Api(Method::PATCH, "/api/v1/products/{product}", true), Needs::Edit),
    (Call::Api(Method::DELETE, "/api/v1/products/{doomed_product}", false), Needs::Edit),
    (Call::Api(Method::POST, "/api/v1/products/{product}/audits", false), Needs::Edit),
    (Call::Fn("workspaces/create", &[("name", "{email}")]), Needs::Manage),
    (Call::Fn("workspaces/rename", &[("id", "{ws_id}"), ("name", "Client A")]), Needs::Manage),
    (Call::Fn("workspaces/archive", &[("id", "{ws_id}"), ("archived", "false")]), Needs::Manage),
    (Call::Fn("workspaces/monthly_report", &[("id", "{ws_id}"), ("on", "true")]), Needs::Manage),
    (Call::Fn("workspaces/report_preview", &[("id", "{ws_id}")]), Needs::Manage),
    (Call::Fn("team/invite", &[("email", "{email}"), ("role", "member")]), Needs::Manage),
    (Call::Fn("team/resend", &[("id", "{invitation}")]), Needs::Manage),
    (Call::Fn("team/revoke", &[("id", "{invitation}")]), Needs::Manage),
    (Call::Fn("team/change_role", &[("user_id", "{person}"), ("role", "admin")]), Needs::Manage),
    (Call::Fn("team/remove", &[("user_id", "{person}"), ("confirm", "yes")]), Needs::Manage),
    (Call::Fn("team/client_workspaces", &[("user_id", "{client}"), ("workspaces[0]", "{ws_id}")]), Needs::Manage),
    (Call::Fn("activity/list", &[]), Needs::Manage),
    (Call::Page("/app/w/{ws}/shares"), Needs::Internals),
    (Call::Page("/app/shares"), Needs::Internals),
    (Call::Fn("shares/list", &[]), Needs::Internals),
    (
        Call::Fn("shares/create_scorecard", &[("audit_id", "{audit}"), ("form[expires_in_days]", "7"), ("form[mode]", "snapshot")]),
        Needs::Edit,
    ),
    (Call::Fn("shares/create_workspace", &[("form[expires_in_days]", "7"), ("form[mode]", "latest")]), Needs::Edit),
    (Call::Fn("shares/revoke", &[("id", "{share}")]), Needs::Edit),
    (Call::Page("/app/portfolio"), Needs::Internals),
    (Call::Fn("portfolio/get", &[]), Needs::Internals),
    (Call::Page("/app/branding"), Needs::Manage),
    (Call::Fn("branding/get", &[]), Needs::Manage),
    (Call::Fn("branding/save", &[("form[name]", "Agency"), ("form[accent]", "#1d4ed8"), ("form[footer]", "By Agency")]), Needs::Manage),
    (Call::Fn("branding/remove_logo", &[]), Needs::Manage),
    (Call::Upload("/app/branding/logo"), Needs::Manage),
    (Call::Fn("billing/upgrade", &[("plan", "pro")]), Needs::Own),
    (Call::Fn("billing/portal", &[]), Needs::Own),
    // Last: the owner's call hands the organisation over.
    (Call::Fn("team/transfer", &[("user_id", "{person}"), ("confirm", "yes")]), Needs::Own),
];

/// The key of a route in the registered-route test (`page PATH`, `fn ENDPOINT`, `api METHOD PATH`).
pub fn keys() -> Vec<String> {
    TABLE
        .iter()
        .map(|(call, _)| match call {
            Call::Page(path) => format!("page {}", crate::helpers::normalize(path)),
            Call::Api(method, path, _) => format!("api {method} {}", crate::helpers::normalize(path)),
            Call::Fn(endpoint, _) => format!("fn {endpoint}"),
            Call::Upload(path) => format!("route POST {path}"),
        })
        .collect()
}

struct World<'a> {
    app: &'a TestApp,
    a: Ws,
    owner: reqwest::Client,
    browsers: Vec<(Who, reqwest::Client)>,
    fixed: Vec<(&'static str, String)>,
    minted: AtomicUsize,
    /// Refused calls aim at the real rows (a refused delete must leave them); allowed ones at
    /// rows minted for them.
    mint: std::sync::atomic::AtomicBool,
}

impl World<'_> {
    fn browser(&self, who: Who) -> &reqwest::Client {
        &self.browsers.iter().find(|(w, _)| *w == who).unwrap().1
    }

    fn n(&self) -> usize {
        self.minted.fetch_add(1, Ordering::Relaxed)
    }

    /// Fills the placeholders of `text`, minting fresh rows for the ones that need them.
    async fn fill(&self, text: &str) -> String {
        let mut out = text.to_owned();
        if !self.mint.load(Ordering::Relaxed) {
            for (doomed, real) in [
                ("{doomed_product}", "{product}"),
                ("{doomed_monitor}", "{monitor}"),
                ("{doomed_channel}", "{channel}"),
                ("{person}", "{member}"),
                ("{invitation}", "{pending}"),
                ("{email}", "nobody@example.com"),
            ] {
                out = out.replace(doomed, real);
            }
        }
        for (key, value) in &self.fixed {
            out = out.replace(key, value);
        }
        let app = self.app;
        let a = &self.a;
        if out.contains("{doomed_product}") {
            let mut body = acme();
            body["apex_domain"] = format!("doomed{}.example", self.n()).into();
            body["app_host"] = "".into();
            let created: Value = self
                .owner
                .post(app.url("/api/v1/products"))
                .header("x-launchready-workspace", &a.slug)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            out = out.replace("{doomed_product}", created["id"].as_str().expect("doomed product"));
        }
        if out.contains("{doomed_monitor}") {
            let product = self.fixed.iter().find(|(k, _)| *k == "{product}").unwrap().1.clone();
            let mut form: Vec<(&str, &str)> = vec![("product_id", product.as_str())];
            form.extend_from_slice(MONITOR);
            let created: Value = app.call_in(&self.owner, &a.slug, "monitors/create", &form).await.json().await.unwrap();
            out = out.replace("{doomed_monitor}", created["id"].as_str().expect("doomed monitor"));
        }
        if out.contains("{doomed_channel}") {
            let form = [("name", "Doomed"), ("kind", "email"), ("target", "doomed@example.com")];
            let created: Value = app.call_in(&self.owner, &a.slug, "channels/create", &form).await.json().await.unwrap();
            out = out.replace("{doomed_channel}", created["channel"]["id"].as_str().expect("doomed channel"));
        }
        if out.contains("{email}") {
            out = out.replace("{email}", &format!("new{}@example.com", self.n()));
        }
        if out.contains("{invitation}") {
            let email = format!("pending{}@example.com", self.n());
            assert_eq!(invite(app, &self.owner, &email, "member", &[]).await.status(), StatusCode::OK);
            let row = invitation::Entity::find().filter(invitation::Column::Email.eq(email.as_str())).one(&app.db).await.unwrap().unwrap();
            out = out.replace("{invitation}", &row.id.to_string());
        }
        if out.contains("{person}") {
            let email = format!("person{}@example.com", self.n());
            invited(app, &self.owner, &email, "member", &[]).await;
            out = out.replace("{person}", &user_id(app, &email).await);
        }
        out
    }

    async fn call(&self, who: Who, call: &Call) -> (String, StatusCode) {
        let app = self.app;
        let slug = self.a.slug.as_str();
        let client = if who == Who::Anonymous { app.new_client() } else { self.browser(who).clone() };
        match call {
            Call::Page(path) => {
                let path = self.fill(path).await;
                let status = client.get(app.url(&path)).header("x-launchready-workspace", slug).send().await.unwrap().status();
                (format!("page {path}"), status)
            }
            Call::Api(method, path, with_body) => {
                let path = self.fill(path).await;
                let mut request = client.request(method.clone(), app.url(&path)).header("x-launchready-workspace", slug);
                if *with_body {
                    let mut body = acme();
                    body["name"] = "Changed".into();
                    body["apex_domain"] = format!("api{}.example", self.n()).into();
                    request = request.json(&body);
                }
                (format!("{method} {path}"), request.send().await.unwrap().status())
            }
            Call::Upload(path) => {
                let (content_type, body) = multipart_logo(PIXEL_PNG);
                let request = client.post(app.url(path)).header("x-launchready-workspace", slug).header("content-type", content_type);
                (format!("upload {path}"), request.body(body).send().await.unwrap().status())
            }
            Call::Fn(endpoint, fields) => {
                let mut form: Vec<(String, String)> = Vec::new();
                for (key, value) in fields.iter() {
                    form.push((key.to_string(), self.fill(value).await));
                }
                if matches!(*endpoint, "monitors/create" | "monitors/update") {
                    form.extend(MONITOR.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                }
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let form = as_browser_sends(endpoint, &form);
                let response = client
                    .post(app.url(&format!("/api/{endpoint}")))
                    .header("x-launchready-workspace", slug)
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                (format!("fn {endpoint}"), response.status())
            }
        }
    }
}

fn answer(call: &Call, status: StatusCode) -> Answer {
    match status {
        StatusCode::UNAUTHORIZED => Answer::SignIn,
        StatusCode::SEE_OTHER | StatusCode::FOUND if matches!(call, Call::Page(_)) => Answer::SignIn,
        StatusCode::NOT_FOUND => Answer::NotFound,
        StatusCode::FORBIDDEN => Answer::Forbidden,
        status if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE => panic!("{status}"),
        _ => Answer::Allowed,
    }
}

/// What a refused call must leave as it was: everything the owner can read of A and the
/// organisation, and the row counts of the tables people change.
async fn state(world: &World<'_>) -> Value {
    let app = world.app;
    let slug = world.a.slug.as_str();
    let owner = &world.owner;
    let product = world.fixed.iter().find(|(k, _)| *k == "{product}").unwrap().1.clone();
    let read = |endpoint: &'static str, form: Vec<(&'static str, String)>| async move {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let value: Value = app.call_in(owner, slug, endpoint, &form).await.json().await.unwrap();
        value
    };
    let mut team = read("team/get", vec![]).await;
    team["invitations"].as_array_mut().into_iter().flatten().for_each(|i| i["sent_at"] = Value::Null);
    let counts = {
        use platform::entities::*;
        serde_json::json!({
            "products": product::Entity::find().count(&app.db).await.unwrap(),
            "monitors": monitor::Entity::find().count(&app.db).await.unwrap(),
            "audits": audit::Entity::find().count(&app.db).await.unwrap(),
            "channels": notification_channel::Entity::find().count(&app.db).await.unwrap(),
            "notifications": notification::Entity::find().count(&app.db).await.unwrap(),
            "bookings": sprint_booking::Entity::find().count(&app.db).await.unwrap(),
            "workspaces": workspace::Entity::find().count(&app.db).await.unwrap(),
            "memberships": membership::Entity::find().count(&app.db).await.unwrap(),
            "grants": workspace_grant::Entity::find().count(&app.db).await.unwrap(),
            "invitations": invitation::Entity::find().count(&app.db).await.unwrap(),
            "activity": activity::Entity::find().count(&app.db).await.unwrap(),
            "share_links": share_link::Entity::find().filter(share_link::Column::RevokedAt.is_null()).count(&app.db).await.unwrap(),
            "brandings": branding::Entity::find().count(&app.db).await.unwrap(),
            // Mails queued (a refused report preview must queue none).
            "email_jobs": platform::outbox::email_jobs(&app.db, 100_000).await.unwrap().len(),
        })
    };
    serde_json::json!({
        "product": read("products/get", vec![("id", product.clone())]).await,
        "monitors": read("monitors/list", vec![("product_id", product)]).await,
        "channels": read("channels/list", vec![]).await,
        "workspaces": read("workspaces/list", vec![]).await,
        "team": team,
        "counts": counts,
    })
}

on_each_database!(every_route_answers_each_role_as_the_table_says);

async fn every_route_answers_each_role_as_the_table_says(db: Db) {
    // Room for the people and rows the allowed calls make.
    let spawned = TestApp::spawn_with(
        db,
        &[("plans.agency.members", "200"), ("plans.agency.channels", "1000"), ("throttle.sign_up_per_ip_per_hour", "1000")],
    )
    .await;
    let app = &spawned;
    let agency = agency(app, "owner@agency.example").await;
    let (owner, a, b) = (agency.owner.clone(), agency.a.clone(), agency.b.clone());
    let admin = invited(app, &owner, "admin@agency.example", "admin", &[]).await;
    let member = invited(app, &owner, "member@agency.example", "member", &[]).await;
    let client = invited(app, &owner, "client@customer-a.example", "client", &[&a]).await;
    let client_b = invited(app, &owner, "client@customer-b.example", "client", &[&b]).await;
    let other = app.confirmed_client("owner@other.example").await;
    set_plan(app, "agency").await;

    // Workspace A's rows.
    let created: Value = owner
        .post(app.url("/api/v1/products"))
        .header("x-launchready-workspace", &a.slug)
        .json(&acme())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let product = created["id"].as_str().expect("product in A").to_owned();
    let audit: Value = owner
        .post(app.url(&format!("/api/v1/products/{product}/audits")))
        .header("x-launchready-workspace", &a.slug)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let audit = audit["id"].as_str().expect("audit").to_owned();
    let monitors: Value = app.call_in(&owner, &a.slug, "monitors/list", &[("product_id", &product)]).await.json().await.unwrap();
    let monitor = monitors[0]["id"].as_str().expect("main-URL monitor").to_owned();
    let channel: Value = app
        .call_in(&owner, &a.slug, "channels/create", &[("name", "Ops"), ("kind", "email"), ("target", "ops@example.com")])
        .await
        .json()
        .await
        .unwrap();
    let channel = channel["channel"]["id"].as_str().expect("channel").to_owned();
    crate::sprints::complete_as_failing(app, &audit, "acme.example").await;
    let slot = Uuid::new_v4();
    sprint_slot::ActiveModel {
        id: Set(slot.into()),
        starts_on: Set((chrono::Utc::now() + chrono::Duration::days(7)).date_naive()),
        title: Set("Sprint".into()),
        capacity: Set(50),
        booked: Set(0),
        price_cents: Set(100_000),
        deposit_cents: Set(0),
        currency: Set("EUR".into()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let booked = app
        .call_in(
            &owner,
            &a.slug,
            "sprints/book",
            &[("audit_id", &audit), ("slot_id", &slot.to_string()), ("contact_name", "Owner"), ("contact_email", "owner@agency.example")],
        )
        .await;
    let booked: Value = booked.json().await.unwrap();
    let booking = booked["booking"]["id"].as_str().expect("booking").to_owned();
    let share: Value = app
        .call_in(&owner, &a.slug, "shares/create_workspace", &[("form[expires_in_days]", "7"), ("form[mode]", "latest")])
        .await
        .json()
        .await
        .unwrap();
    let share = share["id"].as_str().expect("share link").to_owned();
    let client_id = user_id(app, "client@customer-a.example").await;
    assert_eq!(invite(app, &owner, "pending@example.com", "member", &[]).await.status(), StatusCode::OK);
    let pending = invitation::Entity::find()
        .filter(invitation::Column::Email.eq("pending@example.com"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("pending invitation")
        .id
        .to_string();

    let world = World {
        app,
        a: a.clone(),
        owner: owner.clone(),
        browsers: vec![
            (Who::OtherOrganisation, other),
            (Who::ClientOfOtherWorkspace, client_b.clone()),
            (Who::Client, client.clone()),
            (Who::Member, member),
            (Who::Admin, admin),
            (Who::Owner, owner.clone()),
        ],
        fixed: vec![
            ("{ws_id}", a.id.clone()),
            ("{ws}", a.slug.clone()),
            ("{product}", product.clone()),
            ("{audit}", audit.clone()),
            ("{monitor}", monitor),
            ("{channel}", channel),
            ("{booking}", booking),
            ("{share}", share),
            ("{slot}", slot.to_string()),
            ("{client}", client_id),
            ("{member}", user_id(app, "member@agency.example").await),
            ("{pending}", pending),
        ],
        minted: AtomicUsize::new(0),
        mint: std::sync::atomic::AtomicBool::new(false),
    };

    // 1. Every refusal, on every route; nothing may change.
    let before = state(&world).await;
    let mut wrong = Vec::new();
    for (call, needs) in TABLE {
        for who in EVERYONE {
            let want = expected(*needs, who);
            if want == Answer::Allowed {
                continue;
            }
            let (label, status) = world.call(who, call).await;
            if answer(call, status) != want {
                wrong.push(format!("{label} as {who:?}: {status}, expected {want:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "refusals that did not answer as the table says:\n{}", wrong.join("\n"));
    let after = state(&world).await;
    assert_eq!(before, after, "a refused call changed something");

    // The client of B, on their own workspace's pages, still cannot reach A's rows.
    for path in [format!("/app/w/{}/products/{product}", b.slug), format!("/app/w/{}/products/{product}/audits/{audit}", b.slug)] {
        assert_eq!(client_b.get(app.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
    let theirs = app.call_in(&client_b, &b.slug, "products/get", &[("id", &product)]).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    // A client's pages show no control that changes anything.
    let page = client.get(app.url(&format!("/app/w/{}/products/{product}", a.slug))).send().await.unwrap().text().await.unwrap();
    for control in ["Run audit", "Add monitor", "Save settings", ">Edit<", "Delete", "Pause"] {
        assert!(!page.contains(control), "the client's product page offers \"{control}\"");
    }

    // 2. Every allowed call gets past the role check.
    world.mint.store(true, Ordering::Relaxed);
    for (call, needs) in TABLE {
        for who in EVERYONE {
            if expected(*needs, who) != Answer::Allowed {
                continue;
            }
            let (label, status) = world.call(who, call).await;
            if answer(call, status) != Answer::Allowed {
                wrong.push(format!("{label} as {who:?}: {status}, expected it to be allowed"));
            }
        }
    }
    assert!(wrong.is_empty(), "allowed calls that were refused:\n{}", wrong.join("\n"));
    drop(world);
    spawned.stop().await;
}
