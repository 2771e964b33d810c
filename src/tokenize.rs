//! Tokens: normalized words (or characters) with their byte spans.
//!
//! A [`Token`] does not own its text. It holds the xxh3 hash of its
//! normalized form, which is all that shingling needs, and the half-open
//! byte span `[start, end)` of the original text it came from, which is all
//! that reporting needs. The rules are in [`crate::normalize`].

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::{
    Unit, UnitChoice, decode, is_apostrophe, is_unspaced_script, is_word_char,
    push_folded,
};

/// One token: the hash of its normalized text, where it came from, and
/// three facts about its original form.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
pub struct Token {
    /// xxh3-64 of the normalized token, with the sketch seed.
    pub hash: u64,
    /// Byte offset of the token's first byte in the document.
    pub start: u32,
    /// Byte offset one past the token's last byte.
    pub end: u32,
    /// [`Token::CAPITALIZED`], [`Token::DIGIT`], [`Token::OPENS`].
    pub flags: u8,
}

impl Token {
    /// The original starts with an uppercase letter.
    pub const CAPITALIZED: u8 = 1;
    /// The original contains a digit.
    pub const DIGIT: u8 = 2;
    /// The token opens the text, a line, or a clause (it follows one of
    /// `. ; : ! ?` or their fullwidth forms).
    pub const OPENS: u8 = 4;

    /// True when the original starts with an uppercase letter.
    pub fn is_capitalized(&self) -> bool {
        self.flags & Token::CAPITALIZED != 0
    }

    /// True when the original contains a digit.
    pub fn has_digit(&self) -> bool {
        self.flags & Token::DIGIT != 0
    }

    /// True when the token opens the text, a line or a clause.
    pub fn opens(&self) -> bool {
        self.flags & Token::OPENS != 0
    }
}

/// Splits text into [`Token`]s. Reuse one per thread: it keeps a scratch
/// buffer for normalized text, so tokenizing allocates nothing once the
/// output vector has grown.
#[derive(Clone, Debug)]
pub struct Tokenizer {
    seed: u64,
    buf: Vec<u8>,
}

/// Byte classes of the fast path: not part of an ASCII word, a lowercase
/// letter, a digit, an uppercase letter.
const NOT_WORD: u8 = 0;
const LOWER: u8 = 1;
const DIGIT: u8 = 2;
const UPPER: u8 = 3;

static ASCII_CLASS: [u8; 256] = {
    let mut t = [NOT_WORD; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphanumeric() {
            LOWER
        } else {
            NOT_WORD
        };
        b += 1;
    }
    t
};

/// Separators after which a token opens a clause.
#[inline]
fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '.' | ';'
            | ':'
            | '!'
            | '?'
            | '\n'
            | '\u{3002}'
            | '\u{FF01}'
            | '\u{FF1F}'
            | '\u{FF1B}'
            | '\u{FF1A}'
    )
}

/// What tokenizing a text in word mode saw, to choose the unit.
#[derive(Clone, Copy, Debug, Default)]
struct WordStats {
    tokens: usize,
    /// Word characters of scripts written without spaces.
    unspaced: usize,
}

impl WordStats {
    /// The rule of [`UnitChoice::Auto`]: characters when a text has at
    /// least as many characters of scripts written without spaces as it
    /// has words. Characters are weighed against words, not letters,
    /// because one Chinese or Japanese character carries about as much as
    /// one English word; and a run of Chinese without spaces is one word
    /// in word mode.
    fn unit(&self) -> Unit {
        if self.unspaced > 0 && self.unspaced >= self.tokens {
            Unit::Char
        } else {
            Unit::Word
        }
    }
}

impl Tokenizer {
    /// A tokenizer whose token hashes use `seed`.
    pub fn new(seed: u64) -> Tokenizer {
        Tokenizer { seed, buf: Vec::with_capacity(64) }
    }

    /// Appends the tokens of `text` to `out` and returns the unit used:
    /// the one given, or for [`UnitChoice::Auto`] the one the text calls
    /// for.
    ///
    /// `text` need not be valid UTF-8: invalid bytes separate tokens.
    /// Offsets are `u32`, so `text` must be shorter than 4 GiB; the corpus
    /// reader enforces a much smaller limit.
    pub fn tokenize(
        &mut self,
        text: &[u8],
        unit: UnitChoice,
        out: &mut Vec<Token>,
    ) -> Unit {
        self.collect(text, unit, out, |t, _| t)
    }

    /// Calls `f` with each token of `text` in `unit`s and its normalized
    /// bytes (what its hash is of), in order. For callers that know the
    /// unit already, as later stages do from a document's profile.
    pub fn for_each(
        &mut self,
        text: &[u8],
        unit: Unit,
        f: impl FnMut(Token, &[u8]),
    ) {
        match unit {
            Unit::Word => {
                self.words(text, f);
            }
            Unit::Char => self.chars(text, f),
        }
    }

