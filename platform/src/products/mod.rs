//! Products of the current workspace. Every function takes a [`TenantScope`] and filters on
//! its organisation and workspace: another tenant's id is indistinguishable from a missing one.

use crate::db::internal;
use crate::entities::{product, product_endpoint};
use crate::ids::{EndpointId, OrgId, ProductId, WorkspaceId};
use crate::tenancy::Capability;
use crate::tenancy::CrossTenant;
use crate::tenancy::TenantScope;
use crate::text_enum::Text;
use chrono::Utc;
use domain::plans::{AuditSchedule, PlanTable, Resource};
use domain::product::{Endpoint, ProductSpec, ProductView};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

fn scoped(scope: &TenantScope) -> sea_orm::Select<product::Entity> {
    crate::tenancy::scoped::select::<product::Entity>(scope)
}

/// A product of the caller's tenant, checked once. Only this module makes one (from a row it
/// found through the scope, or just inserted), so a function that takes a `ProductRef`
/// (adding a monitor, say) cannot be handed another tenant's product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductRef {
    id: ProductId,
    org_id: OrgId,
    workspace_id: WorkspaceId,
    paused: bool,
}

impl ProductRef {
    fn of(row: &product::Model) -> Self {
        Self { id: row.id, org_id: row.org_id, workspace_id: row.workspace_id, paused: row.paused_by_plan }
    }
    pub fn id(&self) -> ProductId {
        self.id
    }
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }
    pub fn workspace_id(&self) -> WorkspaceId {
        self.workspace_id
    }
    /// Paused by a downgrade: what is added to it waits with it.
    pub fn paused(&self) -> bool {
        self.paused
    }
}

/// Checks that `id` is a product of the scope; `NotFound` otherwise.
pub async fn check(db: &impl ConnectionTrait, scope: &TenantScope, id: ProductId) -> Result<ProductRef, DomainError> {
    let row = crate::tenancy::scoped::find::<product::Entity>(db, scope, id).await?;
    Ok(ProductRef::of(&row))
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn list(db: &DatabaseConnection, scope: &TenantScope) -> Result<Vec<ProductView>, DomainError> {
    let rows = scoped(scope).order_by_asc(product::Column::Name).all(db).await.map_err(internal)?;
    let ids: Vec<ProductId> = rows.iter().map(|p| p.id).collect();
    let endpoints = crate::tenancy::scoped::select::<product_endpoint::Entity>(scope)
        .filter(product_endpoint::Column::ProductId.is_in(ids))
        .order_by_asc(product_endpoint::Column::Position)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let mine = endpoints.iter().filter(|e| e.product_id == p.id).cloned().collect();
            to_view(p, mine)
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %id))]
pub async fn get(db: &DatabaseConnection, scope: &TenantScope, id: ProductId) -> Result<ProductView, DomainError> {
    let row = crate::tenancy::scoped::find::<product::Entity>(db, scope, id).await?;
    let endpoints = endpoints_of(db, scope, id).await?;
    Ok(to_view(row, endpoints))
}

/// A product just inserted in the caller's transaction, with the plan it was counted against.
/// Its main monitor is the caller's to add: `crate::usecases::create_product` does both.
pub(crate) struct Inserted {
    pub row: product::Model,
    pub plan: domain::plans::Plan,
}

impl Inserted {
    pub(crate) fn product_ref(&self) -> ProductRef {
        ProductRef::of(&self.row)
    }
}

