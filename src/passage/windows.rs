//! Step 1 of [`super`]: every document's sentence windows, their
//! sketches sorted by bin value, the windows keyed by their words, and the
//! stems' frequencies over all windows.

use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

use super::*;
use crate::keyset::KeyFilter;
use crate::marked::MarkedMap;
use crate::normalize::Unit;
use crate::shingle::mix;
use crate::slices::{split_lengths, starts};
use crate::window::{Term, TermTokenizer};

/// Step 1: every document's sentence windows, sketched, with the windows'
/// stem frequencies.
#[derive(Clone, Debug)]
pub struct Windows {
    pub(super) windows: Vec<WindowRef>,
    /// Windows of each document.
    pub(super) sizes: Vec<u32>,
    /// `(bin value, window)`, sorted and without repeats.
    pub(super) entries: Vec<(u32, u32)>,
    /// `(words key, window, document)` (see [`words_key`]) of the windows
    /// whose words at most [`MAX_COPIES`] windows have, sorted.
    pub(super) copies: Vec<(u64, u32, u32)>,
    /// Of the windows whose words more windows have, those whose
    /// document has those words more than once, in the same order: for
    /// [`repeats`]. None with drafts.
    pub(super) crowded: Vec<(u64, u32, u32)>,
    pub(super) idf: Idf,
    pub(super) seed: u64,
    /// The drafts of [`Windows::new_between`] (or of
    /// [`Windows::with_progress`] given drafts).
    pub(super) drafts: Option<Vec<bool>>,
}

impl Windows {
    /// Windows of the documents not skipped, outside boilerplate (token
    /// ranges, as for [`find`]); `seed` is the token hash seed.
    pub fn new(
        corpus: &Corpus,
        profiles: &[DocProfile],
        skip: &[bool],
        masked: &[Vec<(u32, u32)>],
        seed: u64,
    ) -> Windows {
        Windows::with_progress(
            corpus,
            profiles,
            skip,
            masked,
            seed,
            None,
            &|_| {},
        )
    }

    /// Like [`Windows::new`], for passages between a document `d` with
    /// `drafts[d]` and one without only: [`Windows::candidates`] then
    /// pairs no others.
    ///
    /// A sketch bin, or a group of windows with the same words, that has
    /// no draft's window pairs none; so of the other documents' windows,
    /// only the bin values and word keys that a draft's window has are
    /// kept, and a few drafts checked against a large corpus need not
    /// gather and sort every window's. Checking 20 drafts against the
    /// rest of c100k of `../shared/bench`, this took the check from 6.98
    /// to 4.78 s (medians of three) and its peak memory from 2.34 to 1.71
    /// GB. The windows, and the stem frequencies their words are weighted
    /// by, are all the documents'; bins skipped as too common are counted
    /// among those kept, which hold a draft's window.
    pub fn new_between(
        corpus: &Corpus,
        profiles: &[DocProfile],
        skip: &[bool],
        masked: &[Vec<(u32, u32)>],
        seed: u64,
        drafts: &[bool],
    ) -> Windows {
        let drafts = Some(drafts);
        Windows::with_progress(
            corpus,
            profiles,
            skip,
            masked,
            seed,
            drafts,
            &|_| {},
        )
    }

