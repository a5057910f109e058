//! Single-use, expiring, hashed tokens mailed to users (email verification, password reset).

use crate::db::internal;
use crate::entities::email_token;
use crate::ids::UserId;
use crate::infra::secret::{BearerToken, SecretKey};
use crate::text_enum::{Text, TextEnum};
use chrono::{Duration, Utc};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

pub use crate::entities::email_token::Purpose;

impl Purpose {
    /// A verification link may sit in an inbox for a while; a reset link must not.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::VerifyEmail => Duration::hours(48),
            Self::ResetPassword => Duration::minutes(30),
        }
    }
}

/// Stores the hash of a fresh token and returns the token itself, to be mailed.
pub async fn issue(db: &impl ConnectionTrait, key: &SecretKey, user_id: UserId, purpose: Purpose) -> Result<BearerToken, DomainError> {
    let token = BearerToken::generate();
    let now = Utc::now();
    email_token::ActiveModel {
        id: Set(key.keyed_hash(purpose.as_text(), token.expose())),
        user_id: Set(user_id),
        purpose: Set(Text(purpose)),
        created_at: Set(now),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(internal)?;
    Ok(token)
}

/// Marks the token used and returns its user. The conditional update makes a token usable
/// exactly once, even when two requests race with it.
pub async fn consume(db: &impl ConnectionTrait, key: &SecretKey, raw: &str, purpose: Purpose) -> Result<UserId, DomainError> {
    let token = BearerToken::from_client(raw.trim()).ok_or(DomainError::InvalidToken)?;
    let id = key.keyed_hash(purpose.as_text(), token.expose());
    let row = email_token::Entity::find_by_id(id.clone()).one(db).await.map_err(internal)?.ok_or(DomainError::InvalidToken)?;
    let now = Utc::now();
    if row.purpose != Text(purpose) || row.used_at.is_some() || row.expires_at <= now {
        return Err(DomainError::InvalidToken);
    }
    let claimed = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(email_token::Column::Id.eq(id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map_err(internal)?;
    if claimed.rows_affected != 1 {
        return Err(DomainError::InvalidToken);
    }
    Ok(row.user_id)
}

/// After a successful reset or verification, older links of the same kind stop working.
pub async fn invalidate_all(db: &impl ConnectionTrait, user_id: UserId, purpose: Purpose) -> Result<(), DomainError> {
    email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(Text(purpose)))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}
