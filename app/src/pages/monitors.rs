//! Monitors and incidents of a product, and its audit-schedule and status-page settings:
//! sections of the product page, with their server functions.

use crate::components::charts::{duration, when};
use crate::components::form::{ActionResult, FieldError, FormError};
use crate::error::AppError;
use domain::monitor::{IncidentView, MonitorForm, MonitorKind, MonitorState, MonitorView};
use domain::plans::AuditSchedule;
use domain::product::ProductView;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "monitors/list")]
pub async fn list_monitors(product_id: Uuid) -> Result<Vec<MonitorView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::monitors::list(&ctx.db, &scope, product_id.into()).await?)
}

/// Validates a typed monitor against the organisation's plan and the SSRF guard's static rules.
#[cfg(feature = "ssr")]
async fn validate_monitor(
    ctx: &crate::ssr::AppContext,
    scope: &platform::tenancy::TenantScope,
    form: MonitorForm,
) -> Result<domain::monitor::MonitorSpec, AppError> {
    let plan = platform::quota::plan_of(&ctx.db, scope.org_id()).await?;
    let limits = ctx.plans.limits(plan);
    Ok(form.validate(limits.monitor_min_interval_secs, &ctx.guard)?)
}

/// The form arrives as `form[name]` fields (what `MonitorFields` renders).
#[server(endpoint = "monitors/create")]
pub async fn create_monitor(product_id: Uuid, form: MonitorForm) -> Result<MonitorView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    // Another tenant's product is not found, whatever the form says; the checked product is
    // what `monitors::create` takes.
    let product = platform::products::check(&ctx.db, &scope, product_id.into()).await?;
    let spec = validate_monitor(&ctx, &scope, form).await?;
    Ok(platform::monitors::create(&ctx.db, &scope, &ctx.plans, product, &spec).await?)
}

#[server(endpoint = "monitors/update")]
pub async fn update_monitor(id: Uuid, form: MonitorForm) -> Result<MonitorView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    platform::monitors::get(&ctx.db, &scope, id.into()).await?;
    let spec = validate_monitor(&ctx, &scope, form).await?;
    Ok(platform::monitors::update(&ctx.db, &scope, &ctx.plans, id.into(), &spec).await?)
}

#[server(endpoint = "monitors/delete")]
pub async fn delete_monitor(id: Uuid) -> Result<(), AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::monitors::delete(&ctx.db, &scope, &ctx.plans, id.into()).await?)
}

#[server(endpoint = "incidents/list")]
pub async fn list_incidents(product_id: Uuid) -> Result<Vec<IncidentView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::monitors::incidents(&ctx.db, &scope, Some(product_id.into()), 50).await?)
}

/// The audit schedule and the public status page of a product, within the plan's limits.
#[server(endpoint = "products/settings")]
pub async fn update_product_settings(
    id: Uuid,
    audit_schedule: String,
    status_page_enabled: Option<String>,
) -> Result<ProductView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let schedule = AuditSchedule::parse(audit_schedule.trim())
        .ok_or_else(|| domain::DomainError::invalid("audit_schedule", "choose off, weekly or daily"))?;
    let enabled = status_page_enabled.as_deref().is_some_and(|v| matches!(v, "on" | "true" | "1" | "yes"));
    Ok(platform::products::update_settings(&ctx.db, &scope, &ctx.plans, id.into(), schedule, enabled).await?)
}

/// Up / Down / Unknown, or Paused for a disabled monitor (or one the plan has paused): the
/// word, not only the colour.
#[component]
pub fn StatePill(state: MonitorState, #[prop(default = true)] enabled: bool, #[prop(default = false)] plan_paused: bool) -> impl IntoView {
    let (class, label) = match (enabled, state) {
        _ if plan_paused => ("status-pill status-fix", "Paused by plan"),
        (false, _) => ("status-pill status-none", "Paused"),
        (true, MonitorState::Up) => ("status-pill status-go", "Up"),
        (true, MonitorState::Down) => ("status-pill status-hold", "Down"),
        (true, MonitorState::Unknown) => ("status-pill status-none", "Unknown"),
        (true, MonitorState::Blocked) => ("status-pill status-fix", "Blocked by the edge"),
    };
    view! { <span class=class>{label}</span> }
}

