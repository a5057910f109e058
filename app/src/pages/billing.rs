//! `/app/billing`: the plan, usage against every limit, the plans side by side, upgrade
//! (Stripe Checkout) and manage (Customer Portal: payment methods, invoices, cancellation).

use crate::components::charts::when;
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::plans::{Plan, PlanLimits, Quota, Resource as Counted, UsageLine};
use domain::subscription::{BillingView, SubscriptionStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(endpoint = "billing/get")]
pub async fn get_billing() -> Result<BillingView, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::billing::view(&ctx.db, &ctx.plans, ctx.stripe.as_ref(), &scope).await?)
}

/// Where to go to buy `plan`: Stripe Checkout, or the Portal when a subscription runs.
#[server(endpoint = "billing/upgrade")]
pub async fn start_upgrade(plan: String) -> Result<String, AppError> {
    // Contexts are read before the first await: after it the reactive owner may be gone.
    let ctx = crate::ssr::AppContext::current()?;
    let (auth, scope) = crate::ssr::session::require_scope().await?;
    let plan = match plan.as_str() {
        "pro" => Plan::Pro,
        "agency" => Plan::Agency,
        _ => return Err(AppError::Invalid(vec![domain::FieldError::new("plan", "choose pro or agency")])),
    };
    let url = platform::billing::upgrade_url(&ctx.db, ctx.stripe.as_ref(), &scope, auth.email(), plan, &ctx.base_url).await?;
    // With WASM the router follows this to Stripe's page; without, the form post gets a 302.
    leptos_axum::redirect(&url);
    Ok(url)
}

#[server(endpoint = "billing/portal")]
pub async fn open_portal() -> Result<String, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    let url = platform::billing::portal_url(&ctx.db, ctx.stripe.as_ref(), &scope, &ctx.base_url).await?;
    leptos_axum::redirect(&url);
    Ok(url)
}

