//! The workspace at a glance, read across the areas: products, their latest audits, monitor
//! rollups, open incidents and failed alert deliveries. It sits above them all, so none of
//! them needs to know it.

use crate::db::internal;
use crate::entities::{incident, monitor, monitor_rollup, notification};
use crate::ids::{MonitorId, ProductId};
use crate::monitors::rollups::{daily_rows, day_series, histogram_of, Period};
use crate::tenancy::{Capability, TenantScope};
use crate::text_enum::Text;
use chrono::{Duration, Utc};
use domain::channel::DeliveryStatus;
use domain::dashboard::{p95_ms, uptime_over, Dashboard, FailingMonitor, ProductHealth, HISTOGRAM_LEN};
use domain::monitor::MonitorState;
use domain::DomainError;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// The workspace at a glance: per product the audit verdict and trend, 7 days of uptime,
/// latency and errors, open incidents, failed alert deliveries and the worst monitors.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn dashboard(db: &DatabaseConnection, scope: &TenantScope) -> Result<Dashboard, DomainError> {
    let now = Utc::now();
    let today = Period::Day.start_of(now);
    let since = today - Duration::days(6);
    let products = crate::products::list(db, scope).await?;
    let ids: Vec<ProductId> = products.iter().map(|p| p.id.into()).collect();
    let audits = crate::audits::recent_by_product(db, scope, 12).await?;
    let rollups = daily_rows(db, scope.org_id(), &ids, since).await?;
    let monitors: Vec<monitor::Model> = crate::tenancy::scoped::select::<monitor::Entity>(scope).all(db).await.map_err(internal)?;
    let open = crate::tenancy::scoped::select::<incident::Entity>(scope)
        .filter(incident::Column::ProductId.is_in(ids.clone()))
        .filter(incident::Column::ResolvedAt.is_null())
        .order_by_desc(incident::Column::OpenedAt)
        .all(db)
        .await
        .map_err(internal)?;
    let open = crate::monitors::incident_views(db, open).await?;
    // Alert deliveries are the agency's internals: a client user's dashboard counts none (and
    // its page shows no such line).
    let failed: Vec<Option<Uuid>> = if scope.role().can(Capability::SeeInternals) {
        crate::tenancy::scoped::select::<notification::Entity>(scope)
            .select_only()
            .column(notification::Column::ProductId)
            .filter(notification::Column::Status.eq(Text(DeliveryStatus::Failed)))
            .filter(notification::Column::CreatedAt.gte(now - Duration::days(7)))
            .into_tuple()
            .all(db)
            .await
            .map_err(internal)?
    } else {
        Vec::new()
    };
    let names: HashMap<MonitorId, &monitor::Model> = monitors.iter().map(|m| (m.id, m)).collect();
    let mut health = Vec::with_capacity(products.len());
    for p in &products {
        let mine: Vec<&monitor_rollup::Model> = rollups.iter().filter(|r| r.product_id.uuid() == p.id).collect();
        let uptime_days = day_series(&mine, today, 7);
        let mut histogram = [0u64; HISTOGRAM_LEN];
        let mut per_monitor: HashMap<MonitorId, (u32, u32)> = HashMap::new();
        let mut server_errors = 0;
        for r in &mine {
            for (total, add) in histogram.iter_mut().zip(histogram_of(r)) {
                *total += add;
            }
            server_errors += r.server_errors.max(0) as u32;
            let entry = per_monitor.entry(r.monitor_id).or_default();
            entry.0 += r.failures.max(0) as u32;
            entry.1 += r.checks.max(0) as u32;
        }
        let mut top_failing: Vec<FailingMonitor> = per_monitor
            .into_iter()
            .filter(|(_, (failures, _))| *failures > 0)
            .filter_map(|(id, (failures, checks))| {
                names.get(&id).map(|m| FailingMonitor {
                    monitor_id: id.uuid(),
                    name: m.name.clone(),
                    target: m.target.clone(),
                    failures,
                    checks,
                })
            })
            .collect();
        top_failing.sort_by(|a, b| b.failures.cmp(&a.failures).then_with(|| a.name.cmp(&b.name)));
        top_failing.truncate(3);
        let product_monitors: Vec<&monitor::Model> = monitors.iter().filter(|m| m.product_id.uuid() == p.id).collect();
        let recent = audits.get(&p.id).cloned().unwrap_or_default();
        health.push(ProductHealth {
            product_id: p.id,
            name: p.name.clone(),
            apex_domain: p.apex_domain.clone(),
            latest_audit: recent.last().cloned(),
            score_trend: recent.iter().filter_map(|a| a.score.map(|s| (a.created_at, s))).collect(),
            uptime_7d: uptime_over(&uptime_days),
            uptime_days,
            p95_ms_7d: p95_ms(&histogram),
            server_errors_7d: server_errors,
            monitors: product_monitors.len() as u32,
            monitors_down: product_monitors.iter().filter(|m| m.enabled && m.state.0 == MonitorState::Down).count() as u32,
            open_incidents: open.iter().filter(|i| i.product_id == p.id).cloned().collect(),
            failed_deliveries_7d: failed.iter().filter(|id| **id == Some(p.id)).count() as u32,
            top_failing,
        });
    }
    Ok(Dashboard { products: health, failed_deliveries_7d: failed.len() as u32 })
}
