//! Passages: spans of one text that another text, or another part of the
//! same text, copies or rewrites, with scores.
//!
//! 1. **Windows.** Each document is cut into sentence windows
//!    ([`crate::window`]); windows in boilerplate lines are left out, and so
//!    are exact copies of other documents.
//! 2. **Candidates.** A window's feature set is the bigrams of its content
//!    stems ("intens rivalr"), which rewrites keep more often than 5-word
//!    shingles and unrelated sentences almost never share. It is sketched by
//!    one-permutation MinHash into [`SKETCH_BINS`] bins, and two windows are
//!    candidates when they agree on a bin: LSH with bands of one row, the
//!    banding for similarities as low as rewrites have. A pair also needs
//!    enough *evidence*: agreement on bins whose bigrams few windows share
//!    ([`MIN_EVIDENCE`]); bins shared by more than `max_bucket` windows, or
//!    a share of all windows in a large corpus (stock phrases), link no
//!    documents, and up to a larger share they link windows of one
//!    document only ([`DOC_WINDOWS_PER_BUCKET_SLOT`]).
//!    Two long documents also need several candidate pairs or one with
//!    [`STRONG_EVIDENCE`]. Between two documents so paired, windows with
//!    the same words are candidates too ([`MAX_COPIES`]), and so are the
//!    windows between two candidate pairs on one diagonal
//!    ([`FILL_WINDOWS`]): copied sentences that only common bigrams link.
//!    Within a document that repeats a sentence more than `max_bucket`
//!    times, each repeat is a candidate with the first (see `repeats`).
//! 3. **Verification.** A candidate pair is scored by the share of its
//!    words, weighted by rarity (inverse frequency over all windows), that
//!    the other window has, first over the whole windows, then over the
//!    spans from the first to the last shared content word. Pairs that pass
//!    are seeds.
//! 4. **Merging.** Seeds on consecutive windows of one line on both sides
//!    merge into one passage. Of passages of one document pair that overlap
//!    on a side, the strongest is kept.
//!
//! The similarity reported is that weighted share over the final spans;
//! beside it come the exact Jaccard and containments of the spans' word
//! 3-gram sets, and a kind: `verbatim` (the same words), `near` (3-gram
//! Jaccard of at least 0.5: few local edits) or `rewrite`.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, DocId};
use crate::keyset::{KeyFilter, KeySet};
use crate::marked::MarkedMap;
use crate::normalize::Unit;
use crate::profile::DocProfile;
use crate::shingle::mix;
use crate::slices::{split_lengths, starts};
use crate::tokenize::Token;
use crate::verify::{Overlap, make_set, overlap};
use crate::window::{MIN_WINDOW_CONTENT, Term, TermTokenizer, Window};

/// Bins of a window's sketch. Sentences have 10 to 30 content bigrams,
/// so with 64 bins nearly every bigram is alone in its bin and is its
/// minimum: two windows sharing one bigram agree on a bin in nine cases out
/// of ten, sharing three in all but one in a thousand. Fewer bins miss
/// rewrites (at 16 bins a pair sharing five bigrams is missed one time in
/// three); more cost memory for nothing.
pub const SKETCH_BINS: usize = 64;

/// Content stems two windows must share to be compared at all.
pub const MIN_SHARED_STEMS: usize = 3;

/// The weighted share over whole windows below which a candidate pair is
/// dropped before trimming.
pub const WINDOW_SIMILARITY: f64 = 0.3;

/// Across documents, seeds at least this similar (copied sentences, a few
/// words changed) run on from one paragraph into the next.
pub const RUN_ON: f64 = 0.9;

/// Seeds merge when the next one's windows start at most this many words
/// after the previous one's on both sides (and, within one document, on
/// the same line): a sentence left out of a rewrite does not split it.
pub const MERGE_GAP_WORDS: u32 = 40;

/// Within one document, a copy (similarity [`RUN_ON`] or more) of at
/// least this many words may share its earlier side with a kept
/// passage: a paragraph repeated three times makes two passages, each
/// later copy beside the first, where the third copy was in none. Shorter
/// repeats are stock phrases ("according to … the number of"): allowed
/// at any length, the rule added 1,011 passages to c10k of
/// `../shared/bench` and lowered precision on its planted recaps'
/// documents from 0.659 to 0.639; at 20 words, c10k's passages are the
/// same and c100k has one more of its 173,677.
pub const REPEAT_MIN_WORDS: u32 = 20;

/// Kinds of passage.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    /// The same words in the same order.
    Verbatim,
    /// Few local edits: word 3-gram Jaccard of at least 0.5.
    Near,
    /// Reworded: shared words, few shared 3-grams.
    Rewrite,
}

/// Settings of [`find`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Weighted share of matched words at or above which spans are a
    /// passage.
    pub min_similarity: f64,
    /// Words each side of a passage must have.
    pub min_words: u32,
    /// Sketch bins shared by more windows than this, or than one in
    /// [`WINDOWS_PER_BUCKET_SLOT`] of all windows if that is more, link no
    /// documents; see [`DOC_WINDOWS_PER_BUCKET_SLOT`] for windows of one
    /// document.
    pub max_bucket: usize,
    /// The token hash seed.
    pub seed: u64,
}

/// One side of a passage: a document and a byte span of its text.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Ord, PartialOrd)]
pub struct Side {
    /// The document.
    pub doc: DocId,
    /// Byte offset of the first word.
    pub start: u32,
    /// Byte offset after the last word.
    pub end: u32,
}

/// A passage pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    /// The earlier side by (document, start).
    pub a: Side,
    /// The later side.
    pub b: Side,
    /// Share of the two spans' words, weighted by rarity, that the other
    /// span has.
    pub similarity: f64,
    /// Verbatim, near or rewrite.
    pub kind: PassageKind,
    /// Words in each span.
    pub words: (u32, u32),
    /// Words of each span whose stem the other span has.
    pub matched: (u32, u32),
    /// Exact overlap of the spans' word 3-gram sets.
    pub trigrams: Overlap,
}

/// Counts of the passage stage, for the summary.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Stats {
    /// Windows sketched.
    pub windows: u64,
    /// Window pairs verified.
    pub candidates: u64,
    /// Sketch bins skipped as too common (with [`Windows::new_between`],
    /// of those that hold a draft's window).
    pub oversized_buckets: u64,
}

/// What the first pass keeps of a window.
#[derive(Clone, Copy, Debug)]
struct WindowRef {
    doc: u32,
    window: Window,
    /// Byte span of its terms, so that alignment can tokenize the
    /// windows it needs and not the whole document again.
    bytes: (u32, u32),
}

/// Finds passages. `skip[d]` leaves document `d` out (exact copies of an
/// earlier document); `masked[d]` lists the token ranges of `d` that are
/// boilerplate, `(start, end)`.
///
/// The three steps are public for benchmarks and for callers that want
/// the counts between them: [`Windows::new`], [`Windows::candidates`] and
/// [`Candidates::align`].
pub fn find(
    corpus: &Corpus,
    profiles: &[DocProfile],
    skip: &[bool],
    masked: &[Vec<(u32, u32)>],
    settings: &Settings,
) -> (Vec<Passage>, Stats) {
    find_among(corpus, profiles, skip, masked, settings, None)
}

/// Like [`find`], but only passages between a document `d` with
/// `drafts[d]` and one without: what `rehash check` reports. Pairs of
/// other documents are not aligned, which is most of the cost they would
/// have.
pub fn find_between(
    corpus: &Corpus,
    profiles: &[DocProfile],
    skip: &[bool],
    masked: &[Vec<(u32, u32)>],
    settings: &Settings,
    drafts: &[bool],
) -> (Vec<Passage>, Stats) {
    find_among(corpus, profiles, skip, masked, settings, Some(drafts))
}

/// The three steps, for all pairs or only those of drafts.
fn find_among(
    corpus: &Corpus,
    profiles: &[DocProfile],
    skip: &[bool],
    masked: &[Vec<(u32, u32)>],
    settings: &Settings,
    drafts: Option<&[bool]>,
) -> (Vec<Passage>, Stats) {
    let seed = settings.seed;
    let windows = match drafts {
        None => Windows::new(corpus, profiles, skip, masked, seed),
        Some(d) => {
            Windows::new_between(corpus, profiles, skip, masked, seed, d)
        }
    };
    let candidates = windows.candidates(settings.max_bucket);
    let stats = candidates.stats();
    (candidates.align(corpus, profiles, settings), stats)
}

/// Step 1: every document's sentence windows, sketched, with the windows'
/// stem frequencies.
#[derive(Clone, Debug)]
pub struct Windows {
    windows: Vec<WindowRef>,
    /// Windows of each document.
    sizes: Vec<u32>,
    /// `(bin value, window)`, sorted and without repeats.
    entries: Vec<(u32, u32)>,
    /// `(words key, window, document)` (see [`words_key`]) of the windows
    /// whose words at most [`MAX_COPIES`] windows have, sorted.
    copies: Vec<(u64, u32, u32)>,
    /// Of the windows whose words more windows have, those whose
    /// document has those words more than once, in the same order: for
    /// [`repeats`]. None with drafts.
    crowded: Vec<(u64, u32, u32)>,
    idf: Idf,
    seed: u64,
    /// The drafts of [`Windows::new_between`] (or of
    /// [`Windows::with_progress`] given drafts).
    drafts: Option<Vec<bool>>,
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

    /// Step 2: windows that agree on sketch bins whose bigrams are rare
    /// enough to be evidence; see [`Settings::max_bucket`]. The sketches
    /// are dropped. Windows made by [`Windows::new_between`] give only the
    /// pairs of a draft and another document; bins without both are not
    /// looked at.
    pub fn candidates(self, max_bucket: usize) -> Candidates {
        let Windows {
            windows,
            sizes,
            entries,
            copies,
            crowded,
            idf,
            seed,
            drafts,
        } = self;
        let drafts = drafts.as_deref();
        let cap = max_bucket.max(windows.len() / WINDOWS_PER_BUCKET_SLOT);
        let doc_cap = cap.max(windows.len() / DOC_WINDOWS_PER_BUCKET_SLOT);
        let doc_of: Vec<u32> = windows.iter().map(|w| w.doc).collect();
        let (pairs, oversized) =
            candidates(entries, &doc_of, cap, doc_cap, drafts);
        // Oriented by (document, window), grouped by document pair, with
        // the evidence of each pair.
        let mut scored: Vec<((u32, u32, u32, u32), u32)> = pairs
            .par_iter()
            .map(|&(x, y, evidence)| {
                let (a, b) = (windows[x as usize], windows[y as usize]);
                ((a.doc, b.doc, x, y), evidence)
            })
            .collect();
        drop(pairs);
        // `pairs` come in order of window x, and a document's windows
        // have consecutive ids: the quads are in order of document a
        // already, and each document's are put in order on their own.
        // (Sorting them all at once cost 28 million more instructions in
        // a default scan of c10k of `../shared/bench`.)
        debug_assert!(scored.is_sorted_by_key(|q| (q.0.0, q.0.2)));
        scored
            .par_chunk_by_mut(|p, q| p.0.0 == q.0.0)
            .for_each(|doc| doc.sort_unstable());
        let strong = (STRONG_EVIDENCE * EVIDENCE_SCALE) as u32;
        let short = |d: u32| sizes[d as usize] <= SHORT_DOC_WINDOWS;
        let quads: Vec<(u32, u32, u32, u32)> = scored
            .chunk_by(|p, q| (p.0.0, p.0.1) == (q.0.0, q.0.1))
            .filter(|group| {
                let (a, b) = (group[0].0.0, group[0].0.1);
                a == b
                    || short(a)
                    || short(b)
                    || group.len() >= LONG_DOC_PAIRS
                    || group.iter().any(|&(_, e)| e >= strong)
            })
            .flat_map(|group| group.iter().map(|&(quad, _)| quad))
            .collect();
        let quads = add_copies(quads, &copies, drafts);
        drop(copies);
        let quads = union(quads, repeats(&crowded, max_bucket));
        drop(crowded);
        let quads = fill_diagonals(quads);
        Candidates { windows, quads, oversized, idf, seed }
    }
}