    /// [`Windows::new`], or with `drafts` [`Windows::new_between`],
    /// calling `advance(1)` as each document's windows are made: for a
    /// progress bar, since this step reads and tokenizes every document
    /// again.
    pub fn with_progress(
        corpus: &Corpus,
        profiles: &[DocProfile],
        skip: &[bool],
        masked: &[Vec<(u32, u32)>],
        seed: u64,
        drafts: Option<&[bool]>,
        advance: &(dyn Fn(u64) + Sync),
    ) -> Windows {
        // Documents in a few runs a thread, each run counting its
        // windows' stems in a table of its own (see `StemCounts`).
        let threads = rayon::current_num_threads();
        let runs = runs(profiles.len(), threads * RUNS_PER_THREAD);
        // Windows' distinct stems are at most the tokens.
        let tokens = profiles.iter().map(|p| p.tokens as usize).sum();
        let slots = idf_slots(tokens);
        // Each run's table is added to the total as the run ends, so that
        // a thread holds one at a time: kept until all runs had ended, the
        // tables (up to 4 MiB each, 8 a thread) took 64 MiB on c100k with
        // two threads and would take 2 GiB with 64. The sums are the same
        // in any order.
        let total = Mutex::new(StemCounts::default());
        let made: Vec<Vec<PerDoc>> = runs
            .into_par_iter()
            .map(|docs| {
                let mut maker = WindowMaker::new(seed, slots);
                let per_doc = docs
                    .map(|d| {
                        advance(1);
                        if skip[d] {
                            return Default::default();
                        }
                        let text = corpus.text(DocId(d as u32));
                        let unit = unit(&profiles[d]);
                        maker.doc(d as u32, &text, unit, &masked[d])
                    })
                    .collect();
                let mut total =
                    total.lock().unwrap_or_else(|e| e.into_inner());
                total.merge(maker.counts);
                per_doc
            })
            .collect();
        let counts = total.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut per_doc = Vec::with_capacity(profiles.len());
        for docs in made {
            per_doc.extend(docs);
        }
        if let Some(drafts) = drafts {
            keep_sought(&mut per_doc, drafts);
        }
        // Global window ids in document order.
        let sizes: Vec<u32> =
            per_doc.iter().map(|(ws, ..)| ws.len() as u32).collect();
        let first_id = starts(sizes.iter().map(|&n| n as usize));
        // Copied a document at a time into a vector of the right size:
        // collected from a flat iterator, which cannot tell its length,
        // it grew by doubling, 0.5–0.7 s for c100k of `../shared/bench`.
        let mut windows = Vec::with_capacity(first_id[per_doc.len()]);
        per_doc.iter().for_each(|(ws, ..)| windows.extend_from_slice(ws));
        // Windows by their words, those with a key.
        let mut copies = gather(
            &per_doc,
            &first_id,
            |(.., words)| words.iter().filter(|&&k| k != NO_KEY).count(),
            |(ws, .., words), first| {
                let keyed = words.iter().zip(first..).zip(ws);
                keyed
                    .filter(|((k, _), _)| **k != NO_KEY)
                    .map(|((&k, id), w)| (k, id, w.doc))
            },
        );
        copies.par_sort_unstable();
        let (copies, crowded) = copy_groups(&copies, drafts.is_none());
        let idf = Idf::new(&counts, windows.len());
        let mut entries = sorted_entries(per_doc, &first_id);
        entries.dedup();
        let drafts = drafts.map(<[bool]>::to_vec);
        Windows { windows, sizes, entries, copies, crowded, idf, seed, drafts }
    }

