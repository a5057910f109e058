//! Delivers one notification. The row is claimed with a lease first, so two workers never
//! send it at once; a failure is recorded with its error and retried later with backoff (the
//! maintenance sweep queues due retries); after the last attempt it is marked failed and shows
//! on the dashboard.

use super::deps::Deps;
use super::QueueJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use platform::jobs::DeliveryJob;
use std::time::Duration;

/// Longer than any single delivery takes (SMTP and HTTP time out well before).
const LEASE_SECS: i64 = 120;

/// The delivery queue: many at once (each mostly waits on a remote server).
pub struct Deliver;

impl QueueJob for Deliver {
    type Payload = DeliveryJob;
    const NAME: &'static str = "delivery";
    fn concurrency(_settings: &RunnerSettings) -> usize {
        8
    }
    fn timeout(_settings: &RunnerSettings, _deps: &Deps) -> Duration {
        Duration::from_secs(60)
    }
    async fn run(job: DeliveryJob, deps: Deps, _attempt: usize) -> Result<(), BoxDynError> {
        deliver_one(job, deps).await
    }
}

#[tracing::instrument(name = "job.delivery", skip_all, fields(notification_id = %job.notification_id))]
async fn deliver_one(job: DeliveryJob, deps: Deps) -> Result<(), BoxDynError> {
    let Some(delivery) =
        platform::alerts::claim(&deps.db, &deps.all, &deps.key, job.notification_id, chrono::Duration::seconds(LEASE_SECS)).await?
    else {
        tracing::debug!("not due, already delivered or given up");
        return Ok(());
    };
    let kind = delivery.kind.as_str();
    match crate::alerts::send(&delivery, &deps).await {
        Ok(()) => {
            platform::alerts::delivered(&deps.db, &deps.all, delivery.id).await?;
            tracing::info!(kind, attempt = delivery.attempt, "alert delivered");
        }
        Err(error) => {
            let gave_up =
                platform::alerts::attempt_failed(&deps.db, &deps.all, &deps.alerts, delivery.id, delivery.attempt, &error).await?;
            if gave_up {
                tracing::warn!(kind, attempt = delivery.attempt, %error, "alert delivery failed for good");
            } else {
                tracing::info!(kind, attempt = delivery.attempt, %error, "alert delivery failed; will retry");
            }
        }
    }
    Ok(())
}
