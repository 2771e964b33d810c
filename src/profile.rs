//! What the scan keeps of each document after reading it once.
//!
//! One pass over a document's text tokenizes it and computes everything
//! later stages need: the shingle hashes, a hash of the whole normalized
//! text (for exact duplicates) and, per line (and per sentence of a line
//! too long for a paragraph), the keys by which [`crate::boilerplate`]
//! counts recurring lines, sentences and templates. Near-duplicates and
//! boilerplate need nothing more of the text; the passage stage reads it
//! again for its terms (holding them, or their windows, from this pass
//! for every document was measured slower and larger: see the README).

use std::num::NonZeroU64;

use crate::normalize::{Unit, UnitChoice};
use crate::shingle::{for_each_window, mix, window_count};
use crate::tokenize::{Token, Tokenizer};

/// A document as the scan sees it.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct DocProfile {
    /// Words or characters.
    pub unit: Option<Unit>,
    /// Number of tokens.
    pub tokens: u32,
    /// Length of the text in bytes.
    pub bytes: u32,
    /// Hash of the whole normalized token sequence: equal for documents
    /// whose texts differ only in case, punctuation and spacing.
    pub exact: u64,
    /// 32-bit shingle hashes in text order, duplicates included; shingle
    /// `i` covers tokens `i .. i + k`.
    ///
    /// 32 bits halve the memory of 64 and barely move Jaccard values: two
    /// documents of 1,000 shingles each have one spurious match with
    /// probability about 1,000² / 2³² ≈ 0.0002.
    pub shingles: Vec<u32>,
    /// Lines with at least one token, in order.
    pub lines: Vec<Line>,
    /// The sentences of long lines (see [`LONG_LINE_TOKENS`]) and of a
    /// document's only line, where there is more than one, in order: the
    /// unit of boilerplate inside lines.
    pub sentences: Vec<Sentence>,
}

/// A sentence of a line with more than one. It ends before a token that
/// opens a clause (after `. ; : ! ?`) with a capital letter or a digit,
/// so "Mr. Smith" splits too (what recurs is counted all the same), and
/// before a token after a bar, so that each item of a menu is one.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Sentence {
    /// First token of the sentence.
    pub token_start: u32,
    /// One past the last token.
    pub token_end: u32,
    /// Byte span, from what opens it (a quotation mark, say) to what
    /// closes it (its full stop), without the spaces between sentences.
    pub start: u32,
    /// End of that span.
    pub end: u32,
    /// Hash of its normalized tokens, the same as a line's key: a sentence
    /// run into a paragraph counts together with the same words on a line
    /// of their own.
    pub key: u64,
    /// True when two whitespace bytes in a row (or the line's edge) stand
    /// on both sides of it, where line breaks turned into spaces leave a
    /// line of its own, and it reads as a label: no closing stop and no
    /// word in title case after its first ("Story continues below
    /// advertisement", not "By Ann Lee" or a stock line of prose).
    pub alone: bool,
    /// True when it reads as a credit: no closing stop (`. ! ?`, perhaps
    /// inside quotation marks), and every word capitalized or a number
    /// ("Ann Lee / Dalvale Journal").
    pub credit: bool,
    /// True when it ends with a colon: a label ("Photo:") whose value
    /// follows as the next sentence.
    pub colon: bool,
}

/// One line of a document: the unit of boilerplate detection.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Line {
    /// First token of the line.
    pub token_start: u32,
    /// One past the last token.
    pub token_end: u32,
    /// Byte span of the line without its line break and surrounding
    /// whitespace.
    pub start: u32,
    /// End of that span.
    pub end: u32,
    /// Hash of the line's normalized tokens.
    pub key: u64,
    /// Hash of the line's template: numbers and names (capitalized words
    /// that do not open the line or a clause) masked, runs of them as one.
    /// `None` when nothing was masked, or when too few words are left
    /// (see [`MIN_FIXED_TOKENS`]) and the line is not a label. Not zero,
    /// so that a line takes 32 bytes, not 40: 3.3 million lines of c100k
    /// of `../shared/bench` are held through detection.
    pub template: Option<NonZeroU64>,
}

// See `Line::template`.
const _: () = assert!(std::mem::size_of::<Line>() == 32);

impl Line {
    /// Number of tokens.
    pub fn len(&self) -> u32 {
        self.token_end - self.token_start
    }

    /// True for a line without tokens (never stored).
    pub fn is_empty(&self) -> bool {
        self.token_end == self.token_start
    }
}

