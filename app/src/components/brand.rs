//! The frame of pages an agency's customers see: share links, status pages and client users'
//! views carry the agency's name, logo, accent colour and footer when it has white-label
//! branding, and launchready's otherwise.

use domain::share::Brand;
use leptos::prelude::*;
use leptos_meta::Link;

/// The accent colour, as a stylesheet from our origin (`/brand/accent/{rrggbb}.css`): the CSP
/// allows no inline style.
#[component]
pub fn BrandStyle(brand: Option<Brand>) -> impl IntoView {
    brand.and_then(|b| b.accent).map(|accent| {
        let href = format!("/brand/accent/{}.css", accent.trim_start_matches('#'));
        view! { <Link rel="stylesheet" href=href/> }
    })
}

/// The name (and logo) at the top of a branded page.
#[component]
pub fn BrandBar(brand: Option<Brand>) -> impl IntoView {
    match brand {
        Some(b) => view! {
            <header class="site-header brand-bar">
                <div class="nav">
                    <span class="brand">
                        {b.logo_url.map(|src| view! { <img class="brand-logo" src=src alt="" height="32"/> })}
                        {b.name}
                    </span>
                </div>
            </header>
        }
        .into_any(),
        None => view! {
            <header class="site-header brand-bar">
                <div class="nav"><a class="brand" href="/">"launchready"</a></div>
            </header>
        }
        .into_any(),
    }
}

/// The footer: the agency's text, or `default` (launchready's).
#[component]
pub fn BrandFooter(brand: Option<Brand>, default: &'static str) -> impl IntoView {
    let text = match brand {
        Some(b) if !b.footer.is_empty() => b.footer,
        Some(_) => String::new(),
        None => default.to_owned(),
    };
    view! { <footer class="site-footer"><p>{text}</p></footer> }
}
