//! The monthly client report (`domain::report`): the opt-in per workspace, who receives it,
//! what it says, and the claim that makes one process queue each month's report once.
//!
//! Timeline: turning the report on marks the month before as done, so the first report covers
//! the month it was turned on in. From the first of the next month (UTC) the maintenance sweep
//! finds the workspace due, claims it (a conditional update: one process wins) and queues an
//! email job; the job mails every recipient and records the month as sent. A claim whose job
//! never finished (a crash, a mail server down for every retry) is taken again after
//! [`CLAIM_EXPIRES_HOURS`], so a report is late rather than lost; a crash between mails may
//! repeat one, never drop one.

use crate::activity;
use crate::db::internal;
use crate::entities::{audit, finding, incident, membership, monitor_rollup, organization, product, user, workspace, workspace_grant};
use crate::ids::{AuditId, ProductId, UserId, WorkspaceId};
use crate::jobs::{EmailJob, Queue};
use crate::monitors::rollups::Period;
use crate::tenancy::{Capability, CrossTenant, TenantScope};
use crate::text_enum::Text;
use chrono::{DateTime, Duration, Utc};
use domain::audit::AuditStatus;
use domain::plans::PlanTable;
use domain::report::{AuditGrade, MonthlyReport, ProductMonth, ReportMonth};
use domain::role::Role;
use domain::scorecard::{Finding, Severity, Status};
use domain::team::Activity;
use domain::workspace::WorkspaceView;
use domain::DomainError;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

/// How long a claimed report may stay unsent before another sweep queues it again.
pub const CLAIM_EXPIRES_HOURS: i64 = 6;

/// How far back "the grade before" is looked for (the daily rollups and audits are kept 400 days).
const LOOKBACK_DAYS: i64 = 400;

/// Turns the workspace's monthly report on or off (owners and admins).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), %id, on = on))]
pub async fn set_monthly(db: &DatabaseConnection, scope: &TenantScope, id: WorkspaceId, on: bool) -> Result<WorkspaceView, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = workspace::Entity::find_by_id(id)
        .filter(workspace::Column::OrgId.eq(scope.org_id()))
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or(DomainError::NotFound)?;
    if row.archived_at.is_some() {
        return Err(DomainError::invalid("workspace", "is archived: restore it to change its monthly report"));
    }
    let name = row.name.clone();
    let changed = row.monthly_report != on;
    let mut active: workspace::ActiveModel = row.into();
    active.monthly_report = Set(on);
    if on && changed {
        // The first report covers this month: the one before counts as done.
        active.report_sent_for = Set(Some(ReportMonth::of(Utc::now()).previous().key()));
        active.report_claimed_at = Set(None);
    }
    active.update(&txn).await.map_err(internal)?;
    if changed {
        let subject = format!("{name}: {}", if on { "on" } else { "off" });
        activity::record(&txn, scope, Activity::MonthlyReportChanged, subject, Some(id)).await?;
    }
    txn.commit().await.map_err(internal)?;
    let views = crate::workspaces::list(db, scope).await?;
    views.into_iter().find(|w| w.id == id.uuid()).ok_or(DomainError::NotFound)
}

/// Queues a preview of the workspace's report (the month so far) to the caller alone.
/// Returns the address it goes to.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), %id))]
pub async fn request_preview(
    db: &DatabaseConnection,
    scope: &TenantScope,
    email: &Queue<EmailJob>,
    id: WorkspaceId,
) -> Result<String, DomainError> {
    scope.require(Capability::ManageWorkspaces)?;
    let row = workspace::Entity::find_by_id(id)
        .filter(workspace::Column::OrgId.eq(scope.org_id()))
        .one(db)
        .await
        .map_err(internal)?
        .ok_or(DomainError::NotFound)?;
    let to = user::Entity::find_by_id(scope.user_id()).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?.email;
    email.push(EmailJob::ReportPreview { workspace_id: row.id, user_id: scope.user_id() }).await?;
    Ok(to)
}

/// The workspaces whose report for the month before `now` is due and that this call claimed,
/// with that month. Several processes may call it at once: each workspace goes to one.
pub async fn claim_due(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    now: DateTime<Utc>,
) -> Result<Vec<(WorkspaceId, ReportMonth)>, DomainError> {
    let month = ReportMonth::of(now).previous();
    let due = || {
        Condition::all()
            .add(workspace::Column::MonthlyReport.eq(true))
            .add(workspace::Column::ArchivedAt.is_null())
            .add(Condition::any().add(workspace::Column::ReportSentFor.is_null()).add(workspace::Column::ReportSentFor.lt(month.key())))
            .add(
                Condition::any()
                    .add(workspace::Column::ReportClaimedAt.is_null())
                    .add(workspace::Column::ReportClaimedAt.lt(now - Duration::hours(CLAIM_EXPIRES_HOURS))),
            )
    };
    let candidates = workspace::Entity::find().filter(due()).all(db).await.map_err(internal)?;
    let mut claimed = Vec::new();
    for row in candidates {
        let won = workspace::Entity::update_many()
            .col_expr(workspace::Column::ReportClaimedAt, Expr::value(now))
            .filter(workspace::Column::Id.eq(row.id))
            .filter(due())
            .exec(db)
            .await
            .map_err(internal)?
            .rows_affected
            == 1;
        if won {
            claimed.push((row.id, month));
        }
    }
    Ok(claimed)
}

