//! MinHash signatures by one-permutation hashing with optimal densification.
//!
//! Classic MinHash (Broder 1997) applies `num_perm` hash functions to every
//! shingle. One-permutation hashing (Li, Owen and Zhang 2012) hashes each
//! shingle once: the hash picks one of `num_perm` bins and the bin keeps its
//! smallest value, so signing costs O(shingles + num_perm) instead of
//! O(shingles × num_perm). Bins that no shingle reached borrow the value of
//! a bin chosen by a fixed probe sequence ("optimal densification",
//! Shrivastava 2017), which keeps `P[slot_a == slot_b] = J(a, b)` for every
//! slot, so that banding (*Mining of Massive Datasets*, ch. 3) works as with
//! classic MinHash.

use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::shingle::mix;

/// Everything that determines a signature's values. Reported with every
/// scan so that runs are reproducible and comparable.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
pub struct SketchParams {
    /// Tokens per shingle.
    pub shingle_size: u32,
    /// Slots per signature.
    pub num_perm: u32,
    /// Seed of every hash: tokens, shingles, bins.
    pub seed: u64,
    /// [`crate::normalize::NORMALIZATION_VERSION`].
    pub normalization: u32,
}

/// Signs sets of 32-bit shingle hashes, which must be uniformly
/// distributed (as [`crate::profile`] makes them). Cheap to create; keeps
/// scratch space, so use one per thread.
#[derive(Clone, Debug)]
pub struct MinHasher {
    num_perm: usize,
    seed: u64,
    bins: Vec<u64>,
    /// The bins that a sparse set reached (see [`SPARSE_BINS`]).
    filled: Vec<u32>,
    /// [`first_probes`] of this hasher, once a sparse set needed it.
    firsts: Option<Arc<[u32]>>,
}

/// A set that reaches fewer bins than this is densified from a table of
/// where each slot's probe sequence first meets each bin, in time
/// proportional to the bins reached, not by following the probes: with
/// one bin reached, each of the other 127 slots of a 128-slot signature
/// follows 128 probes on average. A scan of a million records of 3 to 12
/// words spent 9.2 s of 12.1 that way.
const SPARSE_BINS: usize = 16;

/// Signatures of up to this many slots use the table of
/// [`SPARSE_BINS`] (`num_perm²` entries: 64 KB at 128 slots).
const MAX_TABLE_SLOTS: usize = 1024;

/// Each slot's probes are followed this many times `num_perm` to fill its
/// row of the table; a bin not met by then (for 128 slots, a chance of
/// about e⁻³² each) is found by following the probes.
const TABLE_PROBES_PER_SLOT: u64 = 32;

/// Marks a bin that no shingle reached. Real values are below 2^32.
const EMPTY: u64 = u64::MAX;

