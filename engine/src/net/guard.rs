//! The SSRF guard lives in `domain::guard` so the web app can refuse a forbidden webhook URL
//! when it is entered; the scanner and every outgoing alert use the same rules.
pub use domain::guard::*;
