//! Checking drafts against an index: the links a scan of the same corpus
//! finds between drafts and index documents, and nothing else.

use std::collections::BTreeSet;

use rehash::corpus::DocId;
use rehash::report::DuplicateKind;
use rehash::synth::{Spec, generate};
use rehash::{Config, Corpus, NoProgress, Pipeline, Report, Role};

fn corpus() -> Corpus {
    let synth = generate(&Spec {
        docs: 300,
        words: 150,
        dup_fraction: 0.3,
        max_edit_rate: 0.2,
        seed: 11,
        ..Spec::default()
    });
    Corpus::from_texts(
        synth.docs.iter().map(|d| (d.id.clone(), d.text.clone())),
    )
}

/// Drafts and index documents linked by a duplicate or a passage.
fn links(report: &Report) -> BTreeSet<(DocId, DocId, &'static str)> {
    let dups = report.duplicates.iter().map(|d| (d.a, d.b, "duplicate"));
    let passages = report
        .passages
        .iter()
        .map(|p| (p.passage.a.doc, p.passage.b.doc, "passage"));
    dups.chain(passages).collect()
}

#[test]
fn a_check_reports_what_a_scan_finds_between_drafts_and_index() {
    let corpus = corpus();
    let pipeline = Pipeline::new(Config::default());
    let scan = pipeline.run(&corpus);
    // Every fifth document is a draft, the others the index.
    let roles: Vec<Role> = (0..corpus.len())
        .map(|d| if d % 5 == 0 { Role::Draft } else { Role::Index })
        .collect();
    let check = pipeline.check_with_progress(&corpus, &roles, &NoProgress);
    let draft = |d: DocId| roles[d.index()] == Role::Draft;
    let expected: BTreeSet<_> = links(&scan)
        .into_iter()
        .filter(|&(a, b, _)| draft(a) != draft(b))
        .collect();
    // Drafts that are exact copies of earlier documents are looked at in
    // a check but skipped by a scan, so the check may find more; it must
    // find everything the scan found.
    let got = links(&check);
    assert!(expected.len() > 20, "the corpus has links: {}", expected.len());
    assert!(
        got.is_superset(&expected),
        "missing: {:?}",
        expected.difference(&got)
    );
    assert!(got.iter().all(|&(a, b, _)| draft(a) != draft(b)));
    // Passages the two have in common are the same spans. Similarities
    // weigh words by rarity among the windows looked at, and a check
    // looks at the drafts a scan skips as copies: they may differ a
    // little.
    let mut same = 0;
    for p in &check.passages {
        let sides = (p.passage.a, p.passage.b);
        if let Some(q) =
            scan.passages.iter().find(|q| (q.passage.a, q.passage.b) == sides)
        {
            let (p, q) = (&p.passage, &q.passage);
            assert_eq!(
                (p.words, p.matched, p.trigrams),
                (q.words, q.matched, q.trigrams)
            );
            assert!((p.similarity - q.similarity).abs() < 0.01, "{p:?} {q:?}");
            same += 1;
        }
    }
    let scanned = expected.iter().filter(|l| l.2 == "passage").count();
    assert!(
        same >= scanned,
        "{same} passages in both, {scanned} document pairs"
    );
    let summary = &check.check.as_ref().unwrap().summary;
    assert_eq!(summary.drafts, 60);
    assert_eq!(summary.index, 240);
    let flagged: BTreeSet<DocId> = got
        .iter()
        .flat_map(|&(a, b, _)| [a, b])
        .filter(|&d| draft(d))
        .collect();
    assert_eq!(summary.flagged, flagged.len() as u64);
    assert!(check.clusters.is_empty());
    assert!(check.boilerplate_spans.iter().all(|s| draft(s.doc)));
    assert_eq!(check.summary.passages, check.passages.len() as u64);
}

/// A check of `texts` (id, text) with `roles`, at default settings.
fn check(texts: &[(&str, &str)], roles: &[Role]) -> Report {
    let corpus = Corpus::from_texts(texts.iter().copied());
    Pipeline::new(Config::default()).check_with_progress(
        &corpus,
        roles,
        &NoProgress,
    )
}