/// `quads` (sorted) with the window pairs between two of one pair of
/// documents on one diagonal added (see [`FILL_WINDOWS`]), sorted.
fn fill_diagonals(
    quads: Vec<(u32, u32, u32, u32)>,
) -> Vec<(u32, u32, u32, u32)> {
    let fills: Vec<(u32, u32, u32, u32)> = quads
        .par_chunk_by(|p, q| (p.0, p.1) == (q.0, q.1))
        .filter(|group| group[0].0 != group[0].1)
        .flat_map_iter(|group| {
            group.iter().flat_map(move |&(da, db, x, y)| {
                let on = move |i: u32| {
                    (da, db, x.saturating_add(i), y.saturating_add(i))
                };
                // With the next pair on the diagonal there, that pair
                // fills what follows, as far or farther.
                let next = (1..=FILL_WINDOWS)
                    .find(|&i| group.binary_search(&on(i)).is_ok());
                (1..next.unwrap_or(1)).map(on)
            })
        })
        .collect();
    union(quads, fills)
}

/// Sorted `quads` with `more` added: sorted, without repeats.
///
/// `more` is sorted on its own and merged in from the back, in place.
/// Sorting `quads` and `more` together again took 276 million
/// instructions of a default scan of c10k of `../shared/bench`, 2% of it.
fn union(
    mut quads: Vec<(u32, u32, u32, u32)>,
    mut more: Vec<(u32, u32, u32, u32)>,
) -> Vec<(u32, u32, u32, u32)> {
    if more.is_empty() {
        return quads;
    }
    more.par_sort_unstable();
    let (mut i, mut j) = (quads.len(), more.len());
    quads.resize(i + j, (0, 0, 0, 0));
    // Slots from `i + j` on hold the largest of what is left, in order.
    while j > 0 {
        if i > 0 && quads[i - 1] > more[j - 1] {
            quads[i + j - 1] = quads[i - 1];
            i -= 1;
        } else {
            quads[i + j - 1] = more[j - 1];
            j -= 1;
        }
    }
    quads.dedup();
    quads
}

/// Step 2's result: candidate window pairs, grouped by document pair.
#[derive(Clone, Debug)]
pub struct Candidates {
    windows: Vec<WindowRef>,
    /// `(doc a, doc b, window of a, window of b)`, sorted.
    quads: Vec<(u32, u32, u32, u32)>,
    oversized: u64,
    idf: Idf,
    seed: u64,
}

impl Candidates {
    /// Counts for the summary.
    pub fn stats(&self) -> Stats {
        Stats {
            windows: self.windows.len() as u64,
            candidates: self.quads.len() as u64,
            oversized_buckets: self.oversized,
        }
    }

    /// Steps 3 and 4: each candidate verified and trimmed into a seed,
    /// seeds merged into passages per document pair, sorted by sides.
    pub fn align(
        &self,
        corpus: &Corpus,
        profiles: &[DocProfile],
        settings: &Settings,
    ) -> Vec<Passage> {
        let (windows, quads) = (&self.windows, &self.quads);
        // The windows of candidate pairs, by document (a document's
        // windows have consecutive ids): the terms alignment reads.
        let mut used: Vec<u32> =
            quads.iter().flat_map(|&(_, _, x, y)| [x, y]).collect();
        used.par_sort_unstable();
        used.dedup();
        let mut terms = vec![DocTerms::default(); profiles.len()];
        let made: Vec<(u32, DocTerms)> = used
            .par_chunk_by(|&x, &y| {
                windows[x as usize].doc == windows[y as usize].doc
            })
            .map_init(
                || TermTokenizer::new(self.seed),
                |tokenizer, ids| {
                    let d = windows[ids[0] as usize].doc;
                    let text = corpus.text(DocId(d));
                    let unit = unit(&profiles[d as usize]);
                    let spans = ids.iter().map(|&w| &windows[w as usize]);
                    (d, DocTerms::new(tokenizer, &text, unit, spans))
                },
            )
            .collect();
        for (d, t) in made {
            terms[d as usize] = t;
        }

        let groups: Vec<&[(u32, u32, u32, u32)]> =
            quads.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)).collect();
        let mut passages: Vec<Passage> = groups
            .par_iter()
            .map_init(Scratch::default, |scratch, group| {
                let (da, db) = (group[0].0, group[0].1);
                let pair = DocPair {
                    a: &terms[da as usize],
                    b: &terms[db as usize],
                    same: da == db,
                    idf: &self.idf,
                    settings,
                };
                let seed = |&(_, _, x, y): &(u32, u32, u32, u32),
                            scratch: &mut Scratch| {
                    pair.seed(
                        windows[x as usize].window,
                        windows[y as usize].window,
                        scratch,
                    )
                };
                // A group of many pairs (as within one long document) is
                // split among the threads as well; `collect` keeps the
                // order, so the result is the same.
                let seeds: Vec<Seed> = if group.len() < PARALLEL_PAIRS {
                    group.iter().filter_map(|q| seed(q, scratch)).collect()
                } else {
                    group
                        .par_iter()
                        .with_min_len(PARALLEL_PAIRS)
                        .map_init(Scratch::default, |s, q| seed(q, s))
                        .flatten_iter()
                        .collect()
                };
                let (da, db) = (DocId(da), DocId(db));
                let drafts = pair.passages(seeds, scratch);
                let finish = |p: Draft, grams: &mut GramCounter| {
                    p.finish(da, db, pair.a, pair.b, grams)
                };
                if drafts.len() < PARALLEL_PAIRS {
                    let grams = &mut scratch.grams;
                    drafts.into_iter().map(|p| finish(p, grams)).collect()
                } else {
                    drafts
                        .into_par_iter()
                        .with_min_len(PARALLEL_PAIRS / 4)
                        .map_init(GramCounter::default, |g, p| finish(p, g))
                        .collect::<Vec<_>>()
                }
            })
            .flatten_iter()
            .collect();
        passages.sort_by_key(|x| (x.a, x.b));
        passages
    }
}

/// Candidate window pairs of one pair of documents from which their
/// alignment is shared among the threads; fewer are aligned by one. (The
/// 604,544 pairs within c10k's first 6,400 texts as one line, 36 MB, took
/// 0.32 s on one thread: a thousand pairs take half a millisecond.) The
/// merged spans are scored in parallel from a quarter of this, and the
/// passages finished from this many.
const PARALLEL_PAIRS: usize = 4096;

/// The evidence a pair of windows needs: the sum, over the sketch bins
/// they agree on, of `1 − ln(windows in the bin) / ln(all windows)`. A
/// bigram only two windows share counts nearly 1, one that half of them
/// share nearly 0: rare word pairs are evidence of reuse, common ones of
/// the language's habits ("according to the … the number of … jumped").
/// 1.5 asks for about two rare shared bigrams.
pub const MIN_EVIDENCE: f64 = 1.5;

/// Two documents of more than [`SHORT_DOC_WINDOWS`] windows each are
/// compared only if they have [`LONG_DOC_PAIRS`] candidate window pairs,
/// or one with this much evidence; then all their candidates are
/// verified. Long documents offer thousands of window pairs, and one or
/// two weakly supported matches between them are most often stock
/// sentences shared by chance ("Smith did not respond to a request for
/// comment on Friday"), while documents that share a passage share
/// several sentences or one strongly. On the generator's corpora this
/// leaves out 94% of the passages between unrelated documents, and at
/// 100,000 documents 0.4% of the planted copy pairs that had one.
pub const STRONG_EVIDENCE: f64 = 2.0;

/// Candidate window pairs that let two long documents be compared
/// without a strong one (see [`STRONG_EVIDENCE`]). At 100,000 documents
/// evidence runs lower, and copies in large families are linked by few
/// strong pairs: asking for a strong pair alone lost 2.8% of the planted
/// copy pairs there.
pub const LONG_DOC_PAIRS: usize = 3;

/// Documents with at most this many windows (a sentence, a brief) are
/// compared on [`MIN_EVIDENCE`] alone: they have no other sentences that a
/// chance match could hide among.
pub const SHORT_DOC_WINDOWS: u32 = 3;

/// A sketch bin is a stock phrase when more than `max_bucket` windows share
/// it, or more than one in this many windows, whichever is more: a fixed
/// cap would call a name-and-verb pair common in a large corpus that it
/// calls rare in a small one, and lose the passages it is evidence of.
/// Cost stays linear: a large bin links each window to a few others only.
pub const WINDOWS_PER_BUCKET_SLOT: usize = 6000;

/// Within one document, a sketch bin is evidence up to one in this many
/// windows (or `max_bucket`, if more): a recap restates its source with
/// the article's own common word pairs ("the council", "said on"), which
/// are stock phrases between documents but rare enough inside one. Bins
/// between the two caps link windows of the same document only, so they
/// add no candidates between documents. On the generator's c10k corpus
/// this finds whole recaps 0.910 -> 0.958 (recap sentences: PAN plagdet
/// 0.635 -> 0.662).
pub const DOC_WINDOWS_PER_BUCKET_SLOT: usize = 1200;

/// Fixed-point scale of evidence weights.
const EVIDENCE_SCALE: f64 = 1000.0;

/// Evidence weights are measured against at least this many windows. In
/// a corpus of a few sentences every bigram that two windows share would
/// otherwise count as common: with two windows, a bin of both weighs 0,
/// and two sentences given alone, however alike, were never compared. A
/// bin of two of 32 windows weighs 0.8, so two rare shared bigrams are
/// enough, as they are in a large corpus. The seed article has 35
/// windows, the news fixtures 59.
pub const MIN_EVIDENCE_WINDOWS: usize = 32;

/// The evidence weight of a bin shared by `size` windows, fixed-point.
fn evidence(size: usize, ln_windows: f64) -> u16 {
    let w = (1.0 - (size as f64).ln() / ln_windows).clamp(0.0, 1.0);
    (w * EVIDENCE_SCALE).round() as u16
}

/// Bins of up to this many windows pair all of them.
const FULL_BIN: usize = 16;

/// In a larger bin, each window is paired with at most this many later
/// windows of its own document (which has consecutive window ids, so
/// they follow it in the bin) and this many of other documents, spread
/// over the rest of the bin (see [`stride`]). Pairs across documents that
/// share only common bigrams (and no rare one) are looked for less hard.
const BIN_LINKS: usize = 8;

/// The step between the members of a bin of `len` windows that a window
/// is paired with across documents, when the bin is larger than
/// [`FULL_BIN`]: its [`BIN_LINKS`] partners spread over the bin instead
/// of being the next ones.
///
/// The next windows by id are those of the next documents, whatever they
/// say. A window and one of the next document stand side by side in every
/// large bin they share, so pairing each window with the next few members
/// summed the evidence of all their common bigrams into candidates
/// between neighbouring, unrelated documents. On the generator's c100k
/// corpus, 1,771 of the 43,426 document pairs with a passage were pairs
/// of unrelated documents; with the step, 75 of 41,797 (c10k: 1,589 of
/// 5,727, then 347 of 4,485), while planted copy pairs with a passage went
/// from 0.9646 to 0.9661. Copies of one story (an article and its
/// republications) fill a bin of their own, where any step finds them.
fn stride(len: usize) -> usize {
    len.div_ceil(BIN_LINKS).max(2)
}

/// Across documents, two candidate pairs on one diagonal (windows `x`,
/// `y` and `x + i`, `y + i`) with fewer than this many windows between
/// them make the windows between them candidates too: copies keep their
/// sentences in order, and a sentence made only of common word pairs has
/// no bin to find it by. On the generator's c100k corpus the passages of
/// a planted copy pair cover 0.49 of each document instead of 0.30
/// (c10k: 0.78 instead of 0.72), in 3.4 passages instead of 6.0 (c10k:
/// 2.8 instead of 3.9).
pub const FILL_WINDOWS: u32 = 8;