/// A template needs at least this many unmasked words; fewer would group
/// lines that only share, say, "By" before a name. It also needs more
/// unmasked words than runs of masked names (runs with a digit, dates and
/// counts, do not count): a title-case headline, "Pemdale Officials
/// Approved the Partisan Leadership", masks down to "Pemdale … the …",
/// two words around two names, a shape many headlines share.
///
/// The exception is a label line: one lowercase word opening the line and
/// at least [`LABEL_MIN_MASKED`] masked words after it, as in "updated
/// 4:58 PM EST, Fri January 4, 2013" or "by Ann Lee @AnnLee March 28,
/// 2017". A capitalized opening word is left out, since "Springfield
/// Council Approves New Budget" is a headline, not a label.
pub const MIN_FIXED_TOKENS: usize = 2;

/// Masked words a label line needs (see [`MIN_FIXED_TOKENS`]): "By Ann
/// Lee" has two, and bylines without a date vary too little to tell from
/// a line of names.
pub const LABEL_MIN_MASKED: usize = 3;

/// Lines longer than this many tokens get no template: they are prose,
/// and masking every name in a paragraph is work for nothing.
pub const MAX_TEMPLATE_TOKENS: usize = 32;

/// A line of more than this many tokens is not a paragraph but text whose
/// line breaks were lost, or never there, and so is a document of one
/// line: inside them, boilerplate is found by sentence (see
/// [`DocProfile::sentences`]). News paragraphs are rarely over 100 words
/// (in `../shared/data/utomo-dev`, 99.9% of lines have at most 121).
pub const LONG_LINE_TOKENS: u32 = 150;

/// Makes [`DocProfile`]s. Keeps scratch buffers: use one per thread.
#[derive(Clone, Debug)]
pub struct Profiler {
    tokenizer: Tokenizer,
    unit: UnitChoice,
    shingle_size: usize,
    tokens: Vec<Token>,
    hashes: Vec<u64>,
    /// With lines, the fold of each prefix of the tokens (see
    /// [`SpanKeys`]).
    prefix: Vec<u64>,
    lines: bool,
    line_buf: Vec<Line>,
    sentence_buf: Vec<Sentence>,
    joiner: u64,
}

/// Multiplier of the exact-text and line folds (any odd constant).
const FOLD_BASE: u64 = 0xD6E8_FEB8_6659_FD93;

/// Stands for a masked token in template hashes.
const MASKED: u64 = 0x6d61_736b_6564_2121;

impl Profiler {
    /// A profiler with the given unit choice and shingle size.
    pub fn new(seed: u64, unit: UnitChoice, shingle_size: usize) -> Profiler {
        Profiler {
            tokenizer: Tokenizer::new(seed),
            unit,
            shingle_size,
            tokens: Vec::new(),
            hashes: Vec::new(),
            prefix: Vec::new(),
            lines: true,
            line_buf: Vec::new(),
            sentence_buf: Vec::new(),
            joiner: joiner_hash(seed),
        }
    }

    /// Whether to compute [`DocProfile::lines`]. By default, yes; without
    /// boilerplate detection nobody needs them.
    pub fn with_lines(mut self, yes: bool) -> Profiler {
        self.lines = yes;
        self
    }

    /// The profile of `text`.
    pub fn profile(&mut self, text: &[u8]) -> DocProfile {
        self.tokens.clear();
        let unit = self.tokenizer.tokenize(text, self.unit, &mut self.tokens);
        self.hashes.clear();
        self.hashes.extend(self.tokens.iter().map(|t| t.hash));
        // The fold of the whole text, and with lines the fold of every
        // prefix of it, from which any run of tokens gets its key.
        let exact = if self.lines {
            // Written in place, not pushed: no capacity check per token.
            self.prefix.resize(self.hashes.len() + 1, 0);
            let mut h = unit as u64;
            self.prefix[0] = h;
            for (p, &t) in self.prefix[1..].iter_mut().zip(&self.hashes) {
                h = fold(h, t);
                *p = h;
            }
            mix(h)
        } else {
            mix(self.hashes.iter().fold(unit as u64, |h, &t| fold(h, t)))
        };
        let mut shingles = Vec::with_capacity(window_count(
            self.hashes.len(),
            self.shingle_size,
        ));
        for_each_window(&self.hashes, self.shingle_size, |_, h| {
            shingles.push((h >> 32) as u32)
        });
        let (lines, sentences) = if self.lines {
            // Built in buffers that keep their size, stored at their length.
            self.line_buf.clear();
            self.sentence_buf.clear();
            let keys = SpanKeys { prefix: &self.prefix };
            let (tokens, joiner) = (&self.tokens, self.joiner);
            lines(text, tokens, &keys, joiner, &mut self.line_buf);
            let alone = self.line_buf.len() == 1;
            for l in &self.line_buf {
                if alone || l.len() > LONG_LINE_TOKENS {
                    sentences(text, tokens, &keys, l, &mut self.sentence_buf);
                }
            }
            (self.line_buf.to_vec(), self.sentence_buf.to_vec())
        } else {
            (Vec::new(), Vec::new())
        };
        DocProfile {
            unit: Some(unit),
            tokens: self.tokens.len() as u32,
            bytes: text.len() as u32,
            exact,
            shingles,
            lines,
            sentences,
        }
    }
}

