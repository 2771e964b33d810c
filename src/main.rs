//! The `rehash` command: a thin layer over the library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

/// The scan makes and frees a few vectors per document on every thread
/// (lines, masks, spans); in `perf record` of a boilerplate scan, glibc's
/// allocator had 6% of the samples, and page faults 2% more. With
/// mimalloc, on c100k of
/// `../shared/bench` (alternating runs, medians): `--no-passages` 5.59 s
/// -> 4.90 s, the doc-level scan 4.17 s -> 3.87 s, the default scan
/// 23.4 s -> 22.5 s; peak memory 2–8% higher. Its version 2 used less
/// memory than version 3 and was no slower.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(outcome) => outcome.exit_code(),
        // `rehash scan … | head` closes the pipe early: not a failure.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            // Paths and messages may quote the input (see `visible`).
            eprintln!(
                "rehash: {}",
                rehash::report::text::visible(&err.to_string())
            );
            ExitCode::from(2)
        }
    }
}
