//! Document frequency of shingles, on a sample: how much of a corpus's
//! text recurs across documents, and how much of that boilerplate
//! detection accounts for.
//!
//! Lines, line templates and sentences are counted whole (see
//! [`crate::boilerplate`]); shingles are what near-duplicate detection
//! compares, and their document frequency says how much text recurs
//! whatever its unit: boilerplate, stock phrases, syndicated and copied
//! stories. A shingle whose hash has its top [`SAMPLE_BITS`] bits zero is
//! counted (one in 64, the same ones in every document, as in a scaled
//! MinHash sketch), so that counting costs a sort of about 16 entries a
//! document, not a table of every shingle. The sample is exact: shares
//! of it estimate the corpus's, and `distinct × 64` its distinct shingles.
//!
//! The sample is taken in the scan's parallel pass, from the shingles it
//! makes; the input is not read again.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::boilerplate::Span;
use crate::slices::split_lengths;

/// A shingle is counted when the top this many bits of its hash are zero:
/// one in 2^6 = 64.
pub const SAMPLE_BITS: u32 = 6;

/// The counted shingles of one document: `(shingle, index)`, every
/// occurrence, in text order.
pub type Sample = Vec<(u32, u32)>;

/// The [`Sample`] of a document's shingles.
pub fn sample(shingles: &[u32]) -> Sample {
    shingles
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s >> (32 - SAMPLE_BITS) == 0)
        .map(|(i, &s)| (s, i as u32))
        .collect()
}

/// Shingle document frequencies of a scan, on the sample. An incidence is
/// a shingle in a document (however often it occurs there); documents
/// that repeat another exactly do not count.
#[derive(
    Clone, Copy, Debug, Default, Eq, PartialEq, Serialize, Deserialize,
)]
pub struct ShingleDf {
    /// One shingle hash in this many is counted (64); 0 when nothing was
    /// counted (boilerplate detection off).
    pub sample: u64,
    /// Distinct counted shingles.
    pub distinct: u64,
    /// Of those, the ones in at least `min_docs` documents (and two).
    pub recurring: u64,
    /// Incidences of counted shingles.
    pub incidences: u64,
    /// Of those, incidences of recurring shingles.
    pub recurring_incidences: u64,
    /// Of those, incidences with an occurrence outside boilerplate spans:
    /// recurring text that boilerplate detection left, copies of stories
    /// and stock phrases.
    pub recurring_outside_boilerplate: u64,
}

/// Counts the sample: `sampled[d]` from [`sample`] of document `d`'s
/// shingles of `k` tokens, `counted[d]` false for exact copies, `spans[d]`
/// its boilerplate (sorted, disjoint).
pub fn count(
    sampled: &[Sample],
    counted: &[bool],
    spans: &[Vec<Span>],
    k: u32,
    min_docs: u32,
) -> ShingleDf {
    // Every occurrence as one number, `shingle · 2³³ + document · 2 +
    // outside boilerplate`, each document's written in its place: sorted
    // as numbers, not as tuples, the sort takes half the instructions.
    // Sampled shingles are below 2^(32 − SAMPLE_BITS).
    let lens =
        sampled.iter().zip(counted).map(|(s, &c)| if c { s.len() } else { 0 });
    let mut all = vec![0u64; lens.clone().sum()];
    split_lengths(&mut all, lens).into_par_iter().enumerate().for_each(
        |(d, out)| {
            for (slot, &(s, i)) in out.iter_mut().zip(&sampled[d]) {
                debug_assert_eq!(s >> (32 - SAMPLE_BITS), 0);
                let outside = !in_spans(&spans[d], i, i + k);
                *slot =
                    u64::from(s) << 33 | (d as u64) << 1 | u64::from(outside);
            }
        },
    );
    all.par_sort_unstable();
    let mut df =
        ShingleDf { sample: 1 << SAMPLE_BITS, ..ShingleDf::default() };
    let min_docs = min_docs.max(2) as usize;
    for shingle in all.chunk_by(|x, y| x >> 33 == y >> 33) {
        // Per document: outside boilerplate when any occurrence is.
        let docs = shingle.chunk_by(|x, y| x >> 1 == y >> 1);
        let (mut n, mut outside) = (0, 0);
        for doc in docs {
            n += 1;
            outside += u64::from(doc.iter().any(|o| o & 1 == 1));
        }
        df.distinct += 1;
        df.incidences += n as u64;
        if n >= min_docs {
            df.recurring += 1;
            df.recurring_incidences += n as u64;
            df.recurring_outside_boilerplate += outside;
        }
    }
    df
}

