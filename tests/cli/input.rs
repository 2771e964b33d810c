//! Bad input: every problem gets a clear message naming the file (and
//! line or byte), nothing panics, nothing is dropped silently, and the
//! exit code is 2 when anything was skipped.

use crate::util::{gzip, of_type, pairs, summary};

const DOC: &str = "The council approved the bridge budget on Monday after a long debate about costs.";

/// Asserts that the summary accounts for every record.
fn accounted(stdout: &str, documents: u64, skipped: u64) {
    let s = summary(stdout);
    assert_eq!(s["documents"], documents, "{s}");
    assert_eq!(s["skipped"], skipped, "{s}");
}

clitest!(missing_path_is_reported_and_the_rest_scanned, |dir, cmd| {
    dir.create("a.txt", DOC);
    dir.create("b.txt", DOC);
    let out = cmd
        .args(["scan", "--format", "json", "nope.txt", "a.txt", "b.txt"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: nope.txt: no such file or folder (skipped)\n"
    );
    assert_eq!(
        pairs(&out.stdout),
        [("a.txt".to_string(), "b.txt".to_string())]
    );
    let s = summary(&out.stdout);
    assert_eq!(s["skipped_files"], 1);
    let diag = &of_type(&out.stdout, "diagnostic")[0];
    assert_eq!(diag["kind"], "missing");
    assert_eq!(diag["path"], "nope.txt");
});

clitest!(nothing_to_scan_is_an_error, |dir, cmd| {
    let out = cmd.args(["scan", "nope.txt"]).expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: nope.txt: no such file or folder (skipped)\n\
         rehash: no documents to scan (every input was empty, unreadable or skipped)\n"
    );
    assert_eq!(out.stdout, "");
});

