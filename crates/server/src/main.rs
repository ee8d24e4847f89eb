//! The `kasar` binary: parse the command line, run it, exit non-zero with a
//! one-line reason on failure.

use clap::Parser;
use kasar_server::cli::{run, Cli};

/// mimalloc instead of the system allocator: detect and the record routes
/// allocate per row read, and glibc's malloc, free and the page faults of
/// memory it returned between requests took about a fifth of a detect's time
/// (see docs/decisions.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(reason) = run(cli).await {
        eprintln!("error: {reason}");
        std::process::exit(1);
    }
}
