//! What every area shares about the database: how a database failure becomes a
//! `DomainError`, the write transaction, and small SQL expressions. `ExprTrait` is imported
//! only here: in scope it shadows `Ord::max`/`min` on every integer.

use domain::DomainError;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, IntoIden};

/// A database failure is nothing the user can fix: a 500 whose detail is logged, never sent.
/// (`DomainError` lives in the WASM-clean `domain` crate, which cannot know sea-orm's error, so
/// the conversion is this function rather than a `From` impl.)
pub fn internal(err: sea_orm::DbErr) -> DomainError {
    DomainError::Internal(format!("database: {err}"))
}

/// Schedule slots are whole seconds: a slot read back from the database compares equal to
/// the one written (SQLite keeps what it is given, PostgreSQL microseconds).
pub(crate) fn whole_second(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// `column + 1`
pub(crate) fn increment(column: impl IntoColumnRef) -> Expr {
    Expr::col(column).add(1)
}

/// `column - 1`
pub(crate) fn decrement(column: impl IntoColumnRef) -> Expr {
    Expr::col(column).sub(1)
}

/// `a < b` between two columns.
pub(crate) fn column_below(a: impl IntoColumnRef, b: impl IntoColumnRef) -> Expr {
    Expr::col(a).lt(Expr::col(b))
}

/// `table.column + excluded.column`, for counters in an upsert.
pub(crate) fn add_excluded(table: impl IntoIden, column: impl IntoIden + Copy) -> Expr {
    Expr::col((table, column)).add(Expr::col((Alias::new("excluded"), column)))
}

/// A transaction that writes. On SQLite it takes the write lock at `BEGIN` (IMMEDIATE): a
/// deferred transaction that reads first and writes later fails at once with SQLITE_BUSY when
/// another writer committed in between (the busy timeout does not apply to that upgrade), which
/// under the monitor load lost whole batches. Other databases ignore the mode.
pub(crate) async fn begin_write(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() })
        .await
}
