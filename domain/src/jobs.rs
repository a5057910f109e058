//! Job payloads and the handle used to queue them. Jobs are stored by apalis in the product's
//! own database (SQLite or PostgreSQL), so a queued job survives a crash.

use crate::DomainError;
use apalis::prelude::{TaskBuilder, TaskSink};
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A mail to a user. The job carries only who and why; the worker issues the link token when
/// it sends, so no usable token ever rests in the job table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmailJob {
    VerifyEmail { user_id: Uuid },
    ResetPassword { user_id: Uuid },
}

/// The apalis queue name of [`EmailJob`], shared by pushers and workers. Set explicitly: the
/// default is the Rust type path, which a module rename would silently change.
pub const EMAIL_QUEUE: &str = "launchready::email";

/// Handler calls per email job before it stays `Failed`. The worker retries in-process with
/// exponential backoff; the storage's own re-fetch of failed jobs stops at this count too.
pub const EMAIL_MAX_ATTEMPTS: usize = 6;

/// Where jobs are pushed; one variant per database.
#[derive(Clone)]
pub enum EmailQueue {
    Sqlite(SqliteStorage<EmailJob>),
    Postgres(PostgresStorage<EmailJob>),
}

impl std::fmt::Debug for EmailQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite(_) => "EmailQueue::Sqlite",
            Self::Postgres(_) => "EmailQueue::Postgres",
        })
    }
}

impl EmailQueue {
    pub fn sqlite(pool: &sqlx::SqlitePool) -> Self {
        Self::Sqlite(SqliteStorage::new(pool).with_config(apalis_sqlite::Config::default().queue(EMAIL_QUEUE)))
    }

    pub fn postgres(pool: &sqlx::PgPool) -> Self {
        Self::Postgres(PostgresStorage::new(pool).with_config(apalis_postgres::Config::default().queue(EMAIL_QUEUE)))
    }

    #[tracing::instrument(skip(self))]
    pub async fn push(&self, job: EmailJob) -> Result<(), DomainError> {
        let task = TaskBuilder::new(job).max_attempts(EMAIL_MAX_ATTEMPTS).build();
        let result = match self {
            Self::Sqlite(storage) => storage.clone().push_task(task).await.map_err(|e| e.to_string()),
            Self::Postgres(storage) => storage.clone().push_task(task).await.map_err(|e| e.to_string()),
        };
        result.map_err(|e| DomainError::Internal(format!("queue email job: {e}")))
    }
}
