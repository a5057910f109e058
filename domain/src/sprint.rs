//! Launch Ready sprints: the slots an operator publishes and the bookings founders make from a
//! failing scorecard. Forms, validated specs and views; pure, so the browser shares them.

use crate::audit::{AuditDetail, AuditStatus, AuditSummary};
use crate::email::EmailAddress;
use crate::scorecard::Decision;
use crate::{DomainError, FieldError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whether a scorecard should offer a sprint: it finished and its decision is Hold or Go after
/// fixes, or it has more than two failures.
pub fn offers_sprint(summary: &AuditSummary) -> bool {
    // Something measured must have failed: a Hold because nothing could be checked (the
    // scanner's resolver was down, say) is no work for a sprint.
    let failed = summary.counts.is_some_and(|c| c.fail > 0);
    summary.status == AuditStatus::Done
        && failed
        && (matches!(summary.decision, Some(Decision::Hold | Decision::GoAfterFixes)) || summary.counts.is_some_and(|c| c.fail > 2))
}

/// The operator's form for a new slot (every field as typed).
/// A field the request left out reads as empty, so validation names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlotForm {
    pub starts_on: String,
    pub title: String,
    pub capacity: String,
    /// In whole currency units with up to two decimals ("1500" or "1500.00").
    pub price: String,
    pub deposit: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSpec {
    pub starts_on: NaiveDate,
    pub title: String,
    pub capacity: u32,
    pub price_cents: i64,
    pub deposit_cents: i64,
    pub currency: String,
}

const MAX_CAPACITY: u32 = 100;

impl SlotForm {
    /// Checks every field; `today` keeps slots from starting in the past.
    pub fn validate(&self, today: NaiveDate) -> Result<SlotSpec, DomainError> {
        let mut errors = Vec::new();
        let starts_on = match NaiveDate::parse_from_str(self.starts_on.trim(), "%Y-%m-%d") {
            Ok(date) if date < today => {
                errors.push(FieldError::new("starts_on", "choose today or a later date"));
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new("starts_on", "a date as YYYY-MM-DD"));
                None
            }
        };
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new("title", "1 to 200 characters"));
        }
        let capacity = match self.capacity.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_CAPACITY).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError::new("capacity", format!("a whole number of seats from 1 to {MAX_CAPACITY}")));
                None
            }
        };
        let price = money(&mut errors, "price", &self.price);
        let deposit = if self.deposit.trim().is_empty() { Some(0) } else { money(&mut errors, "deposit", &self.deposit) };
        if let (Some(price), Some(deposit)) = (price, deposit) {
            if deposit > price {
                errors.push(FieldError::new("deposit", "cannot be more than the price"));
            }
            if deposit > 0 && deposit < 50 {
                errors.push(FieldError::new("deposit", "at least 0.50, or empty for none (card payments have a minimum)"));
            }
        }
        let currency = self.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(FieldError::new("currency", "a three-letter ISO code such as EUR or USD"));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(SlotSpec {
            starts_on: starts_on.unwrap_or(today),
            title: title.to_owned(),
            capacity: capacity.unwrap_or(1),
            price_cents: price.unwrap_or(0),
            deposit_cents: deposit.unwrap_or(0),
            currency,
        })
    }
}

/// "1500", "1500.5" or "1500.50" → cents; no signs, no thousands separators.
fn money(errors: &mut Vec<FieldError>, field: &str, text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let valid = !whole.is_empty()
        && whole.len() <= 9
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.len() <= 2
        && fraction.chars().all(|c| c.is_ascii_digit());
    if !valid {
        errors.push(FieldError::new(field, "an amount such as 1500 or 1500.00"));
        return None;
    }
    let cents = format!("{fraction:0<2}").parse::<i64>().unwrap_or(0);
    Some(whole.parse::<i64>().unwrap_or(0) * 100 + cents)
}

/// An amount for people: "EUR 1,500.00".
pub fn format_money(cents: i64, currency: &str) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{currency} {grouped}.{:02}", cents % 100)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub id: Uuid,
    pub starts_on: NaiveDate,
    pub title: String,
    pub capacity: u32,
    pub booked: u32,
    pub price_cents: i64,
    pub deposit_cents: i64,
    pub currency: String,
}

impl SlotView {
    pub fn remaining(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }
    pub fn label(&self) -> String {
        format!("{} — {}", self.starts_on.format("%a %e %b %Y"), self.title)
    }
}

/// The founder's booking form.
/// A field the request left out reads as empty (an unticked box sends nothing), so validation
/// names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingForm {
    pub slot_id: String,
    /// "on" when the founder shares a snapshot of the scorecard with the operator.
    pub share_snapshot: String,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingSpec {
    pub slot_id: Uuid,
    pub share_snapshot: bool,
    pub contact_name: String,
    pub contact_email: EmailAddress,
    pub notes: String,
}

