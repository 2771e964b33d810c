//! Boilerplate: lines and line templates that recur across otherwise
//! different documents, and the short runs of lines they enclose.
//!
//! The unit is the line (a paragraph in most news text, a block in a
//! rendered web page). Each line has a key, the hash of its normalized
//! words, and possibly a template key with numbers and names masked, so
//! that "Reporting by Ann Lee; Editing by Bo Wu" and "Reporting by Jo Kim;
//! Editing by Al Roy" count together (see [`crate::profile::Line`]). The
//! keys come from the scan's one pass over the text; counting them is a
//! parallel sort of `(key, doc, slot)` entries, not a map of strings, and
//! each line then finds its key's count by its place (see `Table`).
//!
//! A line is boilerplate when
//!
//! 1. its key or its template recurs in at least `min_docs` documents,
//!    each group of exact copies counting once (a line of prose, of
//!    [`PROSE_TOKENS`] or more, in at least [`PROSE_MIN_DOCS`]); and
//! 2. those documents are not copies of one another: among up to
//!    [`SAMPLE_DOCS`] of them, fewer than half of the neighbouring pairs
//!    have a MinHash estimate of [`COPY_SIMILARITY`] or more. Lines shared
//!    by a family of near-duplicates, or by an article and the wire story
//!    it quotes at length, are content, not boilerplate; and
//! 3. it does not stand in the document's own text: a run of recurring
//!    lines of prose with a line of the document's own on both sides is
//!    quoted, as a wire story's paragraphs are in the articles that run
//!    them (see `quoted_lines`); or
//! 4. (context) it lies in a run of lines without a prose line (one of
//!    [`PROSE_TOKENS`] words or more) enclosed by boilerplate on both
//!    sides: the related-links lists and captions between a page's
//!    navigation blocks. A document's largest run of lines is never taken
//!    this way.
//!
//! Inside a line too long for a paragraph, or a document's only line (text
//! whose line breaks were lost), the unit is the sentence
//! ([`crate::profile::Sentence`]), keyed and counted with the lines. A
//! sentence is boilerplate when it recurs as 1 and 2 say (in at least
//! [`SENTENCE_MIN_DOCS`] documents) and belongs to a run of such sentences
//! at an edge of its line next to boilerplate or the document's start or
//! end (see [`SENTENCE_MIN_TOKENS`]), or stands alone as a label where a
//! line break was lost (see [`crate::profile::Sentence::alone`]).

use std::num::NonZeroU64;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::DocId;
use crate::minhash::{MinHasher, Signatures};
use crate::profile::{DocProfile, Line, Sentence};
use crate::slices::{split_lengths, starts};

/// Documents sampled per recurring line for the copy check.
pub const SAMPLE_DOCS: usize = 8;

/// Documents whose MinHash estimate is at least this are copies of each
/// other (near-duplicates, or one quoting the other at length).
///
/// Pages of one site whose long legal footers count as prose share 0.2
/// to 0.3 of it (CNN Money pages in `../shared/data/utomo-dev`), while
/// copies of an article share half or more.
pub const COPY_SIMILARITY: f64 = 0.3;

/// A line of this many tokens or more is prose; a run of lines with one is
/// never boilerplate by context.
pub const PROSE_TOKENS: u32 = 25;

/// The default `min_docs` for a corpus of `docs` documents: 2, or one in
/// 100,000 documents for corpora of more than 200,000. A line in two
/// unrelated documents is rarely content in a small corpus; in a huge one
/// stock phrases recur by chance.
pub fn default_min_docs(docs: usize) -> u32 {
    u32::try_from(docs.div_ceil(100_000)).unwrap_or(u32::MAX).max(2)
}

/// Why a span is boilerplate.
#[derive(
    Clone,
    Copy,
    Debug,
    Eq,
    PartialEq,
    Hash,
    Ord,
    PartialOrd,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The line or its template recurs: see [`Template`].
    Recurring,
    /// The line sits among boilerplate without being prose; or a credit
    /// sentence sits inside a run of recurring ones (see
    /// [`BRIDGE_MAX_TOKENS`]).
    Context,
    /// A sentence inside a long line (or a document's only line) recurs,
    /// as a sentence or as a line of its own, in a run of recurring
    /// sentences at the line's edge next to boilerplate: see
    /// [`DocProfile::sentences`].
    Sentence,
}

/// A recurring line or line template.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Template {
    /// 1-based, in report order (most documents first).
    pub id: u32,
    /// The key counted: a line key or a template key.
    pub key: u64,
    /// True when numbers and names are masked.
    pub masked: bool,
    /// Documents it recurs in (exact copies counted once).
    pub documents: u32,
    /// The first documents it occurs in, at most three.
    pub examples: Vec<DocId>,
    /// A line it was found in: `(doc, line index)`.
    pub example_line: (DocId, u32),
    /// The byte span of the example, for display: the line's, or with
    /// `inline` a sentence's inside it.
    pub example_span: (u32, u32),
    /// True when the example is a sentence inside the line, not the whole
    /// line.
    pub inline: bool,
}

/// One boilerplate line (or sentence) of one document.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Span {
    /// Index into the document's [`DocProfile::lines`].
    pub line: u32,
    /// The span's tokens, `(start, end)`: the line's, or a sentence's.
    pub tokens: (u32, u32),
    /// Byte span of the line or sentence.
    pub start: u32,
    /// End of the byte span.
    pub end: u32,
    /// The template's id, for recurring lines.
    pub template: Option<u32>,
    /// Why the line is boilerplate.
    pub reason: Reason,
}

/// What boilerplate detection found.
#[derive(Clone, Debug, Default)]
pub struct Boilerplate {
    /// The inventory, most documents first.
    pub templates: Vec<Template>,
    /// Boilerplate lines per document, in text order.
    pub spans: Vec<Vec<Span>>,
}

impl Boilerplate {
    /// No boilerplate in `docs` documents: what a scan without detection
    /// reports.
    pub fn none(docs: usize) -> Boilerplate {
        Boilerplate { templates: Vec::new(), spans: vec![Vec::new(); docs] }
    }
}

/// What a key's documents said.
#[derive(Clone, Copy, Debug)]
struct KeyStats {
    key: u64,
    documents: u32,
    /// The first documents with the key; `u32::MAX` pads.
    examples: [u32; 3],
    /// Up to [`SAMPLE_DOCS`] of its documents, evenly spaced, first and
    /// last included; `u32::MAX` pads.
    sample: [u32; SAMPLE_DOCS],
}

/// The keys that recur, and for each key of each document where its
/// statistics are: found by place, not looked up by key.
///
/// A document's keys are numbered by the function that gives them to
/// [`count`] (its lines, say, then its sentences): its slots. Counting
/// sorts every key with its document and slot, so it can say which slots
/// hold a key that recurs. Marking a document's lines then reads its
/// slots in order. Looking each key up in a hash map instead, behind a
/// bitmap of the map's keys that answered most misses, cost a cache miss
/// or two a line: on `c100k` of `../shared/bench`, marking took 0.20–0.25
/// s that way and takes 0.13–0.15 s now, and building the maps took
/// 0.04–0.09 s.
struct Table {
    /// The statistics of the keys that recur; their order never reaches
    /// the output.
    stats: Vec<KeyStats>,
    /// Where each document's slots start in `slots`, and where the last
    /// one's end.
    first: Vec<usize>,
    /// For each slot of each document, the index in `stats` of its key,
    /// or [`NO_STATS`] for a key that does not recur.
    slots: Vec<u32>,
    /// For each key of `stats`, false when its documents are copies of
    /// one another; settled after the candidate signatures are made.
    /// Apart from the statistics (64 bytes each), so that marking 3.3
    /// million lines of c100k reads a byte per line from a table in
    /// cache, not a line of memory from one that is not.
    diverse: Vec<bool>,
}

