//! Normalization rules: which characters make up words, how they fold, and
//! which scripts are written without spaces.
//!
//! rehash never rewrites a document. It normalizes each token as it reads
//! it (see [`crate::tokenize`]), and every token keeps the byte span it came
//! from, so all later stages report offsets into the original text.
//!
//! The rules, in order:
//!
//! 1. Letters, digits and combining marks make up words. Everything else
//!    (spaces, punctuation, symbols, quotes, dashes of every kind) separates
//!    them, so `“U.S.-China”` and `"U.S. China"` give the same tokens.
//! 2. An apostrophe between two word characters belongs to the word, and
//!    every apostrophe-like character (`’ ‘ ʼ ′ ＇`) folds to `'`: `China’s`
//!    and `China's` are the same token.
//! 3. Letters are lowercased with Unicode's full case mapping, and
//!    fullwidth ASCII forms (`Ａ`, `１`) fold to ASCII.
//! 4. Invalid UTF-8 separates words, like punctuation; its bytes keep their
//!    offsets.
//!
//! Changing any rule changes every hash: bump [`NORMALIZATION_VERSION`].

/// Identifies the rules above. Stored with sketch parameters so that
/// sketches made under other rules are never compared with ours.
pub const NORMALIZATION_VERSION: u32 = 1;

/// What a token is.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// A run of word characters (rule 1 and 2), for scripts that separate
    /// words with spaces.
    Word,
    /// One word character, for scripts written without spaces (Chinese,
    /// Japanese, Thai, …), where words cannot be found without a
    /// dictionary and character n-grams work well instead.
    Char,
}

/// How to choose the [`Unit`] of each document. The automatic rule is
/// applied while tokenizing: see [`crate::tokenize::Tokenizer::tokenize`].
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, Hash)]
pub enum UnitChoice {
    /// [`Unit::Char`] for documents with at least as many characters of
    /// scripts written without spaces as words, [`Unit::Word`] for the
    /// rest.
    #[default]
    Auto,
    /// Always [`Unit::Word`].
    Word,
    /// Always [`Unit::Char`].
    Char,
}

/// Decodes the UTF-8 character that starts at byte `i` of `text`: the
/// character and its length, or `None` for an invalid sequence (of which
/// the caller skips one byte).
#[inline]
pub(crate) fn decode(text: &[u8], i: usize) -> Option<(char, usize)> {
    let len = match text[i] {
        0x00..=0x7F => return Some((text[i] as char, 1)),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let bytes = text.get(i..i + len)?;
    let c = std::str::from_utf8(bytes).ok()?.chars().next()?;
    Some((c, len))
}

/// True for letters of scripts that are written without spaces between
/// words: Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F    // halfwidth Katakana
        | 0x20000..=0x3134F  // CJK extensions B–G
    )
}

/// True for characters that make up words: letters, digits and combining
/// marks (rule 1).
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

/// True for apostrophe-like characters, which fold to `'` inside words
/// (rule 2).
#[inline]
pub fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '\u{FF07}'
    )
}

/// Combining marks of the major scripts. `char` has no general-category
/// query, and a mark inside a word (a decomposed accent, a Devanagari vowel
/// sign) must not split it.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F      // combining diacritical marks
        | 0x0483..=0x0489    // Cyrillic
        | 0x0591..=0x05BD    // Hebrew points
        | 0x05BF | 0x05C1 | 0x05C2 | 0x05C4 | 0x05C5 | 0x05C7
        | 0x0610..=0x061A    // Arabic
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06DC
        | 0x06DF..=0x06E4
        | 0x06E7 | 0x06E8
        | 0x06EA..=0x06ED
        | 0x0900..=0x0903    // Devanagari and the other Brahmic scripts
        | 0x093A..=0x094F
        | 0x0951..=0x0957
        | 0x0962 | 0x0963
        | 0x0981..=0x0983
        | 0x09BC..=0x09D7
        | 0x0A01..=0x0A03
        | 0x0A3C..=0x0A51
        | 0x0A81..=0x0A83
        | 0x0ABC..=0x0ACD
        | 0x0B01..=0x0B03
        | 0x0B3C..=0x0B57
        | 0x0B82
        | 0x0BBE..=0x0BCD
        | 0x0C00..=0x0C04
        | 0x0C3E..=0x0C56
        | 0x0C81..=0x0C83
        | 0x0CBC..=0x0CD6
        | 0x0D00..=0x0D03
        | 0x0D3B..=0x0D57
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E   // Thai
        | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECD   // Lao
        | 0x102B..=0x103E    // Myanmar
        | 0x17B4..=0x17D3    // Khmer
        | 0x1AB0..=0x1AFF    // diacritical marks extended
        | 0x1DC0..=0x1DFF    // diacritical marks supplement
        | 0x20D0..=0x20FF    // marks for symbols
        | 0x3099 | 0x309A    // kana voicing marks
        | 0xFE20..=0xFE2F    // half marks
    )
}

/// Appends the normalized form of the word character `c` to `out`:
/// lowercase, with fullwidth ASCII folded to ASCII (rule 3).
#[inline]
pub(crate) fn push_folded(c: char, out: &mut Vec<u8>) {
    let c = match c as u32 {
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
            // Fullwidth forms sit at a fixed distance from ASCII.
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    };
    let mut buf = [0u8; 4];
    for lower in c.to_lowercase() {
        out.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_separators() {
        assert!(is_word_char('a') && is_word_char('Z') && is_word_char('7'));
        assert!(is_word_char('é') && is_word_char('ж') && is_word_char('中'));
        assert!(is_word_char('\u{0301}'), "combining acute accent");
        assert!(is_word_char('\u{093F}'), "Devanagari vowel sign i");
        for c in ['-', '—', '–', '“', '"', '.', ' ', '\u{a0}', '€', '_']
        {
            assert!(!is_word_char(c), "{c:?}");
        }
    }

    #[test]
    fn decoding() {
        let text = "aé中😀".as_bytes();
        assert_eq!(decode(text, 0), Some(('a', 1)));
        assert_eq!(decode(text, 1), Some(('é', 2)));
        assert_eq!(decode(text, 3), Some(('中', 3)));
        assert_eq!(decode(text, 6), Some(('😀', 4)));
        assert_eq!(decode(text, 2), None, "continuation byte");
        assert_eq!(decode(b"\xe4\xb8", 0), None, "truncated");
        assert_eq!(decode(b"\xc0\x80", 0), None, "overlong");
        assert_eq!(decode(b"\xed\xa0\x80", 0), None, "surrogate");
    }

    #[test]
    fn folding() {
        let fold = |c| {
            let mut v = Vec::new();
            push_folded(c, &mut v);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(fold('A'), "a");
        assert_eq!(fold('Ä'), "ä");
        assert_eq!(fold('Ａ'), "a");
        assert_eq!(fold('３'), "3");
        assert_eq!(fold('İ'), "i\u{307}");
        assert_eq!(fold('中'), "中");
    }
}