#[test]
fn ignored_documents_link_to_nothing_and_copied_drafts_are_checked() {
    let story = "The Riverton council voted on Monday to approve a budget of 48 \
                 million dollars for a new bridge over the Calder River, after \
                 inspectors found cracked steel in the supports of the old span.";
    let rewrite = "After inspectors found cracked steel supports in the old span, \
                   Riverton's council on Monday approved 48 million dollars for a \
                   new bridge across the Calder River.";
    let other = "The harvest festival returns to the market square this weekend \
                 with music, pies and a parade of tractors through the old town.";
    let report = check(
        &[
            ("draft", story),
            ("draft-again", story),
            ("draft-file-in-index", story),
            ("rewrite", rewrite),
            ("other", other),
        ],
        &[Role::Draft, Role::Draft, Role::Ignored, Role::Index, Role::Index],
    );
    // The drafts are not reported as copies of the ignored file or of each
    // other, and each of them is found rewritten in the index.
    assert!(report.duplicates.is_empty(), "{:?}", report.duplicates);
    let linked: Vec<(u32, u32)> = report
        .passages
        .iter()
        .map(|p| (p.passage.a.doc.0, p.passage.b.doc.0))
        .collect();
    assert_eq!(linked, [(0, 3), (1, 3)]);
    let summary = &report.check.as_ref().unwrap().summary;
    assert_eq!((summary.drafts, summary.index, summary.ignored), (2, 2, 1));
    assert_eq!(summary.flagged, 2);

    // With the story published in the index too, each draft is its exact
    // copy, not only the first of the group.
    let report = check(
        &[
            ("draft", story),
            ("draft-again", story),
            ("other", other),
            ("published", story),
        ],
        &[Role::Draft, Role::Draft, Role::Index, Role::Index],
    );
    let pairs: Vec<(u32, u32, DuplicateKind)> =
        report.duplicates.iter().map(|d| (d.a.0, d.b.0, d.kind)).collect();
    assert_eq!(
        pairs,
        [(0, 3, DuplicateKind::Exact), (1, 3, DuplicateKind::Exact)]
    );
    assert_eq!(report.check.as_ref().unwrap().summary.flagged, 2);

    // Every copy in the index is reported, not only the first.
    let report = check(
        &[
            ("draft", story),
            ("published", story),
            ("other", other),
            ("republished", story),
        ],
        &[Role::Draft, Role::Index, Role::Index, Role::Index],
    );
    let pairs: Vec<(u32, u32)> =
        report.duplicates.iter().map(|d| (d.a.0, d.b.0)).collect();
    assert_eq!(pairs, [(0, 1), (0, 3)]);
}

