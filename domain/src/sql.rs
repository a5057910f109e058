//! Small SQL expressions shared by the services. `ExprTrait` is imported only here: in scope
//! it shadows `Ord::max`/`min` on every integer.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, IntoIden};

/// `column + 1`
pub(crate) fn increment(column: impl IntoColumnRef) -> Expr {
    Expr::col(column).add(1)
}

/// `table.column + excluded.column`, for counters in an upsert.
pub(crate) fn add_excluded(table: impl IntoIden, column: impl IntoIden + Copy) -> Expr {
    Expr::col((table, column)).add(Expr::col((Alias::new("excluded"), column)))
}
