//! Audits of the current tenant's products, and the state changes the audit job makes.
//!
//! Tenant functions take a [`TenantScope`]. The job functions (`queue::start_next`,
//! `record_progress`, `complete`, `fail`) take the id of a row the platform created; `complete`
//! is idempotent, so an audit re-run after a crash never stores a second scorecard.

use crate::db::internal;
use crate::entities::{audit, finding, product};
use crate::ids::{AuditId, OrgId, ProductId, UserId, WorkspaceId};
use crate::tenancy::Capability;
use crate::tenancy::CrossTenant;
use crate::tenancy::TenantScope;
use crate::text_enum::Text;
use chrono::{DateTime, Utc};
use domain::audit::{AuditDetail, AuditDiff, AuditStatus, AuditSummary, AuditTrigger, FindingRef};
use domain::rubric::RubricChange;
use domain::scorecard::{Cause, Counts, Coverage, Finding, Grade, Scorecard, Severity, Status};
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use uuid::Uuid;

pub mod queue;

fn scoped(scope: &TenantScope) -> sea_orm::Select<audit::Entity> {
    crate::tenancy::scoped::select::<audit::Entity>(scope)
}

const UNFINISHED: [Text<AuditStatus>; 2] = [Text(AuditStatus::Queued), Text(AuditStatus::Running)];

/// Queues an audit of `product_id`. When one is already queued or running for the product,
/// that one is returned instead (`false`): pressing "Run audit" twice runs it once.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product_id, trigger = trigger.as_str()))]
pub async fn request(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &domain::plans::PlanTable,
    product_id: ProductId,
    trigger: AuditTrigger,
) -> Result<(AuditSummary, bool), DomainError> {
    scope.require(Capability::Edit)?;
    // The product must be this tenant's, and not paused by a downgrade.
    let product = crate::products::get(db, scope, product_id).await?;
    if product.paused {
        return Err(paused_product(crate::quota::plan_of(db, scope.org_id()).await?));
    }
    if let Some(running) = scoped(scope)
        .filter(audit::Column::ProductId.eq(product_id))
        .filter(audit::Column::Status.is_in(UNFINISHED))
        .order_by_desc(audit::Column::CreatedAt)
        .one(db)
        .await
        .map_err(internal)?
    {
        return Ok((summary_of(&running), false));
    }
    if trigger != AuditTrigger::Scheduled {
        within_hourly_limit(db, scope, plans).await?;
    }
    let row = new_row(scope.org_id(), scope.workspace_id(), product_id, trigger, None, Some(scope.user_id()))
        .insert(db)
        .await
        .map_err(internal)?;
    tracing::info!(audit_id = %row.id, "audit queued");
    Ok((summary_of(&row), true))
}

/// Audits asked for by people and the API in the last hour, against the plan: 429 with the
/// wait until the oldest of them leaves the window.
async fn within_hourly_limit(db: &DatabaseConnection, scope: &TenantScope, plans: &domain::plans::PlanTable) -> Result<(), DomainError> {
    let plan = crate::quota::plan_of(db, scope.org_id()).await?;
    let allowed = u64::from(plans.limits(plan).audits_per_hour);
    let now = Utc::now();
    let window = audit::Entity::find()
        .filter(audit::Column::OrgId.eq(scope.org_id()))
        .filter(audit::Column::Trigger.is_in([Text(AuditTrigger::Manual), Text(AuditTrigger::Api)]))
        .filter(audit::Column::CreatedAt.gt(now - chrono::Duration::hours(1)))
        .order_by_desc(audit::Column::CreatedAt);
    let recent = window.clone().count(db).await.map_err(internal)?;
    if recent < allowed {
        return Ok(());
    }
    // The oldest audit that must leave the window before there is room again.
    let blocking = window.offset(allowed.saturating_sub(1)).one(db).await.map_err(internal)?;
    let free_at = blocking.map_or(now + chrono::Duration::minutes(1), |a| a.created_at + chrono::Duration::hours(1));
    tracing::info!(recent, allowed, "audit request over the hourly limit");
    Err(DomainError::Throttled { retry_after_secs: (free_at - now).num_seconds().max(1) as u64 })
}

