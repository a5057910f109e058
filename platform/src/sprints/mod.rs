//! Sprint slots (the operator's) and bookings (the founders'). A seat is taken only by a
//! conditional update that keeps `booked <= capacity` (and a CHECK constraint backs it), so
//! concurrent bookings of the last seat leave exactly one winner on either database. Founders
//! reach bookings through their [`TenantScope`]; the operator through an [`Operator`], and then
//! only bookings and the snapshots founders chose to share, never the tenant's other rows.

use crate::db::internal;
use crate::entities::{membership, sprint_booking, sprint_slot, user};
use crate::ids::{AuditId, BookingId, SlotId};
use crate::infra::stripe::{CheckoutState, Stripe};
use crate::tenancy::operator::Operator;
use crate::tenancy::Capability;
use crate::tenancy::CrossTenant;
use crate::tenancy::TenantScope;
use crate::text_enum::Text;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::audit::AuditDetail;
use domain::sprint::{
    offers_sprint, Booked, BookingDecision, BookingSpec, BookingStatus, BookingView, OperatorBooking, SlotSpec, SlotView,
};
use domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// An unpaid deposit holds its seat this long (Stripe's Checkout Sessions expire after 24 h).
pub const DEPOSIT_HOLD: Duration = Duration::hours(24);

fn slot_view(row: &sprint_slot::Model) -> SlotView {
    SlotView {
        id: row.id.into(),
        starts_on: row.starts_on,
        title: row.title.clone(),
        capacity: row.capacity.max(0) as u32,
        booked: row.booked.max(0) as u32,
        price_cents: row.price_cents,
        deposit_cents: row.deposit_cents,
        currency: row.currency.clone(),
    }
}

fn booking_view(row: &sprint_booking::Model, slot: &sprint_slot::Model) -> BookingView {
    BookingView {
        id: row.id.into(),
        slot: slot_view(slot),
        product_id: row.product_id.into(),
        product_name: row.product_name.clone(),
        audit_id: row.audit_id.into(),
        status: row.status.0,
        contact_name: row.contact_name.clone(),
        contact_email: row.contact_email.clone(),
        notes: row.notes.clone(),
        shared_snapshot: row.snapshot.is_some(),
        deposit_cents: row.deposit_cents,
        deposit_paid_at: row.deposit_paid_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

async fn views(db: &impl ConnectionTrait, rows: Vec<sprint_booking::Model>) -> Result<Vec<BookingView>, DomainError> {
    let ids: Vec<SlotId> = rows.iter().map(|b| b.slot_id).collect();
    let slots: HashMap<SlotId, sprint_slot::Model> = sprint_slot::Entity::find()
        .filter(sprint_slot::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(rows.iter().filter_map(|b| slots.get(&b.slot_id).map(|s| booking_view(b, s))).collect())
}

/// Takes one seat of `slot_id` if it has one and has not started. `false` when full.
async fn take_seat(db: &impl ConnectionTrait, slot_id: SlotId, today: NaiveDate) -> Result<bool, DomainError> {
    let taken = sprint_slot::Entity::update_many()
        .col_expr(sprint_slot::Column::Booked, crate::db::increment(sprint_slot::Column::Booked))
        .filter(sprint_slot::Column::Id.eq(slot_id))
        .filter(crate::db::column_below(sprint_slot::Column::Booked, sprint_slot::Column::Capacity))
        .filter(sprint_slot::Column::StartsOn.gte(today))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(taken.rows_affected == 1)
}

async fn release_seat(db: &impl ConnectionTrait, slot_id: SlotId) -> Result<(), DomainError> {
    sprint_slot::Entity::update_many()
        .col_expr(sprint_slot::Column::Booked, crate::db::decrement(sprint_slot::Column::Booked))
        .filter(sprint_slot::Column::Id.eq(slot_id))
        .filter(sprint_slot::Column::Booked.gt(0))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Limits on what one organisation may hold (configuration `sprints.*`).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SprintPolicy {
    /// Bookings of one product that are waiting (for the deposit or for the operator) at once.
    /// A seat is scarce: one organisation must not hold several for the same product.
    pub open_bookings_per_product: u32,
}

impl Default for SprintPolicy {
    fn default() -> Self {
        Self { open_bookings_per_product: 1 }
    }
}

/// What a booking is made with besides the founder's choice: the payment provider (none when
/// billing is off), the desk's limits and our public URL (Checkout's return pages).
#[derive(Clone, Copy)]
pub struct Desk<'a> {
    pub stripe: Option<&'a Stripe>,
    pub policy: SprintPolicy,
    pub base_url: &'a str,
}

/// Bookings that still hold a seat and wait for someone (the founder's deposit, the operator).
const OPEN: [BookingStatus; 2] = [BookingStatus::AwaitingDeposit, BookingStatus::Requested];

/// Booking mail goes to the contact: it must be a confirmed address of someone in the
/// organisation, so nobody can make us mail a stranger.
async fn ensure_confirmed_member(db: &impl ConnectionTrait, scope: &TenantScope, email: &str) -> Result<(), DomainError> {
    let member = match user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .one(db)
        .await
        .map_err(internal)?
    {
        Some(user) => membership::Entity::find()
            .filter(membership::Column::UserId.eq(user.id))
            .filter(membership::Column::OrgId.eq(scope.org_id()))
            .one(db)
            .await
            .map_err(internal)?
            .is_some(),
        None => false,
    };
    if member {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "contact_email",
            "use the confirmed email address of someone in your organisation: booking mail goes only there",
        ))
    }
}

fn full() -> DomainError {
    DomainError::Conflict { field: "slot_id".into(), message: "this slot has just been fully booked; please choose another".into() }
}

// ---- Founders -------------------------------------------------------------------------

/// Slots a founder can book: not started, with a free seat, soonest first.
pub async fn open_slots(db: &DatabaseConnection, today: NaiveDate) -> Result<Vec<SlotView>, DomainError> {
    let rows = sprint_slot::Entity::find()
        .filter(sprint_slot::Column::StartsOn.gte(today))
        .filter(crate::db::column_below(sprint_slot::Column::Booked, sprint_slot::Column::Capacity))
        .order_by_asc(sprint_slot::Column::StartsOn)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows.iter().map(slot_view).collect())
}

