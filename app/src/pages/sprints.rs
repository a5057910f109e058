//! Booking a Launch Ready sprint from a failing scorecard, and the founder's bookings:
//! `/app/products/:id/audits/:audit_id/book`, `/app/sprints`, `/app/sprints/:id`.

use crate::components::charts::when;
use crate::components::form::{FieldError, FormError, TextField};
use crate::components::workspace::ws_href;
use crate::error::AppError;
use crate::pages::audit::{get_audit_detail, grade_text};
use crate::pages::not_found::LoadError;
use domain::scorecard::Decision;
use domain::sprint::{format_money, offers_sprint, Booked, BookingStatus, BookingView, SlotView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

#[server(endpoint = "sprints/open_slots")]
pub async fn open_slots() -> Result<Vec<SlotView>, AppError> {
    let (ctx, _) = crate::ssr::session::tenant().await?;
    Ok(platform::sprints::open_slots(&ctx.db, chrono::Utc::now().date_naive()).await?)
}

/// Books a seat; with a deposit due the browser goes on to Stripe Checkout.
#[server(endpoint = "sprints/book")]
pub async fn book_sprint(audit_id: Uuid, form: domain::sprint::BookingForm) -> Result<Booked, AppError> {
    let ctx = crate::ssr::AppContext::current()?;
    let base = crate::ssr::session::workspace_base();
    let (auth, scope) = crate::ssr::session::require_scope().await?;
    let spec = form.validate()?;
    auth.require_confirmed_email("book a sprint")?;
    let desk = platform::sprints::Desk { stripe: ctx.stripe.as_ref(), policy: ctx.sprints, base_url: &ctx.base_url };
    let booked = platform::sprints::book(&ctx.db, &scope, desk, audit_id.into(), &spec, chrono::Utc::now()).await?;
    let mail = platform::jobs::EmailJob::SprintBooking { booking_id: booked.booking.id.into(), event: platform::jobs::BookingMail::Booked };
    if let Err(err) = ctx.queues.email.push(mail).await {
        // The booking stands and its page shows it; only the confirmation mail is missing.
        tracing::error!(%err, booking_id = %booked.booking.id, "booking mail not queued");
    }
    let next = booked.pay_url.clone().unwrap_or_else(|| format!("{base}/sprints/{}?booked=1", booked.booking.id));
    leptos_axum::redirect(&next);
    Ok(booked)
}

#[server(endpoint = "sprints/list")]
pub async fn list_bookings() -> Result<Vec<BookingView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::sprints::list(&ctx.db, &scope).await?)
}

#[server(endpoint = "sprints/get")]
pub async fn get_booking(id: Uuid) -> Result<BookingView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::sprints::get(&ctx.db, &scope, id.into()).await?)
}

/// A new Checkout page for a deposit still due.
#[server(endpoint = "sprints/pay_deposit")]
pub async fn pay_deposit(id: Uuid) -> Result<String, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let url = platform::sprints::deposit_url(&ctx.db, &scope, ctx.stripe.as_ref(), id.into(), &ctx.base_url).await?;
    leptos_axum::redirect(&url);
    Ok(url)
}

