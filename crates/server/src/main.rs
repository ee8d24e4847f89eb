//! The `kasar` binary: parse the command line, run it, exit non-zero with a
//! one-line reason on failure.

use clap::Parser;
use kasar_server::cli::{run, Cli};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(reason) = run(cli).await {
        eprintln!("error: {reason}");
        std::process::exit(1);
    }
}
