//! Server-side sessions: the cookie carries a random bearer value, the database keeps only its
//! keyed hash with an idle deadline and an absolute one.

use crate::db::internal;
use crate::entities::{session, user};
use crate::ids::UserId;
use crate::infra::secret::{BearerToken, SecretKey};
use crate::tenancy::AuthContext;
use chrono::{DateTime, Duration, Utc};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

const PURPOSE: &str = "session";

/// How long a session lives. Both limits come from configuration.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Signed out after this long without a request.
    pub idle_timeout: Duration,
    /// Signed out this long after sign-in, however active.
    pub absolute_lifetime: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle_timeout: Duration::hours(12), absolute_lifetime: Duration::days(14) }
    }
}

/// Writing `last_seen_at` on every request would turn each page view into a write; a minute of
/// slack on the idle deadline is harmless.
const TOUCH_EVERY: i64 = 60;

/// Opens a session for `user_id` and returns the bearer value for the cookie. Each sign-in gets
/// a new value, so a session id planted before sign-in is never promoted (fixation).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn open(db: &impl ConnectionTrait, key: &SecretKey, policy: &SessionPolicy, user_id: UserId) -> Result<BearerToken, DomainError> {
    let token = BearerToken::generate();
    let now = Utc::now();
    session::ActiveModel {
        id: Set(key.keyed_hash(PURPOSE, token.expose())),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + policy.absolute_lifetime),
    }
    .insert(db)
    .await
    .map_err(internal)?;
    Ok(token)
}

/// The signed-in user behind a cookie value, or `None` when the session is unknown, idle too
/// long or past its absolute lifetime (an expired row is deleted on the way).
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    policy: &SessionPolicy,
    cookie_value: &str,
) -> Result<Option<AuthContext>, DomainError> {
    let Some(token) = BearerToken::from_client(cookie_value) else { return Ok(None) };
    let id = key.keyed_hash(PURPOSE, token.expose());
    let Some(row) = session::Entity::find_by_id(id.clone()).one(db).await.map_err(internal)? else { return Ok(None) };
    let now = Utc::now();
    if is_expired(&row, policy, now) {
        session::Entity::delete_by_id(id).exec(db).await.map_err(internal)?;
        return Ok(None);
    }
    let Some(user) = user::Entity::find_by_id(row.user_id).one(db).await.map_err(internal)? else { return Ok(None) };
    if (now - row.last_seen_at).num_seconds() >= TOUCH_EVERY {
        let mut active: session::ActiveModel = row.into();
        active.last_seen_at = Set(now);
        active.update(db).await.map_err(internal)?;
    }
    Ok(Some(AuthContext::new(user.id, user.email, user.email_verified_at.is_some(), id)))
}

fn is_expired(row: &session::Model, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    row.expires_at <= now || row.last_seen_at + policy.idle_timeout <= now
}

/// Ends the current session (sign out).
pub async fn close(db: &impl ConnectionTrait, auth: &AuthContext) -> Result<(), DomainError> {
    session::Entity::delete_by_id(auth.session_id().to_owned()).exec(db).await.map_err(internal)?;
    Ok(())
}

/// Ends every session of a user (sign out everywhere, password change or reset).
#[tracing::instrument(skip(db))]
pub async fn close_all(db: &impl ConnectionTrait, user_id: UserId) -> Result<u64, DomainError> {
    let result = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(db).await.map_err(internal)?;
    Ok(result.rows_affected)
}

/// Deletes sessions past either deadline; run periodically so the table does not grow.
pub async fn purge_expired(db: &impl ConnectionTrait, policy: &SessionPolicy) -> Result<u64, DomainError> {
    let now = Utc::now();
    let result = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - policy.idle_timeout)),
        )
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(result.rows_affected)
}
