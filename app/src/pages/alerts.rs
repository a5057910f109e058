//! `/app/alerts`: where alerts go (email, Slack, signed webhooks) and how their deliveries went.

use crate::components::charts::when;
use crate::components::form::{FieldError, FormError, TextField};
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::channel::{ChannelCreated, ChannelView, DeliveryStatus, DeliveryView};
use domain::plans::ChannelKind;
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

#[server(endpoint = "channels/list")]
pub async fn list_channels() -> Result<Vec<ChannelView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::alerts::channels::list(&ctx.db, &scope).await?)
}

/// Adds a channel; a webhook's signing secret is in the answer, and nowhere else again.
#[server(endpoint = "channels/create")]
pub async fn create_channel(form: domain::channel::ChannelForm) -> Result<ChannelCreated, AppError> {
    let ctx = crate::ssr::AppContext::current()?;
    let (auth, scope) = crate::ssr::session::require_scope().await?;
    let spec = form.validate(&ctx.guard)?;
    if spec.kind == domain::plans::ChannelKind::Email {
        auth.require_confirmed_email("send alerts by email")?;
    }
    Ok(platform::alerts::channels::create(&ctx.db, &scope, &ctx.key, &ctx.plans, &spec).await?)
}

#[server(endpoint = "channels/enable")]
pub async fn enable_channel(id: Uuid, enabled: Option<String>) -> Result<ChannelView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let enabled = enabled.as_deref().is_some_and(|v| matches!(v, "on" | "true" | "1" | "yes"));
    Ok(platform::alerts::channels::set_enabled(&ctx.db, &scope, id.into(), enabled).await?)
}

#[server(endpoint = "channels/delete")]
pub async fn delete_channel(id: Uuid) -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::alerts::channels::delete(&ctx.db, &scope, id.into()).await?)
}

/// Sends a test alert to one channel (queued; the delivery log shows how it went).
#[server(endpoint = "channels/test")]
pub async fn test_channel(id: Uuid) -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let ids = platform::alerts::send_test(&ctx.db, &scope, &ctx.plans, &ctx.alerts, id.into()).await?;
    ctx.queues.deliver_all(&ids).await;
    Ok(())
}

#[server(endpoint = "deliveries/list")]
pub async fn list_deliveries() -> Result<Vec<DeliveryView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::alerts::log(&ctx.db, &scope, 50).await?)
}

fn event_label(kind: &str) -> &str {
    match kind {
        "incident.opened" => "Incident opened",
        "incident.resolved" => "Incident resolved",
        "certificate.expiring" => "Certificate expiring",
        "audit.regression" => "Audit regression",
        "test" => "Test",
        other => other,
    }
}