/// Window pairs `(x, y, evidence)`, `x < y`, with enough evidence (fixed
/// point, see [`EVIDENCE_SCALE`]), sorted; and the number of bins skipped
/// as too common. `entries` are `(bin value, window)`, sorted; `doc_of`
/// gives each window's document. Bins of more than `max_bucket` windows
/// link windows of one document only, and bins of more than
/// `doc_max_bucket` none.
///
/// Each window accumulates the evidence of the bins it shares with later
/// windows in a map of its own, so no list of all bin-sharing pairs (tens
/// of millions in a large corpus) is ever built or sorted.
fn candidates(
    entries: Vec<(u32, u32)>,
    doc_of: &[u32],
    max_bucket: usize,
    doc_max_bucket: usize,
    drafts: Option<&[bool]>,
) -> (Vec<(u32, u32, u32)>, u64) {
    let ln_windows = (doc_of.len().max(MIN_EVIDENCE_WINDOWS) as f64).ln();
    // Bins worth looking at, with their weights and whether they link
    // documents; and, per window, its bins.
    let all: Vec<&[(u32, u32)]> = entries
        .par_chunk_by(|x, y| x.0 == y.0)
        .filter(|b| b.len() > 1)
        .collect();
    let oversized =
        all.par_iter().filter(|b| b.len() > doc_max_bucket).count() as u64;
    // With drafts, pairs of a draft and another document only: a bin
    // links some only when it links documents and has both.
    let draft = |w: u32| drafts.map(|d| d[doc_of[w as usize] as usize]);
    let linked = |b: &[(u32, u32)]| {
        drafts.is_none()
            || (b.len() <= max_bucket
                && b.iter().any(|m| draft(m.1) == Some(true))
                && b.iter().any(|m| draft(m.1) == Some(false)))
    };
    let kept: Vec<&[(u32, u32)]> = all
        .into_par_iter()
        .filter(|b| b.len() <= doc_max_bucket && linked(b))
        .collect();
    // The bins' windows, one bin after another, without their values: the
    // windows alone take half the memory of the entries (170 MB instead
    // of 340 on c100k of `../shared/bench`), and the entries go before
    // the links, the largest buffer, are made.
    let bin_starts = starts(kept.iter().map(|b| b.len()));
    let mut members = Vec::with_capacity(bin_starts[kept.len()]);
    for bin in kept {
        members.extend(bin.iter().map(|m| m.1));
    }
    drop(entries);
    let bins: Vec<Bin<'_>> = bin_starts
        .windows(2)
        .map(|r| {
            let members = &members[r[0]..r[1]];
            Bin {
                members,
                weight: evidence(members.len(), ln_windows),
                across: members.len() <= max_bucket,
            }
        })
        .collect();
    let pairs = link_bins(&members, bins, doc_of, &draft);
    (pairs, oversized)
}

/// The window pairs of [`candidates`] with enough evidence from `bins`,
/// whose members are slices of `members`; `draft` says whether a
/// window's document is a draft, when there are drafts.
fn link_bins<'m>(
    members: &'m [u32],
    bins: Vec<Bin<'m>>,
    doc_of: &[u32],
    draft: &(impl Fn(u32) -> Option<bool> + Sync),
) -> Vec<(u32, u32, u32)> {
    // Links address members (and chains, which are fewer) in 40 bits: 4
    // TB of members.
    assert!(members.len() < 1 << LINK_FROM_BITS, "too many sketch entries");
    // A large bin that links documents is also laid out as chains: its
    // members a step apart (see [`stride`]), one chain after another, so
    // that a window's partners in other documents are consecutive there
    // and read from a cache line or two, not one each.
    let chained = |b: &Bin<'_>| b.across && b.members.len() > FULL_BIN;
    let sizes =
        bins.iter().map(|b| if chained(b) { b.members.len() } else { 0 });
    let chain_starts = starts(sizes.clone());
    let mut chains = vec![0u32; chain_starts[bins.len()]];
    split_lengths(&mut chains, sizes)
        .into_par_iter()
        .zip(&bins)
        .filter(|(out, _)| !out.is_empty())
        .for_each(|(out, bin)| {
            let step = stride(bin.members.len());
            let links = (0..step)
                .flat_map(|r| bin.members[r..].iter().step_by(step).copied());
            for (slot, w) in out.iter_mut().zip(links) {
                *slot = w;
            }
        });
    let firsts = &DocFirsts::new(doc_of);
    // Per window, the members each of its bins links it to, as a range of
    // `members` or of `chains`, with the bin's weight: a [`Link`].
    // Members are sorted by window, so they are later members: all of them
    // in a small bin; in a large one the next few of the window's document
    // (whose windows have consecutive ids) and the next few of its chain;
    // in a bin that links no documents all those of the window's
    // document. Ranges rather than bin numbers spare the pairing loop a
    // search of large bins (thousands of windows in a large corpus, a
    // cache miss per step) and a lookup of the bin.
    let base = members.as_ptr() as usize;
    // A bin's links, by member.
    let bin_links = |(bin, chain_start): (Bin<'m>, usize)| {
        let b = bin.members;
        let len = b.len();
        // Where the bin starts in `members`.
        let start = (b.as_ptr() as usize - base) / size_of::<u32>();
        let step = stride(len);
        let (per_chain, longer) = (len / step, len % step);
        b.iter().enumerate().flat_map(move |(j, &w)| {
            let later = &b[j + 1..];
            // Later windows of its document: a full bin does not ask.
            let own = || {
                let next = firsts.next_doc(w);
                // Most windows have a few later windows of their own
                // document in a bin, if any: a walk finds them. A long
                // document's many are found by search.
                let head = later.len().min(8);
                match later[..head].iter().position(|&m| m >= next) {
                    Some(n) => n,
                    None => {
                        head + later[head..].partition_point(|&m| m < next)
                    }
                }
            };
            let link = |n: usize, from: usize, chained: bool| {
                Link::new(w, bin.weight, n, from, chained)
            };
            let (mine, others) = if !bin.across {
                (link(own(), start + j + 1, false), None)
            } else if !chained(&bin) {
                (link(later.len(), start + j + 1, false), None)
            } else {
                // Window j is the (j / step)th of chain j % step; the
                // members of the chain within its document's run are
                // linked as its own.
                let own = own();
                let (chain, at) = (j % step, j / step);
                let chain_len = per_chain + usize::from(chain < longer);
                let chain_first = chain * per_chain + chain.min(longer);
                let rest = chain_len - 1 - at;
                let skip = (own / step).min(rest);
                let from = chain_start + chain_first + at + 1 + skip;
                (
                    link(own.min(BIN_LINKS), start + j + 1, false),
                    link((rest - skip).min(BIN_LINKS), from, true),
                )
            };
            mine.into_iter().chain(others)
        })
    };
    // Chunks of bins count their links, then write them in their place:
    // collected from an iterator of unknown length, 23.7 million links of
    // c100k of `../shared/bench` were copied as their vectors grew and
    // again when joined.
    let bin_chunks = || {
        bins.par_chunks(LINK_CHUNK_BINS)
            .zip(chain_starts[..bins.len()].par_chunks(LINK_CHUNK_BINS))
    };
    let counts: Vec<usize> = bin_chunks()
        .map(|(bs, cs)| {
            bs.iter().zip(cs).map(|(&b, &c)| bin_links((b, c)).count()).sum()
        })
        .collect();
    let mut of_window = vec![[0u32; 3]; counts.iter().sum()];
    split_lengths(&mut of_window, counts)
        .into_par_iter()
        .zip(bin_chunks())
        .for_each(|(out, (bs, cs))| {
            let links =
                bs.iter().zip(cs).flat_map(|(&b, &c)| bin_links((b, c)));
            for (slot, link) in out.iter_mut().zip(links) {
                *slot = link.0;
            }
        });
    // Grouped by window; the order within a group does not matter, since
    // the evidence of each pair is summed.
    of_window.par_sort_unstable_by_key(|l| l[0]);
    let need = (MIN_EVIDENCE * EVIDENCE_SCALE) as u32;
    // Each thread's run of windows appends its pairs to one vector, with
    // one scratch list for a window's links: nothing is allocated per
    // window.
    of_window
        .par_chunk_by(|x, y| x[0] == y[0])
        .fold(
            || (Vec::<(u32, u16)>::new(), Vec::new(), MarkedMap::default()),
            |(mut acc, mut out, mut evidence), mine| {
                let x = mine[0][0];
                let dx = draft(x);
                acc.clear();
                for &link in mine {
                    let link = Link(link);
                    let (weight, range) = (link.weight(), link.range());
                    if !link.chained() {
                        let ys = members[range].iter().copied();
                        links(&mut acc, ys, weight, dx, draft);
                    } else {
                        let ys = chains[range].iter().copied();
                        links(&mut acc, ys, weight, dx, draft);
                    }
                }
                // Each partner's evidence summed in a marked table (its
                // window id times an odd number, a bijection, spreads the
                // ids over the slots), then each partner with enough said
                // once, in the order of its first link: `Windows::pairs`
                // sorts them. Sorting the links by partner instead took
                // 2.4% of the instructions of a default scan of c10k; it
                // is still done for a window of very many links.
                if acc.len() > SORTED_FROM_WORDS {
                    acc.sort_unstable_by_key(|e| e.0);
                    out.extend(
                        acc.chunk_by(|p, q| p.0 == q.0)
                            .map(|run| {
                                let evidence: u32 =
                                    run.iter().map(|e| u32::from(e.1)).sum();
                                (x, run[0].0, evidence)
                            })
                            .filter(|c| c.2 >= need),
                    );
                    return (acc, out, evidence);
                }
                let mut sums = evidence.start(acc.len());
                let key = |y: u32| y.wrapping_mul(0x9E37_79B1);
                for &(y, weight) in &acc {
                    *sums.entry(key(y)).0 += u32::from(weight);
                }
                for &(y, _) in &acc {
                    let (sum, _) = sums.entry(key(y));
                    if *sum >= need {
                        out.push((x, y, *sum));
                        *sum = 0;
                    }
                }
                (acc, out, evidence)
            },
        )
        .map(|(_, out, _)| out)
        .flatten_iter()
        .collect()
}

/// Where each document's windows end: a bitmap of documents' first
/// windows, a bit a window so that it fits in the cache (looking up the
/// document of every bin member, a few bytes each, missed it), with the
/// next word of the bitmap that has a bit set, so that finding the end
/// takes a step or two however many windows a document has. (Scanning
/// the bitmap word by word took 41% of the time of a 37 MB document.)
struct DocFirsts {
    bits: Vec<u64>,
    /// For each word of `bits`, the first word at or after it that is not
    /// zero, or the number of words.
    next_word: Vec<u32>,
    windows: u32,
}

impl DocFirsts {
    /// The firsts of documents whose windows, in order, belong to the
    /// documents `doc_of`.
    fn new(doc_of: &[u32]) -> DocFirsts {
        let mut bits = vec![0u64; doc_of.len().div_ceil(64)];
        for (w, pair) in doc_of.windows(2).enumerate() {
            if pair[0] != pair[1] {
                bits[(w + 1) / 64] |= 1 << ((w + 1) % 64);
            }
        }
        let mut next_word = vec![0u32; bits.len()];
        let mut next = bits.len() as u32;
        for (i, &word) in bits.iter().enumerate().rev() {
            if word != 0 {
                next = i as u32;
            }
            next_word[i] = next;
        }
        DocFirsts { bits, next_word, windows: doc_of.len() as u32 }
    }

    /// The first window of the document after the one of window `w`, or
    /// the number of windows when it is the last.
    #[inline]
    fn next_doc(&self, w: u32) -> u32 {
        let from = w as usize + 1;
        let i = from / 64;
        let Some(&word) = self.bits.get(i) else {
            return self.windows;
        };
        let word = word & (u64::MAX << (from % 64));
        if word != 0 {
            return (i * 64) as u32 + word.trailing_zeros();
        }
        match self.next_word.get(i + 1) {
            Some(&j) if (j as usize) < self.bits.len() => {
                j * 64 + self.bits[j as usize].trailing_zeros()
            }
            _ => self.windows,
        }
    }
}

