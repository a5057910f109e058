//! Who is asking, and which tenant's rows they may touch.
//!
//! An [`AuthContext`] can only be made by `sessions::authenticate`; a [`TenantScope`] only from
//! an `AuthContext`. Every query on tenant data takes a `&TenantScope`, so code that forgot to
//! authenticate does not compile.

pub mod cross_tenant;
pub mod operator;
pub mod scoped;

pub use cross_tenant::CrossTenant;
pub use domain::role::Role;

use crate::db::internal;
use crate::entities::{membership, workspace};
use crate::ids::{OrgId, UserId, WorkspaceId};
use domain::DomainError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// A signed-in user, proven by a live session.
#[derive(Debug, Clone)]
pub struct AuthContext {
    user_id: UserId,
    email: String,
    email_verified: bool,
    /// Keyed hash of the session cookie (never the cookie itself).
    session_id: String,
}

impl AuthContext {
    pub(crate) fn new(user_id: UserId, email: String, email_verified: bool, session_id: String) -> Self {
        Self { user_id, email, email_verified, session_id }
    }
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    pub fn email(&self) -> &str {
        &self.email
    }
    pub fn email_verified(&self) -> bool {
        self.email_verified
    }

    /// Refuses with 403 until the user has confirmed their address. Asked before anything
    /// that mails someone on the organisation's behalf or books in its name: an account
    /// nobody can be reached at must not do either.
    pub fn require_confirmed_email(&self, to_do_what: &str) -> Result<(), DomainError> {
        if self.email_verified {
            return Ok(());
        }
        Err(DomainError::Unconfirmed(format!(
            "Confirm your email address before you {to_do_what}: open the link we mailed to {} (Settings can send it again).",
            self.email
        )))
    }
    pub fn session_id(&self) -> &str {
        &self.session_id
    }
}

/// The organisation and workspace the current request acts in.
#[derive(Debug, Clone)]
pub struct TenantScope {
    org_id: OrgId,
    workspace_id: WorkspaceId,
    user_id: UserId,
    role: Role,
}

impl TenantScope {
    /// The user's first organisation and its default workspace. (Workspace switching for
    /// agencies builds on this by choosing another workspace of the same organisation.)
    #[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
    pub async fn for_user(db: &impl ConnectionTrait, auth: &AuthContext) -> Result<Self, DomainError> {
        let membership = membership::Entity::find()
            .filter(membership::Column::UserId.eq(auth.user_id()))
            .order_by_asc(membership::Column::CreatedAt)
            .one(db)
            .await
            .map_err(internal)?
            .ok_or_else(|| DomainError::Internal("user has no organisation".into()))?;
        let workspace = workspace::Entity::find()
            .filter(workspace::Column::OrgId.eq(membership.org_id))
            .order_by_desc(workspace::Column::IsDefault)
            .order_by_asc(workspace::Column::CreatedAt)
            .one(db)
            .await
            .map_err(internal)?
            .ok_or_else(|| DomainError::Internal("organisation has no workspace".into()))?;
        Ok(Self { org_id: membership.org_id, workspace_id: workspace.id, user_id: auth.user_id(), role: membership.role.0 })
    }

    pub fn org_id(&self) -> OrgId {
        self.org_id
    }
    pub fn workspace_id(&self) -> WorkspaceId {
        self.workspace_id
    }
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
}
