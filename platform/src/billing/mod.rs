//! The organisation's plan as Stripe's subscription decides it. Every change goes through
//! [`apply`]: it stores the subscription state, derives the plan with
//! [`domain::subscription::plan_for`], logs a change and applies the new limits (pausing, never
//! deleting). The state always comes from Stripe's API, read when an event arrives, when the
//! daily reconciliation runs, or when the grace period of a past-due subscription ends, so
//! events may come late, twice or in any order.

use crate::db::internal;
use crate::entities::{organization, plan_change, stripe_event};
use crate::ids::OrgId;
use crate::infra::stripe::Stripe;
use crate::tenancy::CrossTenant;
use crate::tenancy::{Capability, TenantScope};
use crate::text_enum::Text;
use chrono::{DateTime, Duration, Utc};
use domain::plans::{Plan, PlanTable};
use domain::subscription::{plan_for, BillingView, PlanChangeView, PlanPrices, SubscriptionState, SubscriptionStatus};
use domain::DomainError;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// A plan that changed, for the log and the caller's mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanChanged {
    pub org_id: OrgId,
    pub from: Plan,
    pub to: Plan,
}

/// Stores `state` as the organisation's subscription and moves the plan to what it grants now.
/// Returns the change, if the plan changed.
#[tracing::instrument(skip(db, plans, prices, state), fields(status = state.as_ref().map(|s| s.status.as_str())))]
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &DatabaseConnection,
    plans: &PlanTable,
    prices: &PlanPrices,
    grace: Duration,
    org_id: OrgId,
    state: Option<SubscriptionState>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<PlanChanged>, DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let org = crate::quota::lock_org(&txn, org_id).await?.ok_or(DomainError::NotFound)?;
    let past_due_since = match state.as_ref().map(|s| s.status) {
        // The grace period runs from the first time we saw it past due, however often we look.
        Some(SubscriptionStatus::PastDue) => org.past_due_since.or(Some(now)),
        _ => None,
    };
    let from = org.plan.0;
    let to = plan_for(state.as_ref(), past_due_since, now, grace, prices);
    let mut row: organization::ActiveModel = org.into();
    row.subscription_id = Set(state.as_ref().map(|s| s.id.clone()));
    row.subscription_status = Set(state.as_ref().map(|s| s.status.as_str().to_owned()));
    row.subscription_price_id = Set(state.as_ref().and_then(|s| s.price_id.clone()));
    row.subscription_period_end = Set(state.as_ref().and_then(|s| s.period_end));
    row.past_due_since = Set(past_due_since);
    row.billing_synced_at = Set(Some(now));
    row.plan = Set(Text(to));
    row.update(&txn).await.map_err(internal)?;
    let change = (from != to).then_some(PlanChanged { org_id, from, to });
    if change.is_some() {
        plan_change::ActiveModel {
            id: Set(crate::ids::new_id()),
            org_id: Set(org_id),
            from_plan: Set(Text(from)),
            to_plan: Set(Text(to)),
            reason: Set(reason.chars().take(255).collect()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(internal)?;
        // Limits follow at once: a downgrade pauses what exceeds the plan, an upgrade resumes it.
        crate::quota::enforce(&txn, plans, org_id, now).await?;
        let subject = format!("{} → {} ({reason})", from.label(), to.label());
        crate::activity::record_system(&txn, org_id, "Billing", domain::team::Activity::PlanChanged, subject).await?;
        tracing::info!(from = from.as_str(), to = to.as_str(), reason, "plan changed");
    }
    txn.commit().await.map_err(internal)?;
    Ok(change)
}

/// Reads the customer's subscription from Stripe and applies it. An unknown customer (not
/// one of ours) changes nothing.
#[tracing::instrument(skip(db, plans, stripe))]
pub async fn sync_customer(
    db: &DatabaseConnection,
    plans: &PlanTable,
    stripe: &Stripe,
    customer: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<PlanChanged>, DomainError> {
    let Some(org) =
        organization::Entity::find().filter(organization::Column::StripeCustomerId.eq(customer)).one(db).await.map_err(internal)?
    else {
        tracing::info!("event for a customer we do not know; ignored");
        return Ok(None);
    };
    let state = stripe.current_subscription(customer).await?;
    apply(db, plans, stripe.prices(), stripe.grace(), org.id, state, reason, now).await
}

/// The daily reconciliation: every organisation with a Stripe customer is read again, so a
/// webhook that never arrived changes the plan at the latest a day later.
#[tracing::instrument(skip_all)]
pub async fn reconcile(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    plans: &PlanTable,
    stripe: &Stripe,
    now: DateTime<Utc>,
) -> Result<Vec<PlanChanged>, DomainError> {
    let customers: Vec<String> = organization::Entity::find()
        .select_only()
        .column(organization::Column::StripeCustomerId)
        .filter(organization::Column::StripeCustomerId.is_not_null())
        .into_tuple::<Option<String>>()
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .flatten()
        .collect();
    let mut changes = Vec::new();
    for customer in customers {
        // One customer Stripe cannot answer for does not stop the others.
        match sync_customer(db, plans, stripe, &customer, "reconciliation", now).await {
            Ok(change) => changes.extend(change),
            Err(err) => tracing::warn!(%err, "reconciliation of one customer failed"),
        }
    }
    tracing::info!(changed = changes.len(), "billing reconciled");
    Ok(changes)
}

/// Past-due subscriptions whose grace period has ended fall to Free without waiting for
/// Stripe (its retries may go on for weeks). Runs with the maintenance sweep.
#[tracing::instrument(skip_all)]
pub async fn end_grace_periods(
    db: &DatabaseConnection,
    _jobs: &CrossTenant,
    plans: &PlanTable,
    prices: &PlanPrices,
    grace: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<PlanChanged>, DomainError> {
    let overdue = organization::Entity::find()
        .filter(organization::Column::SubscriptionStatus.eq(SubscriptionStatus::PastDue.as_str()))
        .filter(organization::Column::PastDueSince.lte(now - grace))
        .filter(organization::Column::Plan.ne(Text(Plan::Free)))
        .all(db)
        .await
        .map_err(internal)?;
    let mut changes = Vec::new();
    for org in overdue {
        let state = stored_state(&org);
        changes.extend(apply(db, plans, prices, grace, org.id, state, "grace period ended", now).await?);
    }
    Ok(changes)
}

fn stored_state(org: &organization::Model) -> Option<SubscriptionState> {
    Some(SubscriptionState {
        id: org.subscription_id.clone()?,
        status: SubscriptionStatus::parse(org.subscription_status.as_deref()?),
        price_id: org.subscription_price_id.clone(),
        period_end: org.subscription_period_end,
    })
}

/// Whether a webhook event is new to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSeen {
    /// First delivery, or an earlier delivery that did not finish: process it.
    Process,
    /// Already processed: a replay, which must have no second effect.
    Duplicate,
}

/// Records the event id (once).
pub async fn record_event(db: &DatabaseConnection, id: &str, kind: &str, now: DateTime<Utc>) -> Result<EventSeen, DomainError> {
    let row = stripe_event::ActiveModel {
        id: Set(id.to_owned()),
        event_type: Set(kind.chars().take(128).collect()),
        received_at: Set(now),
        processed_at: Set(None),
    };
    stripe_event::Entity::insert(row)
        .on_conflict(OnConflict::column(stripe_event::Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await
        .map_err(internal)?;
    let stored = stripe_event::Entity::find_by_id(id.to_owned())
        .one(db)
        .await
        .map_err(internal)?
        .ok_or_else(|| DomainError::Internal("event row vanished".into()))?;
    Ok(if stored.processed_at.is_some() { EventSeen::Duplicate } else { EventSeen::Process })
}

/// Marks the event done; only the first marking counts.
pub async fn event_processed(db: &DatabaseConnection, id: &str, now: DateTime<Utc>) -> Result<(), DomainError> {
    stripe_event::Entity::update_many()
        .col_expr(stripe_event::Column::ProcessedAt, Expr::value(now))
        .filter(stripe_event::Column::Id.eq(id))
        .filter(stripe_event::Column::ProcessedAt.is_null())
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

fn can_manage(scope: &TenantScope) -> bool {
    scope.role().can(Capability::ManageBilling)
}

fn ensure_manager(scope: &TenantScope) -> Result<(), DomainError> {
    scope.require(Capability::ManageBilling)
}

fn not_configured() -> DomainError {
    DomainError::invalid("plan", "billing is not configured on this installation; everything runs on the Free plan")
}

/// The billing page.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn view(
    db: &DatabaseConnection,
    plans: &PlanTable,
    stripe: Option<&Stripe>,
    scope: &TenantScope,
) -> Result<BillingView, DomainError> {
    scope.require(Capability::SeeInternals)?;
    let org = organization::Entity::find_by_id(scope.org_id()).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let plan = org.plan.0;
    let changes = plan_change::Entity::find()
        .filter(plan_change::Column::OrgId.eq(org.id))
        .order_by_desc(plan_change::Column::CreatedAt)
        .limit(10)
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|c| PlanChangeView { from: c.from_plan.0, to: c.to_plan.0, reason: c.reason, at: c.created_at })
        .collect();
    let status = org.subscription_status.as_deref().map(SubscriptionStatus::parse);
    let grace_ends_at = match (status, stripe) {
        (Some(SubscriptionStatus::PastDue), Some(stripe)) => org.past_due_since.map(|since| since + stripe.grace()),
        _ => None,
    };
    Ok(BillingView {
        plan,
        limits: plans.limits(plan).clone(),
        plans: PlanTable::ALL.iter().map(|p| (*p, plans.limits(*p).clone())).collect(),
        usage: crate::quota::usage(db, plans.limits(plan), org.id).await?,
        billing_enabled: stripe.is_some(),
        purchasable: stripe.map(|s| PlanTable::ALL.into_iter().filter(|p| s.prices().price_of(*p).is_some()).collect()).unwrap_or_default(),
        has_customer: org.stripe_customer_id.is_some(),
        status,
        period_end: org.subscription_period_end,
        grace_ends_at,
        changes,
        can_manage: can_manage(scope),
    })
}

/// The organisation's Stripe customer, created on first use.
async fn ensure_customer(db: &DatabaseConnection, stripe: &Stripe, org: &organization::Model, email: &str) -> Result<String, DomainError> {
    if let Some(id) = &org.stripe_customer_id {
        return Ok(id.clone());
    }
    let created = stripe.create_customer(email, org.id).await?;
    // Two tabs may race here: the first id stored wins and the other customer stays unused.
    organization::Entity::update_many()
        .col_expr(organization::Column::StripeCustomerId, Expr::value(created.clone()))
        .filter(organization::Column::Id.eq(org.id))
        .filter(organization::Column::StripeCustomerId.is_null())
        .exec(db)
        .await
        .map_err(internal)?;
    let stored = organization::Entity::find_by_id(org.id).one(db).await.map_err(internal)?.and_then(|o| o.stripe_customer_id);
    stored.ok_or_else(|| DomainError::Internal("customer id not stored".into()))
}

/// Where to send the browser to buy `plan`: Stripe Checkout, or the Customer Portal when a
/// subscription already runs (plan changes of a live subscription belong there, so the
/// customer never pays twice).
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), plan = plan.as_str()))]
pub async fn upgrade_url(
    db: &DatabaseConnection,
    stripe: Option<&Stripe>,
    scope: &TenantScope,
    email: &str,
    plan: Plan,
    base_url: &str,
) -> Result<String, DomainError> {
    ensure_manager(scope)?;
    let stripe = stripe.ok_or_else(not_configured)?;
    let price = stripe
        .prices()
        .price_of(plan)
        .ok_or_else(|| DomainError::invalid("plan", format!("the {} plan cannot be bought here", plan.label())))?;
    let org = organization::Entity::find_by_id(scope.org_id()).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let customer = ensure_customer(db, stripe, &org, email).await?;
    let base = base_url.trim_end_matches('/');
    let live = org.subscription_status.as_deref().map(SubscriptionStatus::parse).is_some_and(SubscriptionStatus::is_live);
    if live {
        return stripe.portal(&customer, &format!("{base}/app/billing")).await;
    }
    stripe
        .subscription_checkout(
            &customer,
            price,
            org.id,
            &format!("{base}/app/billing?checkout=success"),
            &format!("{base}/app/billing?checkout=cancelled"),
        )
        .await
}

/// The Customer Portal: payment methods, invoices, plan changes and cancellation.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn portal_url(
    db: &DatabaseConnection,
    stripe: Option<&Stripe>,
    scope: &TenantScope,
    base_url: &str,
) -> Result<String, DomainError> {
    ensure_manager(scope)?;
    let stripe = stripe.ok_or_else(not_configured)?;
    let org = organization::Entity::find_by_id(scope.org_id()).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let customer =
        org.stripe_customer_id.ok_or_else(|| DomainError::invalid("plan", "there is no billing account yet: choose a plan first"))?;
    stripe.portal(&customer, &format!("{}/app/billing", base_url.trim_end_matches('/'))).await
}
