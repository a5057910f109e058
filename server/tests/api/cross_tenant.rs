//! Tenant isolation: every product route, page and API, called with another organisation's
//! id answers 404 and changes nothing. New routes join `ROUTES` (they take an id) or
//! `UNSCOPED` (they take none, with the reason); a test fails when a registered page, server
//! function or axum route is in neither.

use crate::helpers::{normalize, TestApp};
use crate::on_both_databases;
use crate::products::acme;
use platform::entities::sprint_slot;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::Value;
use uuid::Uuid;

/// How a route is called. Placeholders: `{id}` the victim's product, `{audit}` its audit,
/// `{monitor}` its main-URL monitor, `{channel}` its alert channel, `{booking}` its sprint
/// booking, `{slot}` the slot booked. The attacker is no operator, so the admin area is 404 too.
enum Call {
    Page(&'static str),
    Api(Method, &'static str, bool),
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
}

const MONITOR_FIELDS: &[(&str, &str)] = &[
    ("name", "Stolen"),
    ("kind", "http"),
    ("target", "https://stolen.example/"),
    ("interval_secs", "300"),
    ("expected_status", ""),
    ("keyword", ""),
    ("latency_threshold_ms", ""),
    ("confirm_failures", "2"),
    ("confirm_successes", "2"),
    ("enabled", "on"),
];

const ROUTES: &[Call] = &[
    Call::Page("/app/products/{id}"),
    Call::Page("/app/products/{id}/edit"),
    Call::Page("/app/products/{id}/audits/{audit}"),
    Call::Api(Method::GET, "/api/v1/products/{id}", false),
    Call::Api(Method::PUT, "/api/v1/products/{id}", true),
    Call::Api(Method::PATCH, "/api/v1/products/{id}", true),
    Call::Api(Method::DELETE, "/api/v1/products/{id}", false),
    Call::Api(Method::POST, "/api/v1/products/{id}/audits", false),
    Call::Api(Method::GET, "/api/v1/products/{id}/audits", false),
    Call::Api(Method::GET, "/api/v1/audits/{audit}", false),
    Call::Api(Method::GET, "/api/v1/audits/{audit}/scorecard", false),
    Call::ServerFn("products/get", &[("id", "{id}")]),
    Call::ServerFn(
        "products/update",
        &[
            ("id", "{id}"),
            ("name", "Stolen"),
            ("apex_domain", "stolen.example"),
            ("app_host", ""),
            ("api_host", ""),
            ("mail_domain", ""),
            ("dkim_selectors", ""),
            ("endpoints", ""),
        ],
    ),
    Call::ServerFn("products/settings", &[("id", "{id}"), ("audit_schedule", "off"), ("status_page_enabled", "on")]),
    Call::ServerFn("audits/request", &[("product_id", "{id}")]),
    Call::ServerFn("audits/list", &[("product_id", "{id}")]),
    Call::ServerFn("audits/summary", &[("audit_id", "{audit}")]),
    Call::ServerFn("audits/detail", &[("audit_id", "{audit}")]),
    Call::ServerFn("monitors/list", &[("product_id", "{id}")]),
    Call::ServerFn("monitors/create", &[("product_id", "{id}")]),
    Call::ServerFn("monitors/update", &[("id", "{monitor}")]),
    Call::ServerFn("monitors/delete", &[("id", "{monitor}")]),
    Call::ServerFn("incidents/list", &[("product_id", "{id}")]),
    Call::ServerFn("channels/enable", &[("id", "{channel}")]),
    Call::ServerFn("channels/test", &[("id", "{channel}")]),
    Call::ServerFn("channels/delete", &[("id", "{channel}")]),
    Call::Page("/app/products/{id}/audits/{audit}/book"),
    Call::Page("/app/sprints/{booking}"),
    Call::ServerFn("sprints/get", &[("id", "{booking}")]),
    Call::ServerFn("sprints/pay_deposit", &[("id", "{booking}")]),
    Call::ServerFn(
        "sprints/book",
        &[("audit_id", "{audit}"), ("slot_id", "{slot}"), ("contact_name", "Mallory"), ("contact_email", "m@example.com")],
    ),
    Call::Page("/admin/sprints"),
    Call::Page("/admin/bookings/{booking}"),
    Call::ServerFn("admin/sprints", &[]),
    Call::ServerFn("admin/booking", &[("id", "{booking}")]),
    Call::ServerFn("admin/decide", &[("id", "{booking}"), ("decision", "decline")]),
    Call::ServerFn(
        "admin/create_slot",
        &[("starts_on", "2030-01-01"), ("title", "Mine"), ("capacity", "9"), ("price", "1"), ("currency", "EUR")],
    ),
    Call::ServerFn("status/get", &[("product_id", "{id}")]),
    Call::ServerFn("products/delete", &[("id", "{id}"), ("confirm", "yes")]),
];

/// Routes that take no id of a tenant-owned row, and why each is safe without the check above.
/// Keys: `page PATH`, `fn ENDPOINT`, `api METHOD PATH`, `route METHOD PATH` (ids as `{}`).
const UNSCOPED: &[(&str, &str)] = &[
    ("page /", "public landing page"),
    ("page /signup", "public: creates a new organisation"),
    ("page /signin", "public"),
    ("page /verify", "public: the mailed token is the credential"),
    ("page /verified", "public"),
    ("page /forgot", "public: answers the same whether the address exists or not"),
    ("page /reset", "public: the mailed token is the credential"),
    ("page /invite", "public: the mailed invitation token is the credential (agency.rs)"),
    ("fn invitations/preview", "the mailed invitation token is the credential"),
    ("fn invitations/accept", "the token, and only for the invited address (agency.rs)"),
    ("fn invitations/sign_up", "the token: creates the invited account"),
    ("page /s/{}", "public: the signed share token is the credential (shares.rs)"),
    ("fn share/open", "the signed share token is the credential; rate limited (shares.rs)"),
    ("route GET /brand/{}", "public: a logo by its content hash, shown on public pages"),
    ("route GET /brand/accent/{}", "public: a colour as a stylesheet, no tenant data"),
    ("page /app", "the caller's own dashboard (asserted below: no trace of the victim)"),
    ("page /app/settings", "the caller's own account"),
    ("page /app/products/new", "creates in the caller's own workspace"),
    ("page /app/alerts", "the caller's own channels"),
    ("page /app/billing", "the caller's own organisation"),
    ("page /app/sprints", "the caller's own bookings"),
    ("page /dev/outbox", "development only: 404 with SMTP configured, on a non-loopback bind, to a non-loopback client"),
    ("page /status/{}", "public only when its owner turns it on (asserted below)"),
    ("fn session/viewer", "the caller's own session"),
    ("fn auth/sign_up", "public"),
    ("fn auth/sign_in", "public, throttled"),
    ("fn auth/sign_out", "the caller's own session"),
    ("fn auth/verify_email", "the mailed token is the credential"),
    ("fn auth/resend_verification", "the caller's own address"),
    ("fn auth/request_reset", "public, same answer for unknown addresses"),
    ("fn auth/reset_password", "the mailed token is the credential"),
    ("fn account/change_password", "the caller's own account"),
    ("fn account/sign_out_everywhere", "the caller's own sessions"),
    ("fn products/list", "the caller's own workspace (asserted below)"),
    ("fn products/create", "creates in the caller's own workspace"),
    ("fn dashboard/get", "the caller's own workspace"),
    ("fn billing/get", "the caller's own organisation"),
    ("fn billing/upgrade", "the caller's own organisation"),
    ("fn billing/portal", "the caller's own organisation"),
    ("fn channels/list", "the caller's own channels (asserted below)"),
    ("fn channels/create", "creates in the caller's own organisation"),
    ("fn deliveries/list", "the caller's own notifications"),
    ("fn sprints/open_slots", "the operator's published slots, the same for everyone"),
    ("fn sprints/list", "the caller's own bookings (asserted below)"),
    ("fn dev/outbox", "development only: 404 with SMTP configured, on a non-loopback bind, to a non-loopback client"),
    ("api GET /api/v1/products", "the caller's own workspace (asserted below)"),
    ("api POST /api/v1/products", "creates in the caller's own workspace"),
    ("route GET /healthz", "public liveness"),
    ("route GET /readyz", "public readiness"),
    ("route GET /.well-known/security.txt", "public: where to report a vulnerability (RFC 9116)"),
    ("route POST /webhooks/stripe", "Stripe's signature over the raw body is the credential"),
];

/// The axum routes as written in server/src/http: `.route("PATH", get(…).post(…))` (or a
/// `const PATH` of the same file).
fn axum_routes() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for call in text.split(".route(").skip(1) {
            let args = &call[..call.find("))").map_or(call.len(), |end| end + 1)];
            let path = match args.strip_prefix('"') {
                Some(rest) => rest[..rest.find('"').unwrap()].to_owned(),
                None => {
                    let name = args.split(',').next().unwrap().trim();
                    let decl = format!("const {name}: &str = \"");
                    let start = text.find(&decl).unwrap_or_else(|| panic!("route path {name} is not a const of its file")) + decl.len();
                    text[start..start + text[start..].find('"').unwrap()].to_owned()
                }
            };
            for method in ["get", "post", "put", "patch", "delete"] {
                if args.contains(&format!("{method}(")) {
                    found.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn every_registered_route_is_in_the_cross_tenant_table() {
    let mut registered = std::collections::BTreeSet::new();
    for route in leptos_axum::generate_route_list(app::App) {
        registered.insert(format!("page {}", normalize(route.path())));
    }
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        registered.insert(format!("fn {}", path.trim_start_matches("/api/")));
    }
    for (method, path) in axum_routes() {
        let kind = if path.starts_with("/api/v1/") { "api" } else { "route" };
        registered.insert(format!("{kind} {method} {}", normalize(&path)));
    }
    let mut covered: std::collections::BTreeSet<String> = UNSCOPED.iter().map(|(key, _)| key.to_string()).collect();
    // Routes of a workspace or of the organisation: the role table (roles.rs) calls each one as
    // every kind of person, another organisation included.
    covered.extend(crate::roles::keys());
    for call in ROUTES {
        covered.insert(match call {
            Call::Page(path) => format!("page {}", normalize(path)),
            Call::Api(method, path, _) => format!("api {method} {}", normalize(path)),
            Call::ServerFn(endpoint, _) => format!("fn {endpoint}"),
        });
    }
    let missing: Vec<&String> = registered.difference(&covered).collect();
    assert!(missing.is_empty(), "routes missing from the cross-tenant table (ROUTES or UNSCOPED): {missing:#?}");
    let stale: Vec<&String> = covered.difference(&registered).collect();
    assert!(stale.is_empty(), "cross-tenant table entries that no longer exist: {stale:#?}");
}

on_both_databases!(another_tenants_product_is_not_found_on_every_route);

async fn another_tenants_product_is_not_found_on_every_route(app: &TestApp) {
    let victim = app.confirmed_client("victim@example.com").await;
    // Confirmed, so the routes that need a confirmed address reach their tenant check.
    let attacker = app.confirmed_client("attacker@example.com").await;
    let created: Value = victim.post(app.url("/api/v1/products")).json(&acme()).send().await.unwrap().json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let audit: Value = victim.post(app.url(&format!("/api/v1/products/{id}/audits"))).send().await.unwrap().json().await.unwrap();
    let audit = audit["id"].as_str().unwrap().to_owned();
    let monitors: Value = app.call(&victim, "monitors/list", &[("product_id", id.as_str())]).await.json().await.unwrap();
    let monitor = monitors[0]["id"].as_str().expect("the product's main-URL monitor").to_owned();
    let channel: Value = app
        .call(&victim, "channels/create", &[("name", "Ops"), ("kind", "email"), ("target", "ops@example.com")])
        .await
        .json()
        .await
        .unwrap();
    let channel = channel["channel"]["id"].as_str().unwrap().to_owned();
    // A failing scorecard booked into a slot.
    crate::sprints::complete_as_failing(app, &audit, "acme.example").await;
    let slot = Uuid::new_v4();
    sprint_slot::ActiveModel {
        id: Set(slot.into()),
        starts_on: Set((chrono::Utc::now() + chrono::Duration::days(7)).date_naive()),
        title: Set("Sprint".into()),
        capacity: Set(5),
        booked: Set(0),
        price_cents: Set(100_000),
        deposit_cents: Set(0),
        currency: Set("EUR".into()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let slot = slot.to_string();
    let booked = app
        .call(
            &victim,
            "sprints/book",
            &[
                ("audit_id", &audit),
                ("slot_id", &slot),
                ("share_snapshot", "on"),
                ("contact_name", "Vic"),
                ("contact_email", "victim@example.com"),
            ],
        )
        .await;
    let booked: Value = booked.json().await.unwrap();
    let booking = booked["booking"]["id"].as_str().expect("the victim booked").to_owned();
    let fill = |text: &str| {
        text.replace("{id}", &id)
            .replace("{audit}", &audit)
            .replace("{monitor}", &monitor)
            .replace("{channel}", &channel)
            .replace("{booking}", &booking)
            .replace("{slot}", &slot)
    };

    for call in ROUTES {
        let (label, status) = match call {
            Call::Page(path) => {
                let path = fill(path);
                (path.clone(), attacker.get(app.url(&path)).send().await.unwrap().status())
            }
            Call::Api(method, path, with_body) => {
                let path = fill(path);
                let mut request = attacker.request(method.clone(), app.url(&path));
                if *with_body {
                    let mut body = acme();
                    body["name"] = "Stolen".into();
                    request = request.json(&body);
                }
                (format!("{method} {path}"), request.send().await.unwrap().status())
            }
            Call::ServerFn(endpoint, fields) => {
                let mut form: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), fill(v))).collect();
                if endpoint.starts_with("monitors/create") || endpoint.starts_with("monitors/update") {
                    form.extend(MONITOR_FIELDS.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                }
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                (format!("server fn {endpoint}"), app.call(&attacker, endpoint, &form).await.status())
            }
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{label} must answer 404 to another tenant");
    }

    // The status page is public only when its owner turns it on (the attacker could not).
    assert_eq!(attacker.get(app.url(&format!("/status/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let bookings: Value = app.call(&attacker, "sprints/list", &[]).await.json().await.unwrap();
    assert_eq!(bookings, serde_json::json!([]), "the attacker sees no booking of the victim");
    let mine: Value = app.call(&victim, "sprints/get", &[("id", &booking)]).await.json().await.unwrap();
    assert_eq!(mine["status"], "requested", "the victim's booking is unchanged");
    assert_eq!(sprint_slot::Entity::find().all(&app.db).await.unwrap().len(), 1, "no slot was published by the attacker");
    let theirs: Value = app.call(&attacker, "channels/list", &[]).await.json().await.unwrap();
    assert_eq!(theirs, serde_json::json!([]), "the attacker sees no channel of the victim");
    let summary: Value = victim.get(app.url(&format!("/api/v1/audits/{audit}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(summary["id"], audit.as_str(), "the victim still sees its audit");
    let monitors_after: Value = app.call(&victim, "monitors/list", &[("product_id", id.as_str())]).await.json().await.unwrap();
    for field in ["id", "name", "target", "interval_secs", "enabled"] {
        assert_eq!(monitors_after[0][field], monitors[0][field], "the victim's monitor keeps its {field}");
    }

    let after: Value = victim.get(app.url(&format!("/api/v1/products/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(after, created, "the victim's product is unchanged");
    let theirs: Vec<Value> = attacker.get(app.url("/api/v1/products")).send().await.unwrap().json().await.unwrap();
    assert!(theirs.is_empty(), "the attacker's list does not show it");
    let dashboard = attacker.get(app.url("/app")).send().await.unwrap().text().await.unwrap();
    assert!(!dashboard.contains(&id));
}