#[inline]
fn fold(h: u64, t: u64) -> u64 {
    h.wrapping_mul(FOLD_BASE).wrapping_add(t)
}

/// Splits tokens into lines at line breaks and computes each line's keys.
///
/// Line breaks come from one vectorized scan of the text, walked in step
/// with the tokens; they also give each line's byte span.
fn lines(
    text: &[u8],
    tokens: &[Token],
    keys: &SpanKeys<'_>,
    joiner: u64,
    out: &mut Vec<Line>,
) {
    let mut breaks = memchr::memchr_iter(b'\n', text);
    let mut next = breaks.next();
    let (mut first, mut lo) = (0usize, 0usize);
    for (i, t) in tokens.iter().enumerate() {
        let Some(b) = next.filter(|&b| b < t.start as usize) else {
            continue;
        };
        // A break before token i: the line of tokens [first, i) ends at
        // `b`, and the next one starts after the last break before i.
        if i > first {
            out.push(line(text, tokens, keys, first, i, (lo, b), joiner));
        }
        let mut last = b;
        next = None;
        for b in breaks.by_ref() {
            if b >= t.start as usize {
                next = Some(b);
                break;
            }
            last = b;
        }
        (first, lo) = (i, last + 1);
    }
    if first < tokens.len() {
        let hi = next.unwrap_or(text.len());
        let last = tokens.len();
        out.push(line(text, tokens, keys, first, last, (lo, hi), joiner));
    }
}

/// Appends the sentences of line `l` to `out` when it has more than one.
fn sentences(
    text: &[u8],
    tokens: &[Token],
    keys: &SpanKeys<'_>,
    l: &Line,
    out: &mut Vec<Sentence>,
) {
    let (first, last) = (l.token_start as usize, l.token_end as usize);
    // The bytes between token i - 1 and token i.
    let gap =
        |i: usize| &text[tokens[i - 1].end as usize..tokens[i].start as usize];
    // Token i opens a sentence after a clause ends, or after a bar: the
    // items of a navigation menu ("Home | News | Sport") are sentences.
    // `item` says that the sentence it would end opened after a bar.
    let opens = |item: bool, i: usize| {
        let t = &tokens[i];
        let before = gap(i);
        // "3.4" and "U.S." end no sentence at their stops: a break needs
        // a space after the stop. Two spaces in a row before a capital are
        // a break without a stop: where line breaks were turned into
        // spaces, a photo credit runs into the footer after it ("… /
        // Dalvale Journal  Subscribe to …"). After a menu's item they are
        // a break before any word: a menu's last item runs into the
        // headline after it ("Sport | Weather  the mayor's …").
        before.contains(&b'|')
            || (t.opens()
                && (t.is_capitalized() || t.has_digit())
                && before.iter().any(u8::is_ascii_whitespace))
            || ((t.is_capitalized() || item) && two_spaces(before))
    };
    let Some(second) = (first + 1..last).find(|&i| opens(false, i)) else {
        return;
    };
    let (mut a, mut start) = (first, l.start as usize);
    // Whether the gap before sentence a sets it off.
    let mut set_off = true;
    let mut b = second;
    loop {
        // The gap between sentences: what precedes its first space or bar
        // closes the sentence before, and the next opens at the first
        // byte after that which is neither ("  © 2026 …", "  \"We …").
        let (end, next_start, next_set_off) = if b == last {
            (l.end as usize, 0, true)
        } else {
            let (lo, gap) = (tokens[b - 1].end as usize, gap(b));
            let between = |c: &u8| c.is_ascii_whitespace() || *c == b'|';
            let close = gap.iter().position(between).unwrap_or(gap.len());
            let open = gap[close..]
                .iter()
                .position(|c| !between(c))
                .map_or(gap.len(), |j| close + j);
            (lo + close, lo + open, two_spaces(gap))
        };
        let toks = &tokens[a..b];
        let stopless = !ends_with_stop(&text[start..end]);
        out.push(Sentence {
            token_start: a as u32,
            token_end: b as u32,
            start: start as u32,
            end: end as u32,
            key: keys.key(a, b),
            alone: set_off && next_set_off && stopless && !named(text, toks),
            credit: stopless
                && toks.iter().all(|t| t.is_capitalized() || t.has_digit()),
            colon: text[end - 1] == b':',
        });
        if b == last {
            return;
        }
        (a, start, set_off) = (b, next_start, next_set_off);
        let item = gap(a).contains(&b'|');
        b = (b + 1..last).find(|&i| opens(item, i)).unwrap_or(last);
    }
}

