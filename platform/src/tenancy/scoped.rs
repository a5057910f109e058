//! The one tenant filter. A table whose rows belong to a tenant names its organisation column
//! (and its workspace column, when its rows belong to one workspace) by implementing
//! [`TenantOwned`]; [`select`], [`find`], [`update`], [`delete_rows`] and [`delete`] add the filter, so no area
//! writes it by hand. Another tenant's id then looks exactly like a missing one: `NotFound`.

use crate::db::internal;
use crate::entities::{
    audit, incident, monitor, notification, notification_channel, plan_change, product, product_endpoint, sprint_booking,
};
use crate::tenancy::TenantScope;
use domain::DomainError;
use sea_orm::{ColumnTrait, ConnectionTrait, DeleteMany, EntityTrait, PrimaryKeyTrait, QueryFilter, Select, UpdateMany};

/// The primary key type of an entity (`ProductId` for products, and so on).
pub type IdOf<E> = <<E as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType;

/// A table whose every row belongs to one organisation.
pub trait TenantOwned: EntityTrait {
    /// The row's own id.
    const ID: Self::Column;
    /// The organisation that owns the row.
    const ORG: Self::Column;
    /// The workspace the row belongs to, for tables whose rows live in one workspace; `None`
    /// for rows that hang off such a row (a monitor's results, an audit's findings) or belong
    /// to the organisation as a whole.
    const WORKSPACE: Option<Self::Column>;
}

/// Rows of `E` the scope may see.
pub fn select<E: TenantOwned>(scope: &TenantScope) -> Select<E> {
    let rows = E::find().filter(E::ORG.eq(scope.org_id()));
    match E::WORKSPACE {
        Some(workspace) => rows.filter(workspace.eq(scope.workspace_id())),
        None => rows,
    }
}

/// One row of the scope by id; `NotFound` when it is missing or another tenant's.
pub async fn find<E: TenantOwned>(db: &impl ConnectionTrait, scope: &TenantScope, id: IdOf<E>) -> Result<E::Model, DomainError>
where
    IdOf<E>: Into<sea_orm::Value>,
{
    select::<E>(scope).filter(E::ID.eq(id)).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)
}

/// An update of rows of `E` limited to the scope; the caller adds its own filters and values.
pub fn update<E: TenantOwned>(scope: &TenantScope) -> UpdateMany<E> {
    let rows = E::update_many().filter(E::ORG.eq(scope.org_id()));
    match E::WORKSPACE {
        Some(workspace) => rows.filter(workspace.eq(scope.workspace_id())),
        None => rows,
    }
}

/// A delete of rows of `E` limited to the scope; the caller adds its own filters.
pub fn delete_rows<E: TenantOwned>(scope: &TenantScope) -> DeleteMany<E> {
    let rows = E::delete_many().filter(E::ORG.eq(scope.org_id()));
    match E::WORKSPACE {
        Some(workspace) => rows.filter(workspace.eq(scope.workspace_id())),
        None => rows,
    }
}

/// Deletes one row of the scope; `NotFound` when no row of the scope has that id.
pub async fn delete<E: TenantOwned>(db: &impl ConnectionTrait, scope: &TenantScope, id: IdOf<E>) -> Result<(), DomainError>
where
    IdOf<E>: Into<sea_orm::Value>,
{
    let result = delete_rows::<E>(scope).filter(E::ID.eq(id)).exec(db).await.map_err(internal)?;
    if result.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    Ok(())
}

macro_rules! tenant_owned {
    ($($module:ident: $workspace:expr;)*) => {$(
        impl TenantOwned for $module::Entity {
            const ID: $module::Column = $module::Column::Id;
            const ORG: $module::Column = $module::Column::OrgId;
            const WORKSPACE: Option<$module::Column> = $workspace;
        }
    )*};
}

tenant_owned! {
    product: Some(product::Column::WorkspaceId);
    monitor: Some(monitor::Column::WorkspaceId);
    audit: Some(audit::Column::WorkspaceId);
    notification_channel: Some(notification_channel::Column::WorkspaceId);
    sprint_booking: Some(sprint_booking::Column::WorkspaceId);
    product_endpoint: None;
    incident: None;
    notification: None;
    plan_change: None;
}