/// Inserts a product and its endpoints within the plan's product count, inside `txn`.
pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    scope: &TenantScope,
    plans: &PlanTable,
    spec: &ProductSpec,
) -> Result<Inserted, DomainError> {
    scope.require(Capability::Edit)?;
    let now = Utc::now();
    let id = ProductId::new_random();
    let plan = crate::quota::ensure_room(txn, plans, scope.org_id(), Resource::Products).await?;
    let schedule = AuditSchedule::Weekly.min(plans.limits(plan).scheduled_audits);
    let row = product::ActiveModel {
        id: Set(id),
        org_id: Set(scope.org_id()),
        workspace_id: Set(scope.workspace_id()),
        created_at: Set(now),
        // The first scheduled audit comes one period after creation; the founder runs the
        // first one by hand.
        audit_schedule: Set(Text(schedule)),
        next_audit_at: Set(schedule.period_secs().map(|s| now + chrono::Duration::seconds(s))),
        status_page_enabled: Set(false),
        paused_by_plan: Set(false),
        ..columns(spec, now)
    }
    .insert(txn)
    .await
    .map_err(duplicate_apex)?;
    replace_endpoints(txn, scope, id, &spec.endpoints).await?;
    Ok(Inserted { row, plan })
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %id))]
pub async fn update(db: &DatabaseConnection, scope: &TenantScope, id: ProductId, spec: &ProductSpec) -> Result<ProductView, DomainError> {
    scope.require(Capability::Edit)?;
    let existing = crate::tenancy::scoped::find::<product::Entity>(db, scope, id).await?;
    ensure_apex_free(db, scope, spec, Some(id)).await?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = product::ActiveModel {
        id: sea_orm::Unchanged(existing.id),
        org_id: sea_orm::Unchanged(existing.org_id),
        workspace_id: sea_orm::Unchanged(existing.workspace_id),
        created_at: sea_orm::Unchanged(existing.created_at),
        ..columns(spec, now)
    }
    .update(&txn)
    .await
    .map_err(duplicate_apex)?;
    replace_endpoints(&txn, scope, id, &spec.endpoints).await?;
    txn.commit().await.map_err(internal)?;
    get_row_view(db, scope, row).await
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %id))]
pub async fn delete(db: &DatabaseConnection, scope: &TenantScope, plans: &PlanTable, id: ProductId) -> Result<(), DomainError> {
    scope.require(Capability::Edit)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = crate::tenancy::scoped::find::<product::Entity>(&txn, scope, id).await?;
    crate::tenancy::scoped::delete::<product::Entity>(&txn, scope, id).await?;
    let subject = format!("{} ({})", row.name, row.apex_domain);
    crate::activity::record(&txn, scope, domain::team::Activity::ProductDeleted, subject, Some(scope.workspace_id())).await?;
    // Its endpoints and monitors go with it: ON DELETE CASCADE (SQLite connections enable
    // foreign keys). The room it frees goes to what a downgrade paused, oldest first.
    crate::quota::enforce(&txn, plans, scope.org_id(), Utc::now()).await?;
    txn.commit().await.map_err(internal)?;
    tracing::info!("product deleted");
    Ok(())
}

