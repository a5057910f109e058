//! The JSON shapes Stripe answers with (what async-stripe deserializes), for the API and the
//! events alike.

use super::ledger::{Session, Subscription};
use serde_json::{json, Value};

pub fn session_json(s: &Session, base: &str) -> Value {
    json!({
        "id": s.id, "object": "checkout.session", "automatic_tax": {"enabled": false}, "created": s.created,
        "custom_fields": [], "custom_text": {}, "expires_at": s.created + 24 * 3600, "livemode": false,
        "mode": s.mode, "payment_method_types": ["card"], "payment_status": s.payment_status,
        "shipping_options": [], "status": s.status,
        "url": if s.status == "open" { Some(format!("{base}/pay/{}", s.id)) } else { None },
        "customer": s.customer, "customer_email": s.customer_email, "client_reference_id": s.client_reference_id,
        "metadata": s.metadata, "subscription": s.subscription, "amount_total": s.amount, "currency": s.currency,
        "success_url": s.success_url, "cancel_url": s.cancel_url,
    })
}

pub fn subscription_json(s: &Subscription) -> Value {
    let plan = json!({
        "id": s.price, "object": "plan", "active": true, "billing_scheme": "per_unit", "created": s.created,
        "currency": "usd", "interval": "month", "interval_count": 1, "livemode": false, "usage_type": "licensed",
    });
    let price = json!({
        "id": s.price, "object": "price", "active": true, "billing_scheme": "per_unit", "created": s.created,
        "currency": "usd", "livemode": false, "metadata": {}, "product": "prod_test", "type": "recurring",
    });
    json!({
        "id": s.id, "object": "subscription", "automatic_tax": {"enabled": false}, "billing_cycle_anchor": s.created,
        "billing_mode": {"type": "classic"}, "billing_schedules": [], "cancel_at_period_end": false,
        "collection_method": "charge_automatically", "created": s.created, "currency": "usd", "customer": s.customer,
        "discounts": [], "invoice_settings": {"issuer": {"type": "self"}}, "livemode": false, "metadata": {},
        "start_date": s.created, "status": s.status,
        "items": {"object": "list", "has_more": false, "url": format!("/v1/subscription_items?subscription={}", s.id), "data": [{
            "id": format!("si_{}", s.id), "object": "subscription_item", "created": s.created,
            "current_period_start": s.created, "current_period_end": s.period_end, "discounts": [], "metadata": {},
            "subscription": s.id, "plan": plan, "price": price, "quantity": 1,
        }]},
    })
}
