//! Locality-sensitive hashing: candidate pairs from banded signatures.
//!
//! A signature is cut into `bands` bands of `rows` slots; two documents
//! become a candidate pair when all rows of some band agree. For documents
//! of Jaccard similarity `s` that happens with probability
//! `P(s) = 1 − (1 − s^rows)^bands`, an S-curve (*Mining of Massive
//! Datasets*, ch. 3.4). Bucketing sorts `(key, doc)` entries one band at a
//! time: no hash map per bucket, memory for one band's entries at once, and
//! output that does not depend on the number of threads.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64_with_seed};

use crate::minhash::Signatures;

/// How signatures are cut into bands.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
pub struct Banding {
    /// Number of bands.
    pub bands: u32,
    /// Slots per band.
    pub rows: u32,
}

/// Weight of the false-negative area when choosing a banding for a
/// threshold; false positives get `1 - FN_WEIGHT`. Every candidate is
/// verified exactly, so a false positive costs one set intersection (a
/// microsecond or two) while a false negative is a duplicate lost for good:
/// we weigh them a thousand to one. At threshold 0.8 and 128 slots this
/// picks 21 bands of 6 rows: `P(0.8) = 0.998`, `P(0.5) = 0.28`, and
/// unrelated news articles (J ≈ 0.01–0.05) collide with `P < 10⁻⁶`.
pub const FN_WEIGHT: f64 = 0.999;

impl Banding {
    /// The probability that two documents of Jaccard similarity `s` share
    /// a bucket in at least one band.
    pub fn probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The banding of at most `num_perm` slots that minimises
    /// `(1 − w)·FP + w·FN`, where FP is the area under the S-curve below
    /// `threshold`, FN the area above it over the curve, and `w` is
    /// [`FN_WEIGHT`]. Ties go to fewer slots.
    pub fn for_threshold(threshold: f64, num_perm: u32) -> Banding {
        let mut best =
            (f64::INFINITY, Banding { bands: 1, rows: num_perm.max(1) });
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let b = Banding { bands, rows };
                let fp = integrate(|s| b.probability(s), 0.0, threshold);
                let fn_ =
                    integrate(|s| 1.0 - b.probability(s), threshold, 1.0);
                let cost = (1.0 - FN_WEIGHT) * fp + FN_WEIGHT * fn_;
                if cost < best.0 - 1e-12 {
                    best = (cost, b);
                }
            }
        }
        best.1
    }

    /// Slots used: `bands × rows`.
    pub fn slots(&self) -> u32 {
        self.bands * self.rows
    }
}

/// Midpoint rule; the integrands are smooth and bounded by 1.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const STEPS: u32 = 200;
    let h = (b - a) / f64::from(STEPS);
    (0..STEPS).map(|i| f(a + (f64::from(i) + 0.5) * h)).sum::<f64>() * h
}

/// What [`candidate_pairs`] found.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Candidates {
    /// Sorted, without duplicates, always `(a, b)` with `a < b`.
    pub pairs: Vec<(u32, u32)>,
    /// Buckets with more than `max_bucket` documents: linked as a chain
    /// instead of all pairs by [`candidate_pairs`] (and all of their
    /// sought documents' pairs made by [`candidate_pairs_between`]).
    pub oversized_buckets: u64,
}

/// How many following documents each member of an oversized bucket is
/// paired with. A bucket that large is a family of near-copies (or shared
/// boilerplate); a chain with some slack keeps the family connected after
/// verification at a cost linear in its size.
const OVERSIZED_LINKS: usize = 8;

/// Returns every pair of the documents `docs` (indexes into `sigs`) that
/// agree on all rows of some band.
///
/// Buckets of more than `max_bucket` documents do not produce all their
/// pairs, which would be quadratic: each member is paired with the next
/// few members instead, and the bucket is counted in
/// [`Candidates::oversized_buckets`]. The result does not depend on the
/// number of threads.
///
/// # Panics
///
/// If the banding needs more slots than the signatures have.
pub fn candidate_pairs(
    sigs: &Signatures,
    docs: &[u32],
    banding: Banding,
    max_bucket: usize,
) -> Candidates {
    bucket_pairs(sigs, docs, banding, max_bucket, |bucket, pairs| {
        let links = if bucket.len() > max_bucket {
            OVERSIZED_LINKS
        } else {
            bucket.len()
        };
        for (i, &(_, a)) in bucket.iter().enumerate() {
            for &(_, b) in bucket[i + 1..].iter().take(links) {
                pairs.push((a.min(b), a.max(b)));
            }
        }
    })
}

