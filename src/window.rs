//! The units passages are found in: terms (stemmed words with a content
//! flag) and windows (sentences, merged within a line until they carry a
//! few content words).
//!
//! Rewrites change word forms ("stabilizing" for "stabilize",
//! "escalation" for "escalating") and small words; so passages compare
//! words by their first [`STEM_CHARS`] characters, a crude stemmer that
//! works for any language written with spaces, and weigh function words
//! little. Sentences are the windows because rewrites go sentence by
//! sentence, and a paragraph that rewrites three sources is three pairs.

use crate::keyset::{KeySet, StaticKeySet};

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::Unit;
use crate::tokenize::{Token, Tokenizer};

/// Characters a word is compared by.
pub const STEM_CHARS: usize = 6;

/// Content words a window collects before it is closed.
pub const MIN_WINDOW_CONTENT: u32 = 5;

/// Tokens after which a long sentence is cut into another window.
pub const MAX_WINDOW_TOKENS: u32 = 80;

/// English function words: weighed little, and left out of the bigrams
/// that propose candidates. Other languages rely on inverse document
/// frequency alone.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "says",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
];

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gov", "sen", "rep",
    "gen", "col", "lt", "sgt", "capt", "inc", "corp", "co", "ltd", "no", "vs",
    "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s",
];

/// No abbreviation is longer (checked at compile time below).
const ABBREVIATION_MAX_BYTES: usize = 8;

const _: () = {
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        assert!(ABBREVIATIONS[i].len() <= ABBREVIATION_MAX_BYTES);
        i += 1;
    }
};

/// One token as passages see it.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Term {
    /// Hash of the word's first [`STEM_CHARS`] characters.
    pub stem: u32,
    /// Hash of the whole normalized word (for verbatim checks).
    pub word: u32,
    /// Byte span in the document.
    pub start: u32,
    /// End of the byte span.
    pub end: u32,
    /// The token's [`Token`] flags.
    pub flags: u8,
    /// True for content words (not function words).
    pub content: bool,
}

/// A window: terms `[start, end)` of a document, within line `line`.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Window {
    /// First term.
    pub start: u32,
    /// One past the last term.
    pub end: u32,
    /// 0-based line (counting line breaks) of the window.
    pub line: u32,
}

/// Makes [`Term`]s. Keep one per thread.
#[derive(Clone, Debug)]
pub struct TermTokenizer {
    tokenizer: Tokenizer,
    seed: u64,
    stopwords: StaticKeySet,
    abbreviations: KeySet,
}

impl TermTokenizer {
    /// A tokenizer with the token hash `seed`.
    pub fn new(seed: u64) -> TermTokenizer {
        let hashes = |words: &[&str]| -> Vec<u64> {
            words
                .iter()
                .map(|w| xxh3_64_with_seed(w.as_bytes(), seed))
                .collect()
        };
        TermTokenizer {
            tokenizer: Tokenizer::new(seed),
            seed,
            stopwords: StaticKeySet::new(&hashes(STOPWORDS)),
            abbreviations: hashes(ABBREVIATIONS).into_iter().collect(),
        }
    }

    /// Appends the terms of `text`, tokenized in `unit`s, to `out`.
    pub fn terms(&mut self, text: &[u8], unit: Unit, out: &mut Vec<Term>) {
        let (seed, stopwords) = (self.seed, &self.stopwords);
        self.tokenizer.for_each(text, unit, |t: Token, norm: &[u8]| {
            let stem = match unit {
                Unit::Word => stem(norm),
                Unit::Char => norm,
            };
            let stem = if stem.len() == norm.len() {
                t.hash
            } else {
                xxh3_64_with_seed(stem, seed)
            };
            out.push(Term {
                stem: (stem >> 32) as u32,
                word: (t.hash >> 32) as u32,
                start: t.start,
                end: t.end,
                flags: t.flags,
                content: !stopwords.contains(t.hash),
            });
        });
    }