    /// Like [`Tokenizer::tokenize`], keeping only the hashes.
    pub fn hashes(
        &mut self,
        text: &[u8],
        unit: UnitChoice,
        out: &mut Vec<u64>,
    ) -> Unit {
        self.collect(text, unit, out, |t, _| t.hash)
    }

    /// Convenience: the tokens of `text` in a new vector.
    pub fn tokens(&mut self, text: &[u8], unit: UnitChoice) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize(text, unit, &mut out);
        out
    }

    #[inline]
    fn collect<T>(
        &mut self,
        text: &[u8],
        unit: UnitChoice,
        out: &mut Vec<T>,
        make: impl Fn(Token, &[u8]) -> T,
    ) -> Unit {
        debug_assert!(u32::try_from(text.len()).is_ok());
        let mark = out.len();
        let mut push = |t, norm: &[u8]| out.push(make(t, norm));
        match unit {
            UnitChoice::Char => {
                self.chars(text, &mut push);
                Unit::Char
            }
            UnitChoice::Word => {
                self.words(text, &mut push);
                Unit::Word
            }
            UnitChoice::Auto => {
                // Nearly every text is decided by one word-mode pass; only
                // text that turns out to be mostly Chinese, Japanese, Thai…
                // is tokenized a second time.
                let unit = self.words(text, &mut push).unit();
                if unit == Unit::Char {
                    out.truncate(mark);
                    self.chars(text, |t, norm| out.push(make(t, norm)));
                }
                unit
            }
        }
    }

    #[inline]
    fn hash(&self, bytes: &[u8]) -> u64 {
        xxh3_64_with_seed(bytes, self.seed)
    }

    #[inline]
    fn words(
        &mut self,
        text: &[u8],
        mut f: impl FnMut(Token, &[u8]),
    ) -> WordStats {
        let n = text.len();
        let mut stats = WordStats::default();
        let mut opens = true;
        // Where a word with capitals is lowercased: zeroed once, not for
        // every word (0.9% of the instructions of a doc-level scan).
        let mut tmp = [0u8; 32];
        let mut i = 0;
        while i < n {
            // Find the next word start, noting clause ends on the way.
            let b = text[i];
            if ASCII_CLASS[b as usize] == NOT_WORD {
                if b < 0x80 {
                    opens |= ends_clause(b as char);
                    i += 1;
                    continue;
                }
                match decode(text, i) {
                    Some((c, _)) if is_word_char(c) => {}
                    Some((c, len)) => {
                        opens |= ends_clause(c);
                        i += len;
                        continue;
                    }
                    None => {
                        i += 1;
                        continue;
                    }
                }
            }
            let start = i;
            stats.tokens += 1;
            let mut flags = if opens { Token::OPENS } else { 0 };
            opens = false;
            // Fast path: a run of ASCII letters and digits ending in ASCII
            // punctuation, space or the end. Hashed in place when it has no
            // uppercase letter, else lowercased on the stack.
            let first = ASCII_CLASS[b as usize];
            let mut seen = 0u8;
            loop {
                // Lowercase letters, most of a word's bytes, need no class
                // noted: eight are looked at in one step.
                let chunk = text.get(i..i + 8).map(<[u8; 8]>::try_from);
                if let Some(Ok(chunk)) = chunk {
                    let n = lowercase_prefix(u64::from_le_bytes(chunk));
                    i += n;
                    if n == 8 {
                        continue;
                    }
                }
                let class = ASCII_CLASS[*text.get(i).unwrap_or(&0) as usize];
                if class == NOT_WORD {
                    break;
                }
                seen |= 1 << class;
                i += 1;
            }
            if first == UPPER {
                flags |= Token::CAPITALIZED;
            }
            if seen & (1 << DIGIT) != 0 {
                flags |= Token::DIGIT;
            }
            let upper = seen & (1 << UPPER) != 0;
            let next = text.get(i).copied();
            if next.is_none_or(|b| b < 0x80 && b != b'\'') {
                let word = &text[start..i];
                let norm: &[u8] = if !upper {
                    word
                } else if word.len() <= 32 {
                    for (d, s) in tmp.iter_mut().zip(word) {
                        *d = s.to_ascii_lowercase();
                    }
                    &tmp[..word.len()]
                } else {
                    self.buf.clear();
                    self.buf.extend(word.iter().map(u8::to_ascii_lowercase));
                    &self.buf
                };
                let hash = xxh3_64_with_seed(norm, self.seed);
                // Offsets fit: documents are limited far below 4 GiB.
                let (start, end) = (start as u32, i as u32);
                f(Token { hash, start, end, flags }, norm);
                continue;
            }
            // General path: non-ASCII letters, marks, apostrophes.
            if start == i {
                // The word starts with a non-ASCII letter.
                if decode(text, i).is_some_and(|(c, _)| c.is_uppercase()) {
                    flags |= Token::CAPITALIZED;
                }
            }
            self.buf.clear();
            self.buf.extend_from_slice(&text[start..i]);
            loop {
                let run = i;
                while i < n && ASCII_CLASS[text[i] as usize] != NOT_WORD {
                    if ASCII_CLASS[text[i] as usize] == DIGIT {
                        flags |= Token::DIGIT;
                    }
                    i += 1;
                }
                self.buf.extend_from_slice(&text[run..i]);
                if i >= n {
                    break;
                }
                let b = text[i];
                if b == b'\'' {
                    if word_follows(text, i + 1) {
                        self.buf.push(b'\'');
                        i += 1;
                        continue;
                    }
                    break;
                }
                if b < 0x80 {
                    break;
                }
                match decode(text, i) {
                    Some((c, len)) if is_word_char(c) => {
                        stats.unspaced += usize::from(is_unspaced_script(c));
                        push_folded(c, &mut self.buf);
                        i += len;
                    }
                    Some((c, len))
                        if is_apostrophe(c) && word_follows(text, i + len) =>
                    {
                        self.buf.push(b'\'');
                        i += len;
                    }
                    _ => break,
                }
            }
            // Non-ASCII characters were folded as they were pushed; ASCII
            // ones are lowercased here in one go.
            self.buf.make_ascii_lowercase();
            let hash = self.hash(&self.buf);
            let (start, end) = (start as u32, i as u32);
            f(Token { hash, start, end, flags }, &self.buf);
        }
        stats
    }

    /// One token per word character.
    #[inline]
    fn chars(&mut self, text: &[u8], mut f: impl FnMut(Token, &[u8])) {
        let mut opens = true;
        let mut i = 0;
        while i < text.len() {
            let Some((c, len)) = decode(text, i) else {
                i += 1;
                continue;
            };
            if is_word_char(c) {
                let mut flags = if opens { Token::OPENS } else { 0 };
                if c.is_uppercase() {
                    flags |= Token::CAPITALIZED;
                }
                if c.is_numeric() {
                    flags |= Token::DIGIT;
                }
                opens = false;
                self.buf.clear();
                push_folded(c, &mut self.buf);
                let hash = self.hash(&self.buf);
                let (start, end) = (i as u32, (i + len) as u32);
                f(Token { hash, start, end, flags }, &self.buf);
            } else {
                opens |= ends_clause(c);
            }
            i += len;
        }
    }
}

