//! A pooled PostgreSQL connection whose session was left inside a transaction (what sqlx
//! 0.9.0 leaves behind when a `BEGIN` is cancelled mid-flight: a client hanging up, a job
//! timing out, a worker stopping) is never handed out again: writes made through the pool
//! afterwards are all committed, none swallowed by the stale transaction.

use crate::helpers::{test_pg_url, Db, TestApp};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_left_inside_a_transaction_is_not_reused() {
    let Some(url) = test_pg_url() else { return };
    // No workers: nothing else takes connections from the pool meanwhile.
    let app = TestApp::spawn_opts(Db::Postgres(url), &[], false).await;
    app.db.execute_unprepared("CREATE TABLE pool_probe (n INTEGER NOT NULL)").await.unwrap();

    // The state a cancelled `BEGIN` leaves: the server's session is in a transaction block,
    // sqlx's own count says it is not, so releasing the connection rolls nothing back.
    let pool = app.db.get_postgres_connection_pool();
    let mut poisoned = pool.acquire().await.unwrap();
    sqlx::raw_sql("BEGIN").execute(&mut *poisoned).await.unwrap();
    drop(poisoned);
    tokio::time::sleep(Duration::from_millis(200)).await;

    // The pool hands its idle connections out in turn: enough writes reach every one of them.
    let writes = 5 * pool.options().get_max_connections();
    for n in 0..writes {
        app.db
            .execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, "INSERT INTO pool_probe (n) VALUES ($1)", [(n as i32).into()]))
            .await
            .unwrap();
    }
    // Counted from outside the pool: only committed rows are seen.
    let outside = Database::connect(&app.database_url).await.unwrap();
    let row = outside.query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT COUNT(*) AS n FROM pool_probe")).await.unwrap();
    let committed: i64 = row.unwrap().try_get("", "n").unwrap();
    assert_eq!(committed, i64::from(writes), "every insert through the pool is committed");
    outside.close().await.unwrap();
    app.stop().await;
}
