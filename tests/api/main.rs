//! Library tests: oracles over generated corpora (LSH against brute force,
//! estimates against exact values), determinism, and reading reports back.

mod check;
mod clean;
mod determinism;
mod families;
mod oracle;
mod passages;
mod report;
