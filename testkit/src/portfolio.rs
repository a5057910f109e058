//! An agency's portfolio of many client workspaces, seeded straight into the database: the
//! portfolio benchmark (100 workspaces × 10 products) and the test that checks the portfolio's
//! numbers against the rows below them use the same seed.

use chrono::{DateTime, Duration, DurationRound, Utc};
use domain::audit::{AuditStatus, AuditTrigger};
use domain::monitor::{MonitorKind, MonitorState};
use domain::plans::AuditSchedule;
use domain::scorecard::{Decision, Grade};
use platform::entities::{audit, incident, monitor, monitor_rollup, product, workspace};
use platform::ids::{AuditId, IncidentId, MonitorId, OrgId, ProductId, WorkspaceId};
use platform::monitors::rollups::Period;
use platform::text_enum::Text;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

/// What was seeded, per product, so a test can compute what the portfolio must show.
pub struct Seeded {
    pub workspaces: Vec<WorkspaceId>,
    pub products: Vec<ProductId>,
}

/// `workspaces` client workspaces of `org_id`, each with `per_workspace` products; every
/// product has one monitor with 7 daily rollups (some failures), 6 finished audits (the
/// decision cycles through Hold, Go after fixes and Go by product) and, for every fourth
/// product, an open incident.
pub async fn seed(db: &DatabaseConnection, org_id: OrgId, workspaces: usize, per_workspace: usize) -> Seeded {
    let now = Utc::now();
    let today = now.duration_trunc(Duration::days(1)).unwrap();
    let mut seeded = Seeded { workspaces: Vec::new(), products: Vec::new() };
    for w in 0..workspaces {
        let workspace_id = WorkspaceId::new_random();
        workspace::Entity::insert(workspace::ActiveModel {
            id: Set(workspace_id),
            org_id: Set(org_id),
            name: Set(format!("Client {w:03}")),
            is_default: Set(false),
            created_at: Set(now),
            slug: Set(format!("client-{w:03}-{}", &workspace_id.uuid().simple().to_string()[..6])),
            archived_at: Set(None),
            monthly_report: Set(false),
            report_sent_for: Set(None),
            report_claimed_at: Set(None),
        })
        .exec(db)
        .await
        .unwrap();
        seeded.workspaces.push(workspace_id);
        let mut products = Vec::new();
        let mut monitors = Vec::new();
        let mut rollups = Vec::new();
        let mut audits = Vec::new();
        let mut incidents = Vec::new();
        for p in 0..per_workspace {
            let n = w * per_workspace + p;
            let product_id = ProductId::new_random();
            seeded.products.push(product_id);
            products.push(product::ActiveModel {
                id: Set(product_id),
                org_id: Set(org_id),
                workspace_id: Set(workspace_id),
                name: Set(format!("Product {n:04}")),
                apex_domain: Set(format!("p{n}.portfolio.test")),
                app_host: Set(None),
                api_host: Set(None),
                mail_domain: Set(None),
                dkim_selectors: Set(String::new()),
                audit_schedule: Set(Text(AuditSchedule::Off)),
                next_audit_at: Set(None),
                status_page_enabled: Set(false),
                paused_by_plan: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                latency_budget_ms: Set(None),
                ai_latency_budget_ms: Set(None),
            });
            let monitor_id = MonitorId::new_random();
            let down = n.is_multiple_of(4);
            monitors.push(monitor_row(monitor_id, org_id, workspace_id, product_id, down, now));
            for d in 0..7 {
                let checks = 1440;
                let failures = ((n + d as usize) % 5) as i32 * 3;
                rollups.push(rollup(monitor_id, org_id, product_id, today - Duration::days(d), checks, failures));
            }
            for a in 0..6 {
                let at = now - Duration::days(2 * a);
                let score = 50 + ((n * 7 + a as usize * 5) % 50) as i32;
                let decision = [Decision::Hold, Decision::GoAfterFixes, Decision::Go][n % 3];
                audits.push(audit_row(org_id, workspace_id, product_id, at, score, decision));
            }
            if down {
                incidents.push(incident::ActiveModel {
                    id: Set(IncidentId::new_random()),
                    org_id: Set(org_id),
                    product_id: Set(product_id),
                    monitor_id: Set(monitor_id),
                    opened_at: Set(now - Duration::minutes(30)),
                    resolved_at: Set(None),
                    cause: Set("HTTP 503".into()),
                    last_error: Set(None),
                });
            }
        }
        product::Entity::insert_many(products).exec(db).await.unwrap();
        monitor::Entity::insert_many(monitors).exec(db).await.unwrap();
        for chunk in rollups.chunks(200) {
            monitor_rollup::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
        }
        for chunk in audits.chunks(100) {
            audit::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
        }
        if !incidents.is_empty() {
            incident::Entity::insert_many(incidents).exec(db).await.unwrap();
        }
    }
    seeded
}

