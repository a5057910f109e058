//! The web layer's one error type. Each variant maps to one status; 500s are logged with the
//! request's span (which carries the request id) and sent without details.

use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::{DomainError, FieldError};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        Self(err)
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self(platform::db::internal(err))
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    fields: &'a [FieldError],
    /// Set on 402: which limit, and where to upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upgrade_url: Option<&'static str>,
}

/// The billing page, where a plan limit is lifted.
pub const UPGRADE_PATH: &str = "/app/billing";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match &self.0 {
            DomainError::Invalid(_) => "invalid_input",
            DomainError::NotFound => "not_found",
            DomainError::Conflict { .. } => "conflict",
            DomainError::PlanLimit { .. } => "plan_limit",
            DomainError::Unavailable(_) => "unavailable",
            DomainError::BadCredentials => "bad_credentials",
            DomainError::Unauthenticated => "unauthenticated",
            DomainError::InvalidToken => "invalid_token",
            DomainError::Throttled { .. } => "throttled",
            DomainError::Unconfirmed(_) => "email_unconfirmed",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal"
            }
        };
        let conflict_field;
        let fields: &[FieldError] = match &self.0 {
            DomainError::Invalid(fields) => fields,
            DomainError::Conflict { field, message } => {
                conflict_field = [FieldError::new(field.clone(), message.clone())];
                &conflict_field
            }
            _ => &[],
        };
        let limit = match &self.0 {
            DomainError::PlanLimit { limit, .. } => Some(limit.as_str()),
            _ => None,
        };
        let upgrade_url = limit.map(|_| UPGRADE_PATH);
        let body = Body { error: code, message: self.0.public_message(), fields, limit, upgrade_url };
        let mut response = (status, Json(body)).into_response();
        if let DomainError::Throttled { retry_after_secs } = self.0 {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}