fn delivery_pill(status: DeliveryStatus) -> (&'static str, &'static str) {
    let class = match status {
        DeliveryStatus::Delivered => "status-pill status-go",
        DeliveryStatus::Failed => "status-pill status-hold",
        DeliveryStatus::Suppressed => "status-pill status-fix",
        DeliveryStatus::Pending => "status-pill status-none",
    };
    (class, status.label())
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let create = ServerAction::<CreateChannel>::new();
    let result = Signal::derive(move || create.value().get());
    // Bumped by the per-channel forms after a change or a test.
    let changed = RwSignal::new(0u32);
    // The delivery log alone is read again on "Refresh".
    let reload_log = RwSignal::new(0u32);
    let channels = Resource::new(move || (create.version().get(), changed.get()), |_| list_channels());
    let deliveries = Resource::new(move || (changed.get(), reload_log.get()), |_| list_deliveries());
    let kinds = [ChannelKind::Email, ChannelKind::Slack, ChannelKind::Webhook];
    let kind_invalid = move || result.get().and_then(|r| r.err()).and_then(|e| e.field("kind")).is_some();
    view! {
        <Title text="Alerts — launchready"/>
        <h1>"Alerts"</h1>
        <p class="muted">"Where launchready tells you about incidents, recoveries, expiring certificates and audit regressions."</p>
        <section class="card" aria-labelledby="channels-title">
            <h2 id="channels-title">"Channels"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading channels…"</p> }>
                {move || Suspend::new(async move {
                    match channels.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"No channel yet: alerts have nowhere to go. Add an email address below; Slack and signed webhooks come with paid plans."</p>
                        }.into_any(),
                        Ok(list) => view! { <ChannelTable channels=list changed reload_log/> }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="add-channel-title">
            <h2 id="add-channel-title">"Add a channel"</h2>
            {move || result.get().and_then(|r| r.ok()).map(|created| view! { <Created created/> })}
            <ActionForm action=create>
                <FormError result/>
                <div class="field">
                    <label for="kind">"Kind"</label>
                    <select id="kind" name="form[kind]" aria-invalid=move || kind_invalid().then_some("true") aria-describedby="kind-error">
                        {kinds.into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                    <FieldError result name="kind"/>
                </div>
                <TextField result group="form" name="name" label="Name" required=true hint="For you, e.g. \"On-call email\" or \"#ops\"."/>
                <TextField result group="form" name="target" label="Destination" required=true
                    hint="Email: an address. Slack: the incoming-webhook URL. Webhook: your HTTPS endpoint."/>
                <button type="submit" class="button" disabled=move || create.pending().get()>"Add channel"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="log-title">
            <div class="card-head">
                <h2 id="log-title">"Delivery log"</h2>
                <button type="button" class="button button-secondary button-small" on:click=move |_| reload_log.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading deliveries…"</p> }>
                {move || Suspend::new(async move {
                    match deliveries.await {
                        Ok(list) => view! { <DeliveryLog deliveries=list/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.banner()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The answer to a creation; a webhook's signing secret is shown here once.
#[component]
fn Created(created: ChannelCreated) -> impl IntoView {
    let name = created.channel.name.clone();
    match created.signing_secret {
        Some(secret) => view! {
            <div class="notice secret-once" role="status">
                <p><strong>{format!("Channel \"{name}\" added. Its signing secret, copy it now:")}</strong></p>
                <p><code class="secret">{secret}</code></p>
                <p>"It is shown this once and never again. Every request to your endpoint carries "
                   <code>"X-Launchready-Timestamp"</code>" and "<code>"X-Launchready-Signature"</code>" (an HMAC-SHA256 made with this secret); "
                   <code>"docs/alerts.md"</code>" shows how to verify them. Lost it? Delete the channel and add it again."</p>
            </div>
        }
        .into_any(),
        None => view! { <p class="notice" role="status">{format!("Channel \"{name}\" added. Send a test to check it.")}</p> }.into_any(),
    }
}

#[component]
fn ChannelTable(channels: Vec<ChannelView>, changed: RwSignal<u32>, reload_log: RwSignal<u32>) -> impl IntoView {
    view! {
        <table class="table">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Destination"</th>
                <th scope="col">"State"</th><th scope="col">"Actions"</th>
            </tr></thead>
            <tbody>
                {channels.into_iter().map(|c| view! { <ChannelRow channel=c changed reload_log/> }).collect_view()}
            </tbody>
        </table>
    }
}

/// `changed` reloads the channels and the log; a test only adds to the log (`reload_log`).
#[component]
fn ChannelRow(channel: ChannelView, changed: RwSignal<u32>, reload_log: RwSignal<u32>) -> impl IntoView {
    let c = channel;
    let toggle = ServerAction::<EnableChannel>::new();
    let test = ServerAction::<TestChannel>::new();
    let delete = ServerAction::<DeleteChannel>::new();
    Effect::new(move |_| {
        if matches!(toggle.value().get(), Some(Ok(_))) || matches!(delete.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if matches!(test.value().get(), Some(Ok(()))) {
            reload_log.update(|n| *n += 1);
        }
    });
    let error = move || {
        [toggle.value().get().and_then(|r| r.err()), test.value().get().and_then(|r| r.err()), delete.value().get().and_then(|r| r.err())]
            .into_iter()
            .flatten()
            .next()
    };
    let id = c.id.to_string();
    let (id2, id3) = (id.clone(), id.clone());
    let toggle_label = format!("{} {}", if c.enabled { "Disable" } else { "Enable" }, c.name);
    let test_label = format!("Send a test alert to {}", c.name);
    let (state_class, state) = if c.enabled { ("status-pill status-go", "Enabled") } else { ("status-pill status-none", "Disabled") };
    view! {
        <tr>
            <th scope="row">{c.name.clone()}</th>
            <td>{c.kind.label()}</td>
            <td><code>{c.hint.clone()}</code></td>
            <td><span class=state_class>{state}</span></td>
            <td class="actions">
                <ActionForm action=toggle attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    {(!c.enabled).then(|| view! { <input type="hidden" name="enabled" value="on"/> })}
                    <button type="submit" class="button-link" aria-label=toggle_label>
                        {if c.enabled { "Disable" } else { "Enable" }}
                    </button>
                </ActionForm>
                " · "
                <ActionForm action=test attr:class="inline-form">
                    <input type="hidden" name="id" value=id2/>
                    <button type="submit" class="button-link" disabled=move || test.pending().get() aria-label=test_label>"Send test"</button>
                </ActionForm>
                {move || matches!(test.value().get(), Some(Ok(()))).then(|| view! { <span class="muted" role="status">" Test queued: see the log."</span> })}
                <details class="confirm-delete">
                    <summary>"Delete…"</summary>
                    <ActionForm action=delete>
                        <input type="hidden" name="id" value=id3/>
                        <button type="submit" class="button button-danger button-small">"Delete " {c.name.clone()}</button>
                    </ActionForm>
                </details>
                {move || error().map(|e| view! { <p class="field-error" role="alert">{e.banner()}</p> })}
            </td>
        </tr>
    }
}

#[component]
fn DeliveryLog(deliveries: Vec<DeliveryView>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="muted">"Nothing sent yet. Alerts and tests appear here with their delivery state."</p> }.into_any();
    }
    view! {
        <table class="table delivery-log">
            <thead><tr>
                <th scope="col">"When"</th><th scope="col">"Channel"</th><th scope="col">"Event"</th><th scope="col">"Subject"</th>
                <th scope="col">"Status"</th><th scope="col">"Attempts"</th><th scope="col">"Last error"</th>
            </tr></thead>
            <tbody>
                {deliveries.into_iter().map(|d| {
                    let (class, label) = delivery_pill(d.status);
                    let row_class = if d.status == DeliveryStatus::Failed { "delivery-failed" } else { "" };
                    view! {
                        <tr class=row_class>
                            <td>{when(d.created_at)}</td>
                            <td>{d.channel_name.clone()}<span class="muted">{format!(" ({})", d.channel_kind.label())}</span></td>
                            <td>{event_label(&d.event_kind).to_owned()}</td>
                            <td>{d.subject.clone()}</td>
                            <td><span class=class>{label}</span></td>
                            <td>{d.attempts}</td>
                            <td>{d.last_error.clone().unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