/// Gives a claim back (its job could not be queued), so the next sweep tries again.
pub async fn release_claim(db: &DatabaseConnection, _jobs: &CrossTenant, id: WorkspaceId) -> Result<(), DomainError> {
    workspace::Entity::update_many()
        .col_expr(workspace::Column::ReportClaimedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(workspace::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Records `month` as mailed.
pub async fn mark_sent(db: &DatabaseConnection, _jobs: &CrossTenant, id: WorkspaceId, month: ReportMonth) -> Result<(), DomainError> {
    workspace::Entity::update_many()
        .col_expr(workspace::Column::ReportSentFor, Expr::value(month.key()))
        .col_expr(workspace::Column::ReportClaimedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(workspace::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Whether `month`'s report of the workspace is still to be sent (it may have been sent by an
/// earlier attempt, or turned off or archived meanwhile).
pub async fn still_due(db: &DatabaseConnection, _jobs: &CrossTenant, id: WorkspaceId, month: ReportMonth) -> Result<bool, DomainError> {
    let Some(row) = workspace::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(false) };
    let sent = row.report_sent_for.as_deref().and_then(ReportMonth::parse);
    Ok(row.monthly_report && row.archived_at.is_none() && sent.is_none_or(|sent| sent < month))
}

/// Who receives the workspace's report: its client users, or without any the organisation's
/// owner and admins. Addresses, sorted.
pub async fn recipients(db: &DatabaseConnection, _jobs: &CrossTenant, id: WorkspaceId) -> Result<Vec<String>, DomainError> {
    let Some(ws) = workspace::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(Vec::new()) };
    let clients: Vec<UserId> = workspace_grant::Entity::find()
        .filter(workspace_grant::Column::WorkspaceId.eq(id))
        .filter(workspace_grant::Column::Role.eq(Text(Role::Client)))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    let users = if clients.is_empty() {
        membership::Entity::find()
            .filter(membership::Column::OrgId.eq(ws.org_id))
            .filter(membership::Column::Role.is_in([Text(Role::Owner), Text(Role::Admin)]))
            .all(db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|m| m.user_id)
            .collect()
    } else {
        clients
    };
    let mut emails: Vec<String> =
        user::Entity::find().filter(user::Column::Id.is_in(users)).all(db).await.map_err(internal)?.into_iter().map(|u| u.email).collect();
    emails.sort();
    emails.dedup();
    Ok(emails)
}

/// The report of `month` (or, for a preview, of the month so far up to `now`); `None` when the
/// workspace is gone.
#[tracing::instrument(skip(db, _jobs, plans))]
pub async fn build(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    plans: &PlanTable,
    id: WorkspaceId,
    month: ReportMonth,
    preview_until: Option<DateTime<Utc>>,
) -> Result<Option<MonthlyReport>, DomainError> {
    let Some(ws) = workspace::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(None) };
    let (from, to) = (month.start(), preview_until.map_or(month.end(), |now| now.min(month.end())));
    let organization = organization::Entity::find_by_id(ws.org_id).one(db).await.map_err(internal)?.map(|o| o.name).unwrap_or_default();
    let brand = crate::branding::brand_for(db, plans, ws.org_id).await?;
    let products = product::Entity::find()
        .filter(product::Column::WorkspaceId.eq(id))
        .order_by_asc(product::Column::Name)
        .all(db)
        .await
        .map_err(internal)?;
    let ids: Vec<ProductId> = products.iter().map(|p| p.id).collect();

    // Finished audits begun before the period's end, newest first: per product the first one
    // is the latest, the first one begun before the period is "before".
    let audits = audit::Entity::find()
        .filter(audit::Column::ProductId.is_in(ids.clone()))
        .filter(audit::Column::Status.eq(Text(AuditStatus::Done)))
        .filter(audit::Column::CreatedAt.lt(to))
        .filter(audit::Column::CreatedAt.gte(from - Duration::days(LOOKBACK_DAYS)))
        .order_by_desc(audit::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    let mut latest: HashMap<ProductId, &audit::Model> = HashMap::new();
    let mut before: HashMap<ProductId, &audit::Model> = HashMap::new();
    let mut in_period: HashMap<ProductId, u32> = HashMap::new();
    for a in &audits {
        latest.entry(a.product_id).or_insert(a);
        if a.created_at >= from {
            *in_period.entry(a.product_id).or_default() += 1;
        } else {
            before.entry(a.product_id).or_insert(a);
        }
    }
    let critical = critical_failures(db, latest.values().map(|a| a.id).collect()).await?;

    let rollups = monitor_rollup::Entity::find()
        .filter(monitor_rollup::Column::ProductId.is_in(ids.clone()))
        .filter(monitor_rollup::Column::Period.eq(Text(Period::Day)))
        .filter(monitor_rollup::Column::BucketStart.gte(from))
        .filter(monitor_rollup::Column::BucketStart.lt(to))
        .all(db)
        .await
        .map_err(internal)?;
    let mut checks: HashMap<ProductId, (u32, u32)> = HashMap::new();
    for r in &rollups {
        let entry = checks.entry(r.product_id).or_default();
        entry.0 += u32::try_from(r.checks).unwrap_or(0);
        entry.1 += u32::try_from(r.failures).unwrap_or(0);
    }

    // Outages that overlap the period.
    let incidents = incident::Entity::find()
        .filter(incident::Column::ProductId.is_in(ids))
        .filter(incident::Column::OpenedAt.lt(to))
        .filter(Condition::any().add(incident::Column::ResolvedAt.is_null()).add(incident::Column::ResolvedAt.gte(from)))
        .all(db)
        .await
        .map_err(internal)?;

    let grade_of = |a: &audit::Model| AuditGrade {
        at: a.finished_at.unwrap_or(a.created_at),
        grade: a.grade.as_ref().map(|g| g.0),
        score: a.score.and_then(|s| u32::try_from(s).ok()),
        decision: a.decision.as_ref().map(|d| d.0),
        reason: a.grade.is_none().then(|| a.decision_reason.clone()).flatten(),
    };
    let months = products
        .iter()
        .map(|p| {
            let (checks, failures) = checks.get(&p.id).copied().unwrap_or_default();
            let mine: Vec<&incident::Model> = incidents.iter().filter(|i| i.product_id == p.id).collect();
            let downtime: i64 =
                mine.iter().map(|i| (i.resolved_at.unwrap_or(to).min(to) - i.opened_at.max(from)).num_minutes().max(0)).sum();
            ProductMonth {
                name: p.name.clone(),
                domain: p.apex_domain.clone(),
                latest: latest.get(&p.id).map(|a| grade_of(a)),
                before: before.get(&p.id).map(|a| grade_of(a)),
                audits_in_period: in_period.get(&p.id).copied().unwrap_or(0),
                checks,
                failures,
                incidents: u32::try_from(mine.iter().filter(|i| i.opened_at >= from).count()).unwrap_or(u32::MAX),
                downtime_minutes: u64::try_from(downtime).unwrap_or(0),
                incidents_open: u32::try_from(mine.iter().filter(|i| i.resolved_at.is_none_or(|r| r >= to)).count()).unwrap_or(u32::MAX),
                critical_open: latest.get(&p.id).and_then(|a| critical.get(&a.id)).cloned().unwrap_or_default(),
            }
        })
        .collect();
    Ok(Some(MonthlyReport {
        organization: brand.as_ref().map_or(organization, |b| b.name.clone()),
        workspace: ws.name.clone(),
        month,
        from,
        to,
        preview: preview_until.is_some(),
        brand,
        // The keyed path opens for every reader (`/app` is each viewer's own home).
        workspace_path: domain::workspace::base_path(false, &ws.slug),
        products: months,
    }))
}

/// Titles of the critical checks each audit failed, in scorecard order.
async fn critical_failures(db: &impl ConnectionTrait, audits: Vec<AuditId>) -> Result<HashMap<AuditId, Vec<String>>, DomainError> {
    let rows = finding::Entity::find()
        .filter(finding::Column::AuditId.is_in(audits))
        .filter(finding::Column::Severity.eq(Text(Severity::Critical)))
        .filter(finding::Column::Status.eq(Text(Status::Fail)))
        .order_by_asc(finding::Column::Position)
        .all(db)
        .await
        .map_err(internal)?;
    let mut by_audit: HashMap<AuditId, Vec<String>> = HashMap::new();
    for row in rows {
        let title = serde_json::from_str::<Finding>(&row.detail).map(|f| f.title).unwrap_or(row.check_id);
        by_audit.entry(row.audit_id).or_default().push(title);
    }
    Ok(by_audit)
}
