//! The organisation's activity log: who invited, removed or changed the role of whom, who
//! created or revoked share links, archived workspaces or deleted products, and plan changes,
//! with the time and the client's address. Written in the transaction of the change it
//! records; read by owners and admins.

use crate::db::internal;
use crate::entities::{activity, workspace};
use crate::ids::{ActivityId, OrgId, UserId, WorkspaceId};
use crate::tenancy::{Capability, TenantScope};
use crate::text_enum::Text;
use chrono::{DateTime, Utc};
use domain::team::{Activity, ActivityView};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;

use domain::team::ACTIVITY_PAGE as PAGE;

/// Who did it, from where.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub org_id: OrgId,
    pub user_id: Option<UserId>,
    pub email: &'a str,
    pub client_addr: Option<&'a str>,
}

impl<'a> Actor<'a> {
    pub fn of(scope: &'a TenantScope) -> Self {
        Self { org_id: scope.org_id(), user_id: Some(scope.user_id()), email: scope.email(), client_addr: scope.client_addr() }
    }
}

/// Records what the scope's user did. `subject` names who or what it was done to, in words.
pub async fn record(
    db: &impl ConnectionTrait,
    scope: &TenantScope,
    action: Activity,
    subject: impl Into<String>,
    workspace_id: Option<WorkspaceId>,
) -> Result<(), DomainError> {
    record_as(db, Actor::of(scope), action, subject, workspace_id).await
}

/// Records what happened to an organisation without a person behind it (a plan changed by a
/// Stripe event): `actor` says who ("Stripe").
pub async fn record_system(
    db: &impl ConnectionTrait,
    org_id: OrgId,
    actor: &str,
    action: Activity,
    subject: impl Into<String>,
) -> Result<(), DomainError> {
    record_as(db, Actor { org_id, user_id: None, email: actor, client_addr: None }, action, subject, None).await
}

/// Records what `actor` did (someone joining by invitation has no scope in the organisation yet).
pub async fn record_as(
    db: &impl ConnectionTrait,
    actor: Actor<'_>,
    action: Activity,
    subject: impl Into<String>,
    workspace_id: Option<WorkspaceId>,
) -> Result<(), DomainError> {
    let subject: String = subject.into();
    activity::ActiveModel {
        id: Set(ActivityId::new_random()),
        org_id: Set(actor.org_id),
        workspace_id: Set(workspace_id),
        actor_id: Set(actor.user_id),
        actor_email: Set(actor.email.chars().take(254).collect()),
        action: Set(Text(action)),
        subject: Set(subject.chars().take(500).collect()),
        client_addr: Set(actor.client_addr.map(str::to_owned)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map_err(internal)?;
    Ok(())
}

/// A page of the log, newest first: entries before `before` when given.
pub async fn list(db: &impl ConnectionTrait, scope: &TenantScope, before: Option<DateTime<Utc>>) -> Result<Vec<ActivityView>, DomainError> {
    scope.require(Capability::ReadActivity)?;
    let mut query = activity::Entity::find().filter(activity::Column::OrgId.eq(scope.org_id()));
    if let Some(before) = before {
        query = query.filter(activity::Column::CreatedAt.lt(before));
    }
    let rows = query.order_by_desc(activity::Column::CreatedAt).limit(PAGE).all(db).await.map_err(internal)?;
    let names: HashMap<WorkspaceId, String> = workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(scope.org_id()))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| ActivityView {
            at: row.created_at,
            actor: row.actor_email,
            action: row.action.0,
            subject: row.subject,
            workspace: row.workspace_id.and_then(|id| names.get(&id).cloned()),
            client_addr: row.client_addr,
        })
        .collect())
}
