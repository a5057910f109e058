//! An agency's branding as its owners and admins edit it: the name shown in place of
//! launchready's, an accent colour that keeps white button text readable, and a footer.

use crate::DomainError;
use serde::{Deserialize, Serialize};

pub const LOGO_MAX_BYTES: usize = 256 * 1024;
pub const LOGO_MAX_SIDE: usize = 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub accent: String,
    #[serde(default)]
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingSpec {
    pub name: String,
    /// `#rrggbb`, lower case.
    pub accent: Option<String>,
    pub footer: String,
}

/// WCAG 2 contrast ratio of a colour against white.
fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    1.05 / (luminance + 0.05)
}

/// `#rrggbb` (or `rrggbb`) → its bytes.
pub fn parse_hex_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// An accent colour white button text stays readable on (4.5:1), as `#rrggbb` in lower case;
/// the reason when it is not one.
pub fn accent_colour(text: &str) -> Result<String, String> {
    match parse_hex_colour(text) {
        None => Err("must be a colour like #1d4ed8".into()),
        Some(rgb) if contrast_with_white(rgb) < 4.5 => {
            Err(format!("is too light: white button text on it has {:.1}:1 contrast, 4.5:1 is needed", contrast_with_white(rgb)))
        }
        Some(rgb) => Ok(format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])),
    }
}

impl BrandingForm {
    pub fn parse(&self) -> Result<BrandingSpec, DomainError> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(crate::FieldError::new("name", "is required: it replaces launchready's name on your pages"));
        } else if name.chars().count() > 80 {
            errors.push(crate::FieldError::new("name", "is longer than 80 characters"));
        }
        let footer = self.footer.trim().to_owned();
        if footer.chars().count() > 200 {
            errors.push(crate::FieldError::new("footer", "is longer than 200 characters"));
        }
        for (field, text) in [("name", &name), ("footer", &footer)] {
            if text.chars().any(char::is_control) {
                errors.push(crate::FieldError::new(field, "must not contain control characters"));
            }
        }
        let accent = if self.accent.trim().is_empty() {
            None
        } else {
            accent_colour(&self.accent).map_err(|message| errors.push(crate::FieldError::new("accent", message))).ok()
        };
        if errors.is_empty() {
            Ok(BrandingSpec { name, accent, footer })
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}

/// The branding page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingView {
    /// The plan includes white-label pages.
    pub included: bool,
    pub plan: String,
    pub name: String,
    pub accent: String,
    pub footer: String,
    pub logo_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_must_keep_white_text_readable() {
        let form = |accent: &str| BrandingForm { name: "Agency".into(), accent: accent.into(), footer: String::new() };
        assert_eq!(form("#1D4ED8").parse().unwrap().accent.as_deref(), Some("#1d4ed8"));
        assert_eq!(form("").parse().unwrap().accent, None);
        assert!(form("#ffff00").parse().is_err(), "yellow fails 4.5:1");
        assert!(form("blue").parse().is_err());
        assert!(BrandingForm { name: " ".into(), ..Default::default() }.parse().is_err());
    }
}
