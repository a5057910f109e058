//! Configuration: defaults, then a file, then `LAUNCHREADY_*`; bad settings are named.

use figment::providers::Env;
use server::config::{Config, Environment};
use std::io::Write;

fn with_env(prefix: &str, vars: &[(&str, &str)]) -> Env {
    for (key, value) in vars {
        // SAFETY: each test uses its own variable prefix, so no two tests touch the same names.
        unsafe { std::env::set_var(format!("{prefix}{key}"), value) };
    }
    Env::prefixed(prefix).split("__")
}

fn load(file: Option<&std::path::Path>, prefix: &str, vars: &[(&str, &str)]) -> Result<Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let mut all = vec![("DATA_DIR", data_dir.as_str())];
    all.extend_from_slice(vars);
    Config::from_figment(Config::figment(file, with_env(prefix, &all))).map_err(|e| e.to_string())
}

#[test]
fn defaults_serve_sqlite_on_loopback_and_generate_a_dev_key() {
    let config = load(None, "LRCFG_A_", &[]).unwrap();
    assert_eq!(config.env, Environment::Development);
    assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
    assert!(config.database_url.expose().starts_with("sqlite:"));
    assert!(!config.secure_cookies());
    assert!(format!("{config:?}").contains("SecretKey(<redacted>)"));
}

#[test]
fn environment_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("launchready.toml");
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(file, "bind = \"127.0.0.1:4000\"\nbase_url = \"https://file.example\"").unwrap();
    let config = load(Some(&path), "LRCFG_B_", &[("BIND", "127.0.0.1:5000")]).unwrap();
    assert_eq!(config.bind.to_string(), "127.0.0.1:5000");
    assert_eq!(config.base_url.as_str(), "https://file.example/");
    assert!(config.secure_cookies());
}

#[test]
fn bad_settings_are_named() {
    let err = load(None, "LRCFG_C_", &[("BIND", "not-an-address")]).unwrap_err();
    assert!(err.contains("`bind`"), "{err}");
    let err = load(None, "LRCFG_D_", &[("DATABASE_URL", "mysql://x")]).unwrap_err();
    assert!(err.contains("`database_url`"), "{err}");
    let err = load(None, "LRCFG_E_", &[("ENV", "production"), ("BASE_URL", "https://x.example")]).unwrap_err();
    assert!(err.contains("`secret_key`"), "{err}");
    let err =
        load(None, "LRCFG_J_", &[("ENV", "production"), ("BASE_URL", "https://x.example"), ("SECRET_KEY", &"k".repeat(40))]).unwrap_err();
    assert!(err.contains("`smtp_url`"), "production never falls back to the outbox: {err}");
    let err = load(None, "LRCFG_F_", &[("SECRET_KEY", "short")]).unwrap_err();
    assert!(err.contains("`secret_key`"), "{err}");
    let err = load(None, "LRCFG_G_", &[("REQUEST_TIMEOUT_SECS", "soon")]).unwrap_err();
    assert!(err.to_lowercase().contains("request_timeout_secs"), "{err}");
    let err = load(None, "LRCFG_H_", &[("NO_SUCH_SETTING", "1")]).unwrap_err();
    assert!(err.to_lowercase().contains("no_such_setting"), "{err}");
}

#[test]
fn database_passwords_are_redacted() {
    let config = load(None, "LRCFG_I_", &[("DATABASE_URL", "postgres://app:hunter2@db.internal/launchready")]).unwrap();
    let printed = format!("{config:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(config.database_url.redacted().contains("***"));
}

#[test]
fn trusted_proxies_read_as_a_list_or_one_string_and_bad_entries_are_named() {
    use std::net::IpAddr;
    let none = load(None, "LRCFG_P_", &[]).unwrap();
    assert!(none.trusted_proxies.is_empty(), "default: no proxy is trusted");
    let config = load(None, "LRCFG_Q_", &[("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ::1")]).unwrap();
    for trusted in ["10.9.8.7", "192.0.2.7", "::1"] {
        assert!(config.trusted_proxies.contains(trusted.parse::<IpAddr>().unwrap()), "{trusted}");
    }
    assert!(!config.trusted_proxies.contains("192.0.2.8".parse::<IpAddr>().unwrap()));
    let listed = load(None, "LRCFG_R_", &[("TRUSTED_PROXIES", "[\"172.16.0.0/12\"]")]).unwrap();
    assert!(listed.trusted_proxies.contains("172.16.3.4".parse::<IpAddr>().unwrap()));
    let err = load(None, "LRCFG_S_", &[("TRUSTED_PROXIES", "10.0.0.0/8,edge-proxy")]).unwrap_err();
    assert!(err.contains("`trusted_proxies`") && err.contains("edge-proxy"), "{err}");
}