/// Windows of different documents with the same words are candidates
/// when at most this many windows share them: copied sentences.
///
/// Sketch bins find copies by their rare word pairs. In a large corpus
/// a sentence's word pairs are each shared by many windows, and a large
/// bin pairs each window with a few others only (see `BIN_LINKS`): on
/// the generator's c100k corpus, the passages of a planted copy pair
/// covered 0.49 of each document, against 0.78 at c10k; with windows
/// paired by their words as well, 0.79 and 0.81 (in 2.6 passages a pair
/// instead of 3.4 and 2.8). More windows than this with the same words
/// are a stock sentence, or boilerplate that detection missed, and are
/// left to the bins.
pub const MAX_COPIES: usize = 32;

/// The key of a window's words, in order, for [`add_copies`]; [`NO_KEY`]
/// for a window of fewer than [`MIN_WINDOW_CONTENT`] content words (a
/// line's short tail), which is not evidence of copying.
fn words_key(terms: &[Term]) -> u64 {
    let (mut content, mut h) = (0u32, 0x636f_7079_u64);
    for t in terms {
        content += u32::from(t.content);
        h = h
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(u64::from(t.word));
    }
    if content < MIN_WINDOW_CONTENT {
        return NO_KEY;
    }
    mix(h).min(NO_KEY - 1)
}

/// [`words_key`] of a window that has none.
const NO_KEY: u64 = u64::MAX;

/// `quads` (sorted) with the window pairs of the same document pairs
/// whose windows have the same words, in groups of at most
/// [`MAX_COPIES`] (`copies` is `(key, window, document)`, sorted);
/// sorted. With drafts, only pairs of a draft and another document.
///
/// Only document pairs that the sketch bins made candidates gain pairs:
/// the same words are evidence of how much two documents share, not of
/// whether they share a passage at all. Stock sentences ("Davis did not
/// respond to a request for comment on Monday") recur word for word in
/// unrelated articles; on c10k, letting copies pair documents added 165
/// unrelated document pairs with a passage to 347.
fn add_copies(
    quads: Vec<(u32, u32, u32, u32)>,
    copies: &[(u64, u32, u32)],
    drafts: Option<&[bool]>,
) -> Vec<(u32, u32, u32, u32)> {
    let side = |doc: u32| drafts.map(|d| d[doc as usize]);
    // The document pairs of `quads`, as keys of a set: `mix` is a
    // bijection.
    let pair_key = |a: u32, b: u32| mix(u64::from(a) << 32 | u64::from(b));
    let doc_pairs: KeySet = quads.iter().map(|q| pair_key(q.0, q.1)).collect();
    let paired = |a: u32, b: u32| doc_pairs.contains(&pair_key(a, b));
    // Pieces of whole groups, each for one thread at a time: a parallel
    // item per group (hundreds of thousands) cost more than the pairs.
    let pieces = group_pieces(copies, COPY_PIECES);
    let more: Vec<(u32, u32, u32, u32)> = pieces
        .par_iter()
        .flat_map_iter(|piece| {
            piece.chunk_by(|x, y| x.0 == y.0).flat_map(|g| {
                g.iter().enumerate().flat_map(move |(i, &(_, x, dx))| {
                    g[i + 1..].iter().map(move |&(_, y, dy)| (dx, dy, x, y))
                })
            })
        })
        .filter(|&(dx, dy, ..)| {
            dx != dy && (drafts.is_none() || side(dx) != side(dy))
        })
        .filter(|q| paired(q.0, q.1))
        .collect();
    union(quads, more)
}

/// `(words key, window, document)` of windows, as [`copy_groups`] takes
/// and gives them.
type Keyed = Vec<(u64, u32, u32)>;

/// Of `copies` (`(key, window, document)`, sorted), in one walk of its
/// groups: the windows whose words other windows have, no more than
/// [`MAX_COPIES`] in all (copy groups); and, when `crowded`, the windows
/// whose words more windows have, where their document has them more
/// than once (for [`repeats`]).
fn copy_groups(copies: &[(u64, u32, u32)], crowded: bool) -> (Keyed, Keyed) {
    let (mut groups, mut many) = (Vec::new(), Vec::new());
    for g in copies.chunk_by(|x, y| x.0 == y.0) {
        if (2..=MAX_COPIES).contains(&g.len()) {
            groups.extend_from_slice(g);
        } else if crowded && g.len() > MAX_COPIES {
            // A document's windows have consecutive ids: its run in a
            // group.
            for run in g.chunk_by(|x, y| x.2 == y.2) {
                if run.len() > 1 {
                    many.extend_from_slice(run);
                }
            }
        }
    }
    (groups, many)
}

/// Window pairs within one document that repeats a sentence more than
/// `max_bucket` times (a block repeated down a page): each repeat with
/// the first. Such windows are too many for a copy group, and the sketch
/// bins of their word pairs too full to pair them, so without these
/// pairs no repeat was found at all. `crowded` is the second part of
/// [`copy_groups`].
fn repeats(
    crowded: &[(u64, u32, u32)],
    max_bucket: usize,
) -> Vec<(u32, u32, u32, u32)> {
    crowded
        .chunk_by(|x, y| (x.0, x.2) == (y.0, y.2))
        .filter(|run| run.len() > max_bucket)
        .flat_map(|run| {
            let first = run[0].1;
            run[1..].iter().map(move |&(_, w, d)| (d, d, first, w))
        })
        .collect()
}

/// Pieces [`add_copies`] cuts its groups into.
const COPY_PIECES: usize = 64;

