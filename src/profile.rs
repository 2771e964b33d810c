//! What the scan keeps of each document after reading it once.
//!
//! One pass over a document's text tokenizes it, hashes its shingles and
//! its whole normalized text. Everything after that (signatures, exact
//! duplicate groups, verification) works from the [`DocProfile`], never
//! from the text again.

use crate::normalize::{Unit, UnitChoice};
use crate::shingle::{for_each_window, window_count};
use crate::tokenize::Tokenizer;

/// A document as the scan sees it.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct DocProfile {
    /// Words or characters.
    pub unit: Option<Unit>,
    /// Number of tokens.
    pub tokens: u32,
    /// Hash of the whole normalized token sequence: equal for documents
    /// whose texts differ only in case, punctuation and spacing.
    pub exact: u64,
    /// 32-bit shingle hashes in text order, duplicates included.
    ///
    /// 32 bits halve the memory of 64 and barely move Jaccard values: two
    /// documents of 1,000 shingles each have one spurious match with
    /// probability about 1,000² / 2³² ≈ 0.0002.
    pub shingles: Vec<u32>,
}

/// Makes [`DocProfile`]s. Keeps scratch buffers: use one per thread.
#[derive(Clone, Debug)]
pub struct Profiler {
    tokenizer: Tokenizer,
    unit: UnitChoice,
    shingle_size: usize,
    hashes: Vec<u64>,
}

/// Multiplier of the exact-text fold (any odd constant).
const EXACT_BASE: u64 = 0xD6E8_FEB8_6659_FD93;

impl Profiler {
    /// A profiler with the given unit choice and shingle size.
    pub fn new(seed: u64, unit: UnitChoice, shingle_size: usize) -> Profiler {
        Profiler {
            tokenizer: Tokenizer::new(seed),
            unit,
            shingle_size,
            hashes: Vec::new(),
        }
    }

    /// The profile of `text`.
    pub fn profile(&mut self, text: &[u8]) -> DocProfile {
        self.hashes.clear();
        let unit = self.tokenizer.hashes(text, self.unit, &mut self.hashes);
        let exact = crate::shingle::mix(
            self.hashes.iter().fold(unit as u64, |h, &t| {
                h.wrapping_mul(EXACT_BASE).wrapping_add(t)
            }),
        );
        let mut shingles = Vec::with_capacity(window_count(
            self.hashes.len(),
            self.shingle_size,
        ));
        for_each_window(&self.hashes, self.shingle_size, |_, h| {
            shingles.push((h >> 32) as u32)
        });
        DocProfile {
            unit: Some(unit),
            tokens: self.hashes.len() as u32,
            exact,
            shingles,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_hash_ignores_case_and_punctuation() {
        let mut p = Profiler::new(1, UnitChoice::Auto, 3);
        let a = p.profile(b"The cat sat on the mat.");
        let b = p.profile("the CAT — sat on: the mat".as_bytes());
        let c = p.profile(b"the cat sat on a mat");
        assert_eq!(a.exact, b.exact);
        assert_ne!(a.exact, c.exact);
        assert_eq!(a.shingles, b.shingles);
        assert_eq!(a.tokens, 6);
        assert_eq!(a.shingles.len(), 4);
    }

    #[test]
    fn short_documents_have_one_shingle() {
        let mut p = Profiler::new(1, UnitChoice::Auto, 5);
        assert_eq!(p.profile(b"two words").shingles.len(), 1);
    }
}
