//! Sending one alert to one channel: email (the platform's mailer), a Slack incoming webhook,
//! or a generic webhook signed with HMAC-SHA256 (`webhook`). Slack and webhook URLs are
//! reached through the scanner's SSRF guard.

pub mod webhook;

use crate::jobs::deps::Deps;
use crate::mail::OutgoingMail;
use domain::plans::ChannelKind;
use engine::net::http::Request;
use http::Method;
use platform::alerts::Delivery;

/// Sends `delivery`; the error is safe to store and show (the channel URL is masked).
pub async fn send(delivery: &Delivery, deps: &Deps) -> Result<(), String> {
    let event = &delivery.event;
    let result = match delivery.kind {
        ChannelKind::Email => {
            let mail =
                OutgoingMail { to: delivery.secret.target.clone(), subject: event.subject(), body_text: email_text(event, &deps.base_url) };
            deps.mailer.send(&mail).await.map_err(|e| e.to_string())
        }
        ChannelKind::Slack => {
            let text = format!("*{}*\n{}", event.subject(), event.text(&deps.base_url));
            let body = serde_json::json!({ "text": text }).to_string();
            post(deps, &delivery.secret.target, body.into_bytes(), Vec::new()).await
        }
        ChannelKind::Webhook => {
            let secret = delivery.secret.signing_secret.as_deref().ok_or("the webhook channel has no signing secret")?;
            let body = webhook::body(delivery.id.into(), event, &deps.base_url);
            let timestamp = chrono::Utc::now().timestamp();
            let headers = vec![
                (webhook::TIMESTAMP_HEADER, timestamp.to_string()),
                (webhook::SIGNATURE_HEADER, webhook::sign(secret, timestamp, &body)),
                (webhook::EVENT_HEADER, event.kind().to_owned()),
                (webhook::DELIVERY_HEADER, delivery.id.to_string()),
            ];
            post(deps, &delivery.secret.target, body, headers).await
        }
    };
    result.map_err(|e| mask(&e, &delivery.secret.target))
}

fn email_text(event: &platform::alerts::AlertEvent, base_url: &str) -> String {
    format!("{}\n\n-- \nlaunchready alerts. Manage channels at {base_url}/app/alerts\n", event.text(base_url))
}

async fn post(deps: &Deps, target: &str, body: Vec<u8>, headers: Vec<(&str, String)>) -> Result<(), String> {
    let url = url::Url::parse(target).map_err(|e| format!("invalid channel URL: {e}"))?;
    let mut request = Request::new(Method::POST, url).header("content-type", "application/json").body(body);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let response = deps.probe.delivery().send(request).await.map_err(|e| e.to_string())?;
    if (200..300).contains(&response.status) {
        Ok(())
    } else {
        let text = response.text();
        let snippet: String = text.chars().take(120).collect();
        Err(format!(
            "the receiver answered HTTP {}{}",
            response.status,
            if snippet.trim().is_empty() { String::new() } else { format!(": {}", snippet.trim()) }
        ))
    }
}

/// Slack and webhook URLs carry their secret in the path: never let one into an error text.
fn mask(error: &str, target: &str) -> String {
    let mut out = error.replace(target, "<channel URL>");
    if let Ok(url) = url::Url::parse(target) {
        if url.path().len() > 1 {
            out = out.replace(url.path(), "/<path>");
        }
        if let Some(query) = url.query() {
            out = out.replace(query, "<query>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_never_carry_the_channel_url() {
        let target = "https://hooks.example.com/services/T000/B000/SECRETSECRET";
        let masked = super::mask(&format!("error sending request for url ({target}): refused /services/T000/B000/SECRETSECRET"), target);
        assert!(!masked.contains("SECRET"), "{masked}");
    }
}
