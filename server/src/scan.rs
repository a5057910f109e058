//! `launchready scan`: one audit from the command line, for people and for CI. Needs no
//! database and no configuration file. Output and exit codes are a contract
//! (docs/scan-output.md): 0 done, 1 under `--fail-under`, 2 usage or runtime error.

use clap::Args;
use domain::hostname::HostName;
use domain::product::{Endpoint, MAX_DKIM_SELECTORS, MAX_ENDPOINTS};
use engine::net::dns::ResolverChoice;
use engine::redact::SecretHeader;
use engine::report::Format;
use engine::{AuditOptions, CrossTenant, Decision, Grade, Progress, Scorecard, Target};
use serde::Deserialize;
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const MAX_HOSTS: usize = 20;
const MAX_TIMEOUT_SECS: u64 = 300;

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

/// The product declaration a `--product` file holds. Unknown keys are refused by name.
/// Not `Debug`: it carries credentials until they become `SecretHeader`s.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductFile {
    url: Option<String>,
    mail_domain: Option<String>,
    #[serde(default)]
    dkim_selectors: Vec<String>,
    #[serde(default)]
    hosts: Vec<String>,
    www: Option<bool>,
    #[serde(default)]
    endpoints: Vec<String>,
    auth_header: Option<String>,
    chat_canary: Option<String>,
    cross_tenant: Option<CrossTenantFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrossTenantFile {
    object_path: String,
    owner_header: String,
    other_header: String,
}

/// Everything a scan needs, validated: a usage error cannot happen after this.
pub struct Plan {
    pub target: Target,
    pub options: AuditOptions,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub fail_under: Option<Grade>,
}

/// Where a value came from, for error messages: `--host` or `hosts in product.toml`.
struct Origin<'a> {
    flag: &'static str,
    key: &'static str,
    file: Option<&'a Path>,
}

impl Origin<'_> {
    fn of_file(&self) -> String {
        match self.file {
            Some(file) => format!("`{}` in {}", self.key, file.display()),
            None => self.flag.to_owned(),
        }
    }
}

