//! Large families of near-copies (a wire story on hundreds of sites): one
//! cluster at a cost linear in their size, and a check that pairs a draft
//! with every member.

use std::collections::BTreeSet;

use rehash::config::DEFAULT_MAX_BUCKET;
use rehash::corpus::DocId;
use rehash::{Config, Corpus, NoProgress, Pipeline, Role};

/// `n` copies of a 120-word story, each with two words of its own (so
/// that most LSH bands put them all in one bucket), then a stranger.
fn family(n: usize) -> Corpus {
    let words: Vec<String> =
        (0..120).map(|i| format!("w{}", i * 7 % 101 + i)).collect();
    let copy = |i: usize| {
        let mut w = words.clone();
        w[i % 120] = format!("x{i}");
        w[(i * 13 + 5) % 120] = format!("y{i}");
        w.join(" ")
    };
    let stranger = "An unrelated brief about the harvest festival, its \
                    music, its pies and a parade of tractors through the \
                    old town square."
        .to_string();
    let texts: Vec<(String, String)> = (0..n)
        .map(|i| (format!("copy-{i}"), copy(i)))
        .chain([("stranger".to_string(), stranger)])
        .collect();
    Corpus::from_texts(texts.iter().map(|(i, t)| (i.as_str(), t.as_str())))
}

/// The documents paired with `doc` in `pairs`.
fn partners(
    doc: DocId,
    pairs: impl Iterator<Item = (DocId, DocId)>,
) -> BTreeSet<DocId> {
    pairs
        .filter(|&(a, b)| a == doc || b == doc)
        .map(|(a, b)| if a == doc { b } else { a })
        .collect()
}

#[test]
fn a_large_family_is_one_cluster_of_linearly_many_pairs() {
    // Larger than the default bucket limit, smaller than an old one of
    // 1,000 under which all 44,850 pairs were made and reported.
    let n = 300;
    assert!(DEFAULT_MAX_BUCKET < n);
    let report = Pipeline::new(Config::default()).run(&family(n));
    assert!(report.summary.oversized_buckets > 0);
    assert_eq!(report.clusters.len(), 1);
    assert_eq!(report.clusters[0].members.len(), n);
    // All pairs would be n(n − 1)/2 = 44,850; a chain of eight links a
    // member in each of 25 bands is at most 200 a member.
    let pairs = report.duplicates.len();
    assert!(pairs >= n - 1 && pairs <= 8 * 25 * n, "{pairs} pairs");
    assert!(pairs < n * (n - 1) / 4, "{pairs} pairs");
}

#[test]
fn a_draft_is_checked_against_every_copy_of_a_large_family() {
    let corpus = family(40);
    let config = Config::builder().max_bucket(5).build().unwrap();
    let pipeline = Pipeline::new(config);
    let scan = pipeline.run(&corpus);
    assert!(scan.summary.oversized_buckets > 0, "the buckets are large");
    // The draft is the first copy; the others and the stranger are the
    // index.
    let roles: Vec<Role> = (0..corpus.len())
        .map(|d| if d == 0 { Role::Draft } else { Role::Index })
        .collect();
    let check = pipeline.check_with_progress(&corpus, &roles, &NoProgress);
    let family: BTreeSet<DocId> = (1..40).map(DocId).collect();
    let pairs = |r: &rehash::Report| {
        r.duplicates.iter().map(|d| (d.a, d.b)).collect::<Vec<_>>()
    };
    assert_eq!(partners(DocId(0), pairs(&check).into_iter()), family);
    // A scan chains the family: it does not pair the first copy with
    // each of the others.
    let first = partners(DocId(0), pairs(&scan).into_iter());
    assert!(first.len() < family.len(), "{} of {}", first.len(), 39);
}
