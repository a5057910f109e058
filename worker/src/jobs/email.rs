//! Sends one [`EmailJob`]: issues the link token at send time and hands the mail to the
//! [`Mailer`]. Failures return an error so apalis retries them with backoff.

use super::deps::Deps;
use super::QueueJob;
use crate::settings::RunnerSettings;
use crate::templates;
use apalis::prelude::BoxDynError;
use domain::report::ReportMonth;
use domain::sprint::BookingStatus;
use platform::accounts::tokens::Purpose;
use platform::jobs::{BookingMail, EmailJob};

use std::time::Duration;

/// The email queue.
pub struct SendEmail;

impl QueueJob for SendEmail {
    type Payload = EmailJob;
    const NAME: &'static str = "email";
    fn concurrency(_settings: &RunnerSettings) -> usize {
        4
    }
    fn timeout(_settings: &RunnerSettings, _deps: &Deps) -> Duration {
        Duration::from_secs(60)
    }
    async fn run(job: EmailJob, deps: Deps, attempt: usize) -> Result<(), BoxDynError> {
        send_email(job, deps, attempt).await
    }
}

#[tracing::instrument(name = "job.email", skip_all, fields(kind = job_kind(&job), attempt = attempt))]
async fn send_email(job: EmailJob, deps: Deps, attempt: usize) -> Result<(), BoxDynError> {
    let (user_id, purpose) = match job {
        EmailJob::VerifyEmail { user_id } => (user_id, Purpose::VerifyEmail),
        EmailJob::ResetPassword { user_id } => (user_id, Purpose::ResetPassword),
        EmailJob::SprintBooking { booking_id, event } => return send_booking_mail(&deps, booking_id, event).await,
        EmailJob::AccountExists { user_id } => return send_account_exists(&deps, user_id).await,
        EmailJob::Invitation { invitation_id } => return send_invitation(&deps, invitation_id).await,
        EmailJob::MonthlyReport { workspace_id, month } => return send_monthly_report(&deps, workspace_id, &month).await,
        EmailJob::ReportPreview { workspace_id, user_id } => return send_report_preview(&deps, workspace_id, user_id).await,
    };
    let Some((user, token)) = platform::accounts::issue_mail_token(&deps.db, &deps.all, &deps.key, user_id, purpose).await? else {
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

/// An invitation, with a link token made now (the previous link of the invitation stops
/// working); nothing when it was accepted or revoked meanwhile.
async fn send_invitation(deps: &Deps, invitation_id: platform::ids::InvitationId) -> Result<(), BoxDynError> {
    let Some(invitation) = platform::team::invitations::issue_mail(&deps.db, &deps.all, &deps.key, invitation_id).await? else {
        tracing::info!(%invitation_id, "the invitation was accepted or revoked; mail skipped");
        return Ok(());
    };
    if let Err(err) = deps.mailer.send(&templates::invitation(&invitation, &deps.base_url)).await {
        tracing::warn!(%err, "mail delivery failed; will retry");
        return Err(err.into());
    }
    Ok(())
}

/// A workspace's report of a past month to its recipients, then the month recorded as sent.
/// A retry after a partial failure may repeat a mail that went out; it never loses one.
async fn send_monthly_report(deps: &Deps, workspace_id: platform::ids::WorkspaceId, month: &str) -> Result<(), BoxDynError> {
    let Some(month) = ReportMonth::parse(month) else {
        tracing::warn!(month, "monthly report job with a malformed month; dropped");
        return Ok(());
    };
    if !platform::reports::still_due(&deps.db, &deps.all, workspace_id, month).await? {
        tracing::info!(%workspace_id, month = %month.key(), "report already sent, turned off or archived; skipped");
        return Ok(());
    }
    let Some(report) = platform::reports::build(&deps.db, &deps.all, &deps.plans, workspace_id, month, None).await? else {
        return Ok(());
    };
    let recipients = platform::reports::recipients(&deps.db, &deps.all, workspace_id).await?;
    for to in &recipients {
        if let Err(err) = deps.mailer.send(&templates::monthly_report(&report, to, &deps.base_url)).await {
            tracing::warn!(%err, "report mail failed; will retry");
            return Err(err.into());
        }
    }
    platform::reports::mark_sent(&deps.db, &deps.all, workspace_id, month).await?;
    tracing::info!(%workspace_id, month = %month.key(), recipients = recipients.len(), "monthly report sent");
    Ok(())
}

/// The month so far, to the person who asked.
async fn send_report_preview(
    deps: &Deps,
    workspace_id: platform::ids::WorkspaceId,
    user_id: platform::ids::UserId,
) -> Result<(), BoxDynError> {
    let now = chrono::Utc::now();
    let Some(to) = platform::accounts::email_of(&deps.db, &deps.all, user_id).await? else { return Ok(()) };
    let Some(report) = platform::reports::build(&deps.db, &deps.all, &deps.plans, workspace_id, ReportMonth::of(now), Some(now)).await?
    else {
        return Ok(());
    };
    if let Err(err) = deps.mailer.send(&templates::monthly_report(&report, &to, &deps.base_url)).await {
        tracing::warn!(%err, "preview mail failed; will retry");
        return Err(err.into());
    }
    Ok(())
}

/// The notice to an address's owner that someone signed up with it again (no token: the mail
/// points to sign-in and the reset page).
async fn send_account_exists(deps: &Deps, user_id: platform::ids::UserId) -> Result<(), BoxDynError> {
    let Some(email) = platform::accounts::email_of(&deps.db, &deps.all, user_id).await? else {
        tracing::info!(%user_id, "the account is gone; notice skipped");
        return Ok(());
    };
    if let Err(err) = deps.mailer.send(&templates::account_exists(&email, &deps.base_url)).await {
        tracing::warn!(%err, "mail delivery failed; will retry");
        return Err(err.into());
    }
    Ok(())
}

/// The founder's mail, and the operators' for a booking they have to act on. A retry after a
/// partial failure may repeat a mail that went out; it never loses one.
async fn send_booking_mail(deps: &Deps, booking_id: platform::ids::BookingId, event: BookingMail) -> Result<(), BoxDynError> {
    let Some(booking) = platform::sprints::load_for_job(&deps.db, &deps.all, booking_id).await? else {
        tracing::info!(%booking_id, "booking gone; mail skipped");
        return Ok(());
    };
    let mut mails = vec![templates::booking_for_founder(&booking, event, &deps.base_url)];
    let operators_act = match event {
        BookingMail::Booked => booking.status != BookingStatus::AwaitingDeposit,
        BookingMail::DepositPaid => true,
        _ => false,
    };
    if operators_act {
        mails.extend(deps.admins.iter().map(|admin| templates::booking_for_operator(admin, &booking, &deps.base_url)));
    }
    for mail in &mails {
        if let Err(err) = deps.mailer.send(mail).await {
            tracing::warn!(%err, "booking mail failed; will retry");
            return Err(err.into());
        }
    }
    Ok(())
}

fn job_kind(job: &EmailJob) -> &'static str {
    match job {
        EmailJob::VerifyEmail { .. } => "verify_email",
        EmailJob::ResetPassword { .. } => "reset_password",
        EmailJob::AccountExists { .. } => "account_exists",
        EmailJob::Invitation { .. } => "invitation",
        EmailJob::MonthlyReport { .. } => "monthly_report",
        EmailJob::ReportPreview { .. } => "report_preview",
        EmailJob::SprintBooking { event, .. } => event.as_str(),
    }
}