/// True when a word of `toks` after the first is in title case, a name:
/// a byline ("By Ann Lee") set off on its own recurs across unrelated
/// articles, but is not a label.
fn named(text: &[u8], toks: &[Token]) -> bool {
    toks.iter().skip(1).any(|t| {
        let w = &text[t.start as usize..t.end as usize];
        t.is_capitalized() && w.iter().skip(1).any(u8::is_ascii_lowercase)
    })
}

/// True when `s` ends with a full stop, `!`, `?` or an ellipsis (or
/// their fullwidth forms), perhaps inside closing quotation marks or
/// brackets: prose, not a label.
fn ends_with_stop(mut s: &[u8]) -> bool {
    const CLOSING: [&str; 7] = ["\"", "'", ")", "]", "”", "’", "»"];
    const STOPS: [&str; 7] = [".", "!", "?", "…", "。", "！", "？"];
    while let Some(c) = CLOSING.iter().find(|c| s.ends_with(c.as_bytes())) {
        s = &s[..s.len() - c.len()];
    }
    STOPS.iter().any(|c| s.ends_with(c.as_bytes()))
}

/// True when `gap` holds two whitespace bytes in a row.
fn two_spaces(gap: &[u8]) -> bool {
    gap.windows(2)
        .any(|w| w[0].is_ascii_whitespace() && w[1].is_ascii_whitespace())
}

/// The key of a line (or sentence) of tokens `toks`: what [`SpanKeys`]
/// gives without folding them again.
#[cfg(test)]
fn line_key(toks: &[Token]) -> u64 {
    mix(toks.iter().fold(LINE_KEY_SEED, |h, t| fold(h, t.hash)))
}

/// Where the fold of a line's key starts.
const LINE_KEY_SEED: u64 = 0x6c69_6e65;

/// The keys of runs of a document's tokens, from the folds of its
/// prefixes: `prefix[i]` folds tokens `0..i` from some start `S`.
///
/// The fold is a polynomial hash: with `B` = [`FOLD_BASE`] and `t_j` the
/// token hashes, `prefix[i] = S·Bⁱ + Σ_{j<i} t_j·B^(i−1−j)` (wrapping), so
/// `prefix[e] − prefix[s]·B^(e−s)` is the fold of tokens `s..e` from 0,
/// and the run's key, its fold from [`LINE_KEY_SEED`], is that plus
/// `LINE_KEY_SEED·B^(e−s)`: the same value as folding the run's tokens
/// again, without a second chain of multiplications, each waiting for
/// the one before, over every token. In `perf record` of c100k of
/// `../shared/bench` (`--no-passages`), that chain was half of the
/// samples of [`line()`] (306–331 against 164–178, two runs each).
struct SpanKeys<'a> {
    prefix: &'a [u64],
}

impl SpanKeys<'_> {
    /// The key of tokens `start..end`.
    fn key(&self, start: usize, end: usize) -> u64 {
        // Runs are at most a document's tokens, fewer than 2³².
        let power = FOLD_BASE.wrapping_pow((end - start) as u32);
        let h = LINE_KEY_SEED
            .wrapping_sub(self.prefix[start])
            .wrapping_mul(power)
            .wrapping_add(self.prefix[end]);
        mix(h)
    }
}

fn line(
    text: &[u8],
    tokens: &[Token],
    keys: &SpanKeys<'_>,
    first: usize,
    last: usize,
    (lo, hi): (usize, usize),
    joiner: u64,
) -> Line {
    let toks = &tokens[first..last];
    let template = if toks.len() <= MAX_TEMPLATE_TOKENS {
        template(text, toks, joiner)
    } else {
        None
    };
    // The span covers the whole line, punctuation included, without the
    // line break and surrounding whitespace.
    let (start, end) = trim(text, lo, hi);
    Line {
        token_start: first as u32,
        token_end: last as u32,
        start: start as u32,
        end: end as u32,
        key: keys.key(first, last),
        template,
    }
}

