//! Alerts: what happened (an [`AlertEvent`]), one notification per enabled channel, and the
//! delivery state the delivery job moves (claim with a lease, delivered, retry with backoff,
//! failed). Each event reaches each channel once (a unique key), and a tenant's alerts are
//! rate-limited: beyond the hourly allowance they are logged as suppressed, not sent.

pub mod channels;

use crate::alerts::channels::ChannelSecret;
use crate::db::internal;
use crate::entities::{notification, notification_channel};
use crate::ids::{AuditId, ChannelId, IncidentId, MonitorId, NotificationId, OrgId, ProductId, WorkspaceId};
use crate::infra::secret::SecretKey;
use crate::tenancy::Capability;
use crate::tenancy::CrossTenant;
use crate::tenancy::TenantScope;
use crate::text_enum::Text;
use chrono::{DateTime, Duration, Utc};
use domain::channel::{DeliveryStatus, DeliveryView};
use domain::plans::{ChannelKind, PlanTable};
use domain::scorecard::Grade;
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AlertEvent {
    IncidentOpened {
        incident_id: IncidentId,
        product_id: ProductId,
        product: String,
        monitor: String,
        target: String,
        cause: String,
        at: DateTime<Utc>,
    },
    IncidentResolved {
        incident_id: IncidentId,
        product_id: ProductId,
        product: String,
        monitor: String,
        target: String,
        opened_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    CertificateExpiring {
        monitor_id: MonitorId,
        product_id: ProductId,
        product: String,
        monitor: String,
        target: String,
        days_left: i64,
        stage: i32,
    },
    /// An edge's challenge has answered instead of the site for several checks in a row: the
    /// monitor cannot tell whether the site is up.
    MonitorBlocked {
        monitor_id: MonitorId,
        product_id: ProductId,
        product: String,
        monitor: String,
        target: String,
        cause: String,
        at: DateTime<Utc>,
    },
    /// A blocked monitor reaches the site again.
    MonitorUnblocked {
        monitor_id: MonitorId,
        product_id: ProductId,
        product: String,
        monitor: String,
        target: String,
        at: DateTime<Utc>,
    },
    AuditRegression {
        audit_id: AuditId,
        product_id: ProductId,
        product: String,
        grade_before: Option<Grade>,
        /// None when the run measured too little for a grade.
        grade_now: Option<Grade>,
        new_failures: Vec<String>,
    },
    Test {
        channel_id: ChannelId,
        at: DateTime<Utc>,
    },
}

impl AlertEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::IncidentOpened { .. } => "incident.opened",
            Self::IncidentResolved { .. } => "incident.resolved",
            Self::CertificateExpiring { .. } => "certificate.expiring",
            Self::MonitorBlocked { .. } => "monitor.blocked",
            Self::MonitorUnblocked { .. } => "monitor.unblocked",
            Self::AuditRegression { .. } => "audit.regression",
            Self::Test { .. } => "test",
        }
    }

    /// Identifies the event, so a repeated job raises it once per channel.
    pub fn key(&self) -> String {
        match self {
            Self::IncidentOpened { incident_id, .. } => format!("incident:{incident_id}:opened"),
            Self::IncidentResolved { incident_id, .. } => format!("incident:{incident_id}:resolved"),
            Self::CertificateExpiring { monitor_id, stage, target, .. } => {
                format!("cert:{monitor_id}:{target}:{stage}:{}", Utc::now().format("%Y-%m"))
            }
            Self::MonitorBlocked { monitor_id, at, .. } => format!("blocked:{monitor_id}:{}", at.timestamp_millis()),
            Self::MonitorUnblocked { monitor_id, at, .. } => format!("unblocked:{monitor_id}:{}", at.timestamp_millis()),
            Self::AuditRegression { audit_id, .. } => format!("audit:{audit_id}:regression"),
            Self::Test { channel_id, at } => format!("test:{channel_id}:{}", at.timestamp_millis()),
        }
    }

    pub fn product_id(&self) -> Option<ProductId> {
        match self {
            Self::IncidentOpened { product_id, .. }
            | Self::IncidentResolved { product_id, .. }
            | Self::CertificateExpiring { product_id, .. }
            | Self::MonitorBlocked { product_id, .. }
            | Self::MonitorUnblocked { product_id, .. }
            | Self::AuditRegression { product_id, .. } => Some(*product_id),
            Self::Test { .. } => None,
        }
    }

    pub fn subject(&self) -> String {
        match self {
            Self::IncidentOpened { product, monitor, .. } => format!("[launchready] DOWN: {product} — {monitor}"),
            Self::IncidentResolved { product, monitor, .. } => format!("[launchready] RECOVERED: {product} — {monitor}"),
            Self::CertificateExpiring { product, days_left, .. } if *days_left < 0 => {
                format!("[launchready] Certificate EXPIRED: {product}")
            }
            Self::CertificateExpiring { product, days_left, .. } => {
                format!("[launchready] Certificate expires in {days_left} days: {product}")
            }
            Self::MonitorBlocked { product, monitor, .. } => format!("[launchready] BLOCKED BY THE EDGE: {product} — {monitor}"),
            Self::MonitorUnblocked { product, monitor, .. } => format!("[launchready] Reachable again: {product} — {monitor}"),
            Self::AuditRegression { product, grade_now: Some(grade), .. } => {
                format!("[launchready] Audit regression: {product} is now {grade}")
            }
            Self::AuditRegression { product, grade_now: None, .. } => format!("[launchready] Audit regression: {product} has new failures"),
            Self::Test { .. } => "[launchready] Test alert".into(),
        }
    }

    /// Plain text, for email and Slack. `base_url` points links at the product.
    pub fn text(&self, base_url: &str) -> String {
        let link = |id: &ProductId| format!("{base_url}/app/products/{id}");
        match self {
            Self::IncidentOpened { product_id, monitor, target, cause, at, .. } => format!(
                "{monitor} ({target}) is down since {}.\nCause: {cause}\n\nThe incident was opened after consecutive failed checks and will resolve after consecutive successes.\n{}",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                link(product_id)
            ),
            Self::IncidentResolved { product_id, monitor, target, opened_at, at, .. } => {
                let down = (*at - *opened_at).num_seconds().max(0);
                format!(
                    "{monitor} ({target}) is back up at {}.\nDown for {} (since {}).\n{}",
                    at.format("%Y-%m-%d %H:%M:%S UTC"),
                    human_duration(down),
                    opened_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    link(product_id)
                )
            }
            Self::CertificateExpiring { product_id, target, days_left, .. } => format!(
                "The TLS certificate served by {target} {}.\nRenew it before visitors see a browser warning.\n{}",
                if *days_left < 0 { "has expired".to_owned() } else { format!("expires in {days_left} days") },
                link(product_id)
            ),
            Self::MonitorBlocked { product_id, monitor, target, cause, at, .. } => format!(
                "{monitor} ({target}) cannot be checked since {}: {cause}\nA CDN or WAF answers its checks with a challenge or block page, so whether the site is up cannot be told. It is not counted as down, nor as up.\nLet the monitor through your edge (its requests carry the User-Agent \"launchready/…\"), or monitor an address the edge does not challenge.\n{}",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                link(product_id)
            ),
            Self::MonitorUnblocked { product_id, monitor, target, at, .. } => format!(
                "{monitor} ({target}) reaches the site again since {}: the edge no longer answers instead of it.\n{}",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                link(product_id)
            ),
            Self::AuditRegression { product_id, audit_id, grade_before, grade_now, new_failures, .. } => {
                let mut text = match grade_now {
                    Some(grade) => format!("The latest audit graded {grade}"),
                    None => "The latest audit measured too little for a grade".to_owned(),
                };
                if let Some(before) = grade_before {
                    text.push_str(&format!(" (was {before})"));
                }
                text.push_str(".\n");
                if !new_failures.is_empty() {
                    text.push_str("New critical or high failures:\n");
                    for f in new_failures {
                        text.push_str(&format!("- {f}\n"));
                    }
                }
                text.push_str(&format!("{base_url}/app/products/{product_id}/audits/{audit_id}"));
                text
            }
            Self::Test { .. } => "This is a test alert from launchready. If you can read it, this channel works.".into(),
        }
    }
}