/// Books a seat for the product of `audit_id` (which must be this tenant's and offer a
/// sprint). With a deposit and Stripe configured the seat is held while the founder pays
/// through Checkout; otherwise the booking goes straight to the operator.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), %audit_id))]
pub async fn book(
    db: &DatabaseConnection,
    scope: &TenantScope,
    desk: Desk<'_>,
    audit_id: AuditId,
    spec: &BookingSpec,
    now: DateTime<Utc>,
) -> Result<Booked, DomainError> {
    scope.require(Capability::Edit)?;
    let Desk { stripe, policy, base_url } = desk;
    let detail = crate::audits::detail(db, scope, audit_id).await?;
    ensure_confirmed_member(db, scope, spec.contact_email.as_str()).await?;
    if !offers_sprint(&detail.summary) {
        return Err(DomainError::invalid(
            "audit_id",
            "this scorecard passed: a sprint is offered for Hold, Go after fixes, or more than two failures",
        ));
    }
    let snapshot = spec
        .share_snapshot
        .then(|| serde_json::to_string(&AuditDetail { diff: None, ..detail.clone() }))
        .transpose()
        .map_err(|e| DomainError::Internal(e.to_string()))?;
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    // Two bookings at once must not both see room: the organisation's row is the lock.
    crate::quota::lock_org(&txn, scope.org_id()).await?;
    let product_id: crate::ids::ProductId = detail.summary.product_id.into();
    let open = sprint_booking::Entity::find()
        .filter(sprint_booking::Column::OrgId.eq(scope.org_id()))
        .filter(sprint_booking::Column::ProductId.eq(product_id))
        .filter(sprint_booking::Column::Status.is_in(OPEN.map(Text)))
        .count(&txn)
        .await
        .map_err(internal)?;
    if open >= u64::from(policy.open_bookings_per_product) {
        return Err(DomainError::Conflict {
            field: "audit_id".into(),
            message: format!(
                "{} already has a sprint booking waiting for an answer; it can book again once that one is confirmed or declined",
                detail.product_name
            ),
        });
    }
    let slot = sprint_slot::Entity::find_by_id(SlotId::from(spec.slot_id))
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or_else(|| DomainError::invalid("slot_id", "this slot no longer exists"))?;
    if !take_seat(&txn, slot.id, now.date_naive()).await? {
        return Err(full());
    }
    let deposit_due = slot.deposit_cents > 0 && stripe.is_some();
    let row = sprint_booking::ActiveModel {
        id: Set(crate::ids::new_id()),
        slot_id: Set(slot.id),
        org_id: Set(scope.org_id()),
        workspace_id: Set(scope.workspace_id()),
        product_id: Set(product_id),
        audit_id: Set(audit_id),
        product_name: Set(detail.product_name.clone()),
        snapshot: Set(snapshot),
        contact_name: Set(spec.contact_name.clone()),
        contact_email: Set(spec.contact_email.as_str().to_owned()),
        notes: Set(spec.notes.clone()),
        status: Set(Text(if deposit_due { BookingStatus::AwaitingDeposit } else { BookingStatus::Requested })),
        deposit_cents: Set(if deposit_due { slot.deposit_cents } else { 0 }),
        checkout_session_id: Set(None),
        deposit_paid_at: Set(None),
        created_by: Set(scope.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    tracing::info!(booking_id = %row.id, slot_id = %slot.id, deposit_due, "sprint booked");
    let pay_url = match stripe.filter(|_| deposit_due) {
        // A Stripe failure leaves the seat held: the booking page offers to pay again.
        Some(stripe) => Some(start_deposit(db, stripe, &row, &slot, base_url).await?),
        None => None,
    };
    let booking = get(db, scope, row.id).await?;
    Ok(Booked { booking, pay_url })
}

async fn start_deposit(
    db: &DatabaseConnection,
    stripe: &Stripe,
    row: &sprint_booking::Model,
    slot: &sprint_slot::Model,
    base_url: &str,
) -> Result<String, DomainError> {
    let base = base_url.trim_end_matches('/');
    let page = format!("{base}/app/sprints/{}", row.id);
    let (session_id, url) = stripe
        .deposit_checkout(
            &row.contact_email,
            row.id,
            row.deposit_cents,
            &slot.currency,
            &format!("Deposit: {}", slot.title),
            &format!("{page}?deposit=paid"),
            &page,
        )
        .await?;
    sprint_booking::Entity::update_many()
        .col_expr(sprint_booking::Column::CheckoutSessionId, Expr::value(session_id))
        .filter(sprint_booking::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(url)
}

/// A new Checkout page for a booking still waiting for its deposit.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), %id))]
pub async fn deposit_url(
    db: &DatabaseConnection,
    scope: &TenantScope,
    stripe: Option<&Stripe>,
    id: BookingId,
    base_url: &str,
) -> Result<String, DomainError> {
    scope.require(Capability::Edit)?;
    let row = scoped_row(db, scope, id).await?;
    if row.status.0 != BookingStatus::AwaitingDeposit {
        return Err(DomainError::invalid("booking", "this booking has no deposit to pay"));
    }
    let stripe = stripe.ok_or_else(|| DomainError::invalid("booking", "payments are not configured on this installation"))?;
    let slot = sprint_slot::Entity::find_by_id(row.slot_id).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    start_deposit(db, stripe, &row, &slot, base_url).await
}

async fn scoped_row(db: &impl ConnectionTrait, scope: &TenantScope, id: BookingId) -> Result<sprint_booking::Model, DomainError> {
    crate::tenancy::scoped::find::<sprint_booking::Entity>(db, scope, id).await
}

#[tracing::instrument(skip_all, fields(org_id = %scope.org_id(), %id))]
pub async fn get(db: &DatabaseConnection, scope: &TenantScope, id: BookingId) -> Result<BookingView, DomainError> {
    scope.require(Capability::SeeInternals)?;
    let row = scoped_row(db, scope, id).await?;
    views(db, vec![row]).await?.pop().ok_or(DomainError::NotFound)
}

/// The tenant's bookings, newest first.
#[tracing::instrument(skip_all, fields(org_id = %scope.org_id()))]
pub async fn list(db: &DatabaseConnection, scope: &TenantScope) -> Result<Vec<BookingView>, DomainError> {
    scope.require(Capability::SeeInternals)?;
    let rows = crate::tenancy::scoped::select::<sprint_booking::Entity>(scope)
        .order_by_desc(sprint_booking::Column::CreatedAt)
        .all(db)
        .await
        .map_err(internal)?;
    views(db, rows).await
}

/// A Checkout Session of a deposit was completed: if Stripe says it is paid, the booking goes
/// to the operator. Returns the booking id when this call moved it (a replay does not).
///
/// Any paid session of the booking counts, not only the newest: a founder who asked for a new
/// payment page and then paid in the tab of the earlier one has paid all the same. The booking
/// id comes from the session's metadata, which only we set when we create it.
#[tracing::instrument(skip_all, fields(session = %checkout.id))]
pub async fn deposit_paid(db: &DatabaseConnection, checkout: &CheckoutState, now: DateTime<Utc>) -> Result<Option<BookingId>, DomainError> {
    let Some(id) = checkout.metadata.get("booking_id").and_then(|v| uuid::Uuid::parse_str(v).ok()).map(BookingId::from) else {
        return Ok(None);
    };
    if !checkout.paid {
        return Ok(None);
    }
    let moved = sprint_booking::Entity::update_many()
        .col_expr(sprint_booking::Column::Status, Expr::value(Text(BookingStatus::Requested)))
        .col_expr(sprint_booking::Column::DepositPaidAt, Expr::value(now))
        // The session that was paid is the one a refund goes through.
        .col_expr(sprint_booking::Column::CheckoutSessionId, Expr::value(checkout.id.as_str()))
        .col_expr(sprint_booking::Column::UpdatedAt, Expr::value(now))
        .filter(sprint_booking::Column::Id.eq(id))
        .filter(sprint_booking::Column::Status.eq(Text(BookingStatus::AwaitingDeposit)))
        .exec(db)
        .await
        .map_err(internal)?;
    if moved.rows_affected == 1 {
        return Ok(Some(id));
    }
    let booking = sprint_booking::Entity::find_by_id(id).one(db).await.map_err(internal)?;
    match booking {
        // A replay of the session that paid: nothing to do.
        Some(b) if b.checkout_session_id.as_deref() == Some(checkout.id.as_str()) => {}
        // Paid twice, or after the seat was given back: money without a booking to credit.
        Some(b) => {
            tracing::warn!(booking_id = %id, status = b.status.as_str(), "a deposit was paid for a booking no longer awaiting one: refund it in Stripe")
        }
        None => tracing::warn!(booking_id = %id, "a deposit was paid for a booking that does not exist: refund it in Stripe"),
    }
    Ok(None)
}

/// Bookings whose deposit was not paid within [`DEPOSIT_HOLD`] give their seat back.
pub async fn expire_unpaid(db: &DatabaseConnection, _jobs: &CrossTenant, now: DateTime<Utc>) -> Result<Vec<BookingId>, DomainError> {
    let stale = sprint_booking::Entity::find()
        .filter(sprint_booking::Column::Status.eq(Text(BookingStatus::AwaitingDeposit)))
        .filter(sprint_booking::Column::CreatedAt.lt(now - DEPOSIT_HOLD))
        .all(db)
        .await
        .map_err(internal)?;
    let mut expired = Vec::new();
    for row in stale {
        let txn = crate::db::begin_write(db).await.map_err(internal)?;
        if set_status(&txn, &row, BookingStatus::AwaitingDeposit, BookingStatus::Expired, now).await? {
            release_seat(&txn, row.slot_id).await?;
            expired.push(row.id);
        }
        txn.commit().await.map_err(internal)?;
    }
    Ok(expired)
}

/// Moves a booking from `from` to `to`; `false` when someone else moved it first.
async fn set_status(
    db: &impl ConnectionTrait,
    row: &sprint_booking::Model,
    from: BookingStatus,
    to: BookingStatus,
    now: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let moved = sprint_booking::Entity::update_many()
        .col_expr(sprint_booking::Column::Status, Expr::value(Text(to)))
        .col_expr(sprint_booking::Column::UpdatedAt, Expr::value(now))
        .filter(sprint_booking::Column::Id.eq(row.id))
        .filter(sprint_booking::Column::Status.eq(Text(from)))
        .exec(db)
        .await
        .map_err(internal)?;
    Ok(moved.rows_affected == 1)
}

// ---- The operator ---------------------------------------------------------------------

#[tracing::instrument(skip_all, fields(operator = %operator.user_id()))]
pub async fn create_slot(
    db: &DatabaseConnection,
    operator: &Operator,
    spec: &SlotSpec,
    now: DateTime<Utc>,
) -> Result<SlotView, DomainError> {
    let row = sprint_slot::ActiveModel {
        id: Set(crate::ids::new_id()),
        starts_on: Set(spec.starts_on),
        title: Set(spec.title.clone()),
        capacity: Set(spec.capacity as i32),
        booked: Set(0),
        price_cents: Set(spec.price_cents),
        deposit_cents: Set(spec.deposit_cents),
        currency: Set(spec.currency.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(internal)?;
    tracing::info!(slot_id = %row.id, "sprint slot published");
    Ok(slot_view(&row))
}

/// Every slot from `since` on, soonest first (the operator's calendar).
pub async fn slots(db: &DatabaseConnection, _operator: &Operator, since: NaiveDate) -> Result<Vec<SlotView>, DomainError> {
    let rows = sprint_slot::Entity::find()
        .filter(sprint_slot::Column::StartsOn.gte(since))
        .order_by_asc(sprint_slot::Column::StartsOn)
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows.iter().map(slot_view).collect())
}

/// Every booking, newest first.
pub async fn all_bookings(db: &DatabaseConnection, _operator: &Operator) -> Result<Vec<BookingView>, DomainError> {
    let rows = sprint_booking::Entity::find().order_by_desc(sprint_booking::Column::CreatedAt).all(db).await.map_err(internal)?;
    views(db, rows).await
}

/// One booking with the snapshot its founder shared (and nothing else of theirs).
pub async fn operator_booking(db: &DatabaseConnection, _operator: &Operator, id: BookingId) -> Result<OperatorBooking, DomainError> {
    let row = sprint_booking::Entity::find_by_id(id).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let snapshot = match &row.snapshot {
        Some(json) => Some(serde_json::from_str(json).map_err(|e| DomainError::Internal(format!("snapshot: {e}")))?),
        None => None,
    };
    let booking = views(db, vec![row]).await?.pop().ok_or(DomainError::NotFound)?;
    Ok(OperatorBooking { booking, snapshot })
}

/// Confirms, declines or moves a booking. Declining gives the seat back; moving takes a seat
/// of the new slot (refused when it is full) and gives the old one back, in one transaction.
#[tracing::instrument(skip_all, fields(operator = %operator.user_id(), %id, ?decision))]
pub async fn decide(
    db: &DatabaseConnection,
    operator: &Operator,
    id: BookingId,
    decision: BookingDecision,
    now: DateTime<Utc>,
) -> Result<BookingView, DomainError> {
    let txn = crate::db::begin_write(db).await.map_err(internal)?;
    let row = sprint_booking::Entity::find_by_id(id).one(&txn).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    let status = row.status.0;
    let refuse =
        |what: &str| DomainError::invalid("decision", format!("a booking that is {} cannot be {what}", status.label().to_lowercase()));
    match decision {
        BookingDecision::Confirm => {
            if status != BookingStatus::Requested || !set_status(&txn, &row, status, BookingStatus::Confirmed, now).await? {
                return Err(refuse("confirmed"));
            }
        }
        BookingDecision::Decline => {
            if !status.holds_seat() || !set_status(&txn, &row, status, BookingStatus::Declined, now).await? {
                return Err(refuse("declined"));
            }
            release_seat(&txn, row.slot_id).await?;
        }
        BookingDecision::Reschedule { slot_id } => {
            let slot_id = SlotId::from(slot_id);
            if !status.holds_seat() {
                return Err(refuse("moved"));
            }
            if slot_id == row.slot_id {
                return Err(DomainError::invalid("slot_id", "choose a different slot"));
            }
            if sprint_slot::Entity::find_by_id(slot_id).one(&txn).await.map_err(internal)?.is_none() {
                return Err(DomainError::invalid("slot_id", "this slot does not exist"));
            }
            if !take_seat(&txn, slot_id, now.date_naive()).await? {
                return Err(full());
            }
            release_seat(&txn, row.slot_id).await?;
            sprint_booking::Entity::update_many()
                .col_expr(sprint_booking::Column::SlotId, Expr::value(slot_id))
                .col_expr(sprint_booking::Column::UpdatedAt, Expr::value(now))
                .filter(sprint_booking::Column::Id.eq(row.id))
                .exec(&txn)
                .await
                .map_err(internal)?;
        }
    }
    txn.commit().await.map_err(internal)?;
    let row = sprint_booking::Entity::find_by_id(id).one(db).await.map_err(internal)?.ok_or(DomainError::NotFound)?;
    views(db, vec![row]).await?.pop().ok_or(DomainError::NotFound)
}

/// A booking by id for a mail job (no tenant or operator in the loop).
pub async fn load_for_job(db: &DatabaseConnection, _jobs: &CrossTenant, id: BookingId) -> Result<Option<BookingView>, DomainError> {
    let Some(row) = sprint_booking::Entity::find_by_id(id).one(db).await.map_err(internal)? else { return Ok(None) };
    Ok(views(db, vec![row]).await?.pop())
}
