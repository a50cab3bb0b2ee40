//! `shingle` command-line entry point: parse flags, run, report errors.

use clap::Parser;

fn main() {
    let cli = shingle::cli::Cli::parse();
    if let Err(err) = shingle::cli::run(cli) {
        eprintln!("shingle: error: {err}");
        std::process::exit(1);
    }
}
