//! The JSON Lines contract: every line parses into this test's own types,
//! which reject unknown fields. A new field must be added here and in the
//! README's table together; renaming or removing one breaks users.

use serde::Deserialize;

use crate::util::{command_in, fixture, records, synth_jsonl};

#[derive(Debug, Deserialize)]
#[serde(
    tag = "type",
    content = "data",
    rename_all = "snake_case",
    deny_unknown_fields
)]
enum Record {
    Diagnostic(#[allow(dead_code)] Diagnostic),
    Duplicate(Duplicate),
    Cluster(Cluster),
    Passage(Passage),
    Overlap(Overlap),
    Boilerplate(Boilerplate),
    BoilerplateSpan(BoilerplateSpan),
    Summary(Summary),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Side {
    doc: String,
    start: usize,
    end: usize,
    line: u64,
    column: u64,
    paragraph: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Passage {
    id: u32,
    a: Side,
    b: Side,
    similarity: f64,
    kind: String,
    jaccard: f64,
    containment_a: f64,
    containment_b: f64,
    words_a: u32,
    words_b: u32,
    matched_a: u32,
    matched_b: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overlap {
    a: String,
    b: String,
    passages: Vec<u32>,
    covered_a: f64,
    covered_b: f64,
    covered_bytes_a: u64,
    covered_bytes_b: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Boilerplate {
    id: u32,
    template: String,
    documents: u32,
    examples: Vec<String>,
    masked: bool,
    inline: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoilerplateSpan {
    doc: String,
    start: usize,
    end: usize,
    template: Option<u32>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Diagnostic {
    path: String,
    line: Option<u64>,
    byte_offset: Option<u64>,
    kind: String,
    action: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Duplicate {
    a: String,
    b: String,
    similarity: f64,
    kind: String,
    estimate: f64,
    containment_a: f64,
    containment_b: f64,
    shared: u32,
    shingles_a: u32,
    shingles_b: u32,
    cluster: u32,
    passages: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cluster {
    id: u32,
    representative: String,
    members: Vec<String>,
    size: usize,
    kept: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Summary {
    documents: u64,
    skipped: u64,
    skipped_files: u64,
    diagnostics: u64,
    bytes: u64,
    candidates: u64,
    oversized_buckets: u64,
    duplicates: u64,
    exact_duplicates: u64,
    clusters: u64,
    removable: u64,
    boilerplate_templates: u64,
    boilerplate_spans: u64,
    boilerplate_bytes: u64,
    passages: u64,
    passage_windows: u64,
    passage_candidates: u64,
    passage_oversized_buckets: u64,
    shingle_df: ShingleDf,
    params: Params,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShingleDf {
    sample: u64,
    distinct: u64,
    recurring: u64,
    incidences: u64,
    recurring_incidences: u64,
    recurring_outside_boilerplate: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Params {
    shingle_size: u32,
    num_perm: u32,
    seed: u64,
    normalization: u32,
    bands: u32,
    rows: u32,
    threshold: f64,
    unit: String,
    keep: String,
    boilerplate: bool,
    boilerplate_min_docs: u32,
    keep_boilerplate: bool,
    boilerplate_context: bool,
    boilerplate_inline: bool,
    passages: bool,
    passage_min_similarity: f64,
    passage_min_words: u32,
}

fn parse(stdout: &str) -> Vec<Record> {
    stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))
        })
        .collect()
}

clitest!(every_record_parses_and_adds_up, |dir, cmd| {
    dir.create("c.jsonl", synth_jsonl(200, 150, 21) + "not json\n");
    let out = cmd.args(["scan", "--format", "json", "c.jsonl"]).expect_code(2);
    let records = parse(&out.stdout);
    let Some(Record::Summary(summary)) = records.last() else {
        panic!("summary is last")
    };
    let (mut dups, mut clusters, mut diags, mut exact, mut members) =
        (0, 0, 0, 0, 0);
    let (mut templates, mut spans, mut span_bytes) = (0u64, 0u64, 0u64);
    let mut passages = 0u64;
    let mut passage_docs = std::collections::HashMap::new();
    let mut passage_sides = std::collections::HashMap::new();
    let mut overlaps: Vec<(String, String)> = Vec::new();
    let mut listed: Vec<(String, String, Vec<u32>)> = Vec::new();
    let texts: std::collections::HashMap<String, String> = dir
        .read("c.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let text = v["text"].as_str().unwrap().to_string();
            (v["id"].as_str().unwrap().to_string(), text)
        })
        .collect();
    let mut order = Vec::new();
    for r in &records {
        match r {
            Record::Diagnostic(_) => {
                diags += 1;
                order.push(0);
            }
            Record::Duplicate(d) => {
                dups += 1;
                order.push(2);
                assert!(d.a < d.b, "a before b in input order: {d:?}");
                assert!(
                    d.similarity >= summary.params.threshold
                        && d.similarity <= 1.0
                );
                let union = d.shingles_a + d.shingles_b - d.shared;
                assert!(
                    (d.similarity - f64::from(d.shared) / f64::from(union))
                        .abs()
                        < 1e-4
                );
                assert!(
                    (d.containment_a
                        - f64::from(d.shared) / f64::from(d.shingles_a))
                    .abs()
                        < 1e-4
                );
                assert!(
                    (d.containment_b
                        - f64::from(d.shared) / f64::from(d.shingles_b))
                    .abs()
                        < 1e-4
                );
                assert!((0.0..=1.0).contains(&d.estimate));
                assert!(d.cluster >= 1);
                listed.push((d.a.clone(), d.b.clone(), d.passages.clone()));
                if d.kind == "exact" {
                    exact += 1;
                    assert_eq!(d.similarity, 1.0);
                } else {
                    assert_eq!(d.kind, "near");
                }
            }
            Record::Cluster(c) => {
                clusters += 1;
                order.push(2);
                assert_eq!(c.size, c.members.len());
                assert!(c.members.contains(&c.representative));
                assert_eq!(c.id, clusters);
                // The kept members: members, the representative among
                // them, in input order.
                assert!(c.kept.contains(&c.representative));
                assert!(c.kept.iter().all(|k| c.members.contains(k)));
                assert!(c.kept.is_sorted_by_key(|k| {
                    c.members.iter().position(|m| m == k)
                }));
                members += (c.members.len() - c.kept.len()) as u64;
            }
            Record::Boilerplate(b) => {
                templates += 1;
                order.push(1);
                assert_eq!(u64::from(b.id), templates, "ids in report order");
                assert!(b.documents >= 2);
                assert!(!b.examples.is_empty() && b.examples.len() <= 3);
                assert_eq!(b.masked, b.template.contains('…'), "{b:?}");
                assert!(
                    !(b.inline && b.masked),
                    "sentences have no templates"
                );
                if !b.masked {
                    assert!(texts[&b.examples[0]].contains(&b.template));
                }
            }
            Record::BoilerplateSpan(s) => {
                spans += 1;
                order.push(3);
                span_bytes += (s.end - s.start) as u64;
                let text = &texts[&s.doc];
                let line = &text[s.start..s.end];
                assert!(!line.contains('\n'), "one line: {line:?}");
                assert_eq!(line.trim(), line, "trimmed: {line:?}");
                // A line, or a sentence inside one.
                let before =
                    s.start.checked_sub(1).map(|i| text.as_bytes()[i]);
                match s.reason.as_str() {
                    "sentence" => assert!(
                        before.is_none_or(|b| b.is_ascii_whitespace()),
                        "{line:?}"
                    ),
                    _ => assert!(before.is_none_or(|b| b == b'\n')),
                }
                assert_eq!(s.template.is_some(), s.reason != "context");
                assert!(s.template.is_none_or(|t| u64::from(t) <= templates));
            }
            Record::Passage(p) => {
                passages += 1;
                order.push(2);
                assert_eq!(u64::from(p.id), passages);
                passage_docs.insert(p.id, (p.a.doc.clone(), p.b.doc.clone()));
                assert!(
                    (p.a.doc.as_str(), p.a.start)
                        < (p.b.doc.as_str(), p.b.start)
                );
                for (s, words, matched) in [
                    (&p.a, p.words_a, p.matched_a),
                    (&p.b, p.words_b, p.matched_b),
                ] {
                    let text = &texts[&s.doc];
                    assert!(s.start < s.end && s.end <= text.len());
                    assert_eq!(
                        s.line,
                        text[..s.start].matches('\n').count() as u64 + 1
                    );
                    assert!(s.column >= 1 && matched <= words);
                    // Generated texts separate their lines by one blank
                    // line: each line is a paragraph.
                    assert_eq!(
                        s.paragraph,
                        text[..s.start].matches("\n\n").count() as u64 + 1
                    );
                }
                assert!(p.similarity >= summary.params.passage_min_similarity);
                assert!(p.words_a >= summary.params.passage_min_words);
                assert!(
                    ["verbatim", "near", "rewrite"].contains(&p.kind.as_str())
                );
                assert!((0.0..=1.0).contains(&p.jaccard));
                assert!(
                    p.containment_a >= p.jaccard
                        && p.containment_b >= p.jaccard
                );
                if p.kind == "verbatim" {
                    assert_eq!(p.jaccard, 1.0);
                }
                let sides = ((p.a.start, p.a.end), (p.b.start, p.b.end));
                passage_sides.insert(p.id, sides);
            }
            Record::Overlap(o) => {
                order.push(2);
                assert!(o.a < o.b, "a before b: {o:?}");
                overlaps.push((o.a.clone(), o.b.clone()));
                // Each side's bytes in the passages, overlaps once, as a
                // bitmap over the text.
                for (doc, covered, bytes, first) in [
                    (&o.a, o.covered_a, o.covered_bytes_a, true),
                    (&o.b, o.covered_b, o.covered_bytes_b, false),
                ] {
                    let text = &texts[doc];
                    let mut inside = vec![false; text.len()];
                    for id in &o.passages {
                        assert_eq!(
                            passage_docs[id],
                            (o.a.clone(), o.b.clone())
                        );
                        let (a, b) = passage_sides[id];
                        let (s, e) = if first { a } else { b };
                        inside[s..e].iter_mut().for_each(|x| *x = true);
                    }
                    let n = inside.iter().filter(|&&x| x).count() as u64;
                    assert_eq!(bytes, n, "{o:?}");
                    let share = n as f64 / text.len() as f64;
                    assert!((covered - share).abs() < 1e-4, "{o:?}");
                }
            }
            Record::Summary(_) => order.push(4),
        }
    }
    assert!(
        order.is_sorted(),
        "diagnostics, boilerplate, duplicates and clusters, spans, summary"
    );
    assert!(templates >= 2, "the generated outlets' footers");
    assert!(passages > 0, "the generated recaps and copies");
    assert_eq!(summary.passages, passages);
    assert!(summary.passage_candidates >= passages);
    assert!(summary.passage_windows > summary.passage_oversized_buckets);
    // One overlap record for each pair of different documents with
    // passages, in order.
    let mut pairs: Vec<(String, String)> =
        passage_docs.values().filter(|(a, b)| a != b).cloned().collect();
    pairs.sort_unstable();
    pairs.dedup();
    assert!(!pairs.is_empty());
    assert_eq!(overlaps, pairs);
    for (a, b, ids) in listed {
        for id in ids {
            assert_eq!(
                passage_docs[&id],
                (a.clone(), b.clone()),
                "passage {id}"
            );
        }
    }
    assert_eq!(summary.boilerplate_templates, templates);
    assert_eq!(summary.boilerplate_spans, spans);
    assert_eq!(summary.boilerplate_bytes, span_bytes);
    assert!(dups > 10);
    assert_eq!(summary.duplicates, dups);
    assert_eq!(summary.exact_duplicates, exact);
    assert_eq!(summary.clusters, u64::from(clusters));
    assert_eq!(summary.removable, members);
    assert_eq!(summary.diagnostics, diags);
    assert_eq!(summary.documents + summary.skipped, 201);
    assert!(summary.candidates >= dups - exact);
    assert_eq!(summary.oversized_buckets, 0);
    assert!(summary.bytes > 0 && summary.skipped_files == 0);
    // The generated outlets' footers recur, and so do the copied stories:
    // some recurring shingles are in boilerplate, some outside.
    let df = &summary.shingle_df;
    assert_eq!(df.sample, 64);
    assert!(df.recurring > 0 && df.recurring < df.distinct, "{df:?}");
    assert!(df.distinct <= df.incidences, "{df:?}");
    assert!(df.recurring_incidences >= 2 * df.recurring, "{df:?}");
    assert!(df.recurring_incidences < df.incidences, "{df:?}");
    assert!(df.recurring_outside_boilerplate > 0, "{df:?}");
    assert!(
        df.recurring_outside_boilerplate < df.recurring_incidences,
        "{df:?}"
    );
});

clitest!(shingle_df_is_counted_with_boilerplate_detection, |dir, cmd| {
    dir.create("c.jsonl", synth_jsonl(200, 150, 21));
    let summary = |args: &[&str]| {
        let out = command_in(dir.path())
            .args(["scan", "--format", "json", "--no-passages"])
            .args(args)
            .arg("c.jsonl")
            .stdout();
        match parse(&out).pop() {
            Some(Record::Summary(s)) => s.shingle_df,
            other => panic!("summary is last, not {other:?}"),
        }
    };
    let on = summary(&[]);
    assert!(on.incidences > 0, "{on:?}");
    // Keeping boilerplate in signatures does not change what recurs.
    let kept = summary(&["--keep-boilerplate"]);
    assert_eq!(
        (kept.distinct, kept.incidences, kept.recurring_outside_boilerplate),
        (on.distinct, on.incidences, on.recurring_outside_boilerplate)
    );
    // More documents asked of a recurring shingle, fewer recur.
    let more = summary(&["--boilerplate-min-docs", "20"]);
    assert!(more.recurring < on.recurring, "{more:?} {on:?}");
    let off = summary(&["--no-boilerplate"]);
    assert_eq!((off.sample, off.distinct, off.incidences), (0, 0, 0));
});

clitest!(text_report_names_clusters_and_scores, |dir, cmd| {
    let out =
        cmd.args(["scan", "--color", "never"]).arg(fixture("news")).stdout();
    assert!(out.contains("cluster 1 · 3 documents · keep "), "{out}");
    assert!(
        out.contains("boilerplate · 2 recurring lines and templates"),
        "{out}"
    );
    assert!(out.contains("Copyright …. All rights reserved."), "{out}");
    assert!(out.contains("01-bridge-council.txt ~ "), "{out}");
    assert!(out.contains("  1.0000 exact"), "{out}");
    assert!(out.contains("7 documents scanned"), "{out}");
    assert!(!out.contains('\x1b'));
    let colored = dir
        .command()
        .args(["scan", "--color", "always"])
        .arg(fixture("news"))
        .stdout();
    assert!(colored.contains("\x1b[1m"));
});

clitest!(text_report_shows_a_large_family_in_part, |dir, cmd| {
    // 150 copies of a story, each with two words of its own: one cluster,
    // its members and pairs listed up to 100 each in the text report.
    let words: Vec<String> = (0..120).map(|i| format!("w{i}")).collect();
    let mut corpus = String::new();
    for i in 0..150 {
        let mut w = words.clone();
        w[i % 120] = format!("x{i}");
        w[(i * 13 + 5) % 120] = format!("y{i}");
        let record =
            serde_json::json!({ "id": format!("c{i}"), "text": w.join(" ") });
        corpus += &(record.to_string() + "\n");
    }
    dir.create("family.jsonl", corpus);
    let json = dir
        .command()
        .args(["scan", "--format", "json", "family.jsonl"])
        .stdout();
    let pairs =
        records(&json).iter().filter(|(t, _)| t == "duplicate").count();
    assert!(pairs > 100, "{pairs} pairs");
    let out = cmd.args(["scan", "--color", "never", "family.jsonl"]).stdout();
    assert!(out.contains("cluster 1 · 150 documents · keep c0"), "{out}");
    assert!(
        out.contains("  … and 50 more; --format json lists them all"),
        "{out}"
    );
    // Written with a thousands separator (pairs are fewer than a million).
    let n = pairs - 100;
    let n = if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    };
    let more_pairs = format!("  … and {n} more; --format json");
    assert!(out.contains(&more_pairs), "{more_pairs}: {out}");
    assert_eq!(out.lines().filter(|l| l.contains(" ~ ")).count(), 100);
    assert!(
        out.contains("\n        c99 ") && !out.contains("\n        c100 ")
    );
});

clitest!(
    text_reports_write_out_control_characters_of_the_input,
    |dir, cmd| {
        // An id and a text with escape sequences, as a hostile page could
        // carry: they would clear the screen of whoever reads the report.
        let text = "The council voted on Tuesday to approve the new budget \
                \u{1b}[2J for the city parks after a long debate.";
        let record = |id: &str| {
            serde_json::json!({ "id": id, "text": text }).to_string() + "\n"
        };
        dir.create(
            "c.jsonl",
            record("a\u{1b}]0;owned\u{7}") + &record("b") + &record("b"),
        );
        let out =
            cmd.args(["scan", "--color", "never", "c.jsonl"]).expect_code(2);
        assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
        assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
        assert!(
            out.stdout.contains("keep a\\u{1b}]0;owned\\u{7}"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("budget \\u{1b}[2J for"),
            "{}",
            out.stdout
        );
        assert!(
            out.stderr.contains("id `b` is also the id of line 2"),
            "{}",
            out.stderr
        );
        // The JSON report keeps every character, escaped as JSON does.
        let json = dir
            .command()
            .args(["scan", "--format", "json", "c.jsonl"])
            .expect_code(2)
            .stdout;
        assert!(
            json.contains(
                r#""members":["a\u001b]0;owned\u0007","b","c.jsonl:3"]"#
            ),
            "{json}"
        );
    }
);
