//! The organisation's activity log, for owners and admins: who did what to whom, when, from
//! which address. Newest first, a hundred at a time.

use crate::components::charts::when;
use crate::error::AppError;
use crate::pages::not_found::LoadError;
use chrono::{DateTime, Utc};
use domain::team::ActivityView;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "activity/list")]
pub async fn list_activity(#[server(default)] before: Option<DateTime<Utc>>) -> Result<Vec<ActivityView>, AppError> {
    let (ctx, scope) = crate::ssr::session::tenant().await?;
    Ok(platform::activity::list(&ctx.db, &scope, before).await?)
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    // The cursor of the page shown: `None` for the newest entries.
    let before = RwSignal::new(None::<DateTime<Utc>>);
    let entries = Resource::new(move || before.get(), list_activity);
    view! {
        <Title text="Activity — launchready"/>
        <h1>"Activity"</h1>
        <p class="muted">"Invitations, role changes and removals, workspaces, share links, plan changes and deleted products, with who did it and from where."</p>
        <section class="card">
            <Transition fallback=|| view! { <p class="muted">"Loading the log…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(list) if list.is_empty() && before.get_untracked().is_none() => view! { <p class="muted">"Nothing has happened yet."</p> }.into_any(),
                        Ok(list) => {
                            let oldest = (list.len() as u64 == domain::team::ACTIVITY_PAGE).then(|| list.last().map(|e| e.at)).flatten();
                            view! {
                                <ActivityTable list/>
                                <p>
                                    {move || before.get().map(|_| view! { <button type="button" class="button button-secondary button-small" on:click=move |_| before.set(None)>"Newest"</button> })}
                                    {oldest.map(|at| view! { " " <button type="button" class="button button-secondary button-small" on:click=move |_| before.set(Some(at))>"Older"</button> })}
                                </p>
                            }.into_any()
                        }
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ActivityTable(list: Vec<ActivityView>) -> impl IntoView {
    view! {
        <table class="table">
            <thead><tr>
                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                <th scope="col">"Workspace"</th><th scope="col">"From"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|e| view! {
                    <tr>
                        <td>{when(e.at)}</td>
                        <td>{e.actor}</td>
                        <td><strong>{e.action.label()}</strong>" "{e.subject}</td>
                        <td>{e.workspace.unwrap_or_default()}</td>
                        <td>{e.client_addr.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
