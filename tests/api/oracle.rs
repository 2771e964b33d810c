//! Oracles: what LSH finds is checked against brute-force exact Jaccard
//! over every pair, and MinHash estimates against exact values. Seeded
//! loops; a failure prints its seed.

use rehash::config::SEED;
use rehash::lsh::Banding;
use rehash::minhash::MinHasher;
use rehash::profile::Profiler;
use rehash::report::DuplicateKind;
use rehash::synth::{Spec, generate};
use rehash::verify::{make_set, overlap};
use rehash::{Config, Corpus, Pipeline, UnitChoice};

struct Truth {
    corpus: Corpus,
    /// Shingle sets, as the pipeline makes them.
    sets: Vec<Vec<u32>>,
}

/// A corpus whose copies have edit rates spread over `[0, max_edit_rate]`,
/// so that pair similarities spread around the threshold under test. With
/// 5-word shingles an edited word costs up to five shingles: J ≥ 0.8 needs
/// an edit rate below about 2%.
fn truth(seed: u64, docs: usize, max_edit_rate: f64) -> Truth {
    let spec = Spec {
        docs,
        words: 120,
        dup_fraction: 0.6,
        max_edit_rate,
        seed,
        ..Spec::default()
    };
    let synth = generate(&spec);
    let corpus = Corpus::from_texts(
        synth.docs.iter().map(|d| (d.id.clone(), d.text.clone())),
    );
    let mut profiler = Profiler::new(SEED, UnitChoice::Auto, 5);
    let sets = corpus
        .ids()
        .map(|d| {
            let mut s = profiler.profile(&corpus.text(d)).shingles;
            make_set(&mut s);
            s
        })
        .collect();
    Truth { corpus, sets }
}

/// Every pair's exact Jaccard similarity.
fn all_pairs(t: &Truth) -> Vec<(u32, u32, f64)> {
    let n = t.sets.len() as u32;
    let mut out = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            out.push((
                a,
                b,
                overlap(&t.sets[a as usize], &t.sets[b as usize]).jaccard(),
            ));
        }
    }
    out
}

/// Runs the pipeline and checks it against brute force: every reported
/// pair is above the threshold with its exact similarity, and the share of
/// pairs above the threshold that were found is what the S-curve promises,
/// within four standard deviations.
fn check_recall(seed: u64, threshold: f64, banding: Option<Banding>) {
    let t = truth(seed, 200, if threshold >= 0.8 { 0.05 } else { 0.12 });
    let mut builder = Config::builder();
    // Brute force compares whole texts; so does the pipeline here.
    builder.threshold(threshold).keep_boilerplate(true);
    if let Some(b) = banding {
        builder.bands(Some(b.bands)).rows(Some(b.rows));
    }
    let config = builder.build().unwrap();
    let banding = config.banding();
    let report = Pipeline::new(config).run(&t.corpus);
    // Exact copies go through LSH once, as their first copy: a pair with
    // any copy is found when the pair with the first copy is.
    let mut rep: Vec<u32> = (0..t.sets.len() as u32).collect();
    for d in
        report.duplicates.iter().filter(|d| d.kind == DuplicateKind::Exact)
    {
        rep[d.b.index()] = d.a.0;
    }
    let found: std::collections::HashSet<(u32, u32)> =
        report.duplicates.iter().map(|d| (d.a.0, d.b.0)).collect();
    let is_found = |a: u32, b: u32| {
        let (ra, rb) = (rep[a as usize], rep[b as usize]);
        ra == rb || found.contains(&(ra.min(rb), ra.max(rb)))
    };
    for d in &report.duplicates {
        let j = overlap(&t.sets[d.a.index()], &t.sets[d.b.index()]).jaccard();
        assert_eq!(
            d.overlap.jaccard(),
            j,
            "seed {seed}: reported similarity is exact"
        );
        assert!(j >= threshold, "seed {seed}: {d:?} below threshold");
    }
    let above: Vec<(u32, u32, f64)> = all_pairs(&t)
        .into_iter()
        .filter(|&(_, _, j)| j >= threshold)
        .collect();
    assert!(
        above.len() >= 30,
        "seed {seed}: only {} pairs above {threshold}",
        above.len()
    );
    // Exact duplicates are grouped by hash and always found.
    let expected: f64 = above
        .iter()
        .map(|&(_, _, j)| if j == 1.0 { 1.0 } else { banding.probability(j) })
        .sum();
    let variance: f64 = above
        .iter()
        .map(|&(_, _, j)| {
            banding.probability(j) * (1.0 - banding.probability(j))
        })
        .sum();
    let hits =
        above.iter().filter(|&&(a, b, _)| is_found(a, b)).count() as f64;
    let slack = 4.0 * variance.sqrt() + 1.0;
    assert!(
        (hits - expected).abs() <= slack,
        "seed {seed}, {banding:?}: found {hits} of {} pairs above {threshold}, S-curve expects {expected:.1} ± {slack:.1}",
        above.len()
    );
}