fn paused_product(plan: domain::plans::Plan) -> DomainError {
    DomainError::plan_limit(
        "products",
        format!("This product is paused because the {} plan allows fewer products than this organisation has. Upgrade, or delete another product.", plan.label()),
    )
}

fn new_row(
    org_id: OrgId,
    workspace_id: WorkspaceId,
    product_id: ProductId,
    trigger: AuditTrigger,
    slot: Option<DateTime<Utc>>,
    by: Option<UserId>,
) -> audit::ActiveModel {
    audit::ActiveModel {
        id: Set(crate::ids::new_id()),
        org_id: Set(org_id),
        workspace_id: Set(workspace_id),
        product_id: Set(product_id),
        trigger: Set(Text(trigger)),
        scheduled_for: Set(slot),
        status: Set(Text(AuditStatus::Queued)),
        requested_by: Set(by),
        active: Set(false),
        checks_done: Set(0),
        checks_total: Set(0),
        score: Set(None),
        grade: Set(None),
        decision: Set(None),
        decision_reason: Set(None),
        counts: Set(None),
        engine_version: Set(None),
        duration_ms: Set(None),
        requests: Set(None),
        error: Set(None),
        attempts: Set(0),
        created_at: Set(Utc::now()),
        started_at: Set(None),
        finished_at: Set(None),
        rubric_version: Set(None),
        coverage: Set(None),
        causes: Set(None),
    }
}

/// The newest runs of one product, newest first.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), product_id = %product_id))]
pub async fn list(
    db: &DatabaseConnection,
    scope: &TenantScope,
    product_id: ProductId,
    limit: u64,
) -> Result<Vec<AuditSummary>, DomainError> {
    crate::products::get(db, scope, product_id).await?;
    let rows = scoped(scope)
        .filter(audit::Column::ProductId.eq(product_id))
        .order_by_desc(audit::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows.iter().map(summary_of).collect())
}

/// One run's progress (polled by the browser while it runs).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), audit_id = %id))]
pub async fn summary(db: &DatabaseConnection, scope: &TenantScope, id: AuditId) -> Result<AuditSummary, DomainError> {
    let row = crate::tenancy::scoped::find::<audit::Entity>(db, scope, id).await?;
    Ok(summary_of(&row))
}

/// The scorecard: the run, its findings and the diff against the previous finished run.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), audit_id = %id))]
pub async fn detail(db: &DatabaseConnection, scope: &TenantScope, id: AuditId) -> Result<AuditDetail, DomainError> {
    let row = crate::tenancy::scoped::find::<audit::Entity>(db, scope, id).await?;
    let product = crate::products::get(db, scope, row.product_id).await?;
    let findings = findings_of(db, row.id).await?;
    let diff = match previous_done(db, &row).await? {
        Some(previous) if row.status.0 == AuditStatus::Done => {
            let before = findings_of(db, previous.id).await?;
            let mut diff =
                AuditDiff::between(previous.id.into(), previous.score.map(|s| s as u32), previous.grade.map(|g| g.0), &before, &findings);
            diff.rubric = RubricChange::between(rubric_of(&previous), rubric_of(&row));
            Some(diff)
        }
        _ => None,
    };
    let causes = row.causes.as_deref().and_then(|c| serde_json::from_str::<Vec<Cause>>(c).ok()).unwrap_or_default();
    Ok(AuditDetail { summary: summary_of(&row), target: product.main_url(), product_name: product.name, findings, causes, diff })
}

/// The latest finished run and the recent scores of every product of the tenant, oldest
/// score first (for the dashboard's trend lines).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn recent_by_product(
    db: &DatabaseConnection,
    scope: &TenantScope,
    per_product: usize,
) -> Result<std::collections::HashMap<Uuid, Vec<AuditSummary>>, DomainError> {
    // Bounded: the newest finished runs of the workspace, enough for every product's trend.
    let rows = scoped(scope)
        .filter(audit::Column::Status.eq(Text(AuditStatus::Done)))
        .order_by_desc(audit::Column::CreatedAt)
        .limit(2000)
        .all(db)
        .await
        .map_err(internal)?;
    let mut map: std::collections::HashMap<Uuid, Vec<AuditSummary>> = std::collections::HashMap::new();
    for row in rows {
        let list = map.entry(row.product_id.into()).or_default();
        if list.len() < per_product {
            list.push(summary_of(&row));
        }
    }
    for list in map.values_mut() {
        list.reverse();
    }
    Ok(map)
}

