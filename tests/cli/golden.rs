//! Golden reports on the bundled fixtures, byte for byte. CI also runs
//! these with one thread. `REHASH_BLESS=1` rewrites them: review the diff.

use crate::util::{assert_golden, command_in};

/// Runs `rehash` in the repository root so that paths in the report are
/// the same on every machine.
fn run(args: &[&str]) -> String {
    run_code(args, 0)
}

/// Like [`run`], for a command that exits with `code`.
fn run_code(args: &[&str], code: i32) -> String {
    command_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .expect_code(code)
        .stdout
}

#[test]
fn golden_news_text() {
    assert_golden(
        "news/scan.txt",
        &run(&["scan", "--color", "never", "fixtures/news"]),
    );
}

#[test]
fn golden_news_json() {
    assert_golden(
        "news/scan.jsonl",
        &run(&["scan", "--format", "json", "fixtures/news"]),
    );
}

#[test]
fn golden_seed_text() {
    let out = run(&["scan", "--color", "never", "fixtures/seed-article.txt"]);
    assert_golden("seed/scan.txt", &out);
}

#[test]
fn golden_seed_json() {
    let out = run(&["scan", "--format", "json", "fixtures/seed-article.txt"]);
    assert_golden("seed/scan.jsonl", &out);
}

/// A check finds 02's copies in the rest of the bundled news: exit 1.
const CHECK: [&str; 4] =
    ["check", "fixtures/news/02-bridge-syndicated.txt", "-a", "fixtures/news"];

#[test]
fn golden_news_check_text() {
    let out = run_code(&[&CHECK[..], &["--color", "never"]].concat(), 1);
    assert_golden("news/check.txt", &out);
}

#[test]
fn golden_news_check_json() {
    let out = run_code(&[&CHECK[..], &["--format", "json"]].concat(), 1);
    assert_golden("news/check.jsonl", &out);
}
