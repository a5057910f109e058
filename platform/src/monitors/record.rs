//! Storing a batch of results and applying their consequences: counters, state, incidents,
//! certificate stages and rollups, in one transaction.

use super::results::{cert_stage, CheckResult, MonitorRef, Transition};
use crate::db::internal;
use crate::entities::{incident, monitor, monitor_result};
use crate::ids::{IncidentId, MonitorId};
use crate::tenancy::CrossTenant;
use crate::text_enum::Text;
use domain::monitor::MonitorState;
use domain::DomainError;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// Stores a batch of results and applies their consequences, in one transaction.
#[tracing::instrument(skip_all, fields(results = results.len()))]
pub async fn record(db: &DatabaseConnection, _jobs: &CrossTenant, results: &[CheckResult]) -> Result<Vec<Transition>, DomainError> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let ids: Vec<MonitorId> = results.iter().map(|r| r.monitor_id).collect();
    let mut monitors: HashMap<MonitorId, monitor::Model> = monitor::Entity::find()
        .filter(monitor::Column::Id.is_in(ids))
        .all(&txn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut transitions = Vec::new();
    let mut touched = Vec::new();
    for result in results {
        let Some(m) = monitors.get_mut(&result.monitor_id) else { continue };
        let inserted = monitor_result::Entity::insert(monitor_result::ActiveModel {
            id: Set(crate::ids::new_id()),
            monitor_id: Set(m.id),
            org_id: Set(m.org_id),
            slot: Set(result.slot),
            checked_at: Set(result.checked_at),
            ok: Set(result.ok),
            blocked: Set(result.blocked),
            latency_ms: Set(result.latency_ms.map(|v| v as i32)),
            status_code: Set(result.status_code.map(i32::from)),
            message: Set(Some(clip(&result.message, 500))),
        })
        .on_conflict(OnConflict::columns([monitor_result::Column::MonitorId, monitor_result::Column::Slot]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await
        .map_err(internal)?;
        if inserted == 0 {
            continue; // This slot was already recorded: a repeated batch.
        }
        // Uptime is over what was measured: a challenge page says nothing about the site.
        if !result.blocked {
            super::rollups::add_to_rollups(&txn, m, result).await?;
        }
        apply(&txn, m, result, &mut transitions).await?;
        touched.push(m.id);
    }
    for id in touched {
        let m = &monitors[&id];
        monitor::Entity::update_many()
            .col_expr(monitor::Column::State, Expr::value(m.state))
            .col_expr(monitor::Column::ConsecutiveFailures, Expr::value(m.consecutive_failures))
            .col_expr(monitor::Column::ConsecutiveSuccesses, Expr::value(m.consecutive_successes))
            .col_expr(monitor::Column::ConsecutiveBlocked, Expr::value(m.consecutive_blocked))
            .col_expr(monitor::Column::LastCheckedAt, Expr::value(m.last_checked_at))
            .col_expr(monitor::Column::LastOk, Expr::value(m.last_ok))
            .col_expr(monitor::Column::LastMessage, Expr::value(m.last_message.clone()))
            .col_expr(monitor::Column::LastLatencyMs, Expr::value(m.last_latency_ms))
            .col_expr(monitor::Column::OpenIncidentId, Expr::value(m.open_incident_id))
            .col_expr(monitor::Column::CertExpiryStage, Expr::value(m.cert_expiry_stage))
            .filter(monitor::Column::Id.eq(id))
            .exec(&txn)
            .await
            .map_err(internal)?;
    }
    txn.commit().await.map_err(internal)?;
    Ok(transitions)
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Moves one monitor's counters and state for one new result.
async fn apply(txn: &impl ConnectionTrait, m: &mut monitor::Model, r: &CheckResult, out: &mut Vec<Transition>) -> Result<(), DomainError> {
    let who = || MonitorRef {
        id: m.id,
        org_id: m.org_id,
        workspace_id: m.workspace_id,
        product_id: m.product_id,
        name: m.name.clone(),
        target: m.target.clone(),
    };
    // A late result of an older slot (a retried batch) is stored but does not move the state.
    if m.last_checked_at.is_some_and(|last| last > r.checked_at) {
        return Ok(());
    }
    m.last_checked_at = Some(r.checked_at);
    // A blocked check measured nothing: neither ok nor failed.
    m.last_ok = (!r.blocked).then_some(r.ok);
    m.last_message = Some(clip(&r.message, 500));
    m.last_latency_ms = r.latency_ms.map(|v| v as i32);
    let state = m.state.0;
    if r.blocked {
        // The up/down counters wait: the next measured result continues them. An open
        // incident stays open, since the site was not seen to recover.
        m.consecutive_blocked += 1;
        if state != MonitorState::Blocked && m.consecutive_blocked >= m.confirm_failures {
            m.state = Text(MonitorState::Blocked);
            out.push(Transition::EdgeBlocked { monitor: who(), at: r.checked_at, cause: clip(&r.message, 500) });
        }
    } else if r.ok {
        m.consecutive_blocked = 0;
        m.consecutive_successes += 1;
        m.consecutive_failures = 0;
        match state {
            // Back from the edge without an incident to resolve: say the site is seen again.
            MonitorState::Blocked if m.open_incident_id.is_none() => {
                m.state = Text(MonitorState::Up);
                out.push(Transition::EdgeCleared { monitor: who(), at: r.checked_at });
            }
            MonitorState::Down | MonitorState::Blocked if m.consecutive_successes >= m.confirm_successes => {
                m.state = Text(MonitorState::Up);
                if let Some(incident_id) = m.open_incident_id.take() {
                    let opened = incident::Entity::find_by_id(incident_id).one(txn).await.map_err(internal)?;
                    incident::Entity::update_many()
                        .col_expr(incident::Column::ResolvedAt, Expr::value(r.checked_at))
                        .filter(incident::Column::Id.eq(incident_id))
                        .filter(incident::Column::ResolvedAt.is_null())
                        .exec(txn)
                        .await
                        .map_err(internal)?;
                    let opened_at = opened.map(|i| i.opened_at).unwrap_or(r.checked_at);
                    out.push(Transition::IncidentResolved { incident_id, monitor: who(), opened_at, at: r.checked_at });
                }
            }
            MonitorState::Unknown => m.state = Text(MonitorState::Up),
            _ => {}
        }
    } else {
        m.consecutive_blocked = 0;
        m.consecutive_failures += 1;
        m.consecutive_successes = 0;
        if state != MonitorState::Down && m.consecutive_failures >= m.confirm_failures && m.open_incident_id.is_none() {
            m.state = Text(MonitorState::Down);
            let incident_id = IncidentId::new_random();
            incident::ActiveModel {
                id: Set(incident_id),
                org_id: Set(m.org_id),
                product_id: Set(m.product_id),
                monitor_id: Set(m.id),
                opened_at: Set(r.checked_at),
                resolved_at: Set(None),
                cause: Set(clip(&r.message, 500)),
                last_error: Set(None),
            }
            .insert(txn)
            .await
            .map_err(internal)?;
            m.open_incident_id = Some(incident_id);
            out.push(Transition::IncidentOpened { incident_id, monitor: who(), at: r.checked_at, cause: clip(&r.message, 500) });
        } else if let Some(incident_id) = m.open_incident_id.filter(|_| matches!(state, MonitorState::Down | MonitorState::Blocked)) {
            // Seen down again after a blocked stretch: the incident it had is still the one.
            m.state = Text(MonitorState::Down);
            incident::Entity::update_many()
                .col_expr(incident::Column::LastError, Expr::value(clip(&r.message, 500)))
                .filter(incident::Column::Id.eq(incident_id))
                .exec(txn)
                .await
                .map_err(internal)?;
        }
    }
    if let Some(days) = r.cert_days_left {
        match cert_stage(days) {
            Some(stage) if m.cert_expiry_stage.is_none_or(|sent| stage < sent) => {
                m.cert_expiry_stage = Some(stage);
                out.push(Transition::CertExpiring { monitor: who(), days_left: days, stage });
            }
            Some(_) => {}
            // Renewed: the next expiry warns again from the first stage.
            None => m.cert_expiry_stage = None,
        }
    }
    Ok(())
}
