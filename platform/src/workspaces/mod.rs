//! Workspaces of an organisation: the founder's default one, an agency's client workspaces.
//! Staff see every workspace of their organisation; a client sees those granted to them.
//! Creating one counts against the plan's `workspaces` (archived ones do not count); the
//! default workspace cannot be archived, so a founder always has one.

use crate::activity;
use crate::db::internal;
use crate::entities::{organization, product, workspace, workspace_grant};
use crate::ids::WorkspaceId;
use crate::tenancy::{Capability, TenantScope};
use chrono::Utc;
use domain::plans::{PlanTable, Resource};
use domain::team::Activity;
use domain::workspace::{CurrentWorkspace, WorkspaceName, WorkspaceView};
use domain::DomainError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};

/// The header's view of where the request acts: the workspace, the caller's role, the
/// organisation's name and where else the caller may switch to.
pub async fn current(db: &impl ConnectionTrait, scope: &TenantScope) -> Result<CurrentWorkspace, DomainError> {
    let all = list(db, scope).await?;
    let workspace = all
        .iter()
        .find(|w| w.id == scope.workspace_id().uuid())
        .cloned()
        .ok_or_else(|| DomainError::Internal("the scope's workspace is not listed".into()))?;
    let organization =
        organization::Entity::find_by_id(scope.org_id()).one(db).await.map_err(internal)?.map(|o| o.name).unwrap_or_default();
    let switchable = all.into_iter().filter(|w| !w.archived).collect();
    Ok(CurrentWorkspace { workspace, role: scope.role(), organization, switchable })
}

/// Every workspace the caller can open: default first, then by name; archived ones only for
/// staff, last.
pub async fn list(db: &impl ConnectionTrait, scope: &TenantScope) -> Result<Vec<WorkspaceView>, DomainError> {
    let mut query = workspace::Entity::find().filter(workspace::Column::OrgId.eq(scope.org_id()));
    if !scope.role().is_staff() {
        let granted: Vec<WorkspaceId> = workspace_grant::Entity::find()
            .filter(workspace_grant::Column::UserId.eq(scope.user_id()))
            .filter(workspace_grant::Column::OrgId.eq(scope.org_id()))
            .all(db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|g| g.workspace_id)
            .collect();
        query = query.filter(workspace::Column::Id.is_in(granted)).filter(workspace::Column::ArchivedAt.is_null());
    }
    let rows = query.all(db).await.map_err(internal)?;
    let home = crate::tenancy::home_workspace_id(db, scope.user_id()).await?;
    // One grouped count for all of them: the header reads this list on every page.
    let counts: std::collections::HashMap<WorkspaceId, i64> = product::Entity::find()
        .select_only()
        .column(product::Column::WorkspaceId)
        .column_as(
            sea_orm::sea_query::Expr::from(sea_orm::sea_query::Func::count(sea_orm::sea_query::Expr::col(product::Column::Id))),
            "products",
        )
        .filter(product::Column::OrgId.eq(scope.org_id()))
        .group_by(product::Column::WorkspaceId)
        .into_tuple::<(WorkspaceId, i64)>()
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let products = u64::try_from(counts.get(&row.id).copied().unwrap_or(0)).unwrap_or(0);
        let mut view = view(&row, products);
        view.is_home = home == Some(row.id);
        views.push(view);
    }
    // Live before archived, the default first, then by name regardless of case.
    views.sort_by_cached_key(|view| (view.archived, !view.is_default, view.name.to_lowercase()));
    Ok(views)
}

fn view(row: &workspace::Model, products: u64) -> WorkspaceView {
    WorkspaceView {
        id: row.id.uuid(),
        slug: row.slug.clone(),
        name: row.name.clone(),
        is_default: row.is_default,
        archived: row.archived_at.is_some(),
        products,
        is_home: false,
        monthly_report: row.monthly_report,
    }
}

