//! `/dev/outbox`: in development (no SMTP configured) mail lands here instead of an inbox,
//! with the state of the email jobs that sent it, failures included. Every mailed sign-in and
//! reset link is on it, so it exists only on a developer's machine: the server listens on
//! loopback (or `dev_outbox` says otherwise) and the client is on loopback too. Anyone else
//! gets the same 404 as for a page that does not exist.

use crate::error::AppError;
use crate::pages::not_found::LoadError;
use domain::outbox::Outbox;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "dev/outbox")]
pub async fn load_outbox() -> Result<Outbox, AppError> {
    let ctx = crate::ssr::AppContext::current()?;
    if !ctx.outbox_enabled || !crate::ssr::session::client_addr()?.is_loopback() {
        return Err(domain::DomainError::NotFound.into());
    }
    let mails = platform::outbox::recent(&ctx.db, 50).await?;
    let jobs = platform::outbox::email_jobs(&ctx.db, 20).await?;
    Ok(Outbox { mails, jobs })
}

/// Mail bodies are plain text; links in them become clickable.
fn linkify(body: &str) -> impl IntoView {
    body.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let tail = word[trimmed.len()..].to_owned();
                view! { <a href=trimmed.to_owned()>{trimmed.to_owned()}</a>{tail} }.into_any()
            } else {
                word.to_owned().into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let outbox = Resource::new(|| (), |_| load_outbox());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match outbox.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(outbox) => view! {
                        <Title text="Development outbox — launchready"/>
                        <h1>"Development outbox"</h1>
                        <p class="muted">"No SMTP server is configured (LAUNCHREADY_SMTP_URL), so mail is kept here instead of being sent."</p>
                        <section class="card">
                            <h2>"Mail"</h2>
                            {if outbox.mails.is_empty() {
                                view! { <p class="muted">"No mail yet. Sign up or ask for a password reset to see one here."</p> }.into_any()
                            } else {
                                outbox.mails.into_iter().map(|m| view! {
                                    <article class="mail">
                                        <header>
                                            <h3>{m.subject}</h3>
                                            <p class="muted">"To " {m.to} " · " {m.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</p>
                                        </header>
                                        <pre>{linkify(&m.body)}</pre>
                                    </article>
                                }).collect_view().into_any()
                            }}
                        </section>
                        <section class="card">
                            <h2>"Email jobs"</h2>
                            <table class="table">
                                <thead><tr><th scope="col">"Job"</th><th scope="col">"Status"</th><th scope="col">"Attempts"</th><th scope="col">"Last result"</th></tr></thead>
                                <tbody>
                                    {outbox.jobs.into_iter().map(|j| {
                                        let class = format!("job-{}", j.status.to_lowercase());
                                        view! {
                                        <tr class=class>
                                            <td><code>{j.id}</code></td>
                                            <td>{j.status}</td>
                                            <td>{format!("{} / {}", j.attempts, j.max_attempts)}</td>
                                            <td>{j.last_result.unwrap_or_default()}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
