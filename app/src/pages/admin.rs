//! The operator's admin area: `/admin/sprints` (publish slots, see bookings) and
//! `/admin/bookings/:id` (one booking with the snapshot its founder shared; confirm, move or
//! decline). Everyone but a configured operator gets 404.

use crate::components::charts::when;
use crate::components::form::{FormError, TextField};
use crate::error::AppError;
use crate::pages::audit::{Causes, Findings, Verdict};
use crate::pages::not_found::LoadError;
use crate::pages::sprints::{BookingStatusPill, BookingTable};
use domain::sprint::{format_money, BookingView, OperatorBooking, SlotView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[server(endpoint = "admin/sprints")]
pub async fn admin_sprints() -> Result<(Vec<SlotView>, Vec<BookingView>), AppError> {
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let operator = crate::ssr::session::require_operator()?;
    let today = chrono::Utc::now().date_naive();
    Ok((platform::sprints::slots(&ctx.db, &operator, today).await?, platform::sprints::all_bookings(&ctx.db, &operator).await?))
}

#[server(endpoint = "admin/create_slot")]
pub async fn create_slot(form: domain::sprint::SlotForm) -> Result<SlotView, AppError> {
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let operator = crate::ssr::session::require_operator()?;
    let now = chrono::Utc::now();
    let spec = form.validate(now.date_naive())?;
    Ok(platform::sprints::create_slot(&ctx.db, &operator, &spec, now).await?)
}

#[server(endpoint = "admin/booking")]
pub async fn admin_booking(id: Uuid) -> Result<(OperatorBooking, Vec<SlotView>), AppError> {
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let operator = crate::ssr::session::require_operator()?;
    let booking = platform::sprints::operator_booking(&ctx.db, &operator, id.into()).await?;
    let open = platform::sprints::open_slots(&ctx.db, chrono::Utc::now().date_naive()).await?;
    Ok((booking, open))
}

/// confirm | decline | reschedule (with `slot_id`). The founder is mailed.
#[server(endpoint = "admin/decide")]
pub async fn decide_booking(id: Uuid, decision: String, #[server(default)] slot_id: String) -> Result<BookingView, AppError> {
    use domain::sprint::BookingDecision;
    use platform::jobs::{BookingMail, EmailJob};
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let operator = crate::ssr::session::require_operator()?;
    let (decision, mail) = match decision.as_str() {
        "confirm" => (BookingDecision::Confirm, BookingMail::Confirmed),
        "decline" => (BookingDecision::Decline, BookingMail::Declined),
        "reschedule" => {
            let slot_id =
                slot_id.parse().map_err(|_| AppError::Invalid(vec![domain::FieldError::new("slot_id", "choose the new slot")]))?;
            (BookingDecision::Reschedule { slot_id }, BookingMail::Rescheduled)
        }
        _ => return Err(AppError::Invalid(vec![domain::FieldError::new("decision", "confirm, decline or reschedule")])),
    };
    let booking = platform::sprints::decide(&ctx.db, &operator, id.into(), decision, chrono::Utc::now()).await?;
    if let Err(err) = ctx.queues.email.push(EmailJob::SprintBooking { booking_id: id.into(), event: mail }).await {
        tracing::error!(%err, booking_id = %id, "booking mail not queued");
    }
    Ok(booking)
}

#[component]
pub fn AdminSprintsPage() -> impl IntoView {
    let create = ServerAction::<CreateSlot>::new();
    let result = Signal::derive(move || create.value().get());
    let data = Resource::new(move || create.version().get(), |_| admin_sprints());
    // A published slot clears the form (back to its defaults), ready for the next one.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move || {
        if matches!(create.value().get(), Some(Ok(_))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    view! {
        <Title text="Sprints (admin) — launchready"/>
        <h1>"Sprint slots and bookings"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((slots, bookings)) => view! {
                        <section class="card" aria-labelledby="slots-title">
                            <h2 id="slots-title">"Upcoming slots"</h2>
                            {if slots.is_empty() {
                                view! { <p class="muted">"No upcoming slot: founders see “no open slots”. Publish one below."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"Starts"</th><th scope="col">"Title"</th><th scope="col">"Seats"</th><th scope="col">"Price"</th><th scope="col">"Deposit"</th></tr></thead>
                                        <tbody>
                                            {slots.into_iter().map(|s| view! {
                                                <tr>
                                                    <td>{s.starts_on.to_string()}</td>
                                                    <td>{s.title.clone()}</td>
                                                    <td>{format!("{} booked of {}", s.booked, s.capacity)}</td>
                                                    <td>{format_money(s.price_cents, &s.currency)}</td>
                                                    <td>{if s.deposit_cents > 0 { format_money(s.deposit_cents, &s.currency) } else { "none".into() }}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                        <section class="card" aria-labelledby="bookings-title">
                            <h2 id="bookings-title">"Bookings"</h2>
                            {if bookings.is_empty() {
                                view! { <p class="muted">"No bookings yet."</p> }.into_any()
                            } else {
                                view! { <BookingTable bookings link_base="/admin/bookings" show_contact=true/> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
        <section class="card" aria-labelledby="new-slot-title">
            <h2 id="new-slot-title">"Publish a slot"</h2>
            <ActionForm action=create node_ref=form attr:class="form-grid">
                <FormError result/>
                <TextField result group="form" name="starts_on" label="Starts on" kind="date" required=true/>
                <TextField result group="form" name="title" label="Title" hint="What founders see, e.g. “December sprint (2 weeks)”" required=true/>
                <TextField result group="form" name="capacity" label="Seats" kind="number" value="3".to_owned() required=true/>
                <TextField result group="form" name="price" label="Price" hint="e.g. 4500 or 4500.00" required=true/>
                <TextField result group="form" name="deposit" label="Deposit (optional)" hint="Paid through Stripe Checkout when booking; empty for none"/>
                <TextField result group="form" name="currency" label="Currency" value="EUR".to_owned() required=true/>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Publish slot"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AdminBookingPage() -> impl IntoView {
    let params = use_params_map();
    let decide = ServerAction::<DecideBooking>::new();
    let result = Signal::derive(move || decide.value().get());
    let id = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    let data = Resource::new(
        move || (id(), decide.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => admin_booking(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Booking (admin) — launchready"/>
        <p class="breadcrumb"><A href="/admin/sprints">"Sprints (admin)"</A>" / Booking"</p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((OperatorBooking { booking: b, snapshot }, open)) => {
                        let others: Vec<SlotView> = open.into_iter().filter(|s| s.id != b.slot.id).collect();
                        let holds = b.status.holds_seat();
                        view! {
                            <h1>{b.product_name.clone()}</h1>
                            <section class="card">
                                <p><BookingStatusPill status=b.status/></p>
                                <dl class="facts">
                                    <dt>"Slot"</dt><dd>{b.slot.label()}</dd>
                                    <dt>"Contact"</dt><dd>{format!("{} <{}>", b.contact_name, b.contact_email)}</dd>
                                    <dt>"Notes"</dt><dd>{if b.notes.is_empty() { "—".to_owned() } else { b.notes.clone() }}</dd>
                                    <dt>"Deposit"</dt><dd>{match (b.deposit_cents, b.deposit_paid_at) {
                                        (0, _) => "none".to_owned(),
                                        (cents, Some(at)) => format!("{} paid {}", format_money(cents, &b.slot.currency), when(at)),
                                        (cents, None) => format!("{} not paid", format_money(cents, &b.slot.currency)),
                                    }}</dd>
                                    <dt>"Booked"</dt><dd>{when(b.created_at)}</dd>
                                </dl>
                                <FormError result/>
                                {holds.then(|| view! {
                                    <div class="actions">
                                        <ActionForm action=decide attr:class="inline-form">
                                            <input type="hidden" name="id" value=b.id.to_string()/>
                                            <input type="hidden" name="decision" value="confirm"/>
                                            <button type="submit" class="button">"Confirm"</button>
                                        </ActionForm>
                                        <ActionForm action=decide attr:class="inline-form">
                                            <input type="hidden" name="id" value=b.id.to_string()/>
                                            <input type="hidden" name="decision" value="decline"/>
                                            <button type="submit" class="button button-danger">"Decline"</button>
                                        </ActionForm>
                                    </div>
                                    {(!others.is_empty()).then(|| view! {
                                        <ActionForm action=decide attr:class="inline-form">
                                            <input type="hidden" name="id" value=b.id.to_string()/>
                                            <input type="hidden" name="decision" value="reschedule"/>
                                            <label for="slot_id">"Move to "</label>
                                            <select id="slot_id" name="slot_id">
                                                {others.iter().map(|s| view! { <option value=s.id.to_string()>{format!("{} ({} left)", s.label(), s.remaining())}</option> }).collect_view()}
                                            </select>
                                            " "
                                            <button type="submit" class="button button-secondary">"Reschedule"</button>
                                        </ActionForm>
                                    })}
                                })}
                            </section>
                            {match snapshot {
                                Some(card) => view! {
                                    <h2>{format!("Scorecard snapshot: {}", card.target)}</h2>
                                    <Verdict summary=card.summary.clone()/>
                                    <Causes causes=card.causes/>
                                    <Findings findings=card.findings/>
                                }.into_any(),
                                None => view! { <p class="notice">"The founder chose not to share the scorecard."</p> }.into_any(),
                            }}
                        }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
