//! Incidents: opened and resolved by recorded results, read per product or workspace.

use crate::db::internal;
use crate::entities::{incident, monitor};
use crate::ids::{MonitorId, ProductId};
use crate::tenancy::TenantScope;
use domain::monitor::IncidentView;
use domain::DomainError;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Incidents of one product (or of the whole workspace), newest first.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn incidents(
    db: &DatabaseConnection,
    scope: &TenantScope,
    product_id: Option<ProductId>,
    limit: u64,
) -> Result<Vec<IncidentView>, DomainError> {
    if let Some(id) = product_id {
        crate::products::check(db, scope, id).await?;
    }
    let product_ids: Vec<ProductId> = match product_id {
        Some(id) => vec![id],
        None => crate::products::list(db, scope).await?.into_iter().map(|p| p.id.into()).collect(),
    };
    let rows = crate::tenancy::scoped::select::<incident::Entity>(scope)
        .filter(incident::Column::ProductId.is_in(product_ids))
        .order_by_desc(incident::Column::OpenedAt)
        .limit(limit)
        .all(db)
        .await
        .map_err(internal)?;
    incident_views(db, rows).await
}

pub(crate) async fn incident_views(db: &impl ConnectionTrait, rows: Vec<incident::Model>) -> Result<Vec<IncidentView>, DomainError> {
    let ids: Vec<MonitorId> = rows.iter().map(|r| r.monitor_id).collect();
    let names: HashMap<MonitorId, String> = monitor::Entity::find()
        .filter(monitor::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| IncidentView {
            id: r.id.into(),
            product_id: r.product_id.into(),
            monitor_id: r.monitor_id.into(),
            monitor_name: names.get(&r.monitor_id).cloned().unwrap_or_else(|| "deleted monitor".into()),
            opened_at: r.opened_at,
            resolved_at: r.resolved_at,
            cause: r.cause,
            last_error: r.last_error,
        })
        .collect())
}
