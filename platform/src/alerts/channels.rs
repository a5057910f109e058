//! Alert channels of the current workspace. The destination (and a webhook's signing secret)
//! is sealed at rest; the browser only ever gets a hint of it.

use crate::db::internal;
use crate::entities::notification_channel;
use crate::ids::ChannelId;
use crate::infra::secret::SecretKey;
use crate::tenancy::Capability;
use crate::tenancy::TenantScope;
use crate::text_enum::Text;
use chrono::Utc;
use domain::channel::{hint_of, ChannelCreated, ChannelSpec, ChannelView};
use domain::plans::{ChannelKind, PlanTable};
use domain::DomainError;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, Set};

/// A channel's opened secret: where to send and, for webhooks, what to sign with.
/// Neither `Debug`-printable nor serialisable.
pub struct ChannelSecret {
    pub target: String,
    pub signing_secret: Option<String>,
}

impl std::fmt::Debug for ChannelSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChannelSecret(<redacted>)")
    }
}

impl ChannelSecret {
    fn seal(&self, key: &SecretKey) -> String {
        let json = serde_json::json!({ "target": self.target, "signing_secret": self.signing_secret });
        crate::infra::sealed::seal(key, json.to_string().as_bytes())
    }

    pub fn open(key: &SecretKey, sealed: &str) -> Result<Self, DomainError> {
        let bytes = crate::infra::sealed::open(key, sealed)?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| DomainError::Internal(format!("sealed channel secret: {e}")))?;
        Ok(Self {
            target: value["target"].as_str().unwrap_or_default().to_owned(),
            signing_secret: value["signing_secret"].as_str().map(str::to_owned),
        })
    }
}

fn scoped(scope: &TenantScope) -> sea_orm::Select<notification_channel::Entity> {
    crate::tenancy::scoped::select::<notification_channel::Entity>(scope)
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn list(db: &DatabaseConnection, scope: &TenantScope) -> Result<Vec<ChannelView>, DomainError> {
    scope.require(Capability::SeeInternals)?;
    Ok(scoped(scope)
        .order_by_asc(notification_channel::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(to_view)
        .collect())
}

/// Adds a channel the plan allows. A webhook gets a fresh signing secret, returned once.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), kind = spec.kind.as_str()))]
pub async fn create(
    db: &DatabaseConnection,
    scope: &TenantScope,
    key: &SecretKey,
    plans: &PlanTable,
    spec: &ChannelSpec,
) -> Result<ChannelCreated, DomainError> {
    scope.require(Capability::Edit)?;
    ensure_kind_allowed(db, scope, plans, spec.kind).await?;
    let signing_secret = (spec.kind == ChannelKind::Webhook).then(|| {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        format!("whsec_{}", hex::encode(bytes))
    });
    let secret = ChannelSecret { target: spec.target.clone(), signing_secret: signing_secret.clone() };
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    crate::quota::ensure_room(&txn, plans, scope.org_id(), domain::plans::Resource::Channels).await?;
    let row = notification_channel::ActiveModel {
        id: Set(crate::ids::new_id()),
        org_id: Set(scope.org_id()),
        workspace_id: Set(scope.workspace_id()),
        name: Set(spec.name.clone()),
        kind: Set(Text(spec.kind)),
        hint: Set(hint_of(spec.kind, &spec.target)),
        secret: Set(secret.seal(key)),
        enabled: Set(true),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    tracing::info!(channel_id = %row.id, "alert channel created");
    Ok(ChannelCreated { channel: to_view(row), signing_secret })
}

/// 402 unless the organisation's plan includes alerts of this kind (checked when a channel is
/// created and when one sends a test: after a downgrade a channel may stay but not send).
pub(crate) async fn ensure_kind_allowed(
    db: &DatabaseConnection,
    scope: &TenantScope,
    plans: &PlanTable,
    kind: ChannelKind,
) -> Result<(), DomainError> {
    let plan = crate::quota::plan_of(db, scope.org_id()).await?;
    if plans.limits(plan).alert_channels.contains(&kind) {
        return Ok(());
    }
    Err(DomainError::plan_limit(
        "alert_channels",
        format!("{} alerts are not included in the {} plan, which sends email alerts. Upgrade to use them.", kind.label(), plan.label()),
    ))
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), channel_id = %id))]
pub async fn set_enabled(db: &DatabaseConnection, scope: &TenantScope, id: ChannelId, enabled: bool) -> Result<ChannelView, DomainError> {
    scope.require(Capability::Edit)?;
    let row =
        scoped(scope).filter(notification_channel::Column::Id.eq(id)).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let mut active: notification_channel::ActiveModel = row.into();
    active.enabled = Set(enabled);
    Ok(to_view(active.update(db).await.map_err(internal)?))
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), channel_id = %id))]
pub async fn delete(db: &DatabaseConnection, scope: &TenantScope, id: ChannelId) -> Result<(), DomainError> {
    scope.require(Capability::Edit)?;
    crate::tenancy::scoped::delete::<notification_channel::Entity>(db, scope, id).await
}

/// The channel row when it is this tenant's.
pub(crate) async fn get_row(
    db: &DatabaseConnection,
    scope: &TenantScope,
    id: ChannelId,
) -> Result<notification_channel::Model, DomainError> {
    scoped(scope).filter(notification_channel::Column::Id.eq(id)).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)
}

fn to_view(row: notification_channel::Model) -> ChannelView {
    ChannelView { id: row.id.into(), name: row.name, kind: row.kind.0, hint: row.hint, enabled: row.enabled, created_at: row.created_at }
}
