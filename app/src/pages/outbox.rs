//! `/dev/outbox`: in development (no SMTP configured) mail lands here instead of an inbox,
//! with the state of the email jobs that sent it, failures included.

use crate::error::AppError;
use crate::pages::not_found::LoadError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailJobSummary {
    pub id: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_result: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub mails: Vec<OutboxMail>,
    pub jobs: Vec<EmailJobSummary>,
}

#[server(endpoint = "dev/outbox")]
pub async fn load_outbox() -> Result<Outbox, AppError> {
    use platform::entities::outbox_message;
    use sea_orm::{DbBackend, EntityTrait, FromQueryResult, QueryOrder, QuerySelect, Statement};
    let ctx = crate::ssr::AppContext::current()?;
    if !ctx.outbox_enabled {
        return Err(domain::DomainError::NotFound.into());
    }
    let mails = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::CreatedAt)
        .limit(50)
        .all(&ctx.db)
        .await
        .map_err(platform::db::internal)?
        .into_iter()
        .map(|m| OutboxMail { to: m.to_address, subject: m.subject, body: m.body_text, created_at: m.created_at })
        .collect();

    #[derive(FromQueryResult)]
    struct Row {
        id: String,
        status: String,
        attempts: i64,
        max_attempts: i64,
        last_result: Option<String>,
    }
    let backend = ctx.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT id, status, attempts::int8 AS attempts, max_attempts::int8 AS max_attempts, last_result::text AS last_result \
                                FROM apalis.jobs WHERE job_type = $1 ORDER BY run_at DESC LIMIT 20"
        }
        _ => {
            "SELECT id, status, attempts, max_attempts, CAST(last_result AS TEXT) AS last_result \
              FROM Jobs WHERE job_type = ? ORDER BY run_at DESC LIMIT 20"
        }
    };
    let rows = Row::find_by_statement(Statement::from_sql_and_values(backend, sql, [platform::jobs::EMAIL_QUEUE.into()]))
        .all(&ctx.db)
        .await
        .map_err(platform::db::internal)?;
    let jobs = rows
        .into_iter()
        .map(|r| EmailJobSummary {
            id: r.id,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            last_result: r.last_result,
        })
        .collect();
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
        <Title text="Development outbox — launchready"/>
        <h1>"Development outbox"</h1>
        <p class="muted">"No SMTP server is configured (LAUNCHREADY_SMTP_URL), so mail is kept here instead of being sent."</p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match outbox.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(outbox) => view! {
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
