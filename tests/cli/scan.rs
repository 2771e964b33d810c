//! `rehash scan`: what it finds, and that nothing but the input decides it.

use crate::util::{Dir, fixture, gzip, pairs, summary, synth_jsonl, zstd};

clitest!(finds_the_bundled_duplicates, |dir, cmd| {
    let out = cmd
        .arg("scan")
        .arg("--format")
        .arg("json")
        .arg(fixture("news"))
        .stdout();
    let got: Vec<(String, String)> = pairs(&out)
        .into_iter()
        .map(|(a, b)| (file_name(&a), file_name(&b)))
        .collect();
    // The syndicated copy (02) differs in headline, byline and footer: with
    // the footer recognised as boilerplate it is a near-duplicate too.
    assert_eq!(
        got,
        [
            (
                "01-bridge-council.txt".into(),
                "02-bridge-syndicated.txt".into()
            ),
            ("01-bridge-council.txt".into(), "04-bridge-update.txt".into()),
            (
                "03-harvest-festival.txt".into(),
                "06-harvest-festival-copy.txt".into()
            ),
        ]
    );
    let s = summary(&out);
    assert_eq!(s["documents"], 7);
    assert_eq!(s["clusters"], 2);
    assert_eq!(s["exact_duplicates"], 1);
    assert_eq!(s["removable"], 3);
});

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_string()
}

/// A corpus large enough (over 1 MiB) to be memory-mapped.
fn big_corpus(dir: &Dir) {
    let jsonl = synth_jsonl(500, 400, 11);
    assert!(jsonl.len() > 1 << 20, "{} bytes", jsonl.len());
    dir.create("big.jsonl", &jsonl);
}

clitest!(threads_and_mmap_do_not_change_output, |dir, _cmd| {
    big_corpus(&dir);
    let names: Vec<String> =
        (0..40).map(|i| format!("small/{i:03}.txt")).collect();
    for (name, doc) in names.iter().zip(rehash::synth::corpus(40, 60, 7)) {
        dir.create(name, doc);
    }
    let run = |extra: &[&str]| {
        dir.command()
            .args(["scan", "--format", "json"])
            .args(extra)
            .args(["big.jsonl", "small"])
            .stdout()
    };
    let expected = run(&["-j1", "--no-mmap"]);
    assert!(summary(&expected)["duplicates"].as_u64().unwrap() > 20);
    for extra in [&["-j2", "--no-mmap"][..], &["-j1"], &["-j4"]] {
        eqnice!(expected, run(extra));
    }
    let text = |j: &str| {
        dir.command().args(["scan", j, "big.jsonl", "small"]).stdout()
    };
    eqnice!(text("-j1"), text("-j3"));
});

clitest!(compressed_input_reads_like_plain, |dir, _cmd| {
    let jsonl = synth_jsonl(120, 200, 3);
    dir.create("c.jsonl", &jsonl);
    dir.create("c.jsonl.gz", gzip(jsonl.as_bytes()));
    // Detected by magic bytes, not by name.
    dir.create("c.jsonl.zst", zstd(jsonl.as_bytes()));
    dir.create("renamed.jsonl", zstd(jsonl.as_bytes()));
    let run = |name: &str| {
        dir.command().args(["scan", "--format", "json", name]).stdout()
    };
    let plain = run("c.jsonl");
    assert!(!pairs(&plain).is_empty());
    for name in ["c.jsonl.gz", "c.jsonl.zst", "renamed.jsonl"] {
        eqnice!(plain, run(name));
    }
});

clitest!(stdin_is_read_with_dash, |dir, cmd| {
    let jsonl = synth_jsonl(80, 200, 5);
    dir.create("c.jsonl", &jsonl);
    let from_file =
        dir.command().args(["scan", "--format", "json", "c.jsonl"]).stdout();
    let from_stdin =
        cmd.args(["scan", "--format", "json", "-"]).stdin(jsonl).stdout();
    assert_eq!(pairs(&from_stdin), pairs(&from_file));
    // Text on stdin is one document, named <stdin>.
    let text = dir
        .command()
        .args(["scan", "--format", "json", "-"])
        .stdin("just one doc")
        .stdout();
    assert_eq!(summary(&text)["documents"], 1);
});

