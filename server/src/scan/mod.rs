//! `launchready scan`: one audit from the command line, for people and for CI. Needs no
//! database and no configuration file. Output and exit codes are a contract
//! (docs/scan-output.md): 0 done, 1 under `--fail-under`, 2 usage or runtime error.
//!
//! args.rs (the flags) and engine's product_file.rs (the TOML) are merged by plan.rs; progress.rs
//! draws the terminal line; outcome.rs turns the scorecard into the exit code.

mod args;
mod outcome;
mod plan;
mod progress;

pub use args::ScanArgs;
pub use outcome::exit_code;
pub use plan::Plan;

use outcome::explain_audit_error;
use progress::{colour_wanted, ProgressLine};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

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
            let graded = match (card.grade, card.score) {
                (Some(grade), Some(score)) => format!("grade {grade} ({score}/100, {})", card.coverage.sentence()),
                _ => format!("not scored (only {})", card.coverage.sentence()),
            };
            eprintln!("{}: {}, {graded}; {} report written to {}", card.target, card.decision.label(), plan.format, path.display());
        }
    }
    if code == 1 {
        if let Some(threshold) = plan.fail_under {
            let why = match card.grade {
                Some(grade) if grade.is_below(threshold) => format!("grade {grade} is under --fail-under {threshold}"),
                None => format!("there is no grade to meet --fail-under {threshold}: only {}", card.coverage.sentence()),
                Some(_) => format!("the decision is Hold ({})", card.decision_reason),
            };
            eprintln!("launchready scan: failing: {why}");
        }
    }
    Ok(code)
}