/// True when tokens `start..end` overlap one of `spans`.
fn in_spans(spans: &[Span], start: u32, end: u32) -> bool {
    // Spans are in order and disjoint: the first that ends after `start`
    // is the only one that can overlap.
    let i = spans.partition_point(|s| s.tokens.1 <= start);
    spans.get(i).is_some_and(|s| s.tokens.0 < end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boilerplate::Reason;

    fn span(tokens: (u32, u32)) -> Span {
        Span {
            line: 0,
            tokens,
            start: 0,
            end: 0,
            template: None,
            reason: Reason::Recurring,
        }
    }

    #[test]
    fn samples_are_the_shingles_with_the_top_bits_zero() {
        let top = 32 - SAMPLE_BITS;
        let shingles = [1 << top, (1 << top) - 1, 0, u32::MAX, 5, 0];
        assert_eq!(
            sample(&shingles),
            [(67_108_863, 1), (0, 2), (5, 4), (0, 5)]
        );
    }

    #[test]
    fn counts_match_a_count_by_hand() {
        // Shingles 1 and 2 in documents 0, 1 and 3; shingle 3 in 0 only;
        // document 2 is an exact copy of 0 and does not count. Document 1
        // has shingle 1 at 10 and 40, and a span over tokens 8..13: the
        // occurrence at 40 is outside. Document 3's span covers shingle 2
        // (at 7, tokens 7..10) by its last token.
        let sampled = vec![
            vec![(1, 0), (2, 5), (3, 9)],
            vec![(1, 10), (2, 20), (1, 40)],
            vec![(1, 0), (2, 5)],
            vec![(1, 30), (2, 7)],
        ];
        let counted = [true, true, false, true];
        let spans = vec![
            vec![span((0, 4))],
            vec![span((8, 13)), span((20, 21))],
            vec![],
            vec![span((9, 12))],
        ];
        let df = count(&sampled, &counted, &spans, 3, 2);
        // Incidences: 1 in {0, 1, 3}, 2 in {0, 1, 3}, 3 in {0}.
        // Outside: 1 at 0 in document 0 is inside (0..4); in 1 the one at
        // 40 is outside; in 3, at 30, outside. 2 at 5 in 0: outside; at 20
        // in 1: inside; at 7 in 3: inside (tokens 7..10 meet 9..12).
        assert_eq!(
            df,
            ShingleDf {
                sample: 64,
                distinct: 3,
                recurring: 2,
                incidences: 7,
                recurring_incidences: 6,
                recurring_outside_boilerplate: 3,
            }
        );
        // With three documents needed, still both; with four, neither.
        assert_eq!(count(&sampled, &counted, &spans, 3, 3).recurring, 2);
        let four = count(&sampled, &counted, &spans, 3, 4);
        assert_eq!((four.recurring, four.recurring_incidences), (0, 0));
    }

    #[test]
    fn summaries_written_before_the_sample_read_as_zeros() {
        let mut summary =
            serde_json::to_value(crate::report::Summary::default()).unwrap();
        summary.as_object_mut().unwrap().remove("shingle_df");
        let read: crate::report::Summary =
            serde_json::from_value(summary).unwrap();
        assert_eq!(read.shingle_df, ShingleDf::default());
    }

    #[test]
    fn spans_contain_what_they_overlap() {
        let spans = [span((2, 5)), span((9, 10))];
        assert!(!in_spans(&spans, 0, 2));
        assert!(in_spans(&spans, 0, 3));
        assert!(in_spans(&spans, 4, 7));
        assert!(!in_spans(&spans, 5, 9));
        assert!(in_spans(&spans, 9, 12));
        assert!(!in_spans(&spans, 10, 13));
        assert!(!in_spans(&[], 0, 13));
    }
}