clitest!(empty_folder_is_reported, |dir, cmd| {
    dir.create_dir("empty");
    let out = cmd.args(["scan", "empty"]).expect_code(2);
    assert!(
        out.stderr
            .contains("rehash: empty: folder holds no files (skipped)\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("no documents to scan"), "{}", out.stderr);
});

clitest!(hidden_files_in_folders_are_not_read_by_default, |dir, cmd| {
    // A corpus kept in git: `.git` holds text (HEAD, config) and
    // compressed objects, none of them documents.
    dir.create("docs/a.txt", DOC);
    dir.create("docs/.notes.txt", DOC);
    dir.create("docs/.git/HEAD", "ref: refs/heads/main\n");
    dir.create("docs/.git/objects/ab", b"x\0y");
    let out = cmd.args(["scan", "--format", "json", "docs"]).stdout();
    accounted(&out, 1, 0);
    assert!(of_type(&out, "diagnostic").is_empty());
    // --hidden (-.) reads them, as ripgrep does.
    let out = dir
        .command()
        .args(["scan", "--format", "json", "-.", "docs"])
        .expect_code(2);
    accounted(&out.stdout, 3, 0);
    assert_eq!(summary(&out.stdout)["skipped_files"], 1);
    assert!(out.stderr.contains("docs/.git/objects/ab: byte 1: binary"));
    // A hidden file named as an input is read.
    let out = dir
        .command()
        .args(["scan", "--format", "json", "docs/.notes.txt", "docs/a.txt"])
        .stdout();
    assert_eq!(
        pairs(&out),
        [("docs/.notes.txt".to_string(), "docs/a.txt".to_string())]
    );
    // A folder of hidden files only says so.
    dir.create("only/.x.txt", DOC);
    let out = dir.command().args(["scan", "only", "docs"]).expect_code(2);
    assert!(
        out.stderr.starts_with(
            "rehash: only: folder holds no files, only 1 hidden (names that start with `.`; --hidden reads them) (skipped)\n"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("1 document"), "{}", out.stdout);
});

clitest!(dangling_symlink_in_a_folder_is_unreadable, |dir, cmd| {
    dir.create("docs/a.txt", DOC);
    std::os::unix::fs::symlink(
        "/no/such/target",
        dir.path().join("docs/b.txt"),
    )
    .unwrap();
    let out = cmd.args(["scan", "--format", "json", "docs"]).expect_code(2);
    assert!(
        out.stderr.contains(
            "rehash: docs/b.txt: no such file or directory (skipped)"
        ),
        "{}",
        out.stderr
    );
    accounted(&out.stdout, 1, 0);
    assert_eq!(summary(&out.stdout)["skipped_files"], 1);
});

clitest!(invalid_utf8_is_decoded_lossily_with_its_offset, |dir, cmd| {
    let bad = b"The council approved \xff\xfe the bridge budget on Monday after a long debate about costs.".to_vec();
    dir.create("a.txt", DOC);
    dir.create("b.txt", &bad);
    let out = cmd
        .args(["scan", "--format", "json", "-t", "0.5", "a.txt", "b.txt"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: b.txt: byte 21: invalid UTF-8; the bad bytes are read as word separators\n"
    );
    // Kept, not skipped: the pair is still found.
    accounted(&out.stdout, 2, 0);
    assert_eq!(pairs(&out.stdout).len(), 1);

    let jsonl = b"{\"id\": \"x\", \"text\": \"caf\xe9 and more words here\"}\n{\"id\": \"y\", \"text\": \"other words\"}\n";
    dir.create("c.jsonl", jsonl);
    let out = dir
        .command()
        .args(["scan", "--format", "json", "c.jsonl"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: c.jsonl: line 1: byte 24: invalid UTF-8, decoded with U+FFFD replacement characters\n"
    );
    accounted(&out.stdout, 2, 0);
});

clitest!(malformed_jsonl_lines_are_skipped_and_counted, |dir, cmd| {
    let jsonl = format!(
        "{{\"id\": \"a\", \"text\": \"{DOC}\"}}\n{{\"id\": \"b\", \"text\": \n\n{{\"id\": \"c\", \"body\": \"x\"}}\n[1, 2]\n{{\"id\": \"d\", \"text\": null}}\n{{\"id\": \"e\", \"text\": \"{DOC}\"}}\n"
    );
    dir.create("c.jsonl", jsonl);
    let out = cmd.args(["scan", "--format", "json", "c.jsonl"]).expect_code(2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "rehash: c.jsonl: line 2: invalid JSON at column 20: EOF while parsing a value (skipped)",
            "rehash: c.jsonl: line 4: record has no `text` field (--text-field) (skipped)",
            "rehash: c.jsonl: line 5: invalid JSON: invalid type: sequence, expected a JSON object (skipped)",
            "rehash: c.jsonl: line 6: field `text` is not a string (skipped)",
        ]
    );
    // Six records (the blank line is none): two scanned, four skipped.
    accounted(&out.stdout, 2, 4);
    assert_eq!(pairs(&out.stdout), [("a".to_string(), "e".to_string())]);
    let kinds: Vec<String> = of_type(&out.stdout, "diagnostic")
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        ["invalid_json", "missing_text", "invalid_json", "missing_text"]
    );

    // The right field name makes line 4 a document.
    let out = dir
        .command()
        .args(["scan", "--format", "json", "--text-field", "body", "c.jsonl"])
        .expect_code(2);
    accounted(&out.stdout, 1, 5);
});

clitest!(strict_stops_at_the_first_problem, |dir, cmd| {
    dir.create(
        "c.jsonl",
        format!("{{\"text\": \"{DOC}\"}}\nnot json\n{{\"x\": 1}}\n"),
    );
    let out = cmd.args(["scan", "--strict", "c.jsonl"]).expect_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "rehash: c.jsonl: line 2: invalid JSON at column 2: expected ident (--strict)\n"
    );
    let out = dir
        .command()
        .args(["scan", "--strict", "missing.txt", "c.jsonl"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: missing.txt: no such file or folder (--strict)\n"
    );
    // Where the problem has a byte offset, the error gives it too.
    dir.create("bin.txt", b"some words\x00");
    let out =
        dir.command().args(["scan", "--strict", "bin.txt"]).expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: bin.txt: byte 10: binary file (NUL byte); UTF-16 and other non-text files are not read (--strict)\n"
    );
});

clitest!(empty_documents_are_skipped, |dir, cmd| {
    dir.create("a.txt", DOC);
    dir.create("empty.txt", "");
    dir.create("punct.txt", " -- ... !!! \n");
    dir.create("c.jsonl", format!("{{\"id\": \"e\", \"text\": \"\"}}\n{{\"id\": \"f\", \"text\": \"\\n\\n\"}}\n{{\"id\": \"g\", \"text\": \"{DOC}\"}}\n"));
    let out = cmd
        .args([
            "scan",
            "--format",
            "json",
            "a.txt",
            "empty.txt",
            "punct.txt",
            "c.jsonl",
        ])
        .expect_code(2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "rehash: empty.txt: document has no words (skipped)",
            "rehash: punct.txt: document has no words (skipped)",
            "rehash: c.jsonl: line 1: field `text` has no words (skipped)",
            "rehash: c.jsonl: line 2: field `text` has no words (skipped)",
        ]
    );
    accounted(&out.stdout, 2, 4);
    assert_eq!(pairs(&out.stdout).len(), 1);
});

clitest!(oversized_documents_are_skipped, |dir, cmd| {
    // A real 1 GB line behaves the same under the default 64 MiB limit;
    // a small limit keeps the test fast.
    let long = format!(
        "{{\"id\": \"big\", \"text\": \"{}\"}}\n",
        "word ".repeat(2000)
    );
    dir.create(
        "c.jsonl",
        format!("{long}{{\"id\": \"ok\", \"text\": \"{DOC}\"}}\n"),
    );
    dir.create("big.txt", "word ".repeat(2000));
    let out = cmd
        .args([
            "scan",
            "--format",
            "json",
            "--max-doc-bytes",
            "5000",
            "c.jsonl",
            "big.txt",
        ])
        .expect_code(2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "rehash: c.jsonl: line 1: line of 10025 bytes is larger than the limit of 5000 bytes (--max-doc-bytes) (skipped)",
            "rehash: big.txt: document of 10000 bytes is larger than the limit of 5000 bytes (--max-doc-bytes) (skipped)",
        ]
    );
    accounted(&out.stdout, 1, 2);
});