#[component]
pub fn BillingPage() -> impl IntoView {
    let query = use_query_map();
    let returned = move || query.read().get("checkout");
    // After Checkout the webhook may land a moment after the browser: look again a few times.
    let polls = RwSignal::new(0u32);
    let billing = Resource::new(move || polls.get(), |_| get_billing());
    Effect::new(move |_| {
        let waiting = returned().as_deref() == Some("success") && polls.get() < 10;
        let settled = billing.get().and_then(|b| b.ok()).is_some_and(|b| b.plan != Plan::Free);
        if waiting && !settled {
            if let Ok(handle) = set_timeout_with_handle(move || polls.update(|n| *n += 1), std::time::Duration::from_secs(2)) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    view! {
        <Title text="Billing — launchready"/>
        <h1>"Plan and billing"</h1>
        {move || match returned().as_deref() {
            Some("success") => Some(view! { <p class="notice" role="status">"Thanks! Your payment went through; the new limits apply as soon as Stripe confirms it (usually within seconds)."</p> }.into_any()),
            Some("cancelled") => Some(view! { <p class="notice" role="status">"Checkout was cancelled: nothing was charged and your plan is unchanged."</p> }.into_any()),
            _ => None,
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match billing.await {
                    Ok(view) => view! { <Billing view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Billing(view: BillingView) -> impl IntoView {
    let upgrade = ServerAction::<StartUpgrade>::new();
    let portal = ServerAction::<OpenPortal>::new();
    let error = move || {
        upgrade
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| portal.value().get().and_then(|r| r.err()))
            .map(|e| view! { <p class="form-error" role="alert">{e.banner()}</p> })
    };
    let pending = move || upgrade.pending().get() || portal.pending().get();
    let BillingView {
        plan,
        limits,
        plans,
        usage,
        billing_enabled,
        purchasable,
        has_customer,
        status,
        period_end,
        grace_ends_at,
        changes,
        can_manage,
    } = view;
    let paused: u64 = usage.iter().map(|u| u.paused).sum();
    let status_line = status.map(|s| {
        let until = period_end.map(|t| format!(" · renews or ends {}", when(t))).unwrap_or_default();
        format!("Subscription: {}{until}", s.label())
    });
    view! {
        <section class="card" aria-labelledby="plan-title">
            <div class="card-head">
                <h2 id="plan-title">"Current plan: " {plan.label()}</h2>
                <span class="status-pill status-none">{limits.price_label.clone()}</span>
            </div>
            {status_line.map(|line| view! { <p>{line}</p> })}
            {grace_ends_at.map(|t| view! {
                <p class="form-error" role="alert">{format!("The last payment failed. Update your payment method before {} to keep the {} plan; after that the account moves to Free (nothing is deleted).", when(t), plan.label())}</p>
            })}
            {(status == Some(SubscriptionStatus::Canceled) && plan == Plan::Free).then(|| view! { <p class="muted">"Your subscription has ended; you are on the Free plan."</p> })}
            {(paused > 0).then(|| view! {
                <p class="notice" role="status">{format!("{paused} item(s) are paused because they exceed the {} plan. They keep their data and resume as soon as there is room: upgrade, or delete something.", plan.label())}</p>
            })}
            {(!billing_enabled).then(|| view! {
                <p class="notice">"Billing is not configured on this installation, so every organisation uses the Free plan. An operator enables it by setting the Stripe keys (see the README)."</p>
            })}
            {(billing_enabled && !can_manage).then(|| view! { <p class="muted">"Only the organisation's owner or an admin can change the plan."</p> })}
            {error}
            {(billing_enabled && can_manage && has_customer).then(|| view! {
                <ActionForm action=portal attr:class="inline-form">
                    <button type="submit" class="button button-secondary" disabled=pending>"Manage billing and invoices"</button>
                </ActionForm>
            })}
        </section>
        <section class="card" aria-labelledby="usage-title">
            <h2 id="usage-title">"Usage"</h2>
            <table class="table">
                <thead><tr><th scope="col">"Limit"</th><th scope="col">"Used"</th><th scope="col">"Allowed on " {plan.label()}</th></tr></thead>
                <tbody>
                    {usage.into_iter().map(|line| view! { <UsageRow line/> }).collect_view()}
                    <tr><th scope="row">"Monitor interval"</th><td>"—"</td><td>{interval(limits.monitor_min_interval_secs)}</td></tr>
                    <tr><th scope="row">"Scheduled audits"</th><td>"—"</td><td>{limits.scheduled_audits.label()}</td></tr>
                </tbody>
            </table>
        </section>
        <section class="card" aria-labelledby="plans-title">
            <h2 id="plans-title">"Plans"</h2>
            <table class="table plan-table">
                <thead>
                    <tr>
                        <th scope="col">""</th>
                        {plans.iter().map(|(p, l)| view! { <th scope="col">{p.label()}<br/><span class="muted">{l.price_label.clone()}</span></th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {comparison(&plans)}
                    <tr>
                        <th scope="row">""</th>
                        {plans.iter().map(|(p, _)| {
                            let p = *p;
                            let cell = if p == plan {
                                view! { <span class="status-pill status-go">"Your plan"</span> }.into_any()
                            } else if billing_enabled && can_manage && purchasable.contains(&p) {
                                view! {
                                    <ActionForm action=upgrade attr:class="inline-form">
                                        <input type="hidden" name="plan" value=p.as_str()/>
                                        <button type="submit" class="button" disabled=pending>{format!("Choose {}", p.label())}</button>
                                    </ActionForm>
                                }.into_any()
                            } else if p == Plan::Free && has_customer {
                                view! { <span class="muted">"Cancel in “Manage billing”"</span> }.into_any()
                            } else {
                                view! { <span class="muted">"—"</span> }.into_any()
                            };
                            view! { <td>{cell}</td> }
                        }).collect_view()}
                    </tr>
                </tbody>
            </table>
        </section>
        {(!changes.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="history-title">
                <h2 id="history-title">"Plan history"</h2>
                <ul>
                    {changes.into_iter().map(|c| view! { <li>{format!("{}: {} → {} ({})", when(c.at), c.from.label(), c.to.label(), c.reason)}</li> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[component]
fn UsageRow(line: UsageLine) -> impl IntoView {
    // More than the plan allows (after a downgrade): the excess is paused.
    let over = line.quota.allows(line.used) < line.used;
    let used = if line.paused > 0 { format!("{} ({} paused)", line.used, line.paused) } else { line.used.to_string() };
    view! {
        <tr class=over.then_some("over-limit")>
            <th scope="row">{line.resource.label()}</th>
            <td>{used}</td>
            <td>{quota(line.quota)}{(line.resource == Counted::Members).then_some(" (client users not counted)")}</td>
        </tr>
    }
}

fn quota(q: Quota) -> String {
    match q {
        Quota::Limited(n) => n.to_string(),
        Quota::Unlimited(_) => "Unlimited".into(),
    }
}

fn interval(secs: u32) -> String {
    if secs.is_multiple_of(60) {
        format!("every {} min", secs / 60)
    } else {
        format!("every {secs} s")
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "—"
    }
}

/// One row per limit, one column per plan.
fn comparison(plans: &[(Plan, PlanLimits)]) -> impl IntoView {
    type Row = (&'static str, fn(&PlanLimits) -> String);
    let rows: [Row; 13] = [
        ("Products", |l| quota(l.products)),
        ("Monitors", |l| quota(l.monitors)),
        ("Shortest monitor interval", |l| interval(l.monitor_min_interval_secs)),
        ("Scheduled audits", |l| l.scheduled_audits.label().to_owned()),
        ("Members", |l| quota(l.members)),
        ("Workspaces", |l| quota(l.workspaces)),
        ("Alerts", |l| l.alert_channels.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ")),
        ("Alert channels", |l| quota(l.channels)),
        ("Audits on demand", |l| format!("{} an hour", l.audits_per_hour)),
        ("Active probes", |l| yes_no(l.active_probes).to_owned()),
        ("Status pages", |l| yes_no(l.status_pages).to_owned()),
        ("Share links", |l| yes_no(l.share_links).to_owned()),
        ("White-label", |l| yes_no(l.white_label).to_owned()),
    ];
    rows.into_iter()
        .map(|(label, cell)| {
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    {plans.iter().map(|(_, l)| view! { <td>{cell(l)}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view()
}
