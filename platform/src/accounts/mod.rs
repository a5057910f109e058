//! Accounts: sign-up (with its organisation and workspace), credentials, verification and
//! password reset. Password hashing runs on threads of its own (`password_pool`): argon2id is
//! deliberately slow.

mod password_pool;
pub mod sessions;
pub mod tokens;

use crate::db::internal;
use crate::entities::{membership, organization, user, workspace};
use crate::ids::{OrgId, UserId, WorkspaceId};
use crate::infra::secret::{BearerToken, SecretKey};
use crate::tenancy::CrossTenant;
use crate::tenancy::Role;
use crate::text_enum::Text;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Utc;
use domain::email::EmailAddress;
use domain::password::NewPassword;
use domain::plans::Plan;
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tokens::Purpose;

/// Argon2id with the `argon2` crate's defaults: m = 19 MiB, t = 2, p = 1, the OWASP
/// Password Storage Cheat Sheet's first recommended configuration.
fn hasher() -> Argon2<'static> {
    Argon2::default()
}

async fn hash_password(password: NewPassword) -> Result<String, DomainError> {
    password_pool::run(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| DomainError::Internal(format!("hash: {e}")))
}

/// Constant-shape verification: an unknown email still costs one argon2 verification, so
/// response time does not reveal which addresses have accounts.
async fn verify_password(stored_hash: Option<String>, password: String) -> Result<bool, DomainError> {
    password_pool::run(move || {
        let dummy;
        let hash_text = match &stored_hash {
            Some(h) => h.as_str(),
            None => {
                dummy = dummy_hash();
                dummy.as_str()
            }
        };
        let parsed = PasswordHash::new(hash_text).map_err(|e| DomainError::Internal(format!("stored hash: {e}")))?;
        let ok = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && stored_hash.is_some())
    })
    .await?
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            hasher().hash_password(b"not a real password", &salt).expect("hash").to_string()
        })
        .clone()
}

pub struct NewAccount {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
}

/// What a sign-up did. The caller answers both the same way (and mails either the new user a
/// confirmation link or the existing owner a notice), so the form does not reveal which
/// addresses have an account.
pub enum SignUp {
    Created(NewAccount),
    /// The address already has an account; nothing was created.
    Exists(UserId),
}