fn human_duration(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Rate limit and retry settings for alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertPolicy {
    /// Notifications a tenant may be sent per hour; more are logged as suppressed.
    pub per_org_per_hour: u32,
    /// Delivery attempts before a notification is marked failed.
    pub max_attempts: u32,
    /// First retry delay (seconds); doubles per attempt, capped at one hour.
    pub first_retry_secs: u32,
}

impl Default for AlertPolicy {
    fn default() -> Self {
        Self { per_org_per_hour: 60, max_attempts: 6, first_retry_secs: 30 }
    }
}

impl AlertPolicy {
    pub fn retry_delay(&self, attempts: u32) -> Duration {
        let secs = u64::from(self.first_retry_secs.max(1)).saturating_mul(1u64 << attempts.saturating_sub(1).min(16));
        Duration::seconds(secs.min(3600) as i64)
    }
}

/// Creates one notification per enabled channel of the workspace that the plan allows.
/// Returns the ids to deliver now (suppressed ones are logged, not returned).
#[tracing::instrument(skip(_jobs, db, plans, policy, event), fields(kind = event.kind()))]
pub async fn raise(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    plans: &PlanTable,
    policy: &AlertPolicy,
    org_id: OrgId,
    workspace_id: WorkspaceId,
    event: &AlertEvent,
) -> Result<Vec<NotificationId>, DomainError> {
    let plan = crate::quota::plan_of(db, org_id).await?;
    let limits = plans.limits(plan);
    let allowed = &limits.alert_channels;
    // After a downgrade an organisation may have more channels than its plan: the oldest ones
    // it allows still alert.
    let channels: Vec<notification_channel::Model> = notification_channel::Entity::find()
        .filter(notification_channel::Column::OrgId.eq(org_id))
        .filter(notification_channel::Column::WorkspaceId.eq(workspace_id))
        .filter(notification_channel::Column::Enabled.eq(true))
        .order_by_asc(notification_channel::Column::CreatedAt)
        .limit(limits.channels.limit())
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|c| allowed.contains(&c.kind.0))
        .filter(|c| match event {
            AlertEvent::Test { channel_id, .. } => c.id == *channel_id,
            _ => true,
        })
        .collect();
    insert_for(db, policy, org_id, &channels, event).await
}

