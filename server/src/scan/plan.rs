//! Flags over the product file, validated into a `Plan`: after this no usage error can
//! happen, and every error names the flag or the file's key it came from.

use super::args::{ScanArgs, MAX_HOSTS, MAX_TIMEOUT_SECS};
use domain::hostname::HostName;
use domain::product::{Endpoint, LATENCY_BUDGET_MS, MAX_DKIM_SELECTORS, MAX_ENDPOINTS};
use engine::net::dns::ResolverChoice;
use engine::product_file::ProductFile;
use engine::redact::SecretHeader;
use engine::report::Format;
use engine::{AuditOptions, CrossTenant, Grade, Target};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
                ProductFile::parse(&text).map_err(|e| format!("--product {}: {e}", path.display()))?
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

        for (key, value, slot) in [
            ("latency_budget_ms", file.latency_budget_ms, &mut target.latency_budget),
            ("ai_latency_budget_ms", file.ai_latency_budget_ms, &mut target.ai_latency_budget),
        ] {
            if let Some(ms) = value {
                let label = origin("", key).of_file();
                if !LATENCY_BUDGET_MS.contains(&ms) {
                    return Err(format!(
                        "{label}: {ms} must be between {} and {} milliseconds",
                        LATENCY_BUDGET_MS.start(),
                        LATENCY_BUDGET_MS.end()
                    ));
                }
                *slot = Duration::from_millis(ms);
            }
        }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::ScanArgs;
    use clap::Parser;
    use std::io::Write;

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
}
