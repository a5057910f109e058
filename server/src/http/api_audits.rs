//! REST API for audits, for CI pipelines and scripts: queue an audit of a product
//! (`POST /api/v1/products/{id}/audits` → 202 with the run, or the run already in progress),
//! follow it (`GET /api/v1/audits/{id}`), and read its scorecard
//! (`GET /api/v1/audits/{id}/scorecard`: findings and the diff against the run before).

use crate::http::api_products::id;
use crate::http::auth::Tenant;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::audit::{AuditDetail, AuditSummary, AuditTrigger};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/products/{id}/audits", post(request).get(list))
        .route("/api/v1/audits/{id}", get(show))
        .route("/api/v1/audits/{id}/scorecard", get(scorecard))
}

#[tracing::instrument(skip_all)]
async fn request(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<(StatusCode, Json<AuditSummary>), ApiError> {
    let audit =
        platform::usecases::request_audit(&state.ctx.db, &scope, &state.ctx.plans, &state.ctx.queues, id(path)?, AuditTrigger::Api).await?;
    Ok((StatusCode::ACCEPTED, Json(audit)))
}

#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<Vec<AuditSummary>>, ApiError> {
    Ok(Json(platform::audits::list(&state.ctx.db, &scope, id(path)?, 50).await?))
}

#[tracing::instrument(skip_all)]
async fn show(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<AuditSummary>, ApiError> {
    Ok(Json(platform::audits::summary(&state.ctx.db, &scope, id(path)?).await?))
}

#[tracing::instrument(skip_all)]
async fn scorecard(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<AuditDetail>, ApiError> {
    Ok(Json(platform::audits::detail(&state.ctx.db, &scope, id(path)?).await?))
}