impl MinHasher {
    /// A hasher for signatures of `num_perm` slots.
    ///
    /// # Panics
    ///
    /// If `num_perm` is 0, which configuration validation rules out.
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        assert!(num_perm > 0, "num_perm must be non-zero");
        MinHasher {
            num_perm,
            seed: mix(seed ^ 0x4D49_4E48_4153_4821),
            bins: vec![EMPTY; num_perm],
            filled: Vec::new(),
            firsts: None,
        }
    }

    /// Slots per signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// Writes the signature of the shingle set `shingles` (duplicates
    /// allowed, order irrelevant) into `out`, which must hold `num_perm`
    /// slots.
    ///
    /// An empty set signs as all `u32::MAX`, which equals only other empty
    /// sets.
    pub fn sign_into(
        &mut self,
        shingles: impl IntoIterator<Item = u32>,
        out: &mut [u32],
    ) {
        self.bins.fill(EMPTY);
        for s in shingles {
            self.insert(s);
        }
        self.finish(out);
    }

    /// Like [`MinHasher::sign_into`] for a set given as several slices:
    /// each is a tight loop, as fast as one slice.
    pub fn sign_slices<'a>(
        &mut self,
        slices: impl IntoIterator<Item = &'a [u32]>,
        out: &mut [u32],
    ) {
        self.bins.fill(EMPTY);
        for slice in slices {
            for &s in slice {
                self.insert(s);
            }
        }
        self.finish(out);
    }

    #[inline]
    fn insert(&mut self, s: u32) {
        // Shingle values are already uniform hashes. Multiply-shift range
        // reduction (Lemire 2019) takes the bin from their high bits;
        // within a bin, the smallest value wins. Taking the minimum with
        // no branch stores every time, but whether a value is a bin's new
        // minimum is a coin toss the branch predictor lost: the criterion
        // bench `minhash/num_perm` ran 19% (64 slots) to 53% (256) faster.
        let value = u64::from(s);
        let bin = (value * self.num_perm as u64) >> 32;
        let slot = &mut self.bins[bin as usize];
        *slot = (*slot).min(value);
    }

    /// Densifies the bins into `out`.
    fn finish(&mut self, out: &mut [u32]) {
        assert_eq!(out.len(), self.num_perm, "signature length");
        let reached = self.bins.iter().filter(|&&v| v != EMPTY).count();
        if reached == 0 {
            out.fill(u32::MAX);
            return;
        }
        if reached < SPARSE_BINS && self.num_perm <= MAX_TABLE_SLOTS {
            self.finish_sparse(out);
            return;
        }
        for (j, o) in out.iter_mut().enumerate() {
            *o = self.probe(j);
        }
    }

    /// The value of slot `j`: its bin's, or that of the first bin its
    /// probe sequence meets that a shingle reached. The bins must not all
    /// be empty.
    fn probe(&self, j: usize) -> u32 {
        let m = self.num_perm as u64;
        let mut v = self.bins[j];
        let mut attempt = 0u64;
        while v == EMPTY {
            attempt += 1;
            v = self.bins[probed_bin(self.seed, j, attempt, m)];
        }
        v as u32
    }

    /// [`MinHasher::finish`] of bins that fewer than [`SPARSE_BINS`]
    /// shingles reached: the same values, from [`first_probes`].
    fn finish_sparse(&mut self, out: &mut [u32]) {
        let m = self.num_perm;
        let seed = self.seed;
        let firsts = Arc::clone(
            self.firsts.get_or_insert_with(|| first_probes(m, seed)),
        );
        let mut filled = std::mem::take(&mut self.filled);
        filled.clear();
        filled
            .extend((0..m as u32).filter(|&b| self.bins[b as usize] != EMPTY));
        for (j, o) in out.iter_mut().enumerate() {
            if self.bins[j] != EMPTY {
                *o = self.bins[j] as u32;
                continue;
            }
            let row = &firsts[j * m..(j + 1) * m];
            // Two bins are never first met at the same probe.
            let first = filled.iter().min_by_key(|&&b| row[b as usize]);
            *o = match first {
                Some(&b) if row[b as usize] != u32::MAX => {
                    self.bins[b as usize] as u32
                }
                _ => self.probe(j),
            };
        }
        self.filled = filled;
    }

    /// The signature of `shingles` in a new vector.
    pub fn sign(
        &mut self,
        shingles: impl IntoIterator<Item = u32>,
    ) -> Vec<u32> {
        let mut out = vec![0; self.num_perm];
        self.sign_into(shingles, &mut out);
        out
    }
}

/// The bin that probe `attempt` (from 1) of slot `j` of an `m`-slot
/// signature reads.
fn probed_bin(seed: u64, j: usize, attempt: u64, m: u64) -> usize {
    let probe = mix(seed ^ ((j as u64) << 32) ^ attempt);
    (((probe >> 32) * m) >> 32) as usize
}

/// For each slot `j` of an `m`-slot signature and each bin `b`, at which
/// probe slot `j`'s sequence first reads `b` (`u32::MAX` for not within
/// [`TABLE_PROBES_PER_SLOT`] × `m`), row by row. It depends on `m` and
/// the seed alone, so it is made once per process and shared.
fn first_probes(m: usize, seed: u64) -> Arc<[u32]> {
    type Tables = Mutex<Vec<((usize, u64), Arc<[u32]>)>>;
    static TABLES: OnceLock<Tables> = OnceLock::new();
    let tables = TABLES.get_or_init(Tables::default);
    let mut tables = tables.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, t)) = tables.iter().find(|(k, _)| *k == (m, seed)) {
        return Arc::clone(t);
    }
    let mut table = vec![u32::MAX; m * m];
    for (j, row) in table.chunks_mut(m).enumerate() {
        let mut met = 0;
        let mut attempt = 0;
        while met < m && attempt < TABLE_PROBES_PER_SLOT * m as u64 {
            attempt += 1;
            let b = probed_bin(seed, j, attempt, m as u64);
            if row[b] == u32::MAX {
                row[b] = attempt as u32;
                met += 1;
            }
        }
    }
    let table: Arc<[u32]> = table.into();
    tables.push(((m, seed), Arc::clone(&table)));
    table
}

