//! What the benchmarks share: a throw-away database (SQLite file, or a fresh PostgreSQL
//! database when `LAUNCHREADY_TEST_PG` names a server), the configuration a bench runs with,
//! percentiles, and the process's memory and CPU as the kernel counts them.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use platform::entities::{organization, product, workspace};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, Set};
use server::config::Config;
use std::time::Duration;
use uuid::Uuid;

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

/// A migrated, empty database and what removes it afterwards.
pub struct BenchDb {
    pub url: String,
    pub db: DatabaseConnection,
    pub dir: tempfile::TempDir,
    drop: Option<(String, String)>,
}

impl BenchDb {
    pub async fn create(which: &Which) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (url, drop) = match which {
            Which::Sqlite => (format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()), None),
            Which::Postgres(admin_url) => {
                let name = format!("launchready_bench_{}", Uuid::new_v4().simple());
                let admin = Database::connect(admin_url.as_str()).await.expect("PostgreSQL reachable");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                admin.close().await.unwrap();
                let mut url = url::Url::parse(admin_url).unwrap();
                url.set_path(&name);
                (url.to_string(), Some((admin_url.clone(), name)))
            }
        };
        let config = config_for(&url, dir.path(), "127.0.0.1:0", &[]);
        let db = server::db::connect(&config.database_url).await.unwrap();
        server::db::migrate(&db).await.unwrap();
        Self { url, db, dir, drop }
    }

    pub async fn remove(self) {
        self.db.close_by_ref().await.ok();
        if let Some((admin_url, name)) = self.drop {
            if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                let _ = admin.close().await;
            }
        }
    }
}

/// The product's configuration for a bench: defaults, then `LAUNCHREADY_*` variables (so a
/// run can try other batch sizes), then the bench's own fixed settings and `overrides`.
pub fn config_for(database_url: &str, data_dir: &std::path::Path, bind: &str, overrides: &[(&str, &str)]) -> Config {
    let mut figment = Config::figment(None, figment::providers::Env::prefixed("LAUNCHREADY_").split("__"))
        .merge(("database_url", database_url.to_owned()))
        .merge(("base_url", format!("http://{bind}")))
        .merge(("bind", bind.to_owned()))
        .merge(("data_dir", data_dir.display().to_string()))
        .merge(("secret_key", "bench-secret-key-that-is-long-enough-0000"))
        .merge(("site_root", data_dir.join("site").display().to_string()));
    // Loopback only: names resolve through a port where nothing answers.
    figment = figment.merge(<figment::providers::Toml as figment::providers::Format>::string(
        "scanner.resolver = \"127.0.0.1:9\"\nscanner.allow_private_targets = true",
    ));
    for (key, value) in overrides {
        figment = figment.merge(<figment::providers::Toml as figment::providers::Format>::string(&format!("{key} = {value}")));
    }
    Config::from_figment(figment).expect("bench configuration")
}

/// An organisation (on `plan`) with its default workspace and `products` products.
pub async fn tenant(db: &DatabaseConnection, plan: &str, products: usize) -> (Uuid, Uuid, Vec<Uuid>) {
    let now = Utc::now();
    let org_id = Uuid::new_v4();
    organization::ActiveModel {
        id: Set(org_id),
        name: Set("Bench".into()),
        plan: Set(plan.into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    workspace_for(db, org_id, products, now).await
}

/// The default workspace of an existing organisation, with `products` new products.
pub async fn workspace_for(db: &DatabaseConnection, org_id: Uuid, products: usize, now: DateTime<Utc>) -> (Uuid, Uuid, Vec<Uuid>) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let workspace_id = match workspace::Entity::find().filter(workspace::Column::OrgId.eq(org_id)).one(db).await.unwrap() {
        Some(w) => w.id,
        None => {
            let id = Uuid::new_v4();
            workspace::ActiveModel {
                id: Set(id),
                org_id: Set(org_id),
                name: Set("Default".into()),
                is_default: Set(true),
                created_at: Set(now),
            }
            .insert(db)
            .await
            .unwrap();
            id
        }
    };
    let mut ids = Vec::with_capacity(products);
    for i in 0..products {
        let id = Uuid::new_v4();
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
            audit_schedule: Set("off".into()),
            next_audit_at: Set(None),
            status_page_enabled: Set(false),
            paused_by_plan: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
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
