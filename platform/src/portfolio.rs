//! The agency's portfolio: every live workspace of the organisation with its products'
//! decision, grade, score trend, 7-day uptime, open incidents and failed alerts. Staff only.
//! Read in a fixed number of queries whatever the number of workspaces (no query per product),
//! so a hundred clients with ten products each stay one quick page (`cargo bench -p server
//! --bench portfolio`).

use crate::db::internal;
use crate::entities::{audit, incident, monitor_rollup, notification, product, workspace};
use crate::ids::{ProductId, WorkspaceId};
use crate::monitors::rollups::{day_series, Period};
use crate::tenancy::{Capability, TenantScope};
use crate::text_enum::Text;
use chrono::{DateTime, Duration, Utc};
use domain::audit::AuditStatus;
use domain::channel::DeliveryStatus;
use domain::dashboard::uptime_over;
use domain::portfolio::{Portfolio, PortfolioRow};
use domain::scorecard::{Decision, Grade};
use domain::workspace::base_path;
use domain::DomainError;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Finished audits read per product for the trend.
const TREND: usize = 6;

type AuditRow = (ProductId, Option<i32>, Option<Text<Grade>>, Option<Text<Decision>>, DateTime<Utc>, Option<DateTime<Utc>>);

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn portfolio(db: &DatabaseConnection, scope: &TenantScope) -> Result<Portfolio, DomainError> {
    scope.require(Capability::SeeAllWorkspaces)?;
    let org = scope.org_id();
    let now = Utc::now();
    let today = Period::Day.start_of(now);
    let home = crate::tenancy::home_workspace_id(db, scope.user_id()).await?;
    let workspaces = workspace::Entity::find()
        .filter(workspace::Column::OrgId.eq(org))
        .filter(workspace::Column::ArchivedAt.is_null())
        .all(db)
        .await
        .map_err(internal)?;
    let products = product::Entity::find()
        .filter(product::Column::OrgId.eq(org))
        .filter(crate::workspaces::in_live_workspace(product::Column::WorkspaceId))
        .all(db)
        .await
        .map_err(internal)?;
    // Finished audits, newest first: the first TREND of each product make its trend.
    let audits: Vec<AuditRow> = audit::Entity::find()
        .select_only()
        .column(audit::Column::ProductId)
        .column(audit::Column::Score)
        .column(audit::Column::Grade)
        .column(audit::Column::Decision)
        .column(audit::Column::CreatedAt)
        .column(audit::Column::FinishedAt)
        .filter(audit::Column::OrgId.eq(org))
        .filter(audit::Column::Status.eq(Text(AuditStatus::Done)))
        .filter(audit::Column::CreatedAt.gte(now - Duration::days(400)))
        .order_by_desc(audit::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)?;
    let mut recent: HashMap<ProductId, Vec<&AuditRow>> = HashMap::new();
    for row in &audits {
        let list = recent.entry(row.0).or_default();
        if list.len() < TREND {
            list.push(row);
        }
    }
    let rollups = monitor_rollup::Entity::find()
        .filter(monitor_rollup::Column::OrgId.eq(org))
        .filter(monitor_rollup::Column::Period.eq(Text(Period::Day)))
        .filter(monitor_rollup::Column::BucketStart.gte(today - Duration::days(6)))
        .all(db)
        .await
        .map_err(internal)?;
    let mut by_product: HashMap<ProductId, Vec<&monitor_rollup::Model>> = HashMap::new();
    for r in &rollups {
        by_product.entry(r.product_id).or_default().push(r);
    }
    let open: Vec<ProductId> = incident::Entity::find()
        .select_only()
        .column(incident::Column::ProductId)
        .filter(incident::Column::OrgId.eq(org))
        .filter(incident::Column::ResolvedAt.is_null())
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)?;
    let mut open_by_product: HashMap<ProductId, u32> = HashMap::new();
    for id in open {
        *open_by_product.entry(id).or_default() += 1;
    }
    let failed: Vec<Option<ProductId>> = notification::Entity::find()
        .select_only()
        .column(notification::Column::ProductId)
        .filter(notification::Column::OrgId.eq(org))
        .filter(notification::Column::Status.eq(Text(DeliveryStatus::Failed)))
        .filter(notification::Column::CreatedAt.gte(now - Duration::days(7)))
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)?;
    let workspace_of: HashMap<ProductId, WorkspaceId> = products.iter().map(|p| (p.id, p.workspace_id)).collect();
    let mut failed_by_workspace: HashMap<WorkspaceId, u32> = HashMap::new();
    for id in failed.into_iter().flatten() {
        if let Some(ws) = workspace_of.get(&id) {
            *failed_by_workspace.entry(*ws).or_default() += 1;
        }
    }

    let mut rows = Vec::with_capacity(products.len() + workspaces.len());
    for ws in &workspaces {
        let path = base_path(home == Some(ws.id), &ws.slug);
        let failed_alerts_7d = failed_by_workspace.get(&ws.id).copied().unwrap_or(0);
        let mine: Vec<&product::Model> = products.iter().filter(|p| p.workspace_id == ws.id).collect();
        if mine.is_empty() {
            rows.push(PortfolioRow {
                workspace: ws.name.clone(),
                workspace_path: path.clone(),
                product: None,
                product_path: None,
                decision: None,
                grade: None,
                score: None,
                score_trend: Vec::new(),
                audited_at: None,
                uptime_7d: None,
                open_incidents: 0,
                failed_alerts_7d,
            });
        }
        for p in mine {
            let audits = recent.get(&p.id).cloned().unwrap_or_default();
            let latest = audits.first();
            let days = day_series(by_product.get(&p.id).map(Vec::as_slice).unwrap_or(&[]), today, 7);
            rows.push(PortfolioRow {
                workspace: ws.name.clone(),
                workspace_path: path.clone(),
                product: Some(p.name.clone()),
                product_path: Some(format!("{path}/products/{}", p.id)),
                decision: latest.and_then(|a| a.3.as_ref().map(|d| d.0)),
                grade: latest.and_then(|a| a.2.as_ref().map(|g| g.0)),
                score: latest.and_then(|a| a.1).and_then(|s| u32::try_from(s).ok()),
                score_trend: audits.iter().rev().filter_map(|a| a.1.and_then(|s| u32::try_from(s).ok())).collect(),
                audited_at: latest.map(|a| a.5.unwrap_or(a.4)),
                uptime_7d: uptime_over(&days),
                open_incidents: open_by_product.get(&p.id).copied().unwrap_or(0),
                failed_alerts_7d,
            });
        }
    }
    domain::portfolio::sort_rows(&mut rows, domain::portfolio::PortfolioSort::Decision);
    Ok(Portfolio { rows, workspaces: workspaces.len() as u32, products: products.len() as u32, generated_at: now })
}
