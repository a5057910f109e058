//! The monthly client report: turned on per workspace by its owners and admins; mailed once
//! for each finished month to the workspace's client users (or the owner and admins without
//! any) with the month's numbers read from the audits, rollups and incidents of that month
//! only; a claim left by a crash is taken again hours later; a preview goes to the asker
//! alone; white-labelled on the Agency plan with a brand.
//!
//! The app runs without its embedded worker: the sweep runs at instants the test chooses.

use crate::agency::{agency, invitation_token, invite, join, Ws};
use crate::helpers::{Db, TestApp};
use crate::on_each_database;
use crate::products::acme;
use chrono::{DateTime, Duration, Utc};
use domain::report::ReportMonth;
use domain::scorecard::{Category, Decision, Finding, Points, Severity, Status};
use platform::entities::{audit, finding, incident, monitor, monitor_rollup, outbox_message, product, workspace};
use platform::ids::{FindingId, IncidentId, MonitorId, WorkspaceId};
use platform::text_enum::Text;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

on_each_database!(the_monthly_report_goes_out_once_with_that_months_numbers);

async fn workspace_row(app: &TestApp, ws: &Ws) -> workspace::Model {
    let id: WorkspaceId = ws.id.parse::<uuid::Uuid>().unwrap().into();
    workspace::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
}

/// Mails to `to` whose subject contains `subject`, oldest first.
async fn mails(app: &TestApp, to: &str, subject: &str) -> Vec<outbox_message::Model> {
    let mut found: Vec<outbox_message::Model> = outbox_message::Entity::find()
        .filter(outbox_message::Column::ToAddress.eq(to))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains(subject))
        .collect();
    found.sort_by_key(|m| m.created_at);
    found
}

/// A finding's stored JSON, as the engine writes it.
fn finding_detail(title: &str, status: Status, severity: Severity) -> String {
    serde_json::to_string(&Finding {
        id: "exposure.secrets".into(),
        category: Category::Exposure,
        severity,
        status,
        title: title.into(),
        summary: String::new(),
        evidence: vec![],
        points: Points { earned: 0, possible: 10 },
        active: false,
        why: String::new(),
        fix: String::new(),
        references: vec![],
        sprint_item: String::new(),
        duration_ms: 1,
        cause: None,
    })
    .unwrap()
}

