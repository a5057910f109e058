//! Share links: a read-only copy of a scorecard or of a workspace's summary that opens without
//! signing in, at `/s/{token}`. The token is the link's id and an HMAC of it under the secret
//! key (so the list can show the link again, and a changed character is refused before the
//! database is asked); the link expires at the time chosen at creation and can be revoked.
//! A snapshot link keeps the view it showed when it was made; a "latest" link reads the
//! product's latest finished audit (or the workspace's state) each time it is opened.

use crate::activity;
use crate::db::internal;
use crate::entities::{organization, product, share_link, user, workspace};
use crate::ids::{AuditId, ProductId, ShareLinkId, UserId};
use crate::infra::secret::SecretKey;
use crate::tenancy::{Capability, TenantScope};
use crate::text_enum::Text;
use chrono::{DateTime, Duration, Utc};
use domain::audit::{AuditDetail, AuditStatus};
use domain::plans::PlanTable;
use domain::share::{
    ShareKind, ShareLinkView, ShareMode, ShareSpec, SharedContent, SharedFinding, SharedPage, SharedProduct, SharedScorecard,
    SharedWorkspace,
};
use domain::team::Activity;
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

const PURPOSE: &str = "share-link";

/// The link's token: the id (32 hex digits) and the first 128 bits of its HMAC.
pub fn token_for(key: &SecretKey, id: ShareLinkId) -> String {
    format!("{}{}", id.uuid().simple(), &key.keyed_hash(PURPOSE, &id.to_string())[..32])
}

fn id_from_token(key: &SecretKey, token: &str) -> Option<ShareLinkId> {
    if token.len() != 64 || !token.is_ascii() {
        return None;
    }
    let (id, mac) = token.split_at(32);
    let id = uuid::Uuid::parse_str(id).ok()?;
    key.verify_keyed_hash_prefix(PURPOSE, &id.to_string(), mac).then(|| ShareLinkId::from(id))
}

pub fn url_for(key: &SecretKey, base_url: &str, id: ShareLinkId) -> String {
    format!("{}/s/{}", base_url.trim_end_matches('/'), token_for(key, id))
}

/// Plans without share links refuse to make them (402), and their links stop opening.
fn ensure_plan(plans: &PlanTable, plan: domain::plans::Plan) -> Result<(), DomainError> {
    if plans.limits(plan).share_links {
        Ok(())
    } else {
        Err(crate::quota::feature_missing(plan, "share_links", "Share links"))
    }
}

/// What to share.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A scorecard: its audit (the snapshot's content, and the product a "latest" link follows).
    Scorecard(AuditId),
    Workspace,
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn create(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    key: &SecretKey,
    base_url: &str,
    target: Target,
    spec: &ShareSpec,
) -> Result<ShareLinkView, DomainError> {
    scope.require(Capability::Edit)?;
    ensure_plan(plans, crate::quota::plan_of(db, scope.org_id()).await?)?;
    let (kind, product_id, subject, content) = match target {
        Target::Scorecard(audit_id) => {
            let detail = crate::audits::detail(db, scope, audit_id).await?;
            if detail.summary.status != AuditStatus::Done {
                return Err(DomainError::invalid("audit", "only a finished audit can be shared"));
            }
            let subject = format!("Scorecard of {}", detail.product_name);
            (ShareKind::Scorecard, Some(ProductId::from(detail.summary.product_id)), subject, SharedContent::Scorecard(scorecard(&detail)))
        }
        Target::Workspace => {
            let content = workspace_summary(db, scope).await?;
            let subject = match &content {
                SharedContent::Workspace(w) => format!("Summary of {}", w.name),
                SharedContent::Scorecard(_) => unreachable!("a workspace summary"),
            };
            (ShareKind::Workspace, None, subject, content)
        }
    };
    let snapshot = match spec.mode {
        ShareMode::Snapshot => Some(serde_json::to_string(&content).map_err(|e| DomainError::Internal(e.to_string()))?),
        ShareMode::Latest => None,
    };
    let now = Utc::now();
    let id = ShareLinkId::new_random();
    let label = if spec.label.is_empty() { subject.clone() } else { spec.label.clone() };
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = share_link::ActiveModel {
        id: Set(id),
        org_id: Set(scope.org_id()),
        workspace_id: Set(scope.workspace_id()),
        kind: Set(Text(kind)),
        product_id: Set(product_id),
        mode: Set(Text(spec.mode)),
        snapshot: Set(snapshot),
        label: Set(label.clone()),
        created_by: Set(Some(scope.user_id())),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(i64::from(spec.expires_in_days))),
        revoked_at: Set(None),
        views: Set(0),
        last_viewed_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    let what = format!("\"{label}\" ({subject}, {}, {} days)", spec.mode.as_str(), spec.expires_in_days);
    activity::record(&txn, scope, Activity::ShareLinkCreated, what, Some(scope.workspace_id())).await?;
    txn.commit().await.map_err(internal)?;
    Ok(view(key, base_url, &row, subject, Some(scope.email().to_owned())))
}