/// A product's schedule and status-page settings, within the plan's limits.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %id))]
pub async fn update_settings(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    id: ProductId,
    schedule: AuditSchedule,
    status_page: bool,
) -> Result<ProductView, DomainError> {
    scope.require(Capability::Edit)?;
    let existing = crate::tenancy::scoped::find::<product::Entity>(db, scope, id).await?;
    let plan = crate::quota::plan_of(db, scope.org_id()).await?;
    let limits = plans.limits(plan);
    if schedule > limits.scheduled_audits {
        return Err(DomainError::plan_limit(
            "scheduled_audits",
            format!(
                "The {} plan audits at most {}; upgrade for {} audits.",
                plan.label(),
                limits.scheduled_audits.label().to_lowercase(),
                schedule.label().to_lowercase()
            ),
        ));
    }
    if status_page && !limits.status_pages {
        return Err(crate::quota::feature_missing(plan, "status_pages", "Public status pages"));
    }
    let now = Utc::now();
    let next = if existing.audit_schedule == schedule.as_str() && existing.next_audit_at.is_some() {
        existing.next_audit_at
    } else {
        schedule.period_secs().map(|s| now + chrono::Duration::seconds(s))
    };
    crate::tenancy::scoped::update::<product::Entity>(scope)
        .col_expr(product::Column::AuditSchedule, sea_orm::sea_query::Expr::value(Text(schedule)))
        .col_expr(product::Column::NextAuditAt, sea_orm::sea_query::Expr::value(next))
        .col_expr(product::Column::StatusPageEnabled, sea_orm::sea_query::Expr::value(status_page))
        .col_expr(product::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(product::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(internal)?;
    get(db, scope, id).await
}

/// A product by id for a job the platform queued (no tenant in the loop); `None` once deleted.
pub async fn load_for_job(db: &impl ConnectionTrait, _jobs: &CrossTenant, id: ProductId) -> Result<Option<ProductView>, DomainError> {
    let Some(row) = product::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(None) };
    let endpoints = product_endpoint::Entity::find()
        .filter(product_endpoint::Column::ProductId.eq(id))
        .order_by_asc(product_endpoint::Column::Position)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(Some(to_view(row, endpoints)))
}

fn columns(spec: &ProductSpec, now: chrono::DateTime<Utc>) -> product::ActiveModel {
    let host = |h: &Option<domain::hostname::HostName>| h.as_ref().map(|h| h.as_str().to_owned());
    product::ActiveModel {
        name: Set(spec.name.clone()),
        apex_domain: Set(spec.apex_domain.as_str().to_owned()),
        app_host: Set(host(&spec.app_host)),
        api_host: Set(host(&spec.api_host)),
        mail_domain: Set(host(&spec.mail_domain)),
        dkim_selectors: Set(spec.dkim_selectors.join(",")),
        latency_budget_ms: Set(spec.latency_budget_ms.map(|ms| ms as i32)),
        ai_latency_budget_ms: Set(spec.ai_latency_budget_ms.map(|ms| ms as i32)),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub(crate) async fn ensure_apex_free(
    db: &DatabaseConnection,
    scope: &TenantScope,
    spec: &ProductSpec,
    except: Option<ProductId>,
) -> Result<(), DomainError> {
    let mut query = scoped(scope).filter(product::Column::ApexDomain.eq(spec.apex_domain.as_str()));
    if let Some(id) = except {
        query = query.filter(product::Column::Id.ne(id));
    }
    if query.one(db).await.map_err(internal)?.is_some() {
        return Err(apex_taken());
    }
    Ok(())
}

fn apex_taken() -> DomainError {
    DomainError::Conflict { field: "apex_domain".into(), message: "a product with this domain already exists in this workspace".into() }
}

fn duplicate_apex(err: sea_orm::DbErr) -> DomainError {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => apex_taken(),
        _ => internal(err),
    }
}

async fn replace_endpoints(
    db: &impl ConnectionTrait,
    scope: &TenantScope,
    product_id: ProductId,
    endpoints: &[Endpoint],
) -> Result<(), DomainError> {
    crate::tenancy::scoped::delete_rows::<product_endpoint::Entity>(scope)
        .filter(product_endpoint::Column::ProductId.eq(product_id))
        .exec(db)
        .await
        .map_err(internal)?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let rows = endpoints.iter().enumerate().map(|(i, e)| product_endpoint::ActiveModel {
        id: Set(EndpointId::new_random()),
        org_id: Set(scope.org_id()),
        product_id: Set(product_id),
        position: Set(i as i32),
        path: Set(e.path.clone()),
        access: Set(Text(e.access)),
        kind: Set(Text(e.kind)),
    });
    product_endpoint::Entity::insert_many(rows).exec(db).await.map_err(internal)?;
    Ok(())
}

async fn endpoints_of(
    db: &DatabaseConnection,
    scope: &TenantScope,
    product_id: ProductId,
) -> Result<Vec<product_endpoint::Model>, DomainError> {
    crate::tenancy::scoped::select::<product_endpoint::Entity>(scope)
        .filter(product_endpoint::Column::ProductId.eq(product_id))
        .order_by_asc(product_endpoint::Column::Position)
        .all(db)
        .await
        .map_err(internal)
}

pub(crate) async fn get_row_view(db: &DatabaseConnection, scope: &TenantScope, row: product::Model) -> Result<ProductView, DomainError> {
    let endpoints = endpoints_of(db, scope, row.id).await?;
    Ok(to_view(row, endpoints))
}

fn to_view(row: product::Model, endpoints: Vec<product_endpoint::Model>) -> ProductView {
    ProductView {
        id: row.id.uuid(),
        name: row.name,
        apex_domain: row.apex_domain,
        app_host: row.app_host,
        api_host: row.api_host,
        mail_domain: row.mail_domain,
        dkim_selectors: row.dkim_selectors.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        endpoints: endpoints.into_iter().map(|e| Endpoint { path: e.path, access: e.access.0, kind: e.kind.0 }).collect(),
        latency_budget_ms: row.latency_budget_ms.map(|ms| ms.max(0) as u32),
        ai_latency_budget_ms: row.ai_latency_budget_ms.map(|ms| ms.max(0) as u32),
        audit_schedule: row.audit_schedule.0,
        next_audit_at: row.next_audit_at,
        status_page_enabled: row.status_page_enabled,
        paused: row.paused_by_plan,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Product names by id, for alerts raised by the monitor jobs (not tenant-scoped: the ids come
/// from monitors the job just checked).
pub async fn names_for_job(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    ids: &[ProductId],
) -> Result<std::collections::HashMap<ProductId, String>, DomainError> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}