fn host_name(label: &str, raw: &str) -> Result<String, String> {
    HostName::parse(label, raw).map(|h| h.as_str().to_owned()).map_err(|e| match e {
        domain::DomainError::Invalid(fields) => {
            format!("{label}: {}", fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; "))
        }
        other => format!("{label}: {other}"),
    })
}

fn selector(label: &str, raw: &str) -> Result<String, String> {
    domain::product::parse_selector(raw)
        .ok_or_else(|| format!("{label}: \"{}\" is not a DKIM selector (letters, digits, -, _ and dots)", raw.trim()))
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

impl Plan {
    pub fn from_args(args: ScanArgs) -> Result<Self, String> {
        // Cheap flags first, so a typo is reported before any file is read.
        let fail_under = match args.fail_under.as_deref() {
            None => None,
            Some(text) => {
                Some(Grade::parse(text).ok_or_else(|| format!("--fail-under must be one of A+, A, B, C, D, F (not \"{text}\")"))?)
            }
        };
        if args.timeout == 0 || args.timeout > MAX_TIMEOUT_SECS {
            return Err(format!("--timeout must be between 1 and {MAX_TIMEOUT_SECS} seconds"));
        }
        if let Some(output) = &args.output {
            if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.is_dir() {
                    return Err(format!("--output {}: the directory {} does not exist", output.display(), dir.display()));
                }
            }
        }

        let file_path = args.product.as_deref();
        let file = match file_path {
            None => ProductFile::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("--product {}: {e}", path.display()))?;
                toml::from_str::<ProductFile>(&text).map_err(|e| format!("--product {}: {}", path.display(), e.to_string().trim_end()))?
            }
        };
        let origin = |flag, key| Origin { flag, key, file: file_path };

        let url = args.target.as_deref().or(file.url.as_deref()).ok_or_else(|| {
            "give the URL or domain to scan, e.g. `launchready scan https://example.com` (or `url` in a --product file)".to_owned()
        })?;
        let mut target = Target::parse(url).map_err(|e| explain_localhost(url, args.allow_private_targets).unwrap_or(e))?;
        target.www = file.www.unwrap_or(true);

        match (&args.mail_domain, &file.mail_domain) {
            (Some(flag), _) => target.mail_domain = host_name("--mail-domain", flag)?,
            (None, Some(value)) => target.mail_domain = host_name(&origin("--mail-domain", "mail_domain").of_file(), value)?,
            (None, None) => {}
        }

        let mut selectors = Vec::new();
        let file_label = origin("--dkim-selector", "dkim_selectors").of_file();
        for raw in &file.dkim_selectors {
            push_unique(&mut selectors, selector(&file_label, raw)?);
        }
        for raw in &args.dkim_selectors {
            push_unique(&mut selectors, selector("--dkim-selector", raw)?);
        }
        if selectors.len() > MAX_DKIM_SELECTORS {
            return Err(format!("--dkim-selector: at most {MAX_DKIM_SELECTORS} selectors"));
        }
        target.dkim_selectors = selectors;

        let mut hosts = Vec::new();
        let file_label = origin("--host", "hosts").of_file();
        for raw in &file.hosts {
            push_unique(&mut hosts, host_name(&file_label, raw)?);
        }
        for raw in &args.hosts {
            push_unique(&mut hosts, host_name("--host", raw)?);
        }
        if hosts.len() > MAX_HOSTS {
            return Err(format!("--host: at most {MAX_HOSTS} extra hosts"));
        }
        target.hosts = hosts;

        // A flag's endpoint replaces the file's endpoint with the same path.
        let mut endpoints: Vec<Endpoint> = Vec::new();
        let file_label = origin("--endpoint", "endpoints").of_file();
        let parsed_file = file.endpoints.iter().map(|raw| (file_label.as_str(), raw));
        let parsed_flags = args.endpoints.iter().map(|raw| ("--endpoint", raw));
        for (label, raw) in parsed_file.chain(parsed_flags) {
            let endpoint = Endpoint::parse(raw).map_err(|e| format!("{label} \"{raw}\": {e}"))?;
            endpoints.retain(|e| e.path != endpoint.path);
            endpoints.push(endpoint);
        }
        if endpoints.len() > MAX_ENDPOINTS {
            return Err(format!("--endpoint: at most {MAX_ENDPOINTS} endpoints"));
        }
        target.endpoints = endpoints;

        target.auth_header = match (&args.auth_header, &file.auth_header) {
            (Some(flag), _) => Some(SecretHeader::parse(flag).map_err(|e| format!("--auth-header: {e}"))?),
            (None, Some(value)) => {
                Some(SecretHeader::parse(value).map_err(|e| format!("{}: {e}", origin("--auth-header", "auth_header").of_file()))?)
            }
            (None, None) => None,
        };

        let canary = args
            .chat_canary
            .as_ref()
            .map(|c| ("--chat-canary".to_owned(), c))
            .or_else(|| file.chat_canary.as_ref().map(|c| (origin("--chat-canary", "chat_canary").of_file(), c)));
        target.chat_canary = match canary {
            Some((label, value)) if value.trim().is_empty() => return Err(format!("{label} must not be empty")),
            Some((_, value)) => Some(value.trim().to_owned()),
            None => None,
        };

        if let Some(ct) = &file.cross_tenant {
            let label = origin("", "cross_tenant").of_file();
            if !ct.object_path.starts_with('/') || ct.object_path.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(format!("{label}: object_path \"{}\" must be a path starting with /", ct.object_path));
            }
            target.cross_tenant = Some(CrossTenant {
                object_path: ct.object_path.clone(),
                owner: SecretHeader::parse(&ct.owner_header).map_err(|e| format!("{label}: owner_header: {e}"))?,
                other: SecretHeader::parse(&ct.other_header).map_err(|e| format!("{label}: other_header: {e}"))?,
            });
        }

        let mut extra_ca_pem = Vec::new();
        for path in &args.ca_files {
            let pem = std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
            engine::net::tls::root_store(std::slice::from_ref(&pem)).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
            extra_ca_pem.push(pem);
        }

        let mut options = AuditOptions {
            active: args.active,
            resolver: args.resolver.map_or(ResolverChoice::System, ResolverChoice::Server),
            extra_ca_pem,
            allow_private_targets: args.allow_private_targets,
            deadline: Duration::from_secs((6 * args.timeout).max(60)),
            ..AuditOptions::default()
        };
        options.limits.request_timeout = Duration::from_secs(args.timeout);

        Ok(Self { target, options, format: args.format, output: args.output, fail_under })
    }
}