/// A fresh URL key: the name's stem and six random hex digits ("acme-3f9a1c").
pub fn new_slug(name: &WorkspaceName) -> String {
    format!("{}-{}", name.slug_stem(), &uuid::Uuid::new_v4().simple().to_string()[..6])
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn create(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable, name: &str) -> Result<WorkspaceView, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let name = WorkspaceName::parse("name", name)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    crate::quota::ensure_room(&txn, plans, scope.org_id(), Resource::Workspaces).await?;
    ensure_name_free(&txn, scope, &name, None).await?;
    let row = workspace::ActiveModel {
        id: Set(WorkspaceId::new_random()),
        org_id: Set(scope.org_id()),
        name: Set(name.as_str().to_owned()),
        is_default: Set(false),
        created_at: Set(Utc::now()),
        slug: Set(new_slug(&name)),
        archived_at: Set(None),
        monthly_report: Set(false),
        report_sent_for: Set(None),
        report_claimed_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    activity::record(&txn, scope, Activity::WorkspaceCreated, name.as_str(), Some(row.id)).await?;
    txn.commit().await.map_err(internal)?;
    Ok(view(&row, 0))
}

/// Two workspaces of one organisation with one name would be told apart by nobody.
async fn ensure_name_free(
    db: &impl ConnectionTrait,
    scope: &TenantScope,
    name: &WorkspaceName,
    except: Option<WorkspaceId>,
) -> Result<(), DomainError> {
    let taken = workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(scope.org_id()))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .any(|w| Some(w.id) != except && w.name.to_lowercase() == name.as_str().to_lowercase());
    if taken {
        return Err(DomainError::Conflict { field: "name".into(), message: "another workspace already has this name".into() });
    }
    Ok(())
}

/// A workspace of the caller's organisation, for the changes below.
async fn find(db: &impl ConnectionTrait, scope: &TenantScope, id: WorkspaceId) -> Result<workspace::Model, DomainError> {
    workspace::Entity::find_by_id(id)
        .filter(workspace::Column::OrgId.eq(scope.org_id()))
        .one(db)
        .await
        .map_err(internal)?
        .ok_or(DomainError::NotFound)
}

pub async fn rename(db: &DatabaseConnection, scope: &TenantScope, id: WorkspaceId, name: &str) -> Result<WorkspaceView, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let name = WorkspaceName::parse("name", name)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = find(&txn, scope, id).await?;
    ensure_name_free(&txn, scope, &name, Some(id)).await?;
    let before = row.name.clone();
    let mut active: workspace::ActiveModel = row.into();
    active.name = Set(name.as_str().to_owned());
    let row = active.update(&txn).await.map_err(internal)?;
    activity::record(&txn, scope, Activity::WorkspaceRenamed, format!("{before} → {}", name.as_str()), Some(id)).await?;
    txn.commit().await.map_err(internal)?;
    let products = product::Entity::find().filter(product::Column::WorkspaceId.eq(id)).count(db).await.map_err(internal)?;
    Ok(view(&row, products))
}

/// Archives (`archived = true`) or restores a workspace. An archived workspace keeps all its
/// data; its monitors and scheduled audits stop, its clients lose access, and nothing in it
/// can be changed until it is restored. Restoring counts against the plan again.
pub async fn set_archived(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    id: WorkspaceId,
    archived: bool,
) -> Result<WorkspaceView, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = find(&txn, scope, id).await?;
    if row.is_default && archived {
        return Err(DomainError::invalid("workspace", "the default workspace cannot be archived"));
    }
    if row.archived_at.is_some() == archived {
        drop(txn);
        let products = product::Entity::find().filter(product::Column::WorkspaceId.eq(id)).count(db).await.map_err(internal)?;
        return Ok(view(&row, products));
    }
    if !archived {
        crate::quota::ensure_room(&txn, plans, scope.org_id(), Resource::Workspaces).await?;
    }
    let name = row.name.clone();
    let mut active: workspace::ActiveModel = row.into();
    active.archived_at = Set(archived.then(Utc::now));
    let row = active.update(&txn).await.map_err(internal)?;
    let action = if archived { Activity::WorkspaceArchived } else { Activity::WorkspaceRestored };
    activity::record(&txn, scope, action, name, Some(id)).await?;
    txn.commit().await.map_err(internal)?;
    let products = product::Entity::find().filter(product::Column::WorkspaceId.eq(id)).count(db).await.map_err(internal)?;
    Ok(view(&row, products))
}

/// A filter for rows whose workspace (`column`) is not archived: monitors and scheduled
/// audits of an archived workspace do not run.
pub fn in_live_workspace(column: impl ColumnTrait) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Query;
    column.not_in_subquery(
        Query::select()
            .column(workspace::Column::Id)
            .from(workspace::Entity)
            .and_where(workspace::Column::ArchivedAt.is_not_null())
            .to_owned(),
    )
}
