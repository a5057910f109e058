//! The flags of `launchready scan`.

use clap::Args;
use engine::report::Format;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

pub(super) const MAX_HOSTS: usize = 20;
pub(super) const MAX_TIMEOUT_SECS: u64 = 300;

/// The flags of `launchready scan` (deliberately no `Debug`: it holds the credential).
#[derive(Args)]
pub struct ScanArgs {
    /// The product's URL or domain, e.g. https://example.com or example.com. Optional when
    /// the --product file gives `url`.
    #[arg(value_name = "URL")]
    pub target: Option<String>,

    /// The domain that sends the product's mail [default: the target's registrable domain].
    #[arg(long, value_name = "DOMAIN")]
    pub mail_domain: Option<String>,

    /// A DKIM selector to check (repeatable, or comma-separated).
    #[arg(long = "dkim-selector", value_name = "SELECTOR", value_delimiter = ',')]
    pub dkim_selectors: Vec<String>,

    /// An extra declared host, e.g. app.example.com or api.example.com (repeatable).
    #[arg(long = "host", value_name = "HOST", value_delimiter = ',')]
    pub hosts: Vec<String>,

    /// A declared endpoint: 'PATH=public|authenticated|admin[,login|chat|health]' (repeatable).
    #[arg(long = "endpoint", value_name = "PATH=ACCESS[,KIND]")]
    pub endpoints: Vec<String>,

    /// A valid credential for the authenticated checks, e.g. 'Authorization: Bearer …'.
    /// Never printed; prefer `auth_header` in the --product file to keep it out of `ps`.
    #[arg(long, value_name = "'NAME: VALUE'")]
    pub auth_header: Option<String>,

    /// A secret string planted in the chat's system prompt; the prompt-injection check fails
    /// when an answer leaks it.
    #[arg(long, value_name = "STRING")]
    pub chat_canary: Option<String>,

    /// Read the product's declaration from a TOML file (docs/scan-output.md); flags given
    /// as well override its values or add to its lists.
    #[arg(long, value_name = "FILE.toml")]
    pub product: Option<PathBuf>,

    /// Also run the active probes (request bursts, hostile input). Only against products you
    /// operate or are allowed to test.
    #[arg(long)]
    pub active: bool,

    /// Output format: text, json, markdown or sarif.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = parse_format)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when the grade is worse than GRADE (A+, A, B, C, D, F) or the decision is Hold.
    #[arg(long, value_name = "GRADE")]
    pub fail_under: Option<String>,

    /// Timeout of each network request, in seconds; the whole audit gets max(60, 6 × this).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub timeout: u64,

    /// Ask this DNS server (IP or IP:PORT) instead of the system's resolver.
    #[arg(long, value_name = "IP:PORT", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,

    /// Also trust the CA certificates in this PEM file (repeatable).
    #[arg(long = "ca-file", value_name = "PEM")]
    pub ca_files: Vec<PathBuf>,

    /// Allow targets on loopback, private and other non-public addresses (a staging network).
    #[arg(long)]
    pub allow_private_targets: bool,
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

fn parse_resolver(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    text.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| format!("\"{text}\" is not IP or IP:PORT (e.g. 192.0.2.53:53 or [2001:db8::53]:53)"))
}
