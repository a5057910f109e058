//! What the server's benchmarks share: a throw-away database migrated as the server does it
//! (SQLite file, or a fresh PostgreSQL database when `LAUNCHREADY_TEST_PG` names a server) and
//! the configuration a bench runs with. Seeding, percentiles and the process's CPU and memory
//! are `testkit::bench`.

#![allow(dead_code)]

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::config::Config;
pub use testkit::bench::*;
use uuid::Uuid;

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