fn interval_text(secs: u32) -> String {
    if secs.is_multiple_of(3600) {
        format!("every {} h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("every {} min", secs / 60)
    } else {
        format!("every {secs} s")
    }
}

/// A labelled input whose id carries a prefix, so the same form can appear once per monitor.
#[component]
fn Field<T: Clone + Send + Sync + 'static>(
    result: Signal<ActionResult<T>>,
    prefix: String,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] hint: &'static str,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let id = format!("{prefix}-{name}");
    let error = move || result.get().and_then(|r| r.err()).and_then(|e| e.field(name));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=format!("form[{name}]")
                type=kind
                value=value
                required=required
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=format!("{hint_id} {error_id}")
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            {move || error().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// Every field of the monitor form; `prefix` keeps ids unique on the page.
#[component]
fn MonitorFields(result: Signal<ActionResult<MonitorView>>, prefix: String, initial: MonitorForm) -> impl IntoView {
    let kind_id = format!("{prefix}-kind");
    let kind_error_id = format!("{prefix}-kind-error");
    let enabled_id = format!("{prefix}-enabled");
    let kind_error = move || result.get().and_then(|r| r.err()).and_then(|e| e.field("kind"));
    let kinds = [MonitorKind::Http, MonitorKind::TlsExpiry, MonitorKind::Dns];
    let p = move || prefix.clone();
    view! {
        <div class="form-grid">
            <div class="field">
                <label for=kind_id.clone()>"Kind"</label>
                <select id=kind_id.clone() name="form[kind]" aria-invalid=move || kind_error().is_some().then_some("true")
                    aria-describedby=kind_error_id.clone()>
                    {kinds.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=initial.kind == k.as_str()>{k.label()}</option>
                    }).collect_view()}
                </select>
                {move || kind_error().map(|m| view! { <p class="field-error" id=kind_error_id.clone()>{m}</p> })}
            </div>
            <Field result prefix=p() name="name" label="Name" value=initial.name.clone() required=true/>
            <Field result prefix=p() name="target" label="Target" value=initial.target.clone() required=true
                hint="HTTP: a URL such as https://app.example.com/health. TLS: host or host:port. DNS: a host name."/>
            <Field result prefix=p() name="interval_secs" label="Interval (seconds)" kind="number" value=initial.interval_secs.clone()
                hint="Time between checks; your plan sets the shortest."/>
            <Field result prefix=p() name="expected_status" label="Expected status" kind="number" value=initial.expected_status.clone()
                hint="HTTP only. Empty accepts any 2xx or 3xx."/>
            <Field result prefix=p() name="keyword" label="Keyword" value=initial.keyword.clone()
                hint="HTTP only. The page must contain this text."/>
            <Field result prefix=p() name="latency_threshold_ms" label="Latency threshold (ms)" kind="number" value=initial.latency_threshold_ms.clone()
                hint="A slower answer counts as a failure. Empty for none."/>
            <Field result prefix=p() name="confirm_failures" label="Failures before an incident" kind="number" value=initial.confirm_failures.clone()
                hint="Consecutive failed checks that open an incident (default 2)."/>
            <Field result prefix=p() name="confirm_successes" label="Successes before recovery" kind="number" value=initial.confirm_successes.clone()
                hint="Consecutive passed checks that resolve it (default 2)."/>
        </div>
        <div class="field field-check">
            <input type="checkbox" id=enabled_id.clone() name="form[enabled]" value="on" checked=initial.enabled == "on"/>
            <label for=enabled_id>"Enabled (a paused monitor is not checked)"</label>
        </div>
    }
}

