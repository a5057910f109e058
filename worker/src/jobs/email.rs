//! Sends one [`EmailJob`]: issues the link token at send time and hands the mail to the
//! [`Mailer`]. Failures return an error so apalis retries them with backoff.

use crate::mail::Mailer;
use crate::templates;
use apalis::prelude::{Attempt, BoxDynError, Data};
use domain::jobs::EmailJob;
use domain::secret::SecretKey;
use domain::tokens::Purpose;
use sea_orm::DatabaseConnection;

/// What the email worker needs, shared by every job it runs.
#[derive(Clone)]
pub struct EmailDeps {
    pub db: DatabaseConnection,
    pub key: SecretKey,
    pub mailer: Mailer,
    /// Links in mails point here (`LAUNCHREADY_BASE_URL`).
    pub base_url: String,
}

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
