//! The people of an organisation: members (owner, admins, members) and client users with the
//! workspaces they may read. Owners and admins invite (`invitations`), change roles and remove
//! people; only the owner hands the organisation over. Removing someone ends their sessions at
//! once, so a removed person's open tab stops working on its next request.

mod grants;
pub mod invitations;

use grants::{grant_workspaces, workspace_names};

use crate::activity;
use crate::db::internal;
use crate::entities::{membership, user, workspace, workspace_grant};
use crate::ids::{UserId, WorkspaceId};
use crate::tenancy::{Capability, Role, TenantScope};
use crate::text_enum::Text;
use domain::plans::{PlanTable, Resource};
use domain::team::{Activity, ClientView, MemberView, TeamView, WorkspaceRef};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::{BTreeMap, HashMap};

/// The team page: members, clients and (for owners and admins) open invitations. Staff only.
pub async fn view(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable) -> Result<TeamView, DomainError> {
    scope.require(Capability::SeeAllWorkspaces)?;
    let memberships = membership::Entity::find()
        .filter(membership::Column::OrgId.eq(scope.org_id()))
        .order_by_asc(membership::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    let grants = workspace_grant::Entity::find()
        .filter(workspace_grant::Column::OrgId.eq(scope.org_id()))
        .order_by_asc(workspace_grant::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    let user_ids: Vec<UserId> = memberships.iter().map(|m| m.user_id).chain(grants.iter().map(|g| g.user_id)).collect();
    let emails: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let names = workspace_names(db, scope.org_id()).await?;
    let mut members: Vec<MemberView> = memberships
        .iter()
        .map(|m| MemberView {
            user_id: m.user_id.uuid(),
            email: emails.get(&m.user_id).cloned().unwrap_or_default(),
            role: m.role.0,
            joined_at: m.created_at,
            is_you: m.user_id == scope.user_id(),
        })
        .collect();
    members.sort_by_key(|m| (m.role != Role::Owner, m.role != Role::Admin, m.email.clone()));
    let mut clients: BTreeMap<String, ClientView> = BTreeMap::new();
    for grant in &grants {
        let email = emails.get(&grant.user_id).cloned().unwrap_or_default();
        let entry =
            clients.entry(email.clone()).or_insert_with(|| ClientView { user_id: grant.user_id.uuid(), email, workspaces: Vec::new() });
        if let Some(name) = names.get(&grant.workspace_id) {
            entry.workspaces.push(WorkspaceRef { id: grant.workspace_id.uuid(), name: name.clone() });
        }
    }
    let invitations = if scope.role().can(Capability::ManageTeam) { invitations::list(db, scope).await? } else { Vec::new() };
    let plan = crate::quota::plan_of(db, scope.org_id()).await?;
    let quota = Resource::Members.quota(plans.limits(plan));
    let invited = invitations.iter().filter(|i| i.role.is_staff() && i.state == domain::team::InvitationState::Pending).count();
    let seats = format!(
        "{} of {} members{}",
        members.len(),
        quota.label(),
        if invited > 0 { format!(" ({invited} invited)") } else { String::new() }
    );
    let mut workspaces: Vec<WorkspaceRef> = workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(scope.org_id()))
        .filter(workspace::Column::ArchivedAt.is_null())
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|w| WorkspaceRef { id: w.id.uuid(), name: w.name })
        .collect();
    workspaces.sort_by_key(|w| w.name.to_lowercase());
    let organization = crate::entities::organization::Entity::find_by_id(scope.org_id())
        .one(db)
        .await
        .map_err(internal)?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(TeamView {
        organization,
        members,
        clients: clients.into_values().collect(),
        invitations,
        seats,
        your_role: scope.role(),
        workspaces,
    })
}

async fn membership_of(db: &impl ConnectionTrait, scope: &TenantScope, user_id: UserId) -> Result<membership::Model, DomainError> {
    membership::Entity::find()
        .filter(membership::Column::OrgId.eq(scope.org_id()))
        .filter(membership::Column::UserId.eq(user_id))
        .one(db)
        .await
        .map_err(internal)?
        .ok_or(DomainError::NotFound)
}

async fn email_of(db: &impl ConnectionTrait, user_id: UserId) -> Result<String, DomainError> {
    Ok(user::Entity::find_by_id(user_id).one(db).await.map_err(internal)?.map(|u| u.email).unwrap_or_default())
}

/// Makes a member an admin or a member. The owner's role changes only by handing ownership
/// over, and nobody changes their own role (another admin or the owner does).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn change_role(db: &DatabaseConnection, scope: &TenantScope, user_id: UserId, role: &str) -> Result<MemberView, DomainError> {
    scope.require(Capability::ManageTeam)?;
    let role = match Role::parse(role.trim()) {
        Some(role @ (Role::Admin | Role::Member)) => role,
        _ => return Err(DomainError::invalid("role", "must be admin or member")),
    };
    if user_id == scope.user_id() {
        return Err(DomainError::invalid("role", "you cannot change your own role: ask another admin or the owner"));
    }
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = membership_of(&txn, scope, user_id).await?;
    if row.role.0 == Role::Owner {
        return Err(DomainError::invalid("role", "the owner's role changes only when ownership is handed over"));
    }
    let before = row.role.0;
    let mut active: membership::ActiveModel = row.into();
    active.role = Set(Text(role));
    let row = active.update(&txn).await.map_err(internal)?;
    let email = email_of(&txn, user_id).await?;
    activity::record(&txn, scope, Activity::RoleChanged, format!("{email}: {} → {}", before.as_str(), role.as_str()), None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(MemberView { user_id: user_id.uuid(), email, role, joined_at: row.created_at, is_you: false })
}

