//! The daily billing reconciliation (apalis-cron): every organisation with a Stripe customer
//! is read again from Stripe, so a webhook that never arrived is made good within a day.
//! Idempotent, so several processes running it at once do no harm.

use super::deps::Deps;
use super::ScheduledJob;
use crate::settings::RunnerSettings;
use apalis::prelude::BoxDynError;
use chrono::Utc;

/// 03:17 UTC every day: away from the top of the hour, when Stripe's own jobs cluster.
pub const RECONCILE_CRON: &str = "0 17 3 * * *";

/// The daily reconciliation.
pub struct Reconcile;

impl ScheduledJob for Reconcile {
    const NAME: &'static str = "billing-reconcile";
    fn schedule(_settings: &RunnerSettings, _deps: &Deps) -> String {
        RECONCILE_CRON.into()
    }
    async fn tick(deps: Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
        reconcile(&deps, now).await
    }
}

/// One reconciliation as of `now`; nothing to do when billing is off.
#[tracing::instrument(name = "job.billing_reconcile", skip_all)]
pub async fn reconcile(deps: &Deps, now: chrono::DateTime<Utc>) -> Result<(), BoxDynError> {
    let Some(stripe) = deps.stripe.as_ref() else { return Ok(()) };
    let changes = platform::billing::reconcile(&deps.db, &deps.all, &deps.plans, stripe, now).await?;
    for change in changes {
        tracing::info!(org_id = %change.org_id, from = change.from.as_str(), to = change.to.as_str(), "plan corrected by reconciliation");
    }
    Ok(())
}
