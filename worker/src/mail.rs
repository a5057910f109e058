//! Outgoing mail: SMTP through lettre, or the development outbox table when no SMTP server is
//! configured. Message bodies carry links with tokens, so they are never logged.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

/// A mail ready to send. `Debug` shows the recipient and subject, never the body.
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body_text: String,
}

impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail").field("to", &self.to).field("subject", &self.subject).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("smtp url is invalid: {0}")]
    Config(String),
    #[error("address {0} is invalid")]
    Address(String),
    #[error("smtp: {0}")]
    Smtp(String),
    #[error("outbox: {0}")]
    Outbox(#[from] domain::DomainError),
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// Development: mail is stored and shown at `/dev/outbox`.
    Outbox {
        db: DatabaseConnection,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Smtp { .. } => "Mailer::Smtp",
            Self::Outbox { .. } => "Mailer::Outbox",
        })
    }
}

impl Mailer {
    /// `smtp://host:port` (plain), `smtp://…?tls=required`, or `smtps://` — lettre's URL forms.
    pub fn new(smtp_url: Option<&SecretString>, from: &str, db: DatabaseConnection) -> Result<Self, MailError> {
        match smtp_url {
            None => Ok(Self::Outbox { db }),
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| MailError::Config(e.to_string()))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                let from = from.parse().map_err(|_| MailError::Address(from.to_owned()))?;
                Ok(Self::Smtp { transport, from })
            }
        }
    }

    pub fn uses_outbox(&self) -> bool {
        matches!(self, Self::Outbox { .. })
    }

    #[tracing::instrument(skip_all, fields(subject = %mail.subject))]
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        match self {
            Self::Outbox { db } => {
                platform::outbox::store(db, &mail.to, &mail.subject, &mail.body_text).await?;
                tracing::info!("mail stored in the development outbox");
                Ok(())
            }
            Self::Smtp { transport, from } => {
                let to: Mailbox = mail.to.parse().map_err(|_| MailError::Address(mail.to.clone()))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(mail.subject.clone())
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.body_text.clone())
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                transport.send(message).await.map_err(|e| MailError::Smtp(e.to_string()))?;
                tracing::info!("mail sent over SMTP");
                Ok(())
            }
        }
    }
}