clitest!(a_long_line_within_the_limit_is_scanned, |dir, cmd| {
    // 8 MB of text on one line, twice.
    let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa "
        .repeat(150_000);
    let line = format!("{{\"text\": \"{text}\"}}\n");
    dir.create("c.jsonl", format!("{line}{line}"));
    let out = cmd.args(["scan", "--format", "json", "c.jsonl"]).stdout();
    assert_eq!(
        pairs(&out),
        [("c.jsonl:1".to_string(), "c.jsonl:2".to_string())]
    );
});

clitest!(binary_files_are_skipped, |dir, cmd| {
    dir.create("a.txt", DOC);
    dir.create("b.txt", DOC);
    dir.create("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    let out = cmd.args(["scan", "--format", "json", "."]).expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: ./image.png: byte 8: binary file (NUL byte); UTF-16 and other non-text files are not read (skipped)\n"
    );
    accounted(&out.stdout, 2, 0);
    assert_eq!(summary(&out.stdout)["skipped_files"], 1);
});

clitest!(
    a_cut_off_compressed_jsonl_file_is_read_up_to_the_break,
    |dir, cmd| {
        let records: Vec<String> = (0..50)
            .map(|i| {
                format!("{{\"id\": \"r{i}\", \"text\": \"{i} {DOC}\"}}\n")
            })
            .collect();
        let gz = gzip(records.concat().as_bytes());
        dir.create("cut.jsonl.gz", &gz[..gz.len() / 2]);
        dir.create("ok.txt", DOC);
        let out = cmd
            .args(["scan", "--format", "json", "cut.jsonl.gz", "ok.txt"])
            .expect_code(2);
        // The whole lines before the break are documents, in order; the
        // diagnostic says where reading stopped and how many lines it read.
        let s = summary(&out.stdout);
        let read = s["documents"].as_u64().unwrap() - 1;
        assert!((1..50).contains(&read), "{s}");
        let stopped: usize =
            records[..read as usize].iter().map(String::len).sum();
        assert_eq!(
            out.stderr.lines().next().unwrap(),
            format!(
                "rehash: cut.jsonl.gz: byte {stopped}: corrupt gzip stream: incomplete deflate stream after {} decompressed bytes; its first {read} lines were read, the rest of the file was skipped (skipped)",
                out.stderr
                    .split(" after ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap(),
            ),
            "{}",
            out.stderr
        );
        assert!(out.stdout.contains(&format!("\"r{}\"", read - 1)));
        assert!(!out.stdout.contains(&format!("\"r{read}\"")));
        assert_eq!(s["skipped"], 0, "{s}");
        assert_eq!(s["skipped_files"], 1, "{s}");
    }
);

clitest!(a_cut_off_compressed_text_file_is_skipped_whole, |dir, cmd| {
    // Lines that differ, so that the half of the stream left holds some.
    let text: String = (0..50).map(|i| format!("{i} {DOC}\n")).collect();
    let gz = gzip(text.as_bytes());
    dir.create("cut.txt.gz", &gz[..gz.len() / 2]);
    dir.create("ok.txt", DOC);
    let out = cmd
        .args(["scan", "--format", "json", "cut.txt.gz", "ok.txt"])
        .expect_code(2);
    assert!(
        out.stderr.starts_with("rehash: cut.txt.gz: byte ")
            && out.stderr.contains("corrupt gzip stream")
            && out.stderr.contains("the whole file was skipped"),
        "{}",
        out.stderr
    );
    accounted(&out.stdout, 1, 0);
    assert_eq!(summary(&out.stdout)["skipped_files"], 1);
});

clitest!(odd_ids_fall_back_to_path_and_line, |dir, cmd| {
    dir.create(
        "c.jsonl",
        format!("{{\"id\": [1], \"text\": \"{DOC}\"}}\n{{\"id\": 12, \"text\": \"{DOC}\"}}\n{{\"text\": \"{DOC}\"}}\n"),
    );
    let out = cmd.args(["scan", "--format", "json", "c.jsonl"]).expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: c.jsonl: line 1: field `id` is neither a string nor a number; the record's id is c.jsonl:1\n"
    );
    let cluster = &of_type(&out.stdout, "cluster")[0];
    assert_eq!(
        cluster["members"],
        serde_json::json!(["c.jsonl:1", "12", "c.jsonl:3"])
    );
});