/// `items`, sorted by key, cut into about `n` pieces that do not split a
/// run of one key.
fn group_pieces(
    items: &[(u64, u32, u32)],
    n: usize,
) -> Vec<&[(u64, u32, u32)]> {
    let step = items.len().div_ceil(n.max(1)).max(1);
    let mut pieces = Vec::with_capacity(n + 1);
    let mut rest = items;
    while !rest.is_empty() {
        let mut end = step.min(rest.len());
        while end < rest.len() && rest[end].0 == rest[end - 1].0 {
            end += 1;
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// Bins of [`candidates`] that count and write their links together.
const LINK_CHUNK_BINS: usize = 4096;

/// A window's link to later members of one of its bins, as [`candidates`]
/// writes and sorts them: the range of the bins' members (or, chained, of
/// `chains`) where they are, and the bin's weight.
///
/// Packed in 12 bytes, not the 16 of a tuple with a 64-bit start: the
/// 23.7 million links of c100k of `../shared/bench` are the largest
/// buffer of a default scan.
///
/// `[window, low bits, high bits]`, where the bits hold the start of the
/// range (bits 0–39), its length (40–52), the weight (53–62) and whether
/// it is chained (63), in two words so that a link needs 4-byte
/// alignment only. The buffer of links holds these arrays, which, being
/// integers, it gets zeroed from the allocator instead of writing them.
#[derive(Clone, Copy, Debug)]
struct Link([u32; 3]);

/// Bits of a [`Link`]'s start: ranges of up to 2^40 entries, those of
/// more than 100 billion windows.
const LINK_FROM_BITS: u32 = 40;

/// Bits of a [`Link`]'s length. A longer range (a document with 8,192
/// windows in one bin) keeps its first members.
const LINK_COUNT_BITS: u32 = 13;

/// Bits of a [`Link`]'s weight, which is at most [`EVIDENCE_SCALE`].
const LINK_WEIGHT_BITS: u32 = 10;

const _: () = assert!(EVIDENCE_SCALE < (1 << LINK_WEIGHT_BITS) as f64);
const _: () = assert!(
    LINK_FROM_BITS + LINK_COUNT_BITS + LINK_WEIGHT_BITS + 1 == u64::BITS
);

impl Link {
    /// Window `window`'s link to `n` members from `from` (in `chains` if
    /// `chained`, else in the bins' members) of a bin of `weight`; `None`
    /// for no member.
    fn new(
        window: u32,
        weight: u16,
        n: usize,
        from: usize,
        chained: bool,
    ) -> Option<Link> {
        let n = n.min((1 << LINK_COUNT_BITS) - 1) as u64;
        let from = from as u64;
        debug_assert!(from < 1 << LINK_FROM_BITS, "checked by `link_bins`");
        let bits = from
            | n << LINK_FROM_BITS
            | u64::from(weight) << (LINK_FROM_BITS + LINK_COUNT_BITS)
            | u64::from(chained) << 63;
        (n > 0).then_some(Link([window, bits as u32, (bits >> 32) as u32]))
    }

    fn bits(&self) -> u64 {
        u64::from(self.0[1]) | u64::from(self.0[2]) << 32
    }

    /// The members' range of the bins' members or of `chains`.
    fn range(&self) -> Range<usize> {
        let bits = self.bits();
        let from = (bits & ((1 << LINK_FROM_BITS) - 1)) as usize;
        let n = (bits >> LINK_FROM_BITS) & ((1 << LINK_COUNT_BITS) - 1);
        from..from + n as usize
    }

    fn weight(&self) -> u16 {
        let bits = self.bits() >> (LINK_FROM_BITS + LINK_COUNT_BITS);
        (bits & ((1 << LINK_WEIGHT_BITS) - 1)) as u16
    }

    fn chained(&self) -> bool {
        self.bits() >> 63 != 0
    }
}

/// Appends windows `ys` with `weight` to `acc`; with drafts (`dx` is the
/// linking window's draft flag), only those on the other side.
fn links(
    acc: &mut Vec<(u32, u16)>,
    ys: impl Iterator<Item = u32>,
    weight: u16,
    dx: Option<bool>,
    draft: &impl Fn(u32) -> Option<bool>,
) {
    // Without drafts, an extend of known length (no filter).
    match dx {
        None => acc.extend(ys.map(|y| (y, weight))),
        Some(dx) => acc
            .extend(ys.filter(|&y| draft(y) != Some(dx)).map(|y| (y, weight))),
    }
}

/// A sketch bin worth looking at (see [`candidates`]).
#[derive(Clone, Copy, Debug)]
struct Bin<'a> {
    /// Its windows, sorted.
    members: &'a [u32],
    /// Evidence weight, fixed-point.
    weight: u16,
    /// False for a bin that links windows of one document only.
    across: bool,
}

/// Finds the distinct stems of a window in a [`MarkedMap`], whose slots
/// are marked with the window they belong to, so that nothing is cleared
/// between windows. Sorting each window's stems instead cost 1% more
/// instructions on a scan of 10,000 documents, and about 2% more CPU
/// time (its branches are unpredictable).
#[derive(Default)]
struct StemSet {
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
fn sorted_entries(
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
const SEPARATOR: u32 = u32::MAX;

fn unit(p: &DocProfile) -> Unit {
    p.unit.unwrap_or(Unit::Word)
}

/// True when the window's terms overlap boilerplate (a document's terms
/// are its tokens), whose ranges are in order and apart: the last range
/// that starts before the window ends is the only one to ask. (Asking
/// every range, a JSON Lines record of 40,000 boilerplate lines took
/// 0.26 s here.)
fn in_boilerplate(w: &Window, masked: &[(u32, u32)]) -> bool {
    debug_assert!(masked.windows(2).all(|p| p[0].1 <= p[1].0));
    let before = masked.partition_point(|&(start, _)| start < w.end);
    before > 0 && masked[before - 1].1 > w.start
}

/// Appends the bin minima of the window's content-stem bigrams, in bin
/// order.
fn sketch(terms: &[Term], out: &mut Vec<u32>) {
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
type PerDoc = (Vec<WindowRef>, Vec<u32>, Vec<u64>);

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
fn runs(n: usize, runs: usize) -> Vec<Range<usize>> {
    let runs = runs.clamp(1, n.max(1));
    (0..runs).map(|i| i * n / runs..(i + 1) * n / runs).collect()
}

/// Slots of an [`Idf`] table for `stems` stems counted (each window's
/// distinct stems once): distinct stems are far fewer than that.
fn idf_slots(stems: usize) -> usize {
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
struct StemCounts {
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
struct Idf {
    weights: Vec<f32>,
    mask: u32,
}

impl Idf {
    /// Window frequencies from the counts of each window's distinct
    /// stems.
    fn new(counts: &StemCounts, windows: usize) -> Idf {
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

    fn weight(&self, stem: u32) -> f64 {
        f64::from(self.weights[(stem & self.mask) as usize])
    }
}

/// A candidate window pair that passed: term ranges of both documents.
#[derive(Clone, Copy, Debug)]
struct Seed {
    wa: Window,
    wb: Window,
    a: (u32, u32),
    b: (u32, u32),
    similarity: f64,
}

/// Spans of both sides merged from `seeds`: each seed not taken yet
/// starts a span, and takes each later seed that follows it on both sides
/// (on the same line, or across documents when both are near-verbatim,
/// within [`MERGE_GAP_WORDS`]). Within one document (`same`) a span whose
/// sides would overlap is not made; spans with a side under `min_words`
/// words are left out.
fn merge(mut seeds: Vec<Seed>, same: bool, min_words: u32) -> Vec<Spans> {
    seeds.sort_by_key(|s| (s.wa.start, s.wb.start));
    let mut used = vec![false; seeds.len()];
    // The merged seeds' spans.
    let mut spans = Vec::new();
    for i in 0..seeds.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let (mut a, mut b) = (seeds[i].a, seeds[i].b);
        let (mut last_a, mut last_b) = (seeds[i].wa, seeds[i].wb);
        let mut last_sim = seeds[i].similarity;
        let mut j = i + 1;
        while j < seeds.len() {
            let s = seeds[j];
            // Seeds are in order of `wa.start`, then `wb.start`, and
            // `last_a` and `last_b` only move on. So none after this
            // one can follow when its `wa` starts too far on; and
            // seeds that start before `last_a`, or in this seed's run
            // of one `wa`, before `last_b` or too far after it, cannot
            // follow either, and are skipped by search. Tried one by
            // one, a document of 37 MB took minutes here, and one
            // that repeats a paragraph 20,000 times (each repeat a
            // seed with the first) a second.
            if s.wa.start > last_a.end + MERGE_GAP_WORDS {
                break;
            }
            if s.wa.start < last_a.end {
                j += seeds[j..].partition_point(|t| t.wa.start < last_a.end);
                continue;
            }
            let run = || {
                j + seeds[j..].partition_point(|t| t.wa.start == s.wa.start)
            };
            if s.wb.start < last_b.end {
                let end = run();
                j +=
                    seeds[j..end].partition_point(|t| t.wb.start < last_b.end);
                continue;
            }
            if s.wb.start > last_b.end + MERGE_GAP_WORDS {
                j = run();
                continue;
            }
            let k = j;
            j += 1;
            // Within a document a passage ends with its paragraph;
            // across documents, copied paragraphs run on, but a
            // rewritten one starts a passage of its own.
            let run_on = !same && last_sim >= RUN_ON && s.similarity >= RUN_ON;
            let follows = |w: Window, last: Window| {
                (w.line == last.line || run_on)
                    && w.start >= last.end
                    && w.start - last.end <= MERGE_GAP_WORDS
            };
            if used[k] || !follows(s.wa, last_a) || !follows(s.wb, last_b) {
                continue;
            }
            let (na, nb) = ((a.0, s.a.1), (b.0, s.b.1));
            if same && na.1 > nb.0 {
                continue;
            }
            used[k] = true;
            (a, b) = (na, nb);
            (last_a, last_b) = (s.wa, s.wb);
            last_sim = s.similarity;
        }
        if same && a.1 > b.0 {
            continue;
        }
        let (wa, wb) = (a.1 - a.0, b.1 - b.0);
        if wa < min_words || wb < min_words {
            continue;
        }
        spans.push((a, b));
    }
    spans
}

/// The term ranges of a passage's two sides.
type Spans = ((u32, u32), (u32, u32));

/// The terms of a document that alignment reads: those of the windows in
/// candidate pairs and of the gaps a passage can span between them (at
/// most [`MERGE_GAP_WORDS`]), as runs of consecutive terms. Only these
/// are tokenized again, and held, not the whole document: on the
/// generator's 100,000-document corpus, 22 million terms instead of the
/// 63 million of the 66,000 documents with candidates. Their flags lack
/// [`Token::OPENS`], which depends on the text before a run; alignment
/// does not read flags.
#[derive(Clone, Debug, Default)]
struct DocTerms {
    /// `(first term, one past the last, where its terms start in
    /// `terms`)`, in order.
    runs: Vec<(u32, u32, u32)>,
    terms: Vec<Term>,
}

impl DocTerms {
    /// The terms of `text` around `windows` (in text order).
    fn new<'w>(
        tokenizer: &mut TermTokenizer,
        text: &[u8],
        unit: Unit,
        windows: impl Iterator<Item = &'w WindowRef>,
    ) -> DocTerms {
        // Runs of windows: `(first term, end, first byte, end byte)`.
        let mut spans: Vec<(u32, u32, u32, u32)> = Vec::new();
        for w in windows {
            let (start, end) = (w.window.start, w.window.end);
            match spans.last_mut() {
                Some(run)
                    if start.saturating_sub(run.1) <= MERGE_GAP_WORDS =>
                {
                    run.1 = run.1.max(end);
                    run.3 = run.3.max(w.bytes.1);
                }
                _ => spans.push((start, end, w.bytes.0, w.bytes.1)),
            }
        }
        // Each run's terms are counted already: no vector grows term by
        // term (on c10k of `../shared/bench`, growing them copied 220 MB).
        let mut out = DocTerms {
            terms: Vec::with_capacity(
                spans.iter().map(|s| (s.1 - s.0) as usize).sum(),
            ),
            runs: Vec::with_capacity(spans.len()),
        };
        for (first, end, from, to) in spans {
            // Tokens do not look behind their first byte or past their
            // last, so a span's terms are the document's; should that
            // ever fail, the whole document is read instead.
            if out.push_run(tokenizer, text, unit, first, (from, to))
                != end - first
            {
                debug_assert!(false, "terms of a byte span differ");
                let mut whole = DocTerms::default();
                whole.push_run(
                    tokenizer,
                    text,
                    unit,
                    0,
                    (0, text.len() as u32),
                );
                return whole;
            }
        }
        out
    }

    /// Appends the terms of bytes `from..to` of `text` as a run starting
    /// at term `first`, without [`Token::OPENS`]; returns their number.
    fn push_run(
        &mut self,
        tokenizer: &mut TermTokenizer,
        text: &[u8],
        unit: Unit,
        first: u32,
        (from, to): (u32, u32),
    ) -> u32 {
        let at = self.terms.len();
        tokenizer.terms(
            &text[from as usize..to as usize],
            unit,
            &mut self.terms,
        );
        for t in &mut self.terms[at..] {
            t.start += from;
            t.end += from;
            t.flags &= !Token::OPENS;
        }
        let n = (self.terms.len() - at) as u32;
        self.runs.push((first, first + n, at as u32));
        n
    }

    /// Terms `[start, end)` of the document, which lie in one run.
    fn slice(&self, start: u32, end: u32) -> &[Term] {
        let r = self.runs.partition_point(|run| run.0 <= start) - 1;
        let (first, run_end, at) = self.runs[r];
        assert!(end <= run_end, "terms {start}..{end} outside their run");
        let from = (at + start - first) as usize;
        &self.terms[from..from + (end - start) as usize]
    }
}

/// Two documents' terms, compared.
struct DocPair<'a> {
    a: &'a DocTerms,
    b: &'a DocTerms,
    same: bool,
    idf: &'a Idf,
    settings: &'a Settings,
}

/// A passage before its scores are final: term ranges.
struct Draft {
    a: (u32, u32),
    b: (u32, u32),
    similarity: f64,
    /// Words of each side whose stem the other side has.
    matched: (u32, u32),
}

impl DocPair<'_> {
    fn seed(&self, wa: Window, wb: Window, s: &mut Scratch) -> Option<Seed> {
        let ta = self.a.slice(wa.start, wa.end);
        let tb = self.b.slice(wb.start, wb.end);
        if ta.len() == tb.len()
            && ta.iter().zip(tb).all(|(x, y)| x.word == y.word)
        {
            return self.copied(wa, wb, ta, s);
        }
        self.compared(wa, wb, ta, tb, s)
    }

    /// [`DocPair::seed`] of two windows that differ, whose terms are `ta`
    /// and `tb`.
    fn compared(
        &self,
        wa: Window,
        wb: Window,
        ta: &[Term],
        tb: &[Term],
        s: &mut Scratch,
    ) -> Option<Seed> {
        shared_content(ta, tb, s);
        if s.shared.len() < MIN_SHARED_STEMS {
            return None;
        }
        if self.weighted(ta, tb, s).0 < WINDOW_SIMILARITY {
            return None;
        }
        let (a0, a1) = trim(ta, &s.shared)?;
        let (b0, b1) = trim(tb, &s.shared)?;
        let (a, b) =
            ((wa.start + a0, wa.start + a1), (wb.start + b0, wb.start + b1));
        let (similarity, _) = self.score(a, b, s);
        (similarity >= self.settings.min_similarity).then_some(Seed {
            wa,
            wb,
            a,
            b,
            similarity,
        })
    }

    /// [`DocPair::seed`] of two windows with the same words (copied
    /// sentences, most candidates between copies), without comparing
    /// them: every content stem is shared, the weighted share is 1, and
    /// the spans run from the first content word to the last.
    fn copied(
        &self,
        wa: Window,
        wb: Window,
        t: &[Term],
        s: &mut Scratch,
    ) -> Option<Seed> {
        s.a.clear();
        s.a.extend(t.iter().filter(|x| x.content).map(|x| x.stem));
        s.a.sort_unstable();
        s.a.dedup();
        if s.a.len() < MIN_SHARED_STEMS || self.settings.min_similarity > 1.0 {
            return None;
        }
        let first = t.iter().position(|x| x.content)? as u32;
        let last = t.iter().rposition(|x| x.content)? as u32 + 1;
        Some(Seed {
            wa,
            wb,
            a: (wa.start + first, wa.start + last),
            b: (wb.start + first, wb.start + last),
            similarity: 1.0,
        })
    }

    /// The weighted share of matched words of two term slices, and how
    /// many words of each the other has (by stem; see [`Passage::matched`]).
    ///
    /// Each stem's words are counted on both sides in a [`MarkedMap`];
    /// sorting both sides' stems to merge them took half of this
    /// function's instructions (spans of more than [`SORTED_FROM_WORDS`]
    /// words still are). The sums are exact whatever their order:
    /// weights are `f32` of at least 0.01 (an exponent of -7 or more), so
    /// a sum below 2^23 needs at most 53 bits.
    fn weighted(
        &self,
        ta: &[Term],
        tb: &[Term],
        s: &mut Scratch,
    ) -> (f64, (u32, u32)) {
        if ta.len() + tb.len() > SORTED_FROM_WORDS {
            return self.weighted_by_sorting(ta, tb, s);
        }
        // Per stem, its words in `ta` and in `tb`.
        let mut tally = s.tally.start(ta.len() + tb.len());
        let mut total = 0.0;
        for x in ta {
            total += self.idf.weight(x.stem);
            tally.entry(x.stem).0.0 += 1;
        }
        let mut matched = 0.0;
        let mut found = (0, 0);
        for y in tb {
            let w = self.idf.weight(y.stem);
            total += w;
            let (words, _) = tally.entry(y.stem);
            let (in_a, in_b) = *words;
            if in_a > 0 {
                // Its words on each side are matched, and pairs of them
                // weigh in, one by one.
                found.1 += 1;
                if in_b == 0 {
                    found.0 += in_a;
                }
                if in_b < in_a {
                    matched += w;
                }
            }
            words.1 += 1;
        }
        let share = if total == 0.0 { 0.0 } else { 2.0 * matched / total };
        (share, found)
    }

    /// What [`DocPair::weighted`] computes, by sorting both sides' stems
    /// and merging them: for long spans (see [`SORTED_FROM_WORDS`]).
    fn weighted_by_sorting(
        &self,
        ta: &[Term],
        tb: &[Term],
        s: &mut Scratch,
    ) -> (f64, (u32, u32)) {
        let (sa, sb) = (&mut s.a, &mut s.b);
        sa.clear();
        sa.extend(ta.iter().map(|t| t.stem));
        sb.clear();
        sb.extend(tb.iter().map(|t| t.stem));
        sa.sort_unstable();
        sb.sort_unstable();
        let (mut i, mut j) = (0, 0);
        let mut matched = 0.0;
        let mut found = (0, 0);
        while i < sa.len() && j < sb.len() {
            match sa[i].cmp(&sb[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    // A stem's runs on both sides: its words on each side
                    // are matched, and pairs of them weigh in, one by one.
                    let v = sa[i];
                    let ra = sa[i..].iter().take_while(|&&x| x == v).count();
                    let rb = sb[j..].iter().take_while(|&&x| x == v).count();
                    let w = self.idf.weight(v);
                    for _ in 0..ra.min(rb) {
                        matched += w;
                    }
                    found.0 += ra as u32;
                    found.1 += rb as u32;
                    i += ra;
                    j += rb;
                }
            }
        }
        let total: f64 =
            sa.iter().chain(sb.iter()).map(|&x| self.idf.weight(x)).sum();
        let share = if total == 0.0 { 0.0 } else { 2.0 * matched / total };
        (share, found)
    }

    fn score(
        &self,
        a: (u32, u32),
        b: (u32, u32),
        s: &mut Scratch,
    ) -> (f64, (u32, u32)) {
        self.weighted(self.a.slice(a.0, a.1), self.b.slice(b.0, b.1), s)
    }

    /// Merges seeds (see [`merge`]), scores the spans and keeps, of
    /// overlapping passages, the strongest.
    fn passages(&self, seeds: Vec<Seed>, scratch: &mut Scratch) -> Vec<Draft> {
        let spans = merge(seeds, self.same, self.settings.min_words);
        // Scored apart from merging, which needs no score: by all threads
        // when there are many (as within one long document), in order.
        let draft = |(a, b): Spans, scratch: &mut Scratch| {
            let (similarity, matched) = self.score(a, b, scratch);
            (similarity >= self.settings.min_similarity).then_some(Draft {
                a,
                b,
                similarity,
                matched,
            })
        };
        let mut drafts: Vec<Draft> = if spans.len() < PARALLEL_PAIRS / 4 {
            spans.into_iter().filter_map(|x| draft(x, scratch)).collect()
        } else {
            spans
                .into_par_iter()
                .with_min_len(PARALLEL_PAIRS / 16)
                .map_init(Scratch::default, |s, x| draft(x, s))
                .flatten_iter()
                .collect()
        };
        // Strongest first; a passage that overlaps a kept one by more than
        // half on either side goes, except that a long repeat within a
        // document may share its earlier side (see [`REPEAT_MIN_WORDS`]).
        drafts.sort_by(|x, y| {
            let w = |d: &Draft| {
                d.similarity * f64::from(d.a.1 - d.a.0 + d.b.1 - d.b.0)
            };
            w(y).total_cmp(&w(x)).then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let mut kept: Vec<Draft> = Vec::new();
        // The kept passages' sides, as `a` and as `b`.
        let (mut kept_a, mut kept_b) =
            (SpanSet::default(), SpanSet::default());
        for d in drafts {
            let repeat = self.same
                && d.similarity >= RUN_ON
                && d.a.1 - d.a.0 >= REPEAT_MIN_WORDS;
            // Within a document, either side of a kept passage is taken
            // by either side of a new one.
            let clash = kept_b.clashes(d.b)
                || (!repeat && kept_a.clashes(d.a))
                || (self.same && (kept_b.clashes(d.a) || kept_a.clashes(d.b)));
            if !clash {
                kept_a.insert(d.a);
                kept_b.insert(d.b);
                kept.push(d);
            }
        }
        kept
    }
}

impl Draft {
    fn finish(
        self,
        da: DocId,
        db: DocId,
        ta: &DocTerms,
        tb: &DocTerms,
        grams: &mut GramCounter,
    ) -> Passage {
        let sa = ta.slice(self.a.0, self.a.1);
        let sb = tb.slice(self.b.0, self.b.1);
        let side = |doc, s: &[Term]| Side {
            doc,
            start: s[0].start,
            end: s[s.len() - 1].end,
        };
        let verbatim = sa.len() == sb.len()
            && sa.iter().zip(sb).all(|(x, y)| x.word == y.word);
        // The same words have the same 3-grams and match each other
        // word for word: copied articles make long verbatim passages,
        // whose scores need no second set and no search.
        let (trigrams, matched) = if verbatim {
            let n = grams.count(sa, None).size_a;
            let all = sa.len() as u32;
            (Overlap { shared: n, size_a: n, size_b: n }, (all, all))
        } else {
            (grams.count(sa, Some(sb)), self.matched)
        };
        let kind = if verbatim {
            PassageKind::Verbatim
        } else if trigrams.jaccard() >= 0.5 {
            PassageKind::Near
        } else {
            PassageKind::Rewrite
        };
        let (a, b) = (side(da, sa), side(db, sb));
        let (a, b, matched, trigrams) = if (b.doc, b.start) < (a.doc, a.start)
        {
            let swapped = Overlap {
                shared: trigrams.shared,
                size_a: trigrams.size_b,
                size_b: trigrams.size_a,
            };
            (b, a, (matched.1, matched.0), swapped)
        } else {
            (a, b, matched, trigrams)
        };
        Passage {
            a,
            b,
            similarity: self.similarity,
            kind,
            words: ((self.a.1 - self.a.0), (self.b.1 - self.b.0)),
            matched,
            trigrams,
        }
    }
}

/// Content stems both slices have, sorted, into `s.shared`.
fn shared_content(ta: &[Term], tb: &[Term], s: &mut Scratch) {
    let content = |t: &[Term], v: &mut Vec<u32>| {
        v.clear();
        v.extend(t.iter().filter(|x| x.content).map(|x| x.stem));
        v.sort_unstable();
        v.dedup();
    };
    content(ta, &mut s.a);
    content(tb, &mut s.b);
    s.shared.clear();
    let b = &s.b;
    s.shared.extend(s.a.iter().filter(|x| b.binary_search(x).is_ok()));
}

/// Buffers of the seed checks, kept per thread.
#[derive(Default)]
struct Scratch {
    a: Vec<u32>,
    b: Vec<u32>,
    /// Content stems both windows have, sorted.
    shared: Vec<u32>,
    /// For the passages' word 3-gram sets.
    grams: GramCounter,
    /// For [`DocPair::weighted`]: per stem, its words on each side.
    tally: MarkedMap<(u32, u32)>,
}

/// The range from the first to the last content term whose stem is in
/// `shared`.
fn trim(t: &[Term], shared: &[u32]) -> Option<(u32, u32)> {
    let hit = |x: &Term| x.content && shared.binary_search(&x.stem).is_ok();
    let first = t.iter().position(hit)?;
    let last = t.iter().rposition(hit)?;
    Some((first as u32, last as u32 + 1))
}

/// Counts the distinct word 3-grams of a span (one gram for a shorter
/// span), or of two spans and those they share, in a [`MarkedMap`]:
/// nothing is cleared between passages. Sorting both sets to merge them took 5% of
/// the instructions of a default scan of c10k of `../shared/bench`.
#[derive(Default)]
struct GramCounter {
    /// Per gram, its sides: 1 for the first span, 2 for the second.
    sides: MarkedMap<u8>,
    words: Vec<u64>,
}

impl GramCounter {
    /// The 3-gram sets of `a` and of `b`, or of `a` alone (its size in
    /// [`Overlap::size_a`]).
    fn count(&mut self, a: &[Term], b: Option<&[Term]>) -> Overlap {
        let n = a.len() + b.map_or(0, <[Term]>::len);
        if n > SORTED_FROM_WORDS {
            return sorted_grams(a, b);
        }
        let mut sides = self.sides.start(n);
        let mut out = Overlap { shared: 0, size_a: 0, size_b: 0 };
        let spans = [(a, 1u8)].into_iter().chain(b.map(|b| (b, 2u8)));
        for (span, side) in spans {
            each_gram(span, &mut self.words, |gram| {
                let (seen, _) = sides.entry(gram);
                if *seen & side != 0 {
                    return;
                }
                if *seen != 0 {
                    out.shared += 1;
                }
                *seen |= side;
                if side == 1 {
                    out.size_a += 1;
                } else {
                    out.size_b += 1;
                }
            });
        }
        out
    }
}

/// Two spans of more words than this, together, are compared by sorting
/// (their 3-gram sets, their stems) instead of in a [`MarkedMap`], whose
/// table takes 2 to 4 slots of 8 to 16 bytes a word: sorting takes 8 to
/// 16. Only passages of documents of hundreds of kilobytes have so many,
/// and each thread's tables stay under 2 MB. A window with more links
/// than this has them sorted too (see [`candidates`]).
const SORTED_FROM_WORDS: usize = 1 << 16;

/// What [`GramCounter::count`] counts, by sorting the 3-gram sets.
fn sorted_grams(a: &[Term], b: Option<&[Term]>) -> Overlap {
    let mut words = Vec::new();
    let mut set = |t: &[Term]| {
        let mut grams = Vec::with_capacity(t.len());
        each_gram(t, &mut words, |gram| grams.push(gram));
        make_set(&mut grams);
        grams
    };
    let sa = set(a);
    match b {
        Some(b) => overlap(&sa, &set(b)),
        None => Overlap { shared: 0, size_a: sa.len() as u32, size_b: 0 },
    }
}

/// Calls `f` with each word 3-gram of `t` (one gram for a shorter span),
/// in order, repeats included: the high bits of its hash, uniform.
/// `words` is scratch space.
fn each_gram(t: &[Term], words: &mut Vec<u64>, mut f: impl FnMut(u32)) {
    words.clear();
    words.extend(t.iter().map(|x| u64::from(x.word)));
    crate::shingle::for_each_window(words, 3, |_, h| f((h >> 32) as u32));
}

/// Term ranges in order of start, for [`SpanSet::clashes`]: a test reads
/// only the ranges that can overlap the one tested, not every range kept
/// (a document of 9 MB with 9,000 passages within it spent 3.8 s testing
/// each against all kept before it).
#[derive(Default)]
struct SpanSet {
    spans: BTreeSet<(u32, u32)>,
    /// The length of the longest range.
    longest: u32,
}

impl SpanSet {
    fn insert(&mut self, x: (u32, u32)) {
        self.spans.insert(x);
        self.longest = self.longest.max(x.1 - x.0);
    }

    /// True when a range overlaps `x` by more than half of `x`.
    fn clashes(&self, x: (u32, u32)) -> bool {
        // A range that overlaps `x` at all starts before `x` ends, and
        // at most `longest` before `x` starts.
        let from = (x.0.saturating_sub(self.longest), 0);
        self.spans.range(from..(x.1, 0)).any(|&y| overlaps_half(x, y))
    }
}

/// True when `x` and `y` overlap by more than half of `x`.
fn overlaps_half(x: (u32, u32), y: (u32, u32)) -> bool {
    let common = x.1.min(y.1).saturating_sub(x.0.max(y.0));
    2 * common > x.1 - x.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_sets_find_the_clashes_testing_every_range_finds() {
        let mut state = 7u64;
        let mut next = |below: u32| {
            state = mix(state);
            (state % u64::from(below)) as u32
        };
        let mut clashes = 0;
        for _ in 0..50 {
            let (mut set, mut all) = (SpanSet::default(), Vec::new());
            for _ in 0..40 {
                // Mostly short ranges, now and then a long one.
                let long = next(10) == 0;
                let start = next(500);
                let x = (start, start + 1 + next(if long { 200 } else { 30 }));
                let every = all.iter().any(|&y| overlaps_half(x, y));
                assert_eq!(set.clashes(x), every, "{x:?} among {all:?}");
                clashes += usize::from(every);
                set.insert(x);
                all.push(x);
            }
        }
        // Both answers were tested, many times.
        assert!((200..1800).contains(&clashes), "{clashes}");
    }

    /// [`merge`] as it was first written: every later seed tried in
    /// turn, none skipped.
    fn merge_by_trying_every_seed(
        mut seeds: Vec<Seed>,
        same: bool,
        min_words: u32,
    ) -> Vec<Spans> {
        seeds.sort_by_key(|s| (s.wa.start, s.wb.start));
        let mut used = vec![false; seeds.len()];
        let mut spans = Vec::new();
        for i in 0..seeds.len() {
            if used[i] {
                continue;
            }
            used[i] = true;
            let (mut a, mut b) = (seeds[i].a, seeds[i].b);
            let (mut last_a, mut last_b) = (seeds[i].wa, seeds[i].wb);
            let mut last_sim = seeds[i].similarity;
            for (k, s) in seeds.iter().enumerate().skip(i + 1) {
                let run_on =
                    !same && last_sim >= RUN_ON && s.similarity >= RUN_ON;
                let follows = |w: Window, last: Window| {
                    (w.line == last.line || run_on)
                        && w.start >= last.end
                        && w.start - last.end <= MERGE_GAP_WORDS
                };
                if used[k] || !follows(s.wa, last_a) || !follows(s.wb, last_b)
                {
                    continue;
                }
                let (na, nb) = ((a.0, s.a.1), (b.0, s.b.1));
                if same && na.1 > nb.0 {
                    continue;
                }
                used[k] = true;
                (a, b) = (na, nb);
                (last_a, last_b) = (s.wa, s.wb);
                last_sim = s.similarity;
            }
            let long = |x: (u32, u32)| x.1 - x.0 >= min_words;
            if !(same && a.1 > b.0) && long(a) && long(b) {
                spans.push((a, b));
            }
        }
        spans
    }

    #[test]
    fn merging_skips_only_seeds_that_cannot_follow() {
        let mut rng = crate::synth::Rng::new(17);
        let mut merged = 0;
        for round in 0..400 {
            // Windows of 4 to 12 words, 25 words a line, on sides that
            // are near each other so that many seeds follow others, with
            // repeats of one window (as a repeated paragraph has).
            let same = round % 2 == 0;
            let width = 100 + rng.below(300) as u32;
            let window = |rng: &mut crate::synth::Rng, from: u32| {
                let start = from + rng.below(width as usize) as u32;
                let end = start + 4 + rng.below(9) as u32;
                Window { start, end, line: start / 25 }
            };
            let n = 1 + rng.below(120);
            let mut seeds: Vec<Seed> = (0..n)
                .map(|_| {
                    let wa = window(&mut rng, 0);
                    let wb =
                        window(&mut rng, if same { width / 2 } else { 0 });
                    Seed {
                        wa,
                        wb,
                        a: (wa.start + 1, wa.end),
                        b: (wb.start, wb.end - 1),
                        similarity: if rng.chance(0.5) { 0.95 } else { 0.5 },
                    }
                })
                .collect();
            for _ in 0..rng.below(3) * 20 {
                let copy = seeds[rng.below(seeds.len())];
                seeds.push(copy);
            }
            let min_words = rng.below(12) as u32;
            let want =
                merge_by_trying_every_seed(seeds.clone(), same, min_words);
            let got = merge(seeds, same, min_words);
            assert_eq!(got, want, "round {round}");
            merged += want.len();
        }
        assert!(merged > 5000, "{merged}");
    }

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
    fn doc_firsts_find_the_next_document_as_a_walk_does() {
        let mut rng = crate::synth::Rng::new(11);
        for round in 0..300 {
            // Documents of 1 to 3 windows, or of up to 400 (so that
            // words of the bitmap hold no first), or one document.
            let docs = 1 + rng.below(if round % 3 == 0 { 1 } else { 40 });
            let longest = if round % 2 == 0 { 3 } else { 400 };
            let doc_of: Vec<u32> = (0..docs as u32)
                .flat_map(|d| (0..1 + rng.below(longest)).map(move |_| d))
                .collect();
            let firsts = DocFirsts::new(&doc_of);
            for w in 0..doc_of.len() {
                let walk = (w..doc_of.len())
                    .find(|&v| doc_of[v] != doc_of[w])
                    .unwrap_or(doc_of.len());
                assert_eq!(
                    firsts.next_doc(w as u32) as usize,
                    walk,
                    "window {w} of {doc_of:?}"
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
    fn union_merges_sorted_quads_without_repeats() {
        let mut rng = crate::synth::Rng::new(11);
        let mut quad = || {
            let mut x = || (rng.next_u64() % 4) as u32;
            (x(), x(), x(), x())
        };
        for n in [0, 1, 5, 40, 200] {
            for m in [0, 1, 3, 30, 300] {
                let mut quads: Vec<_> = (0..n).map(|_| quad()).collect();
                quads.sort_unstable();
                quads.dedup();
                let more: Vec<_> = (0..m).map(|_| quad()).collect();
                let mut expected: Vec<_> =
                    quads.iter().chain(&more).copied().collect();
                expected.sort_unstable();
                expected.dedup();
                assert_eq!(union(quads, more), expected, "{n} and {m}");
            }
        }
    }

    #[test]
    fn links_keep_their_range_weight_and_chain() {
        let mut rng = crate::synth::Rng::new(12);
        let max_count = (1 << LINK_COUNT_BITS) - 1;
        for _ in 0..10_000 {
            let window = rng.next_u64() as u32;
            let weight = rng.below(EVIDENCE_SCALE as usize + 1) as u16;
            let from = (rng.next_u64() % (1 << LINK_FROM_BITS)) as usize;
            let n =
                [1, 2, 8, 16, max_count, max_count + 1, 70_000][rng.below(7)];
            let chained = rng.chance(0.5);
            let link = Link::new(window, weight, n, from, chained).unwrap();
            assert_eq!(link.0[0], window);
            assert_eq!(link.range(), from..from + n.min(max_count));
            assert_eq!(link.weight(), weight);
            assert_eq!(link.chained(), chained);
        }
        assert!(Link::new(1, 2, 0, 3, true).is_none());
    }

    #[test]
    fn bins_over_the_cap_link_windows_of_one_document_only() {
        // 1,000 windows: 0 and 1 in document 0, every other one alone.
        let doc_of: Vec<u32> =
            (0..1000u32).map(|w| w.saturating_sub(1)).collect();
        // Bin 1 holds windows 0..13: over a cap of 4 between documents,
        // under one of 50 within one; its evidence is 1 - ln 13 / ln 1000
        // = 0.63. Bins 2 and 3 are rare bigrams (0.90) of the pairs (0, 1)
        // and (2, 3). Only (0, 1), within one document, reaches 1.5.
        let mut entries: Vec<(u32, u32)> = (0..13).map(|w| (1, w)).collect();
        entries.extend([(2, 0), (2, 1), (3, 2), (3, 3)]);
        entries.sort_unstable();
        let found = |doc_cap| -> (Vec<(u32, u32)>, u64) {
            let (pairs, oversized) =
                candidates(entries.clone(), &doc_of, 4, doc_cap, None);
            (pairs.iter().map(|&(x, y, _)| (x, y)).collect(), oversized)
        };
        assert_eq!(found(50), (vec![(0, 1)], 0));
        // With bin 1 skipped, the rare bigram alone is not enough.
        assert_eq!(found(4), (vec![], 1));
    }

    #[test]
    fn large_bins_do_not_pair_neighbouring_documents() {
        // 100,000 windows, one per document. Three bins of 40 windows
        // each: windows 500 and 501 (neighbours by id) are in all three,
        // with 38 others that differ between the bins. Each bin's
        // evidence is 1 - ln 40 / ln 100,000 = 0.68; three make 2.04.
        let doc_of: Vec<u32> = (0..100_000).collect();
        let mut entries: Vec<(u32, u32)> = Vec::new();
        for bin in 0..3u32 {
            entries.extend([(bin, 500), (bin, 501)]);
            let others = (0..38).map(|i| 1000 + bin * 1000 + i * 7);
            entries.extend(others.map(|w| (bin, w)));
        }
        entries.sort_unstable();
        let (pairs, _) = candidates(entries, &doc_of, 1000, 1000, None);
        assert!(!pairs.iter().any(|&(x, y, _)| (x, y) == (500, 501)));
        // A story and its 39 copies, one sentence each, share the bins of
        // all their bigrams: each copy is paired with others, and every
        // pair found has the evidence of all three bins.
        let family: Vec<u32> = (0..40).map(|i| 2000 + i * 2371).collect();
        let entries: Vec<(u32, u32)> = (0..3u32)
            .flat_map(|bin| family.iter().map(move |&w| (bin, w)))
            .collect();
        let (pairs, _) = candidates(entries, &doc_of, 1000, 1000, None);
        for w in &family {
            assert!(pairs.iter().any(|&(x, y, _)| x == *w || y == *w));
        }
        assert!(pairs.iter().all(|&(_, _, e)| e >= 2000));
    }

    #[test]
    fn windows_between_two_pairs_on_a_diagonal_are_filled() {
        let quads = vec![
            // Documents 1 and 2: windows 10 -> 20 and 13 -> 23 fill 11 ->
            // 21 and 12 -> 22; 30 -> 40 and 31 -> 45 are on different
            // diagonals.
            (1, 2, 10, 20),
            (1, 2, 13, 23),
            (1, 2, 30, 40),
            (1, 2, 31, 45),
            // Too far apart on one diagonal.
            (1, 3, 0, 100),
            (1, 3, FILL_WINDOWS + 1, FILL_WINDOWS + 100),
            // Within one document, nothing is filled.
            (4, 4, 0, 10),
            (4, 4, 2, 12),
        ];
        let mut expected = quads.clone();
        expected.extend([(1, 2, 11, 21), (1, 2, 12, 22)]);
        expected.sort_unstable();
        assert_eq!(fill_diagonals(quads), expected);
    }

    #[test]
    fn windows_with_the_same_words_add_pairs_to_paired_documents() {
        // Documents 0 to 3 have windows 0..4, 4..8, 8..12 and 12..16.
        let windows: Vec<WindowRef> = (0..16u32)
            .map(|w| WindowRef {
                doc: w / 4,
                window: Window { start: w % 4, end: w % 4 + 1, line: 0 },
                bytes: (0, 1),
            })
            .collect();
        // Documents 0 and 1 are candidates; 0 and 2 are not.
        let quads = vec![(0, 1, 0, 4)];
        let copy = |key: u64, w: u32| (key, w, windows[w as usize].doc);
        let copies = vec![
            // Windows 1, 5 and 9 share their words: 1 -> 5 is added,
            // 1 -> 9 and 5 -> 9 are not (their documents are no pair).
            copy(7, 1),
            copy(7, 5),
            copy(7, 9),
            // Windows 2 and 3 of one document: not a pair between two.
            copy(8, 2),
            copy(8, 3),
        ];
        let found = add_copies(quads.clone(), &copies, None);
        assert_eq!(found, vec![(0, 1, 0, 4), (0, 1, 1, 5)]);
        // A draft (document 1) against the others: the pair is kept; with
        // both documents drafts, it is not.
        let drafts = [false, true, false, false];
        let found = add_copies(quads.clone(), &copies, Some(&drafts));
        assert_eq!(found, vec![(0, 1, 0, 4), (0, 1, 1, 5)]);
        let drafts = [true, true, false, false];
        let found = add_copies(quads.clone(), &copies, Some(&drafts));
        assert_eq!(found, quads);
    }

    #[test]
    fn a_document_repeating_crowded_words_pairs_each_repeat_with_the_first() {
        // Words key 3 in three windows of document 50 and in one window
        // each of other documents, MAX_COPIES windows in all; key 2 in two
        // documents only.
        let mut copies = vec![(2, 1, 0), (2, 7, 3)];
        let others = MAX_COPIES as u32 - 3;
        copies.extend((0..others).map(|d| (3, 10 * d, d)));
        copies.extend([(3, 500, 50), (3, 504, 50), (3, 509, 50)]);
        copies.sort_unstable();
        // A group of MAX_COPIES windows is a copy group, not crowded.
        assert!(copy_groups(&copies, true).1.is_empty());
        // One window more, and document 50's three are crowded.
        copies.push((3, 990, 99));
        copies.sort_unstable();
        let crowded = copy_groups(&copies, true).1;
        assert_eq!(crowded, [(3, 500, 50), (3, 504, 50), (3, 509, 50)]);
        assert_eq!(
            repeats(&crowded, 2),
            [(50, 50, 500, 504), (50, 50, 500, 509)]
        );
        assert!(repeats(&crowded, 3).is_empty());
    }

    #[test]
    fn copy_groups_hold_two_to_max_copies_windows() {
        let mut copies = vec![(1, 0, 0), (2, 1, 0), (2, 7, 3), (4, 9, 4)];
        // A stock sentence: one window more than a copy group holds.
        copies.extend((0..=MAX_COPIES as u32).map(|w| (3, 20 + w, 10 + w)));
        copies.sort_unstable();
        assert_eq!(copy_groups(&copies, true).0, vec![(2, 1, 0), (2, 7, 3)]);
        let most: Vec<_> =
            copies.iter().copied().filter(|c| c.1 != 20).collect();
        assert_eq!(copy_groups(&most, true).0.len(), 2 + MAX_COPIES);
    }

    #[test]
    fn pieces_of_copies_keep_groups_whole() {
        let keys = [1, 1, 1, 2, 2, 3, 3, 3, 3, 4];
        let items: Vec<(u64, u32, u32)> =
            keys.iter().enumerate().map(|(i, &k)| (k, i as u32, 0)).collect();
        for n in [1, 2, 4, 9, 20] {
            let pieces = group_pieces(&items, n);
            assert_eq!(pieces.concat(), items, "{n} pieces");
            for p in pieces.windows(2) {
                assert_ne!(p[0].last().unwrap().0, p[1][0].0, "{n} pieces");
            }
        }
        assert!(group_pieces(&[], 4).is_empty());
    }

    #[test]
    fn words_keys_tell_the_same_words_in_order() {
        let mut tokenizer = TermTokenizer::new(7);
        let mut key = |text: &str| {
            let mut terms = Vec::new();
            tokenizer.terms(text.as_bytes(), Unit::Word, &mut terms);
            words_key(&terms)
        };
        let a = key("The mayor opened the new bridge over the river today.");
        assert_ne!(a, NO_KEY);
        assert_eq!(
            a,
            key("the Mayor opened the new bridge, over the river today")
        );
        assert_ne!(
            a,
            key("The mayor opened the new bridge over the river Monday.")
        );
        assert_ne!(
            a,
            key("The new mayor opened the bridge over the river today.")
        );
        // Three content words: a line's tail, not evidence of copying.
        assert_eq!(key("The mayor opened the bridge."), NO_KEY);
    }

    /// Default settings, with seed 0.
    const SETTINGS: Settings = Settings {
        min_similarity: 0.45,
        min_words: 6,
        max_bucket: 100,
        seed: 0,
    };

    /// `doc` against itself, as if two documents.
    fn self_pair<'a>(
        doc: &'a DocTerms,
        idf: &'a Idf,
        settings: &'a Settings,
    ) -> DocPair<'a> {
        DocPair { a: doc, b: doc, same: false, idf, settings }
    }

    #[test]
    fn copied_windows_seed_as_compared_ones_do() {
        // Two sentences of prose, and one of a single stem.
        let text = b"The council approved the bridge budget on Tuesday.\n\
            Officials expect the work to start in March, weather allowing.\n\
            Bridge bridge bridge bridge bridge bridge.";
        let mut tokenizer = TermTokenizer::new(0);
        let mut terms = Vec::new();
        tokenizer.terms(text, Unit::Word, &mut terms);
        let mut windows = Vec::new();
        tokenizer.windows(text, &terms, &mut windows);
        assert_eq!(windows.len(), 3);
        let mut doc = DocTerms::default();
        let end = text.len() as u32;
        doc.push_run(&mut tokenizer, text, Unit::Word, 0, (0, end));
        let (settings, idf) = (SETTINGS, Idf::new(&StemCounts::default(), 10));
        let pair = self_pair(&doc, &idf, &settings);
        let mut s = Scratch::default();
        let mut seeded = 0;
        for &w in &windows {
            let t = doc.slice(w.start, w.end);
            let fast = pair.copied(w, w, t, &mut s);
            let slow = pair.compared(w, w, t, t, &mut s);
            match (fast, slow) {
                (Some(f), Some(c)) => {
                    assert_eq!((f.a, f.b), (c.a, c.b));
                    assert!((f.similarity - c.similarity).abs() < 1e-9);
                    seeded += 1;
                }
                (None, None) => {}
                other => panic!("window {w:?}: {other:?}"),
            }
        }
        assert_eq!(seeded, 2);
    }

    #[test]
    fn stem_tallies_weigh_as_sorted_stems_do() {
        let idf = Idf {
            weights: (0..64).map(|i| 0.01 + i as f32 * 0.37).collect(),
            mask: 63,
        };
        let (settings, doc) = (SETTINGS, DocTerms::default());
        let pair = self_pair(&doc, &idf, &settings);
        let mut rng = crate::synth::Rng::new(9);
        let mut s = Scratch::default();
        let mut reference = Scratch::default();
        for round in 0..3000 {
            // Stems from a small pool that share their low bits, so that
            // probes run long; slices of up to 300 words, with repeats.
            let pool = 1 + rng.below(60) as u32;
            let shift = rng.below(12) as u32;
            let mut terms = |n: usize| -> Vec<Term> {
                (0..n)
                    .map(|_| Term {
                        stem: (rng.below(pool as usize) as u32) << shift,
                        word: 0,
                        start: 0,
                        end: 1,
                        flags: 0,
                        content: true,
                    })
                    .collect()
            };
            let na = if round % 3 == 0 { 0 } else { 300 };
            let x = terms(na.min(round % 301));
            let y = terms(round % 97);
            let (share, found) = pair.weighted(&x, &y, &mut s);
            let (want, want_found) =
                pair.weighted_by_sorting(&x, &y, &mut reference);
            assert_eq!(found, want_found, "round {round}");
            assert_eq!(share.to_bits(), want.to_bits(), "round {round}");
        }
    }

    #[test]
    fn weighted_share_counts_the_words_each_side_matches() {
        let (settings, idf) = (SETTINGS, Idf::new(&StemCounts::default(), 10));
        let doc = DocTerms::default();
        let pair = self_pair(&doc, &idf, &settings);
        let terms = |stems: &[u32]| -> Vec<Term> {
            let term = |&stem| Term {
                stem,
                word: stem,
                start: 0,
                end: 1,
                flags: 0,
                content: true,
            };
            stems.iter().map(term).collect()
        };
        // Every word of x whose stem y has, by brute force.
        let found = |x: &[Term], y: &[Term]| {
            x.iter().filter(|t| y.iter().any(|u| u.stem == t.stem)).count()
                as u32
        };
        let mut rng = crate::synth::Rng::new(5);
        let mut s = Scratch::default();
        for n in [0, 1, 5, 40] {
            let mut stems = || -> Vec<u32> {
                (0..n).map(|_| (rng.next_u64() % 6) as u32).collect()
            };
            let (x, y) = (terms(&stems()), terms(&stems()));
            let (share, matched) = pair.weighted(&x, &y, &mut s);
            assert_eq!(matched, (found(&x, &y), found(&y, &x)));
            assert!((0.0..=1.0).contains(&share));
        }
        // "a a b c" against "a b b d": three words on each side have a
        // stem of the other; two pairs of them match one to one, a share
        // of 2 × 2 of 4 + 4 words (all weighing the same here).
        let (x, y) = (terms(&[1, 1, 2, 3]), terms(&[1, 2, 2, 4]));
        let (share, matched) = pair.weighted(&x, &y, &mut s);
        assert_eq!(matched, (3, 3));
        assert!((share - 0.5).abs() < 1e-9, "{share}");
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
    fn gram_counts_equal_those_of_sorted_sets() {
        let mut rng = crate::synth::Rng::new(11);
        let mut counter = GramCounter::default();
        let term = |word| Term {
            stem: 0,
            word,
            start: 0,
            end: 0,
            flags: 0,
            content: true,
        };
        for round in 0..3000 {
            // Spans of 0 to 600 words from a small pool, so that grams
            // repeat within a span and are shared between the two; the
            // table grows and shrinks in use.
            let pool = 1 + rng.below(40);
            let (na, nb) = (
                rng.below(if round % 2 == 0 { 8 } else { 600 }),
                rng.below(600),
            );
            let a: Vec<Term> =
                (0..na).map(|_| term(rng.below(pool) as u32)).collect();
            let b: Vec<Term> =
                (0..nb).map(|_| term(rng.below(pool) as u32)).collect();
            for (a, b) in [(&a, Some(&b[..])), (&b, None)] {
                let (got, want) = (counter.count(a, b), sorted_grams(a, b));
                assert_eq!(
                    (got.shared, got.size_a, got.size_b),
                    (want.shared, want.size_a, want.size_b)
                );
            }
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

    #[test]
    fn terms_of_window_spans_are_the_documents_terms() {
        // Random texts of pieces the tokenizer treats specially, in word
        // and character units; random sets of windows, tokenized alone.
        const PIECES: &[&str] = &[
            "word",
            "Word",
            "don't",
            "'n'",
            "rock'",
            "Zürich",
            "Russia’s",
            "café",
            "e\u{301}t\u{e9}",
            "北京",
            "3.5",
            "U.S.",
            "x",
            "— ",
            ". ",
            "; ",
            ", ",
            " ",
            "  ",
            "\n",
            "\n\n",
            "“",
            "”",
            "🙂",
        ];
        let mut rng = crate::synth::Rng::new(7);
        let mut tokenizer = TermTokenizer::new(0);
        for round in 0..3000 {
            let mut text = String::new();
            for _ in 0..rng.below(120) {
                text.push_str(PIECES[rng.below(PIECES.len())]);
                if rng.chance(0.6) {
                    text.push(' ');
                }
            }
            let text = text.as_bytes();
            let unit = if round % 4 == 0 { Unit::Char } else { Unit::Word };
            let mut all = Vec::new();
            tokenizer.terms(text, unit, &mut all);
            let mut windows = Vec::new();
            tokenizer.windows(text, &all, &mut windows);
            for t in &mut all {
                t.flags &= !Token::OPENS;
            }
            let picked: Vec<WindowRef> = windows
                .iter()
                .filter(|_| rng.chance(0.3))
                .map(|&window| WindowRef {
                    doc: 0,
                    window,
                    bytes: (
                        all[window.start as usize].start,
                        all[window.end as usize - 1].end,
                    ),
                })
                .collect();
            let terms =
                DocTerms::new(&mut tokenizer, text, unit, picked.iter());
            for w in &picked {
                let (start, end) = (w.window.start, w.window.end);
                assert_eq!(
                    terms.slice(start, end),
                    &all[start as usize..end as usize],
                    "{:?}",
                    String::from_utf8_lossy(text)
                );
            }
            // Each run holds the terms between its windows too.
            for &(first, end, _) in &terms.runs {
                assert_eq!(
                    terms.slice(first, end),
                    &all[first as usize..end as usize]
                );
            }
        }
    }
}