    /// Number of windows.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// True when no document has a window.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

/// Finds the distinct stems of a window in a [`MarkedMap`], whose slots
/// are marked with the window they belong to, so that nothing is cleared
/// between windows. Sorting each window's stems instead cost 1% more
/// instructions on a scan of 10,000 documents, and about 2% more CPU
/// time (its branches are unpredictable).
#[derive(Default)]
pub(super) struct StemSet {
    seen: MarkedMap<()>,
}

impl StemSet {
    /// Appends the distinct stems of `terms` to `out`, each where it first
    /// occurs.
    fn append(&mut self, terms: &[Term], out: &mut Vec<u32>) {
        let mut seen = self.seen.start(terms.len());
        for t in terms {
            if seen.entry(t.stem).1 {
                out.push(t.stem);
            }
        }
    }
}

/// Every document's `(bin value, window)` entries, sorted by value and
/// then window: scattered by their value's top byte as they are gathered,
/// each run of documents in order into its piece of each of 256 parts,
/// and then each part, small enough for the cache, sorted on its own by
/// the other three bytes with stable radix passes that keep windows in
/// order, in parallel with the others.
///
/// A parallel comparison sort took 1.5 s of wall time on two threads for
/// the 42 million entries of a 100,000-document corpus, and so did a
/// least-significant-digit radix sort on one thread. Gathering the
/// entries in window order into one buffer and then scattering them into
/// a second took 0.52 s and 0.65 s of a default scan of c100k of
/// `../shared/bench` (timers, one run), and a second buffer of their size
/// (300 MB).
///
/// Each document's windows are dropped as soon as their entries are
/// scattered, so that their memory goes back while the entries fill
/// theirs: the peak of a default scan of c100k fell from 2.09 to 2.03 GB
/// (one traced run each).
pub(super) fn sorted_entries(
    mut per_doc: Vec<PerDoc>,
    first_id: &[usize],
) -> Vec<(u32, u32)> {
    let top = |v: u32| (v >> 24) as usize;
    let runs = runs(per_doc.len(), 4 * rayon::current_num_threads());
    let values = |docs: &Range<usize>| {
        per_doc[docs.clone()].iter().flat_map(|(_, sketches, _)| sketches)
    };
    let counts: Vec<[usize; 256]> = runs
        .par_iter()
        .map(|docs| {
            let mut count = [0; 256];
            let values = values(docs).filter(|&&v| v != SEPARATOR);
            values.for_each(|&v| count[top(v)] += 1);
            count
        })
        .collect();
    let n = counts.iter().flatten().sum();
    // Each top byte's part of the output, and each run's piece of each
    // part, in run order: windows stay in order within a part.
    let mut sorted = vec![(0u32, 0u32); n];
    let part_sizes = (0..256).map(|b| counts.iter().map(|c| c[b]).sum());
    let mut parts = split_lengths(&mut sorted, part_sizes);
    let mut pieces: Vec<Vec<&mut [(u32, u32)]>> =
        counts.iter().map(|_| Vec::with_capacity(256)).collect();
    for (b, part) in parts.iter_mut().enumerate() {
        let sizes = counts.iter().map(|c| c[b]);
        for (piece, slice) in pieces.iter_mut().zip(split_lengths(part, sizes))
        {
            piece.push(slice);
        }
    }
    let lens = runs.iter().map(ExactSizeIterator::len);
    let run_docs = split_lengths(&mut per_doc, lens);
    pieces.par_iter_mut().zip(run_docs).zip(&runs).for_each(
        |((pieces, run_docs), docs)| {
            let mut at = [0usize; 256];
            for (doc, d) in run_docs.iter_mut().zip(docs.clone()) {
                let made = std::mem::take(doc);
                let sketches = made.1.split(|&v| v == SEPARATOR);
                for (values, id) in sketches.zip(first_id[d] as u32..) {
                    for &v in values {
                        let b = top(v);
                        pieces[b][at[b]] = (v, id);
                        at[b] += 1;
                    }
                }
            }
        },
    );
    drop((pieces, per_doc));
    parts.into_par_iter().for_each_init(Vec::new, |scratch, part| {
        radix_passes(part, scratch, 0..3);
    });
    sorted
}

/// Stable radix sort of `entries` by the bytes `bytes` of their values,
/// least significant first, with `scratch` for the passes between.
fn radix_passes(
    entries: &mut [(u32, u32)],
    scratch: &mut Vec<(u32, u32)>,
    bytes: std::ops::Range<u32>,
) {
    let byte =
        |e: &(u32, u32), pass: u32| ((e.0 >> (8 * pass)) & 0xFF) as usize;
    scratch.clear();
    scratch.resize(entries.len(), (0, 0));
    // Whether the entries in order are in `scratch` rather than `entries`.
    let mut in_scratch = false;
    for pass in bytes {
        let (from, to) = if in_scratch {
            (&scratch[..], &mut entries[..])
        } else {
            (&entries[..], &mut scratch[..])
        };
        let mut next = [0usize; 256];
        from.iter().for_each(|e| next[byte(e, pass)] += 1);
        // A byte that all values share moves nothing.
        if next.contains(&from.len()) {
            continue;
        }
        let mut total = 0;
        for n in next.iter_mut() {
            (*n, total) = (total, total + *n);
        }
        for e in from {
            let b = byte(e, pass);
            to[next[b]] = *e;
            next[b] += 1;
        }
        in_scratch = !in_scratch;
    }
    if in_scratch {
        entries.copy_from_slice(scratch);
    }
}

/// Ends a window's sketch in the flat list of sketches; never a sketch
/// value, since those are bin minima below it.
pub(super) const SEPARATOR: u32 = u32::MAX;

pub(super) fn unit(p: &DocProfile) -> Unit {
    p.unit.unwrap_or(Unit::Word)
}

/// True when the window's terms overlap boilerplate (a document's terms
/// are its tokens), whose ranges are in order and apart: the last range
/// that starts before the window ends is the only one to ask. (Asking
/// every range, a JSON Lines record of 40,000 boilerplate lines took
/// 0.26 s here.)
pub(super) fn in_boilerplate(w: &Window, masked: &[(u32, u32)]) -> bool {
    debug_assert!(masked.windows(2).all(|p| p[0].1 <= p[1].0));
    let before = masked.partition_point(|&(start, _)| start < w.end);
    before > 0 && masked[before - 1].1 > w.start
}

/// Appends the bin minima of the window's content-stem bigrams, in bin
/// order.
pub(super) fn sketch(terms: &[Term], out: &mut Vec<u32>) {
    const { assert!(SKETCH_BINS <= 64) };
    let mut bins = [u32::MAX; SKETCH_BINS];
    // The bins filled: a window has a few dozen bigrams at most, so the
    // filled bins are read from this mask rather than all 64 scanned.
    let mut filled = 0u64;
    let mut prev: Option<u32> = None;
    for t in terms.iter().filter(|t| t.content) {
        let h = match prev {
            Some(p) => {
                (mix((u64::from(p) << 32) | u64::from(t.stem)) >> 32) as u32
            }
            None => {
                prev = Some(t.stem);
                continue;
            }
        };
        prev = Some(t.stem);
        // Bins from the high bits (Lemire's range reduction), the value
        // kept below the separator.
        let bin = ((u64::from(h) * SKETCH_BINS as u64) >> 32) as usize;
        let v = h.min(SEPARATOR - 1);
        filled |= 1 << bin;
        if v < bins[bin] {
            bins[bin] = v;
        }
    }
    while filled != 0 {
        out.push(bins[filled.trailing_zeros() as usize]);
        filled &= filled - 1;
    }
}

/// What step 1 makes of one document: its windows, their sketches (each
/// ended by [`SEPARATOR`]) and their [`words_key`]s.
pub(super) type PerDoc = (Vec<WindowRef>, Vec<u32>, Vec<u64>);

/// Leaves in the sketches of documents that are not drafts only the bin
/// values that a draft's window has, and of their word keys only those a
/// draft's window has (the others become [`NO_KEY`]); see
/// [`Windows::new_between`].
fn keep_sought(per_doc: &mut [PerDoc], drafts: &[bool]) {
    let of_drafts = || per_doc.iter().zip(drafts).filter(|(_, d)| **d);
    // Bin values are the top bits of hashes: the filter's bits are theirs.
    let values = KeyFilter::new(
        of_drafts()
            .flat_map(|((_, sketches, _), _)| sketches)
            .filter(|&&v| v != SEPARATOR)
            .map(|&v| u64::from(v) << 32)
            .collect(),
    );
    let words = KeyFilter::new(
        of_drafts()
            .flat_map(|((.., words), _)| words)
            .filter(|&&k| k != NO_KEY)
            .copied()
            .collect(),
    );
    per_doc.par_iter_mut().zip(drafts).filter(|(_, d)| !**d).for_each(
        |((_, sketches, keys), _)| {
            sketches.retain(|&v| {
                v == SEPARATOR || values.contains(u64::from(v) << 32)
            });
            for k in keys.iter_mut().filter(|k| !words.contains(**k)) {
                *k = NO_KEY;
            }
        },
    );
}

/// Makes step 1's windows of a run of documents, one after another, and
/// counts their stems.
struct WindowMaker {
    tokenizer: TermTokenizer,
    terms: Vec<Term>,
    windows: Vec<Window>,
    /// A document's sketches.
    sketches: Vec<u32>,
    /// A window's distinct stems.
    stems: Vec<u32>,
    distinct: StemSet,
    counts: StemCounts,
}

impl WindowMaker {
    /// A maker with the token hash `seed`, counting stems in `slots`
    /// slots.
    fn new(seed: u64, slots: usize) -> WindowMaker {
        WindowMaker {
            tokenizer: TermTokenizer::new(seed),
            terms: Vec::new(),
            windows: Vec::new(),
            sketches: Vec::new(),
            stems: Vec::new(),
            distinct: StemSet::default(),
            counts: StemCounts::new(slots),
        }
    }

