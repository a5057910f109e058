//! The first lines `launchready serve` logs once it is bound: the address it serves, the
//! database, where mail goes (and where the development outbox is read), and whether the
//! background jobs run in this process. A new user finds the product in them; an operator
//! checks the configuration in them. Credentials never appear: the database URL is redacted,
//! and of an SMTP URL only the scheme, host and port are shown.

use crate::config::{Config, Environment};
use secrecy::ExposeSecret;
use std::net::SocketAddr;

#[derive(Debug)]
pub struct StartBanner {
    lines: Vec<String>,
}

impl StartBanner {
    pub fn new(config: &Config, listening: SocketAddr, embedded_worker: bool) -> Self {
        let base = config.base_url.as_str().trim_end_matches('/');
        let env = match config.env {
            Environment::Development => "development",
            Environment::Production => "production",
        };
        let mail = match &config.smtp_url {
            None if config.outbox_allowed_on(listening) => {
                format!("mail to the development outbox (no SMTP_URL set): read it at {base}/dev/outbox (loopback clients only)")
            }
            None => "mail to the development outbox (no SMTP_URL set), which is off: the server does not listen on loopback \
                     (set LAUNCHREADY_DEV_OUTBOX=true to read it from this machine)"
                .to_owned(),
            Some(url) => format!("mail via SMTP to {}, from {}", smtp_destination(url.expose_secret()), config.mail_from),
        };
        let jobs = if embedded_worker {
            "background jobs run in this process".to_owned()
        } else {
            "background jobs are not run here (--no-worker): run `launchready worker` beside it".to_owned()
        };
        let lines = vec![
            format!("launchready {} ({env}) serving {base}, listening on {listening}", env!("CARGO_PKG_VERSION")),
            format!("database {}", config.database_url.redacted()),
            mail,
            jobs,
        ];
        Self { lines }
    }

    pub fn log(&self) {
        for line in &self.lines {
            tracing::info!("{line}");
        }
    }
}

/// `smtps://user:pass@mail.example.com:465` → `smtps://mail.example.com:465`.
fn smtp_destination(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => {
            let host = parsed.host_str().unwrap_or("?");
            match parsed.port() {
                Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
                None => format!("{}://{host}", parsed.scheme()),
            }
        }
        Err(_) => "the configured server".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::smtp_destination;

    #[test]
    fn smtp_destination_shows_no_credentials() {
        assert_eq!(smtp_destination("smtps://user:s3cret@mail.example.com:465"), "smtps://mail.example.com:465");
        assert_eq!(smtp_destination("smtp://mail:1025"), "smtp://mail:1025");
        assert_eq!(smtp_destination("smtp://relay.example.com?tls=required"), "smtp://relay.example.com");
        assert_eq!(smtp_destination("not a url s3cret"), "the configured server");
    }
}