fn view(key: &SecretKey, base_url: &str, row: &share_link::Model, subject: String, created_by: Option<String>) -> ShareLinkView {
    ShareLinkView {
        id: row.id.uuid(),
        label: row.label.clone(),
        kind: row.kind.0,
        mode: row.mode.0,
        subject,
        url: row.revoked_at.is_none().then(|| url_for(key, base_url, row.id)),
        created_by,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked: row.revoked_at.is_some(),
        views: u64::try_from(row.views).unwrap_or(0),
        last_viewed_at: row.last_viewed_at,
        state: domain::share::link_state(row.revoked_at.is_some(), row.expires_at, Utc::now()).to_owned(),
    }
}

/// The workspace's links, newest first. The URLs are credentials: staff only.
pub async fn list(
    db: &DatabaseConnection,
    scope: &TenantScope,
    key: &SecretKey,
    base_url: &str,
) -> Result<Vec<ShareLinkView>, DomainError> {
    scope.require(Capability::SeeInternals)?;
    let rows = share_link::Entity::find()
        .filter(share_link::Column::OrgId.eq(scope.org_id()))
        .filter(share_link::Column::WorkspaceId.eq(scope.workspace_id()))
        .order_by_desc(share_link::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    let products: HashMap<ProductId, String> = product::Entity::find()
        .filter(product::Column::WorkspaceId.eq(scope.workspace_id()))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let creators: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().filter_map(|r| r.created_by).collect::<Vec<_>>()))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let workspace_name =
        workspace::Entity::find_by_id(scope.workspace_id()).one(db).await.map_err(internal)?.map(|w| w.name).unwrap_or_default();
    Ok(rows
        .iter()
        .map(|row| {
            let subject = match row.product_id.and_then(|id| products.get(&id)) {
                Some(name) => format!("Scorecard of {name}"),
                None => format!("Summary of {workspace_name}"),
            };
            view(key, base_url, row, subject, row.created_by.and_then(|id| creators.get(&id).cloned()))
        })
        .collect())
}

pub async fn revoke(db: &DatabaseConnection, scope: &TenantScope, id: ShareLinkId) -> Result<(), DomainError> {
    scope.require(Capability::Edit)?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = share_link::Entity::find_by_id(id)
        .filter(share_link::Column::OrgId.eq(scope.org_id()))
        .filter(share_link::Column::WorkspaceId.eq(scope.workspace_id()))
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or(DomainError::NotFound)?;
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let label = row.label.clone();
    let mut active: share_link::ActiveModel = row.into();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(&txn).await.map_err(internal)?;
    activity::record(&txn, scope, Activity::ShareLinkRevoked, format!("\"{label}\""), Some(scope.workspace_id())).await?;
    txn.commit().await.map_err(internal)?;
    Ok(())
}

/// Opens a link: `NotFound` for a bad signature, an unknown, revoked or expired link, or one
/// whose organisation's plan no longer has share links (all alike). Counts the view.
#[tracing::instrument(skip_all)]
pub async fn open(
    db: &DatabaseConnection,
    plans: &PlanTable,
    key: &SecretKey,
    token: &str,
    now: DateTime<Utc>,
) -> Result<SharedPage, DomainError> {
    let id = id_from_token(key, token).ok_or(DomainError::NotFound)?;
    let row = share_link::Entity::find_by_id(id).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(DomainError::NotFound);
    }
    let org = organization::Entity::find_by_id(row.org_id).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    ensure_plan(plans, org.plan.0).map_err(|_| DomainError::NotFound)?;
    let workspace = workspace::Entity::find_by_id(row.workspace_id).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    if workspace.archived_at.is_some() {
        return Err(DomainError::NotFound);
    }
    let scope = TenantScope::for_share_link(&workspace);
    let (content, as_of) = match (row.snapshot.as_deref(), row.product_id) {
        (Some(json), _) => (serde_json::from_str(json).map_err(|e| DomainError::Internal(format!("share snapshot: {e}")))?, row.created_at),
        (None, Some(product_id)) => {
            let latest = crate::audits::list(db, &scope, product_id, 20).await?.into_iter().find(|a| a.status == AuditStatus::Done);
            let audit = latest.ok_or(DomainError::NotFound)?;
            let detail = crate::audits::detail(db, &scope, audit.id.into()).await?;
            (SharedContent::Scorecard(scorecard(&detail)), now)
        }
        (None, None) => (workspace_summary(db, &scope).await?, now),
    };
    share_link::Entity::update_many()
        .col_expr(share_link::Column::Views, crate::db::increment(share_link::Column::Views))
        .col_expr(share_link::Column::LastViewedAt, Expr::value(now))
        .filter(share_link::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(internal)?;
    let brand = crate::branding::brand_of(db, plans, row.org_id, org.plan.0).await?;
    let title = match &content {
        SharedContent::Scorecard(s) => format!("Launch readiness of {}", s.product),
        SharedContent::Workspace(w) => format!("Launch readiness of {}", w.name),
    };
    Ok(SharedPage { content, brand, title, as_of, expires_at: row.expires_at })
}