    /// The windows of document `doc`, whose text is `text`, tokenized in
    /// `unit`, outside the token ranges `masked`.
    fn doc(
        &mut self,
        doc: u32,
        text: &[u8],
        unit: Unit,
        masked: &[(u32, u32)],
    ) -> PerDoc {
        let terms = &mut self.terms;
        terms.clear();
        self.tokenizer.terms(text, unit, terms);
        self.windows.clear();
        self.tokenizer.windows(text, terms, &mut self.windows);
        // Each vector is made at its length (the windows' at most at the
        // length before boilerplate is left out), not grown by doubling:
        // every document's are kept until all are made, and the slack
        // took the peak of a default scan of c100k of `../shared/bench`
        // from 2.09 to 2.36 GB (one traced run each).
        let mut windows = Vec::with_capacity(self.windows.len());
        windows.extend(
            self.windows.iter().filter(|w| !in_boilerplate(w, masked)).map(
                |&window| WindowRef {
                    doc,
                    window,
                    bytes: (
                        terms[window.start as usize].start,
                        terms[window.end as usize - 1].end,
                    ),
                },
            ),
        );
        let sketches = &mut self.sketches;
        sketches.clear();
        let mut words = Vec::with_capacity(windows.len());
        for WindowRef { window: w, .. } in &windows {
            let span = &terms[w.start as usize..w.end as usize];
            sketch(span, sketches);
            sketches.push(SEPARATOR);
            self.stems.clear();
            self.distinct.append(span, &mut self.stems);
            self.counts.add(&self.stems);
            words.push(words_key(span));
        }
        (windows, sketches.to_vec(), words)
    }
}

/// Runs of documents a thread that step 1 makes, each with a table of
/// stem counts of its own: few enough that the tables (4 MiB each) cost
/// little, enough that a thread seldom waits for another's last run.
const RUNS_PER_THREAD: usize = 8;

/// `0..n` cut into at most `runs` runs of nearly equal length.
pub(super) fn runs(n: usize, runs: usize) -> Vec<Range<usize>> {
    let runs = runs.clamp(1, n.max(1));
    (0..runs).map(|i| i * n / runs..(i + 1) * n / runs).collect()
}

/// Slots of an [`Idf`] table for `stems` stems counted (each window's
/// distinct stems once): distinct stems are far fewer than that.
pub(super) fn idf_slots(stems: usize) -> usize {
    (stems / 8).next_power_of_two().clamp(1 << 12, 1 << 20)
}

/// How many windows have each stem, by the stem's low bits, in a table at
/// least as large as the [`Idf`] will have: a smaller table's counts are
/// sums of these, since its slots are the stem's lower bits still.
/// Counted as the windows are made, so that their stems (more values than
/// their sketches hold) are never stored: holding them cost 0.8–1.1 s of
/// CPU time on c100k of `../shared/bench` (3 alternating runs, twice),
/// and 150–190 MB of peak memory. A table per run of documents, added to
/// the total as its run ends, because shared atomic counters cost a
/// locked instruction per stem (0.85 s of the c100k scan).
#[derive(Clone, Debug, Default)]
pub(super) struct StemCounts {
    counts: Vec<u32>,
    /// Stems counted.
    stems: usize,
}

impl StemCounts {
    /// Counters for `slots` slots, a power of two.
    fn new(slots: usize) -> StemCounts {
        debug_assert!(slots.is_power_of_two());
        StemCounts { counts: vec![0; slots], stems: 0 }
    }

