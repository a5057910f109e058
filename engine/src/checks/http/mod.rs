//! The http checks: HTTPS on every host, plain HTTP redirected permanently, one canonical
//! host, short redirect chains that never downgrade, HSTS, and no mixed content.

mod canonical;
mod common;
mod hsts;
mod https_available;
mod https_redirect;
mod mixed_content;
mod redirect_chain;

use crate::registry::Registry;

pub(super) fn register(r: &mut Registry) {
    r.add("http.https.available", |cx| Box::pin(https_available::check(cx)));
    r.add("http.https.redirect", |cx| Box::pin(https_redirect::check(cx)));
    r.add("http.canonical", |cx| Box::pin(canonical::check(cx)));
    r.add("http.redirect.chain", |cx| Box::pin(redirect_chain::check(cx)));
    r.add("http.hsts", |cx| Box::pin(hsts::check(cx)));
    r.add("http.mixed_content", |cx| Box::pin(mixed_content::check(cx)));
}
