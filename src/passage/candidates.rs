//! Step 2 of [`super`]: window pairs that agree on rare sketch bins, with
//! the windows with the same words and those between two pairs on one
//! diagonal.

use std::ops::Range;

use rayon::prelude::*;

use super::*;
use crate::keyset::KeySet;
use crate::marked::MarkedMap;
use crate::shingle::mix;
use crate::slices::{split_lengths, starts};
use crate::window::{MIN_WINDOW_CONTENT, Term};

impl Windows {
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
pub(super) fn fill_diagonals(
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
pub(super) fn union(
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
    pub(super) windows: Vec<WindowRef>,
    /// `(doc a, doc b, window of a, window of b)`, sorted.
    pub(super) quads: Vec<(u32, u32, u32, u32)>,
    pub(super) oversized: u64,
    pub(super) idf: Idf,
    pub(super) seed: u64,
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
}

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
pub(super) const EVIDENCE_SCALE: f64 = 1000.0;

/// Evidence weights are measured against at least this many windows. In
/// a corpus of a few sentences every bigram that two windows share would
/// otherwise count as common: with two windows, a bin of both weighs 0,
/// and two sentences given alone, however alike, were never compared. A
/// bin of two of 32 windows weighs 0.8, so two rare shared bigrams are
/// enough, as they are in a large corpus. The seed article has 35
/// windows, the news fixtures 59.
pub const MIN_EVIDENCE_WINDOWS: usize = 32;

/// The evidence weight of a bin shared by `size` windows, fixed-point.
pub(super) fn evidence(size: usize, ln_windows: f64) -> u16 {
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
pub(super) fn candidates(
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

/// The window pairs of [`candidates()`] with enough evidence from `bins`,
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
pub(super) struct DocFirsts {
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
pub(super) fn words_key(terms: &[Term]) -> u64 {
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
pub(super) const NO_KEY: u64 = u64::MAX;

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
pub(super) fn add_copies(
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
pub(super) fn copy_groups(
    copies: &[(u64, u32, u32)],
    crowded: bool,
) -> (Keyed, Keyed) {
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
pub(super) fn repeats(
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
pub(super) fn group_pieces(
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

/// Bins of [`candidates()`] that count and write their links together.
const LINK_CHUNK_BINS: usize = 4096;

/// A window's link to later members of one of its bins, as [`candidates()`]
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
pub(super) struct Link([u32; 3]);

/// Bits of a [`Link`]'s start: ranges of up to 2^40 entries, those of
/// more than 100 billion windows.
pub(super) const LINK_FROM_BITS: u32 = 40;

/// Bits of a [`Link`]'s length. A longer range (a document with 8,192
/// windows in one bin) keeps its first members.
pub(super) const LINK_COUNT_BITS: u32 = 13;

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
pub(super) fn links(
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

/// A sketch bin worth looking at (see [`candidates()`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Bin<'a> {
    /// Its windows, sorted.
    members: &'a [u32],
    /// Evidence weight, fixed-point.
    weight: u16,
    /// False for a bin that links windows of one document only.
    across: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Unit;
    use crate::window::TermTokenizer;

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
}