    /// Counts a window's distinct stems.
    fn add(&mut self, stems: &[u32]) {
        let mask = self.counts.len() - 1;
        for &x in stems {
            self.counts[x as usize & mask] += 1;
        }
        self.stems += stems.len();
    }

    fn merge(&mut self, other: StemCounts) {
        if self.counts.is_empty() {
            *self = other;
            return;
        }
        self.counts.iter_mut().zip(other.counts).for_each(|(x, y)| *x += y);
        self.stems += other.stems;
    }
}

/// One vector of what `items(doc, its first window id)` gives for each
/// document of `per_doc`, `len(doc)` items each, in document order,
/// written in place in parallel (tens of millions of items in a large
/// corpus, where collecting them grew a vector by doubling).
fn gather<'a, T, I>(
    per_doc: &'a [PerDoc],
    first_id: &[usize],
    len: impl Fn(&PerDoc) -> usize,
    items: impl Fn(&'a PerDoc, u32) -> I + Sync,
) -> Vec<T>
where
    T: Copy + Default + Send,
    I: Iterator<Item = T>,
{
    let lens: Vec<usize> = per_doc.iter().map(len).collect();
    let mut out = vec![T::default(); lens.iter().sum()];
    split_lengths(&mut out, lens)
        .into_par_iter()
        .zip(per_doc)
        .zip(first_id)
        .for_each(|((part, doc), &first)| {
            for (slot, item) in part.iter_mut().zip(items(doc, first as u32)) {
                *slot = item;
            }
        });
    out
}

/// Inverse document frequency of stems over windows, as weights.
///
/// Counts go to an array of counters indexed by the stem's hash: a few
/// stems share a counter, which blurs their weights a little, and the
/// counting is a parallel sum that no order of threads changes.
#[derive(Clone, Debug)]
pub(super) struct Idf {
    pub(super) weights: Vec<f32>,
    pub(super) mask: u32,
}

impl Idf {
    /// Window frequencies from the counts of each window's distinct
    /// stems.
    pub(super) fn new(counts: &StemCounts, windows: usize) -> Idf {
        let size = idf_slots(counts.stems);
        debug_assert!(counts.counts.is_empty() || size <= counts.counts.len());
        let mask = (size - 1) as u32;
        let mut sums = vec![0u32; size];
        for part in counts.counts.chunks(size) {
            sums.iter_mut().zip(part).for_each(|(x, y)| *x += y);
        }
        let windows = windows as f64;
        let weights = sums
            .into_par_iter()
            .map(|c| {
                let df = f64::from(c);
                ((windows + 1.0) / (df + 0.5)).ln().max(0.01) as f32
            })
            .collect();
        Idf { weights, mask }
    }

