//! `rehash eval`: small truth files whose measures were worked out by hand
//! (the arithmetic is in the comments), on a corpus scanned in the test or
//! on a report written by hand.

use crate::util::{Dir, TestCommand, of_type};

const STORY_A: &str = "Officials in Riverton said on Monday that the new \
    bridge over the Sable River would open in the spring after two years of \
    delays caused by flooding, a shortage of steel and a dispute between the \
    county and the state over who would pay for the approach roads.";
const STORY_C: &str = "The harvest festival returned to the town square on \
    Saturday with forty stalls of apples, pumpkins and cider, a brass band \
    from the high school and a pie contest that the organisers said drew \
    more entries than any year since the festival began in 1978.";
const STORY_D: &str = "A storm warning stayed in force along the coast on \
    Sunday night as forecasters tracked gusts of up to ninety kilometres an \
    hour, and the harbour master ordered small boats to stay in port until \
    the wind dropped below gale force on Tuesday morning.";

/// Four documents: `b` copies `a`; `c` and `d` are unrelated.
fn corpus(dir: &Dir) {
    let line = |id: &str, text: &str| {
        serde_json::json!({ "id": id, "text": text }).to_string() + "\n"
    };
    dir.create(
        "docs.jsonl",
        line("a", STORY_A)
            + &line("b", STORY_A)
            + &line("c", STORY_C)
            + &line("d", STORY_D),
    );
}

/// Runs `rehash eval ARGS --format json` and returns its single `eval`
/// record.
fn eval_json(cmd: &mut TestCommand, args: &[&str]) -> serde_json::Value {
    let stdout =
        cmd.arg("eval").args(args).args(["--format", "json"]).stdout();
    let records = of_type(&stdout, "eval");
    assert_eq!(records.len(), 1, "{stdout}");
    records[0].clone()
}

/// `[tp, fp, fn, tn]` of a confusion record.
fn counts(c: &serde_json::Value) -> [u64; 4] {
    [&c["tp"], &c["fp"], &c["fn"], &c["tn"]].map(|x| x.as_u64().unwrap())
}