#[test]
fn default_banding_finds_what_the_s_curve_promises() {
    for seed in 1..=3 {
        check_recall(seed, 0.8, None);
        check_recall(seed, 0.5, None);
    }
}

#[test]
fn weak_banding_misses_what_the_s_curve_predicts() {
    // Few long bands: recall well below 1, so the S-curve is tested from
    // both sides, not just "found everything".
    for seed in 1..=3 {
        check_recall(seed, 0.5, Some(Banding { bands: 3, rows: 10 }));
        check_recall(seed, 0.7, Some(Banding { bands: 2, rows: 12 }));
    }
}

#[test]
fn estimates_track_exact_jaccard() {
    for seed in [4, 5] {
        let t = truth(seed, 150, 0.2);
        let mut hasher = MinHasher::new(128, SEED);
        let sigs: Vec<Vec<u32>> =
            t.sets.iter().map(|s| hasher.sign(s.iter().copied())).collect();
        let (mut n, mut abs, mut bias) = (0.0, 0.0, 0.0);
        for (a, b, j) in all_pairs(&t) {
            if j < 0.1 {
                continue;
            }
            let est = rehash::minhash::estimate(
                &sigs[a as usize],
                &sigs[b as usize],
            );
            n += 1.0;
            abs += (est - j).abs();
            bias += est - j;
        }
        assert!(n >= 50.0, "seed {seed}: {n} pairs");
        // The standard error of a 128-slot estimate is at most
        // sqrt(0.25 / 128) = 0.044.
        assert!(
            abs / n < 0.05,
            "seed {seed}: mean absolute error {}",
            abs / n
        );
        assert!((bias / n).abs() < 0.015, "seed {seed}: bias {}", bias / n);
    }
}

/// Planted recaps (a paragraph rewritten with synonyms, dropped and
/// swapped words) are found as passages beside the paragraph they
/// rewrite.
#[test]
fn planted_recaps_are_found() {
    for seed in [1, 2] {
        let spec = Spec {
            docs: 120,
            words: 200,
            recap_fraction: 0.5,
            seed,
            ..Spec::default()
        };
        let synth = generate(&spec);
        let corpus = Corpus::from_texts(
            synth.docs.iter().map(|d| (d.id.clone(), d.text.clone())),
        );
        let report = Pipeline::new(Config::default()).run(&corpus);
        let ov = |x: (usize, usize), s: u32, e: u32| {
            (s as usize) < x.1 && x.0 < e as usize
        };
        let found = synth
            .recaps
            .iter()
            .filter(|r| {
                report.passages.iter().any(|p| {
                    let p = &p.passage;
                    p.a.doc.index() == r.doc
                        && p.b.doc.index() == r.doc
                        && ov(r.source, p.a.start, p.a.end)
                        && ov(r.recap, p.b.start, p.b.end)
                })
            })
            .count();
        let total = synth.recaps.len();
        assert!(total >= 20, "seed {seed}: {total} recaps");
        assert!(
            found as f64 >= 0.9 * total as f64,
            "seed {seed}: {found} of {total} recaps found"
        );
    }
}