    pub(super) fn weight(&self, stem: u32) -> f64 {
        f64::from(self.weights[(stem & self.mask) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_in_boilerplate_are_those_that_overlap_a_range() {
        let mut rng = crate::synth::Rng::new(23);
        for round in 0..300 {
            // Ranges in order and apart, some touching, over 400 terms.
            let mut masked = Vec::new();
            let mut at = rng.below(5) as u32;
            while at < 400 && masked.len() < round % 40 {
                let end = at + 1 + rng.below(20) as u32;
                masked.push((at, end));
                at = end
                    + rng.below(if round % 3 == 0 { 2 } else { 30 }) as u32;
            }
            for start in 0..420 {
                let end = start + 1 + rng.below(25) as u32;
                let w = Window { start, end, line: 0 };
                let any =
                    masked.iter().any(|&(s, e)| w.start < e && s < w.end);
                assert_eq!(
                    in_boilerplate(&w, &masked),
                    any,
                    "{w:?} {masked:?}"
                );
            }
        }
    }

    #[test]
    fn windows_between_drafts_pair_as_all_windows_do() {
        use crate::synth::{Spec, generate};
        let synth = generate(&Spec {
            docs: 300,
            words: 150,
            dup_fraction: 0.3,
            max_edit_rate: 0.2,
            seed: 5,
            ..Spec::default()
        });
        let texts = synth.docs.iter().map(|d| (d.id.clone(), d.text.clone()));
        let corpus = Corpus::from_texts(texts);
        let n = corpus.len();
        let seed = crate::config::SEED;
        let mut profiler =
            crate::profile::Profiler::new(seed, crate::UnitChoice::Auto, 5);
        let profiles: Vec<DocProfile> = (0..n)
            .map(|d| profiler.profile(&corpus.text(DocId(d as u32))))
            .collect();
        let (skip, masked) = (vec![false; n], vec![Vec::new(); n]);
        let drafts: Vec<bool> = (0..n).map(|d| d % 7 == 3).collect();
        let mut all = Windows::new(&corpus, &profiles, &skip, &masked, seed);
        let between = Windows::new_between(
            &corpus, &profiles, &skip, &masked, seed, &drafts,
        );
        // The same windows and weights, a fraction of the entries.
        assert_eq!(between.len(), all.len());
        assert_eq!(between.idf.weights, all.idf.weights);
        let (kept, entries) = (between.entries.len(), all.entries.len());
        assert!(kept < entries / 2, "{kept} of {entries} entries kept");
        // All windows, told the drafts, pair the same windows.
        all.drafts = Some(drafts.clone());
        let (x, y) = (all.candidates(100), between.candidates(100));
        assert!(x.quads.len() > 100, "{} candidates", x.quads.len());
        assert_eq!(x.quads, y.quads);
        let draft = |d: u32| drafts[d as usize];
        assert!(y.quads.iter().all(|q| draft(q.0) != draft(q.1)));
    }

    #[test]
    fn stem_counts_in_a_larger_table_fold_to_the_idf_table() {
        let mut rng = crate::synth::Rng::new(4);
        for stems in [10usize, 40_000, 300_000] {
            let values: Vec<u32> =
                (0..stems).map(|_| rng.next_u64() as u32).collect();
            // Counted in a table larger than the weights need, in runs.
            let mut counts = StemCounts::default();
            for run in values.chunks(7_000) {
                let mut c = StemCounts::new(idf_slots(stems * 4));
                c.add(run);
                counts.merge(c);
            }
            let idf = Idf::new(&counts, 1_000);
            let size = idf_slots(stems);
            assert_eq!(idf.weights.len(), size);
            // Counted directly in a table of the weights' size.
            let mut direct = vec![0u32; size];
            for &v in &values {
                direct[v as usize & (size - 1)] += 1;
            }
            for v in values.iter().take(500) {
                let df = f64::from(direct[*v as usize & (size - 1)]);
                let expected = ((1_001.0 / (df + 0.5)).ln().max(0.01)) as f32;
                assert_eq!(idf.weight(*v), f64::from(expected));
            }
        }
    }

    #[test]
    fn entries_are_sorted_by_value_then_window() {
        let mut rng = crate::synth::Rng::new(3);
        // Documents of up to 7 windows of up to 5 values each, values of a
        // few bits (that repeat) to all 32 below the separator.
        for (docs, bits) in [(0, 32), (1, 32), (2, 1), (30, 4), (500, 20)]
            .into_iter()
            .chain([(500, 28), (500, 32), (20_000, 32), (20_000, 20)])
        {
            let per_doc: Vec<PerDoc> = (0..docs)
                .map(|_| {
                    let mut sketches = Vec::new();
                    let windows = (rng.next_u64() % 8) as usize;
                    for _ in 0..windows {
                        for _ in 0..rng.next_u64() % 6 {
                            let v = (rng.next_u64() >> (64 - bits)) as u32;
                            sketches.push(v.min(SEPARATOR - 1));
                        }
                        sketches.push(SEPARATOR);
                    }
                    let window = WindowRef {
                        doc: 0,
                        window: Window { start: 0, end: 1, line: 0 },
                        bytes: (0, 1),
                    };
                    (vec![window; windows], sketches, Vec::new())
                })
                .collect();
            let first_id = starts(per_doc.iter().map(|d| d.0.len()));
            let mut expected: Vec<(u32, u32)> = per_doc
                .iter()
                .zip(&first_id)
                .flat_map(|((_, sketches, _), &first)| {
                    let windows = sketches.split(|&v| v == SEPARATOR);
                    windows.zip(first as u32..).flat_map(|(values, id)| {
                        values.iter().map(move |&v| (v, id))
                    })
                })
                .collect();
            expected.sort_unstable();
            assert_eq!(sorted_entries(per_doc, &first_id), expected);
        }
    }

    #[test]
    fn stem_sets_find_each_windows_distinct_stems() {
        let mut rng = crate::synth::Rng::new(5);
        let mut set = StemSet::default();
        let term = |stem| Term {
            stem,
            word: 0,
            start: 0,
            end: 0,
            flags: 0,
            content: true,
        };
        for _ in 0..2000 {
            // Windows of up to 600 terms, with repeats, and stems that
            // share their low bits.
            let n = rng.below(600);
            let pool = 1 + rng.below(n.max(1));
            let span: Vec<Term> = (0..n)
                .map(|_| term((rng.below(pool) as u32) << rng.below(12)))
                .collect();
            let mut got = vec![7];
            set.append(&span, &mut got);
            let mut want: Vec<u32> = span.iter().map(|t| t.stem).collect();
            want.sort_unstable();
            want.dedup();
            assert_eq!(got[0], 7);
            got.remove(0);
            got.sort_unstable();
            assert_eq!(got, want);
        }
        // Each window's stems, in order of first occurrence.
        let mut set = StemSet::default();
        let span: Vec<Term> = [1, 2, 3].into_iter().map(term).collect();
        let mut got = Vec::new();
        set.append(&span, &mut got);
        set.append(&[term(5)], &mut got);
        set.append(&span, &mut got);
        assert_eq!(got, [1, 2, 3, 5, 1, 2, 3]);
    }
}