#[component]
pub fn BookSprintPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let p = params.read();
        let parse = |key: &str| p.get(key).and_then(|s| s.parse::<Uuid>().ok());
        (parse("id"), parse("audit_id"))
    };
    let data = Resource::new(ids, |ids| async move {
        let (Some(product_id), Some(audit_id)) = ids else { return Err(AppError::NotFound) };
        let detail = get_audit_detail(audit_id).await?;
        if detail.summary.product_id != product_id {
            return Err(AppError::NotFound);
        }
        let viewer = crate::components::layout::load_viewer().await?;
        Ok((detail, open_slots().await?, viewer.map(|v| v.email).unwrap_or_default()))
    });
    view! {
        <Title text="Book a sprint — launchready"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((detail, slots, email)) => view! { <BookingFormView detail slots email/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BookingFormView(detail: domain::audit::AuditDetail, slots: Vec<SlotView>, email: String) -> impl IntoView {
    let book = ServerAction::<BookSprint>::new();
    let result = Signal::derive(move || book.value().get());
    let summary = detail.summary.clone();
    let scorecard_href = ws_href(&format!("/products/{}/audits/{}", summary.product_id, summary.id));
    let counts = summary.counts.unwrap_or_default();
    let verdict = format!(
        "{} · grade {} · {} failed, {} warnings",
        summary.decision.map(Decision::label).unwrap_or("Not scored"),
        grade_text(summary.grade),
        counts.fail,
        counts.warn
    );
    let eligible = offers_sprint(&summary);
    let slot_invalid = move || result.get().and_then(|r| r.err()).and_then(|e| e.field("slot_id")).is_some();
    view! {
        <p class="breadcrumb"><A href=ws_href("")>"Dashboard"</A>" / "<A href=scorecard_href.clone()>{format!("Scorecard of {}", detail.product_name)}</A>" / Book a sprint"</p>
        <h1>"Book a Launch Ready sprint"</h1>
        <p>"For " <strong>{detail.product_name.clone()}</strong> ": " {verdict}</p>
        {if !eligible {
            view! { <p class="notice">"This scorecard passed: sprints are offered for a Hold or Go-after-fixes decision, or more than two failures."</p> }.into_any()
        } else if slots.is_empty() {
            view! {
                <section class="card empty-state">
                    <h2>"No open slots right now"</h2>
                    <p>"All sprint slots are booked. New dates are published regularly: come back soon, or reply to any of our mails to be put on the waiting list."</p>
                </section>
            }.into_any()
        } else {
            view! {
                <section class="card">
                    <ActionForm action=book>
                        <FormError result/>
                        <input type="hidden" name="audit_id" value=summary.id.to_string()/>
                        <fieldset class="field" aria-invalid=move || slot_invalid().then_some("true") aria-describedby="slot_id-error">
                            <legend>"Choose a slot"</legend>
                            {slots.into_iter().enumerate().map(|(i, slot)| {
                                let id = format!("slot-{}", slot.id);
                                let first = i == 0;
                                let price = format_money(slot.price_cents, &slot.currency);
                                let deposit = (slot.deposit_cents > 0).then(|| format!(" · deposit {} now", format_money(slot.deposit_cents, &slot.currency)));
                                view! {
                                    <div class="field-check">
                                        <input type="radio" name="form[slot_id]" id=id.clone() value=slot.id.to_string() checked=first/>
                                        <label for=id>
                                            <strong>{slot.label()}</strong>
                                            " · " {price} {deposit}
                                            " · " {format!("{} of {} seats left", slot.remaining(), slot.capacity)}
                                        </label>
                                    </div>
                                }
                            }).collect_view()}
                            <FieldError result name="slot_id"/>
                        </fieldset>
                        <div class="field-check">
                            <input type="checkbox" name="form[share_snapshot]" id="share_snapshot" value="on" checked=true/>
                            <label for="share_snapshot">"Share a snapshot of this scorecard with the Launch Ready team"</label>
                        </div>
                        <p class="hint">"The snapshot is the scorecard as it is now (findings with secrets already redacted). We see nothing else of your account."</p>
                        <TextField result group="form" name="contact_name" label="Your name" autocomplete="name" required=true/>
                        <TextField result group="form" name="contact_email" label="Email for the sprint" kind="email" value=email autocomplete="email" required=true/>
                        <div class="field">
                            <label for="notes">"Notes (optional)"</label>
                            <textarea id="notes" name="form[notes]" rows="4" maxlength="4000" aria-describedby="notes-error"></textarea>
                            <FieldError result name="notes"/>
                        </div>
                        <button type="submit" class="button" disabled=move || book.pending().get()>"Book this sprint"</button>
                    </ActionForm>
                </section>
            }.into_any()
        }}
    }
}

fn status_class(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "status-pill status-go",
        BookingStatus::Requested | BookingStatus::AwaitingDeposit => "status-pill status-fix",
        BookingStatus::Declined | BookingStatus::Expired => "status-pill status-hold",
    }
}

#[component]
pub fn BookingStatusPill(status: BookingStatus) -> impl IntoView {
    view! { <span class=status_class(status)>{status.label()}</span> }
}

/// Bookings as a table, each linking to `{link_base}/{id}`.
#[component]
pub fn BookingTable(bookings: Vec<BookingView>, #[prop(into)] link_base: String, show_contact: bool) -> impl IntoView {
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Product"</th><th scope="col">"Sprint"</th>
                    {show_contact.then(|| view! { <th scope="col">"Contact"</th> })}
                    <th scope="col">"Status"</th><th scope="col">"Booked"</th>
                </tr>
            </thead>
            <tbody>
                {bookings.into_iter().map(|b| {
                    let href = format!("{link_base}/{}", b.id);
                    view! {
                        <tr>
                            <td><A href=href>{b.product_name.clone()}</A></td>
                            <td>{b.slot.label()}</td>
                            {show_contact.then(|| view! { <td>{b.contact_email.clone()}</td> })}
                            <td><BookingStatusPill status=b.status/></td>
                            <td>{when(b.created_at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn SprintsPage() -> impl IntoView {
    let bookings = Resource::new(|| (), |_| list_bookings());
    view! {
        <Title text="Sprints — launchready"/>
        <h1>"Launch Ready sprints"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match bookings.await {
                    Ok(list) if list.is_empty() => view! {
                        <section class="card empty-state">
                            <h2>"No bookings yet"</h2>
                            <p>"When a scorecard says Hold or Go after fixes, it offers a sprint with our engineers. Your bookings appear here."</p>
                        </section>
                    }.into_any(),
                    Ok(list) => view! { <BookingTable bookings=list link_base=ws_href("/sprints") show_contact=false/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    let booking = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_booking(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let pay = ServerAction::<PayDeposit>::new();
    let notice = move || {
        let q = query.read();
        if q.get("deposit").as_deref() == Some("paid") {
            Some("Thanks: your deposit is being confirmed by Stripe. This page shows it as soon as it arrives.")
        } else if q.get("booked").is_some() {
            Some("Booked! We have emailed you a confirmation; our team confirms the date shortly.")
        } else {
            None
        }
    };
    view! {
        <Title text="Sprint booking — launchready"/>
        <p class="breadcrumb"><A href=ws_href("/sprints")>"Sprints"</A>" / Booking"</p>
        {move || notice().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match booking.await {
                    Ok(b) => {
                        let deposit = (b.deposit_cents > 0).then(|| {
                            let amount = format_money(b.deposit_cents, &b.slot.currency);
                            match b.deposit_paid_at {
                                Some(at) => format!("{amount}, paid {}", when(at)),
                                None => format!("{amount}, not paid yet"),
                            }
                        });
                        let awaiting = b.status == BookingStatus::AwaitingDeposit;
                        let scorecard = ws_href(&format!("/products/{}/audits/{}", b.product_id, b.audit_id));
                        view! {
                            <h1>"Sprint for " {b.product_name.clone()}</h1>
                            <section class="card">
                                <p><BookingStatusPill status=b.status/></p>
                                <dl class="facts">
                                    <dt>"Sprint"</dt><dd>{b.slot.label()}</dd>
                                    <dt>"Price"</dt><dd>{format_money(b.slot.price_cents, &b.slot.currency)}</dd>
                                    {deposit.map(|d| view! { <dt>"Deposit"</dt><dd>{d}</dd> })}
                                    <dt>"Contact"</dt><dd>{format!("{} <{}>", b.contact_name, b.contact_email)}</dd>
                                    <dt>"Scorecard"</dt><dd><A href=scorecard>{if b.shared_snapshot { "Shared as a snapshot" } else { "Not shared" }}</A></dd>
                                    <dt>"Notes"</dt><dd>{if b.notes.is_empty() { "—".to_owned() } else { b.notes.clone() }}</dd>
                                    <dt>"Booked"</dt><dd>{when(b.created_at)}</dd>
                                </dl>
                                {awaiting.then(|| view! {
                                    <p>"Your seat is held for 24 hours after booking while the deposit is open."</p>
                                    <ActionForm action=pay attr:class="inline-form">
                                        <input type="hidden" name="id" value=b.id.to_string()/>
                                        <button type="submit" class="button">"Pay the deposit"</button>
                                    </ActionForm>
                                    {move || pay.value().get().and_then(|r| r.err()).map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })}
                                })}
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