/// A slot whose key does not recur.
const NO_STATS: u32 = u32::MAX;

impl Table {
    /// The index in `stats` of the key in slot `slot` of document `doc`,
    /// if it recurs.
    fn at(&self, doc: usize, slot: usize) -> Option<u32> {
        let i = self.slots[self.first[doc] + slot];
        (i != NO_STATS).then_some(i)
    }

    /// The statistics at index `i`.
    fn stats(&self, i: u32) -> &KeyStats {
        &self.stats[i as usize]
    }
}

/// What [`detect`] found.
pub struct Detection {
    /// The boilerplate.
    pub boilerplate: Boilerplate,
    /// Per document: the shingles to leave out.
    pub masks: Vec<Mask>,
}

/// Settings of [`detect`].
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Documents a line must recur in.
    pub min_docs: u32,
    /// Whether runs of lines enclosed by boilerplate count too.
    pub context: bool,
    /// Tokens per shingle, for masking.
    pub shingle_size: usize,
    /// The hash seed.
    pub seed: u64,
    /// Whether recurring sentences inside long lines count too.
    pub inline: bool,
}

/// Slots of the signatures of the copy check: enough to tell documents
/// that share their prose (a similarity of 0.5 and more) from ones that
/// do not (0.05 and less) at the threshold of [`COPY_SIMILARITY`].
pub const COPY_SLOTS: usize = 64;

/// The mask that leaves only a document's prose: the shingles of lines of
/// [`PROSE_TOKENS`] words or more; `None` for a document without prose.
/// Signatures of what it keeps decide the copy check.
pub fn prose_mask(p: &DocProfile, shingle_size: usize) -> Option<Mask> {
    if p.lines.iter().all(|l| l.len() < PROSE_TOKENS) {
        return None;
    }
    let short = (0..p.lines.len() as u32)
        .filter(|&i| p.lines[i as usize].len() < PROSE_TOKENS);
    Some(Mask::new(p, short, shingle_size))
}

/// Signs a document's prose into `slot` (a [`COPY_SLOTS`]-slot signature,
/// by a hasher of that many slots) for the copy check of [`detect`];
/// false, leaving `slot` alone, for a document without prose.
pub fn sign_prose(
    p: &DocProfile,
    shingle_size: usize,
    hasher: &mut crate::minhash::MinHasher,
    slot: &mut [u32],
) -> bool {
    let Some(mask) = prose_mask(p, shingle_size) else {
        return false;
    };
    hasher.sign_slices(mask.kept(&p.shingles), slot);
    true
}

/// Recurring sentences inside a line are boilerplate when they, with
/// their recurring neighbours, hold at least this many tokens: "Read
/// more." is too short to tell from chance, "Donations are tax
/// deductible. Subscribe for unlimited access." is not.
pub const SENTENCE_MIN_TOKENS: u32 = 8;

/// A sentence that does not recur joins a run of recurring ones on both
/// sides of it when it has at most this many tokens, reads as a credit
/// (see [`crate::profile::Sentence::credit`]) and follows a label that
/// ends with a colon: the names of "Photo: Ann Lee / Dalvale Journal"
/// after "Photo:", where a footer follows. A headline between a menu and
/// a byline does not.
pub const BRIDGE_MAX_TOKENS: u32 = 8;

/// A recurring sentence inside a line needs at least this many documents,
/// or `min_docs` if more. Sentences are shorter than lines and recur by
/// chance more often; and a sentence shared by just two documents is
/// more likely one quoting the other (a passage) than boilerplate.
pub const SENTENCE_MIN_DOCS: u32 = 3;

/// A recurring line of prose ([`PROSE_TOKENS`] tokens or more) needs at
/// least this many documents, or `min_docs` if more. A paragraph in two
/// documents that are not copies is as often one article quoting the
/// other as a long footer: counted as boilerplate, a quote was masked,
/// and a scan or a check did not report it as a passage. On the Utomo
/// pages of `../shared/data`, 6 of the 24,170 lines labelled boilerplate
/// are kept as text (gold-text F1 0.9345 -> 0.9316).
pub const PROSE_MIN_DOCS: u32 = 3;

/// Detects boilerplate. `counted[d]` says whether document `d` counts
/// (false for all but the first of a group of exact copies, and in a
/// check for the drafts); `prose`
/// holds [`COPY_SLOTS`]-slot signatures of each document's prose (see
/// [`prose_mask`]) where `has_prose` says it has some; detection signs the
/// others itself.
///
/// Whether a recurring line's documents are copies of one another is
/// decided on their prose alone: pages of one site share half their text
/// in templates but not their articles, while copies of a story share its
/// paragraphs, however many copies there are. A document without prose (a
/// brief) is represented by its lines that do not recur: two briefs that
/// share a footer differ there, two copies of a brief do not.
pub fn detect(
    profiles: &[DocProfile],
    counted: &[bool],
    mut prose: Signatures,
    has_prose: &[bool],
    settings: &Settings,
) -> Detection {
    let min_docs = settings.min_docs.max(1);
    let inline = settings.inline;
    let sentence_min_docs = min_docs.max(SENTENCE_MIN_DOCS);
    // Lines and sentences share keys (see `LineKeys`). Side by side:
    // counted one after the other, the tables' buffers are not held at
    // once, and a `--no-passages` scan of c100k of `../shared/bench`
    // peaked 25 MB lower, but the default scan's peak went from
    // 1,795-1,841 MB to 1,803-1,999 MB (four runs each, in turn).
    let (mut line_stats, mut template_stats) = rayon::join(
        || count(profiles, counted, min_docs, &LineKeys { inline }),
        || count(profiles, counted, min_docs, &TemplateKeys),
    );
    // The tables hold only keys in at least `min_docs` documents.
    let k = settings.shingle_size;
    prose
        .par_chunks_mut()
        .zip(profiles)
        .zip(has_prose)
        .enumerate()
        .filter(|(_, (_, has))| !**has)
        .for_each_init(
            || MinHasher::new(COPY_SLOTS, settings.seed),
            |hasher, (d, ((slot, p), _))| {
                let recurring = (0..p.lines.len() as u32).filter(|&i| {
                    let i = i as usize;
                    line_stats.at(d, i).is_some()
                        || template_stats.at(d, i).is_some()
                });
                let mask = Mask::new(p, recurring, k);
                hasher.sign_slices(mask.kept(&p.shingles), slot);
            },
        );
    let check = |table: &mut Table| {
        table.diverse = table
            .stats
            .par_iter()
            .map(|s| diverse(&s.sample, &prose))
            .collect();
    };
    check(&mut line_stats);
    check(&mut template_stats);
    // Marking allocates the spans: in the signatures' place.
    drop(prose);

    let ok = |table: &Table, d: usize, slot: usize| {
        table.at(d, slot).filter(|&i| table.diverse[i as usize])
    };
    let prose_min_docs = min_docs.max(PROSE_MIN_DOCS);
    let recurring = |d: usize, i: usize| -> Option<(Kind, u32)> {
        let line = &profiles[d].lines[i];
        let prose = line.token_end - line.token_start >= PROSE_TOKENS;
        let enough = |table: &Table, s: u32| {
            !prose || table.stats(s).documents >= prose_min_docs
        };
        if let Some(t) = ok(&template_stats, d, i) {
            if enough(&template_stats, t) {
                return Some((Kind::Template, t));
            }
        }
        ok(&line_stats, d, i)
            .filter(|&s| enough(&line_stats, s))
            .map(|s| (Kind::Line, s))
    };
    // Per document: which lines recur, and under which key; then the
    // recurring sentences of the other lines.
    let marks: Vec<Vec<Marked>> = profiles
        .par_iter()
        .enumerate()
        .map(|(d, p)| {
            let mut spans: Vec<Marked> = (0..p.lines.len())
                .filter_map(|i| {
                    recurring(d, i).map(|at| Marked::line(p, i, Some(at)))
                })
                .collect();
            let quoted = quoted_lines(&p.lines, &spans);
            if !quoted.is_empty() {
                spans.retain(|m| quoted.binary_search(&m.line).is_err());
            }
            if settings.context && !spans.is_empty() {
                spans.extend(
                    context_lines(&p.lines, &spans)
                        .into_iter()
                        .map(|i| Marked::line(p, i as usize, None)),
                );
                spans.sort_unstable_by_key(|s| s.line);
            }
            if inline && !p.sentences.is_empty() {
                let n = p.lines.len();
                let found = sentence_runs(p, &spans, |j| {
                    ok(&line_stats, d, n + j).filter(|&i| {
                        line_stats.stats(i).documents >= sentence_min_docs
                    })
                });
                if !found.is_empty() {
                    spans.extend(found);
                    spans.sort_unstable_by_key(|s| (s.line, s.start));
                }
            }
            spans
        })
        .collect();
    let masks: Vec<Mask> = profiles
        .par_iter()
        .zip(&marks)
        .map(|(p, spans)| {
            Mask::from_tokens(p, spans.iter().map(|s| s.tokens), k)
        })
        .collect();
    let boilerplate = inventory(profiles, marks, &line_stats, &template_stats);
    Detection { boilerplate, masks }
}