/// Like [`candidate_pairs`], but only the pairs of a document `d` with
/// `sought[d]` (a draft of `rehash check`) and one without: every such
/// pair of every bucket, however large, and no other. A draft that
/// copies a family of thousands of wire copies is paired with each of
/// them, where a chain would pair it with a few; and the family's own
/// pairs, which a check does not report, are never made. Buckets of more
/// than `max_bucket` documents are still counted in
/// [`Candidates::oversized_buckets`].
///
/// # Panics
///
/// If the banding needs more slots than the signatures have, or `sought`
/// has no flag for one of `docs`.
pub fn candidate_pairs_between(
    sigs: &Signatures,
    docs: &[u32],
    banding: Banding,
    max_bucket: usize,
    sought: &[bool],
) -> Candidates {
    let sought = |d: u32| sought[d as usize];
    bucket_pairs(sigs, docs, banding, max_bucket, |bucket, pairs| {
        for &(_, a) in bucket.iter().filter(|&&(_, d)| sought(d)) {
            for &(_, b) in bucket.iter().filter(|&&(_, d)| !sought(d)) {
                pairs.push((a.min(b), a.max(b)));
            }
        }
    })
}

/// The pairs that `pair(bucket, pairs)` makes of each bucket of two or
/// more documents, sorted and without repeats, and the number of buckets
/// of more than `max_bucket` documents.
fn bucket_pairs(
    sigs: &Signatures,
    docs: &[u32],
    banding: Banding,
    max_bucket: usize,
    mut pair: impl FnMut(&[(u64, u32)], &mut Vec<(u32, u32)>),
) -> Candidates {
    let Banding { bands, rows } = banding;
    let (bands, rows) = (bands as usize, rows as usize);
    assert!(bands * rows <= sigs.num_perm(), "banding exceeds signature");
    let mut pairs = Vec::new();
    let mut oversized_buckets = 0;
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(docs.len());
    for band in 0..bands {
        keys.clear();
        docs.par_iter()
            .map(|&doc| {
                let sig = sigs.get(doc as usize);
                (band_key(band, &sig[band * rows..(band + 1) * rows]), doc)
            })
            .collect_into_vec(&mut keys);
        keys.par_sort_unstable();
        for bucket in keys.chunk_by(|x, y| x.0 == y.0) {
            if bucket.len() < 2 {
                continue;
            }
            if bucket.len() > max_bucket {
                oversized_buckets += 1;
            }
            pair(bucket, &mut pairs);
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    Candidates { pairs, oversized_buckets }
}

/// The bucket key of one band. Little-endian bytes keep keys identical on
/// every platform; the band number seeds the hash so that equal rows in
/// different bands do not collide.
fn band_key(band: usize, rows: &[u32]) -> u64 {
    // One-shot xxh3 on a stack copy: the streaming hasher would derive a
    // fresh secret from the seed on every call.
    const MAX: usize = 64;
    if rows.len() <= MAX {
        let mut buf = [0u8; 4 * MAX];
        for (chunk, row) in buf.chunks_exact_mut(4).zip(rows) {
            chunk.copy_from_slice(&row.to_le_bytes());
        }
        return xxh3_64_with_seed(&buf[..4 * rows.len()], band as u64);
    }
    let mut hasher = Xxh3::with_seed(band as u64);
    for row in rows {
        hasher.update(&row.to_le_bytes());
    }
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::MinHasher;

    #[test]
    fn s_curve() {
        let b = Banding { bands: 16, rows: 8 };
        assert!((b.probability(0.8) - 0.947).abs() < 1e-3);
        assert!(b.probability(0.0) == 0.0 && b.probability(1.0) == 1.0);
    }

    #[test]
    fn readme_banding_table() {
        let table = [
            (0.9, 14, 9),
            (0.8, 21, 6),
            (0.75, 25, 5),
            (0.7, 27, 4),
            (0.5, 42, 3),
        ];
        for (t, bands, rows) in table {
            assert_eq!(
                Banding::for_threshold(t, 128),
                Banding { bands, rows },
                "threshold {t}"
            );
        }
    }

    #[test]
    fn chosen_banding_favours_recall() {
        let b = Banding::for_threshold(0.8, 128);
        assert!(b.slots() <= 128);
        assert_eq!(b, Banding { bands: 21, rows: 6 });
        assert!(b.probability(0.8) > 0.995, "{b:?}");
        assert!(b.probability(0.3) < 0.02, "{b:?}");
        assert!(b.probability(0.05) < 1e-6, "{b:?}");
        let low = Banding::for_threshold(0.5, 128);
        assert!(low.rows < b.rows, "a lower threshold needs shorter bands");
        assert!(low.probability(0.5) > 0.99);
    }

    /// Signatures of sets of small integers, hashed first as shingles are.
    fn sigs(sets: &[Vec<u32>], num_perm: usize) -> Signatures {
        let mut out = Signatures::zeroed(sets.len(), num_perm);
        let mut h = MinHasher::new(num_perm, 0);
        for (set, chunk) in sets.iter().zip(out.chunks_mut()) {
            h.sign_into(
                set.iter().map(|&x| crate::shingle::mix(u64::from(x)) as u32),
                chunk,
            );
        }
        out
    }

    #[test]
    fn near_copies_pair_and_strangers_do_not() {
        let base: Vec<u32> = (0..300).collect();
        let mut near = base.clone();
        near[..6].copy_from_slice(&[1000, 1001, 1002, 1003, 1004, 1005]);
        let other: Vec<u32> = (5000..5300).collect();
        let s = sigs(&[base, other, near], 128);
        let got = candidate_pairs(
            &s,
            &[0, 1, 2],
            Banding { bands: 16, rows: 8 },
            100,
        );
        assert_eq!(got.pairs, [(0, 2)]);
        assert_eq!(got.oversized_buckets, 0);
    }

    #[test]
    fn band_keys_agree_for_short_and_long_bands() {
        let rows: Vec<u32> = (0..100).collect();
        let mut hasher = Xxh3::with_seed(3);
        for row in &rows[..10] {
            hasher.update(&row.to_le_bytes());
        }
        assert_eq!(band_key(3, &rows[..10]), hasher.digest());
        assert_ne!(band_key(3, &rows[..10]), band_key(4, &rows[..10]));
        assert_ne!(band_key(3, &rows), band_key(3, &rows[..99]));
    }

    #[test]
    fn oversized_buckets_are_chained_not_quadratic() {
        let same: Vec<Vec<u32>> =
            (0..50).map(|_| (0..100).collect()).collect();
        let s = sigs(&same, 32);
        let docs: Vec<u32> = (0..50).collect();
        let got =
            candidate_pairs(&s, &docs, Banding { bands: 4, rows: 8 }, 10);
        assert_eq!(got.oversized_buckets, 4);
        // Each member links to the next OVERSIZED_LINKS members.
        assert!(got.pairs.len() < 50 * OVERSIZED_LINKS);
        assert!(got.pairs.contains(&(0, 1)) && got.pairs.contains(&(48, 49)));
        assert!(!got.pairs.contains(&(0, 49)));
        let all =
            candidate_pairs(&s, &docs, Banding { bands: 4, rows: 8 }, 50);
        assert_eq!(all.pairs.len(), 50 * 49 / 2);
    }

    #[test]
    fn sought_documents_pair_with_every_other_member_of_any_bucket() {
        // A family of 50 copies (a bucket in every band, oversized at 10),
        // two near copies of one text, and a stranger.
        let mut texts: Vec<Vec<u32>> =
            (0..50).map(|_| (0..100).collect()).collect();
        let base: Vec<u32> = (1000..1300).collect();
        let mut near = base.clone();
        near[..6].copy_from_slice(&[9000, 9001, 9002, 9003, 9004, 9005]);
        texts.extend([base, near, (5000..5300).collect()]);
        let s = sigs(&texts, 128);
        let docs: Vec<u32> = (0..53).collect();
        let banding = Banding { bands: 16, rows: 8 };
        // Sought: two members of the family, one of the near copies, and
        // the stranger. Two sought documents are never paired.
        let mut sought = vec![false; 53];
        for d in [7, 8, 50, 52] {
            sought[d] = true;
        }
        let got = candidate_pairs_between(&s, &docs, banding, 10, &sought);
        let others = (0..50u32).filter(|&d| d != 7 && d != 8);
        let mut expected: Vec<(u32, u32)> = others
            .flat_map(|d| [(d.min(7), d.max(7)), (d.min(8), d.max(8))])
            .collect();
        expected.push((50, 51));
        expected.sort_unstable();
        assert_eq!(got.pairs, expected);
        assert_eq!(got.oversized_buckets, 16);
        // Under the cap, the pairs a scan makes that hold exactly one
        // sought document.
        let all = candidate_pairs(&s, &docs, banding, 100);
        let one =
            |&&(a, b): &&(u32, u32)| sought[a as usize] != sought[b as usize];
        let wanted: Vec<(u32, u32)> =
            all.pairs.iter().filter(one).copied().collect();
        let between =
            candidate_pairs_between(&s, &docs, banding, 100, &sought);
        assert_eq!(between.pairs, wanted);
    }
}
