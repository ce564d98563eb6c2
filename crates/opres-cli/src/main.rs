//! `opres`: the failure register's web server, REST API and command line in one binary.
//!
//! Exit codes: 0 success, 1 runtime error, 2 usage or input error.

mod cli;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OPRES_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("opres: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let lang = args.lang();
    match runtime.block_on(commands::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::report_error(&e, lang);
            ExitCode::from(output::exit_code(&e))
        }
    }
}