/// A document's sentences that recur (`recurs` says which do, by index,
/// with the index of their key's statistics in the line table), in
/// lines not in `marked`: each run of recurring sentences that holds at
/// least [`SENTENCE_MIN_TOKENS`] tokens and opens its line after
/// boilerplate (or the document's start), or closes it before boilerplate
/// (or the document's end); one span per sentence, each running to the
/// next one's start. Outside such runs, the recurring sentences that
/// stand alone as labels.
///
/// Boilerplate grows into text from the boilerplate around it, as a footer
/// whose line break was lost does. Stock sentences that recur across
/// unrelated articles ("Smith did not respond to a request for comment
/// on Monday.") sit inside the text; in corpora made by
/// `../shared/bench/gen_corpus.py` with line breaks taken out, this rule
/// keeps the precision of sentence spans at 0.99 instead of 0.65.
fn sentence_runs(
    p: &DocProfile,
    marked: &[Marked],
    recurs: impl Fn(usize) -> Option<u32>,
) -> Vec<Marked> {
    let mut out = Vec::new();
    let mut line = 0;
    // Recurring sentences next to each other, each with its sentence.
    let mut run: Vec<(Marked, &Sentence)> = Vec::new();
    let is_marked = |i: usize| has_line(marked, i as u32);
    let flush = |run: &mut Vec<(Marked, &Sentence)>, out: &mut Vec<Marked>| {
        let tokens: u32 = run
            .iter()
            .filter(|(m, _)| m.stats.is_some())
            .map(|(m, _)| m.tokens.1 - m.tokens.0)
            .sum();
        let edge = match (run.first().map(|r| &r.0), run.last().map(|r| &r.0))
        {
            (Some(first), Some(last)) => {
                let i = first.line as usize;
                let l = &p.lines[i];
                let opens = first.tokens.0 == l.token_start
                    && (i == 0 || is_marked(i - 1));
                let closes = last.tokens.1 == l.token_end
                    && (i + 1 == p.lines.len() || is_marked(i + 1));
                opens || closes
            }
            _ => false,
        };
        if edge && tokens >= SENTENCE_MIN_TOKENS {
            // A run is one stretch of boilerplate: each sentence's span
            // runs to the next one's start, over the spaces, or a menu's
            // bar, between them.
            for i in 1..run.len() {
                run[i - 1].0.end = run[i].0.start;
            }
            out.extend(run.iter().map(|&(m, _)| m));
        } else {
            // A sentence set off as a line of its own is one, and recurs
            // as lines do.
            out.extend(run.iter().filter(|(_, s)| s.alone).map(|&(m, _)| m));
        }
        run.clear();
    };
    // A short credit right after a label ending the run, which joins it
    // if a recurring sentence follows: a photo credit's names between
    // "Photo:" and the footer.
    let mut bridge: Option<(Marked, &Sentence)> = None;
    for (j, s) in p.sentences.iter().enumerate() {
        while p.lines[line].token_end <= s.token_start {
            line += 1;
        }
        let last = bridge.as_ref().or(run.last()).map(|(m, _)| m);
        let adjacent = last.is_some_and(|m| {
            m.line == line as u32 && m.tokens.1 == s.token_start
        });
        if !adjacent {
            bridge = None;
            flush(&mut run, &mut out);
        }
        if is_marked(line) {
            continue;
        }
        let Some(stats) = recurs(j) else {
            let short = s.token_end - s.token_start <= BRIDGE_MAX_TOKENS;
            let after_label = adjacent
                && bridge.is_none()
                && run.last().is_some_and(|(_, label)| label.colon);
            if after_label && s.credit && short {
                // The label opens a run of its own: the recurring stock
                // sentence often just before a credit is not a footer.
                let label = run.pop();
                flush(&mut run, &mut out);
                run.extend(label);
                bridge = Some((Marked::sentence(line, s, None), s));
            } else {
                bridge = None;
                flush(&mut run, &mut out);
            }
            continue;
        };
        run.extend(bridge.take());
        let at = Some((Kind::Line, stats));
        run.push((Marked::sentence(line, s, at), s));
    }
    flush(&mut run, &mut out);
    out
}

/// Which table a recurring span's key is counted in.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
enum Kind {
    /// Lines and sentences.
    Line,
    /// Line templates.
    Template,
}

/// A boilerplate span of one document, before the inventory.
#[derive(Clone, Copy, Debug)]
struct Marked {
    /// The line, an index into [`DocProfile::lines`].
    line: u32,
    /// Its tokens, `(start, end)`.
    tokens: (u32, u32),
    /// Why it is boilerplate.
    reason: Reason,
    /// Byte span.
    start: u32,
    /// End of the byte span.
    end: u32,
    /// Where the statistics of the key that recurs are: its table, and
    /// its index there; `None` for a line marked by context.
    stats: Option<(Kind, u32)>,
}

impl Marked {
    /// Sentence `s` of line `line`: recurring, with the `stats` of its key,
    /// or joined to a run of recurring ones without (a credit).
    fn sentence(
        line: usize,
        s: &Sentence,
        stats: Option<(Kind, u32)>,
    ) -> Marked {
        let (tokens, span) = ((s.token_start, s.token_end), (s.start, s.end));
        Marked::new(line, tokens, span, stats, Reason::Sentence)
    }

    /// The whole line `line`.
    fn line(
        p: &DocProfile,
        line: usize,
        stats: Option<(Kind, u32)>,
    ) -> Marked {
        let l = &p.lines[line];
        let (tokens, span) = ((l.token_start, l.token_end), (l.start, l.end));
        Marked::new(line, tokens, span, stats, Reason::Recurring)
    }