fn close(got: &serde_json::Value, want: f64) {
    let got = got.as_f64().unwrap_or_else(|| panic!("not a number: {got}"));
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

/// The words of the line of `text` that starts with `name`.
fn row(text: &str, name: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no row {name:?} in\n{text}"));
    line[name.len()..].split_whitespace().map(String::from).collect()
}

clitest!(pairs_per_pair_and_after_closure, |dir, cmd| {
    corpus(&dir);
    // a-b found (tp); c-d missed (fn); a-c rightly not found (tn).
    dir.create(
        "truth.jsonl",
        "{\"a\": \"a\", \"b\": \"b\", \"label\": \"dup\"}\n\
         {\"a\": \"a\", \"b\": \"c\", \"label\": \"nondup\"}\n\
         {\"a\": \"d\", \"b\": \"c\", \"label\": \"dup\"}\n",
    );
    let e = eval_json(&mut cmd, &["--truth", "truth.jsonl", "docs.jsonl"]);
    assert_eq!(e["shape"], "pairs");
    assert_eq!(e["unknown_ids"], 0);
    let p = &e["pairs"];
    assert_eq!((p["dup"].as_u64(), p["nondup"].as_u64()), (Some(2), Some(1)));
    assert_eq!(p["match"], "duplicates");
    for how in ["per_pair", "closure"] {
        let c = &p[how];
        assert_eq!(counts(c), [1, 0, 1, 1]);
        // P = 1/1, R = 1/2, F1 = 2/3, accuracy = 2/3.
        close(&c["precision"], 1.0);
        close(&c["recall"], 0.5);
        close(&c["f1"], 2.0 / 3.0);
        close(&c["accuracy"], 2.0 / 3.0);
    }
    let text = dir
        .command()
        .args(["eval", "--truth", "truth.jsonl", "docs.jsonl"])
        .stdout();
    assert_eq!(
        row(&text, "per pair"),
        ["1.0000", "0.5000", "0.6667", "1", "0", "1", "1", "0.6667"]
    );
});

clitest!(clusters_with_a_cluster_of_one, |dir, cmd| {
    corpus(&dir);
    // Truth {a} {b c d}; predicted {a b} {c} {d}. Cells (true, predicted):
    // (x, ab) 1, (y, ab) 1, (y, c) 1, (y, d) 1. Index 0; true pairs 3,
    // predicted pairs 1, all pairs 6: expected 3 * 1 / 6 = 0.5, max 2.
    // ARI = (0 - 0.5) / (2 - 0.5) = -1/3.
    // B-cubed precision a 1/2, b 1/2, c 1, d 1: 3/4. Recall a 1 (a
    // cluster of one), b c d 1/3 each: 2/4.
    dir.create(
        "truth.jsonl",
        "{\"id\": \"a\", \"cluster\": \"x\"}\n{\"id\": \"b\", \"cluster\": \"y\"}\n\
         {\"id\": \"c\", \"cluster\": \"y\"}\n{\"id\": \"d\", \"cluster\": \"y\"}\n",
    );
    let c = &eval_json(&mut cmd, &["--truth", "truth.jsonl", "docs.jsonl"])["clusters"];
    assert_eq!(c["documents"], 4);
    close(&c["ari"], -1.0 / 3.0);
    close(&c["bcubed"]["precision"], 0.75);
    close(&c["bcubed"]["recall"], 0.5);
    close(&c["bcubed"]["f1"], 0.6);
});

/// The true clusters of [`corpus`]: `a` and `b` together, `c` and `d`
/// alone.
const CLUSTERS: &str = "{\"id\": \"a\", \"cluster\": \"x\"}\n{\"id\": \"b\", \"cluster\": \"x\"}\n\
     {\"id\": \"c\", \"cluster\": \"y\"}\n{\"id\": \"d\", \"cluster\": \"z\"}\n";

clitest!(scoring_a_report_matches_scoring_the_scan, |dir, cmd| {
    corpus(&dir);
    dir.create("truth.jsonl", CLUSTERS);
    cmd.args(["scan", "--format", "json", "-o", "report.jsonl", "docs.jsonl"])
        .stdout();
    let from_report = dir
        .command()
        .args(["eval", "--truth", "truth.jsonl", "--report", "report.jsonl"])
        .stdout();
    let from_scan = dir
        .command()
        .args(["eval", "--truth", "truth.jsonl", "docs.jsonl"])
        .stdout();
    eqnice!(from_scan, from_report);
    // The same partition.
    assert_eq!(row(&from_scan, "adjusted Rand index"), ["1.0000"]);
    assert_eq!(row(&from_scan, "B-cubed"), ["1.0000", "1.0000", "1.0000"]);
});

clitest!(a_report_or_truth_can_come_from_standard_input, |dir, cmd| {
    corpus(&dir);
    dir.create("truth.jsonl", CLUSTERS);
    let report = cmd.args(["scan", "--format", "json", "docs.jsonl"]).stdout();
    dir.create("report.jsonl", &report);
    let from_file = dir
        .command()
        .args(["eval", "--truth", "truth.jsonl", "--report", "report.jsonl"])
        .stdout();
    // `rehash scan --format json … | rehash eval --report - …`
    let piped = dir
        .command()
        .args(["eval", "--truth", "truth.jsonl", "--report", "-"])
        .stdin(report.clone())
        .stdout();
    eqnice!(from_file, piped);
    let truth_piped = dir
        .command()
        .args(["eval", "--truth", "-", "--report", "report.jsonl"])
        .stdin(CLUSTERS)
        .stdout();
    eqnice!(from_file, truth_piped);
    // Standard input can be read once.
    let err = dir
        .command()
        .args(["eval", "--truth", "-", "--report", "-"])
        .stdin(report)
        .expect_code(2);
    assert!(err.stderr.contains("only one input can be standard input"));
});

/// Two pages: `p1`'s first line and `p2`'s first and last lines are
/// boilerplate.
fn pages(dir: &Dir) {
    dir.create(
        "pages.jsonl",
        "{\"id\": \"p1\", \"text\": \"Home | News\\nStory text here.\\nMore story.\\n(c) Site\"}\n\
         {\"id\": \"p2\", \"text\": \"Menu\\nA long story about rivers and lakes.\\nFooter line\"}\n",
    );
    //  p1: Home | News = 0..11, story lines 12..28 and 29..40, (c) Site 41..49.
    //  p2: Menu = 0..4, story 5..41, Footer line 42..53.
    dir.create(
        "truth.jsonl",
        "{\"id\": \"p1\", \"start\": 0, \"end\": 11, \"label\": \"boilerplate\"}\n\
         {\"id\": \"p1\", \"start\": 12, \"end\": 40, \"label\": \"content\"}\n\
         {\"id\": \"p1\", \"start\": 41, \"end\": 49, \"label\": \"boilerplate\"}\n\
         {\"id\": \"p2\", \"start\": 0, \"end\": 4, \"label\": \"boilerplate\"}\n\
         {\"id\": \"p2\", \"start\": 5, \"end\": 41, \"label\": \"content\"}\n\
         {\"id\": \"p2\", \"start\": 42, \"end\": 53, \"label\": \"boilerplate\"}\n",
    );
    dir.create(
        "gold.jsonl",
        "{\"id\": \"p1\", \"text\": \"Story text here. More story.\"}\n\
         {\"id\": \"p2\", \"text\": \"A long story about rivers and lakes.\"}\n",
    );
    dir.create(
        "groups.jsonl",
        "{\"id\": \"p1\", \"cluster\": \"site-1\"}\n{\"id\": \"p2\", \"cluster\": \"site-2\"}\n",
    );
    // Predicted: p1's first and last lines, nothing of p2.
    dir.create(
        "report.jsonl",
        "{\"type\":\"boilerplate_span\",\"data\":{\"doc\":\"p1\",\"start\":0,\"end\":11}}\n\
         {\"type\":\"boilerplate_span\",\"data\":{\"doc\":\"p1\",\"start\":41,\"end\":49}}\n\
         {\"type\":\"summary\",\"data\":{}}\n",
    );
}

clitest!(spans_by_byte_and_line_and_gold_text, |dir, cmd| {
    pages(&dir);
    let e = eval_json(
        &mut cmd,
        &[
            "--truth",
            "truth.jsonl",
            "--report",
            "report.jsonl",
            "--gold-text",
            "gold.jsonl",
            "--groups",
            "groups.jsonl",
            "pages.jsonl",
        ],
    );
    let s = &e["spans"];
    assert_eq!(s["documents"], 2);
    // Boilerplate bytes: p1 11 + 8 found; p2 4 + 11 missed. No content
    // byte taken: content bytes 28 + 36.
    let b = &s["by_byte"]["boilerplate"];
    assert_eq!(counts(b), [19, 0, 15, 64]);
    close(&b["recall"], 19.0 / 34.0);
    let c = &s["by_byte"]["content"];
    close(&c["precision"], 64.0 / 79.0);
    // Lines: 4 boilerplate (2 found), 3 content (all kept).
    let l = &s["by_line"]["boilerplate"];
    assert_eq!(counts(l), [2, 0, 2, 3]);
    let groups = s["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["group"], "site-1");
    close(&groups[0]["by_line"]["boilerplate"]["f1"], 1.0);
    close(&groups[1]["by_line"]["boilerplate"]["recall"], 0.0);
    // Gold text: p1 keeps exactly its story (P = R = 1). p2 keeps all 10
    // words, 7 word 4-grams, of which the gold's 4 are all there: P 4/7,
    // R 1, F1 8/11. Averages: P 11/14, R 1, F1 19/22.
    let g = &e["gold_text"];
    assert_eq!(
        (g["pages"].as_u64(), g["missing"].as_u64()),
        (Some(2), Some(0))
    );
    close(&g["scores"]["precision"], 11.0 / 14.0);
    close(&g["scores"]["recall"], 1.0);
    close(&g["scores"]["f1"], 19.0 / 22.0);
    close(&g["groups"][1]["scores"]["precision"], 4.0 / 7.0);
});

clitest!(spans_need_the_corpus, |dir, cmd| {
    pages(&dir);
    let out = cmd
        .args(["eval", "--truth", "truth.jsonl", "--report", "report.jsonl"])
        .expect_code(2);
    assert!(out.stderr.contains("give the corpus paths"), "{}", out.stderr);
});

clitest!(passages_pan_measures, |dir, cmd| {
    // One true case, x 0..100 beside y 0..100, detected in two pieces;
    // and a detection between x and z that no case covers.
    dir.create(
        "truth.jsonl",
        "{\"a\": \"x\", \"a_start\": 0, \"a_end\": 100, \"b\": \"y\", \"b_start\": 0, \"b_end\": 100}\n",
    );
    let side = |doc: &str, start: u32, end: u32| serde_json::json!({ "doc": doc, "start": start, "end": end });
    let passage = |a, b| {
        serde_json::json!({ "type": "passage", "data": { "a": a, "b": b } })
            .to_string()
            + "\n"
    };
    dir.create(
        "report.jsonl",
        passage(side("x", 0, 50), side("y", 0, 60))
            + &passage(side("x", 50, 100), side("y", 60, 120))
            + &passage(side("x", 0, 10), side("z", 0, 10))
            + "{\"type\":\"summary\",\"data\":{}}\n",
    );
    let p = &eval_json(
        &mut cmd,
        &["--truth", "truth.jsonl", "--report", "report.jsonl"],
    )["passages"];
    // Precision of the two pieces: 110/110 and (50 + 40)/110; of the x-z
    // detection 0. Recall: all 200 bytes of the case. Granularity 2.
    let on = &p["on_truth_pairs"];
    let precision = (1.0 + 90.0 / 110.0) / 2.0;
    close(&on["scores"]["precision"], precision);
    close(&on["scores"]["recall"], 1.0);
    close(&on["granularity"], 2.0);
    let f1 = 2.0 * precision / (precision + 1.0);
    close(&on["plagdet"], f1 / 3f64.log2());
    assert_eq!(
        (
            on["cases"].as_u64(),
            on["found"].as_u64(),
            on["detections"].as_u64()
        ),
        (Some(1), Some(1), Some(2))
    );
    let all = &p["all"];
    close(&all["scores"]["precision"], (1.0 + 90.0 / 110.0) / 3.0);
    assert_eq!(all["detections"], 3);
});

clitest!(no_predictions_score_zero, |dir, cmd| {
    dir.create("report.jsonl", "{\"type\":\"summary\",\"data\":{}}\n");
    dir.create(
        "pairs.jsonl",
        "{\"a\": \"a\", \"b\": \"b\", \"label\": \"dup\"}\n{\"a\": \"a\", \"b\": \"c\", \"label\": \"nondup\"}\n",
    );
    let c = &eval_json(
        &mut cmd,
        &["--truth", "pairs.jsonl", "--report", "report.jsonl"],
    )["pairs"]["per_pair"];
    assert_eq!(counts(c), [0, 0, 1, 1]);
    close(&c["precision"], 0.0);
    close(&c["recall"], 0.0);
    close(&c["accuracy"], 0.5);
    dir.create(
        "passages.jsonl",
        "{\"a\": \"x\", \"a_start\": 0, \"a_end\": 9, \"b\": \"x\", \"b_start\": 20, \"b_end\": 29}\n",
    );
    let all = &eval_json(
        &mut dir.command(),
        &["--truth", "passages.jsonl", "--report", "report.jsonl"],
    )["passages"]["all"];
    assert_eq!(
        (all["found"].as_u64(), all["detections"].as_u64()),
        (Some(0), Some(0))
    );
    close(&all["plagdet"], 0.0);
});

clitest!(empty_truth_is_an_error, |dir, cmd| {
    corpus(&dir);
    dir.create("truth.jsonl", "\n");
    let out = cmd
        .args(["eval", "--truth", "truth.jsonl", "docs.jsonl"])
        .expect_code(2);
    assert!(
        out.stderr.contains("truth.jsonl: truth file has no records"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
});

clitest!(bad_truth_and_reports_name_the_line, |dir, cmd| {
    corpus(&dir);
    dir.create(
        "truth.jsonl",
        "{\"a\": \"a\", \"b\": \"b\", \"label\": \"dup\"}\n{\"a\": \"a\", \"label\": \"dup\"}\n",
    );
    let out = cmd
        .args(["eval", "--truth", "truth.jsonl", "docs.jsonl"])
        .expect_code(2);
    assert!(
        out.stderr.contains(
            "truth.jsonl: line 2: not a pair record: missing field `b`"
        ),
        "{}",
        out.stderr
    );
    dir.create(
        "good.jsonl",
        "{\"a\": \"a\", \"b\": \"b\", \"label\": \"dup\"}\n",
    );
    dir.create(
        "report.jsonl",
        "{\"type\":\"duplicate\",\"data\":{\"a\":\"a\",\"b\":\"b\"}}\n",
    );
    let out = dir
        .command()
        .args(["eval", "--truth", "good.jsonl", "--report", "report.jsonl"])
        .expect_code(2);
    assert!(
        out.stderr.contains(
            "report.jsonl: the report does not end with its summary line"
        ),
        "{}",
        out.stderr
    );
    dir.create("gold.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n");
    let out = dir
        .command()
        .args(["eval", "--truth", "gold.jsonl", "docs.jsonl"])
        .expect_code(2);
    assert!(out.stderr.contains("goes with --gold-text"), "{}", out.stderr);
});

clitest!(ids_missing_from_the_corpus_are_counted, |dir, cmd| {
    corpus(&dir);
    dir.create(
        "truth.jsonl",
        "{\"a\": \"a\", \"b\": \"b\", \"label\": \"dup\"}\n{\"a\": \"a\", \"b\": \"nowhere\", \"label\": \"dup\"}\n",
    );
    let out =
        cmd.args(["eval", "--truth", "truth.jsonl", "docs.jsonl"]).stdout();
    assert!(
        out.contains("warning: 1 ids of the truth are not in the corpus"),
        "{out}"
    );
    let c = row(&out, "per pair");
    assert_eq!(&c[..3], ["1.0000", "0.5000", "0.6667"]);
});