clitest!(output_file_is_written_whole, |dir, cmd| {
    let jsonl = synth_jsonl(60, 150, 9);
    dir.create("c.jsonl", &jsonl);
    let stdout = dir.command().args(["scan", "c.jsonl"]).stdout();
    let printed = cmd.args(["scan", "c.jsonl", "-o", "report.txt"]).stdout();
    assert_eq!(printed, "", "results go to the file only");
    eqnice!(stdout, dir.read("report.txt"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("rehash-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let out = dir
        .command()
        .args(["scan", "c.jsonl", "-o", "no/such/dir/r.txt"])
        .expect_code(2);
    assert!(out.stderr.contains("no/such/dir/r.txt: "), "{}", out.stderr);
});

#[cfg(unix)]
clitest!(output_to_a_device_is_written_through, |dir, cmd| {
    use std::os::unix::fs::FileTypeExt;
    let is_device = || {
        std::fs::metadata("/dev/null").unwrap().file_type().is_char_device()
    };
    assert!(is_device(), "/dev/null must be a device before the test");
    dir.create("c.jsonl", synth_jsonl(20, 100, 3));
    cmd.args(["scan", "c.jsonl", "-o", "/dev/null"]).stdout();
    assert!(is_device(), "-o /dev/null replaced the device with a file");
});

clitest!(keep_policy_picks_the_representative, |dir, _cmd| {
    let short = "the council voted on the bridge budget on monday night after a long debate";
    let long = "the council voted on the bridge budget on monday night after a long debate today";
    dir.create("a.txt", short);
    dir.create("b.txt", long);
    let keep = |policy: &str| {
        let out = dir
            .command()
            .args([
                "scan", "--format", "json", "-t", "0.5", "--keep", policy, ".",
            ])
            .stdout();
        crate::util::of_type(&out, "cluster")[0]["representative"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(keep("first"), "./a.txt");
    assert_eq!(keep("longest"), "./b.txt");
});

clitest!(closed_stdout_is_not_an_error, |dir, _cmd| {
    dir.create("c.jsonl", synth_jsonl(300, 100, 2));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rehash"))
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "-j1", "c.jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
});

clitest!(bad_settings_are_usage_errors, |dir, cmd| {
    dir.create("a.txt", "some words");
    let out = cmd.args(["scan", "--threshold", "1.5", "a.txt"]).expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: invalid configuration: threshold must be in (0, 1], not 1.5\n"
    );
    let out = dir
        .command()
        .args(["scan", "--bands", "40", "--rows", "8", "a.txt"])
        .expect_code(2);
    assert!(out.stderr.contains("exceeds num_perm"), "{}", out.stderr);
    let out = dir
        .command()
        .args(["scan", "--format", "xml", "a.txt"])
        .expect_code(2);
    assert!(out.stderr.contains("invalid value 'xml'"), "{}", out.stderr);
    // Not a crash for want of memory for thread stacks.
    let out =
        dir.command().args(["scan", "-j", "100000", "a.txt"]).expect_code(2);
    assert_eq!(
        out.stderr,
        "rehash: invalid configuration: -j 100000: at most 1024 threads\n"
    );
});

clitest!(zero_threads_means_one_per_cpu, |dir, cmd| {
    // As in ripgrep: -j 0 leaves the choice to rehash.
    let jsonl = crate::util::synth_jsonl(300, 120, 7);
    dir.create("c.jsonl", &jsonl);
    let auto = cmd.args(["scan", "--format", "json", "c.jsonl"]).stdout();
    let zero = dir
        .command()
        .args(["scan", "--format", "json", "-j", "0", "c.jsonl"])
        .stdout();
    assert_eq!(zero, auto);
    assert!(auto.contains("\"type\":\"summary\""));
});

clitest!(a_report_may_not_replace_an_input, |dir, cmd| {
    let jsonl = crate::util::synth_jsonl(20, 60, 3);
    dir.create("docs/c.jsonl", &jsonl);
    let out = cmd.args(["scan", "docs", "-o", "docs/c.jsonl"]).expect_code(2);
    assert!(
        out.stderr.ends_with(
            "-o docs/c.jsonl is one of the inputs: the report would replace it\n"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(dir.read("docs/c.jsonl"), jsonl);
    // The audit of clean neither; its cleaned corpus may replace its input.
    let out = dir
        .command()
        .args(["clean", "docs/c.jsonl", "--report", "docs/c.jsonl"])
        .expect_code(2);
    assert!(
        out.stderr.contains("the audit would replace it"),
        "{}",
        out.stderr
    );
    assert_eq!(dir.read("docs/c.jsonl"), jsonl);
    dir.command()
        .args(["clean", "docs/c.jsonl", "-o", "docs/c.jsonl"])
        .expect_code(0);
    assert!(dir.read("docs/c.jsonl").lines().count() > 0);
    // A new file, or a device, is no input.
    dir.command().args(["scan", "docs", "-o", "report.txt"]).expect_code(0);
    dir.command().args(["scan", "docs", "-o", "/dev/null"]).expect_code(0);
});

clitest!(output_dash_is_standard_output, |dir, cmd| {
    dir.create("a.txt", "some words for a document");
    let out =
        cmd.args(["scan", "--format", "json", "a.txt", "-o", "-"]).stdout();
    assert!(out.contains("\"type\":\"summary\""), "{out}");
    assert!(!dir.path().join("-").exists());
    let kept = dir.command().args(["clean", "a.txt", "-o", "-"]).stdout();
    assert!(kept.contains("some words for a document"), "{kept}");
    assert!(!dir.path().join("-").exists());
});

clitest!(progress_asked_for_is_lines_of_text_on_a_log, |dir, cmd| {
    // stderr here is a pipe, as a log file is: no bar unless asked for,
    // and then a line a stage, not a terminal's redrawn bar.
    let args = ["scan", "--format", "json", "--no-passages"];
    let quiet = dir.command().args(args).arg(fixture("news")).output();
    assert!(!quiet.stderr.contains("shingling"), "{}", quiet.stderr);
    let out = cmd.args(args).arg("--progress").arg(fixture("news")).output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("rehash: shingling 0/7 (")),
        "{}",
        out.stderr
    );
    assert!(lines.iter().any(|l| l.starts_with("rehash: writing (")));
    assert!(!out.stderr.contains('\r') && !out.stderr.contains('\u{1b}'));
    // The report is the same either way.
    assert_eq!(out.stdout, quiet.stdout);
});
