//! The development outbox: without SMTP, mail is stored here instead of sent, and
//! `/dev/outbox` shows it with the state of the email jobs (read from apalis' own table).

use crate::db::internal;
use crate::entities::outbox_message;
use chrono::Utc;
use domain::outbox::{EmailJobSummary, OutboxMail};
use domain::DomainError;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryOrder, QuerySelect, Set, Statement};

/// Keeps one mail instead of sending it.
pub async fn store(db: &DatabaseConnection, to: &str, subject: &str, body_text: &str) -> Result<(), DomainError> {
    outbox_message::ActiveModel {
        id: Set(crate::ids::new_id()),
        to_address: Set(to.to_owned()),
        subject: Set(subject.to_owned()),
        body_text: Set(body_text.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map_err(internal)?;
    Ok(())
}

/// The newest mails, newest first.
pub async fn recent(db: &DatabaseConnection, limit: u64) -> Result<Vec<OutboxMail>, DomainError> {
    Ok(outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| OutboxMail { to: m.to_address, subject: m.subject, body: m.body_text, created_at: m.created_at })
        .collect())
}

/// The newest email jobs with their attempts and last error, from apalis' job table
/// (`Jobs` on SQLite, `apalis.jobs` on PostgreSQL).
pub async fn email_jobs(db: &DatabaseConnection, limit: u32) -> Result<Vec<EmailJobSummary>, DomainError> {
    #[derive(FromQueryResult)]
    struct Row {
        id: String,
        status: String,
        attempts: i64,
        max_attempts: i64,
        last_result: Option<String>,
    }
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT id, status, attempts::int8 AS attempts, max_attempts::int8 AS max_attempts, last_result::text AS last_result \
             FROM apalis.jobs WHERE job_type = $1 ORDER BY run_at DESC LIMIT $2"
        }
        _ => {
            "SELECT id, status, attempts, max_attempts, CAST(last_result AS TEXT) AS last_result \
             FROM Jobs WHERE job_type = ? ORDER BY run_at DESC LIMIT ?"
        }
    };
    let rows = Row::find_by_statement(Statement::from_sql_and_values(backend, sql, [crate::jobs::EMAIL_QUEUE.into(), limit.into()]))
        .all(db)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| EmailJobSummary {
            id: r.id,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            last_result: r.last_result,
        })
        .collect())
}