clitest!(repeated_ids_are_renamed_and_reported, |dir, cmd| {
    // Two copies under one id: a report naming both "x" would tell a
    // script that removes the copy to remove the kept one too.
    let other =
        "Rain is expected across the valley on Thursday, forecasters said.";
    dir.create(
        "a.jsonl",
        format!(
            "{{\"id\": \"x\", \"text\": \"{DOC}\"}}\n\
             {{\"id\": \"y\", \"text\": \"{other}\"}}\n\
             {{\"id\": \"x\", \"text\": \"{DOC}\"}}\n"
        ),
    );
    // Across files a repeated id is a layout (shards numbered alike), not
    // a problem: renamed, without a diagnostic. The fallback of line 1 of
    // b.jsonl is taken: another record has that id.
    dir.create(
        "b.jsonl",
        format!(
            "{{\"id\": \"y\", \"text\": \"{DOC}\"}}\n\
             {{\"id\": \"b.jsonl:1\", \"text\": \"{other}\"}}\n"
        ),
    );
    let out = cmd
        .args(["scan", "--format", "json", "a.jsonl", "b.jsonl"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: a.jsonl: line 3: id `x` is also the id of line 1; the record's id is a.jsonl:3\n"
    );
    let diags = of_type(&out.stdout, "diagnostic");
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (
            &diags[0]["path"],
            &diags[0]["line"],
            &diags[0]["kind"],
            &diags[0]["action"]
        ),
        (
            &serde_json::json!("a.jsonl"),
            &serde_json::json!(3),
            &serde_json::json!("duplicate_id"),
            &serde_json::json!("kept")
        )
    );
    accounted(&out.stdout, 5, 0);
    let cluster = &of_type(&out.stdout, "cluster")[0];
    assert_eq!(
        cluster["members"],
        serde_json::json!(["x", "a.jsonl:3", "b.jsonl:1#2"])
    );
    let mut ids: Vec<String> =
        pairs(&out.stdout).into_iter().flat_map(|(a, b)| [a, b]).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids, ["a.jsonl:3", "b.jsonl:1", "b.jsonl:1#2", "x", "y"]);

    let out = dir
        .command()
        .args(["scan", "--strict", "a.jsonl", "b.jsonl"])
        .expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: a.jsonl: line 3: id `x` is also the id of line 1; the record's id is a.jsonl:3 (--strict)\n"
    );
    // In either order, the repeat within a.jsonl is the problem.
    let out = dir
        .command()
        .args(["scan", "--strict", "--format", "json", "b.jsonl", "a.jsonl"])
        .expect_code(2);
    assert!(out.stderr.contains("a.jsonl: line 3"), "{}", out.stderr);
    // Repeats across files alone (a copy of b.jsonl) are none.
    dir.create("c.jsonl", dir.read("b.jsonl"));
    let out = dir
        .command()
        .args(["scan", "--strict", "--format", "json", "b.jsonl", "c.jsonl"])
        .stdout();
    assert!(of_type(&out, "diagnostic").is_empty());
    let cluster = &of_type(&out, "cluster")[0];
    assert_eq!(cluster["members"], serde_json::json!(["y", "c.jsonl:1"]));
});