    /// A span found by its key, whose `stats` are given (for the reason
    /// `found`), or by context without.
    fn new(
        line: usize,
        tokens: (u32, u32),
        (start, end): (u32, u32),
        stats: Option<(Kind, u32)>,
        found: Reason,
    ) -> Marked {
        let reason = if stats.is_some() { found } else { Reason::Context };
        Marked { line: line as u32, tokens, reason, start, end, stats }
    }
}

/// The templates that marked lines, most documents first, and the spans.
fn inventory(
    profiles: &[DocProfile],
    marks: Vec<Vec<Marked>>,
    line_stats: &Table,
    template_stats: &Table,
) -> Boilerplate {
    let table = |kind: Kind| match kind {
        Kind::Line => line_stats,
        Kind::Template => template_stats,
    };
    // The keys that marked a span, by table and index.
    let used = |kind: Kind| -> Vec<bool> {
        let flags: Vec<AtomicBool> =
            table(kind).stats.iter().map(|_| AtomicBool::new(false)).collect();
        marks.par_iter().flatten().for_each(|s| match s.stats {
            Some((k, i)) if k == kind => {
                flags[i as usize].store(true, Ordering::Relaxed);
            }
            _ => {}
        });
        flags.into_iter().map(AtomicBool::into_inner).collect()
    };
    let used = [used(Kind::Line), used(Kind::Template)];
    let keys: Vec<(Kind, u32)> = [Kind::Line, Kind::Template]
        .into_iter()
        .flat_map(|kind| {
            let used = &used[kind as usize];
            (0..used.len() as u32)
                .filter(|&i| used[i as usize])
                .map(move |i| (kind, i))
        })
        .collect();
    let mut templates: Vec<(Kind, u32, Template)> = keys
        .into_par_iter()
        .filter_map(|(kind, i)| {
            let stats = table(kind).stats(i);
            let key = stats.key;
            let examples: Vec<DocId> = stats
                .examples
                .iter()
                .filter(|&&d| d != u32::MAX)
                .map(|&d| DocId(d))
                .collect();
            let first = *examples.first()?;
            let p = &profiles[first.index()];
            let found = p.lines.iter().position(|l| match kind {
                Kind::Template => l.template.map(NonZeroU64::get) == Some(key),
                Kind::Line => l.key == key,
            });
            let (line, example_span, inline) = match found {
                Some(line) => {
                    let l = &p.lines[line];
                    (line, (l.start, l.end), false)
                }
                None => {
                    // Only a sentence in its first document.
                    let s = p.sentences.iter().find(|s| s.key == key)?;
                    let line = p
                        .lines
                        .iter()
                        .position(|l| l.token_end > s.token_start)?;
                    (line, (s.start, s.end), true)
                }
            };
            let t = Template {
                id: 0,
                key,
                masked: kind == Kind::Template,
                documents: stats.documents,
                examples,
                example_line: (first, line as u32),
                example_span,
                inline,
            };
            Some((kind, i, t))
        })
        .collect();
    templates.sort_unstable_by_key(|(kind, _, t)| {
        (std::cmp::Reverse(t.documents), t.example_line, t.key, *kind)
    });
    // Template ids by table and index.
    let mut ids = [vec![0u32; used[0].len()], vec![0u32; used[1].len()]];
    let templates: Vec<Template> = templates
        .into_iter()
        .enumerate()
        .map(|(n, (kind, i, mut t))| {
            t.id = n as u32 + 1;
            ids[kind as usize][i as usize] = t.id;
            t
        })
        .collect();
    let id = |(kind, i): (Kind, u32)| ids[kind as usize][i as usize];
    let spans = marks
        .into_par_iter()
        .map(|spans| {
            spans
                .into_iter()
                .map(|s| Span {
                    line: s.line,
                    tokens: s.tokens,
                    start: s.start,
                    end: s.end,
                    template: s.stats.map(id),
                    reason: s.reason,
                })
                .collect()
        })
        .collect();
    Boilerplate { templates, spans }
}

/// Which of a document's shingles are left out as boilerplate: those
/// that touch a boilerplate line. Empty when none are, and when all would
/// be: a document that is all boilerplate is compared by its full text.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Mask {
    /// Sorted, disjoint ranges of shingle indexes.
    ranges: Vec<(u32, u32)>,
}

impl Mask {
    /// The mask of the document's lines `lines` (indexes into
    /// [`DocProfile::lines`]) for shingles of `k` tokens.
    pub fn new(
        p: &DocProfile,
        lines: impl IntoIterator<Item = u32>,
        k: usize,
    ) -> Mask {
        let tokens = lines.into_iter().map(|i| {
            let l = &p.lines[i as usize];
            (l.token_start, l.token_end)
        });
        Mask::from_tokens(p, tokens, k)
    }

    /// The mask of the document's token ranges `tokens`, `(start, end)`,
    /// for shingles of `k` tokens.
    pub fn from_tokens(
        p: &DocProfile,
        tokens: impl IntoIterator<Item = (u32, u32)>,
        k: usize,
    ) -> Mask {
        let width = k.min(p.tokens as usize).max(1) as u32;
        let count = p.shingles.len() as u32;
        // Shingle i covers tokens [i, i + width): it touches the token
        // range [s, e) when s + 1 - width <= i < e. Ranges in order, as
        // every caller here gives them, are merged as they come: a run of
        // adjacent lines makes one range.
        let mut merged: Vec<(u32, u32)> = Vec::new();
        let mut in_order = true;
        for (s, e) in tokens {
            let r = ((s + 1).saturating_sub(width), e.min(count));
            if r.0 >= r.1 {
                continue;
            }
            match merged.last_mut() {
                Some(last) if r.0 < last.0 => {
                    in_order = false;
                    merged.push(r);
                }
                Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
                _ => merged.push(r),
            }
        }
        if !in_order {
            merged.sort_unstable();
            merged.dedup_by(|next, kept| {
                let overlaps = next.0 <= kept.1;
                if overlaps {
                    kept.1 = kept.1.max(next.1);
                }
                overlaps
            });
        }
        let masked: u32 = merged.iter().map(|r| r.1 - r.0).sum();
        if masked >= count {
            merged.clear();
        }
        Mask { ranges: merged }
    }

    /// True when nothing is masked.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Keeps only the shingles left, in place: what [`Mask::kept`] gives,
    /// without a second buffer.
    pub fn retain_kept(&self, shingles: &mut Vec<u32>) {
        let mut to = 0;
        let mut from = 0;
        let ends =
            self.ranges.iter().map(|&(lo, hi)| (lo as usize, hi as usize));
        for (lo, hi) in ends.chain(std::iter::once((shingles.len(), 0))) {
            shingles.copy_within(from..lo, to);
            to += lo - from;
            from = hi;
        }
        shingles.truncate(to);
    }

    /// The runs of shingles left, in order.
    pub fn kept<'a>(
        &'a self,
        shingles: &'a [u32],
    ) -> impl Iterator<Item = &'a [u32]> + 'a {
        let starts = std::iter::once(0).chain(self.ranges.iter().map(|r| r.1));
        let ends = self
            .ranges
            .iter()
            .map(|r| r.0)
            .chain(std::iter::once(shingles.len() as u32));
        starts.zip(ends).map(move |(s, e)| &shingles[s as usize..e as usize])
    }
}

/// Most bits of a key that choose its part in [`count`]: up to 256
/// parts, each small enough to sort in cache.
const MAX_PART_BITS: u32 = 8;

/// Documents a chunk of [`count`] takes its keys from.
const COUNT_CHUNK_DOCS: usize = 1024;

/// Keys a part of [`count`] holds at least, where there are enough: a few
/// parts for a small corpus cost less than 256 nearly empty ones.
const MIN_PART_KEYS: usize = 4096;

