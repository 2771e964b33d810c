//! Shingles: hashes of every window of `k` consecutive tokens.
//!
//! Each token is hashed once (by [`crate::tokenize`]); a window's hash is a
//! polynomial in its token hashes that rolls forward in O(1), so the cost
//! does not grow with `k` (re-hashing each window's text is O(n·k)). The
//! rolled value goes through SplitMix64's finalizer so that every output
//! bit depends on every token.

use crate::tokenize::Token;

/// Rolling multiplier (any odd constant). Changing it changes every shingle
/// hash: bump [`crate::normalize::NORMALIZATION_VERSION`].
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// One window of tokens: its hash and its byte span in the document.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
pub struct Shingle {
    /// The window's 64-bit hash.
    pub hash: u64,
    /// Start of the first token.
    pub start: u32,
    /// End of the last token.
    pub end: u32,
}

/// SplitMix64's finalizer (Steele, Lea and Flood 2014): a bijection on
/// `u64` whose output bits each depend on all input bits.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Calls `f(i, hash)` for the window starting at token `i`, for every
/// window of `k` consecutive token hashes.
///
/// Fewer than `k` hashes (but at least one) make one window of them all, so
/// short documents still compare. No hashes, no windows.
///
/// # Panics
///
/// If `k == 0`, which configuration validation rules out.
#[inline]
pub fn for_each_window(
    hashes: &[u64],
    k: usize,
    mut f: impl FnMut(usize, u64),
) {
    assert!(k > 0, "shingle size must be non-zero");
    let width = k.min(hashes.len());
    if width == 0 {
        return;
    }
    // BASE^(width-1): the weight of the oldest token in the window.
    let top = (1..width).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut state = hashes[..width]
        .iter()
        .fold(0u64, |h, &t| h.wrapping_mul(BASE).wrapping_add(t));
    f(0, mix(state));
    for pos in 1..=hashes.len() - width {
        // Slide by one: drop the oldest token, take in the next one.
        let outgoing = hashes[pos - 1].wrapping_mul(top);
        state = state
            .wrapping_sub(outgoing)
            .wrapping_mul(BASE)
            .wrapping_add(hashes[pos + width - 1]);
        f(pos, mix(state));
    }
}

/// The number of windows [`for_each_window`] makes over `n` tokens.
pub fn window_count(n: usize, k: usize) -> usize {
    if n == 0 { 0 } else { n.saturating_sub(k) + 1 }
}

/// Every window of `k` tokens, with spans.
///
/// # Panics
///
/// If `k == 0`.
pub fn shingles(tokens: &[Token], k: usize) -> Vec<Shingle> {
    let hashes: Vec<u64> = tokens.iter().map(|t| t.hash).collect();
    let width = k.min(tokens.len());
    let mut out = Vec::with_capacity(window_count(tokens.len(), k));
    for_each_window(&hashes, k, |i, hash| {
        out.push(Shingle {
            hash,
            start: tokens[i].start,
            end: tokens[i + width - 1].end,
        });
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::UnitChoice;
    use crate::tokenize::Tokenizer;

    fn sample() -> Vec<Token> {
        Tokenizer::new(0).tokens(b"the quick brown fox", UnitChoice::Word)
    }

    /// The hash of one window, computed directly from its token hashes.
    fn direct(hashes: &[u64]) -> u64 {
        mix(hashes
            .iter()
            .fold(0u64, |h, &t| h.wrapping_mul(BASE).wrapping_add(t)))
    }

    #[test]
    fn rolling_matches_direct() {
        let hashes: Vec<u64> = (0..40u64).map(|i| mix(i ^ 0xABCD)).collect();
        for k in 1..=9 {
            let mut got = Vec::new();
            for_each_window(&hashes, k, |i, h| got.push((i, h)));
            let want: Vec<(usize, u64)> = hashes
                .windows(k)
                .enumerate()
                .map(|(i, w)| (i, direct(w)))
                .collect();
            assert_eq!(got, want, "k = {k}");
            assert_eq!(got.len(), window_count(hashes.len(), k));
        }
    }

    #[test]
    fn short_input_makes_one_window() {
        let tokens = sample();
        let got = shingles(&tokens, 9);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].start, got[0].end), (0, 19));
        assert!(shingles(&[], 5).is_empty());
        assert_eq!(window_count(0, 5), 0);
        assert_eq!(window_count(3, 5), 1);
    }

    #[test]
    fn spans_cover_the_window() {
        let got = shingles(&sample(), 3);
        let spans: Vec<(u32, u32)> =
            got.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(spans, [(0, 15), (4, 19)]);
    }

    // Persisted and reported values depend on these exact values. If this
    // fails, either revert the change or bump NORMALIZATION_VERSION.
    #[test]
    fn hash_values_are_stable() {
        let got: Vec<u64> =
            shingles(&sample(), 3).iter().map(|s| s.hash).collect();
        assert_eq!(got, [0x6694_be9c_9f11_83dd, 0x7349_b6b4_29be_8275]);
        assert_eq!(mix(0), 0);
        assert_eq!(mix(1), 0x5692161d100b05e5);
    }
}