#[test]
fn a_quoted_paragraph_is_a_passage_and_the_footer_boilerplate() {
    // Articles of an outlet, each with its paragraphs (lines of 25 words
    // or more, distinct across articles) and the outlet's footer.
    let synth = generate(&Spec {
        docs: 8,
        words: 200,
        dup_fraction: 0.0,
        outlets: 1,
        seed: 5,
        ..Spec::default()
    });
    let paragraphs = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.split_whitespace().count() >= 25)
            .map(str::to_string)
            .collect()
    };
    let footer = "Subscribe to the Dalvale Journal for unlimited access to local news, sports and weather.";
    let texts: Vec<String> = synth
        .docs
        .iter()
        .map(|d| format!("{}\n\n{footer}", paragraphs(&d.text).join("\n\n")))
        .collect();
    // The draft: its own article, two paragraphs quoted from the first
    // index document in the middle, and the footer. The quoted lines
    // recur in two documents, as a footer shared by two pages does.
    let (own, source) = (paragraphs(&texts[0]), paragraphs(&texts[1]));
    assert!(own.len() >= 4 && source.len() >= 4);
    let quoted = format!("{}\n\n{}", source[1], source[2]);
    let draft = format!(
        "{}\n\n{quoted}\n\n{}\n\n{footer}",
        own[..2].join("\n\n"),
        own[2..].join("\n\n")
    );
    let mut docs = vec![("draft", draft.as_str())];
    let ids = ["a", "b", "c", "d", "e", "f", "g"];
    docs.extend(ids.iter().zip(&texts[1..]).map(|(id, t)| (*id, t.as_str())));
    let mut roles = vec![Role::Index; docs.len()];
    roles[0] = Role::Draft;
    // In a scan of the same documents too: the quoted lines, in two
    // documents, are not boilerplate (a line of prose needs three).
    let scan = Pipeline::new(Config::default())
        .run(&Corpus::from_texts(docs.iter().copied()));
    for report in [&check(&docs, &roles), &scan] {
        // The quote is one passage of the draft and the first index
        // document, its draft side the quoted words (a span ends with its
        // last word).
        let quotes: Vec<_> = report
            .passages
            .iter()
            .map(|p| &p.passage)
            .filter(|p| p.a.doc.0 == 0 && p.b.doc.0 == 1)
            .collect();
        assert_eq!(quotes.len(), 1, "{:?}", report.passages);
        let at = draft.find(&quoted).unwrap();
        let a = quotes[0].a;
        let words = quoted.trim_end_matches(|c: char| !c.is_alphanumeric());
        assert_eq!(a.start as usize, at);
        assert_eq!(&draft[a.start as usize..a.end as usize], words);
        assert!(report.duplicates.is_empty(), "{:?}", report.duplicates);
        // The footer, in the draft and seven index documents, is the
        // draft's one boilerplate span.
        let spans: Vec<&str> = report
            .boilerplate_spans
            .iter()
            .filter(|s| s.doc.0 == 0)
            .map(|s| &draft[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(spans, [footer]);
    }
}

#[test]
fn an_index_copy_of_a_draft_counts_towards_boilerplate() {
    // The draft's exact copy in the index and another index article share
    // the outlet's footer: two index documents, so it is boilerplate,
    // though the copy's group of exact copies starts with the draft.
    let footer = "Copyright 2026 Dalvale Journal. All rights reserved.";
    let story = format!(
        "The Riverton council voted on Monday to approve a budget for a new \
         bridge over the Calder River.\n{footer}"
    );
    let other = format!(
        "The harvest festival returns to the market square this weekend with \
         music, pies and a parade of tractors.\n{footer}"
    );
    let report = check(
        &[("draft", &story), ("published", &story), ("other", &other)],
        &[Role::Draft, Role::Index, Role::Index],
    );
    let pairs: Vec<(u32, u32)> =
        report.duplicates.iter().map(|d| (d.a.0, d.b.0)).collect();
    assert_eq!(pairs, [(0, 1)]);
    let spans: Vec<(u32, &str)> = report
        .boilerplate_spans
        .iter()
        .map(|s| (s.doc.0, &story[s.start as usize..s.end as usize]))
        .collect();
    assert_eq!(spans, [(0, footer)]);
}

#[test]
fn a_draft_read_after_the_index_is_reported_in_its_own_order() {
    // The draft is the last document, so it is the second side of every
    // passage. Its two quoted paragraphs, each in three index documents,
    // are each quoted once, in the draft's order.
    let first = "The Riverton council voted on Monday to approve a budget of 48 \
                 million dollars for a new bridge over the Calder River, after \
                 inspectors found cracked steel in the supports of the old span.";
    let second = "The harvest festival returns to the market square this weekend \
                  with music, pies and a parade of tractors through the old town.";
    let intros = [
        "Weather in the harbour town turned cold again this week.",
        "Farmers in the valley expect an early harvest this year.",
        "A local choir will sing at the cathedral on Sunday evening.",
    ];
    let index: Vec<String> =
        intros.iter().map(|i| format!("{i}\n{second}\n{first}\n")).collect();
    let draft = format!(
        "Our reporter watched from the press room.\n{first}\n{second}\n"
    );
    let texts: Vec<(&str, &str)> = vec![
        ("x", &index[0]),
        ("y", &index[1]),
        ("z", &index[2]),
        ("draft", &draft),
    ];
    let report =
        check(&texts, &[Role::Index, Role::Index, Role::Index, Role::Draft]);
    assert_eq!(report.passages.len(), 6);
    // The draft's findings: six passages over two spans of its text,
    // each span counted once in what they cover.
    let c = report.check.as_ref().unwrap();
    assert_eq!(c.findings.len(), 1);
    let f = c.findings[0];
    assert_eq!((f.doc, f.bytes), (DocId(3), draft.len() as u64));
    assert_eq!((f.near_duplicates, f.passages), (0, 6));
    assert_eq!((f.best_passage, f.best_duplicate), (Some(1.0), None));
    let spans: BTreeSet<(u32, u32)> = report
        .passages
        .iter()
        .map(|r| (r.passage.b.start, r.passage.b.end))
        .collect();
    assert_eq!(spans.len(), 2);
    let covered: u32 = spans.iter().map(|(s, e)| e - s).sum();
    assert_eq!(f.covered_bytes, u64::from(covered));
    for (s, e) in &spans {
        let quoted = &draft[*s as usize..*e as usize];
        assert!(first.contains(quoted) || second.contains(quoted), "{quoted}");
    }
    let mut out = Vec::new();
    rehash::report::text::write(&mut out, &report, &Default::default())
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ¶") || l.starts_with("    also"))
        .collect();
    assert_eq!(rows.len(), 6, "{out}");
    // The draft's second line, then its third; each beside x, then also y, z.
    for (row, start) in rows.iter().zip([
        "¶2 2:5 ↔ x",
        "also y",
        "also z",
        "¶3 3:5 ↔ x",
        "also y",
        "also z",
    ]) {
        assert!(row.trim_start().starts_with(start), "{row}\n{out}");
    }
    assert_eq!(out.matches("“Riverton council").count(), 2, "{out}");
    assert_eq!(out.matches("“harvest festival").count(), 2, "{out}");

    // Made without quotes, passages have none to compare: each is written
    // whole.
    let corpus = Corpus::from_texts(texts.iter().copied());
    let roles = [Role::Index, Role::Index, Role::Index, Role::Draft];
    let report = Pipeline::new(Config::default())
        .quotes(false)
        .check_with_progress(&corpus, &roles, &NoProgress);
    let mut out = Vec::new();
    rehash::report::text::write(&mut out, &report, &Default::default())
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().filter(|l| l.starts_with("  ¶")).count(), 6);
    assert!(!out.contains("also"), "{out}");
}
