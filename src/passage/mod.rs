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
//! Step 1 is in the module `windows`, step 2 in `candidates`, steps 3 and
//! 4 in `align`.
//!
//! The similarity reported is that weighted share over the final spans;
//! beside it come the exact Jaccard and containments of the spans' word
//! 3-gram sets, and a kind: `verbatim` (the same words), `near` (3-gram
//! Jaccard of at least 0.5: few local edits) or `rewrite`.

use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, DocId};
use crate::profile::DocProfile;
use crate::verify::{Overlap, overlap};
use crate::window::Window;

mod align;
mod candidates;
mod windows;

// Each step's module sees the others' items through `use super::*`.
use self::align::*;
use self::candidates::*;
pub use self::candidates::{
    Candidates, DOC_WINDOWS_PER_BUCKET_SLOT, FILL_WINDOWS, LONG_DOC_PAIRS,
    MAX_COPIES, MIN_EVIDENCE, MIN_EVIDENCE_WINDOWS, SHORT_DOC_WINDOWS,
    STRONG_EVIDENCE, WINDOWS_PER_BUCKET_SLOT,
};
pub use self::windows::Windows;
use self::windows::*;

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