/// `localhost` has no domain suffix, so `Target::parse` refuses it as a name; say what the
/// person most likely needs to hear instead.
fn explain_localhost(input: &str, allow_private_targets: bool) -> Option<String> {
    let input = input.trim();
    let with_scheme = if input.contains("://") { input.to_owned() } else { format!("https://{input}") };
    let url = url::Url::parse(&with_scheme).ok()?;
    if !url.host_str()?.trim_end_matches('.').eq_ignore_ascii_case("localhost") {
        return None;
    }
    Some(if allow_private_targets {
        "localhost has no domain suffix: scan a name such as app.localhost instead (it resolves to loopback too)".to_owned()
    } else {
        "refused: localhost is a loopback name (scanning it is not allowed; for a development server use \
         --allow-private-targets with a name such as app.localhost)"
            .to_owned()
    })
}

/// The engine's refusal, with the way out when it is about the address.
fn explain_audit_error(err: engine::AuditError) -> String {
    match err {
        engine::AuditError::Refused(message) if message.contains(" address") => {
            format!("{message}; --allow-private-targets lifts this for a network you operate")
        }
        other => other.to_string(),
    }
}

/// 1 when the grade is under the threshold, or the decision is Hold with a threshold given.
pub fn exit_code(card: &Scorecard, fail_under: Option<Grade>) -> u8 {
    match fail_under {
        Some(threshold) if card.grade.is_below(threshold) || card.decision == Decision::Hold => 1,
        _ => 0,
    }
}