/// Signatures of many documents, stored back to back in one allocation.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Signatures {
    num_perm: usize,
    slots: Vec<u32>,
}

impl Signatures {
    /// Room for `docs` signatures of `num_perm` slots, all zero.
    pub fn zeroed(docs: usize, num_perm: usize) -> Signatures {
        Signatures { num_perm, slots: vec![0; docs * num_perm] }
    }

    /// Slots per signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// How many signatures there are.
    pub fn len(&self) -> usize {
        self.slots.len().checked_div(self.num_perm).unwrap_or(0)
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The signature of document `i`.
    pub fn get(&self, i: usize) -> &[u32] {
        &self.slots[i * self.num_perm..(i + 1) * self.num_perm]
    }

    /// Mutable chunks, one signature each.
    pub fn chunks_mut(&mut self) -> std::slice::ChunksExactMut<'_, u32> {
        self.slots.chunks_exact_mut(self.num_perm.max(1))
    }

    /// Mutable chunks, one signature each, for filling in parallel.
    pub fn par_chunks_mut(&mut self) -> rayon::slice::ChunksExactMut<'_, u32> {
        use rayon::slice::ParallelSliceMut;
        self.slots.par_chunks_exact_mut(self.num_perm.max(1))
    }

    /// The MinHash estimate of the Jaccard similarity of documents `a` and
    /// `b`: the share of equal slots.
    pub fn estimate(&self, a: usize, b: usize) -> f64 {
        estimate(self.get(a), self.get(b))
    }
}

/// The share of equal slots of two signatures of equal length.
pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let same: u32 = a.iter().zip(b).map(|(x, y)| u32::from(x == y)).sum();
    f64::from(same) / a.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(range: std::ops::Range<u32>) -> Vec<u32> {
        range.map(|i| mix(u64::from(i)) as u32).collect()
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let mut h = MinHasher::new(64, 7);
        let a = set(0..500);
        let mut shuffled = a.clone();
        shuffled.reverse();
        shuffled.extend_from_slice(&a[..10]);
        assert_eq!(h.sign(a.iter().copied()), h.sign(shuffled));
    }

    #[test]
    fn estimates_track_jaccard() {
        // |A ∩ B| = 600, |A ∪ B| = 1400: J = 0.4286.
        let mut h = MinHasher::new(256, 1);
        let a = h.sign(set(0..1000));
        let b = h.sign(set(400..1400));
        let est = estimate(&a, &b);
        assert!((est - 600.0 / 1400.0).abs() < 0.08, "estimate {est}");
    }

    #[test]
    fn tiny_sets_are_densified() {
        let mut h = MinHasher::new(128, 3);
        let one = h.sign([42]);
        assert!(
            one.iter().all(|&v| v == one[0]),
            "one shingle fills every slot"
        );
        let two = h.sign([42, 43]);
        assert!(two.iter().all(|&v| v != u32::MAX));
        assert_eq!(h.sign([]), vec![u32::MAX; 128]);
    }

    #[test]
    fn signatures_store_back_to_back() {
        let mut sigs = Signatures::zeroed(3, 4);
        let mut h = MinHasher::new(4, 0);
        for (i, chunk) in sigs.chunks_mut().enumerate() {
            h.sign_into(set(0..10 * (i as u32 + 1)), chunk);
        }
        assert_eq!(sigs.len(), 3);
        assert_eq!(sigs.get(2), &h.sign(set(0..30))[..]);
        assert!(sigs.estimate(0, 0) == 1.0);
    }

    #[test]
    fn sparse_sets_are_densified_as_by_following_the_probes() {
        for m in [1, 2, 3, 8, 64, 128, 200] {
            let mut h = MinHasher::new(m, 11);
            for n in 1..2 * SPARSE_BINS as u32 {
                let shingles = set(n * 100..n * 101);
                let signed = h.sign(shingles.iter().copied());
                // The bins as `sign` left them, densified probe by probe.
                let probed: Vec<u32> = (0..m).map(|j| h.probe(j)).collect();
                assert_eq!(signed, probed, "{m} slots, {n} shingles");
            }
        }
    }

    // Reported signatures and candidate pairs depend on these values. If
    // this fails, revert the change or bump NORMALIZATION_VERSION.
    #[test]
    fn hash_values_are_stable() {
        let mut h = MinHasher::new(8, 0);
        assert_eq!(
            h.sign(set(0..100)),
            [
                0, 666324818, 1131769481, 1712690030, 2159153805, 2729415320,
                3244320560, 3778938775
            ]
        );
    }
}
