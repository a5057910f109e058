//! `/healthz`: the process is alive. `/readyz`: it can reach its database.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ConnectionTrait;

pub async fn healthz() -> &'static str {
    "ok"
}

#[tracing::instrument(skip_all)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.ctx.db.execute_unprepared("SELECT 1")).await;
    match ping {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        Ok(Err(err)) => {
            tracing::warn!(%err, "database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database did not answer within 2 s"),
    }
}
