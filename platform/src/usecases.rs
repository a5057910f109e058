//! What one request does across areas, in one call, for the REST handlers and the server
//! functions alike. The areas below never call each other sideways for these rules: a product
//! does not know it has monitors; this layer adds the main-URL monitor when it creates one.

use crate::db::internal;
use crate::ids::ProductId;
use crate::jobs::{AuditJob, Queues};
use crate::tenancy::Capability;
use crate::tenancy::TenantScope;
use domain::audit::{AuditSummary, AuditTrigger};
use domain::plans::{PlanTable, Resource};
use domain::product::{ProductSpec, ProductView};
use domain::DomainError;
use sea_orm::DatabaseConnection;

/// Creates a product and its main-URL monitor in one transaction. The monitor counts like any
/// other: without room it is created paused, and runs once a monitor is deleted or the plan
/// grows. It is checked every minute, or at the plan's shortest interval if that is longer.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn create_product(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    spec: &ProductSpec,
) -> Result<ProductView, DomainError> {
    scope.require(Capability::Edit)?;
    crate::products::ensure_apex_free(db, scope, spec, None).await?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let product = crate::products::insert(&txn, scope, plans, spec).await?;
    let limits = plans.limits(product.plan);
    let monitor_room = limits.monitors.has_room(crate::quota::count(&txn, scope.org_id(), Resource::Monitors).await?);
    let main_url = format!("https://{}/", spec.app_host.as_ref().map(|h| h.as_str()).unwrap_or(spec.apex_domain.as_str()));
    crate::monitors::create_primary(&txn, product.product_ref(), &main_url, limits.monitor_min_interval_secs.max(60), !monitor_room)
        .await?;
    txn.commit().await.map_err(internal)?;
    tracing::info!(product_id = %product.row.id, "product created");
    crate::products::get_row_view(db, scope, product.row).await
}

/// Requests an audit of a product and queues it; while one is unfinished, answers that one
/// (queued once). The row is written before the job is pushed: a crash in between leaves a
/// queued row that the maintenance sweep re-queues.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product_id))]
pub async fn request_audit(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    queues: &Queues,
    product_id: ProductId,
    trigger: AuditTrigger,
) -> Result<AuditSummary, DomainError> {
    scope.require(Capability::Edit)?;
    let (audit, new) = crate::audits::request(db, scope, plans, product_id, trigger).await?;
    if new {
        queues.audits.push(AuditJob { audit_id: audit.id.into() }).await?;
    }
    Ok(audit)
}
