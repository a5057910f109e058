//! Connecting to the database and bringing its schema up to date: our sea-orm migrations, then
//! apalis' own job tables.

use crate::config::DatabaseUrl;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("database {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("could not create the directory for {path}: {source}")]
    Dir { path: String, source: std::io::Error },
    #[error("migrations: {0}")]
    Migrate(String),
}

pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, DbSetupError> {
    if let Some(path) = sqlite_file(url.expose()) {
        if let Some(parent) = std::path::Path::new(&path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| DbSetupError::Dir { path: path.clone(), source })?;
        }
    }
    let mut options = ConnectOptions::new(url.expose());
    // sea-orm gives SQLite a single connection unless told otherwise; the job queue and the web
    // requests need several (WAL lets readers run beside the one writer).
    options
        .max_connections(if url.is_postgres() { 20 } else { 8 })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    if url.is_postgres() {
        // Replaces sqlx's own per-checkout ping: the check below is that ping too.
        options.test_before_acquire(false).map_sqlx_postgres_before_acquire(outside_any_transaction);
    }
    Database::connect(options).await.map_err(|source| DbSetupError::Connect { url: url.redacted(), source })
}

/// Whether a pooled PostgreSQL connection may be handed out: it answers, and its session is
/// outside any transaction block.
///
/// sqlx 0.9.0 can return a connection to the pool still inside a transaction: when a `BEGIN`
/// is cancelled mid-flight (a client that hangs up, a job that times out, a worker that
/// stops), its rollback guard does nothing (sqlx issue #4393, fixed after 0.9.0). The next
/// borrower's writes would then run inside that transaction and vanish when the connection
/// closes: a "created" row that nobody else ever sees. In autocommit every statement is the
/// first of its own transaction, so its two timestamps are equal; inside a block left open
/// they differ (or the statement fails, if the block is aborted). Such a connection is
/// dropped, which makes the server roll the block back, and the pool opens another.
fn outside_any_transaction(
    conn: &mut sqlx::postgres::PgConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> futures::future::BoxFuture<'_, Result<bool, sqlx::Error>> {
    Box::pin(async move {
        use sqlx::Row;
        let row = sqlx::raw_sql("SELECT transaction_timestamp() = statement_timestamp() AS outside").fetch_one(&mut *conn).await?;
        let outside: bool = row.try_get("outside")?;
        if !outside {
            tracing::warn!("a pooled PostgreSQL connection was left inside a transaction; it is closed, not reused");
        }
        Ok(outside)
    })
}

/// The file behind a `sqlite:` URL, if it names one.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

#[tracing::instrument(skip_all)]
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    Migrator::up(db, None).await.map_err(|e| DbSetupError::Migrate(e.to_string()))?;
    match db.get_database_backend() {
        DbBackend::Postgres => apalis_postgres::PostgresStorage::<()>::setup(db.get_postgres_connection_pool())
            .await
            .map_err(|e| DbSetupError::Migrate(format!("job tables: {e}")))?,
        // Not `SqliteStorage::setup`: it also switches the connection to `synchronous = OFF`,
        // trading durability we want to keep.
        _ => apalis_sqlite::SqliteStorage::<()>::migrations()
            .run(db.get_sqlite_connection_pool())
            .await
            .map_err(|e| DbSetupError::Migrate(format!("job tables: {e}")))?,
    }
    tracing::info!("database schema is up to date");
    Ok(())
}
