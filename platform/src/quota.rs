//! Plan limits on the server. Everything countable is created through [`ensure_room`], inside
//! the creating transaction; features are checked with [`PlanLimits`] at the point of use; and
//! [`enforce`] applies the downgrade rule: what exceeds the plan is paused, never deleted, and
//! resumes by itself when there is room again (an upgrade, or a deletion).

use crate::db::internal;
use crate::entities::{invitation, membership, monitor, notification_channel, organization, product, workspace};
use crate::ids::OrgId;
use crate::text_enum::Text;
use chrono::{DateTime, Utc};
use domain::plans::{Plan, PlanLimits, PlanTable, Quota, Resource, UsageLine};
use domain::role::Role;
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashSet;
use uuid::Uuid;

/// The organisation's plan; unknown organisations and unknown names are Free.
pub async fn plan_of(db: &impl ConnectionTrait, org_id: OrgId) -> Result<Plan, DomainError> {
    Ok(organization::Entity::find_by_id(org_id).one(db).await.map_err(internal)?.map(|o| o.plan.0).unwrap_or(Plan::Free))
}

/// Reads the organisation and locks its row until the transaction ends, so two concurrent
/// creations (or plan changes) cannot both act on what they read. (On SQLite the IMMEDIATE
/// transaction already holds the database's write lock.)
pub async fn lock_org(txn: &impl ConnectionTrait, org_id: OrgId) -> Result<Option<organization::Model>, DomainError> {
    let mut query = organization::Entity::find_by_id(org_id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(txn).await.map_err(internal)
}

/// How many the organisation has, paused ones included.
pub async fn count(db: &impl ConnectionTrait, org_id: OrgId, resource: Resource) -> Result<u64, DomainError> {
    Ok(match resource {
        Resource::Products => product::Entity::find().filter(product::Column::OrgId.eq(org_id)).count(db).await.map_err(internal)?,
        Resource::Monitors => monitor::Entity::find().filter(monitor::Column::OrgId.eq(org_id)).count(db).await.map_err(internal)?,
        // Pending invitations hold a seat: two invitations sent at once for the last seat
        // cannot both be accepted.
        Resource::Members => count_memberships(db, org_id).await? + pending_staff_invitations(db, org_id).await?,
        // Archived workspaces rest; restoring one counts again.
        Resource::Workspaces => workspace::Entity::find()
            .filter(workspace::Column::OrgId.eq(org_id))
            .filter(workspace::Column::ArchivedAt.is_null())
            .count(db)
            .await
            .map_err(internal)?,
        Resource::Channels => {
            notification_channel::Entity::find().filter(notification_channel::Column::OrgId.eq(org_id)).count(db).await.map_err(internal)?
        }
    })
}

/// Members of the organisation now (owner, admins, members; clients are not members).
pub async fn count_memberships(db: &impl ConnectionTrait, org_id: OrgId) -> Result<u64, DomainError> {
    membership::Entity::find().filter(membership::Column::OrgId.eq(org_id)).count(db).await.map_err(internal)
}

/// Invitations of staff (not clients) that can still be accepted.
pub async fn pending_staff_invitations(db: &impl ConnectionTrait, org_id: OrgId) -> Result<u64, DomainError> {
    invitation::Entity::find()
        .filter(invitation::Column::OrgId.eq(org_id))
        .filter(invitation::Column::Role.ne(Text(Role::Client)))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
        .count(db)
        .await
        .map_err(internal)
}

/// Refuses (402, naming the limit) when the organisation already has as many as its plan
/// allows. Call it inside the transaction that creates the thing: it takes the plan lock.
pub async fn ensure_room(txn: &impl ConnectionTrait, plans: &PlanTable, org_id: OrgId, resource: Resource) -> Result<Plan, DomainError> {
    let plan = lock_org(txn, org_id).await?.map(|o| o.plan.0).unwrap_or(Plan::Free);
    let quota = resource.quota(plans.limits(plan));
    let used = count(txn, org_id, resource).await?;
    if !quota.has_room(used) {
        return Err(limit_reached(plan, resource, quota, used));
    }
    Ok(plan)
}

fn limit_reached(plan: Plan, resource: Resource, quota: Quota, used: u64) -> DomainError {
    let noun = resource.key();
    DomainError::plan_limit(
        noun,
        format!(
            "The {} plan allows {} {noun} and this organisation has {used}. Upgrade the plan, or delete one first.",
            plan.label(),
            quota.label()
        ),
    )
}

/// A feature the plan does not include.
pub fn feature_missing(plan: Plan, limit: &str, what: &str) -> DomainError {
    DomainError::plan_limit(limit, format!("{what} are not included in the {} plan. Upgrade to use them.", plan.label()))
}

/// What [`enforce`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enforced {
    pub products_paused: u64,
    pub products_resumed: u64,
    pub monitors_paused: u64,
    pub monitors_resumed: u64,
}