/// What [`count`] counts in each document: keys, each in a slot.
trait Keys: Sync {
    /// The number of slots of `p`.
    fn slots(&self, p: &DocProfile) -> usize;

    /// Calls `f(slot, key)` for each key of `p`, with `slot` below
    /// [`Keys::slots`].
    fn each(&self, p: &DocProfile, f: impl FnMut(usize, u64));
}

/// The keys of lines, and with `inline` those of sentences. Lines and
/// sentences share keys: a sentence run into a paragraph counts with the
/// same words on a line of their own. A line's slot is its index;
/// sentence j of a document of n lines has slot n + j.
struct LineKeys {
    inline: bool,
}

impl Keys for LineKeys {
    fn slots(&self, p: &DocProfile) -> usize {
        p.lines.len() + if self.inline { p.sentences.len() } else { 0 }
    }

    fn each(&self, p: &DocProfile, mut f: impl FnMut(usize, u64)) {
        let n = p.lines.len();
        p.lines.iter().enumerate().for_each(|(i, l)| f(i, l.key));
        if self.inline {
            let keys = p.sentences.iter().map(|s| s.key);
            keys.enumerate().for_each(|(j, k)| f(n + j, k));
        }
    }
}

/// The template keys of lines, in the lines' slots.
struct TemplateKeys;

impl Keys for TemplateKeys {
    fn slots(&self, p: &DocProfile) -> usize {
        p.lines.len()
    }

    fn each(&self, p: &DocProfile, mut f: impl FnMut(usize, u64)) {
        let lines = p.lines.iter().enumerate();
        lines.for_each(|(i, l)| {
            l.template.into_iter().for_each(|t| f(i, t.get()))
        });
    }
}

/// Counts the documents of every key `keys` gives (each document once),
/// keeping those that recur: seen at least twice, in at least `min_docs`
/// documents. `keys` gives each of a document's keys with its slot (see
/// [`Table`]). Documents not `counted` do not count, but their slots are
/// filled in too.
///
/// Every key goes with its document and slot to one of up to
/// 2^[`MAX_PART_BITS`] parts by the key's top bits, each part a slice of
/// one buffer: the documents, in chunks of [`COUNT_CHUNK_DOCS`], first
/// count their keys per part, then write them where those counts say.
/// Each part is then sorted and counted on its own, and the slots of the
/// keys that recur are filled in. Keys are uniform hashes, so the parts
/// are alike in size. On `c100k` of `../shared/bench`, counting both
/// tables takes 0.28–0.33 s, where marking keys in two shared bitmaps of
/// atomic words (a cache miss each), to sort only those seen twice, took
/// 0.65 s. Holding every key once (16 bytes each) raised the scan's peak
/// memory by 4%.
fn count(
    profiles: &[DocProfile],
    counted: &[bool],
    min_docs: u32,
    keys: &impl Keys,
) -> Table {
    let chunks: Vec<Range<usize>> = (0..profiles.len())
        .step_by(COUNT_CHUNK_DOCS)
        .map(|s| s..(s + COUNT_CHUNK_DOCS).min(profiles.len()))
        .collect();
    // Generic, not `dyn FnMut`: no indirect call per key.
    fn each_key(
        (profiles, counted, keys): (&[DocProfile], &[bool], &impl Keys),
        docs: &Range<usize>,
        mut f: impl FnMut(Entry),
    ) {
        for d in docs.clone() {
            let uncounted = if counted[d] { 0 } else { UNCOUNTED };
            keys.each(&profiles[d], |slot, key| {
                f((key, d as u32, slot as u32 | uncounted))
            });
        }
    }
    let input = (profiles, counted, keys);
    // How many keys each chunk has by their top bits; parts of fewer
    // bits add up neighbouring counts.
    let top = |k: u64| (k >> (64 - MAX_PART_BITS)) as usize;
    let fine: Vec<Vec<usize>> = chunks
        .par_iter()
        .map(|c| {
            let mut size = vec![0; 1 << MAX_PART_BITS];
            each_key(input, c, |(k, _, _)| size[top(k)] += 1);
            size
        })
        .collect();
    let total: usize = fine.iter().flatten().sum();
    let bits = (total / MIN_PART_KEYS).max(1).ilog2().min(MAX_PART_BITS);
    let parts = 1usize << bits;
    let part = |k: u64| top(k) >> (MAX_PART_BITS - bits);
    let sizes: Vec<Vec<usize>> = fine
        .iter()
        .map(|f| f.chunks(f.len() / parts).map(|c| c.iter().sum()).collect())
        .collect();
    // Each part's slice of the buffer, and each chunk's place in each.
    let mut buffer: Vec<Entry> = vec![(0, 0, 0); total];
    let part_sizes = (0..parts).map(|i| sizes.iter().map(|s| s[i]).sum());
    let mut part_slices = split_lengths(&mut buffer, part_sizes);
    let mut places: Vec<Vec<&mut [Entry]>> =
        chunks.iter().map(|_| Vec::with_capacity(parts)).collect();
    for (i, slice) in part_slices.iter_mut().enumerate() {
        let pieces = split_lengths(slice, sizes.iter().map(|s| s[i]));
        for (place, piece) in places.iter_mut().zip(pieces) {
            place.push(piece);
        }
    }
    places.par_iter_mut().zip(&chunks).for_each(|(pieces, c)| {
        let mut at = vec![0usize; parts];
        each_key(input, c, |e| {
            let i = part(e.0);
            pieces[i][at[i]] = e;
            at[i] += 1;
        });
    });
    drop(places);
    // Each part in order of key, each recurring key's entries in order of
    // document: where the keys that recur start, and how many entries
    // each has. Nothing else is kept, so the statistics below are written
    // once, in place, into a table of their exact size.
    let recurring: Vec<Vec<(usize, usize)>> = part_slices
        .par_iter_mut()
        .map(|entries| {
            // By key alone, which compares less than by whole entry; only
            // the entries of a key seen twice are put in order of document.
            entries.sort_unstable_by_key(|e| e.0);
            let mut found = Vec::new();
            let mut at = 0;
            for g in entries.chunk_by_mut(|x, y| x.0 == y.0) {
                if g.len() > 1 {
                    g.sort_unstable_by_key(|e| e.1);
                    // A key seen once does not recur, whatever `min_docs`
                    // is: with 1, a line recurs by repeating in its
                    // document.
                    let (seen, docs) = counted_docs(g);
                    if seen > 1 && docs >= min_docs as usize {
                        found.push((at, g.len()));
                    }
                }
                at += g.len();
            }
            found
        })
        .collect();
    let first = starts(profiles.iter().map(|p| keys.slots(p)));
    let filled: Vec<AtomicU32> =
        (0..first[profiles.len()]).map(|_| AtomicU32::new(NO_STATS)).collect();
    // Where each part's statistics start in the table's.
    let offsets = starts(recurring.iter().map(Vec::len));
    let mut stats = vec![NO_KEY_STATS; offsets[recurring.len()]];
    let stat_slices =
        split_lengths(&mut stats, recurring.iter().map(Vec::len));
    part_slices
        .par_iter()
        .zip(&recurring)
        .zip(stat_slices)
        .zip(&offsets)
        .for_each(|(((entries, found), out), &o)| {
            let mut docs: Vec<u32> = Vec::new();
            for (i, (&(at, len), s)) in found.iter().zip(out).enumerate() {
                let g = &entries[at..at + len];
                docs.clear();
                let counts = g.iter().filter(|e| e.2 & UNCOUNTED == 0);
                docs.extend(counts.map(|e| e.1));
                docs.dedup();
                *s = key_stats(g[0].0, docs.len(), |j| docs[j]);
                for e in g {
                    let slot =
                        first[e.1 as usize] + (e.2 & !UNCOUNTED) as usize;
                    filled[slot].store((o + i) as u32, Ordering::Relaxed);
                }
            }
        });
    drop(buffer);
    Table {
        diverse: vec![true; stats.len()],
        stats,
        first,
        slots: filled.into_iter().map(AtomicU32::into_inner).collect(),
    }
}