/// Creates the user, their organisation, its default workspace and the owner membership in one
/// transaction. The caller queues the verification mail.
#[tracing::instrument(skip_all)]
pub async fn sign_up(db: &DatabaseConnection, email: &str, password: &str) -> Result<SignUp, DomainError> {
    let email_result = EmailAddress::parse("email", email);
    let password_result = NewPassword::parse("password", password);
    let (email, password) = match (email_result, password_result) {
        (Ok(e), Ok(p)) => (e, p),
        (e, p) => {
            let mut errors = Vec::new();
            for err in [e.err(), p.err()].into_iter().flatten() {
                if let DomainError::Invalid(list) = err {
                    errors.extend(list);
                }
            }
            return Err(DomainError::Invalid(errors));
        }
    };
    // The password is hashed either way: a taken address must not answer faster.
    let existing = find_by_email(db, &email).await?;
    let password_hash = hash_password(password).await?;
    if let Some(user) = existing {
        return Ok(SignUp::Exists(user.id));
    }
    let now = Utc::now();
    let (user_id, org_id, workspace_id) = (UserId::new_random(), OrgId::new_random(), WorkspaceId::new_random());
    let org_name = format!("{}'s organisation", email.as_str().split('@').next().unwrap_or("My"));
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let inserted = user::ActiveModel {
        id: Set(user_id),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(password_hash),
        email_verified_at: Set(None),
        password_changed_at: Set(now),
        created_at: Set(now),
    }
    .insert(&txn)
    .await;
    if let Err(err) = inserted {
        // Two sign-ups racing for one address: the unique index decides.
        if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
            drop(txn);
            let winner =
                find_by_email(db, &email).await?.ok_or_else(|| DomainError::Internal("the address was taken and is gone".into()))?;
            return Ok(SignUp::Exists(winner.id));
        }
        return Err(internal(err));
    }
    organization::ActiveModel {
        id: Set(org_id),
        name: Set(org_name),
        plan: Set(Text(Plan::Free)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    workspace::ActiveModel {
        id: Set(workspace_id),
        org_id: Set(org_id),
        name: Set("Default".into()),
        is_default: Set(true),
        created_at: Set(now),
        slug: Set(format!("default-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])),
        archived_at: Set(None),
        monthly_report: Set(false),
        report_sent_for: Set(None),
        report_claimed_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    membership::ActiveModel {
        id: Set(crate::ids::new_id()),
        org_id: Set(org_id),
        user_id: Set(user_id),
        role: Set(Text(Role::Owner)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    tracing::info!(%user_id, %org_id, "account created");
    Ok(SignUp::Created(NewAccount { user_id, org_id, workspace_id }))
}

/// Hashes a password for a new account (on the password threads).
pub(crate) async fn hash_new_password(password: NewPassword) -> Result<String, DomainError> {
    hash_password(password).await
}

/// Inserts a user whose address is already proven (they opened a mailed invitation link),
/// without an organisation of their own: they join the one that invited them.
pub(crate) async fn insert_confirmed_user(
    txn: &impl sea_orm::ConnectionTrait,
    email: &EmailAddress,
    password_hash: String,
) -> Result<UserId, DomainError> {
    let now = Utc::now();
    let user_id = UserId::new_random();
    let inserted = user::ActiveModel {
        id: Set(user_id),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(password_hash),
        email_verified_at: Set(Some(now)),
        password_changed_at: Set(now),
        created_at: Set(now),
    }
    .insert(txn)
    .await;
    match inserted {
        Ok(_) => Ok(user_id),
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Err(DomainError::Conflict {
            field: "email".into(),
            message: "already has an account: sign in with it to accept the invitation".into(),
        }),
        Err(err) => Err(internal(err)),
    }
}

pub async fn find_by_email(db: &DatabaseConnection, email: &EmailAddress) -> Result<Option<user::Model>, DomainError> {
    user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await.map_err(internal)
}

/// Checks credentials; the same error for an unknown email and a wrong password.
#[tracing::instrument(skip_all)]
pub async fn check_credentials(db: &DatabaseConnection, email: &str, password: &str) -> Result<user::Model, DomainError> {
    let found = match EmailAddress::parse("email", email) {
        Ok(email) => find_by_email(db, &email).await?,
        Err(_) => None,
    };
    let ok = verify_password(found.as_ref().map(|u| u.password_hash.clone()), password.to_owned()).await?;
    match found {
        Some(user) if ok => Ok(user),
        _ => Err(DomainError::BadCredentials),
    }
}

/// A user's address, for a mail job.
pub async fn email_of(db: &DatabaseConnection, _jobs: &CrossTenant, user_id: UserId) -> Result<Option<String>, DomainError> {
    Ok(user::Entity::find_by_id(user_id).one(db).await.map_err(internal)?.map(|u| u.email))
}

/// Marks the email verified. Returns the user id.
#[tracing::instrument(skip_all)]
pub async fn verify_email(db: &DatabaseConnection, key: &SecretKey, token: &str) -> Result<UserId, DomainError> {
    let user_id = tokens::consume(db, key, token, Purpose::VerifyEmail).await?;
    let user = user::Entity::find_by_id(user_id).one(db).await.map_err(internal)?.ok_or(DomainError::InvalidToken)?;
    if user.email_verified_at.is_none() {
        let mut active: user::ActiveModel = user.into();
        active.email_verified_at = Set(Some(Utc::now()));
        active.update(db).await.map_err(internal)?;
    }
    tokens::invalidate_all(db, user_id, Purpose::VerifyEmail).await?;
    Ok(user_id)
}

/// Issues the token for a mail at the moment the mail is sent, so the plaintext token exists
/// only in the mail, never in the job queue. `None` when the mail no longer applies (the user
/// is gone, or a verification mail for an already verified address).
pub async fn issue_mail_token(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    key: &SecretKey,
    user_id: UserId,
    purpose: Purpose,
) -> Result<Option<(user::Model, BearerToken)>, DomainError> {
    let Some(user) = user::Entity::find_by_id(user_id).one(db).await.map_err(internal)? else { return Ok(None) };
    if purpose == Purpose::VerifyEmail && user.email_verified_at.is_some() {
        return Ok(None);
    }
    let token = tokens::issue(db, key, user_id, purpose).await?;
    Ok(Some((user, token)))
}

/// Sets a new password from a reset link; every session of the user ends.
#[tracing::instrument(skip_all)]
pub async fn finish_password_reset(
    db: &DatabaseConnection,
    key: &SecretKey,
    token: &str,
    new_password: &str,
) -> Result<UserId, DomainError> {
    let password = NewPassword::parse("password", new_password)?;
    let user_id = tokens::consume(db, key, token, Purpose::ResetPassword).await?;
    set_password(db, user_id, password).await?;
    tokens::invalidate_all(db, user_id, Purpose::ResetPassword).await?;
    // Whoever could read the inbox proved control of the address.
    if let Some(user) = user::Entity::find_by_id(user_id).one(db).await.map_err(internal)? {
        if user.email_verified_at.is_none() {
            let mut active: user::ActiveModel = user.into();
            active.email_verified_at = Set(Some(Utc::now()));
            active.update(db).await.map_err(internal)?;
        }
    }
    Ok(user_id)
}

/// Changes the password of a signed-in user who knows the current one; all their sessions end.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn change_password(db: &DatabaseConnection, user_id: UserId, current: &str, new_password: &str) -> Result<(), DomainError> {
    let user = user::Entity::find_by_id(user_id).one(db).await.map_err(internal)?.ok_or(DomainError::Unauthenticated)?;
    if !verify_password(Some(user.password_hash.clone()), current.to_owned()).await? {
        return Err(DomainError::invalid("current_password", "is not your current password"));
    }
    let password = NewPassword::parse("new_password", new_password)?;
    set_password(db, user_id, password).await
}

async fn set_password(db: &DatabaseConnection, user_id: UserId, password: NewPassword) -> Result<(), DomainError> {
    let hash = hash_password(password).await?;
    let user = user::Entity::find_by_id(user_id).one(db).await.map_err(internal)?.ok_or(DomainError::InvalidToken)?;
    let mut active: user::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(Utc::now());
    active.update(db).await.map_err(internal)?;
    let closed = sessions::close_all(db, user_id).await?;
    tracing::info!(%user_id, sessions_closed = closed, "password changed");
    Ok(())
}
