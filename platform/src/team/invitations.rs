//! Invitations: an owner or admin invites an address as admin, member or client (with the
//! workspaces a client may see). The link is mailed by the worker, which makes a fresh token at
//! send time (each send replaces the previous link); it works once, for 7 days, only for the
//! invited address, and not after it was revoked. A pending staff invitation holds a seat of
//! the plan's `members`, so two invitations for the last seat cannot both be accepted.

use super::grants::{grant_workspaces, workspace_names};
use crate::activity::{self, Actor};
use crate::db::internal;
use crate::entities::{invitation, membership, organization, user, workspace, workspace_grant};
use crate::ids::{InvitationId, OrgId, UserId, WorkspaceId};
use crate::infra::secret::{BearerToken, SecretKey};
use crate::tenancy::{AuthContext, Capability, CrossTenant, Role, TenantScope};
use crate::text_enum::Text;
use chrono::{Duration, Utc};
use domain::email::EmailAddress;
use domain::plans::{PlanTable, Resource};
use domain::team::{Activity, InvitationPreview, InvitationState, InvitationView, InviteForm, WorkspaceRef, INVITATION_DAYS};
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

const PURPOSE: &str = "invitation";

fn workspace_ids(row: &invitation::Model) -> Vec<WorkspaceId> {
    serde_json::from_str::<Vec<uuid::Uuid>>(&row.workspace_ids).unwrap_or_default().into_iter().map(WorkspaceId::from).collect()
}

fn is_open(row: &invitation::Model) -> bool {
    row.accepted_at.is_none() && row.revoked_at.is_none()
}