/// How many of a key's entries, in order of document, count, and in how
/// many documents.
fn counted_docs(g: &[Entry]) -> (usize, usize) {
    let mut last = None;
    let (mut seen, mut docs) = (0, 0);
    for e in g.iter().filter(|e| e.2 & UNCOUNTED == 0) {
        seen += 1;
        if last != Some(e.1) {
            docs += 1;
            last = Some(e.1);
        }
    }
    (seen, docs)
}

/// A place in the statistics not yet written.
const NO_KEY_STATS: KeyStats = KeyStats {
    key: 0,
    documents: 0,
    examples: [u32::MAX; 3],
    sample: [u32::MAX; SAMPLE_DOCS],
};

/// A key as [`count`] sorts it: the key, its document, and its slot with
/// [`UNCOUNTED`] set for a document that does not count.
type Entry = (u64, u32, u32);

/// Marks an [`Entry`] of a document that does not count.
const UNCOUNTED: u32 = 1 << 31;

/// The statistics of a key in the `n` documents `doc(0..n)`, in order.
fn key_stats(key: u64, n: usize, doc: impl Fn(usize) -> u32) -> KeyStats {
    let mut examples = [u32::MAX; 3];
    for (j, e) in examples.iter_mut().enumerate().take(n) {
        *e = doc(j);
    }
    let mut sample = [u32::MAX; SAMPLE_DOCS];
    for (j, s) in sample.iter_mut().enumerate() {
        if let Some(i) = sample_index(j, n) {
            *s = doc(i);
        }
    }
    KeyStats { key, documents: n as u32, examples, sample }
}

/// Which of `n` documents is sample `j`: up to [`SAMPLE_DOCS`], evenly
/// spaced, the first and the last included.
fn sample_index(j: usize, n: usize) -> Option<usize> {
    let k = n.min(SAMPLE_DOCS);
    (j < k).then(|| j * (n - 1) / (k - 1).max(1))
}

/// True unless most neighbouring pairs of a key's sampled documents are
/// copies of each other.
fn diverse(sample: &[u32; SAMPLE_DOCS], sigs: &Signatures) -> bool {
    let n = sample.iter().take_while(|&&d| d != u32::MAX).count();
    if n < 2 {
        return true;
    }
    let copies = sample[..n]
        .windows(2)
        .filter(|w| {
            let (a, b) = (w[0] as usize, w[1] as usize);
            sigs.estimate(a, b) >= COPY_SIMILARITY
        })
        .count();
    2 * copies < n - 1
}

/// True when spans `marked`, sorted by line, include line `line` whole or
/// in part.
fn has_line(marked: &[Marked], line: u32) -> bool {
    marked.binary_search_by_key(&line, |m| m.line).is_ok()
}

/// Recurring lines (of `marked`, sorted by line) that are quoted text, not
/// boilerplate: each run of consecutive recurring lines, all of them
/// prose ([`PROSE_TOKENS`] words or more), that has a line of the
/// document's own right before it and right after it (one that does not
/// recur, of at least [`SENTENCE_MIN_TOKENS`] words), as a wire story's
/// paragraphs stand in the articles that run them. A page's footers and
/// legal notices follow its text, and what it puts between paragraphs
/// (promotions, "Advertisement", related links) is short.
fn quoted_lines(lines: &[Line], marked: &[Marked]) -> Vec<u32> {
    let prose = |i: u32| lines[i as usize].len() >= PROSE_TOKENS;
    // The lines on either side of a whole run do not recur.
    let own = |i: u32| {
        lines.get(i as usize).is_some_and(|l| l.len() >= SENTENCE_MIN_TOKENS)
    };
    marked_runs(marked)
        .into_iter()
        .filter(|&(s, e)| s > 0 && own(s - 1) && own(e) && (s..e).all(prose))
        .flat_map(|(s, e)| s..e)
        .collect()
}

/// The runs of consecutive lines in `marked` (sorted by line, a line at
/// most once), as `(first, one past the last)`.
fn marked_runs(marked: &[Marked]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for m in marked {
        match runs.last_mut() {
            Some(run) if run.1 == m.line => run.1 += 1,
            _ => runs.push((m.line, m.line + 1)),
        }
    }
    runs
}

