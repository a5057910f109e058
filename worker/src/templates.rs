//! The text of the mails we send. Plain text: it renders everywhere and carries no tracking.

use crate::mail::OutgoingMail;

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
