//! One place that sets up tracing: pretty lines in development, JSON in production. The HTTP
//! layer opens a span per request carrying its request id, so every line logged while handling
//! a request names it.

use crate::config::LogFormat;
use std::io::IsTerminal;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(filter));
    let registry = tracing_subscriber::registry().with(filter);
    // `try_init`: tests start many apps in one process; the first subscriber wins.
    let _ = match format {
        LogFormat::Json => registry.with(fmt::layer().json().with_current_span(true).with_span_list(true)).try_init(),
        // Colours only on a terminal: a log file or a pipe gets plain text.
        LogFormat::Pretty => registry.with(fmt::layer().with_target(false).with_ansi(std::io::stdout().is_terminal())).try_init(),
    };
}

/// For one-shot commands whose standard output is the product (`launchready scan`): plain
/// lines on standard error at `default_filter` unless `RUST_LOG` says otherwise.
pub fn init_stderr(default_filter: &str) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::registry().with(filter).with(fmt::layer().with_target(false).with_writer(std::io::stderr)).try_init();
}
