//! The text of the mails we send. Plain text: it renders everywhere and carries no tracking.

use crate::mail::OutgoingMail;
use domain::dashboard::percent;
use domain::report::{MonthlyReport, ProductMonth};
use domain::role::Role;
use domain::scorecard::Decision;
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

/// A workspace's monthly report (or a preview of the month so far) to one recipient. On the
/// Agency plan with a brand it is white-labelled: the agency's name and footer, and no
/// launchready anywhere in it.
pub fn monthly_report(report: &MonthlyReport, to: &str, base_url: &str) -> OutgoingMail {
    let base = base_url.trim_end_matches('/');
    let period = report.period_label();
    let sender = if report.brand.is_some() { report.organization.clone() } else { format!("{} (via launchready)", report.organization) };
    let mut body = String::new();
    if report.preview {
        body.push_str(
            "PREVIEW: only you received this copy. Once the month is over, the report of the whole month goes to the \
             workspace's client users (or, without any, to the owner and admins) on the first of the next month.\n\n",
        );
    }
    let span = format!("{} to {} (UTC)", report.from.format("%e %B"), report.to.format("%e %B %Y, %H:%M"));
    body.push_str(&format!("{} report for {}\n{period}: {}\n\n", report.organization, report.workspace, span.trim()));
    if report.products.is_empty() {
        body.push_str("This workspace has no products yet, so there is nothing to report.\n");
    } else {
        body.push_str(&summary_line(report));
        for product in &report.products {
            body.push('\n');
            body.push_str(&product_section(product));
        }
    }
    body.push_str(&format!("\nEverything, with the details: {base}{}\n\n-- \n", report.workspace_path));
    match report.brand.as_ref() {
        Some(brand) if !brand.footer.is_empty() => body.push_str(&format!("{}\n", brand.footer)),
        Some(brand) => body.push_str(&format!("Sent by {} because the monthly report is on for this workspace.\n", brand.name)),
        None => body
            .push_str("Sent by launchready because the monthly report is on for this workspace; its owners and admins can turn it off.\n"),
    }
    let subject = format!("{}{}: report for {period} from {sender}", if report.preview { "[Preview] " } else { "" }, report.workspace);
    OutgoingMail { to: to.to_owned(), subject, body_text: body }
}

/// "3 products: 1 on Hold, 2 open critical findings, 1 outage."
fn summary_line(report: &MonthlyReport) -> String {
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let products = &report.products;
    let on_hold = products.iter().filter(|p| p.latest.as_ref().and_then(|a| a.decision) == Some(Decision::Hold)).count();
    let critical: usize = products.iter().map(|p| p.critical_open.len()).sum();
    let outages: u32 = products.iter().map(|p| p.incidents).sum();
    format!(
        "{}: {} on Hold, {}, {}.\n",
        count(products.len(), "product", "products"),
        on_hold,
        count(critical, "open critical finding", "open critical findings"),
        count(outages as usize, "outage", "outages"),
    )
}

fn product_section(p: &ProductMonth) -> String {
    let uptime = match p.uptime() {
        Some(pct) => format!("{} over {} checks", percent(pct), p.checks),
        None => "not measured (no monitor checks in this period)".into(),
    };
    let outages = match (p.incidents, p.incidents_open) {
        (0, 0) => "none".into(),
        (n, open) => {
            let mut text = format!("{n} begun, {} minutes down in this period", p.downtime_minutes);
            if open > 0 {
                text.push_str(&format!("; {open} still open"));
            }
            text
        }
    };
    let mut text = format!("{} ({})\n  Grade: {}\n  Uptime: {uptime}\n  Outages: {outages}\n", p.name, p.domain, p.grade_line());
    match (p.latest.is_some(), p.critical_open.as_slice()) {
        (false, _) => {}
        (true, []) => text.push_str("  Open critical findings: none\n"),
        (true, list) => {
            text.push_str(&format!("  Open critical findings ({}):\n", list.len()));
            for title in list {
                text.push_str(&format!("    - {title}\n"));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use domain::report::{AuditGrade, ReportMonth};
    use domain::scorecard::Grade;
    use domain::share::Brand;

    fn report(brand: Option<Brand>) -> MonthlyReport {
        let month = ReportMonth::parse("2026-11").unwrap();
        let audit = |grade, day| AuditGrade {
            at: chrono::Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
            grade: Some(grade),
            score: Some(70),
            decision: Some(Decision::Hold),
            reason: None,
        };
        MonthlyReport {
            organization: brand.as_ref().map_or("Pixel & Co".into(), |b| b.name.clone()),
            workspace: "Acme".into(),
            month,
            from: month.start(),
            to: month.end(),
            preview: false,
            brand,
            workspace_path: "/app/w/acme-3f9a1c".into(),
            products: vec![ProductMonth {
                name: "Acme shop".into(),
                domain: "acme.test".into(),
                latest: Some(audit(Grade::C, 20)),
                before: Some(audit(Grade::A, 1)),
                audits_in_period: 1,
                checks: 1000,
                failures: 5,
                incidents: 1,
                downtime_minutes: 42,
                incidents_open: 0,
                critical_open: vec!["Secrets in public files".into()],
            }],
        }
    }

    #[test]
    fn the_report_states_grades_uptime_outages_and_critical_findings() {
        let mail = monthly_report(&report(None), "client@example.test", "http://127.0.0.1:3000/");
        let body = &mail.body_text;
        for expected in [
            "1 product: 1 on Hold, 1 open critical finding, 1 outage.",
            "Acme shop (acme.test)",
            "Grade: C, score 70/100 (down from A); launch decision: Hold",
            "Uptime: 99.5% over 1000 checks",
            "Outages: 1 begun, 42 minutes down in this period",
            "    - Secrets in public files",
            "http://127.0.0.1:3000/app/w/acme-3f9a1c",
        ] {
            assert!(body.contains(expected), "{expected:?} missing from:\n{body}");
        }
        assert!(mail.subject.contains("November 2026"), "{}", mail.subject);
        assert!(body.contains("launchready"));
    }

    #[test]
    fn a_white_labelled_report_never_names_launchready() {
        let brand = Brand { name: "Pixel Agency".into(), logo_url: None, accent: None, footer: "Pixel Agency, 1 Main St".into() };
        let mail = monthly_report(&report(Some(brand)), "client@example.test", "http://127.0.0.1:3000");
        let all = format!("{}\n{}", mail.subject, mail.body_text).to_lowercase();
        assert!(!all.contains("launchready"), "{all}");
        assert!(mail.body_text.contains("Pixel Agency, 1 Main St"));
    }

    #[test]
    fn unmeasured_numbers_are_named_not_shown() {
        let mut r = report(None);
        r.products[0].checks = 0;
        r.products[0].latest = None;
        let body = monthly_report(&r, "a@example.test", "http://x").body_text;
        assert!(body.contains("Uptime: not measured"), "{body}");
        assert!(body.contains("Grade: not audited yet"), "{body}");
        assert!(!body.contains("Open critical findings"), "{body}");
    }
}
