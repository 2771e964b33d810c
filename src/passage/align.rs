//! Steps 3 and 4 of [`super`]: each candidate pair verified by the words
//! the windows share, weighted by rarity, and trimmed into a seed; seeds
//! merged into passages, scored over their final spans.

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::*;
use crate::marked::MarkedMap;
use crate::normalize::Unit;
use crate::tokenize::Token;
use crate::verify::make_set;
use crate::window::{Term, TermTokenizer};

impl Candidates {
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

/// A candidate window pair that passed: term ranges of both documents.
#[derive(Clone, Copy, Debug)]
pub(super) struct Seed {
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
pub(super) fn merge(
    mut seeds: Vec<Seed>,
    same: bool,
    min_words: u32,
) -> Vec<Spans> {
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
pub(super) type Spans = ((u32, u32), (u32, u32));

/// The terms of a document that alignment reads: those of the windows in
/// candidate pairs and of the gaps a passage can span between them (at
/// most [`MERGE_GAP_WORDS`]), as runs of consecutive terms. Only these
/// are tokenized again, and held, not the whole document: on the
/// generator's 100,000-document corpus, 22 million terms instead of the
/// 63 million of the 66,000 documents with candidates. Their flags lack
/// [`Token::OPENS`], which depends on the text before a run; alignment
/// does not read flags.
#[derive(Clone, Debug, Default)]
pub(super) struct DocTerms {
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
pub(super) struct DocPair<'a> {
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
pub(super) struct Scratch {
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
pub(super) struct GramCounter {
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
/// than this has them sorted too (see [`candidates()`]).
pub(super) const SORTED_FROM_WORDS: usize = 1 << 16;

/// What [`GramCounter::count`] counts, by sorting the 3-gram sets.
pub(super) fn sorted_grams(a: &[Term], b: Option<&[Term]>) -> Overlap {
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
pub(super) struct SpanSet {
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
pub(super) fn overlaps_half(x: (u32, u32), y: (u32, u32)) -> bool {
    let common = x.1.min(y.1).saturating_sub(x.0.max(y.0));
    2 * common > x.1 - x.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::mix;

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
