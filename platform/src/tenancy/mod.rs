//! Who is asking, and which tenant's rows they may touch.
//!
//! An [`AuthContext`] can only be made by `sessions::authenticate`; a [`TenantScope`] only from
//! an `AuthContext`. Every query on tenant data takes a `&TenantScope`, so code that forgot to
//! authenticate does not compile.

pub mod cross_tenant;
pub mod operator;
pub mod scoped;

pub use cross_tenant::CrossTenant;
pub use domain::role::{Capability, Role};

use crate::db::internal;
use crate::entities::{membership, workspace, workspace_grant};
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

/// The organisation and workspace the current request acts in, and the caller's role there.
#[derive(Debug, Clone)]
pub struct TenantScope {
    org_id: OrgId,
    workspace_id: WorkspaceId,
    workspace_slug: String,
    workspace_is_default: bool,
    workspace_archived: bool,
    user_id: UserId,
    email: String,
    role: Role,
    client_addr: Option<String>,
}

impl TenantScope {
    /// The user's first organisation and its default workspace (or, for someone who is only a
    /// client, the first workspace they were granted).
    pub async fn for_user(db: &impl ConnectionTrait, auth: &AuthContext) -> Result<Self, DomainError> {
        Self::resolve(db, auth, None).await
    }

    /// The workspace a request names by its URL key (`/app/w/{slug}/…`), or the user's home
    /// workspace when it names none. A key of a workspace the user may not see is `NotFound`,
    /// like a missing one: staff reach every workspace of their organisation, a client only
    /// those granted (and none that is archived).
    #[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
    pub async fn resolve(db: &impl ConnectionTrait, auth: &AuthContext, workspace_key: Option<&str>) -> Result<Self, DomainError> {
        let (workspace, role) = match workspace_key {
            Some(key) => named_workspace(db, auth.user_id(), key).await?,
            None => home_workspace(db, auth.user_id()).await?,
        };
        Ok(Self {
            org_id: workspace.org_id,
            workspace_id: workspace.id,
            workspace_slug: workspace.slug,
            workspace_is_default: workspace.is_default,
            workspace_archived: workspace.archived_at.is_some(),
            user_id: auth.user_id(),
            email: auth.email().to_owned(),
            role,
            client_addr: None,
        })
    }

    /// The read-only scope a share link opens: the link's workspace, as a client sees it.
    /// Only `shares` makes one, from a link whose signature, expiry and revocation it checked.
    pub(crate) fn for_share_link(workspace: &workspace::Model) -> Self {
        Self {
            org_id: workspace.org_id,
            workspace_id: workspace.id,
            workspace_slug: workspace.slug.clone(),
            workspace_is_default: workspace.is_default,
            workspace_archived: workspace.archived_at.is_some(),
            user_id: UserId::from(uuid::Uuid::nil()),
            email: String::new(),
            role: Role::Client,
            client_addr: None,
        }
    }

    /// Where the request came from, for the activity log (the web layer sets it).
    pub fn with_client_addr(mut self, addr: impl std::fmt::Display) -> Self {
        self.client_addr = Some(addr.to_string());
        self
    }

    /// Refuses (403, saying who may) unless the caller's role allows `capability`; changes to
    /// an archived workspace are refused until it is restored.
    pub fn require(&self, capability: Capability) -> Result<(), DomainError> {
        if !self.role.can(capability) {
            let who = match capability {
                Capability::ManageBilling | Capability::TransferOwnership => "the owner",
                Capability::ManageWorkspaces | Capability::ManageTeam | Capability::ReadActivity => "owners and admins",
                Capability::Edit | Capability::SeeAllWorkspaces | Capability::SeeInternals => "members, admins and the owner",
            };
            let role = self.role.label().to_lowercase();
            return Err(DomainError::Forbidden(format!("Your role ({role}) cannot do this: only {who} can.")));
        }
        if capability == Capability::Edit && self.workspace_archived {
            return Err(DomainError::Forbidden("This workspace is archived. Restore it on the workspaces page to change it.".into()));
        }
        Ok(())
    }

    pub fn org_id(&self) -> OrgId {
        self.org_id
    }
    pub fn workspace_id(&self) -> WorkspaceId {
        self.workspace_id
    }
    pub fn workspace_slug(&self) -> &str {
        &self.workspace_slug
    }
    pub fn workspace_is_default(&self) -> bool {
        self.workspace_is_default
    }
    pub fn workspace_archived(&self) -> bool {
        self.workspace_archived
    }
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    /// The caller's address, as the activity log records them.
    pub fn email(&self) -> &str {
        &self.email
    }
    pub fn client_addr(&self) -> Option<&str> {
        self.client_addr.as_deref()
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

/// The workspace `/app` opens for the user, if any.
pub async fn home_workspace_id(db: &impl ConnectionTrait, user_id: UserId) -> Result<Option<WorkspaceId>, DomainError> {
    match home_workspace(db, user_id).await {
        Ok((workspace, _)) => Ok(Some(workspace.id)),
        Err(DomainError::Forbidden(_)) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The caller's role in a workspace: their membership of its organisation, else a client
/// grant on it.
async fn role_in(db: &impl ConnectionTrait, user_id: UserId, workspace: &workspace::Model) -> Result<Option<Role>, DomainError> {
    let membership = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrgId.eq(workspace.org_id))
        .one(db)
        .await
        .map_err(internal)?;
    if let Some(membership) = membership {
        return Ok(Some(membership.role.0));
    }
    if workspace.archived_at.is_some() {
        return Ok(None);
    }
    let grant = workspace_grant::Entity::find()
        .filter(workspace_grant::Column::UserId.eq(user_id))
        .filter(workspace_grant::Column::WorkspaceId.eq(workspace.id))
        .one(db)
        .await
        .map_err(internal)?;
    Ok(grant.map(|_| Role::Client))
}

async fn named_workspace(db: &impl ConnectionTrait, user_id: UserId, key: &str) -> Result<(workspace::Model, Role), DomainError> {
    let workspace =
        workspace::Entity::find().filter(workspace::Column::Slug.eq(key)).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let role = role_in(db, user_id, &workspace).await?.ok_or(DomainError::NotFound)?;
    Ok((workspace, role))
}

async fn home_workspace(db: &impl ConnectionTrait, user_id: UserId) -> Result<(workspace::Model, Role), DomainError> {
    let membership = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::CreatedAt)
        .one(db)
        .await
        .map_err(internal)?;
    if let Some(membership) = membership {
        let workspace = workspace::Entity::find()
            .filter(workspace::Column::OrgId.eq(membership.org_id))
            .order_by_desc(workspace::Column::IsDefault)
            .order_by_asc(workspace::Column::CreatedAt)
            .one(db)
            .await
            .map_err(internal)?
            .ok_or_else(|| DomainError::Internal("organisation has no workspace".into()))?;
        return Ok((workspace, membership.role.0));
    }
    let grants = workspace_grant::Entity::find()
        .filter(workspace_grant::Column::UserId.eq(user_id))
        .order_by_asc(workspace_grant::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    for grant in grants {
        let workspace = workspace::Entity::find_by_id(grant.workspace_id).one(db).await.map_err(internal)?;
        if let Some(workspace) = workspace.filter(|w| w.archived_at.is_none()) {
            return Ok((workspace, Role::Client));
        }
    }
    Err(DomainError::Forbidden(
        "Your account is not part of any organisation or workspace now. Ask the people you work with for a new invitation.".into(),
    ))
}
