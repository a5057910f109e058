//! The platform operator: people whose verified email is in the configured `admins` list.
//! Operator-only functions take an [`Operator`], which only [`Operator::from_auth`] builds, so
//! none can be reached without the check.

use crate::ids::UserId;
use crate::tenancy::AuthContext;
use domain::DomainError;

#[derive(Debug, Clone)]
pub struct Operator {
    user_id: UserId,
}

impl Operator {
    /// Anyone else gets 404, as if the admin area did not exist.
    pub fn from_auth(auth: &AuthContext, admins: &[String]) -> Result<Self, DomainError> {
        let listed = admins.iter().any(|a| a.trim().eq_ignore_ascii_case(auth.email()));
        if listed && auth.email_verified() {
            Ok(Self { user_id: auth.user_id() })
        } else {
            Err(DomainError::NotFound)
        }
    }

    pub fn user_id(&self) -> UserId {
        self.user_id
    }
}
