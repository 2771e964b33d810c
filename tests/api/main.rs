//! Library tests: oracles over generated corpora (LSH against brute force,
//! estimates against exact values) and determinism.

mod determinism;
mod oracle;