    /// True when the word of `t` (in `text`) is a known abbreviation or a
    /// single letter, so that a period after it ends no sentence.
    fn is_abbreviation(&self, text: &[u8], t: &Term) -> bool {
        let word = &text[t.start as usize..t.end as usize];
        if word.len() == 1 {
            return true;
        }
        // Words longer than any abbreviation are not one; the others are
        // lowercased on the stack.
        let mut lower = [0u8; ABBREVIATION_MAX_BYTES];
        let Some(lower) = lower.get_mut(..word.len()) else {
            return false;
        };
        lower.copy_from_slice(word);
        lower.make_ascii_lowercase();
        self.abbreviations.contains(&xxh3_64_with_seed(lower, self.seed))
    }

    /// Splits `terms` of `text` into windows, appended to `out`.
    pub fn windows(&self, text: &[u8], terms: &[Term], out: &mut Vec<Window>) {
        let mut line = 0u32;
        let mut line_first = out.len();
        let (mut start, mut content) = (0u32, 0u32);
        for i in 1..=terms.len() {
            let (brk, newline) = if i == terms.len() {
                (true, true)
            } else {
                self.boundary(text, &terms[i - 1], &terms[i])
            };
            content += u32::from(terms[i - 1].content);
            let long = i as u32 - start >= MAX_WINDOW_TOKENS;
            if (brk && content >= MIN_WINDOW_CONTENT) || newline || long {
                let end = i as u32;
                // A short tail joins the line's last window.
                let join =
                    content < MIN_WINDOW_CONTENT && out.len() > line_first;
                match out.last_mut() {
                    Some(last) if join && last.line == line => last.end = end,
                    _ => out.push(Window { start, end, line }),
                }
                start = end;
                content = 0;
            }
            if newline && i < terms.len() {
                let gap =
                    &text[terms[i - 1].end as usize..terms[i].start as usize];
                line += gap.iter().filter(|&&b| b == b'\n').count() as u32;
                line_first = out.len();
            }
        }
    }

    /// Whether a sentence ends between `prev` and `next`, and whether a
    /// line does.
    ///
    /// The tokenizer marks a token [`Token::OPENS`] when a clause end
    /// (`. ; : ! ?`, a line break, or their fullwidth forms) stands
    /// before it, and every end [`TermTokenizer::gap_ends`] finds is one:
    /// most words, which open no clause, need no look at the gap.
    /// Slicing the gap after every word and comparing it with one space
    /// took 270 million more instructions of a default scan of c10k of
    /// `../shared/bench`.
    #[inline]
    fn boundary(&self, text: &[u8], prev: &Term, next: &Term) -> (bool, bool) {
        if next.flags & Token::OPENS == 0 {
            return (false, false);
        }
        self.gap_ends(text, prev, next)
    }