/// Removes a member or a client from the organisation and ends every session they have. The
/// owner cannot be removed (hand ownership over first), and nobody removes themselves here.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn remove(db: &DatabaseConnection, scope: &TenantScope, user_id: UserId) -> Result<(), DomainError> {
    scope.require(Capability::ManageTeam)?;
    if user_id == scope.user_id() {
        return Err(DomainError::invalid("user", "you cannot remove yourself: ask another admin or the owner"));
    }
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let membership = membership::Entity::find()
        .filter(membership::Column::OrgId.eq(scope.org_id()))
        .filter(membership::Column::UserId.eq(user_id))
        .one(&txn)
        .await
        .map_err(internal)?;
    let what = match membership {
        Some(row) if row.role.0 == Role::Owner => {
            return Err(DomainError::invalid("user", "the owner cannot be removed: hand ownership over first"));
        }
        Some(row) => {
            let role = row.role.0;
            membership::Entity::delete_by_id(row.id).exec(&txn).await.map_err(internal)?;
            role.as_str()
        }
        None => {
            let removed = workspace_grant::Entity::delete_many()
                .filter(workspace_grant::Column::OrgId.eq(scope.org_id()))
                .filter(workspace_grant::Column::UserId.eq(user_id))
                .exec(&txn)
                .await
                .map_err(internal)?;
            if removed.rows_affected == 0 {
                return Err(DomainError::NotFound);
            }
            "client"
        }
    };
    crate::accounts::sessions::close_all(&txn, user_id).await?;
    let email = email_of(&txn, user_id).await?;
    activity::record(&txn, scope, Activity::MemberRemoved, format!("{email} ({what})"), None).await?;
    txn.commit().await.map_err(internal)?;
    tracing::info!(target: "security", %user_id, "removed from an organisation; sessions ended");
    Ok(())
}

/// Replaces the workspaces a client may read. With none left the client is removed (and their
/// sessions end).
pub async fn set_client_workspaces(
    db: &DatabaseConnection,
    scope: &TenantScope,
    user_id: UserId,
    ids: &[uuid::Uuid],
) -> Result<(), DomainError> {
    scope.require(Capability::ManageTeam)?;
    if ids.is_empty() {
        return remove(db, scope, user_id).await;
    }
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let current = workspace_grant::Entity::find()
        .filter(workspace_grant::Column::OrgId.eq(scope.org_id()))
        .filter(workspace_grant::Column::UserId.eq(user_id))
        .all(&txn)
        .await
        .map_err(internal)?;
    if current.is_empty() {
        return Err(DomainError::NotFound);
    }
    let wanted: Vec<WorkspaceId> = ids.iter().copied().map(WorkspaceId::from).collect();
    let names = workspace_names(&txn, scope.org_id()).await?;
    if wanted.iter().any(|id| !names.contains_key(id)) {
        return Err(DomainError::invalid("workspaces", "choose workspaces of this organisation"));
    }
    workspace_grant::Entity::delete_many()
        .filter(workspace_grant::Column::OrgId.eq(scope.org_id()))
        .filter(workspace_grant::Column::UserId.eq(user_id))
        .filter(workspace_grant::Column::WorkspaceId.is_not_in(wanted.clone()))
        .exec(&txn)
        .await
        .map_err(internal)?;
    grant_workspaces(&txn, scope.org_id(), user_id, &wanted).await?;
    let email = email_of(&txn, user_id).await?;
    let mut listed: Vec<&str> = wanted.iter().filter_map(|id| names.get(id).map(String::as_str)).collect();
    listed.sort_unstable();
    activity::record(&txn, scope, Activity::ClientWorkspacesChanged, format!("{email}: {}", listed.join(", ")), None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

/// Hands the organisation to another member: they become the owner, the current owner an
/// admin. Only the owner can.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn transfer_ownership(db: &DatabaseConnection, scope: &TenantScope, to: UserId) -> Result<(), DomainError> {
    scope.require(Capability::TransferOwnership)?;
    if to == scope.user_id() {
        return Err(DomainError::invalid("user", "you are the owner already"));
    }
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    crate::quota::lock_org(&txn, scope.org_id()).await?;
    let target = membership_of(&txn, scope, to).await?;
    let mine = membership_of(&txn, scope, scope.user_id()).await?;
    if mine.role.0 != Role::Owner {
        return Err(DomainError::Forbidden("Only the owner can hand the organisation over.".into()));
    }
    let mut active: membership::ActiveModel = target.into();
    active.role = Set(Text(Role::Owner));
    active.update(&txn).await.map_err(internal)?;
    let mut active: membership::ActiveModel = mine.into();
    active.role = Set(Text(Role::Admin));
    active.update(&txn).await.map_err(internal)?;
    let email = email_of(&txn, to).await?;
    activity::record(&txn, scope, Activity::OwnershipTransferred, format!("to {email}"), None).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}
