//! What benchmarks share: which databases to run on, seeding organisations with workspaces
//! and products, percentiles, and the process's memory and CPU as the kernel counts them.

use chrono::{DateTime, Utc};
use domain::plans::{AuditSchedule, Plan};
use platform::entities::{organization, product, workspace};
use platform::ids::{OrgId, ProductId, WorkspaceId};
use platform::text_enum::Text;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use std::time::Duration;

pub enum Which {
    Sqlite,
    Postgres(String),
}

impl Which {
    /// SQLite always; PostgreSQL too when `LAUNCHREADY_TEST_PG` is set. `LAUNCHREADY_BENCH_DB`
    /// (`sqlite` or `postgres`) keeps one.
    pub fn from_env() -> Vec<Which> {
        let only = std::env::var("LAUNCHREADY_BENCH_DB").unwrap_or_default();
        let mut all = Vec::new();
        if only.is_empty() || only == "sqlite" {
            all.push(Which::Sqlite);
        }
        match std::env::var("LAUNCHREADY_TEST_PG") {
            Ok(url) if !url.is_empty() && (only.is_empty() || only == "postgres") => all.push(Which::Postgres(url)),
            _ if only == "postgres" => eprintln!("LAUNCHREADY_TEST_PG is not set: no PostgreSQL run"),
            _ => {}
        }
        all
    }

    pub fn label(&self) -> &'static str {
        match self {
            Which::Sqlite => "SQLite",
            Which::Postgres(_) => "PostgreSQL",
        }
    }
}

/// An organisation (on `plan`) with its default workspace and `products` products.
pub async fn tenant(db: &DatabaseConnection, plan: Plan, products: usize) -> (OrgId, WorkspaceId, Vec<ProductId>) {
    let now = Utc::now();
    let org_id = OrgId::new_random();
    organization::ActiveModel {
        id: Set(org_id),
        name: Set("Bench".into()),
        plan: Set(Text(plan)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    workspace_for(db, org_id, products, now).await
}

/// The default workspace of an existing organisation, with `products` new products.
pub async fn workspace_for(
    db: &DatabaseConnection,
    org_id: OrgId,
    products: usize,
    now: DateTime<Utc>,
) -> (OrgId, WorkspaceId, Vec<ProductId>) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let workspace_id = match workspace::Entity::find().filter(workspace::Column::OrgId.eq(org_id)).one(db).await.unwrap() {
        Some(w) => w.id,
        None => {
            let id = WorkspaceId::new_random();
            workspace::ActiveModel {
                id: Set(id),
                org_id: Set(org_id),
                name: Set("Default".into()),
                is_default: Set(true),
                created_at: Set(now),
                slug: Set(format!("bench-{id}")),
                archived_at: Set(None),
                monthly_report: Set(false),
                report_sent_for: Set(None),
                report_claimed_at: Set(None),
            }
            .insert(db)
            .await
            .unwrap();
            id
        }
    };
    let mut ids = Vec::with_capacity(products);
    for i in 0..products {
        let id = ProductId::new_random();
        product::ActiveModel {
            id: Set(id),
            org_id: Set(org_id),
            workspace_id: Set(workspace_id),
            name: Set(format!("Product {i:03}")),
            apex_domain: Set(format!("p{i}.bench.test")),
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
        }
        .insert(db)
        .await
        .unwrap();
        ids.push(id);
    }
    (org_id, workspace_id, ids)
}

/// The value at percentile `p` (nearest rank) of sorted values.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> T {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A field of /proc/self/status in kB (`VmRSS`, `VmHWM`).
pub fn proc_status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// CPU time (user + system) this process has used.
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0) + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}
