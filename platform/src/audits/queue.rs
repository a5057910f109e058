//! Which audit a worker runs next. A job on the audit queue is a token, not an order: the
//! worker that takes one starts the waiting audit of the organisation with the fewest audits
//! running (the oldest first among equals). So one tenant's backlog of fifty never delays
//! another tenant's first audit, a token too many (a re-queue that was not needed) finds
//! nothing to do, and nothing restarts an audit that is running. An audit counts as running
//! for `stale_after` after it started; later, its worker is taken for dead and the audit
//! waits again (a crash mid-audit).

use super::AuditRun;
use crate::db::internal;
use crate::entities::audit;
use crate::ids::{AuditId, OrgId};
use crate::tenancy::CrossTenant;
use crate::text_enum::Text;
use chrono::{DateTime, Duration, Utc};
use domain::audit::AuditStatus;
use domain::DomainError;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Waiting, or running for longer than any live run could.
fn claimable(cutoff: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(audit::Column::Status.eq(Text(AuditStatus::Queued)))
        .add(Condition::all().add(audit::Column::Status.eq(Text(AuditStatus::Running))).add(audit::Column::StartedAt.lt(cutoff)))
}

/// Marks the fairest waiting audit running and returns what to audit; `None` when nothing is
/// waiting (every token beyond the audits that wait ends here).
#[tracing::instrument(skip_all)]
pub async fn start_next(db: &DatabaseConnection, jobs: &CrossTenant, stale_after: Duration) -> Result<Option<AuditRun>, DomainError> {
    // Another worker may claim the chosen one first: choose again, a few times.
    for _ in 0..8 {
        let cutoff = Utc::now() - stale_after;
        let Some(id) = fairest_waiting(db, cutoff).await? else { return Ok(None) };
        if let Some(run) = claim(db, jobs, id, cutoff).await? {
            return Ok(Some(run));
        }
    }
    Ok(None)
}

async fn fairest_waiting(db: &DatabaseConnection, cutoff: DateTime<Utc>) -> Result<Option<AuditId>, DomainError> {
    let waiting: Vec<OrgId> = audit::Entity::find()
        .select_only()
        .column(audit::Column::OrgId)
        .distinct()
        .filter(claimable(cutoff))
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)?;
    if waiting.is_empty() {
        return Ok(None);
    }
    let running: HashMap<OrgId, i64> = audit::Entity::find()
        .select_only()
        .column(audit::Column::OrgId)
        .column_as(Expr::from(Func::count(Expr::col(audit::Column::Id))), "running")
        .filter(audit::Column::Status.eq(Text(AuditStatus::Running)))
        .filter(audit::Column::StartedAt.gte(cutoff))
        .filter(audit::Column::OrgId.is_in(waiting.iter().copied()))
        .group_by(audit::Column::OrgId)
        .into_tuple::<(OrgId, i64)>()
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
    let busy = |org: &OrgId| running.get(org).copied().unwrap_or(0);
    let least = waiting.iter().map(busy).min().unwrap_or(0);
    let fairest: Vec<OrgId> = waiting.iter().filter(|org| busy(org) == least).copied().collect();
    let next = audit::Entity::find()
        .filter(claimable(cutoff))
        .filter(audit::Column::OrgId.is_in(fairest))
        .order_by_asc(audit::Column::CreatedAt)
        .one(db)
        .await
        .map_err(internal)?;
    Ok(next.map(|a| a.id))
}

/// Moves one audit from waiting to running, unless someone else did first.
async fn claim(db: &DatabaseConnection, jobs: &CrossTenant, id: AuditId, cutoff: DateTime<Utc>) -> Result<Option<AuditRun>, DomainError> {
    let updated = audit::Entity::update_many()
        .col_expr(audit::Column::Status, Expr::value(Text(AuditStatus::Running)))
        .col_expr(audit::Column::Attempts, crate::db::increment(audit::Column::Attempts))
        .col_expr(audit::Column::StartedAt, Expr::value(Utc::now()))
        .col_expr(audit::Column::ChecksDone, Expr::value(0))
        .filter(audit::Column::Id.eq(id))
        .filter(claimable(cutoff))
        .exec(db)
        .await
        .map_err(internal)?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    let Some(row) = audit::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(None) };
    let Some(product) = crate::products::load_for_job(db, jobs, row.product_id).await? else {
        super::fail(db, jobs, id, "the product was deleted").await?;
        return Ok(None);
    };
    Ok(Some(AuditRun { audit_id: id, org_id: row.org_id, workspace_id: row.workspace_id, attempts: row.attempts.max(0) as u32, product }))
}

/// Puts a running audit back to wait (its scorecard could not be saved); the next token runs
/// it again.
pub async fn wait_again(db: &DatabaseConnection, _jobs: &CrossTenant, id: AuditId) -> Result<(), DomainError> {
    audit::Entity::update_many()
        .col_expr(audit::Column::Status, Expr::value(Text(AuditStatus::Queued)))
        .filter(audit::Column::Id.eq(id))
        .filter(audit::Column::Status.eq(Text(AuditStatus::Running)))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Audits that wait or run (stale or not): each needs one token on the queue.
fn needing_a_token() -> sea_orm::Select<audit::Entity> {
    audit::Entity::find().filter(audit::Column::Status.is_in([Text(AuditStatus::Queued), Text(AuditStatus::Running)]))
}

/// How many audits need a token.
pub async fn count_needing_a_token(db: &DatabaseConnection, _jobs: &CrossTenant) -> Result<u64, DomainError> {
    needing_a_token().count(db).await.map_err(internal)
}

/// The oldest audit that needs a token (for the payload and log line of one the sweep pushes;
/// the token runs whichever audit is fairest then).
pub async fn oldest_needing_a_token(db: &DatabaseConnection, _jobs: &CrossTenant) -> Result<Option<AuditId>, DomainError> {
    let row = needing_a_token().order_by_asc(audit::Column::CreatedAt).one(db).await.map_err(internal)?;
    Ok(row.map(|a| a.id))
}