/// A month's rows around the month: what falls inside must be counted, what falls outside not.
async fn seed_month(app: &TestApp, product: &product::Model, month: ReportMonth) {
    use testkit::portfolio::{audit_row, monitor_row, rollup};
    let (org, ws, id) = (product.org_id, product.workspace_id, product.id);
    let (start, end) = (month.start(), month.end());
    let monitor_id = MonitorId::new_random();
    let mut m = monitor_row(monitor_id, org, ws, id, false, start);
    m.enabled = Set(false);
    monitor::Entity::insert(m).exec(&app.db).await.unwrap();
    for (day, checks, failures) in [
        (start - Duration::days(1), 1440, 1440), // the month before: not counted
        (start + Duration::days(1), 1440, 3),
        (start + Duration::days(20), 1440, 9),
        (end, 1440, 700), // the month after: not counted
    ] {
        monitor_rollup::Entity::insert(rollup(monitor_id, org, id, day, checks, failures)).exec(&app.db).await.unwrap();
    }
    let before = audit_row(org, ws, id, start - Duration::days(3), 65, Decision::Hold);
    let within = audit_row(org, ws, id, start + Duration::days(10), 92, Decision::Go);
    let after = audit_row(org, ws, id, end + Duration::minutes(5), 40, Decision::Hold);
    let within_id = within.id.clone().unwrap();
    for row in [before, within, after] {
        audit::Entity::insert(row).exec(&app.db).await.unwrap();
    }
    for (position, (title, status, severity)) in [
        ("Secrets exposed in public files", Status::Fail, Severity::Critical),
        ("TLS certificate valid", Status::Pass, Severity::Critical),
        ("HSTS header", Status::Fail, Severity::High),
    ]
    .into_iter()
    .enumerate()
    {
        finding::ActiveModel {
            id: Set(FindingId::new_random()),
            audit_id: Set(within_id),
            org_id: Set(org),
            position: Set(position as i32),
            check_id: Set(format!("check.{position}")),
            category: Set(Text(Category::Exposure)),
            severity: Set(Text(severity)),
            status: Set(Text(status)),
            detail: Set(finding_detail(title, status, severity)),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let outage = |opened: DateTime<Utc>, minutes: i64| incident::ActiveModel {
        id: Set(IncidentId::new_random()),
        org_id: Set(org),
        product_id: Set(id),
        monitor_id: Set(monitor_id),
        opened_at: Set(opened),
        resolved_at: Set(Some(opened + Duration::minutes(minutes))),
        cause: Set("HTTP 503".into()),
        last_error: Set(None),
    };
    // Begun in the month, 42 minutes; begun before it and ending 30 minutes into it.
    for row in [outage(start + Duration::days(5), 42), outage(start - Duration::minutes(90), 120)] {
        row.insert(&app.db).await.unwrap();
    }
}

async fn the_monthly_report_goes_out_once_with_that_months_numbers(db: Db) {
    let spawned = TestApp::spawn_opts(db, &[], false).await;
    let app = &spawned;
    let now = Utc::now();
    let agency = agency(app, "owner@agency.example").await;
    let (owner, a, b) = (&agency.owner, &agency.a, &agency.b);
    assert_eq!(invite(app, owner, "client@acme.example", "client", &[a]).await.status(), StatusCode::OK);
    app.run_until_idle(now).await;
    let client = join(app, &invitation_token(app, "client@acme.example").await).await;

    // Owners and admins turn it on; a client cannot.
    let refused = app.call_in(&client, &a.slug, "workspaces/monthly_report", &[("id", &a.id), ("on", "true")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!workspace_row(app, a).await.monthly_report, "a refused call changes nothing");
    for ws in [a, b] {
        let on = app.call(owner, "workspaces/monthly_report", &[("id", &ws.id), ("on", "true")]).await;
        assert_eq!(on.status(), StatusCode::OK);
        assert_eq!(on.json::<Value>().await.unwrap()["monthly_report"], true);
        // The first report covers the month it was turned on in.
        assert_eq!(workspace_row(app, ws).await.report_sent_for, Some(ReportMonth::of(now).previous().key()));
    }
    let log: Value = app.call(owner, "activity/list", &[]).await.json().await.unwrap();
    assert!(log.to_string().contains("workspace.monthly_report"), "{log}");

    // Workspace A has a product with a month of history; the report was on two months ago.
    let month = ReportMonth::of(now).previous();
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
    let product_id: platform::ids::ProductId = created["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap().into();
    let product = product::Entity::find_by_id(product_id).one(&app.db).await.unwrap().unwrap();
    seed_month(app, &product, month).await;
    for ws in [a, b] {
        let mut row: workspace::ActiveModel = workspace_row(app, ws).await.into();
        row.report_sent_for = Set(Some(month.previous().key()));
        row.update(&app.db).await.unwrap();
    }

    // A sweep on the 2nd finds both due. A's claim is an hour old (a process that crashed after
    // claiming): it waits; B's goes out, to the owner, as B has no client.
    let sweep_at = month.end() + Duration::days(1);
    let mut stale: workspace::ActiveModel = workspace_row(app, a).await.into();
    stale.report_claimed_at = Set(Some(sweep_at - Duration::hours(1)));
    stale.update(&app.db).await.unwrap();
    app.run_until_idle(sweep_at).await;
    let subject_a = format!("Client A: report for {}", month.label());
    assert!(mails(app, "client@acme.example", &subject_a).await.is_empty(), "a fresh claim is left to its process");
    let b_mail = mails(app, "owner@agency.example", &format!("Client B: report for {}", month.label())).await;
    assert_eq!(b_mail.len(), 1);
    assert!(b_mail[0].body_text.contains("no products yet"), "{}", b_mail[0].body_text);
    assert_eq!(workspace_row(app, b).await.report_sent_for, Some(month.key()));

    // Hours later the claim has expired: A's report goes to its client, and to no one else.
    app.run_until_idle(sweep_at + Duration::hours(7)).await;
    let a_mail = mails(app, "client@acme.example", &subject_a).await;
    assert_eq!(a_mail.len(), 1);
    assert!(mails(app, "owner@agency.example", &subject_a).await.is_empty(), "A has a client: the staff get no copy");
    let body = &a_mail[0].body_text;
    for expected in [
        "1 product: 0 on Hold, 1 open critical finding, 1 outage.".to_owned(),
        format!("{} ({})", product.name, product.apex_domain),
        "Grade: A, score 92/100 (up from D); launch decision: Go".to_owned(),
        // (1440 − 3 + 1440 − 9) / 2880, rounded down; the days outside the month not counted.
        "Uptime: 99.58% over 2880 checks".to_owned(),
        // 42 minutes, and the 30 minutes of an outage begun the month before.
        "Outages: 1 begun, 72 minutes down in this period".to_owned(),
        "Open critical findings (1):\n    - Secrets exposed in public files\n".to_owned(),
        app.url(&format!("/app/w/{}", a.slug)),
    ] {
        assert!(body.contains(&expected), "{expected:?} missing from:\n{body}");
    }
    assert!(!body.contains("HSTS") && !body.contains("TLS certificate"), "only failed critical checks: {body}");
    assert_eq!(workspace_row(app, a).await.report_sent_for, Some(month.key()));
    assert_eq!(workspace_row(app, a).await.report_claimed_at, None);
    // The link in the mail opens for the client.
    let page = client.get(app.url(&format!("/app/w/{}", a.slug))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);

    // Later sweeps send nothing again.
    app.run_until_idle(sweep_at + Duration::hours(20)).await;
    assert_eq!(mails(app, "client@acme.example", &subject_a).await.len(), 1);
    assert_eq!(mails(app, "owner@agency.example", "Client B: report for").await.len(), 1);

    // A preview: the month so far, to the asker alone; a client may not ask for one.
    let refused = app.call_in(&client, &a.slug, "workspaces/report_preview", &[("id", &a.id)]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let asked = app.call(owner, "workspaces/report_preview", &[("id", &a.id)]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert_eq!(asked.json::<Value>().await.unwrap(), "owner@agency.example");
    app.run_until_idle(Utc::now()).await;
    let preview = mails(app, "owner@agency.example", "[Preview] Client A").await;
    assert_eq!(preview.len(), 1);
    assert!(preview[0].subject.contains(&format!("{} so far", ReportMonth::of(Utc::now()).label())), "{}", preview[0].subject);
    assert!(preview[0].body_text.starts_with("PREVIEW: only you received this copy."));
    assert!(preview[0].body_text.contains("launchready"), "no brand set: our name");
    assert!(mails(app, "client@acme.example", "Preview").await.is_empty());

    // With the agency's brand, nothing in the mail names launchready.
    let saved = app
        .call(owner, "branding/save", &[("form[name]", "Pixel Agency"), ("form[accent]", ""), ("form[footer]", "Pixel Agency · 1 Main St")])
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(app.call(owner, "workspaces/report_preview", &[("id", &a.id)]).await.status(), StatusCode::OK);
    app.run_until_idle(Utc::now()).await;
    let branded = mails(app, "owner@agency.example", "[Preview] Client A").await.pop().unwrap();
    let text = format!("{}\n{}", branded.subject, branded.body_text);
    assert!(text.contains("Pixel Agency · 1 Main St"), "{text}");
    assert!(!text.to_lowercase().contains("launchready"), "white-labelled: {text}");

    // Turned off, a workspace is not reported on, however far behind its last report is.
    let off = app.call(owner, "workspaces/monthly_report", &[("id", &b.id), ("on", "false")]).await;
    assert_eq!(off.status(), StatusCode::OK);
    let mut behind: workspace::ActiveModel = workspace_row(app, b).await.into();
    behind.report_sent_for = Set(Some(month.previous().key()));
    behind.update(&app.db).await.unwrap();
    app.run_until_idle(sweep_at + Duration::hours(21)).await;
    assert_eq!(mails(app, "owner@agency.example", "Client B: report for").await.len(), 1);
    spawned.stop().await;
}