/// A scorecard as a share link shows it: failures and warnings first, no evidence lines.
fn scorecard(detail: &AuditDetail) -> SharedScorecard {
    use domain::scorecard::Status;
    let mut findings: Vec<SharedFinding> = detail
        .findings
        .iter()
        // Checks a shared cause stopped are listed once, under "Could not be checked".
        .filter(|f| f.status != Status::Skipped && f.cause.is_none())
        .map(|f| SharedFinding {
            title: f.title.clone(),
            category: f.category,
            severity: f.severity,
            status: f.status,
            state: f.state_label().to_owned(),
            summary: f.summary.clone(),
            fix: if matches!(f.status, Status::Fail | Status::Warn) { f.fix.clone() } else { String::new() },
        })
        .collect();
    let rank = |s: Status| match s {
        Status::Fail => 0,
        Status::Warn => 1,
        Status::Error => 2,
        _ => 3,
    };
    findings.sort_by_key(|f| (rank(f.status), std::cmp::Reverse(f.severity)));
    let s = &detail.summary;
    SharedScorecard {
        product: detail.product_name.clone(),
        domain: detail.target.clone(),
        audited_at: s.finished_at,
        score: s.score,
        grade: s.grade,
        decision: s.decision,
        decision_reason: s.decision_reason.clone(),
        counts: s.counts,
        coverage: s.coverage.as_ref().map(|c| c.sentence()),
        causes: detail.causes.iter().map(|c| format!("{}: {}", c.kind.heading(), c.summary)).collect(),
        findings,
    }
}

async fn workspace_summary(db: &DatabaseConnection, scope: &TenantScope) -> Result<SharedContent, DomainError> {
    let dashboard = crate::dashboard::dashboard(db, scope).await?;
    let name = workspace::Entity::find_by_id(scope.workspace_id()).one(db).await.map_err(internal)?.map(|w| w.name).unwrap_or_default();
    let products = dashboard
        .products
        .into_iter()
        .map(|p| SharedProduct {
            name: p.name,
            domain: p.apex_domain,
            decision: p.latest_audit.as_ref().and_then(|a| a.decision),
            grade: p.latest_audit.as_ref().and_then(|a| a.grade),
            score: p.latest_audit.as_ref().and_then(|a| a.score),
            audited_at: p.latest_audit.as_ref().and_then(|a| a.finished_at),
            uptime_7d: p.uptime_7d,
            open_incidents: u32::try_from(p.open_incidents.len()).unwrap_or(u32::MAX),
        })
        .collect();
    Ok(SharedContent::Workspace(SharedWorkspace { name, products }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_a_changed_character_does_not() {
        let key = SecretKey::from_text(&"k".repeat(40)).unwrap();
        let id = ShareLinkId::new_random();
        let token = token_for(&key, id);
        assert_eq!(id_from_token(&key, &token), Some(id));
        let mut tampered = token.clone().into_bytes();
        tampered[40] = if tampered[40] == b'0' { b'1' } else { b'0' };
        assert_eq!(id_from_token(&key, std::str::from_utf8(&tampered).unwrap()), None);
        let other = ShareLinkId::new_random();
        let forged = format!("{}{}", other.uuid().simple(), &token[32..]);
        assert_eq!(id_from_token(&key, &forged), None, "a signature is bound to its id");
        assert_eq!(id_from_token(&key, "short"), None);
    }
}
