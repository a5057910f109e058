//! The error every server function returns. It crosses the wire (JSON), so it carries only what
//! the browser may see: field errors for forms, a category for everything else.

use domain::FieldError;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{}", summary(.0))]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    /// The plan does not allow this; the UI shows the message with a link to the billing page.
    #[error("{0}")]
    PlanLimit(String),
    #[error("sign in required")]
    Unauthenticated,
    #[error("invalid email or password")]
    BadCredentials,
    #[error("this link is invalid or has expired")]
    InvalidToken,
    #[error("too many attempts; try again in {0} s")]
    Throttled(u64),
    /// The account's email address must be confirmed first; the message says how.
    #[error("{0}")]
    Unconfirmed(String),
    /// The caller's role does not allow this; the message says who can.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("something went wrong on our side; please try again")]
    Internal,
    #[error("request failed: {0}")]
    ServerFn(ServerFnErrorErr),
}

fn summary(fields: &[FieldError]) -> String {
    fields.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("; ")
}

impl AppError {
    /// The message for one form field, if this error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid(fields) => {
                let msgs: Vec<&str> = fields.iter().filter(|f| f.field == name).map(|f| f.message.as_str()).collect();
                (!msgs.is_empty()).then(|| format!("{name}: {}", msgs.join("; ")))
            }
            _ => None,
        }
    }

    /// A sentence for the top of a form: field errors are shown beside their fields instead.
    pub fn banner(&self) -> String {
        match self {
            Self::Invalid(fields) if fields.len() == 1 => "Please correct the highlighted field.".into(),
            Self::Invalid(_) => "Please correct the highlighted fields.".into(),
            other => {
                let text = other.to_string();
                let mut chars = text.chars();
                chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        Self::ServerFn(err)
    }
}

impl From<ServerFnErrorErr> for AppError {
    fn from(err: ServerFnErrorErr) -> Self {
        Self::ServerFn(err)
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for AppError {
    /// Also sets the HTTP status (and `Retry-After`) of the server-function response, so
    /// scripted clients see 4xx codes rather than a generic 500.
    fn from(err: domain::DomainError) -> Self {
        use domain::DomainError as D;
        // A browser posting a form without WASM is redirected back with the error in the URL
        // (Leptos' form-redirect); a 4xx status here would replace that redirect.
        let plain_form_post = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|a| a.contains("text/html")))
            .unwrap_or(false);
        let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>().filter(|_| !plain_form_post);
        if let Some(response) = response {
            if let Ok(status) = http::StatusCode::from_u16(err.http_status()) {
                response.set_status(status);
            }
            if let D::Throttled { retry_after_secs } = &err {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(*retry_after_secs));
            }
        }
        match err {
            D::Invalid(fields) => Self::Invalid(fields),
            D::Conflict { field, message } => Self::Invalid(vec![FieldError::new(field, message)]),
            D::PlanLimit { message, .. } => Self::PlanLimit(message),
            D::Unavailable(message) => Self::Unavailable(message),
            D::NotFound => Self::NotFound,
            D::Unauthenticated => Self::Unauthenticated,
            D::BadCredentials => Self::BadCredentials,
            D::InvalidToken => Self::InvalidToken,
            D::Throttled { retry_after_secs } => Self::Throttled(retry_after_secs),
            D::Unconfirmed(message) => Self::Unconfirmed(message),
            D::Forbidden(message) => Self::Forbidden(message),
            D::Internal(detail) => {
                tracing::error!(%detail, "internal error in a server function");
                Self::Internal
            }
        }
    }
}