async fn insert_for(
    db: &DatabaseConnection,
    policy: &AlertPolicy,
    org_id: OrgId,
    channels: &[notification_channel::Model],
    event: &AlertEvent,
) -> Result<Vec<NotificationId>, DomainError> {
    let now = Utc::now();
    let payload = serde_json::to_string(event).map_err(|e| DomainError::Internal(e.to_string()))?;
    let mut to_deliver = Vec::new();
    let mut sent_last_hour = notification::Entity::find()
        .filter(notification::Column::OrgId.eq(org_id))
        .filter(notification::Column::CreatedAt.gte(now - Duration::hours(1)))
        .filter(notification::Column::Status.ne(Text(DeliveryStatus::Suppressed)))
        .count(db)
        .await
        .map_err(internal)?;
    for channel in channels {
        let suppressed = sent_last_hour >= u64::from(policy.per_org_per_hour);
        let id = NotificationId::new_random();
        let row = notification::ActiveModel {
            id: Set(id),
            org_id: Set(org_id),
            channel_id: Set(channel.id),
            product_id: Set(event.product_id()),
            event_key: Set(event.key()),
            event_kind: Set(event.kind().into()),
            subject: Set(event.subject().chars().take(300).collect()),
            payload: Set(payload.clone()),
            status: Set(Text(if suppressed { DeliveryStatus::Suppressed } else { DeliveryStatus::Pending })),
            attempts: Set(0),
            last_error: Set(suppressed.then(|| format!("rate limit: more than {} alerts in an hour", policy.per_org_per_hour))),
            next_attempt_at: Set(Some(now)),
            created_at: Set(now),
            delivered_at: Set(None),
        };
        let inserted = notification::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([notification::Column::ChannelId, notification::Column::EventKey])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .map_err(internal)?;
        if inserted == 1 && !suppressed {
            sent_last_hour += 1;
            to_deliver.push(id);
        } else if suppressed {
            tracing::warn!(%org_id, "alert suppressed by the tenant's rate limit");
        }
    }
    Ok(to_deliver)
}

