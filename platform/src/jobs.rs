//! Job payloads and the queues they are pushed to. Jobs are stored by apalis in the product's
//! own database (SQLite or PostgreSQL), so a queued job survives a crash. Payloads carry ids,
//! never secrets: the worker reads the rest when it runs.

use crate::alerts::AlertEvent;
use crate::ids::{AuditId, BookingId, InvitationId, MonitorId, NotificationId, OrgId, UserId, WorkspaceId};
use apalis::prelude::{TaskBuilder, TaskSink};
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use chrono::{DateTime, Utc};
use domain::DomainError;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A mail to a user. The job carries only who and why; the worker issues the link token when
/// it sends, so no usable token ever rests in the job table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmailJob {
    VerifyEmail {
        user_id: UserId,
    },
    ResetPassword {
        user_id: UserId,
    },
    /// Someone tried to sign up with an address that already has an account: its owner is told
    /// (the sign-up form answers as for a new address).
    AccountExists {
        user_id: UserId,
    },
    /// An invitation to join an organisation (sent again on "Resend"): the worker makes a
    /// fresh link token for each send, so the previous link stops working.
    Invitation {
        invitation_id: InvitationId,
    },
    /// A sprint booking changed: its contact is told, and the operators too when it is new.
    SprintBooking {
        booking_id: BookingId,
        event: BookingMail,
    },
    /// A workspace's monthly report for `month` (`YYYY-MM`) to its recipients; queued by the
    /// maintenance sweep once the month is over (`reports::claim_due`).
    MonthlyReport {
        workspace_id: WorkspaceId,
        month: String,
    },
    /// The report of the month so far, to the person who asked for a preview only.
    ReportPreview {
        workspace_id: WorkspaceId,
        user_id: UserId,
    },
}

/// Which booking mail to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingMail {
    /// Booked (to the founder; to the operators unless a deposit is still due).
    Booked,
    /// The deposit arrived (to the founder and the operators).
    DepositPaid,
    Confirmed,
    Declined,
    Rescheduled,
}

impl BookingMail {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::DepositPaid => "deposit_paid",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Rescheduled => "rescheduled",
        }
    }
}

/// Run one audit (its row says what and why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditJob {
    pub audit_id: AuditId,
}

/// Check a batch of monitors for their schedule slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorBatchJob {
    pub checks: Vec<(MonitorId, DateTime<Utc>)>,
}

/// Raise one alert: a notification for each channel of the workspace the plan allows, then
/// their deliveries. Its own job, not part of the monitor batch that saw the incident: a batch
/// holds many tenants' checks, and one tenant with many channels must not push it past its
/// timeout and lose the others' alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaiseAlertJob {
    pub org_id: OrgId,
    pub workspace_id: WorkspaceId,
    pub event: AlertEvent,
}

/// Deliver one notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryJob {
    pub notification_id: NotificationId,
}

/// A job type's queue name and attempts. Names are set explicitly: the default is the Rust
/// type path, which a module rename would silently change.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static {
    const QUEUE: &'static str;
    /// Handler calls before the job stays `Failed` (retries are in-process, with backoff).
    const MAX_ATTEMPTS: usize;
}

impl Job for EmailJob {
    const QUEUE: &'static str = "launchready::email";
    const MAX_ATTEMPTS: usize = 6;
}

impl Job for AuditJob {
    const QUEUE: &'static str = "launchready::audit";
    /// An audit that fails three times (each attempt re-runs it whole) is marked failed.
    const MAX_ATTEMPTS: usize = 3;
}

impl Job for MonitorBatchJob {
    const QUEUE: &'static str = "launchready::monitor";
    /// A batch is for one slot; a late retry is worth little, the next slot comes anyway.
    const MAX_ATTEMPTS: usize = 2;
}

impl Job for RaiseAlertJob {
    const QUEUE: &'static str = "launchready::alert";
    /// Raising is idempotent (one notification per channel and event), so a retry after a
    /// database hiccup never sends twice.
    const MAX_ATTEMPTS: usize = 5;
}

impl Job for DeliveryJob {
    const QUEUE: &'static str = "launchready::delivery";
    /// Retries of deliveries are scheduled in the notification row (visible, with backoff),
    /// not by apalis.
    const MAX_ATTEMPTS: usize = 1;
}

/// The email queue's name (the development outbox page lists its jobs).
pub const EMAIL_QUEUE: &str = EmailJob::QUEUE;

/// Where jobs of one type are pushed; one variant per database.
pub enum Queue<T: Job> {
    Sqlite(SqliteStorage<T>),
    Postgres(PostgresStorage<T>),
}

