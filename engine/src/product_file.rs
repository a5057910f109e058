//! The `launchready scan --product FILE.toml` declaration, as read: the scan's plan merges it
//! under the flags. Here, not in the CLI, so that the fuzz targets reach it (it is read from a
//! file anyone can hand to a CI job).

use serde::Deserialize;

/// The product declaration a `--product` file holds. Unknown keys are refused by name.
/// Not `Debug`: it carries credentials until they become `SecretHeader`s.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductFile {
    pub url: Option<String>,
    pub mail_domain: Option<String>,
    #[serde(default)]
    pub dkim_selectors: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    pub www: Option<bool>,
    #[serde(default)]
    pub endpoints: Vec<String>,
    pub auth_header: Option<String>,
    pub chat_canary: Option<String>,
    pub cross_tenant: Option<CrossTenantFile>,
    /// `perf.latency`'s p95 budget for pages and ordinary endpoints, in milliseconds.
    pub latency_budget_ms: Option<u64>,
    /// `perf.latency`'s p95 budget for AI chat endpoints, in milliseconds.
    pub ai_latency_budget_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossTenantFile {
    pub object_path: String,
    pub owner_header: String,
    pub other_header: String,
}

impl ProductFile {
    /// The file's TOML; the error is toml's, which names the line and the key.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())
    }
}
