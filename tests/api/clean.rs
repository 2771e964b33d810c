//! `clean::removals` with copies below the similarity threshold: which
//! of two documents that cover each other stays.

use rehash::clean::{self, Reason};
use rehash::synth::{Spec, generate};
use rehash::{Config, Corpus, Keep, Pipeline, Report};

/// Generated articles without copies, an edited copy of the first (every
/// twelfth word changed) as the last, and the first half of the first's
/// paragraphs as the second: three versions of one article, none a
/// near-duplicate of another.
fn texts() -> Vec<String> {
    let synth = generate(&Spec {
        docs: 30,
        words: 300,
        dup_fraction: 0.0,
        recap_fraction: 0.0,
        seed: 11,
        ..Spec::default()
    });
    let mut texts: Vec<String> =
        synth.docs.into_iter().map(|d| d.text).collect();
    let first = texts[0].clone();
    let mut i = 0;
    let edited: String = first
        .split(' ')
        .map(|w| {
            i += 1;
            if i % 12 == 0 { format!("{w}x") } else { w.to_string() }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let paragraphs: Vec<&str> = first.split("\n\n").collect();
    texts.insert(1, paragraphs[..paragraphs.len() / 2].join("\n\n"));
    texts.push(edited);
    texts
}

fn run(texts: &[String], keep: Keep) -> Report {
    let corpus = Corpus::from_texts(
        texts.iter().enumerate().map(|(i, t)| (format!("d{i:02}"), t.clone())),
    );
    let mut builder = Config::builder();
    builder.keep(keep);
    Pipeline::new(builder.build().unwrap()).run(&corpus)
}

/// `(removed, kept)` ids of the covered removals.
fn covered(report: &Report) -> Vec<(String, String)> {
    clean::removals(report, Some(0.8))
        .iter()
        .filter(|r| matches!(r.reason, Reason::Covered { .. }))
        .map(|r| (report.id(r.doc).to_string(), report.id(r.kept).to_string()))
        .collect()
}

#[test]
fn of_copies_that_cover_each_other_the_one_keep_prefers_stays() {
    let texts = texts();
    let last = format!("d{:02}", texts.len() - 1);
    let report = run(&texts, Keep::First);
    // None of the three is a near-duplicate of another.
    assert!(report.clusters.is_empty(), "{:?}", report.clusters);
    assert!(clean::removals(&report, None).is_empty());
    // The first stays: the shorter copy and the edited one go for it.
    assert_eq!(
        covered(&report),
        [
            ("d01".to_string(), "d00".to_string()),
            (last.clone(), "d00".to_string())
        ]
    );
    // The longest stays: the first or its edited copy, whichever is
    // longer (with `x` added to every twelfth word, the copy).
    assert!(texts[texts.len() - 1].len() > texts[0].len());
    let report = run(&texts, Keep::Longest);
    assert_eq!(
        covered(&report),
        [("d00".to_string(), last.clone()), ("d01".to_string(), last)]
    );
}

#[test]
fn covered_shares_are_at_least_the_minimum_and_name_their_overlap() {
    let texts = texts();
    let report = run(&texts, Keep::First);
    for min in [0.5, 0.8, 0.95] {
        for r in clean::removals(&report, Some(min)) {
            let Reason::Covered { overlap, covered } = r.reason else {
                continue;
            };
            assert!(covered >= min, "{covered} < {min}");
            let o = &report.overlaps[overlap];
            assert!(
                (o.a, o.b) == (r.doc, r.kept) || (o.b, o.a) == (r.doc, r.kept)
            );
        }
    }
}

#[test]
fn removed_records_read_back_and_name_their_passages() {
    use rehash::report::json::{self, Message, RemovedKind};
    let mut report = run(&texts(), Keep::First);
    report.removals = clean::removals(&report, Some(0.8));
    let mut out = Vec::new();
    json::write(&mut out, &report).unwrap();
    let text = String::from_utf8(out).unwrap();
    let read: Vec<Message<'_>> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(read, json::messages(&report).collect::<Vec<_>>());
    // `rehash eval` reads the removals as it takes them from memory.
    let predicted = rehash::eval::Predictions::parse(text.as_bytes()).unwrap();
    assert_eq!(predicted, rehash::eval::Predictions::from_report(&report));
    assert_eq!(predicted.removed.len(), 2);
    let removed: Vec<_> = read
        .iter()
        .filter_map(|m| match m {
            Message::Removed(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(removed.len(), 2);
    for r in removed {
        assert_eq!(r.kind, RemovedKind::Covered);
        assert_eq!((r.cluster, r.similarity), (None, None));
        let ids = r.passages.as_ref().unwrap();
        assert!(!ids.is_empty());
        for &id in ids {
            let p = &report.passage(id).unwrap().passage;
            let docs = [report.id(p.a.doc), report.id(p.b.doc)];
            assert!(docs.contains(&&*r.doc) && docs.contains(&&*r.kept));
        }
    }
}

#[test]
fn what_a_removal_names_as_kept_is_kept() {
    // The first half of an article, then an exact copy of that half (one
    // cluster, the half its representative), then other articles and the
    // whole article last, which covers the half.
    let mut texts = texts();
    texts.pop(); // the edited copy
    let whole = texts.remove(0);
    let half = texts[0].clone();
    texts.insert(1, half);
    texts.push(whole);
    let report = run(&texts, Keep::First);
    assert_eq!(report.clusters.len(), 1, "{:?}", report.clusters);
    let removed = clean::removals(&report, Some(0.8));
    let ids: Vec<&str> = removed.iter().map(|r| report.id(r.doc)).collect();
    assert!(ids.starts_with(&["d00", "d01"]), "{ids:?}");
    let last = rehash::corpus::DocId(texts.len() as u32 - 1);
    for r in &removed {
        assert!(!removed.iter().any(|o| o.doc == r.kept), "{r:?}");
    }
    // The copy of the half was removed for the half, its cluster's
    // representative, which the whole article covers: it names the whole
    // as kept, and the half as its match.
    let copy = &removed[1];
    assert!(matches!(copy.reason, Reason::Duplicate { .. }));
    assert_eq!((report.id(copy.matched), copy.kept), ("d00", last));
    assert_eq!(removed[0].kept, last);
}

/// Ten versions of one long article, each about a tenth longer than the
/// one before (a live article's updates), among generated articles.
fn versions() -> (Vec<String>, usize) {
    let synth = generate(&Spec {
        docs: 40,
        words: 300,
        dup_fraction: 0.0,
        recap_fraction: 0.0,
        seed: 5,
        ..Spec::default()
    });
    let texts: Vec<String> = synth.docs.into_iter().map(|d| d.text).collect();
    let whole = texts[..8].join("\n\n");
    let paragraphs: Vec<&str> = whole.split("\n\n").collect();
    let n = paragraphs.len();
    let mut out: Vec<String> =
        (1..=10).map(|i| paragraphs[..n * i / 10].join("\n\n")).collect();
    out.extend(texts[8..].iter().cloned());
    (out, 10)
}

#[test]
fn a_chain_of_versions_keeps_every_member_that_no_kept_one_holds() {
    let (texts, versions) = versions();
    for keep in [Keep::First, Keep::Longest] {
        let report = run(&texts, keep);
        let chained: Vec<&rehash::report::Cluster> =
            report.clusters.iter().filter(|c| c.members.len() > 2).collect();
        assert_eq!(chained.len(), 1, "{:?}", report.clusters);
        let c = chained[0];
        // A chain: its first and last versions are not near-duplicates.
        assert!(c.members.iter().all(|m| m.index() < versions));
        // Kept first, the first version holds too little of the later
        // ones, which are kept in turn; kept longest, the last holds all
        // the versions before it.
        let last = *c.members.last().unwrap();
        match keep {
            Keep::First => assert!(c.kept().len() > 2, "{c:?}"),
            Keep::Longest => assert_eq!(c.kept(), [last]),
        }
        assert!(c.kept().contains(&c.representative));
        // Every removable member is held by a kept one, at the threshold.
        let kept: Vec<_> = c.kept();
        for r in &c.removable {
            assert!(kept.contains(&r.kept) && !kept.contains(&r.doc));
            assert!(r.overlap.containment_a() >= 0.75, "{r:?}");
        }
        assert_eq!(c.kept().len() + c.removable.len(), c.members.len());
        // Clean's records say the same, with the share held.
        for r in clean::removals(&report, None) {
            let Reason::Duplicate { contained, .. } = r.reason else {
                panic!("no passages asked for");
            };
            assert!(contained >= 0.75 && r.kept == r.matched, "{r:?}");
        }
    }
}