/// `NO_COLOR` (https://no-color.org) set to anything non-empty turns colour off.
fn colour_wanted(to_terminal: bool) -> bool {
    to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The live `[done/total] check-id` line on a terminal's stderr.
struct ProgressLine {
    enabled: bool,
}

impl ProgressLine {
    fn start(&self, target: &str) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2Kscanning {target} …");
            let _ = err.flush();
        }
    }

    fn update(&self, progress: Progress<'_>) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K[{}/{}] {}", progress.done, progress.total, progress.last.id);
            let _ = err.flush();
        }
    }

    fn clear(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// Runs `launchready scan`; prints errors as `launchready scan: <message>` (exit 2).
pub fn main(args: ScanArgs) -> ExitCode {
    crate::telemetry::init_stderr("warn");
    match run(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("launchready scan: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: ScanArgs) -> Result<u8, String> {
    let plan = Plan::from_args(args)?;
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let progress = ProgressLine { enabled: std::io::stderr().is_terminal() };
    progress.start(plan.target.url.as_str());
    let result = runtime.block_on(engine::run_audit(plan.target, plan.options, &|p| progress.update(p)));
    progress.clear();
    runtime.shutdown_timeout(Duration::from_secs(1));
    let card = result.map_err(explain_audit_error)?;

    let code = exit_code(&card, plan.fail_under);
    match &plan.output {
        None => {
            let rendered = plan.format.render(&card, colour_wanted(std::io::stdout().is_terminal()));
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("cannot write the report: {e}"))?;
        }
        Some(path) => {
            let rendered = plan.format.render(&card, false);
            std::fs::write(path, rendered).map_err(|e| format!("--output {}: {e}", path.display()))?;
            eprintln!(
                "{}: {}, grade {} ({}/100); {} report written to {}",
                card.target,
                card.decision.label(),
                card.grade,
                card.score,
                plan.format,
                path.display()
            );
        }
    }
    if code == 1 {
        if let Some(threshold) = plan.fail_under {
            let why = if card.grade.is_below(threshold) {
                format!("grade {} is under --fail-under {threshold}", card.grade)
            } else {
                format!("the decision is Hold ({})", card.decision_reason)
            };
            eprintln!("launchready scan: failing: {why}");
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ScanArgs,
    }

    fn plan(argv: &[&str]) -> Result<Plan, String> {
        let cli = Cli::try_parse_from(std::iter::once("scan").chain(argv.iter().copied())).map_err(|e| e.to_string())?;
        Plan::from_args(cli.args)
    }

    fn product_file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn defaults_from_a_bare_domain() {
        let p = plan(&["example.com"]).unwrap();
        assert_eq!(p.target.url.as_str(), "https://example.com/");
        assert_eq!(p.target.mail_domain, "example.com");
        assert!(p.target.www);
        assert_eq!(p.format, Format::Text);
        assert_eq!(p.fail_under, None);
        assert_eq!(p.options.limits.request_timeout, Duration::from_secs(10));
        assert_eq!(p.options.deadline, Duration::from_secs(60));
        assert_eq!(p.options.resolver, ResolverChoice::System);
        assert!(!p.options.active && !p.options.allow_private_targets);
    }

    #[test]
    fn flags_fill_the_target_and_options() {
        let p = plan(&[
            "https://www.example.com/start",
            "--mail-domain",
            "Mail.Example.com",
            "--dkim-selector",
            "s1,google",
            "--dkim-selector",
            "S1",
            "--host",
            "app.example.com",
            "--host",
            "api.example.com",
            "--endpoint",
            "/api/login=public,login",
            "--endpoint",
            "/admin=admin",
            "--auth-header",
            "Authorization: Bearer abcdefghijkl",
            "--chat-canary",
            "canary-123",
            "--active",
            "--format",
            "sarif",
            "--fail-under",
            "b",
            "--timeout",
            "20",
            "--resolver",
            "127.0.0.1:5353",
            "--allow-private-targets",
        ])
        .unwrap();
        assert_eq!(p.target.main_host(), "www.example.com");
        assert_eq!(p.target.mail_domain, "mail.example.com");
        assert_eq!(p.target.dkim_selectors, ["s1", "google"]);
        assert_eq!(p.target.hosts, ["app.example.com", "api.example.com"]);
        let lines: Vec<String> = p.target.endpoints.iter().map(Endpoint::to_line).collect();
        assert_eq!(lines, ["/api/login=public,login", "/admin=admin"]);
        assert_eq!(p.target.auth_header.as_ref().unwrap().expose(), "Bearer abcdefghijkl");
        assert_eq!(p.target.chat_canary.as_deref(), Some("canary-123"));
        assert!(p.options.active && p.options.allow_private_targets);
        assert_eq!(p.format, Format::Sarif);
        assert_eq!(p.fail_under, Some(Grade::B));
        assert_eq!(p.options.limits.request_timeout, Duration::from_secs(20));
        assert_eq!(p.options.deadline, Duration::from_secs(120));
        assert_eq!(p.options.resolver, ResolverChoice::Server("127.0.0.1:5353".parse().unwrap()));
    }

    #[test]
    fn a_bare_resolver_ip_means_port_53() {
        let p = plan(&["example.com", "--resolver", "192.0.2.53"]).unwrap();
        assert_eq!(p.options.resolver, ResolverChoice::Server("192.0.2.53:53".parse().unwrap()));
        assert!(plan(&["example.com", "--resolver", "dns.example"]).err().expect("refused").contains("--resolver"));
    }

    #[test]
    fn the_product_file_declares_everything_and_flags_win() {
        let file = product_file(
            r#"
url = "https://example.com"
mail_domain = "example.com"
dkim_selectors = ["s1"]
hosts = ["app.example.com"]
www = false
endpoints = ["/api/chat=authenticated,chat", "/health=public,health"]
auth_header = "Authorization: Bearer from-the-file-123"
chat_canary = "file-canary"

[cross_tenant]
object_path = "/api/projects/42"
owner_header = "Authorization: Bearer owner-token-123"
other_header = "Authorization: Bearer other-token-456"
"#,
        );
        let path = file.path().to_str().unwrap();
        let p =
            plan(&["--product", path, "--host", "api.example.com", "--endpoint", "/health=admin", "--chat-canary", "flag-canary"]).unwrap();
        assert_eq!(p.target.url.as_str(), "https://example.com/");
        assert!(!p.target.www);
        assert_eq!(p.target.dkim_selectors, ["s1"]);
        assert_eq!(p.target.hosts, ["app.example.com", "api.example.com"]);
        let lines: Vec<String> = p.target.endpoints.iter().map(Endpoint::to_line).collect();
        assert_eq!(lines, ["/api/chat=authenticated,chat", "/health=admin"], "the flag replaces the file's /health");
        assert_eq!(p.target.auth_header.as_ref().unwrap().expose(), "Bearer from-the-file-123");
        assert_eq!(p.target.chat_canary.as_deref(), Some("flag-canary"));
        let ct = p.target.cross_tenant.as_ref().unwrap();
        assert_eq!(ct.object_path, "/api/projects/42");
        assert_eq!(ct.owner.expose(), "Bearer owner-token-123");
        assert_eq!(ct.other.expose(), "Bearer other-token-456");

        // The positional URL overrides the file's.
        let p = plan(&["other.example.org", "--product", path]).unwrap();
        assert_eq!(p.target.url.as_str(), "https://other.example.org/");
    }

    #[test]
    fn product_file_errors_name_the_key() {
        let file = product_file("url = \"example.com\"\ncolour = \"blue\"\n");
        let err = plan(&["--product", file.path().to_str().unwrap()]).err().expect("refused");
        assert!(err.contains("--product") && err.contains("colour"), "{err}");

        let file = product_file("url = \"example.com\"\n[cross_tenant]\nobject_path = \"/x\"\nowner_header = \"A: b\"\nother = \"c\"\n");
        let err = plan(&["--product", file.path().to_str().unwrap()]).err().expect("refused");
        assert!(err.contains("other"), "{err}");

        let file = product_file("hosts = [\"not a host\"]\n");
        let err = plan(&["example.com", "--product", file.path().to_str().unwrap()]).err().expect("refused");
        assert!(err.contains("`hosts` in"), "{err}");

        let err = plan(&["--product", "/nonexistent/product.toml"]).err().expect("refused");
        assert!(err.contains("--product /nonexistent/product.toml"), "{err}");
    }

    #[test]
    fn usage_errors_name_the_flag() {
        let cases: &[(&[&str], &str)] = &[
            (&["example.com", "--fail-under", "E"], "--fail-under must be one of A+, A, B, C, D, F"),
            (&["example.com", "--endpoint", "/x=everyone"], "--endpoint \"/x=everyone\""),
            (&["example.com", "--endpoint", "nopath"], "--endpoint"),
            (&["example.com", "--mail-domain", "not a domain"], "--mail-domain"),
            (&["example.com", "--host", "http://"], "--host"),
            (&["example.com", "--dkim-selector", "bad selector"], "--dkim-selector"),
            (&["example.com", "--auth-header", "no colon here"], "--auth-header"),
            (&["example.com", "--chat-canary", "  "], "--chat-canary"),
            (&["example.com", "--timeout", "0"], "--timeout"),
            (&["example.com", "--ca-file", "/nonexistent/ca.pem"], "--ca-file /nonexistent/ca.pem"),
            (&["example.com", "--output", "/nonexistent/dir/out.json"], "--output"),
            (&["example.com", "--format", "xml"], "--format"),
            (&["127.0.0.1"], "not an IP address"),
            (&["localhost"], "refused: localhost is a loopback name"),
            (&["http://LOCALHOST:8080/", "--allow-private-targets"], "app.localhost"),
            (&[], "give the URL or domain"),
        ];
        for (argv, expected) in cases {
            let err = plan(argv).err().unwrap_or_else(|| panic!("{argv:?} was accepted"));
            assert!(err.contains(expected), "{argv:?}: {err}");
        }
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused_by_name() {
        let file = product_file("not a certificate\n");
        let err = plan(&["example.com", "--ca-file", file.path().to_str().unwrap()]).err().expect("refused");
        assert!(err.starts_with("--ca-file ") && err.contains("no PEM certificate"), "{err}");
    }

    #[test]
    fn exit_codes() {
        let mut card = Scorecard {
            schema_version: 1,
            engine_version: "0".into(),
            target: "https://example.com/".into(),
            started_at: chrono::Utc::now(),
            duration_ms: 1,
            score: 85,
            grade: Grade::B,
            decision: Decision::Go,
            decision_reason: String::new(),
            active: false,
            requests: 0,
            counts: Default::default(),
            checks: Vec::new(),
        };
        assert_eq!(exit_code(&card, None), 0);
        assert_eq!(exit_code(&card, Some(Grade::B)), 0);
        assert_eq!(exit_code(&card, Some(Grade::C)), 0);
        assert_eq!(exit_code(&card, Some(Grade::A)), 1);
        card.decision = Decision::Hold;
        assert_eq!(exit_code(&card, None), 0, "Hold alone fails only with --fail-under");
        assert_eq!(exit_code(&card, Some(Grade::F)), 1);
    }
}