/// The template key of a line of at most [`MAX_TEMPLATE_TOKENS`] tokens
/// `toks` (see [`Line::template`]).
///
/// Which tokens are masked is worked out for the whole line at once, as
/// bits, and whether the line has a template follows from them alone;
/// only then are its fixed tokens folded. Token by token, with a fold of
/// every short line, `Profiler::profile` with `line` took 812 M
/// instructions of a `--no-passages` scan of c10k of `../shared/bench`
/// (callgrind, `-j1`); 724 M this way, with the prefix folds written in
/// place.
fn template(text: &[u8], toks: &[Token], joiner: u64) -> Option<NonZeroU64> {
    let label_colon = labelled(text, toks);
    let (masked, digits) = masked_bits(toks, joiner, label_colon);
    if masked == 0 {
        return None;
    }
    let n = toks.len();
    // The first token of each run of masked tokens, and of each run of
    // them with a digit (dates, counts); the other runs are names.
    let run_starts = masked & !(masked << 1);
    let masked_count = masked.count_ones() as usize;
    let fixed = n - masked_count;
    let runs = run_starts.count_ones() as usize;
    let digit_runs = runs_with(masked, digits) as usize;
    let label = fixed == 1
        && masked_count >= LABEL_MIN_MASKED
        && (label_colon
            || (!toks[0].is_capitalized() && !toks[0].has_digit()));
    let enough = fixed >= MIN_FIXED_TOKENS && fixed > runs - digit_runs;
    if !(enough || label) {
        return None;
    }
    let mut template = 0x7465_6d70u64;
    for (i, t) in toks.iter().enumerate() {
        if masked >> i & 1 == 0 {
            template = fold(template, t.hash);
        } else if run_starts >> i & 1 != 0 {
            template = fold(template, MASKED);
        }
    }
    // A hash of 0 (one in 2^64) is taken as 1.
    Some(NonZeroU64::new(mix(template)).unwrap_or(NonZeroU64::MIN))
}

/// How many runs of set bits of `bits` hold a bit of `marks`.
fn runs_with(bits: u32, marks: u32) -> u32 {
    // Spread each mark down to the start of its run.
    let mut x = bits & marks;
    loop {
        let spread = x | (x >> 1) & bits;
        if spread == x {
            return (x & !(bits << 1)).count_ones();
        }
        x = spread;
    }
}

fn trim(text: &[u8], mut lo: usize, mut hi: usize) -> (usize, usize) {
    while lo < hi && text[lo].is_ascii_whitespace() {
        lo += 1;
    }
    while hi > lo && text[hi - 1].is_ascii_whitespace() {
        hi -= 1;
    }
    (lo, hi)
}

/// True when the line of tokens `toks` opens with a label, one word and a
/// colon ("Photo:", "Credit:"): what follows is its value, not a clause.
fn labelled(text: &[u8], toks: &[Token]) -> bool {
    toks.len() > 1 && text.get(toks[0].end as usize) == Some(&b':')
}

/// Which tokens of a line of at most [`MAX_TEMPLATE_TOKENS`] tokens
/// `toks` are masked in the line's template, as bits, and which have a
/// digit. A token is masked when it is a number, or a name: a capitalized
/// word that does not open the line or a clause, or that starts a run of
/// capitalized words after the label of a `labelled` line ("Photo: Ann
/// Lee"; a capitalized word alone after it opens a clause, as in
/// "Corrections: If you see …"). An "and" between two masked words is
/// masked too: "Ann Lee and Bo Wu" is one run of names, as "Ann Lee" is.
fn masked_bits(toks: &[Token], joiner: u64, labelled: bool) -> (u32, u32) {
    const _: () = assert!(MAX_TEMPLATE_TOKENS <= 32);
    debug_assert!(toks.len() <= MAX_TEMPLATE_TOKENS);
    let bit = |yes: bool, i: usize| u32::from(yes) << i;
    let (mut caps, mut digits, mut opens, mut joiners) = (0, 0, 0, 0);
    for (i, t) in toks.iter().enumerate() {
        caps |= bit(t.is_capitalized(), i);
        digits |= bit(t.has_digit(), i);
        opens |= bit(t.opens(), i);
        joiners |= bit(t.hash == joiner, i);
    }
    // Token 1 of a labelled line starts a name when token 2 is
    // capitalized or has a digit.
    let after_label = bit(labelled && (caps | digits) >> 2 & 1 != 0, 1);
    let varying = digits | caps & !1 & (!opens | after_label);
    // A joiner between two tokens that vary: bit i - 1 and bit i + 1.
    (varying | joiners & varying << 1 & varying >> 1, digits)
}

/// The hash of "and", which joins names in a masked run, under `seed`.
fn joiner_hash(seed: u64) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(b"and", seed)
}

