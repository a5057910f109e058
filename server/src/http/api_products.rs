//! REST API for products: `/api/v1/products[/{id}]`. JSON in and out; errors as
//! `{error, message, fields[]}` with the status of [`DomainError::http_status`].

use crate::http::auth::Tenant;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::product::{ProductForm, ProductView};
use domain::DomainError;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/products", get(list).post(create))
        .route("/api/v1/products/{id}", get(show).put(update).patch(update).delete(remove))
}

/// Malformed JSON names what is wrong (serde's message includes the field and position).
fn body(result: Result<Json<ProductForm>, JsonRejection>) -> Result<ProductForm, ApiError> {
    match result {
        Ok(Json(form)) => Ok(form),
        Err(JsonRejection::BytesRejection(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError(DomainError::invalid("body", "is too large")))
        }
        Err(rejection) => Err(ApiError(DomainError::invalid("body", rejection.body_text()))),
    }
}

/// An id that is not a UUID cannot exist: answer exactly as for a missing row.
/// The path's id as the type the service takes (`ProductId`, `AuditId`); a malformed one is a
/// 404 like a missing one.
pub(crate) fn id<T: From<Uuid>>(result: Result<Path<Uuid>, PathRejection>) -> Result<T, ApiError> {
    result.map(|Path(id)| T::from(id)).map_err(|_| ApiError(DomainError::NotFound))
}

#[tracing::instrument(skip_all)]
async fn list(State(state): State<AppState>, Tenant(scope): Tenant) -> Result<Json<Vec<ProductView>>, ApiError> {
    Ok(Json(platform::products::list(&state.ctx.db, &scope).await?))
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    payload: Result<Json<ProductForm>, JsonRejection>,
) -> Result<(StatusCode, Json<ProductView>), ApiError> {
    let spec = body(payload)?.validate()?;
    Ok((StatusCode::CREATED, Json(platform::usecases::create_product(&state.ctx.db, &scope, &state.ctx.plans, &spec).await?)))
}

#[tracing::instrument(skip_all)]
async fn show(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<ProductView>, ApiError> {
    Ok(Json(platform::products::get(&state.ctx.db, &scope, id(path)?).await?))
}

#[tracing::instrument(skip_all)]
async fn update(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
    payload: Result<Json<ProductForm>, JsonRejection>,
) -> Result<Json<ProductView>, ApiError> {
    let id: platform::ids::ProductId = id(path)?;
    // Look the product up first: another tenant's id is a 404 even when the body is invalid.
    platform::products::check(&state.ctx.db, &scope, id).await?;
    let spec = body(payload)?.validate()?;
    Ok(Json(platform::products::update(&state.ctx.db, &scope, id, &spec).await?))
}

#[tracing::instrument(skip_all)]
async fn remove(
    State(state): State<AppState>,
    Tenant(scope): Tenant,
    path: Result<Path<Uuid>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    platform::products::delete(&state.ctx.db, &scope, &state.ctx.plans, id(path)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