/// How many of the eight bytes of `x`, lowest first (the order of a
/// little-endian load), are ASCII lowercase letters before one is not.
#[inline]
fn lowercase_prefix(x: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // With each byte's high bit cleared, adding 0x80 - c sets it exactly
    // in the bytes of at least c, and no byte carries into the next.
    let low = x & !HIGH;
    let from_a = low + ONES * u64::from(0x80 - b'a');
    let past_z = low + ONES * u64::from(0x80 - b'z' - 1);
    let lower = from_a & !past_z & !x & HIGH;
    ((!lower & HIGH).trailing_zeros() / 8) as usize
}

/// True when the character starting at byte `i` of `text` is a word
/// character.
#[inline]
fn word_follows(text: &[u8], i: usize) -> bool {
    match text.get(i) {
        None => false,
        Some(&b) if b < 0x80 => ASCII_CLASS[b as usize] != NOT_WORD,
        Some(_) => decode(text, i).is_some_and(|(c, _)| is_word_char(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let mut t = Tokenizer::new(0);
        t.tokens(text.as_bytes(), UnitChoice::Word)
            .iter()
            .map(|tok| &text[tok.start as usize..tok.end as usize])
            .collect()
    }

    fn hashes(text: &[u8], unit: UnitChoice) -> Vec<u64> {
        let mut t = Tokenizer::new(0);
        t.tokens(text, unit).iter().map(|tok| tok.hash).collect()
    }

    #[test]
    fn lowercase_prefixes_count_letters_a_to_z() {
        let mut rng = crate::synth::Rng::new(5);
        // Bytes around the edges of the range, and any byte.
        let edges = [b'`', b'a', b'b', b'y', b'z', b'{', 0xE1, 0xFA, 0xFF, 0];
        for _ in 0..100_000 {
            let bytes: [u8; 8] = std::array::from_fn(|_| {
                if rng.chance(0.7) {
                    b'a' + rng.below(26) as u8
                } else if rng.chance(0.5) {
                    edges[rng.below(edges.len())]
                } else {
                    rng.below(256) as u8
                }
            });
            let expected =
                bytes.iter().take_while(|b| b.is_ascii_lowercase()).count();
            let x = u64::from_le_bytes(bytes);
            assert_eq!(lowercase_prefix(x), expected, "{bytes:?}");
        }
    }

    #[test]
    fn spans_cover_original_text() {
        assert_eq!(
            words("“U.S.-China” ties, Russia’s war; don't stop!"),
            ["U", "S", "China", "ties", "Russia’s", "war", "don't", "stop"]
        );
        assert_eq!(words("  "), Vec::<&str>::new());
        assert_eq!(
            words("'quoted' rock 'n' roll"),
            ["quoted", "rock", "n", "roll"]
        );
        assert_eq!(words("Zürich café"), ["Zürich", "café"]);
    }

    #[test]
    fn flags_describe_the_original() {
        let text =
            "Reporting by Ann Lee; editing by R2D2 in Zürich.\nÉté 2026";
        let toks = Tokenizer::new(0).tokens(text.as_bytes(), UnitChoice::Word);
        let got: Vec<(&str, bool, bool, bool)> = toks
            .iter()
            .map(|t| {
                (
                    &text[t.start as usize..t.end as usize],
                    t.is_capitalized(),
                    t.has_digit(),
                    t.opens(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Reporting", true, false, true),
                ("by", false, false, false),
                ("Ann", true, false, false),
                ("Lee", true, false, false),
                ("editing", false, false, true),
                ("by", false, false, false),
                ("R2D2", true, true, false),
                ("in", false, false, false),
                ("Zürich", true, false, false),
                ("Été", true, false, true),
                ("2026", false, true, false),
            ]
        );
    }

    #[test]
    fn normalization_makes_equal_tokens() {
        assert_eq!(
            hashes(b"China's", UnitChoice::Word),
            hashes("CHINA’S".as_bytes(), UnitChoice::Word)
        );
        assert_eq!(
            hashes(b"U.S. China", UnitChoice::Word),
            hashes("“U.S.—China”".as_bytes(), UnitChoice::Word)
        );
        assert_eq!(
            hashes("ＡＢＣ".as_bytes(), UnitChoice::Word),
            hashes(b"abc", UnitChoice::Word)
        );
        assert_ne!(
            hashes(b"china", UnitChoice::Word),
            hashes(b"chinas", UnitChoice::Word)
        );
    }

    #[test]
    fn invalid_utf8_separates_and_keeps_offsets() {
        let text = b"abc\xffdef \xe2\x80 ghi";
        let mut t = Tokenizer::new(0);
        let spans: Vec<(u32, u32)> = t
            .tokens(text, UnitChoice::Word)
            .iter()
            .map(|x| (x.start, x.end))
            .collect();
        assert_eq!(spans, [(0, 3), (4, 7), (11, 14)]);
    }

    fn unit(text: &str) -> Unit {
        Tokenizer::new(0).tokenize(
            text.as_bytes(),
            UnitChoice::Auto,
            &mut Vec::new(),
        )
    }

    #[test]
    fn unit_detection() {
        assert_eq!(unit("plain ascii text"), Unit::Word);
        assert_eq!(unit("Zürich – “quoted”"), Unit::Word);
        assert_eq!(unit("中国和美国同意稳定关系"), Unit::Char);
        assert_eq!(
            unit("日本語のテキスト with a few English words"),
            Unit::Char,
            "8 characters, 6 words"
        );
        assert_eq!(
            unit("Talks with 习近平 ended on Monday"),
            Unit::Word,
            "a Chinese name"
        );
        assert_eq!(unit("ประเทศไทย"), Unit::Char);
        assert_eq!(unit("..."), Unit::Word);
        let mut t = Tokenizer::new(0);
        let mut out = Vec::new();
        t.tokenize("中国。".as_bytes(), UnitChoice::Auto, &mut out);
        assert_eq!(out.len(), 2, "char tokens replace the word tokens");
    }

    #[test]
    fn char_unit_gives_one_token_per_character() {
        let text = "中国，美国。";
        let mut t = Tokenizer::new(0);
        let toks = t.tokens(text.as_bytes(), UnitChoice::Char);
        let got: Vec<&str> = toks
            .iter()
            .map(|x| &text[x.start as usize..x.end as usize])
            .collect();
        assert_eq!(got, ["中", "国", "美", "国"]);
        assert_eq!(toks[1].hash, toks[3].hash);
    }

    // Reported values depend on these. If this fails, either revert the
    // change or bump normalize::NORMALIZATION_VERSION. They equal
    // xxh3-64 (seed 0) of "the", "quick", "brown", "fox" as computed by the
    // reference implementation (Python's xxhash 3.x).
    #[test]
    fn hash_values_are_stable() {
        assert_eq!(
            hashes(b"The quick brown fox", UnitChoice::Word),
            [
                0xcb12_8363_1cf3_3d7d,
                0xa484_d68a_b370_b322,
                0x0e2b_c6a2_28de_d8eb,
                0xc1cf_ee97_854b_92cf
            ]
        );
    }
}