/// Queues a test alert to one channel of the tenant. A channel whose kind the plan no longer
/// includes (after a downgrade) sends nothing, tests included: 402, as creating one would.
pub async fn send_test(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    policy: &AlertPolicy,
    channel_id: ChannelId,
) -> Result<Vec<NotificationId>, DomainError> {
    scope.require(Capability::Edit)?;
    let channel = crate::alerts::channels::get_row(db, scope, channel_id).await?;
    crate::alerts::channels::ensure_kind_allowed(db, scope, plans, channel.kind.0).await?;
    insert_for(db, policy, scope.org_id(), &[channel], &AlertEvent::Test { channel_id, at: Utc::now() }).await
}

/// One notification ready to send.
pub struct Delivery {
    pub id: NotificationId,
    pub org_id: OrgId,
    pub kind: ChannelKind,
    pub secret: ChannelSecret,
    pub event: AlertEvent,
    /// This attempt's number, from 1.
    pub attempt: u32,
}

/// Claims a pending notification whose time has come: one attempt more, and a lease (the
/// next attempt time moves on) so no other worker sends it meanwhile. `None` when it is not
/// due, already delivered or given up.
#[tracing::instrument(skip(_jobs, db, key))]
pub async fn claim(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    key: &SecretKey,
    id: NotificationId,
    lease: Duration,
) -> Result<Option<Delivery>, DomainError> {
    let now = Utc::now();
    let claimed = notification::Entity::update_many()
        .col_expr(notification::Column::Attempts, crate::db::increment(notification::Column::Attempts))
        .col_expr(notification::Column::NextAttemptAt, Expr::value(now + lease))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::Status.eq(Text(DeliveryStatus::Pending)))
        .filter(Condition::any().add(notification::Column::NextAttemptAt.is_null()).add(notification::Column::NextAttemptAt.lte(now)))
        .exec(db)
        .await
        .map_err(internal)?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    let Some(row) = notification::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(None) };
    let Some(channel) = notification_channel::Entity::find_by_id(row.channel_id).one(db).await.map_err(internal)? else { return Ok(None) };
    let readable =
        serde_json::from_str::<AlertEvent>(&row.payload).map_err(|e| format!("its payload is unreadable: {e}")).and_then(|event| {
            ChannelSecret::open(key, &channel.secret)
                .map(|secret| (event, secret))
                .map_err(|_| "its channel's secret cannot be opened (was the secret key changed?)".to_owned())
        });
    let (event, secret) = match readable {
        Ok(parts) => parts,
        Err(reason) => {
            // No retry can mend this: fail it now rather than claim it after every lease.
            notification::Entity::update_many()
                .col_expr(notification::Column::Status, Expr::value(Text(DeliveryStatus::Failed)))
                .col_expr(notification::Column::LastError, Expr::value(format!("cannot be sent: {reason}")))
                .col_expr(notification::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(notification::Column::Id.eq(id))
                .exec(db)
                .await
                .map_err(internal)?;
            tracing::warn!(notification_id = %id, %reason, "notification failed for good");
            return Ok(None);
        }
    };
    Ok(Some(Delivery { id, org_id: row.org_id, kind: channel.kind.0, secret, event, attempt: row.attempts.max(1) as u32 }))
}