async fn findings_of(db: &impl ConnectionTrait, audit_id: AuditId) -> Result<Vec<Finding>, DomainError> {
    let rows = finding::Entity::find()
        .filter(finding::Column::AuditId.eq(audit_id))
        .order_by_asc(finding::Column::Position)
        .all(db)
        .await
        .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            serde_json::from_str::<Finding>(&r.detail)
                .map_err(|e| DomainError::Internal(format!("finding {} of audit {audit_id}: {e}", r.check_id)))
        })
        .collect()
}

async fn previous_done(db: &impl ConnectionTrait, row: &audit::Model) -> Result<Option<audit::Model>, DomainError> {
    audit::Entity::find()
        .filter(audit::Column::ProductId.eq(row.product_id))
        .filter(audit::Column::Status.eq(Text(AuditStatus::Done)))
        .filter(audit::Column::CreatedAt.lt(row.created_at))
        .order_by_desc(audit::Column::CreatedAt)
        .one(db)
        .await
        .map_err(internal)
}

fn to_json(value: &impl serde::Serialize) -> Result<String, DomainError> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(e.to_string()))
}

/// The rubric that judged a finished run: runs stored before rubrics were versioned were
/// judged by the first.
fn rubric_of(row: &audit::Model) -> u32 {
    row.rubric_version.map_or(domain::rubric::FIRST, |v| v.max(1) as u32)
}

pub(crate) fn summary_of(row: &audit::Model) -> AuditSummary {
    AuditSummary {
        id: row.id.into(),
        product_id: row.product_id.into(),
        trigger: row.trigger.0,
        status: row.status.0,
        checks_done: row.checks_done.max(0) as u32,
        checks_total: row.checks_total.max(0) as u32,
        score: row.score.map(|s| s.max(0) as u32),
        grade: row.grade.map(|g| g.0),
        decision: row.decision.map(|d| d.0),
        decision_reason: row.decision_reason.clone(),
        counts: row.counts.as_deref().and_then(|c| serde_json::from_str::<Counts>(c).ok()),
        coverage: row.coverage.as_deref().and_then(|c| serde_json::from_str::<Coverage>(c).ok()),
        rubric_version: (row.status.0 == AuditStatus::Done).then(|| rubric_of(row)),
        error: row.error.clone(),
        duration_ms: row.duration_ms.map(|d| d.max(0) as u64),
        created_at: row.created_at,
        finished_at: row.finished_at,
    }
}

// ---- The audit job ------------------------------------------------------------------------

/// What the job needs to run an audit.
#[derive(Debug, Clone)]
pub struct AuditRun {
    pub audit_id: AuditId,
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    /// Runs of this audit so far, this one included.
    pub attempts: u32,
    pub product: domain::product::ProductView,
}

/// Progress as checks finish; only while the run is unfinished.
pub async fn record_progress(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    audit_id: AuditId,
    done: u32,
    total: u32,
) -> Result<(), DomainError> {
    audit::Entity::update_many()
        .col_expr(audit::Column::ChecksDone, Expr::value(done as i32))
        .col_expr(audit::Column::ChecksTotal, Expr::value(total as i32))
        .filter(audit::Column::Id.eq(audit_id))
        .filter(audit::Column::Status.eq(Text(AuditStatus::Running)))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// A worse result than the run before, worth an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub product_id: ProductId,
    pub org_id: OrgId,
    pub audit_id: AuditId,
    pub grade_before: Option<Grade>,
    /// None when the run measured too little for a grade.
    pub grade_now: Option<Grade>,
    /// Critical and high checks failing now that passed (or did not exist) before.
    pub new_failures: Vec<FindingRef>,
}

/// How storing a scorecard went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// False when this audit already had its scorecard (a re-run job): nothing was written.
    pub stored: bool,
    pub regression: Option<Regression>,
}