/// An HTTP monitor row, enabled but not due for a day (nothing checks it during a test).
pub fn monitor_row(
    id: MonitorId,
    org_id: OrgId,
    workspace_id: WorkspaceId,
    product_id: ProductId,
    down: bool,
    now: DateTime<Utc>,
) -> monitor::ActiveModel {
    monitor::ActiveModel {
        id: Set(id),
        org_id: Set(org_id),
        workspace_id: Set(workspace_id),
        product_id: Set(product_id),
        kind: Set(Text(MonitorKind::Http)),
        name: Set("Main page".into()),
        target: Set("https://portfolio.test/".into()),
        interval_secs: Set(60),
        expected_status: Set(None),
        keyword: Set(None),
        latency_threshold_ms: Set(None),
        confirm_failures: Set(2),
        confirm_successes: Set(2),
        // Enabled but not due: nothing checks it while a test or benchmark runs.
        enabled: Set(true),
        is_primary: Set(true),
        paused_by_plan: Set(false),
        state: Set(Text(if down { MonitorState::Down } else { MonitorState::Up })),
        consecutive_failures: Set(0),
        consecutive_successes: Set(0),
        consecutive_blocked: Set(0),
        last_checked_at: Set(Some(now)),
        last_ok: Set(Some(!down)),
        last_message: Set(None),
        last_latency_ms: Set(Some(120)),
        next_due_at: Set(now + Duration::days(1)),
        open_incident_id: Set(None),
        cert_expiry_stage: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// One monitor's rollup of the day starting `day`: `checks`, of which `failures` failed.
pub fn rollup(
    monitor_id: MonitorId,
    org_id: OrgId,
    product_id: ProductId,
    day: DateTime<Utc>,
    checks: i32,
    failures: i32,
) -> monitor_rollup::ActiveModel {
    let fast = checks - failures;
    monitor_rollup::ActiveModel {
        monitor_id: Set(monitor_id),
        period: Set(Text(Period::Day)),
        bucket_start: Set(day),
        org_id: Set(org_id),
        product_id: Set(product_id),
        checks: Set(checks),
        failures: Set(failures),
        server_errors: Set(failures / 2),
        latency_sum_ms: Set(i64::from(checks) * 140),
        lat0: Set(0),
        lat1: Set(fast / 2),
        lat2: Set(fast - fast / 2),
        lat3: Set(0),
        lat4: Set(failures),
        lat5: Set(0),
        lat6: Set(0),
        lat7: Set(0),
        lat8: Set(0),
        lat9: Set(0),
        lat10: Set(0),
    }
}

/// A finished audit at `at` with `score` (the grade follows from it) and `decision`.
pub fn audit_row(
    org_id: OrgId,
    workspace_id: WorkspaceId,
    product_id: ProductId,
    at: DateTime<Utc>,
    score: i32,
    decision: Decision,
) -> audit::ActiveModel {
    let grade = match score {
        90.. => Grade::A,
        80..=89 => Grade::B,
        70..=79 => Grade::C,
        60..=69 => Grade::D,
        _ => Grade::F,
    };
    audit::ActiveModel {
        id: Set(AuditId::new_random()),
        org_id: Set(org_id),
        workspace_id: Set(workspace_id),
        product_id: Set(product_id),
        trigger: Set(Text(AuditTrigger::Scheduled)),
        scheduled_for: Set(None),
        status: Set(Text(AuditStatus::Done)),
        requested_by: Set(None),
        active: Set(false),
        checks_done: Set(52),
        checks_total: Set(52),
        score: Set(Some(score)),
        grade: Set(Some(Text(grade))),
        decision: Set(Some(Text(decision))),
        decision_reason: Set(None),
        counts: Set(Some(r#"{"pass":40,"warn":6,"fail":4,"error":0,"skipped":2}"#.into())),
        engine_version: Set(Some("seed".into())),
        duration_ms: Set(Some(1200)),
        requests: Set(Some(80)),
        error: Set(None),
        attempts: Set(1),
        created_at: Set(at),
        started_at: Set(Some(at)),
        finished_at: Set(Some(at)),
        rubric_version: Set(Some(domain::rubric::CURRENT as i32)),
        coverage: Set(Some(r#"{"ran":50,"applicable":50,"total":52}"#.into())),
        causes: Set(Some("[]".into())),
    }
}