/// Monitors (table, edit, pause, delete, add) and incidents of one product.
#[component]
pub fn MonitorsSection(product_id: Uuid) -> impl IntoView {
    let create = ServerAction::<CreateMonitor>::new();
    let create_result = Signal::derive(move || create.value().get());
    // Bumped by the per-monitor forms after a change.
    let changed = RwSignal::new(0u32);
    let monitors = Resource::new(move || (create.version().get(), changed.get()), move |_| list_monitors(product_id));
    let incidents = Resource::new(move || (create.version().get(), changed.get()), move |_| list_incidents(product_id));
    let new_form = MonitorForm {
        kind: "http".into(),
        enabled: "on".into(),
        confirm_failures: "2".into(),
        confirm_successes: "2".into(),
        ..Default::default()
    };
    view! {
        <section class="card" aria-labelledby="monitors-title">
            <h2 id="monitors-title">"Monitors"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading monitors…"</p> }>
                {move || Suspend::new(async move {
                    match monitors.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"No monitors yet. Add one below: an HTTP check of a page, the expiry of a TLS certificate, or a DNS name."</p>
                        }.into_any(),
                        Ok(list) => view! { <MonitorTable monitors=list changed/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.banner()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
            {
            // Write controls render only for roles that may use them (IfCan may render twice).
            let new_form = new_form.clone();
            view! {
            <details class="add-monitor" open=move || matches!(create_result.get(), Some(Err(_)))>
                <summary class="button button-secondary">"Add monitor"</summary>
                <ActionForm action=create>
                    <FormError result=create_result/>
                    <FieldError result=create_result name="monitors"/>
                    <input type="hidden" name="product_id" value=product_id.to_string()/>
                    <MonitorFields result=create_result prefix="new-monitor".to_owned() initial=new_form.clone()/>
                    <button type="submit" class="button" disabled=move || create.pending().get()>"Add monitor"</button>
                </ActionForm>
            </details>
            }
            }
            </crate::components::workspace::IfCan>
            {move || matches!(create_result.get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Monitor added. Its first check runs within a minute."</p> })}
        </section>
        <section class="card" aria-labelledby="incidents-title">
            <h2 id="incidents-title">"Incidents"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading incidents…"</p> }>
                {move || Suspend::new(async move {
                    match incidents.await {
                        Ok(list) => view! { <IncidentList incidents=list/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.banner()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn MonitorTable(monitors: Vec<MonitorView>, changed: RwSignal<u32>) -> impl IntoView {
    view! {
        <table class="table monitor-table">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Target"</th><th scope="col">"Interval"</th>
                <th scope="col">"State"</th><th scope="col">"Last check"</th><th scope="col">"Latency"</th><th scope="col">"Actions"</th>
            </tr></thead>
            {monitors.into_iter().map(|m| view! { <MonitorRow monitor=m changed/> }).collect_view()}
        </table>
    }
}

/// One monitor: a row of facts, then a row with its edit form folded away.
#[component]
fn MonitorRow(monitor: MonitorView, changed: RwSignal<u32>) -> impl IntoView {
    let m = monitor;
    let update = ServerAction::<UpdateMonitor>::new();
    let update_result = Signal::derive(move || update.value().get());
    let toggle = ServerAction::<UpdateMonitor>::new();
    let toggle_result = Signal::derive(move || toggle.value().get());
    let delete = ServerAction::<DeleteMonitor>::new();
    let delete_result = Signal::derive(move || delete.value().get());
    Effect::new(move |_| {
        let done = matches!(update.value().get(), Some(Ok(_)))
            || matches!(toggle.value().get(), Some(Ok(_)))
            || matches!(delete.value().get(), Some(Ok(_)));
        if done {
            changed.update(|n| *n += 1);
        }
    });
    let form = m.to_form();
    // Pausing or resuming sends the monitor as it is with the other `enabled`.
    let toggled = MonitorForm { enabled: if m.enabled { String::new() } else { "on".into() }, ..form.clone() };
    let prefix = format!("monitor-{}", m.id);
    let last = match (m.last_checked_at, m.last_message.clone()) {
        (Some(at), Some(message)) => format!("{message} ({})", when(at)),
        (Some(at), None) => when(at),
        (None, _) => "Not checked yet".into(),
    };
    let latency = m.last_latency_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(|| "—".into());
    let id = m.id.to_string();
    let (id2, id3) = (id.clone(), id.clone());
    let name = m.name.clone();
    let row_class = if m.state == MonitorState::Down && m.enabled { "monitor-down" } else { "" };
    view! {
        <tbody class="monitor">
            <tr class=row_class>
                <th scope="row">{m.name.clone()}{m.is_primary.then(|| view! { <span class="muted">" (main)"</span> })}</th>
                <td>{m.kind.label()}</td>
                <td><code>{m.target.clone()}</code></td>
                <td>{interval_text(m.interval_secs)}</td>
                <td><StatePill state=m.state enabled=m.enabled plan_paused=m.paused/></td>
                <td>{last}</td>
                <td>{latency}</td>
                <td>
                    <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
                    {
                    let (id, toggled, name) = (id.clone(), toggled.clone(), name.clone());
                    view! {
                    <ActionForm action=toggle attr:class="inline-form">
                        <input type="hidden" name="id" value=id.clone()/>
                        <input type="hidden" name="form[name]" value=toggled.name.clone()/>
                        <input type="hidden" name="form[kind]" value=toggled.kind.clone()/>
                        <input type="hidden" name="form[target]" value=toggled.target.clone()/>
                        <input type="hidden" name="form[interval_secs]" value=toggled.interval_secs.clone()/>
                        <input type="hidden" name="form[expected_status]" value=toggled.expected_status.clone()/>
                        <input type="hidden" name="form[keyword]" value=toggled.keyword.clone()/>
                        <input type="hidden" name="form[latency_threshold_ms]" value=toggled.latency_threshold_ms.clone()/>
                        <input type="hidden" name="form[confirm_failures]" value=toggled.confirm_failures.clone()/>
                        <input type="hidden" name="form[confirm_successes]" value=toggled.confirm_successes.clone()/>
                        {(!toggled.enabled.is_empty()).then(|| view! { <input type="hidden" name="form[enabled]" value="on"/> })}
                        <button type="submit" class="button-link" aria-label=format!("{} {}", if m.enabled { "Pause" } else { "Resume" }, name)>
                            {if m.enabled { "Pause" } else { "Resume" }}
                        </button>
                    </ActionForm>
                    }
                    }
                    </crate::components::workspace::IfCan>
                    {move || toggle_result.get().and_then(|r| r.err()).map(|e| view! { <p class="field-error">{e.to_string()}</p> })}
                </td>
            </tr>
            <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
            {
            let (id2, id3, prefix, form) = (id2.clone(), id3.clone(), prefix.clone(), form.clone());
            let (name_summary, name_delete) = (m.name.clone(), m.name.clone());
            view! {
            <tr class="monitor-edit">
                <td colspan="8">
                    <details open=move || matches!(update_result.get(), Some(Err(_))) || matches!(delete_result.get(), Some(Err(_)))>
                        <summary>"Edit or delete " {name_summary}</summary>
                        <ActionForm action=update>
                            <FormError result=update_result/>
                            <input type="hidden" name="id" value=id2/>
                            <MonitorFields result=update_result prefix=prefix initial=form/>
                            <button type="submit" class="button" disabled=move || update.pending().get()>"Save monitor"</button>
                        </ActionForm>
                        <ActionForm action=delete attr:class="delete-form">
                            <FormError result=delete_result/>
                            <input type="hidden" name="id" value=id3/>
                            <button type="submit" class="button button-danger button-small">"Delete " {name_delete}</button>
                            <span class="hint">" Its results and incidents are deleted with it."</span>
                        </ActionForm>
                    </details>
                </td>
            </tr>
            }
            }
            </crate::components::workspace::IfCan>
        </tbody>
    }
}

#[component]
fn IncidentList(incidents: Vec<IncidentView>) -> impl IntoView {
    if incidents.is_empty() {
        return view! { <p class="muted">"No incidents. When a monitor fails its confirmations in a row, an incident opens here and your alert channels hear about it."</p> }.into_any();
    }
    let open = incidents.iter().filter(|i| i.resolved_at.is_none()).count();
    view! {
        {(open > 0).then(|| view! { <p class="incident-summary" role="status"><strong>{format!("{open} open incident{}", if open == 1 { "" } else { "s" })}</strong></p> })}
        <table class="table incident-table">
            <thead><tr>
                <th scope="col">"Monitor"</th><th scope="col">"State"</th><th scope="col">"Opened"</th>
                <th scope="col">"Resolved"</th><th scope="col">"Duration"</th><th scope="col">"Cause"</th>
            </tr></thead>
            <tbody>
                {incidents.into_iter().map(|i| {
                    let (class, state, resolved, took) = match i.resolved_at {
                        Some(at) => ("", "Resolved", when(at), duration((at - i.opened_at).num_seconds())),
                        None => ("incident-open", "Ongoing", "—".to_owned(), "ongoing".to_owned()),
                    };
                    let cause = match &i.last_error {
                        Some(last) if *last != i.cause => format!("{}; last: {last}", i.cause),
                        _ => i.cause.clone(),
                    };
                    view! {
                        <tr class=class>
                            <td>{i.monitor_name.clone()}</td>
                            <td>{if i.resolved_at.is_some() {
                                view! { <span class="status-pill status-go">{state}</span> }.into_any()
                            } else {
                                view! { <span class="status-pill status-hold">{state}</span> }.into_any()
                            }}</td>
                            <td>{when(i.opened_at)}</td>
                            <td>{resolved}</td>
                            <td>{took}</td>
                            <td>{cause}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Scheduled audits and the public status page.
#[component]
pub fn ProductSettings(product: ProductView) -> impl IntoView {
    let save = ServerAction::<UpdateProductSettings>::new();
    let result = Signal::derive(move || save.value().get());
    let initial = (product.audit_schedule, product.status_page_enabled, product.next_audit_at);
    let current = move || match result.get() {
        Some(Ok(p)) => (p.audit_schedule, p.status_page_enabled, p.next_audit_at),
        _ => initial,
    };
    let id = product.id;
    let status_href = format!("/status/{id}");
    let schedules = [AuditSchedule::Off, AuditSchedule::Weekly, AuditSchedule::Daily];
    view! {
        <crate::components::workspace::IfCan capability=domain::role::Capability::Edit>
        {
        let status_href = status_href.clone();
        view! {
        <section class="card" aria-labelledby="settings-title">
            <h2 id="settings-title">"Schedule and status page"</h2>
            <ActionForm action=save>
                <FormError result/>
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="field">
                    <label for="audit_schedule">"Scheduled audits"</label>
                    <select id="audit_schedule" name="audit_schedule" aria-describedby="audit_schedule-hint audit_schedule-error"
                        aria-invalid=move || result.get().and_then(|r| r.err()).and_then(|e| e.field("audit_schedule")).map(|_| "true")>
                        {schedules.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=s == initial.0>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="hint" id="audit_schedule-hint">
                        {move || match current() {
                            (AuditSchedule::Off, _, _) => "No audit runs unless you ask for one.".to_owned(),
                            (_, _, Some(next)) => format!("Next scheduled audit: {}. A regression (lower grade, new failures) sends an alert.", when(next)),
                            _ => "A regression (lower grade, new failures) sends an alert.".to_owned(),
                        }}
                    </p>
                    <FieldError result name="audit_schedule"/>
                </div>
                <div class="field field-check">
                    <input type="checkbox" id="status_page_enabled" name="status_page_enabled" value="on" checked=initial.1
                        aria-describedby="status_page_enabled-hint status_page_enabled-error"/>
                    <label for="status_page_enabled">"Public status page"</label>
                </div>
                <p class="hint" id="status_page_enabled-hint">"Shows your monitors' names and states, 90 days of uptime and recent incidents; never targets or error text."</p>
                <FieldError result name="status_page_enabled"/>
                {move || current().1.then(|| {
                    let href = status_href.clone();
                    view! { <p>"Your status page: " <a href=href.clone()>{href.clone()}</a></p> }
                })}
                <button type="submit" class="button" disabled=move || save.pending().get()>"Save settings"</button>
                {move || matches!(result.get(), Some(Ok(_))).then(|| view! { <span class="muted" role="status">" Saved."</span> })}
            </ActionForm>
        </section>
        }
        }
        </crate::components::workspace::IfCan>
    }
}
