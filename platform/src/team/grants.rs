//! Which workspaces a client may read, and the workspace names the team's lists show: what
//! the team page and invitations both need.

use crate::db::internal;
use crate::entities::{workspace, workspace_grant};
use crate::ids::{OrgId, UserId, WorkspaceId};
use crate::tenancy::Role;
use crate::text_enum::Text;
use chrono::Utc;
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// Names of the organisation's workspaces by id.
pub(crate) async fn workspace_names(db: &impl ConnectionTrait, org_id: OrgId) -> Result<HashMap<WorkspaceId, String>, DomainError> {
    Ok(workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(org_id))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect())
}

/// Grants a client the workspaces of `ids` that exist in the organisation (one row each; an
/// existing grant stays).
pub(crate) async fn grant_workspaces(
    db: &impl ConnectionTrait,
    org_id: OrgId,
    user_id: UserId,
    ids: &[WorkspaceId],
) -> Result<(), DomainError> {
    let existing: Vec<WorkspaceId> = workspace_grant::Entity::find()
        .filter(workspace_grant::Column::UserId.eq(user_id))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|g| g.workspace_id)
        .collect();
    let real = workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(org_id))
        .filter(workspace::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await
        .map_err(internal)?;
    for workspace in real.into_iter().filter(|w| !existing.contains(&w.id)) {
        workspace_grant::ActiveModel {
            id: Set(crate::ids::new_id()),
            org_id: Set(org_id),
            workspace_id: Set(workspace.id),
            user_id: Set(user_id),
            role: Set(Text(Role::Client)),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await
        .map_err(internal)?;
    }
    Ok(())
}