clitest!(a_file_given_twice_is_renamed_without_a_problem, |dir, cmd| {
    dir.create("a.txt", DOC);
    let out =
        cmd.args(["scan", "--format", "json", "a.txt", "a.txt"]).stdout();
    assert_eq!(pairs(&out), [("a.txt".to_string(), "a.txt#2".to_string())]);
    assert!(of_type(&out, "diagnostic").is_empty());
});

clitest!(a_byte_order_mark_before_json_lines_is_skipped, |dir, cmd| {
    // As some Windows programs save a file: a BOM, and CR LF line ends.
    let other =
        "Rain is expected across the valley on Thursday, forecasters said.";
    let jsonl = format!(
        "\u{feff}{{\"id\": \"a\", \"text\": \"{DOC}\"}}\r\n\
         {{\"id\": \"b\", \"text\": \"{DOC}\"}}\r\n\
         {{\"id\": \"c\", \"text\": \"{other}\"}}\r\n"
    );
    dir.create("c.jsonl", &jsonl);
    let out = cmd.args(["scan", "--format", "json", "c.jsonl"]).stdout();
    accounted(&out, 3, 0);
    assert!(of_type(&out, "diagnostic").is_empty());
    assert_eq!(pairs(&out), [("a".to_string(), "b".to_string())]);
    // Standard input is still recognised as JSON Lines.
    let out = dir
        .command()
        .args(["scan", "--format", "json", "-"])
        .stdin(jsonl.as_bytes())
        .stdout();
    assert_eq!(pairs(&out), [("a".to_string(), "b".to_string())]);
    // The records written back carry no BOM: the first is no longer first.
    dir.command()
        .args(["clean", "c.jsonl", "-o", "kept.jsonl"])
        .expect_code(0);
    let kept = dir.read("kept.jsonl");
    let ids: Vec<String> = kept
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["\"a\"", "\"c\""]);
    assert!(!kept.contains('\u{feff}'), "{kept:?}");
});

clitest!(many_problems_are_summarised_on_stderr, |dir, cmd| {
    let mut jsonl = format!("{{\"text\": \"{DOC}\"}}\n");
    jsonl.push_str(&"oops\n".repeat(120));
    dir.create("c.jsonl", jsonl);
    let out = cmd.args(["scan", "--format", "json", "c.jsonl"]).expect_code(2);
    assert_eq!(out.stderr.lines().count(), 51);
    assert!(out.stderr.ends_with(
        "rehash: 70 more problems not shown; --format json lists them all\n"
    ));
    assert_eq!(of_type(&out.stdout, "diagnostic").len(), 120);
    accounted(&out.stdout, 1, 120);
});