/// A line as a template reads: masked words shown as `…`, a run of them
/// (with what separates them) as one. `seed` is the token hash seed. Only
/// lines of at most [`MAX_TEMPLATE_TOKENS`] tokens have templates; past
/// that many, tokens are shown as they are.
pub fn template_text(line: &[u8], unit: UnitChoice, seed: u64) -> String {
    let toks = Tokenizer::new(seed).tokens(line, unit);
    let n = toks.len().min(MAX_TEMPLATE_TOKENS);
    let labelled = labelled(line, &toks);
    let (masked, _) = masked_bits(&toks[..n], joiner_hash(seed), labelled);
    let is_masked = |i: usize| masked >> i & 1 != 0;
    let mut out = String::new();
    let mut pos = 0usize;
    let mut i = 0;
    while i < n {
        if !is_masked(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < n && is_masked(j + 1) {
            j += 1;
        }
        out.push_str(&String::from_utf8_lossy(
            &line[pos..toks[i].start as usize],
        ));
        out.push('…');
        pos = toks[j].end as usize;
        i = j + 1;
    }
    out.push_str(&String::from_utf8_lossy(&line[pos..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(text: &str) -> DocProfile {
        Profiler::new(1, UnitChoice::Auto, 3).profile(text.as_bytes())
    }

    /// The text of each `(start, end)` byte span.
    fn slices(
        text: &str,
        spans: impl IntoIterator<Item = (u32, u32)>,
    ) -> Vec<&str> {
        spans.into_iter().map(|(s, e)| &text[s as usize..e as usize]).collect()
    }

    /// The text of each of `text`'s sentences.
    fn sentence_texts(text: &str) -> Vec<&str> {
        let p = profile(text);
        slices(text, p.sentences.iter().map(|s| (s.start, s.end)))
    }

    #[test]
    fn exact_hash_ignores_case_and_punctuation() {
        let a = profile("The cat sat on the mat.");
        let b = profile("the CAT — sat on: the mat");
        let c = profile("the cat sat on a mat");
        assert_eq!(a.exact, b.exact);
        assert_ne!(a.exact, c.exact);
        assert_eq!(a.shingles, b.shingles);
        assert_eq!(a.tokens, 6);
        assert_eq!(a.shingles.len(), 4);
    }

    #[test]
    fn sentences_of_text_without_line_breaks() {
        let text = "Police closed the road. \"It was icy,\" a spokesman said.  Subscribe for unlimited access!";
        let p = profile(text);
        assert_eq!(
            sentence_texts(text),
            [
                "Police closed the road.",
                "\"It was icy,\" a spokesman said.",
                "Subscribe for unlimited access!"
            ]
        );
        let tokens: Vec<(u32, u32)> =
            p.sentences.iter().map(|s| (s.token_start, s.token_end)).collect();
        assert_eq!(tokens, [(0, 4), (4, 10), (10, 14)]);
        // The items of a menu are sentences too.
        let menu = "Home | Local news |Sport|  Weather in 5 days";
        assert_eq!(
            sentence_texts(menu),
            ["Home", "Local news", "Sport", "Weather in 5 days"]
        );
        // A menu's last item ends at two spaces, whatever follows.
        let menu = "Home | Sport | Weather  the mayor's plan  for the city";
        assert_eq!(
            sentence_texts(menu),
            ["Home", "Sport", "Weather", "the mayor's plan  for the city"]
        );
        // Stops inside numbers and abbreviations end no sentence.
        let text = "Sales rose 3.4 percent. U.S. officials said so. 12 left.";
        assert_eq!(
            sentence_texts(text),
            ["Sales rose 3.4 percent.", "U.S. officials said so.", "12 left."]
        );
        // Two spaces before a capital break where a line break was lost.
        let text = "Photo: Ann Lee / Dalvale Journal  Subscribe to the Journal today.";
        assert_eq!(
            sentence_texts(text),
            [
                "Photo:",
                "Ann Lee / Dalvale Journal",
                "Subscribe to the Journal today."
            ]
        );
        // Prose ends with a stop, inside quotation marks or not.
        for (prose, stop) in [
            ("He said “no.”", true),
            ("Ends here!)", true),
            ("雨が降った。", true),
            ("Story continues below advertisement", false),
            ("Photo:", false),
        ] {
            assert_eq!(ends_with_stop(prose.as_bytes()), stop, "{prose}");
        }
        // What stands between the spaces before a sentence opens it.
        let text = "Read more.  © 2026 Dalvale Journal. All rights reserved.";
        assert_eq!(
            sentence_texts(text),
            ["Read more.", "© 2026 Dalvale Journal.", "All rights reserved."]
        );
        // A sentence has the key of a line of the same words.
        let lines = profile("Something else\nSubscribe for unlimited access.");
        assert_eq!(p.sentences[2].key, lines.lines[1].key);
        // Short lines of a document of several have no sentences; a line
        // too long for a paragraph has.
        assert!(lines.sentences.is_empty());
        let long = format!(
            "Headline\n{}",
            "The council met again today. ".repeat(31)
        );
        assert_eq!(long.split_whitespace().count(), 156);
        assert_eq!(profile(&long).sentences.len(), 31);
        let short =
            format!("Headline\n{}", "The council met again. ".repeat(37));
        assert!(profile(&short).sentences.is_empty());
    }

    #[test]
    fn short_documents_have_one_shingle() {
        let p = Profiler::new(1, UnitChoice::Auto, 5).profile(b"two words");
        assert_eq!(p.shingles.len(), 1);
    }

    #[test]
    fn keys_from_prefixes_are_keys_of_the_tokens() {
        let mut rng = crate::synth::Rng::new(3);
        let tokens: Vec<Token> = (0..300)
            .map(|i| Token {
                hash: rng.next_u64(),
                start: i,
                end: i + 1,
                flags: 0,
            })
            .collect();
        // Prefixes from any start: the profile's is the unit's number.
        let mut prefix = vec![0x5eed];
        for t in &tokens {
            prefix.push(fold(*prefix.last().unwrap(), t.hash));
        }
        let keys = SpanKeys { prefix: &prefix };
        for _ in 0..2_000 {
            let s = rng.below(tokens.len() + 1);
            let e = s + rng.below(tokens.len() + 1 - s);
            assert_eq!(keys.key(s, e), line_key(&tokens[s..e]), "{s}..{e}");
        }
        assert_eq!(keys.key(0, 300), line_key(&tokens));
        assert_ne!(keys.key(0, 2), keys.key(1, 3));
    }

    #[test]
    fn lines_have_spans_and_keys() {
        let text = "Headline here\n\n  Reporting by Ann Lee; Editing by Bo Wu.  \n...\nlast line";
        let p = profile(text);
        assert_eq!(
            slices(text, p.lines.iter().map(|l| (l.start, l.end))),
            [
                "Headline here",
                "Reporting by Ann Lee; Editing by Bo Wu.",
                "last line"
            ]
        );
        let ranges: Vec<(u32, u32)> =
            p.lines.iter().map(|l| (l.token_start, l.token_end)).collect();
        assert_eq!(ranges, [(0, 2), (2, 10), (10, 12)]);
    }

    #[test]
    fn templates_mask_names_and_numbers() {
        let key = |t: &str| profile(t).lines[0].template;
        let a = key("Reporting by Ann Lee; Editing by Bo Wu");
        assert!(a.is_some());
        assert_eq!(
            a,
            key("Reporting by Humeyra Pamuk; Editing by Simon Cameron-Moore")
        );
        assert_ne!(a, key("Reporting by Ann Lee; Writing by Bo Wu"));
        let updated = key("Updated 12:30 on 4 May");
        assert!(updated.is_some(), "runs with digits are not names");
        assert_eq!(updated, key("Updated 9:05 on 17 June"));
        assert_eq!(
            key("Pemdale Officials Approved the Partisan Leadership"),
            None,
            "two words around two runs of names"
        );
        assert_eq!(key("no names or numbers here"), None, "nothing masked");
        assert_eq!(
            key("By Dana Whitfield"),
            None,
            "one fixed word is too few"
        );
        assert_eq!(
            key("Copyright 2026 Ledger. All rights reserved."),
            key("Copyright 2025 Courier. All rights reserved.")
        );
    }

    #[test]
    fn label_lines_have_templates() {
        let key = |t: &str| profile(t).lines[0].template;
        let a = key("updated 4:58 PM EST, Fri January 4, 2013");
        assert!(a.is_some(), "a lowercase label and its masked date");
        assert_eq!(a, key("updated 11:43 AM EST, Thu January 3, 2013"));
        assert_ne!(a, key("posted 11:43 AM EST, Thu January 3, 2013"));
        assert_eq!(key("by Ann Lee"), None, "two masked words are too few");
        assert_eq!(
            key("Springfield Council Approves New Budget"),
            None,
            "a capitalized first word opens a headline, not a label"
        );
        assert_eq!(key("2013 Ann Lee Bo Wu"), None, "no fixed word at all");
        // A word and a colon label what follows: its names vary, the first
        // one included.
        let photo = key("Photo: Ann Lee / Dalvale Journal");
        assert!(photo.is_some());
        assert_eq!(photo, key("Photo: Bo Wu / The Ledger"));
        assert_ne!(photo, key("Credit: Bo Wu / The Ledger"));
        assert_eq!(key("Photo: AP"), None, "one masked word is too few");
        assert_eq!(
            template_text(
                b"Corrections: If you see an error, call Ann Lee",
                UnitChoice::Auto,
                1
            ),
            "Corrections: If you see an error, call …",
            "a clause after the label keeps its first word"
        );
        assert_eq!(
            template_text(
                b"Photo: Ann Lee / Dalvale Journal",
                UnitChoice::Auto,
                1
            ),
            "Photo: …"
        );
    }

    #[test]
    fn template_text_masks_runs() {
        let t = |s: &str| template_text(s.as_bytes(), UnitChoice::Auto, 0);
        assert_eq!(
            t(
                "Reporting by Humeyra Pamuk in Beijing; Editing by Simon Cameron-Moore, Andrew Heavens"
            ),
            "Reporting by … in …; Editing by …"
        );
        assert_eq!(
            t("Copyright 2026 Ledger. All rights reserved."),
            "Copyright …. All rights reserved."
        );
        assert_eq!(t("nothing to mask"), "nothing to mask");
    }

    /// True when token `i` of a line's tokens `toks` is masked, as the
    /// rule was first written, token by token (see [`masked_bits`]).
    fn is_masked(
        toks: &[Token],
        i: usize,
        joiner: u64,
        labelled: bool,
    ) -> bool {
        let after_label = |i: usize| {
            labelled
                && i == 1
                && toks
                    .get(2)
                    .is_some_and(|t| t.is_capitalized() || t.has_digit())
        };
        let varies = |i: usize| {
            let t = toks[i];
            t.has_digit()
                || (t.is_capitalized()
                    && i > 0
                    && (!t.opens() || after_label(i)))
        };
        varies(i)
            || (toks[i].hash == joiner
                && i > 0
                && i + 1 < toks.len()
                && varies(i - 1)
                && varies(i + 1))
    }

    /// The template as first written: token by token, `is_masked` on
    /// each, folding every line.
    fn template_by_token(
        text: &[u8],
        toks: &[Token],
        joiner: u64,
    ) -> Option<u64> {
        let mut template = 0x7465_6d70u64;
        let (mut fixed, mut masked, mut last_masked) = (0, 0, false);
        let (mut runs, mut digit_runs, mut run_has_digit) = (0, 0, false);
        let label_colon = labelled(text, toks);
        for (i, t) in toks.iter().enumerate() {
            if is_masked(toks, i, joiner, label_colon) {
                masked += 1;
                if !last_masked {
                    template = fold(template, MASKED);
                    runs += 1;
                    run_has_digit = false;
                }
                if t.has_digit() && !run_has_digit {
                    digit_runs += 1;
                    run_has_digit = true;
                }
                last_masked = true;
            } else {
                fixed += 1;
                template = fold(template, t.hash);
                last_masked = false;
            }
        }
        let label = fixed == 1
            && masked >= LABEL_MIN_MASKED
            && (label_colon
                || (!toks[0].is_capitalized() && !toks[0].has_digit()));
        let enough = fixed >= MIN_FIXED_TOKENS && fixed > runs - digit_runs;
        (masked > 0 && (enough || label)).then(|| mix(template))
    }

    #[test]
    fn templates_by_bits_are_templates_token_by_token() {
        let mut rng = crate::synth::Rng::new(7);
        let joiner = joiner_hash(1);
        // Text where token i sits at bytes 2i..2i+1, followed by a colon
        // or a space: the colon after the first makes a label.
        let mut templated = 0;
        for _ in 0..20_000 {
            let n = 1 + rng.below(MAX_TEMPLATE_TOKENS);
            let colon = rng.chance(0.2);
            let text: Vec<u8> = (0..2 * n)
                .map(|j| match j {
                    1 if colon => b':',
                    j if j % 2 == 1 => b' ',
                    _ => b'w',
                })
                .collect();
            let toks: Vec<Token> = (0..n)
                .map(|i| Token {
                    hash: if rng.chance(0.1) {
                        joiner
                    } else {
                        rng.below(4) as u64
                    },
                    start: 2 * i as u32,
                    end: 2 * i as u32 + 1,
                    flags: rng.below(8) as u8,
                })
                .collect();
            let (bits, _) = masked_bits(&toks, joiner, colon);
            for i in 0..n {
                let bit = bits >> i & 1 != 0;
                assert_eq!(bit, is_masked(&toks, i, joiner, colon), "{i}");
            }
            assert_eq!(u64::from(bits) >> n, 0);
            let expected = template_by_token(&text, &toks, joiner);
            assert_eq!(
                template(&text, &toks, joiner).map(NonZeroU64::get),
                expected
            );
            templated += usize::from(expected.is_some());
        }
        // Both kinds of line were tried.
        assert!((1_000..19_000).contains(&templated), "{templated}");
    }

    #[test]
    fn runs_with_counts_runs_holding_a_mark() {
        assert_eq!(runs_with(0b0111_0110, 0b0001_0000), 1);
        assert_eq!(runs_with(0b0111_0110, 0b0100_0100), 2);
        assert_eq!(runs_with(0b0111_0110, 0b1000_1001), 0);
        assert_eq!(runs_with(u32::MAX, 1 << 31), 1);
    }
}