/// Stores the scorecard once: the status change and the findings commit together, and only
/// the first completion of an audit writes anything.
#[tracing::instrument(skip(_jobs, db, card), fields(score = ?card.score))]
pub async fn complete(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    audit_id: AuditId,
    card: &Scorecard,
) -> Result<Completion, DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let Some(row) = audit::Entity::find_by_id(audit_id).one(&txn).await.map_err(internal)? else {
        return Ok(Completion { stored: false, regression: None });
    };
    let counts = to_json(&card.counts)?;
    let coverage = to_json(&card.coverage)?;
    let causes = to_json(&card.causes)?;
    let total = card.checks.len() as i32;
    let updated = audit::Entity::update_many()
        .col_expr(audit::Column::Status, Expr::value(Text(AuditStatus::Done)))
        .col_expr(audit::Column::Score, Expr::value(card.score.map(|s| s as i32)))
        .col_expr(audit::Column::Grade, Expr::value(card.grade.map(Text)))
        .col_expr(audit::Column::RubricVersion, Expr::value(card.rubric_version as i32))
        .col_expr(audit::Column::Coverage, Expr::value(coverage))
        .col_expr(audit::Column::Causes, Expr::value(causes))
        .col_expr(audit::Column::Decision, Expr::value(Text(card.decision)))
        .col_expr(audit::Column::DecisionReason, Expr::value(card.decision_reason.clone()))
        .col_expr(audit::Column::Counts, Expr::value(counts))
        .col_expr(audit::Column::EngineVersion, Expr::value(card.engine_version.clone()))
        .col_expr(audit::Column::DurationMs, Expr::value(card.duration_ms as i64))
        .col_expr(audit::Column::Requests, Expr::value(card.requests as i32))
        .col_expr(audit::Column::Active, Expr::value(card.active))
        .col_expr(audit::Column::ChecksDone, Expr::value(total))
        .col_expr(audit::Column::ChecksTotal, Expr::value(total))
        .col_expr(audit::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(audit::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(audit::Column::Id.eq(audit_id))
        .filter(audit::Column::Status.ne(Text(AuditStatus::Done)))
        .exec(&txn)
        .await
        .map_err(internal)?;
    if updated.rows_affected == 0 {
        return Ok(Completion { stored: false, regression: None });
    }
    let rows = card
        .checks
        .iter()
        .enumerate()
        .map(|(i, f)| {
            Ok(finding::ActiveModel {
                id: Set(crate::ids::new_id()),
                audit_id: Set(audit_id),
                org_id: Set(row.org_id),
                position: Set(i as i32),
                check_id: Set(f.id.clone()),
                category: Set(Text(f.category)),
                severity: Set(Text(f.severity)),
                status: Set(Text(f.status)),
                detail: Set(serde_json::to_string(f).map_err(|e| DomainError::Internal(e.to_string()))?),
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    if !rows.is_empty() {
        finding::Entity::insert_many(rows).exec(&txn).await.map_err(internal)?;
    }
    let previous = previous_done(&txn, &row).await?;
    let regression = match previous {
        // A run judged by another rubric is not compared: what moved may be our rules.
        Some(previous) if rubric_of(&previous) != card.rubric_version => {
            tracing::info!(
                before = rubric_of(&previous),
                now = card.rubric_version,
                "rubric changed since the last run: no regression alert"
            );
            None
        }
        Some(previous) => {
            let before = findings_of(&txn, previous.id).await?;
            regression_between(&row, previous.grade.map(|g| g.0), &before, card)
        }
        None => None,
    };
    txn.commit().await.map_err(internal)?;
    tracing::info!(grade = card.grade.map_or("not scored", |g| g.as_str()), "scorecard stored");
    Ok(Completion { stored: true, regression })
}

fn regression_between(row: &audit::Model, grade_before: Option<Grade>, before: &[Finding], card: &Scorecard) -> Option<Regression> {
    let diff = AuditDiff::between(Uuid::nil(), None, None, before, &card.checks);
    let new_failures: Vec<FindingRef> = diff
        .new_failures
        .into_iter()
        .filter(|f| f.status == Status::Fail && matches!(f.severity, Severity::Critical | Severity::High))
        .collect();
    // A run without a grade measured too little to say it got worse.
    let dropped = matches!((grade_before, card.grade), (Some(before), Some(now)) if now > before);
    (dropped || !new_failures.is_empty()).then_some(Regression {
        product_id: row.product_id,
        org_id: row.org_id,
        audit_id: row.id,
        grade_before,
        grade_now: card.grade,
        new_failures,
    })
}

/// The run could not produce a scorecard (the target was refused, say); the owner sees why.
#[tracing::instrument(skip(_jobs, db))]
pub async fn fail(db: &DatabaseConnection, _jobs: &CrossTenant, audit_id: AuditId, error: &str) -> Result<(), DomainError> {
    audit::Entity::update_many()
        .col_expr(audit::Column::Status, Expr::value(Text(AuditStatus::Failed)))
        .col_expr(audit::Column::Error, Expr::value(error.chars().take(1000).collect::<String>()))
        .col_expr(audit::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(audit::Column::Id.eq(audit_id))
        .filter(audit::Column::Status.is_in(UNFINISHED))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Creates the scheduled audits that are due (`next_audit_at` passed) and moves each product's
/// next date on. The slot is unique per product, so two schedulers create one audit.
/// Returns the new audit ids, to be queued.
#[tracing::instrument(skip(_jobs, db, plans))]
pub async fn schedule_due(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    now: DateTime<Utc>,
    plans: &domain::plans::PlanTable,
) -> Result<Vec<AuditId>, DomainError> {
    use domain::plans::AuditSchedule;
    // A schedule without a date (products that predate schedules) starts its grid now.
    product::Entity::update_many()
        .col_expr(product::Column::NextAuditAt, Expr::value(now))
        .filter(product::Column::AuditSchedule.ne(Text(AuditSchedule::Off)))
        .filter(product::Column::NextAuditAt.is_null())
        .exec(db)
        .await
        .map_err(internal)?;
    let due = product::Entity::find()
        .filter(product::Column::NextAuditAt.lte(now))
        .filter(product::Column::AuditSchedule.ne(Text(AuditSchedule::Off)))
        .filter(product::Column::PausedByPlan.eq(false))
        .filter(crate::workspaces::in_live_workspace(product::Column::WorkspaceId))
        .limit(500)
        .all(db)
        .await
        .map_err(internal)?;
    let mut created = Vec::new();
    for p in due {
        let Some(slot) = p.next_audit_at else { continue };
        let plan = crate::quota::plan_of(db, p.org_id).await?;
        let wanted = p.audit_schedule.0;
        // A downgraded plan slows the schedule down; it never deletes the setting.
        let effective = wanted.min(plans.limits(plan).scheduled_audits);
        // A plan that allows no schedule skips the run but keeps the grid, so an upgrade resumes it.
        let next = effective.period_secs().or(wanted.period_secs()).map(|secs| next_slot(slot, now, secs));
        let moved = product::Entity::update_many()
            .col_expr(product::Column::NextAuditAt, Expr::value(next))
            .filter(product::Column::Id.eq(p.id))
            .filter(product::Column::NextAuditAt.eq(slot))
            .exec(db)
            .await
            .map_err(internal)?;
        if moved.rows_affected == 0 || effective == AuditSchedule::Off {
            continue;
        }
        match new_row(p.org_id, p.workspace_id, p.id, AuditTrigger::Scheduled, Some(slot), None).insert(db).await {
            Ok(row) => created.push(row.id),
            Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {}
            Err(err) => return Err(internal(err)),
        }
    }
    Ok(created)
}

/// The first slot after `now` on the grid that starts at `slot`: a schedule missed while the
/// service was down runs once, not once per missed period.
fn next_slot(slot: DateTime<Utc>, now: DateTime<Utc>, period_secs: i64) -> DateTime<Utc> {
    let behind = (now - slot).num_seconds().max(0);
    slot + chrono::Duration::seconds((behind / period_secs + 1) * period_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_slot_skips_missed_periods() {
        let slot = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let day = 86_400;
        assert_eq!(next_slot(slot, slot, day), slot + chrono::Duration::days(1));
        let late = slot + chrono::Duration::days(3) + chrono::Duration::hours(2);
        assert_eq!(next_slot(slot, late, day), slot + chrono::Duration::days(4));
    }
}
