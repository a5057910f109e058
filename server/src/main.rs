//! `launchready`: the web server with its embedded worker (`serve`), extra workers (`worker`),
//! schema migrations (`migrate`) and one audit from the command line (`scan`).

use clap::{Parser, Subcommand};
use server::config::Config;
use server::startup::{self, Application, Shutdown};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "launchready", version, about = "Know whether your product is safe to launch, and keep watching it.")]
struct Cli {
    /// A TOML configuration file (also LAUNCHREADY_CONFIG). Environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and API, with a worker inside the same process.
    Serve {
        /// Do not run background jobs in this process (run `launchready worker` elsewhere).
        #[arg(long)]
        no_worker: bool,
    },
    /// Run background workers only (scale-out on PostgreSQL).
    Worker {
        /// Queue what is due now, run every queued job, and exit when none is left (at most
        /// ten minutes), instead of running until stopped.
        #[arg(long)]
        until_idle: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Audit one product now and print its scorecard (no database or configuration needed).
    /// Exit 0 when done, 1 under --fail-under, 2 on usage or runtime errors.
    Scan(Box<server::scan::ScanArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // More than one rustls back end is linked (ring, aws-lc-rs), so rustls cannot pick one
    // itself; every command, `scan` included, uses ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let command = match cli.command {
        // Needs neither the configuration nor a database; its stdout is the report.
        Command::Scan(args) => return server::scan::main(*args),
        command => command,
    };
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("launchready: {err}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(config.log_format, &config.log_filter);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("launchready: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(%err, "stopped with an error");
            eprintln!("launchready: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), startup::StartupError> {
    // `serve` says where it serves, the database and where mail goes once it is bound
    // (server::start_banner); the other commands say which database they work on first.
    if !matches!(command, Command::Serve { .. }) {
        tracing::info!(database = %config.database_url.redacted(), env = ?config.env, "starting");
    }
    let shutdown = Shutdown::new();
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        startup::termination_signal().await;
        trigger.trigger();
    });
    match command {
        Command::Serve { no_worker } => {
            let app = Application::build(&config, !no_worker).await?;
            app.run_until(shutdown).await
        }
        Command::Worker { until_idle } => {
            let db = server::db::connect(&config.database_url).await?;
            server::db::migrate(&db).await?;
            let deps = startup::job_deps(&config, &db)?;
            if until_idle {
                let limit = std::time::Duration::from_secs(600);
                worker::drain::run_until_idle(deps, startup::runner_settings(&config), chrono::Utc::now(), limit).await?;
                return Ok(());
            }
            let stop = shutdown.clone();
            worker::runner::run(deps, startup::runner_settings(&config), async move {
                stop.wait().await;
                Ok(())
            })
            .await?;
            Ok(())
        }
        Command::Migrate => {
            let db = server::db::connect(&config.database_url).await?;
            server::db::migrate(&db).await?;
            println!("migrations applied to {}", config.database_url.redacted());
            Ok(())
        }
        Command::Scan(_) => unreachable!("handled before the configuration is loaded"),
    }
}