pub async fn delivered(db: &DatabaseConnection, _jobs: &CrossTenant, id: NotificationId) -> Result<(), DomainError> {
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Text(DeliveryStatus::Delivered)))
        .col_expr(notification::Column::DeliveredAt, Expr::value(Utc::now()))
        .col_expr(notification::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(notification::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Records a failed attempt: retried later with backoff, or failed for good after the last.
pub async fn attempt_failed(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    policy: &AlertPolicy,
    id: NotificationId,
    attempt: u32,
    error: &str,
) -> Result<bool, DomainError> {
    let give_up = attempt >= policy.max_attempts;
    let next = (!give_up).then(|| Utc::now() + policy.retry_delay(attempt));
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(Text(if give_up { DeliveryStatus::Failed } else { DeliveryStatus::Pending })))
        .col_expr(notification::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
        .col_expr(notification::Column::NextAttemptAt, Expr::value(next))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(give_up)
}

/// Pending notifications whose next attempt is due (retries, and any whose job was lost).
pub async fn due(db: &DatabaseConnection, _jobs: &CrossTenant, now: DateTime<Utc>, limit: u64) -> Result<Vec<NotificationId>, DomainError> {
    notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::Status.eq(Text(DeliveryStatus::Pending)))
        .filter(notification::Column::NextAttemptAt.lte(now))
        .order_by_asc(notification::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
        .map_err(internal)
}

/// The tenant's delivery log, newest first.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn log(db: &DatabaseConnection, scope: &TenantScope, limit: u64) -> Result<Vec<DeliveryView>, DomainError> {
    scope.require(Capability::SeeInternals)?;
    let channels: HashMap<ChannelId, (String, ChannelKind)> =
        crate::alerts::channels::list(db, scope).await?.into_iter().map(|c| (c.id.into(), (c.name, c.kind))).collect();
    let rows = crate::tenancy::scoped::select::<notification::Entity>(scope)
        .filter(notification::Column::ChannelId.is_in(channels.keys().copied()))
        .order_by_desc(notification::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (name, kind) = channels.get(&r.channel_id).cloned().unwrap_or(("deleted channel".into(), ChannelKind::Email));
            DeliveryView {
                id: r.id.into(),
                channel_id: r.channel_id.into(),
                channel_name: name,
                channel_kind: kind,
                event_kind: r.event_kind,
                subject: r.subject,
                status: r.status.0,
                attempts: r.attempts.max(0) as u32,
                last_error: r.last_error,
                created_at: r.created_at,
                delivered_at: r.delivered_at,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_and_caps() {
        let p = AlertPolicy::default();
        assert_eq!(p.retry_delay(1), Duration::seconds(30));
        assert_eq!(p.retry_delay(2), Duration::seconds(60));
        assert_eq!(p.retry_delay(20), Duration::seconds(3600));
    }

    #[test]
    fn events_have_stable_keys_and_readable_text() {
        let id = uuid::Uuid::new_v4();
        let at = Utc::now();
        let event = AlertEvent::IncidentOpened {
            incident_id: id.into(),
            product_id: id.into(),
            product: "Shop".into(),
            monitor: "Main URL".into(),
            target: "https://shop.example/".into(),
            cause: "connection refused".into(),
            at,
        };
        assert_eq!(event.key(), format!("incident:{id}:opened"));
        assert!(event.subject().contains("DOWN: Shop"));
        assert!(event.text("https://lr.example").contains("connection refused"));
        let json = serde_json::to_string(&event).unwrap();
        assert!(json.contains("\"event\":\"incident_opened\""));
    }
}
