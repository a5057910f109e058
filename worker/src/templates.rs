//! The text of the mails we send. Plain text: it renders everywhere and carries no tracking.

use crate::mail::OutgoingMail;
use domain::role::Role;
use domain::sprint::{format_money, BookingView};
use platform::jobs::BookingMail;
use platform::team::invitations::InvitationMail;

pub fn verify_email(to: &str, base_url: &str, token: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: "Confirm your email for launchready".into(),
        body_text: format!(
            "Welcome to launchready.\n\n\
             Confirm that this is your address by opening the link below:\n\n\
             {base}/verify?token={token}\n\n\
             The link works once and expires in 48 hours. If you did not sign up, ignore this mail.\n",
            base = base_url.trim_end_matches('/'),
        ),
    }
}

/// To the owner of an address someone tried to sign up with again.
pub fn account_exists(to: &str, base_url: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: "You already have a launchready account".into(),
        body_text: format!(
            "Someone (hopefully you) tried to create a launchready account with this address, \
             which already has one. Nothing was changed.\n\n\
             Sign in here:\n\n\
             {base}/signin\n\n\
             Forgot your password? Choose a new one here:\n\n\
             {base}/forgot\n\n\
             If it was not you, ignore this mail.\n",
            base = base_url.trim_end_matches('/'),
        ),
    }
}

/// An invitation to an organisation (as staff) or to some of its workspaces (as a client).
pub fn invitation(invitation: &InvitationMail, base_url: &str) -> OutgoingMail {
    let by = invitation.invited_by.as_deref().map(|who| format!("{who} invited you")).unwrap_or_else(|| "You are invited".into());
    let what = if invitation.role == Role::Client {
        format!(
            "to see {} of {} on launchready, read-only: launch-readiness reports, monitors and incidents",
            invitation.workspaces.join(", "),
            invitation.organization
        )
    } else {
        format!("to join {} on launchready as {}", invitation.organization, invitation.role.as_str())
    };
    OutgoingMail {
        to: invitation.to.clone(),
        subject: format!("Invitation to {} on launchready", invitation.organization),
        body_text: format!(
            "{by} {what}.\n\n\
             Accept the invitation here (you can sign up with this address, or sign in if you have an account):\n\n\
             {base}/invite?token={token}\n\n\
             The link works once, only for this address, and expires in {days} days. \
             If you did not expect it, ignore this mail.\n",
            base = base_url.trim_end_matches('/'),
            token = invitation.token.expose(),
            days = domain::team::INVITATION_DAYS,
        ),
    }
}

pub fn reset_password(to: &str, base_url: &str, token: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: "Reset your launchready password".into(),
        body_text: format!(
            "Someone (hopefully you) asked to reset the password of this launchready account.\n\n\
             Choose a new password here:\n\n\
             {base}/reset?token={token}\n\n\
             The link works once and expires in 30 minutes. Resetting signs you out everywhere.\n\
             If you did not ask for this, ignore this mail: your password stays as it is.\n",
            base = base_url.trim_end_matches('/'),
        ),
    }
}

fn booking_lines(b: &BookingView) -> String {
    let mut lines = format!(
        "Product: {}\nSprint: {} (starts {})\nStatus: {}\nContact: {} <{}>\n",
        b.product_name,
        b.slot.title,
        b.slot.starts_on.format("%A %e %B %Y"),
        b.status.label(),
        b.contact_name,
        b.contact_email,
    );
    if b.deposit_cents > 0 {
        let paid = if b.deposit_paid_at.is_some() { "paid" } else { "not paid yet" };
        lines.push_str(&format!("Deposit: {} ({paid})\n", format_money(b.deposit_cents, &b.slot.currency)));
    }
    lines
}

pub fn booking_for_founder(b: &BookingView, event: BookingMail, base_url: &str) -> OutgoingMail {
    let base = base_url.trim_end_matches('/');
    let (subject, opening) = match event {
        BookingMail::Booked if b.deposit_cents > 0 && b.deposit_paid_at.is_none() => {
            ("Your Launch Ready sprint seat is held", "We are holding your seat for 24 hours while you pay the deposit.")
        }
        BookingMail::Booked => {
            ("Your Launch Ready sprint is booked", "Thanks: your booking is with our team, who will confirm it shortly.")
        }
        BookingMail::DepositPaid => (
            "Deposit received for your Launch Ready sprint",
            "Thanks: we received your deposit and our team will confirm the booking shortly.",
        ),
        BookingMail::Confirmed => ("Your Launch Ready sprint is confirmed", "Good news: your sprint is confirmed."),
        BookingMail::Declined => (
            "Your Launch Ready sprint booking was declined",
            "Sorry: we cannot take this booking. The seat has been released; reply to this mail or pick another slot.",
        ),
        BookingMail::Rescheduled => ("Your Launch Ready sprint has moved", "Your sprint has been moved to a new date."),
    };
    OutgoingMail {
        to: b.contact_email.clone(),
        subject: format!("{subject}: {}", b.product_name),
        body_text: format!("{opening}\n\n{}\nYour booking: {base}/app/sprints/{}\n", booking_lines(b), b.id),
    }
}

pub fn booking_for_operator(to: &str, b: &BookingView, base_url: &str) -> OutgoingMail {
    let base = base_url.trim_end_matches('/');
    let snapshot =
        if b.shared_snapshot { "The founder shared a snapshot of the scorecard." } else { "The founder did not share the scorecard." };
    OutgoingMail {
        to: to.to_owned(),
        subject: format!("New sprint booking: {} ({})", b.product_name, b.slot.starts_on.format("%e %b %Y").to_string().trim()),
        body_text: format!(
            "A founder booked a Launch Ready sprint.\n\n{}Notes: {}\n\n{snapshot}\nReview it: {base}/admin/bookings/{}\n",
            booking_lines(b),
            if b.notes.is_empty() { "(none)" } else { &b.notes },
            b.id,
        ),
    }
}
