//! The report does not depend on the number of threads.

use rehash::report::json;
use rehash::synth::{Spec, generate};
use rehash::{Config, Corpus, Pipeline, Report};

fn run_with(threads: usize, corpus: &Corpus) -> Report {
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| Pipeline::new(Config::default()).run(corpus))
}

#[test]
fn reports_are_identical_for_any_thread_count() {
    let synth = generate(&Spec {
        docs: 400,
        words: 150,
        max_edit_rate: 0.03,
        seed: 99,
        ..Spec::default()
    });
    let corpus = Corpus::from_texts(
        synth.docs.iter().map(|d| (d.id.clone(), d.text.clone())),
    );
    let one = run_with(1, &corpus);
    assert!(one.duplicates.len() > 50);
    for threads in [2, 3, 8] {
        assert_eq!(one, run_with(threads, &corpus), "{threads} threads");
    }
}

#[test]
fn exact_copies_are_grouped_by_hash() {
    let text = "The council approved the budget for the new bridge on Monday.";
    let corpus = Corpus::from_texts([
        ("a", text.to_string()),
        (
            "b",
            "unrelated words about a festival in the market square"
                .to_string(),
        ),
        ("c", text.to_uppercase().replace('.', "!")),
        ("d", format!("  {text}  ")),
    ]);
    let report = Pipeline::new(Config::default()).run(&corpus);
    let pairs: Vec<(&str, &str, rehash::report::DuplicateKind)> = report
        .duplicates
        .iter()
        .map(|d| (report.id(d.a), report.id(d.b), d.kind))
        .collect();
    use rehash::report::DuplicateKind::Exact;
    assert_eq!(pairs, [("a", "c", Exact), ("a", "d", Exact)]);
    assert_eq!(report.clusters.len(), 1);
    assert_eq!(report.summary.removable, 2);
}

#[test]
fn written_reports_are_identical_for_any_thread_count() {
    // Enough boilerplate spans that the report is formatted in several
    // batches, each in chunks on several threads.
    let footer: String = (0..12)
        .map(|i| format!("\nfooter line {i} of the paper, read all about it"))
        .collect();
    let texts = rehash::synth::corpus(3_000, 60, 5);
    let corpus = Corpus::from_texts(
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("d{i}"), t.clone() + &footer)),
    );
    let report = Pipeline::new(Config::default()).run(&corpus);
    assert!(report.boilerplate_spans.len() > 33_000);
    let write = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut out = Vec::new();
        pool.install(|| json::write(&mut out, &report)).unwrap();
        out
    };
    let one = write(1);
    let lines: Vec<String> = json::messages(&report)
        .map(|m| serde_json::to_string(&m).unwrap() + "\n")
        .collect();
    assert_eq!(String::from_utf8(one.clone()).unwrap(), lines.concat());
    for threads in [2, 3] {
        assert!(one == write(threads), "{threads} threads");
    }
}

#[test]
fn one_long_document_is_aligned_alike_by_any_thread_count() {
    // So many passages in one pair of documents (itself) that their
    // alignment is shared among the threads.
    let synth = generate(&Spec {
        docs: 3000,
        words: 150,
        dup_fraction: 0.5,
        seed: 7,
        ..Spec::default()
    });
    let texts: Vec<&str> =
        synth.docs.iter().map(|d| d.text.as_str()).collect();
    let corpus =
        Corpus::from_texts([("book".to_string(), texts.join("\n\n"))]);
    let one = run_with(1, &corpus);
    assert!(one.passages.len() > 4096, "{}", one.passages.len());
    for threads in [2, 3] {
        assert_eq!(one, run_with(threads, &corpus), "{threads} threads");
    }
}
