use serde::{Deserialize, Serialize};

/// One invalid input field: which one, and what is wrong with it in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The one error type of the domain layer. Each variant says which HTTP status the web layer
/// maps it to, so handlers and server functions answer the same way for the same failure.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// 422: input parsed but is not acceptable; names every bad field.
    #[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// 404: the row does not exist *for this tenant* (another tenant's row looks the same).
    #[error("not found")]
    NotFound,
    /// 409: a uniqueness rule was hit (an email already registered, a domain already added).
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    /// 402: the organisation's plan does not allow this (a count reached, a feature not
    /// included). The message names the limit; the web layer adds the way to upgrade.
    #[error("{message}")]
    PlanLimit { limit: String, message: String },
    /// 401: wrong credentials or no valid session. Deliberately says nothing more.
    #[error("invalid email or password")]
    BadCredentials,
    /// 401: the request needs a signed-in user.
    #[error("sign in required")]
    Unauthenticated,
    /// 400: a single-use token was unknown, used or expired.
    #[error("this link is invalid or has expired")]
    InvalidToken,
    /// 403: the account's email address is not confirmed yet, and this action mails someone
    /// or commits the organisation; the message says how to confirm it.
    #[error("{0}")]
    Unconfirmed(String),
    /// 403: the caller's role does not allow this (a client changing anything, a member
    /// inviting people, an admin touching billing); the message names the role and who can.
    #[error("{0}")]
    Forbidden(String),
    /// 429: too many attempts; retry after the given number of seconds.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// 503: a service we depend on (the payment provider) did not answer; the message says
    /// what to do and carries no detail of the failure.
    #[error("{0}")]
    Unavailable(String),
    /// 500: anything the user cannot fix. The message is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn plan_limit(limit: &str, message: impl Into<String>) -> Self {
        Self::PlanLimit { limit: limit.into(), message: message.into() }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::NotFound => 404,
            Self::Conflict { .. } => 409,
            Self::PlanLimit { .. } => 402,
            Self::BadCredentials | Self::Unauthenticated => 401,
            Self::InvalidToken => 400,
            Self::Unconfirmed(_) | Self::Forbidden(_) => 403,
            Self::Throttled { .. } => 429,
            Self::Unavailable(_) => 503,
            Self::Internal(_) => 500,
        }
    }

    /// What may be shown to the user: internals are replaced by a generic sentence.
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => "Something went wrong on our side. Please try again.".into(),
            other => other.to_string(),
        }
    }
}
