//! The `--product FILE.toml` declaration, as read: plan.rs merges it under the flags.

use serde::Deserialize;

/// The product declaration a `--product` file holds. Unknown keys are refused by name.
/// Not `Debug`: it carries credentials until they become `SecretHeader`s.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProductFile {
    pub(super) url: Option<String>,
    pub(super) mail_domain: Option<String>,
    #[serde(default)]
    pub(super) dkim_selectors: Vec<String>,
    #[serde(default)]
    pub(super) hosts: Vec<String>,
    pub(super) www: Option<bool>,
    #[serde(default)]
    pub(super) endpoints: Vec<String>,
    pub(super) auth_header: Option<String>,
    pub(super) chat_canary: Option<String>,
    pub(super) cross_tenant: Option<CrossTenantFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CrossTenantFile {
    pub(super) object_path: String,
    pub(super) owner_header: String,
    pub(super) other_header: String,
}
