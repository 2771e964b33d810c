//! The `rehash` command: a thin layer over the library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(outcome) => outcome.exit_code(),
        // `rehash scan … | head` closes the pipe early: not a failure.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rehash: {err}");
            ExitCode::from(2)
        }
    }
}