/// Applies the plan to what the organisation has: the oldest products and monitors up to the
/// plan's counts stay active, the rest are paused (monitors of a paused product too). Nothing
/// is deleted; a resumed monitor is due at once. Idempotent: run it after every plan change and
/// every deletion.
#[tracing::instrument(skip(db, plans))]
pub async fn enforce(db: &impl ConnectionTrait, plans: &PlanTable, org_id: OrgId, now: DateTime<Utc>) -> Result<Enforced, DomainError> {
    let limits = plans.limits(plan_of(db, org_id).await?);
    let products: Vec<(Uuid, bool)> = product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .column(product::Column::PausedByPlan)
        .filter(product::Column::OrgId.eq(org_id))
        .order_by_asc(product::Column::CreatedAt)
        .order_by_asc(product::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)?;
    let keep = limits.products.allows(products.len() as u64) as usize;
    let active: HashSet<Uuid> = products.iter().take(keep).map(|(id, _)| *id).collect();
    let (pause, resume) = changes(products.iter().enumerate().map(|(i, (id, paused))| (*id, *paused, i >= keep)));
    let mut done = Enforced { products_paused: pause.len() as u64, products_resumed: resume.len() as u64, ..Default::default() };
    set_product_paused(db, &pause, true).await?;
    set_product_paused(db, &resume, false).await?;

    let monitors: Vec<(Uuid, Uuid, bool)> = monitor::Entity::find()
        .select_only()
        .column(monitor::Column::Id)
        .column(monitor::Column::ProductId)
        .column(monitor::Column::PausedByPlan)
        .filter(monitor::Column::OrgId.eq(org_id))
        .order_by_asc(monitor::Column::CreatedAt)
        .order_by_asc(monitor::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)?;
    let room = limits.monitors;
    let mut running = 0u64;
    let wanted = monitors.iter().map(|(id, product_id, paused)| {
        let runs = active.contains(product_id) && room.has_room(running);
        if runs {
            running += 1;
        }
        (*id, *paused, !runs)
    });
    let (pause, resume) = changes(wanted);
    done.monitors_paused = pause.len() as u64;
    done.monitors_resumed = resume.len() as u64;
    set_monitor_paused(db, &pause, true, now).await?;
    set_monitor_paused(db, &resume, false, now).await?;
    if done != Enforced::default() {
        tracing::info!(?done, "plan limits applied");
    }
    Ok(done)
}

/// Splits rows into those to pause and those to resume: `(id, paused now, should be paused)`.
fn changes(rows: impl Iterator<Item = (Uuid, bool, bool)>) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut pause = Vec::new();
    let mut resume = Vec::new();
    for (id, paused, should) in rows {
        match (paused, should) {
            (false, true) => pause.push(id),
            (true, false) => resume.push(id),
            _ => {}
        }
    }
    (pause, resume)
}

async fn set_product_paused(db: &impl ConnectionTrait, ids: &[Uuid], paused: bool) -> Result<(), DomainError> {
    if ids.is_empty() {
        return Ok(());
    }
    product::Entity::update_many()
        .col_expr(product::Column::PausedByPlan, Expr::value(paused))
        .filter(product::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

async fn set_monitor_paused(db: &impl ConnectionTrait, ids: &[Uuid], paused: bool, now: DateTime<Utc>) -> Result<(), DomainError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut update = monitor::Entity::update_many().col_expr(monitor::Column::PausedByPlan, Expr::value(paused));
    if !paused {
        // Due at once: a resumed monitor reports within one scheduler tick.
        update = update.col_expr(monitor::Column::NextDueAt, Expr::value(crate::db::whole_second(now)));
    }
    update.filter(monitor::Column::Id.is_in(ids.to_vec())).exec(db).await.map_err(internal)?;
    Ok(())
}

/// Counts for the billing page, against the limits of the organisation's plan.
pub async fn usage(db: &impl ConnectionTrait, limits: &PlanLimits, org_id: OrgId) -> Result<Vec<UsageLine>, DomainError> {
    let mut lines = Vec::with_capacity(Resource::ALL.len());
    for resource in Resource::ALL {
        let used = count(db, org_id, resource).await?;
        let quota = resource.quota(limits);
        let paused = match resource {
            Resource::Products => product::Entity::find()
                .filter(product::Column::OrgId.eq(org_id))
                .filter(product::Column::PausedByPlan.eq(true))
                .count(db)
                .await
                .map_err(internal)?,
            Resource::Monitors => monitor::Entity::find()
                .filter(monitor::Column::OrgId.eq(org_id))
                .filter(monitor::Column::PausedByPlan.eq(true))
                .count(db)
                .await
                .map_err(internal)?,
            // Channels beyond the plan are not marked: alerts simply go to the oldest ones it allows.
            Resource::Channels => used - quota.allows(used),
            Resource::Members | Resource::Workspaces => 0,
        };
        lines.push(UsageLine { resource, used, paused, quota });
    }
    Ok(lines)
}