impl<T: Job> Clone for Queue<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Sqlite(s) => Self::Sqlite(s.clone()),
            Self::Postgres(s) => Self::Postgres(s.clone()),
        }
    }
}

impl<T: Job> std::fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Queue({}, {})", T::QUEUE, if matches!(self, Self::Sqlite(_)) { "sqlite" } else { "postgres" })
    }
}

impl<T: Job> Queue<T> {
    pub fn sqlite(pool: &sqlx::SqlitePool) -> Self {
        Self::Sqlite(SqliteStorage::new(pool).with_config(apalis_sqlite::Config::default().queue(T::QUEUE)))
    }

    pub fn postgres(pool: &sqlx::PgPool) -> Self {
        Self::Postgres(PostgresStorage::new(pool).with_config(apalis_postgres::Config::default().queue(T::QUEUE)))
    }

    #[tracing::instrument(skip_all, fields(queue = T::QUEUE))]
    pub async fn push(&self, job: T) -> Result<(), DomainError> {
        let task = TaskBuilder::new(job).max_attempts(T::MAX_ATTEMPTS).build();
        let result = match self {
            Self::Sqlite(storage) => storage.clone().push_task(task).await.map_err(|e| e.to_string()),
            Self::Postgres(storage) => storage.clone().push_task(task).await.map_err(|e| e.to_string()),
        };
        result.map_err(|e| DomainError::Internal(format!("queue {}: {e}", T::QUEUE)))
    }
}

/// Every queue, for the web layer and the jobs that queue other jobs.
#[derive(Clone, Debug)]
pub struct Queues {
    pub email: Queue<EmailJob>,
    pub audits: Queue<AuditJob>,
    pub monitors: Queue<MonitorBatchJob>,
    pub alerts: Queue<RaiseAlertJob>,
    pub deliveries: Queue<DeliveryJob>,
}

impl Queues {
    pub fn for_db(db: &sea_orm::DatabaseConnection) -> Self {
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                Self {
                    email: Queue::postgres(pool),
                    audits: Queue::postgres(pool),
                    monitors: Queue::postgres(pool),
                    alerts: Queue::postgres(pool),
                    deliveries: Queue::postgres(pool),
                }
            }
            _ => {
                let pool = db.get_sqlite_connection_pool();
                Self {
                    email: Queue::sqlite(pool),
                    audits: Queue::sqlite(pool),
                    monitors: Queue::sqlite(pool),
                    alerts: Queue::sqlite(pool),
                    deliveries: Queue::sqlite(pool),
                }
            }
        }
    }

    /// Pushes each id as a delivery job; a failed push is logged, not fatal: the
    /// notification stays pending and the sweep pushes it again.
    pub async fn deliver_all(&self, ids: &[NotificationId]) {
        for id in ids {
            if let Err(err) = self.deliveries.push(DeliveryJob { notification_id: *id }).await {
                tracing::warn!(%err, notification_id = %id, "delivery job not queued; the sweep will retry");
            }
        }
    }
}

/// Stored jobs that are not finished: waiting, claimed, running, or failed with attempts left.
const UNFINISHED: &str = "(status IN ('Pending', 'Queued', 'Running') OR (status = 'Failed' AND attempts < max_attempts))";

/// Unfinished jobs on every queue, or on one (`queue`).
async fn count_unfinished(db: &sea_orm::DatabaseConnection, queue: Option<&str>) -> Result<i64, DomainError> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = db.get_database_backend();
    let (table, placeholder) = if backend == DbBackend::Postgres { ("apalis.jobs", "$1") } else { ("Jobs", "?") };
    let statement = match queue {
        None => Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table} WHERE {UNFINISHED}")),
        Some(queue) => Statement::from_sql_and_values(
            backend,
            format!("SELECT COUNT(*) AS n FROM {table} WHERE job_type = {placeholder} AND {UNFINISHED}"),
            [queue.into()],
        ),
    };
    let row = db
        .query_one_raw(statement)
        .await
        .map_err(crate::db::internal)?
        .ok_or_else(|| DomainError::Internal("counting jobs: no row".into()))?;
    row.try_get::<i64>("", "n").map_err(crate::db::internal)
}

/// Unfinished jobs of one queue.
pub async fn outstanding_in_queue(db: &sea_orm::DatabaseConnection, queue: &str) -> Result<u64, DomainError> {
    Ok(count_unfinished(db, Some(queue)).await?.max(0) as u64)
}

/// Stored jobs that are not finished, on every queue.
pub async fn outstanding_jobs(db: &sea_orm::DatabaseConnection) -> Result<i64, DomainError> {
    count_unfinished(db, None).await
}