    /// [`TermTokenizer::boundary`] read from the text between `prev` and
    /// `next`.
    fn gap_ends(&self, text: &[u8], prev: &Term, next: &Term) -> (bool, bool) {
        let gap = &text[prev.end as usize..next.start as usize];
        if gap.contains(&b'\n') {
            return (true, true);
        }
        let strong = gap.iter().any(|&b| b == b'!' || b == b'?')
            || (gap.iter().any(|&b| b >= 0x80)
                && ["。", "！", "？"].iter().any(|p| contains(gap, p)));
        if strong {
            return (true, false);
        }
        if !gap.contains(&b'.') || self.is_abbreviation(text, prev) {
            return (false, false);
        }
        let next_opens = next.flags & (Token::CAPITALIZED | Token::DIGIT) != 0
            || gap.iter().any(|&b| matches!(b, b'"' | b'\'' | b'('))
            || text[next.start as usize] >= 0x80;
        (next_opens, false)
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    memchr::memmem::find(haystack, needle.as_bytes()).is_some()
}

/// The first [`STEM_CHARS`] characters of a normalized word.
fn stem(norm: &[u8]) -> &[u8] {
    if norm.len() <= STEM_CHARS {
        return norm;
    }
    // Most words start with ASCII letters: one byte a character.
    if norm[..STEM_CHARS].is_ascii() {
        return &norm[..STEM_CHARS];
    }
    // Normalized words are valid UTF-8: cut at a character boundary.
    let mut chars = 0;
    for (i, &b) in norm.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if chars == STEM_CHARS {
                return &norm[..i];
            }
            chars += 1;
        }
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let mut t = TermTokenizer::new(0);
        let mut terms = Vec::new();
        t.terms(text.as_bytes(), Unit::Word, &mut terms);
        let mut windows = Vec::new();
        t.windows(text.as_bytes(), &terms, &mut windows);
        windows
            .iter()
            .map(|w| {
                let s = terms[w.start as usize].start as usize;
                let e = terms[w.end as usize - 1].end as usize;
                format!("{}|{}", w.line, &text[s..e])
            })
            .collect()
    }

    #[test]
    fn sentences_with_enough_content_are_windows() {
        assert_eq!(
            split(
                "The U.S. Senate met on Monday to debate the budget. Mr. Smith said no. \
                 The vote is expected in March after further hearings.\nA new line starts here with words."
            ),
            [
                "0|The U.S. Senate met on Monday to debate the budget",
                "0|Mr. Smith said no. The vote is expected in March after further hearings",
                "1|A new line starts here with words"
            ]
        );
    }

    #[test]
    fn abbreviations_end_no_sentence() {
        // Enough content words before "Dr." to close a window there, were
        // it a sentence end; "Approx." is longer than any abbreviation.
        assert_eq!(
            split(
                "Officials approved the new bridge budget with Dr. Smith present today. \
                 Officials approved the new bridge budget for Approx. Nine more bridges follow in coming years."
            ),
            [
                "0|Officials approved the new bridge budget with Dr. Smith present today",
                "0|Officials approved the new bridge budget for Approx",
                "0|Nine more bridges follow in coming years"
            ]
        );
    }

    #[test]
    fn short_tails_join_the_last_window_of_their_line() {
        assert_eq!(
            split(
                "Officials approved the new bridge budget on Monday night. It passed."
            ),
            [
                "0|Officials approved the new bridge budget on Monday night. It passed"
            ]
        );
        assert_eq!(
            split("Short headline\n\nBody"),
            ["0|Short headline", "2|Body"]
        );
    }

    #[test]
    fn words_that_open_no_clause_follow_no_sentence_end() {
        // `boundary` reads the gap only before a word that opens a
        // clause: any other gap holds no sentence or line end.
        let texts = [
            "The U.S. Senate met. Mr. Smith said no! Why? \"Because,\" he said; then: more.\nNext line",
            "Prices rose 4.5% (a record) — again… 'Quoted.' Done",
            "市政府批准了预算。官员表示！真的？是的；好：\n下一行",
            "Caf\u{e9} owners \u{2019}s plan. \u{ff01} x\r\ny",
        ];
        let mut t = TermTokenizer::new(3);
        for text in texts {
            for unit in [Unit::Word, Unit::Char] {
                let mut terms = Vec::new();
                t.terms(text.as_bytes(), unit, &mut terms);
                assert!(terms.len() > 5, "{text}");
                let mut ends = 0;
                for pair in terms.windows(2) {
                    let found =
                        t.gap_ends(text.as_bytes(), &pair[0], &pair[1]);
                    if pair[1].flags & Token::OPENS == 0 {
                        assert_eq!(found, (false, false), "{text}");
                    }
                    ends += usize::from(found.0);
                }
                // In characters every term is one letter, which a full
                // stop after it does not end.
                assert!(ends > 0 || unit == Unit::Char, "{text}");
            }
        }
    }

    #[test]
    fn stems_cut_words_at_six_characters() {
        assert_eq!(stem(b"stabilizing"), b"stabil");
        assert_eq!(stem(b"stabilize"), b"stabil");
        assert_eq!(stem(b"china"), b"china");
        assert_eq!(stem("zürichsee".as_bytes()), "zürich".as_bytes());
        assert_eq!(stem("stabilisé".as_bytes()), b"stabil");
        assert_eq!(stem("abcdeé".as_bytes()), "abcdeé".as_bytes());
        assert_eq!(stem("abcdeéf".as_bytes()), "abcdeé".as_bytes());
        let mut t = TermTokenizer::new(0);
        let mut terms = Vec::new();
        t.terms(b"Stabilizing stabilize the", Unit::Word, &mut terms);
        assert_eq!(terms[0].stem, terms[1].stem);
        assert_ne!(terms[0].word, terms[1].word);
        assert!(terms[0].content && !terms[2].content);
    }
}
