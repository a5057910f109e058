//! Sends one [`EmailJob`]: issues the link token at send time and hands the mail to the
//! [`Mailer`]. Failures return an error so apalis retries them with backoff.

use crate::templates;
use apalis::prelude::{Attempt, BoxDynError, Data};
use domain::jobs::EmailJob;
use domain::tokens::Purpose;

pub use super::deps::EmailDeps;

#[tracing::instrument(name = "job.email", skip_all, fields(kind = job_kind(&job), attempt = attempt.current()))]
pub async fn send_email(job: EmailJob, deps: Data<EmailDeps>, attempt: Attempt) -> Result<(), BoxDynError> {
    let (user_id, purpose) = match job {
        EmailJob::VerifyEmail { user_id } => (user_id, Purpose::VerifyEmail),
        EmailJob::ResetPassword { user_id } => (user_id, Purpose::ResetPassword),
    };
    let Some((user, token)) = domain::accounts::issue_mail_token(&deps.db, &deps.key, user_id, purpose).await? else {
        tracing::info!(%user_id, "mail no longer applies; skipped");
        return Ok(());
    };
    let mail = match purpose {
        Purpose::VerifyEmail => templates::verify_email(&user.email, &deps.base_url, token.expose()),
        Purpose::ResetPassword => templates::reset_password(&user.email, &deps.base_url, token.expose()),
    };
    if let Err(err) = deps.mailer.send(&mail).await {
        tracing::warn!(%err, "mail delivery failed; will retry");
        return Err(err.into());
    }
    Ok(())
}

fn job_kind(job: &EmailJob) -> &'static str {
    match job {
        EmailJob::VerifyEmail { .. } => "verify_email",
        EmailJob::ResetPassword { .. } => "reset_password",
    }
}