/// Creates an invitation; the caller queues its mail (`EmailJob::Invitation`).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn invite(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    form: &InviteForm,
) -> Result<InvitationId, DomainError> {
    scope.require(Capability::ManageTeam)?;
    let spec = form.parse()?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    // The plan lock first: concurrent invitations count one after the other.
    if spec.role.is_staff() {
        crate::quota::ensure_room(&txn, plans, scope.org_id(), Resource::Members).await?;
    } else {
        crate::quota::lock_org(&txn, scope.org_id()).await?;
    }
    let workspaces = live_workspaces(&txn, scope.org_id(), &spec.workspaces).await?;
    if workspaces.len() != spec.workspaces.len() {
        return Err(DomainError::invalid("workspaces", "choose workspaces of this organisation that are not archived"));
    }
    if let Some(existing) = find_user(&txn, &spec.email).await? {
        let member = membership::Entity::find()
            .filter(membership::Column::OrgId.eq(scope.org_id()))
            .filter(membership::Column::UserId.eq(existing.id))
            .one(&txn)
            .await
            .map_err(internal)?;
        if member.is_some() {
            return Err(DomainError::Conflict { field: "email".into(), message: "is already a member of this organisation".into() });
        }
        let client = workspace_grant::Entity::find()
            .filter(workspace_grant::Column::OrgId.eq(scope.org_id()))
            .filter(workspace_grant::Column::UserId.eq(existing.id))
            .one(&txn)
            .await
            .map_err(internal)?;
        if client.is_some() && spec.role == Role::Client {
            return Err(DomainError::Conflict {
                field: "email".into(),
                message: "is already a client: change their workspaces in the clients list".into(),
            });
        }
    }
    let pending = invitation::Entity::find()
        .filter(invitation::Column::OrgId.eq(scope.org_id()))
        .filter(invitation::Column::Email.eq(spec.email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .one(&txn)
        .await
        .map_err(internal)?;
    if pending.is_some() {
        return Err(DomainError::Conflict {
            field: "email".into(),
            message: "has an invitation already: resend or revoke it in the list below".into(),
        });
    }
    let now = Utc::now();
    let id = InvitationId::new_random();
    let ids: Vec<uuid::Uuid> = spec.workspaces.clone();
    invitation::ActiveModel {
        id: Set(id),
        org_id: Set(scope.org_id()),
        email: Set(spec.email.as_str().to_owned()),
        role: Set(Text(spec.role)),
        workspace_ids: Set(serde_json::to_string(&ids).map_err(|e| DomainError::Internal(e.to_string()))?),
        token_hash: Set(None),
        invited_by: Set(Some(scope.user_id())),
        created_at: Set(now),
        sent_at: Set(None),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    let names: Vec<String> = workspaces.iter().map(|w| w.name.clone()).collect();
    let subject = if names.is_empty() {
        format!("{} as {}", spec.email, spec.role.as_str())
    } else {
        format!("{} as client of {}", spec.email, names.join(", "))
    };
    activity::record(&txn, scope, Activity::InvitationSent, subject, None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(id)
}

async fn live_workspaces(db: &impl ConnectionTrait, org_id: OrgId, ids: &[uuid::Uuid]) -> Result<Vec<workspace::Model>, DomainError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<WorkspaceId> = ids.iter().copied().map(WorkspaceId::from).collect();
    workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(org_id))
        .filter(workspace::Column::Id.is_in(ids))
        .filter(workspace::Column::ArchivedAt.is_null())
        .all(db)
        .await
        .map_err(internal)
}

async fn find_user(db: &impl ConnectionTrait, email: &EmailAddress) -> Result<Option<user::Model>, DomainError> {
    user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await.map_err(internal)
}

async fn find_open(db: &impl ConnectionTrait, scope: &TenantScope, id: InvitationId) -> Result<invitation::Model, DomainError> {
    invitation::Entity::find_by_id(id)
        .filter(invitation::Column::OrgId.eq(scope.org_id()))
        .one(db)
        .await
        .map_err(internal)?
        .filter(is_open)
        .ok_or(DomainError::NotFound)
}

/// Sends the invitation again with a fresh 7 days (an expired one too); the caller queues the
/// mail. The earlier link stops working when the new one is made.
pub async fn resend(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable, id: InvitationId) -> Result<(), DomainError> {
    scope.require(Capability::ManageTeam)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = find_open(&txn, scope, id).await?;
    // An expired staff invitation gave its seat back: taking it again needs room.
    if row.expires_at <= Utc::now() && row.role.0.is_staff() {
        crate::quota::ensure_room(&txn, plans, scope.org_id(), Resource::Members).await?;
    }
    let email = row.email.clone();
    let mut active: invitation::ActiveModel = row.into();
    active.expires_at = Set(Utc::now() + Duration::days(INVITATION_DAYS));
    active.update(&txn).await.map_err(internal)?;
    activity::record(&txn, scope, Activity::InvitationResent, email, None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

pub async fn revoke(db: &DatabaseConnection, scope: &TenantScope, id: InvitationId) -> Result<(), DomainError> {
    scope.require(Capability::ManageTeam)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = find_open(&txn, scope, id).await?;
    let email = row.email.clone();
    let mut active: invitation::ActiveModel = row.into();
    active.revoked_at = Set(Some(Utc::now()));
    active.token_hash = Set(None);
    active.update(&txn).await.map_err(internal)?;
    activity::record(&txn, scope, Activity::InvitationRevoked, email, None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

/// Open invitations of the organisation, newest first (expired ones marked).
pub async fn list(db: &impl ConnectionTrait, scope: &TenantScope) -> Result<Vec<InvitationView>, DomainError> {
    scope.require(Capability::ManageTeam)?;
    let rows = invitation::Entity::find()
        .filter(invitation::Column::OrgId.eq(scope.org_id()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    let names = workspace_names(db, scope.org_id()).await?;
    let inviters: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().filter_map(|r| r.invited_by).collect::<Vec<_>>()))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|row| InvitationView {
            id: row.id.uuid(),
            email: row.email.clone(),
            role: row.role.0,
            workspaces: workspace_ids(&row)
                .into_iter()
                .filter_map(|id| names.get(&id).map(|name| WorkspaceRef { id: id.uuid(), name: name.clone() }))
                .collect(),
            invited_by: row.invited_by.and_then(|id| inviters.get(&id).cloned()),
            sent_at: row.sent_at,
            expires_at: row.expires_at,
            state: if row.expires_at > now { InvitationState::Pending } else { InvitationState::Expired },
        })
        .collect())
}

/// What the invitation mail needs, with a fresh link token (the previous one stops working).
/// `None` when the invitation was accepted or revoked meanwhile.
pub struct InvitationMail {
    pub to: String,
    pub organization: String,
    pub invited_by: Option<String>,
    pub role: Role,
    pub workspaces: Vec<String>,
    pub token: BearerToken,
}

pub async fn issue_mail(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    key: &SecretKey,
    id: InvitationId,
) -> Result<Option<InvitationMail>, DomainError> {
    let Some(row) = invitation::Entity::find_by_id(id).one(db).await.map_err(internal)?.filter(is_open) else { return Ok(None) };
    let token = BearerToken::generate();
    let now = Utc::now();
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::TokenHash, Expr::value(key.keyed_hash(PURPOSE, token.expose())))
        .col_expr(invitation::Column::SentAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map_err(internal)?;
    if claimed.rows_affected != 1 {
        return Ok(None);
    }
    let (organization, invited_by, workspaces) = described(db, &row).await?;
    Ok(Some(InvitationMail { to: row.email, organization, invited_by, role: row.role.0, workspaces, token }))
}

/// What an invitation is to, as the mail and the page name it: the organisation, who sent
/// it, and (for a client) the workspaces' names.
async fn described(db: &impl ConnectionTrait, row: &invitation::Model) -> Result<(String, Option<String>, Vec<String>), DomainError> {
    let organization = organization::Entity::find_by_id(row.org_id).one(db).await.map_err(internal)?.map(|o| o.name).unwrap_or_default();
    let invited_by = match row.invited_by {
        Some(id) => user::Entity::find_by_id(id).one(db).await.map_err(internal)?.map(|u| u.email),
        None => None,
    };
    let names = workspace_names(db, row.org_id).await?;
    let workspaces = workspace_ids(row).into_iter().filter_map(|id| names.get(&id).cloned()).collect();
    Ok((organization, invited_by, workspaces))
}

/// The open, unexpired invitation a link's token belongs to; `InvalidToken` for an unknown,
/// replaced, used, revoked or expired one (all look the same).
async fn by_token(db: &impl ConnectionTrait, key: &SecretKey, raw: &str) -> Result<invitation::Model, DomainError> {
    let token = BearerToken::from_client(raw.trim()).ok_or(DomainError::InvalidToken)?;
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(key.keyed_hash(PURPOSE, token.expose())))
        .one(db)
        .await
        .map_err(internal)?
        .filter(|row| is_open(row) && row.expires_at > Utc::now())
        .ok_or(DomainError::InvalidToken)
}

/// What the invitation page shows; the token is the credential.
pub async fn preview(db: &DatabaseConnection, key: &SecretKey, token: &str) -> Result<InvitationPreview, DomainError> {
    let row = by_token(db, key, token).await?;
    let (organization, invited_by, workspaces) = described(db, &row).await?;
    let account_exists = user::Entity::find().filter(user::Column::Email.eq(row.email.as_str())).one(db).await.map_err(internal)?.is_some();
    Ok(InvitationPreview {
        organization,
        email: row.email.clone(),
        role: row.role.0,
        workspaces,
        invited_by,
        expires_at: row.expires_at,
        account_exists,
    })
}

/// Accepts an invitation as the signed-in user, who must be the invited address. Returns the
/// URL key of the workspace to open. Runs in one transaction: the token is used up (a
/// conditional update, so one of two racing accepts wins), the seat checked under the plan
/// lock, and the membership or grants written.
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn accept(
    db: &DatabaseConnection,
    key: &SecretKey,
    plans: &PlanTable,
    auth: &AuthContext,
    token: &str,
    client_addr: Option<String>,
) -> Result<String, DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = by_token(&txn, key, token).await?;
    if row.email != auth.email() {
        return Err(DomainError::Forbidden(format!(
            "This invitation was sent to another address. You are signed in as {}: sign out, then sign in or sign up with the invited address.",
            auth.email()
        )));
    }
    accept_row(&txn, plans, &row, auth.user_id(), auth.email(), client_addr).await?;
    txn.commit().await.map_err(internal)?;
    let slug = home_slug(db, &row).await?;
    Ok(slug)
}

/// Creates the invited account (its address is proven by the link, so it is confirmed) and
/// accepts the invitation with it, in one transaction; the caller opens a session. An address
/// that has an account signs in instead.
#[tracing::instrument(skip_all)]
pub async fn sign_up_and_accept(
    db: &DatabaseConnection,
    key: &SecretKey,
    plans: &PlanTable,
    token: &str,
    password: &str,
    client_addr: Option<String>,
) -> Result<(UserId, String), DomainError> {
    let password = domain::password::NewPassword::parse("password", password)?;
    let row = by_token(db, key, token).await?;
    let email = EmailAddress::parse("email", &row.email)?;
    if find_user(db, &email).await?.is_some() {
        return Err(DomainError::Conflict {
            field: "email".into(),
            message: "already has an account: sign in with it to accept the invitation".into(),
        });
    }
    let hash = crate::accounts::hash_new_password(password).await?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = by_token(&txn, key, token).await?;
    let user_id = crate::accounts::insert_confirmed_user(&txn, &email, hash).await?;
    accept_row(&txn, plans, &row, user_id, email.as_str(), client_addr).await?;
    txn.commit().await.map_err(internal)?;
    let slug = home_slug(db, &row).await?;
    Ok((user_id, slug))
}

async fn accept_row(
    txn: &impl ConnectionTrait,
    plans: &PlanTable,
    row: &invitation::Model,
    user_id: UserId,
    email: &str,
    client_addr: Option<String>,
) -> Result<(), DomainError> {
    let now = Utc::now();
    let used = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .col_expr(invitation::Column::AcceptedBy, Expr::value(user_id))
        .col_expr(invitation::Column::TokenHash, Expr::value(Option::<String>::None))
        .filter(invitation::Column::Id.eq(row.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(txn)
        .await
        .map_err(internal)?;
    if used.rows_affected != 1 {
        return Err(DomainError::InvalidToken);
    }
    let plan = crate::quota::lock_org(txn, row.org_id).await?.map(|o| o.plan.0).unwrap_or(domain::plans::Plan::Free);
    let existing = membership::Entity::find()
        .filter(membership::Column::OrgId.eq(row.org_id))
        .filter(membership::Column::UserId.eq(user_id))
        .one(txn)
        .await
        .map_err(internal)?;
    let role = row.role.0;
    if role.is_staff() {
        if existing.is_some() {
            return Err(DomainError::Conflict {
                field: "invitation".into(),
                message: "you are already a member of this organisation".into(),
            });
        }
        // The invitation held its seat until now; a downgrade meanwhile may have taken it.
        let members = crate::quota::count_memberships(txn, row.org_id).await?;
        let quota = plans.limits(plan).members;
        if !quota.has_room(members) {
            return Err(DomainError::plan_limit(
                "members",
                format!(
                    "This organisation has no free seat for a member now ({} allowed). Ask them to upgrade or free a seat.",
                    quota.label()
                ),
            ));
        }
        membership::ActiveModel {
            id: Set(crate::ids::new_id()),
            org_id: Set(row.org_id),
            user_id: Set(user_id),
            role: Set(Text(role)),
            created_at: Set(now),
        }
        .insert(txn)
        .await
        .map_err(internal)?;
        // A client who becomes staff sees every workspace; the grants are no longer needed.
        workspace_grant::Entity::delete_many()
            .filter(workspace_grant::Column::OrgId.eq(row.org_id))
            .filter(workspace_grant::Column::UserId.eq(user_id))
            .exec(txn)
            .await
            .map_err(internal)?;
    } else if existing.is_none() {
        grant_workspaces(txn, row.org_id, user_id, &workspace_ids(row)).await?;
    }
    let actor = Actor { org_id: row.org_id, user_id: Some(user_id), email, client_addr: client_addr.as_deref() };
    activity::record_as(txn, actor, Activity::InvitationAccepted, format!("{email} as {}", role.as_str()), None).await
}

/// Where an accepted invitation leads: the organisation's default workspace for staff, the
/// first granted workspace for a client.
async fn home_slug(db: &impl ConnectionTrait, row: &invitation::Model) -> Result<String, DomainError> {
    let ids = workspace_ids(row);
    let mut query = workspace::Entity::find().filter(workspace::Column::OrgId.eq(row.org_id));
    if row.role.0.is_staff() || ids.is_empty() {
        query = query.filter(workspace::Column::IsDefault.eq(true));
    } else {
        query = query.filter(workspace::Column::Id.is_in(ids));
    }
    let found = query.order_by_asc(workspace::Column::CreatedAt).one(db).await.map_err(internal)?;
    found.map(|w| w.slug).ok_or(DomainError::NotFound)
}
