//! The `frontdoor` binary: parses the command line and hands over to the library.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    let cli = server::config::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("frontdoor: {err:#}");
            ExitCode::FAILURE
        }
    }
}