impl BookingForm {
    pub fn validate(&self) -> Result<BookingSpec, DomainError> {
        let mut errors = Vec::new();
        let slot_id = Uuid::parse_str(self.slot_id.trim()).ok();
        if slot_id.is_none() {
            errors.push(FieldError::new("slot_id", "choose a sprint slot"));
        }
        let name = self.contact_name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("contact_name", "your name, 1 to 200 characters"));
        }
        let email = match EmailAddress::parse("contact_email", &self.contact_email) {
            Ok(email) => Some(email),
            Err(DomainError::Invalid(mut field_errors)) => {
                errors.append(&mut field_errors);
                None
            }
            Err(_) => {
                errors.push(FieldError::new("contact_email", "an email address such as you@example.com"));
                None
            }
        };
        let notes = self.notes.trim();
        if notes.chars().count() > 4000 {
            errors.push(FieldError::new("notes", "at most 4000 characters"));
        }
        match (slot_id, email) {
            (Some(slot_id), Some(contact_email)) if errors.is_empty() => Ok(BookingSpec {
                slot_id,
                share_snapshot: matches!(self.share_snapshot.as_str(), "on" | "true" | "yes"),
                contact_name: name.to_owned(),
                contact_email,
                notes: notes.to_owned(),
            }),
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// The seat is held until the deposit is paid through Stripe Checkout.
    AwaitingDeposit,
    /// Waiting for the operator.
    Requested,
    Confirmed,
    Declined,
    /// The deposit was never paid; the seat went back.
    Expired,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 5] = [Self::AwaitingDeposit, Self::Requested, Self::Confirmed, Self::Declined, Self::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingDeposit => "awaiting_deposit",
            Self::Requested => "requested",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Expired => "expired",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::AwaitingDeposit => "Waiting for the deposit",
            Self::Requested => "Requested — waiting for confirmation",
            Self::Confirmed => "Confirmed",
            Self::Declined => "Declined",
            Self::Expired => "Expired (deposit not paid)",
        }
    }
    /// Whether the booking still holds a seat.
    pub fn holds_seat(self) -> bool {
        matches!(self, Self::AwaitingDeposit | Self::Requested | Self::Confirmed)
    }
}

/// A booking as its founder (and the operator's list) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingView {
    pub id: Uuid,
    pub slot: SlotView,
    pub product_id: Uuid,
    pub product_name: String,
    pub audit_id: Uuid,
    pub status: BookingStatus,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
    pub shared_snapshot: bool,
    pub deposit_cents: i64,
    pub deposit_paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The operator's view of one booking: the booking and, only if the founder shared it, the
/// scorecard as it was when they booked. Nothing else of the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorBooking {
    pub booking: BookingView,
    pub snapshot: Option<AuditDetail>,
}

/// What the operator decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingDecision {
    Confirm,
    Decline,
    Reschedule { slot_id: Uuid },
}

/// What a booking led to: the booking, and the Checkout page when a deposit is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booked {
    pub booking: BookingView,
    pub pay_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn slot_form_names_every_bad_field_and_reads_money() {
        let form = SlotForm {
            starts_on: "2026-11-01".into(),
            title: "".into(),
            capacity: "0".into(),
            price: "12,00".into(),
            deposit: "".into(),
            currency: "euro".into(),
        };
        let Err(DomainError::Invalid(errors)) = form.validate(today()) else { panic!("should fail") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["starts_on", "title", "capacity", "price", "currency"]);

        let ok = SlotForm {
            starts_on: "2026-12-07".into(),
            title: "December sprint".into(),
            capacity: "3".into(),
            price: "1500".into(),
            deposit: "250.5".into(),
            currency: "eur".into(),
        };
        let spec = ok.validate(today()).unwrap();
        assert_eq!((spec.capacity, spec.price_cents, spec.deposit_cents, spec.currency.as_str()), (3, 150_000, 25_050, "EUR"));
        assert_eq!(format_money(150_000, "EUR"), "EUR 1,500.00");
        assert_eq!(format_money(25_050, "USD"), "USD 250.50");

        let too_much = SlotForm { deposit: "2000".into(), ..ok };
        assert!(too_much.validate(today()).is_err());
    }

    #[test]
    fn a_sprint_is_offered_for_measured_failures_not_for_an_audit_that_could_not_run() {
        use crate::scorecard::Counts;
        let summary = |decision, fail| AuditSummary {
            id: Uuid::nil(),
            product_id: Uuid::nil(),
            trigger: crate::audit::AuditTrigger::Manual,
            status: AuditStatus::Done,
            checks_done: 52,
            checks_total: 52,
            score: None,
            grade: None,
            decision: Some(decision),
            decision_reason: None,
            counts: Some(Counts { fail, error: 52 - fail, ..Counts::default() }),
            coverage: None,
            rubric_version: Some(2),
            error: None,
            duration_ms: None,
            created_at: chrono::Utc::now(),
            finished_at: None,
        };
        assert!(offers_sprint(&summary(Decision::Hold, 1)), "a site without HTTPS: a real failure");
        assert!(!offers_sprint(&summary(Decision::Hold, 0)), "the scanner's resolver was down: nothing to fix");
        assert!(!offers_sprint(&summary(Decision::Go, 1)));
    }

    #[test]
    fn booking_form_requires_a_slot_a_name_and_an_email() {
        let Err(DomainError::Invalid(errors)) = BookingForm::default().validate() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slot_id", "contact_name", "contact_email"]);
        let spec = BookingForm {
            slot_id: Uuid::nil().to_string(),
            share_snapshot: "on".into(),
            contact_name: " Ada ".into(),
            contact_email: "ada@example.com".into(),
            notes: "".into(),
        }
        .validate()
        .unwrap();
        assert!(spec.share_snapshot);
        assert_eq!(spec.contact_name, "Ada");
    }
}
