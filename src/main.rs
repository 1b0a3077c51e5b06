#![deny(clippy::unwrap_used)]

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use hoplint::cli::{Cli, Command};
use hoplint::commands;

// The parse tree is millions of small allocations; mimalloc makes building
// and freeing them about twice as fast as glibc's allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Hops(args) => commands::hops::run(args),
        Command::Rules { format } => print(&commands::rules::run(*format)),
        Command::Explain { rule } => match commands::explain::run(rule) {
            Ok(text) => print(&text),
            Err(message) => {
                eprintln!("error: {message}");
                2
            }
        },
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "hoplint", &mut std::io::stdout());
            0
        }
    };
    ExitCode::from(code)
}

fn print(text: &str) -> u8 {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    0
}
