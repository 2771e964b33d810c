//! Black-box tests of the `rehash` binary: one test binary, a directory
//! per test, golden files under `fixtures/golden` (`REHASH_BLESS=1`
//! rewrites them; review the diff).

#[macro_use]
mod macros;
mod util;

mod boilerplate;
mod check;
mod clean;
mod eval;
mod golden;
mod input;
mod passages;
mod report;
mod scan;