/// Lines that are boilerplate by context, given the recurring ones
/// (`marked`, sorted by line).
fn context_lines(lines: &[Line], marked: &[Marked]) -> Vec<u32> {
    // Runs of unmarked lines: the gaps around the marked ones.
    let last = lines.len() as u32;
    let marked = marked_runs(marked);
    let ends = marked.iter().map(|r| r.0).chain([last]);
    let starts = [0].into_iter().chain(marked.iter().map(|r| r.1));
    let runs: Vec<(u32, u32)> =
        starts.zip(ends).filter(|(s, e)| s < e).collect();
    let size = |r: &(u32, u32)| -> u32 {
        (r.0..r.1).map(|i| lines[i as usize].len()).sum()
    };
    let largest = runs
        .iter()
        .enumerate()
        .max_by_key(|&(i, r)| (size(r), std::cmp::Reverse(i)))
        .map(|(i, _)| i);
    runs.iter()
        .enumerate()
        .filter(|&(i, &(s, e))| Some(i) != largest && s > 0 && e < last)
        .filter(|&(_, &(s, e))| {
            (s..e).all(|i| lines[i as usize].len() < PROSE_TOKENS)
        })
        .flat_map(|(_, &(s, e))| s..e)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SEED;
    use crate::normalize::UnitChoice;
    use crate::profile::Profiler;

    #[test]
    fn masks_cover_the_shingles_touching_their_lines() {
        // Lines of 3, 4, 2 and 3 words; shingles of 3 words, 10 in all.
        let text = "a b c\nd e f g\nh i\nj k l";
        let p =
            Profiler::new(SEED, UnitChoice::Auto, 3).profile(text.as_bytes());
        assert_eq!(p.shingles.len(), 10);
        let kept = |lines: &[u32]| -> Vec<u32> {
            let mask = Mask::new(&p, lines.iter().copied(), 3);
            let slices: Vec<u32> =
                mask.kept(&p.shingles).flatten().copied().collect();
            let mut retained = p.shingles.clone();
            mask.retain_kept(&mut retained);
            assert_eq!(slices, retained, "lines {lines:?}");
            // Shingle indexes left, recovered from their values.
            retained
                .iter()
                .map(|v| {
                    p.shingles.iter().position(|w| w == v).unwrap() as u32
                })
                .collect()
        };
        // Line 1 is tokens 3..7: shingles 1..7 touch it.
        assert_eq!(kept(&[1]), [0, 7, 8, 9]);
        // Lines 1 and 2 (tokens 3..9) merge into shingles 1..9.
        assert_eq!(kept(&[1, 2]), [0, 9]);
        // Lines 0 and 3: shingles 0..3 and 7..10, in either order.
        assert_eq!(kept(&[0, 3]), [3, 4, 5, 6]);
        assert_eq!(kept(&[3, 0]), [3, 4, 5, 6]);
        assert_eq!(kept(&[2, 0, 1]), [9]);
        assert_eq!(kept(&[]), (0..10).collect::<Vec<u32>>());
        // Masking everything masks nothing: the document is compared whole.
        assert_eq!(kept(&[0, 1, 2, 3]), (0..10).collect::<Vec<u32>>());
    }

    fn run(texts: &[String], min_docs: u32) -> (Vec<DocProfile>, Boilerplate) {
        let mut p = Profiler::new(SEED, UnitChoice::Auto, 5);
        let profiles: Vec<DocProfile> =
            texts.iter().map(|t| p.profile(t.as_bytes())).collect();
        let counted = vec![true; profiles.len()];
        let settings = Settings {
            min_docs,
            context: true,
            shingle_size: 5,
            seed: SEED,
            inline: true,
        };
        let mut prose = Signatures::zeroed(profiles.len(), COPY_SLOTS);
        let mut h = MinHasher::new(COPY_SLOTS, SEED);
        let has_prose: Vec<bool> = profiles
            .iter()
            .zip(prose.chunks_mut())
            .map(|(p, slot)| sign_prose(p, 5, &mut h, slot))
            .collect();
        let found = detect(&profiles, &counted, prose, &has_prose, &settings);
        (profiles, found.boilerplate)
    }

    /// The text of each of a document's spans.
    fn span_texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start as usize..s.end as usize]).collect()
    }

    /// A distinct word for each `i` (numbers would make templates).
    fn word(i: usize) -> &'static str {
        ["apple", "pear", "plum", "fig", "lime", "kiwi", "date", "peach"][i]
    }

    fn article(i: usize) -> String {
        let words: Vec<String> =
            (0..60).map(|w| format!("w{}x{}", i, w)).collect();
        words.join(" ")
    }

    #[test]
    fn footers_recur_and_articles_do_not() {
        let texts: Vec<String> = (0..5)
            .map(|i| {
                format!(
                    "Headline about {}\n{}\nReporting by Ann{i} Lee{i}; Editing by Bo{i} Wu{i}\nCopyright 2026 Ledger. All rights reserved.",
                    word(i),
                    article(i)
                )
            })
            .collect();
        let (profiles, bp) = run(&texts, 2);
        assert_eq!(bp.templates.len(), 2);
        assert!(bp.templates.iter().all(|t| t.documents == 5));
        assert!(
            bp.templates.iter().any(|t| t.masked),
            "the credit line is a template"
        );
        for (spans, p) in bp.spans.iter().zip(&profiles) {
            let lines: Vec<u32> = spans.iter().map(|s| s.line).collect();
            assert_eq!(lines, [2, 3], "footer lines only");
            assert!(spans.iter().all(|s| s.reason == Reason::Recurring));
            assert_eq!(p.lines.len(), 4);
        }
        assert_eq!(bp.templates[0].examples, [DocId(0), DocId(1), DocId(2)]);
    }

    #[test]
    fn lines_shared_by_copies_are_content() {
        // Three copies of one story, each with its own footer: every body
        // line recurs in three documents, but the documents are copies.
        let body = article(1);
        let texts: Vec<String> = (0..3)
            .map(|i| format!("{body}\nFooter of outlet {i} here now"))
            .collect();
        let (_, bp) = run(&texts, 2);
        assert!(bp.templates.is_empty(), "{:?}", bp.templates);
        assert!(bp.spans.iter().all(Vec::is_empty));
    }

    #[test]
    fn long_lines_recur_in_three_unrelated_documents_not_two() {
        // A legal footer long enough to count as prose, on pages of one
        // site with short articles: the pages share a fifth of their
        // prose, which must not make them copies. On two pages it
        // is as likely a paragraph one article quotes from another, and
        // stays text.
        let footer = "Most stock quote data provided by the exchange and market indices are \
                      shown in real time except for the index which is delayed by two minutes \
                      and all times are eastern";
        let pages = |n: usize| -> Vec<String> {
            (0..n).map(|i| format!("{}\n{footer}", article(i))).collect()
        };
        let (_, bp) = run(&pages(2), 2);
        assert!(bp.templates.is_empty(), "{:?}", bp.templates);
        assert!(bp.spans.iter().all(Vec::is_empty));
        let (profiles, bp) = run(&pages(3), 2);
        assert_eq!(bp.templates.len(), 1);
        assert_eq!(bp.templates[0].documents, 3);
        for (spans, p) in bp.spans.iter().zip(&profiles) {
            assert_eq!(spans.len(), 1);
            assert_eq!(spans[0].line as usize, p.lines.len() - 1);
        }
        // A short line in two documents recurs.
        let short_footer =
            "Copyright 2026 Dalvale Journal. All rights reserved.";
        let texts: Vec<String> = (0..2)
            .map(|i| format!("{}\n{short_footer}", article(i)))
            .collect();
        let (_, bp) = run(&texts, 2);
        assert_eq!(bp.templates.len(), 1);
    }

    #[test]
    fn paragraphs_quoted_between_paragraphs_are_text() {
        // A wire story's two paragraphs that four unrelated articles run
        // between their own paragraphs, and a fifth at its end, after the
        // short promotion they all carry between two paragraphs.
        let wire = [
            "The regional transit authority said on Tuesday that it would suspend \
             overnight service on three commuter lines for six weeks while crews \
             replace worn signal cables across the network",
            "Officials estimated that the project would cost about fourteen million \
             dollars and affect roughly nine thousand riders each night until the \
             work is finished in the spring",
        ];
        let promo = "Sign up for our morning newsletter";
        let texts: Vec<String> = (0..5)
            .map(|i| {
                let (own, more) = (article(i), article(i + 10));
                let wire = wire.join("\n");
                if i < 4 {
                    format!("{own}\n{promo}\n{more}\n{wire}\n{own} again")
                } else {
                    format!("{own}\n{promo}\n{more}\n{wire}")
                }
            })
            .collect();
        let (profiles, bp) = run(&texts, 2);
        for (d, (spans, p)) in bp.spans.iter().zip(&profiles).enumerate() {
            let text = &texts[d];
            let found = span_texts(text, spans);
            if d < 4 {
                assert_eq!(found, [promo], "document {d}");
            } else {
                assert_eq!(found, [promo, wire[0], wire[1]], "document {d}");
                assert_eq!(p.lines.len(), 5);
            }
        }
        // The quote still recurs in all five documents: the promotion and
        // its two lines are listed, each of five documents.
        assert_eq!(bp.templates.len(), 3);
        assert!(bp.templates.iter().all(|t| t.documents == 5));
    }

    #[test]
    fn short_runs_between_boilerplate_are_context() {
        let texts: Vec<String> = (0..3)
            .map(|i| {
                format!(
                    "Home | News | Sport\n{}\nRelated stories\nUnique link {}\nAnother {} link\nMost popular now\nPrivacy policy and terms",
                    article(i),
                    word(i),
                    word(i + 3)
                )
            })
            .collect();
        let (_, bp) = run(&texts, 2);
        let reasons: Vec<(u32, Reason)> =
            bp.spans[0].iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            reasons,
            [
                (0, Reason::Recurring),
                (2, Reason::Recurring),
                (3, Reason::Context),
                (4, Reason::Context),
                (5, Reason::Recurring),
                (6, Reason::Recurring),
            ]
        );
    }

    #[test]
    fn sentences_at_the_edges_of_text_without_line_breaks() {
        // Documents of one line each: an article, a stock sentence, more
        // article, and a footer whose line breaks were lost.
        let footer = "Subscribe to the Ledger for unlimited access to local news. Copyright 2026 Ledger Media. All rights reserved.";
        let stock =
            "Smith did not respond to a request for comment on Monday.";
        let texts: Vec<String> = (0..4)
            .map(|i| {
                format!(
                    "{}. {stock} {}. {footer}",
                    article(i),
                    article(i + 10)
                )
            })
            .collect();
        let (profiles, bp) = run(&texts, 2);
        assert!(profiles.iter().all(|p| p.lines.len() == 1));
        for (t, spans) in texts.iter().zip(&bp.spans) {
            assert!(spans.iter().all(|s| s.reason == Reason::Sentence));
            let found = span_texts(t, spans);
            // The footer's three sentences, each up to the next, and not
            // the stock sentence inside the text, which recurs as often.
            assert_eq!(found.concat(), footer);
        }
        assert_eq!(bp.templates.len(), 3);
        assert!(bp.templates.iter().all(|t| t.inline));
        assert!(bp.templates.iter().all(|t| t.documents == 4));
    }

    #[test]
    fn lost_lines_of_their_own_and_menus() {
        // One-line documents whose line breaks became two spaces: a menu
        // opens them, and among the paragraphs stand a label and a stock
        // sentence, each once a line of its own.
        let menu =
            "Skip to main content  Home | Local | Sport | Weather | Jobs";
        let label = "Story continues below advertisement";
        let stock =
            "Smith did not respond to a request for comment on Monday.";
        let byline = "By Ann Lee";
        let texts: Vec<String> = (0..4)
            .map(|i| {
                format!(
                    "{menu}  The {}.  {byline}  The {}.  {label}  The {}.  {stock}  The {}.",
                    article(i),
                    article(i + 10),
                    article(i + 20),
                    article(i + 30)
                )
            })
            .collect();
        let (profiles, bp) = run(&texts, 2);
        assert!(profiles.iter().all(|p| p.lines.len() == 1));
        for (t, spans) in texts.iter().zip(&bp.spans) {
            let found = span_texts(t, spans);
            // The menu's items make one stretch, bars included; the label
            // is taken alone; the byline, a line of names, and the stock
            // sentence, a line of prose, are not.
            let menu_spans = found.len() - 1;
            assert_eq!(found[..menu_spans].concat().trim_end(), menu);
            assert_eq!(found[menu_spans], label);
        }
    }

    #[test]
    fn photo_credits_join_the_footer_after_them() {
        // "Photo:" recurs, the names after it do not; a stock sentence
        // recurs just before it.
        let footer = "Subscribe to the Ledger for unlimited access to local news. All rights reserved.";
        let stock =
            "Smith did not respond to a request for comment on Monday.";
        let names = ["Ann Lee", "Bo Wu", "Cy Young", "Di Fox"];
        let texts: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                format!(
                    "The {}. {stock}  Photo: {name} / Dalvale Journal  {footer}",
                    article(i)
                )
            })
            .collect();
        let (_, bp) = run(&texts, 2);
        for ((t, spans), name) in texts.iter().zip(&bp.spans).zip(names) {
            let found = span_texts(t, spans);
            let credit = format!("Photo: {name} / Dalvale Journal  ");
            assert_eq!(found.concat(), format!("{credit}{footer}"));
            assert_eq!(spans[1].reason, Reason::Context);
        }
        // Not a name after the label: the run stops there.
        let texts: Vec<String> = (0..4)
            .map(|i| {
                format!(
                    "The {}.  Photo: the {} river  {footer}",
                    article(i),
                    word(i)
                )
            })
            .collect();
        let (_, bp) = run(&texts, 2);
        for (t, spans) in texts.iter().zip(&bp.spans) {
            let found = span_texts(t, spans);
            assert_eq!(found.concat(), footer);
        }
    }

    #[test]
    fn counts_match_a_map_of_each_keys_documents() {
        use std::collections::{BTreeMap, BTreeSet};
        let mut rng = crate::synth::Rng::new(7);
        // Keys from a small pool, so that most recur, spread over every
        // part and packed into a few; some keys twice in a document.
        let pool: Vec<u64> = (0..300)
            .map(|i| match i % 3 {
                0 => rng.next_u64(),
                1 => 0x1234_0000_0000_0000 | (i as u64),
                _ => u64::MAX - i as u64,
            })
            .collect();
        let line = |key: u64| Line {
            token_start: 0,
            token_end: 1,
            start: 0,
            end: 1,
            key,
            template: None,
        };
        // Enough keys for several parts. Every fifth document has a line
        // of its own, which does not recur; every eleventh has one twice.
        let profiles: Vec<DocProfile> = (0..3_000)
            .map(|d| {
                let mut lines: Vec<Line> = (0..rng.below(12))
                    .map(|_| line(pool[rng.below(pool.len())]))
                    .collect();
                if d % 5 == 0 {
                    lines.push(line(rng.next_u64()));
                }
                if d % 11 == 0 {
                    let own = rng.next_u64();
                    lines.extend([line(own), line(own)]);
                }
                DocProfile { lines, ..DocProfile::default() }
            })
            .collect();
        let counted: Vec<bool> = (0..3_000).map(|d| d % 7 != 3).collect();
        let mut docs: BTreeMap<u64, BTreeSet<u32>> = BTreeMap::new();
        let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
        for (d, p) in profiles.iter().enumerate().filter(|(d, _)| counted[*d])
        {
            for l in &p.lines {
                docs.entry(l.key).or_default().insert(d as u32);
                *seen.entry(l.key).or_default() += 1;
            }
        }
        // A key seen once does not recur, even with `min_docs` 1.
        assert!(seen.values().any(|&n| n == 1));
        docs.retain(|k, _| seen[k] > 1);
        for min_docs in [1, 2, 9] {
            let keys = LineKeys { inline: false };
            let table = count(&profiles, &counted, min_docs, &keys);
            let kept =
                docs.iter().filter(|(_, d)| d.len() >= min_docs as usize);
            assert_eq!(table.stats.len(), kept.clone().count());
            assert!(kept.clone().count() > 50, "min_docs {min_docs}");
            let stats: BTreeMap<u64, &KeyStats> =
                table.stats.iter().map(|s| (s.key, s)).collect();
            for (&key, d) in kept {
                let d: Vec<u32> = d.iter().copied().collect();
                let s = stats.get(&key).expect("a recurring key");
                assert_eq!(s.documents as usize, d.len());
                let n = d.len().min(3);
                assert_eq!(s.examples[..n], d[..n]);
                assert!(s.examples[n..].iter().all(|&e| e == u32::MAX));
                let sample: Vec<u32> = (0..SAMPLE_DOCS)
                    .filter_map(|j| sample_index(j, d.len()))
                    .map(|i| d[i])
                    .collect();
                assert_eq!(s.sample[..sample.len()], sample[..]);
            }
            // Every line of every document, counted or not, finds the
            // statistics of its key if it recurs, and none if not.
            for (d, p) in profiles.iter().enumerate() {
                for (i, l) in p.lines.iter().enumerate() {
                    let recurs = docs
                        .get(&l.key)
                        .is_some_and(|docs| docs.len() >= min_docs as usize);
                    match table.at(d, i) {
                        Some(at) => assert_eq!(table.stats(at).key, l.key),
                        None => assert!(!recurs, "doc {d} line {i}"),
                    }
                    assert_eq!(table.at(d, i).is_some(), recurs);
                }
            }
        }
    }

    #[test]
    fn default_min_docs_scales() {
        assert_eq!(default_min_docs(100), 2);
        assert_eq!(default_min_docs(200_000), 2);
        assert_eq!(default_min_docs(10_000_000), 100);
    }
}
