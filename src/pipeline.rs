//! The order of the stages. Only this module knows it.
//!
//! ```text
//! profile (tokenize, shingle, line keys; parallel) → exact groups
//!   → boilerplate (line, sentence, template counts) → mask boilerplate
//!   → sign (MinHash) → LSH candidates → verify (exact Jaccard)
//!   → clusters → report
//! ```

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::boilerplate::{self, Mask};
use crate::cluster::components;
use crate::config::{Config, Keep, SEED};
use crate::corpus::{Corpus, DocId};
use crate::lsh::{candidate_pairs, candidate_pairs_between};
use crate::minhash::{MinHasher, Signatures};
use crate::normalize::UnitChoice;
use crate::passage;
use crate::profile::{DocProfile, Profiler, template_text};
use crate::report::text::{quote, utf8_lossy};
use crate::report::{
    BoilerplateSpan, BoilerplateTemplate, Check, CheckSummary, Cluster,
    DocInfo, DraftFindings, Duplicate, DuplicateKind, PairOverlap, Params,
    PassageReport, Removable, Report, Summary, covered,
};
use crate::shingle_df::{self, ShingleDf};
use crate::tokenize::Tokenizer;
use crate::verify::{Overlap, make_set, overlap};

/// Receives progress from a running pipeline. Implementations must be
/// cheap: `advance` is called from worker threads once per document.
pub trait Progress: Sync {
    /// A stage with `total` steps begins.
    fn stage(&self, name: &'static str, total: u64);
    /// `n` more steps of the current stage are done.
    fn advance(&self, n: u64);
    /// The caller is done with the progress display; the pipeline never
    /// calls this, so that a caller can go on with stages of its own.
    fn finish(&self);
}

/// Progress that goes nowhere.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: &'static str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Runs a scan over a corpus.
///
/// ```
/// use rehash::{Config, Corpus, Pipeline};
///
/// let a = "the council approved the budget for the new bridge on monday evening";
/// let b = "The council approved the budget for the new bridge on Monday evening!";
/// let corpus = Corpus::from_texts([("a", a), ("b", b), ("c", "something else entirely")]);
/// let report = Pipeline::new(Config::default()).run(&corpus);
/// assert_eq!(report.clusters.len(), 1);
/// assert_eq!(report.duplicates[0].overlap.jaccard(), 1.0);
/// ```
#[derive(Clone, Debug)]
pub struct Pipeline {
    config: Config,
    quotes: bool,
}

impl Pipeline {
    /// A pipeline with a validated configuration.
    pub fn new(config: Config) -> Pipeline {
        Pipeline { config, quotes: true }
    }

    /// Whether passages are quoted ([`PassageReport::quotes`]); by default
    /// they are. A report that shows no quotes, as JSON Lines do not, is
    /// made without: quoting is 3% of the instructions of a scan of the
    /// generator's corpora, most of it walking the words near each end of
    /// both sides of every passage. Without, the quotes are empty.
    pub fn quotes(mut self, yes: bool) -> Pipeline {
        self.quotes = yes;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs every stage. The report does not depend on the number of
    /// threads.
    pub fn run(&self, corpus: &Corpus) -> Report {
        self.run_with_progress(corpus, &NoProgress)
    }

    /// [`Pipeline::run`], reporting progress.
    pub fn run_with_progress(
        &self,
        corpus: &Corpus,
        progress: &dyn Progress,
    ) -> Report {
        self.run_inner(corpus, None, progress)
    }

    /// Checks drafts against an index: `roles[d]` says whether document
    /// `d` is a draft, a document of the index, or neither. The report
    /// keeps only what links a draft to the index: near-duplicate pairs,
    /// passages, and the drafts' boilerplate spans (with the templates
    /// they match); it has no clusters, and [`Report::check`] counts the
    /// drafts. Boilerplate is learned from the index: a draft's line is
    /// boilerplate when it recurs there, not when it is in a draft and one
    /// index document (a copy, which is what a check looks for).
    ///
    /// # Panics
    ///
    /// If `roles` does not have one entry per document.
    pub fn check_with_progress(
        &self,
        corpus: &Corpus,
        roles: &[Role],
        progress: &dyn Progress,
    ) -> Report {
        assert_eq!(roles.len(), corpus.len(), "one role per document");
        self.run_inner(corpus, Some(roles), progress)
    }

    fn run_inner(
        &self,
        corpus: &Corpus,
        roles: Option<&[Role]>,
        progress: &dyn Progress,
    ) -> Report {
        let cfg = &self.config;
        let n = corpus.len();
        let role = |d: usize| roles.map_or(Role::Index, |r| r[d]);
        // In a check, which documents are drafts: LSH and passages pair
        // only them with the others.
        let drafts: Option<Vec<bool>> = roles
            .map(|roles| roles.iter().map(|&r| r == Role::Draft).collect());
        // What a report keeps: everything, or in a check what links a
        // draft to the index. The pairs made below are only those (see
        // `candidate_pairs_between`), so this is only asserted.
        let linked = |a: DocId, b: DocId| {
            roles.is_none_or(|r| {
                matches!(
                    (r[a.index()], r[b.index()]),
                    (Role::Draft, Role::Index) | (Role::Index, Role::Draft)
                )
            })
        };

        progress.stage("shingling", n as u64);
        let (mut profiles, prose, has_prose, sampled) =
            profile_all(corpus, cfg, progress);
        let exact_groups = exact_groups(&profiles);
        let mut is_copy = vec![false; n];
        // Each document's group of exact copies, if it has one.
        let mut group_of = vec![u32::MAX; n];
        for (i, g) in exact_groups.iter().enumerate() {
            for &d in &g[1..] {
                is_copy[d as usize] = true;
            }
            for &d in g {
                group_of[d as usize] = i as u32;
            }
        }
        let copies = |a: DocId, b: DocId| {
            let g = group_of[a.index()];
            g != u32::MAX && g == group_of[b.index()]
        };

        progress.stage("boilerplate", 0);
        let min_docs = cfg.boilerplate_min_docs(n);
        // A check ignores a draft's own file found among the index inputs,
        // and looks at every draft, even one that repeats another. It
        // leaves out an index document that copies an earlier one of the
        // index, but not one that copies a draft: the other drafts are
        // checked against it.
        let ignored = |d: usize| role(d) == Role::Ignored;
        let mut skip: Vec<bool> = (0..n)
            .map(|d| ignored(d) || (is_copy[d] && roles.is_none()))
            .collect();
        if roles.is_some() {
            for g in &exact_groups {
                let index =
                    g.iter().filter(|&&d| role(d as usize) == Role::Index);
                for &d in index.skip(1) {
                    skip[d as usize] = true;
                }
            }
        }
        let counted: Vec<bool> =
            (0..n).map(|d| !is_copy[d] && !ignored(d)).collect();
        // A check learns boilerplate from the index alone: a draft's line
        // is boilerplate when it recurs in the index. Counted too, a line
        // a draft copies from one index document would recur in two, and
        // the copy (the finding) would be masked as boilerplate. A group
        // of exact copies counts once, by the index document that stands
        // for it (in a scan, every document is of the index).
        let counted_for_boilerplate: Vec<bool> =
            (0..n).map(|d| role(d) == Role::Index && !skip[d]).collect();
        let m = cfg.num_perm as usize;
        let mut df = ShingleDf::default();
        let (boilerplate, masks) = if cfg.boilerplate {
            let settings = boilerplate::Settings {
                min_docs,
                context: cfg.boilerplate_context,
                inline: cfg.boilerplate_inline,
                shingle_size: cfg.shingle_size as usize,
                seed: SEED,
            };
            let found = boilerplate::detect(
                &profiles,
                &counted_for_boilerplate,
                prose,
                &has_prose,
                &settings,
            );
            df = shingle_df::count(
                &sampled,
                &counted,
                &found.boilerplate.spans,
                cfg.shingle_size,
                min_docs,
            );
            let masks = if cfg.keep_boilerplate {
                vec![Mask::default(); n]
            } else {
                found.masks
            };
            (found.boilerplate, masks)
        } else {
            (boilerplate::Boilerplate::none(n), vec![Mask::default(); n])
        };
        drop(sampled);
        // Lines and sentences were only for boilerplate detection. Freed
        // here, not after verifying, their memory (105 MB on c100k of
        // `../shared/bench`) goes to the stages after: a default scan of
        // c100k peaked at 1,991–2,001 MB instead of 2,030–2,037 MB (two
        // runs each).
        profiles.par_iter_mut().for_each(|p| {
            p.lines = Vec::new();
            p.sentences = Vec::new();
        });
        let sigs = sign(&profiles, &masks, m);

        let reps: Vec<u32> =
            (0..n as u32).filter(|&d| !skip[d as usize]).collect();
        progress.stage("lsh", 0);
        // A check makes and verifies only what it can report, the pairs
        // of a draft and another document (of the 37,906 candidate pairs
        // of c100k of `../shared/bench`, 13 hold one of 20 drafts), all
        // of them however large their bucket. Exact copies (in a check, a
        // draft and its copy in the index) are paired below.
        let (banding, max_bucket) = (cfg.banding, cfg.max_bucket);
        let mut cands = match &drafts {
            None => candidate_pairs(&sigs, &reps, banding, max_bucket),
            Some(drafts) => candidate_pairs_between(
                &sigs, &reps, banding, max_bucket, drafts,
            ),
        };
        cands.pairs.retain(|&(a, b)| !copies(DocId(a), DocId(b)));
        progress.stage("verifying", cands.pairs.len() as u64);
        // A scan pairs each exact copy with the group's first document; a
        // check pairs each draft with each index document of its group, so
        // that every draft that copies the index, and every copy, is said.
        let exact_pairs: std::borrow::Cow<'_, [Vec<u32>]> = match roles {
            None => (&exact_groups[..]).into(),
            Some(r) => {
                let role = |d: &u32| r[*d as usize];
                exact_groups
                    .iter()
                    .flat_map(|g| {
                        let drafts =
                            g.iter().filter(move |d| role(d) == Role::Draft);
                        drafts.flat_map(move |&d| {
                            g.iter()
                                .filter(move |x| role(x) == Role::Index)
                                .map(move |&x| vec![d.min(x), d.max(x)])
                        })
                    })
                    .collect::<Vec<_>>()
                    .into()
            }
        };
        let mut duplicates = verify_all(
            &mut profiles,
            &masks,
            &cands.pairs,
            &exact_pairs,
            &sigs,
            cfg.threshold,
            progress,
        );
        debug_assert!(duplicates.iter().all(|d| linked(d.a, d.b)));
        let clusters = if roles.is_some() {
            Vec::new()
        } else {
            clusters(
                n,
                &duplicates,
                &profiles,
                &exact_groups,
                cfg.keep,
                cfg.threshold,
            )
        };

        progress.stage("report", 0);
        let mut shown: Vec<DocId> = clusters
            .iter()
            .flat_map(|c| c.members.iter().copied())
            .chain(duplicates.iter().flat_map(|d| [d.a, d.b]))
            .collect();
        shown.par_sort_unstable();
        shown.dedup();
        let infos: Vec<DocInfo> = shown
            .par_iter()
            .map(|&m| {
                let (p, spans) = (&profiles[m.index()], &boilerplate.spans);
                doc_info(corpus, m, p, &spans[m.index()])
            })
            .collect();
        let docs: BTreeMap<DocId, DocInfo> =
            shown.into_iter().zip(infos).collect();
        let (mut templates, mut spans) =
            boilerplate_report(corpus, &boilerplate, cfg.unit);
        // What passages do not read goes before they start: the shingles
        // left after verifying, and the signatures. The peak, in the
        // passages' candidates, moves within its noise.
        let (candidates, oversized_buckets) =
            (cands.pairs.len() as u64, cands.oversized_buckets);
        drop((sigs, cands));
        profiles.par_iter_mut().for_each(|p| p.shingles = Vec::new());
        let (passages, passage_stats) = if cfg.passages {
            progress.stage("passage windows", n as u64);
            let masked: Vec<Vec<(u32, u32)>> = boilerplate
                .spans
                .iter()
                .map(|spans| spans.iter().map(|s| s.tokens).collect())
                .collect();
            let settings = passage::Settings {
                min_similarity: cfg.passage_min_similarity,
                min_words: cfg.passage_min_words,
                max_bucket: cfg.passage_max_bucket,
                seed: SEED,
            };
            // The three steps of `passage::find`, each a stage of its own:
            // together they are most of a default scan's time.
            let windows = passage::Windows::with_progress(
                corpus,
                &profiles,
                &skip,
                &masked,
                SEED,
                drafts.as_deref(),
                &|k| progress.advance(k),
            );
            progress.stage("passage pairs", 0);
            let candidates = windows.candidates(settings.max_bucket);
            progress.stage("alignment", 0);
            let mut found = candidates.align(corpus, &profiles, &settings);
            // Passages of two exact copies (in a check, a draft and its
            // copy in the index) say no more than the copy does.
            found.retain(|p| p.a.doc == p.b.doc || !copies(p.a.doc, p.b.doc));
            (found, candidates.stats())
        } else {
            (Vec::new(), passage::Stats::default())
        };
        progress.stage("report", 0);
        let passages = passage_reports(corpus, passages, self.quotes);
        link_passages(&mut duplicates, &passages);
        let overlaps = pair_overlaps(&passages, &profiles);
        let check = roles.map(|roles| {
            spans.retain(|s| roles[s.doc.index()] == Role::Draft);
            let used: std::collections::BTreeSet<u32> =
                spans.iter().filter_map(|s| s.template).collect();
            templates.retain(|t| used.contains(&t.id));
            let count = |r: Role| roles.iter().filter(|&&x| x == r).count();
            let draft_ids: Vec<DocId> = (0..n as u32)
                .map(DocId)
                .filter(|d| roles[d.index()] == Role::Draft)
                .collect();
            let findings =
                draft_findings(&draft_ids, &duplicates, &passages, &profiles);
            let mut check = Check {
                findings,
                summary: CheckSummary {
                    drafts: count(Role::Draft) as u64,
                    index: count(Role::Index) as u64,
                    ignored: count(Role::Ignored) as u64,
                    flagged: 0,
                    failed: 0,
                },
                fail_covered: None,
            };
            check.gate(None);
            check
        });
        // What the report does not keep holds a few vectors per document:
        // freed one by one on one thread, at c100k of `../shared/bench`
        // they took 0.1 s.
        drop_par(profiles);
        drop_par(masks);
        drop_par(boilerplate.spans);
        let ids = corpus.ids().map(|d| corpus.id(d).to_string()).collect();
        let summary = Summary {
            documents: n as u64,
            skipped: corpus.skipped(),
            skipped_files: corpus.skipped_files(),
            diagnostics: corpus.diagnostics().len() as u64,
            bytes: corpus.text_bytes(),
            candidates,
            oversized_buckets,
            duplicates: duplicates.len() as u64,
            exact_duplicates: duplicates
                .iter()
                .filter(|d| d.kind == DuplicateKind::Exact)
                .count() as u64,
            clusters: clusters.len() as u64,
            removable: clusters.iter().map(|c| c.removable.len() as u64).sum(),
            boilerplate_templates: templates.len() as u64,
            boilerplate_spans: spans.len() as u64,
            boilerplate_bytes: spans
                .iter()
                .map(|s| u64::from(s.end - s.start))
                .sum(),
            passages: passages.len() as u64,
            passage_windows: passage_stats.windows,
            passage_candidates: passage_stats.candidates,
            passage_oversized_buckets: passage_stats.oversized_buckets,
            shingle_df: df,
        };
        Report {
            params: Params {
                sketch: cfg.sketch_params(),
                bands: cfg.banding.bands,
                rows: cfg.banding.rows,
                threshold: cfg.threshold,
                unit: unit_name(cfg.unit).to_string(),
                keep: cfg.keep,
                boilerplate: cfg.boilerplate,
                boilerplate_min_docs: min_docs,
                keep_boilerplate: cfg.keep_boilerplate,
                boilerplate_context: cfg.boilerplate_context,
                boilerplate_inline: cfg.boilerplate_inline,
                passages: cfg.passages,
                passage_min_similarity: cfg.passage_min_similarity,
                passage_min_words: cfg.passage_min_words,
            },
            diagnostics: corpus.diagnostics().to_vec(),
            duplicates,
            clusters,
            passages,
            overlaps,
            boilerplate: templates,
            boilerplate_spans: spans,
            ids,
            docs,
            summary,
            check,
            removals: Vec::new(),
        }
    }
}

/// A document's part in a check (see [`Pipeline::check_with_progress`]).
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
pub enum Role {
    /// A document being checked.
    Draft,
    /// A document the drafts are checked against.
    Index,
    /// Neither: left out, as a draft's own file found again among the
    /// index inputs is.
    Ignored,
}

/// Verifies candidate pairs by the exact Jaccard similarity of their
/// shingle sets, adds the pairs of exact copies, and sorts them all.
fn verify_all(
    profiles: &mut [DocProfile],
    masks: &[Mask],
    candidates: &[(u32, u32)],
    exact_groups: &[Vec<u32>],
    sigs: &Signatures,
    threshold: f64,
    progress: &dyn Progress,
) -> Vec<Duplicate> {
    // Only documents in a pair need their shingle set; free the rest.
    let mut needed = vec![false; profiles.len()];
    for &(a, b) in candidates {
        needed[a as usize] = true;
        needed[b as usize] = true;
    }
    for g in exact_groups {
        needed[g[0] as usize] = true;
    }
    profiles.par_iter_mut().zip(&needed).zip(masks).for_each(
        |((p, &need), mask)| {
            if need {
                mask.retain_kept(&mut p.shingles);
                make_set(&mut p.shingles);
            } else {
                p.shingles = Vec::new();
            }
        },
    );
    let mut duplicates: Vec<Duplicate> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            progress.advance(1);
            let o = overlap(
                &profiles[a as usize].shingles,
                &profiles[b as usize].shingles,
            );
            (o.jaccard() >= threshold).then(|| Duplicate {
                a: DocId(a),
                b: DocId(b),
                kind: DuplicateKind::Near,
                overlap: o,
                estimate: sigs.estimate(a as usize, b as usize),
                passages: Vec::new(),
            })
        })
        .collect();
    for g in exact_groups {
        let size = profiles[g[0] as usize].shingles.len() as u32;
        for &d in &g[1..] {
            duplicates.push(Duplicate {
                a: DocId(g[0]),
                b: DocId(d),
                kind: DuplicateKind::Exact,
                overlap: Overlap { shared: size, size_a: size, size_b: size },
                estimate: 1.0,
                passages: Vec::new(),
            });
        }
    }
    duplicates.sort_by_key(|d| (d.a, d.b));
    duplicates
}

/// Kept members of a cluster that a member is compared with, the latest
/// kept first, before it is kept too.
const KEPT_TRIED: usize = 16;

/// Connected components of the duplicate pairs, with representatives,
/// and which members to keep.
///
/// A component is joined by pairs, so a chain of versions (each an update
/// of the one before) makes one cluster even when its ends differ: kept
/// alone, its representative might hold little of the last version. So
/// the members are walked in the order `keep` prefers, the representative
/// first, and each is removable when at least `threshold` of its shingles
/// are in a kept member's (of the last [`KEPT_TRIED`] kept), and kept
/// otherwise. Exact copies share the shingle set of their group's first.
fn clusters(
    n: usize,
    duplicates: &[Duplicate],
    profiles: &[DocProfile],
    exact_groups: &[Vec<u32>],
    keep: Keep,
    threshold: f64,
) -> Vec<Cluster> {
    let mut source: Vec<u32> = (0..n as u32).collect();
    for g in exact_groups {
        for &d in g {
            source[d as usize] = g[0];
        }
    }
    let set = |d: u32| &profiles[source[d as usize] as usize].shingles;
    // `m`'s shingle set against `k`'s, `m`'s first: a verified pair's
    // counts where there is one (the duplicates are sorted by pair), as
    // for most members of a cluster and its representative.
    let compare = |m: u32, k: u32| {
        let pair = (DocId(m.min(k)), DocId(m.max(k)));
        match duplicates.binary_search_by_key(&pair, |d| (d.a, d.b)) {
            Ok(i) if m < k => duplicates[i].overlap,
            Ok(i) => {
                let o = duplicates[i].overlap;
                Overlap {
                    shared: o.shared,
                    size_a: o.size_b,
                    size_b: o.size_a,
                }
            }
            Err(_) => overlap(set(m), set(k)),
        }
    };
    components(n, duplicates.iter().map(|d| (d.a.0, d.b.0)))
        .into_par_iter()
        .enumerate()
        .map(|(i, members)| {
            // The one `keep` prefers first: the representative.
            let mut order = members.clone();
            order.sort_by_key(|&m| {
                let tokens = u64::from(profiles[m as usize].tokens);
                keep.order_key(DocId(m), tokens)
            });
            let mut kept = vec![order[0]];
            let mut removable = Vec::new();
            for &m in &order[1..] {
                let holder =
                    kept.iter().rev().take(KEPT_TRIED).find_map(|&k| {
                        let o = compare(m, k);
                        (o.containment_a() >= threshold).then_some((k, o))
                    });
                match holder {
                    Some((k, o)) => removable.push(Removable {
                        doc: DocId(m),
                        kept: DocId(k),
                        overlap: o,
                        kind: if source[m as usize] == source[k as usize] {
                            DuplicateKind::Exact
                        } else {
                            DuplicateKind::Near
                        },
                    }),
                    None => kept.push(m),
                }
            }
            removable.sort_unstable_by_key(|r| r.doc);
            Cluster {
                id: i as u32 + 1,
                representative: DocId(order[0]),
                members: members.iter().map(|&m| DocId(m)).collect(),
                removable,
            }
        })
        .collect()
}

/// Passages numbered, with positions and quotes.
fn passage_reports(
    corpus: &Corpus,
    passages: Vec<passage::Passage>,
    quotes: bool,
) -> Vec<PassageReport> {
    // Each document is decoded once for all the passage sides in it.
    let mut sides: Vec<(DocId, u32, usize, bool)> = passages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            [(p.a.doc, p.a.start, i, false), (p.b.doc, p.b.start, i, true)]
        })
        .collect();
    sides.par_sort_unstable();
    // How one side is shown: line and column, paragraph, quote.
    type Shown = ((u32, u32), u32, String);
    let shown: Vec<(usize, bool, Shown)> = sides
        .par_chunk_by(|x, y| x.0 == y.0)
        .flat_map_iter(|group| {
            let text = corpus.text(group[0].0);
            let breaks: Vec<usize> =
                memchr::memchr_iter(b'\n', &text).collect();
            let paragraphs = paragraph_starts(&text, &breaks);
            // The group is in order of start.
            let mut positions = Positions::new(&text, &breaks);
            group
                .iter()
                .map(|&(_, _, i, is_b)| {
                    let p = &passages[i];
                    let s = if is_b { p.b } else { p.a };
                    let at = positions.of(s.start as usize);
                    let paragraph = paragraphs
                        .partition_point(|&p| p <= s.start as usize)
                        as u32;
                    let quote = if quotes {
                        quote(&text[s.start as usize..s.end as usize])
                    } else {
                        String::new()
                    };
                    (i, is_b, (at, paragraph.max(1), quote))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut sides: Vec<[Shown; 2]> = vec![Default::default(); passages.len()];
    for (i, is_b, side) in shown {
        sides[i][usize::from(is_b)] = side;
    }
    passages
        .into_iter()
        .zip(sides)
        .enumerate()
        .map(|(i, (passage, [a, b]))| PassageReport {
            id: i as u32 + 1,
            passage,
            at: (a.0, b.0),
            paragraphs: (a.1, b.1),
            quotes: (a.2, b.2),
        })
        .collect()
}

/// Byte offsets where the text's paragraphs start, in order: the first
/// line with words after a blank line (or the text's start); in a text
/// without blank lines between its lines, every line.
fn paragraph_starts(text: &[u8], breaks: &[usize]) -> Vec<usize> {
    let starts = std::iter::once(0).chain(breaks.iter().map(|&b| b + 1));
    let ends = breaks.iter().copied().chain(std::iter::once(text.len()));
    let lines: Vec<(usize, bool)> = starts
        .zip(ends)
        .map(|(s, e)| (s, text[s..e].iter().all(u8::is_ascii_whitespace)))
        .collect();
    let first = lines.iter().position(|&(_, blank)| !blank);
    let last = lines.iter().rposition(|&(_, blank)| !blank);
    let spaced = match (first, last) {
        (Some(f), Some(l)) => lines[f..l].iter().any(|&(_, blank)| blank),
        _ => false,
    };
    lines
        .iter()
        .enumerate()
        .filter(|&(i, &(_, blank))| {
            !blank && (!spaced || i == 0 || lines[i - 1].1)
        })
        .map(|(_, &(s, _))| s)
        .collect()
}

/// The 1-based lines and columns (in characters) of byte offsets of a
/// text, in order, each counted on from the one before. Counted from the
/// start of its line, each column read the line again: in a document of
/// one 9 MB line, with 7,000 passages, that took 3.8 s.
struct Positions<'a> {
    text: &'a [u8],
    /// The offsets of the text's line breaks.
    breaks: &'a [usize],
    /// The last offset asked for, its line (0-based) and column.
    at: usize,
    line: usize,
    column: usize,
}

impl<'a> Positions<'a> {
    fn new(text: &'a [u8], breaks: &'a [usize]) -> Self {
        Positions { text, breaks, at: 0, line: 0, column: 1 }
    }

    /// The line and column of `offset`, which is not before the last
    /// offset asked for, and starts a character (or a line).
    fn of(&mut self, offset: usize) -> (u32, u32) {
        debug_assert!(offset >= self.at, "offsets out of order");
        let line = self.line
            + self.breaks[self.line..].partition_point(|&b| b < offset);
        if line != self.line {
            self.line = line;
            self.at = self.breaks[line - 1] + 1;
            self.column = 1;
        }
        self.column += utf8_lossy(&self.text[self.at..offset]).chars().count();
        self.at = offset;
        (self.line as u32 + 1, self.column as u32)
    }
}

/// Lists, in each duplicate pair, the passages between its documents.
fn link_passages(duplicates: &mut [Duplicate], passages: &[PassageReport]) {
    let mut by_pair: BTreeMap<(DocId, DocId), Vec<u32>> = BTreeMap::new();
    for p in passages {
        by_pair
            .entry((p.passage.a.doc, p.passage.b.doc))
            .or_default()
            .push(p.id);
    }
    for d in duplicates {
        if let Some(ids) = by_pair.remove(&(d.a, d.b)) {
            d.passages = ids;
        }
    }
}

/// What a check found for each of `drafts` (sorted) among `duplicates`
/// and `passages`, whose other sides are index documents.
fn draft_findings(
    drafts: &[DocId],
    duplicates: &[Duplicate],
    passages: &[PassageReport],
    profiles: &[DocProfile],
) -> Vec<DraftFindings> {
    let mut found: Vec<DraftFindings> = drafts
        .iter()
        .map(|&doc| DraftFindings {
            doc,
            bytes: u64::from(profiles[doc.index()].bytes),
            near_duplicates: 0,
            passages: 0,
            covered_bytes: 0,
            best_passage: None,
            best_duplicate: None,
            fails: false,
        })
        .collect();
    let at = |doc: DocId| drafts.binary_search(&doc).ok();
    let best = |x: Option<f64>, y: f64| Some(x.map_or(y, |x| x.max(y)));
    for d in duplicates {
        for i in [at(d.a), at(d.b)].into_iter().flatten() {
            let f = &mut found[i];
            f.near_duplicates += 1;
            f.best_duplicate = best(f.best_duplicate, d.overlap.jaccard());
        }
    }
    // Each draft's passage sides.
    let mut sides: Vec<(usize, (u32, u32))> = Vec::new();
    for r in passages {
        let p = &r.passage;
        for s in [p.a, p.b] {
            if let Some(i) = at(s.doc) {
                sides.push((i, (s.start, s.end)));
                let f = &mut found[i];
                f.passages += 1;
                f.best_passage = best(f.best_passage, p.similarity);
            }
        }
    }
    sides.sort_unstable();
    for run in sides.chunk_by(|x, y| x.0 == y.0) {
        found[run[0].0].covered_bytes = covered(run.iter().map(|s| s.1));
    }
    found
}

/// For each pair of different documents with passages between them, the
/// passages and how much of each document they cover.
fn pair_overlaps(
    passages: &[PassageReport],
    profiles: &[DocProfile],
) -> Vec<PairOverlap> {
    let mut by_pair: Vec<(DocId, DocId, usize)> = passages
        .iter()
        .enumerate()
        .filter(|(_, r)| r.passage.a.doc != r.passage.b.doc)
        .map(|(i, r)| (r.passage.a.doc, r.passage.b.doc, i))
        .collect();
    by_pair.sort_unstable();
    by_pair
        .chunk_by(|x, y| (x.0, x.1) == (y.0, y.1))
        .map(|pair| {
            let (a, b) = (pair[0].0, pair[0].1);
            let of = |i: usize| &passages[i].passage;
            let side = |f: fn(&passage::Passage) -> passage::Side| {
                let mut spans: Vec<(u32, u32)> = pair
                    .iter()
                    .map(|&(.., i)| {
                        let s = f(of(i));
                        (s.start, s.end)
                    })
                    .collect();
                spans.sort_unstable();
                covered(spans.into_iter())
            };
            let bytes = |d: DocId| u64::from(profiles[d.index()].bytes);
            PairOverlap {
                a,
                b,
                passages: pair.iter().map(|&(.., i)| passages[i].id).collect(),
                covered_bytes: (side(|p| p.a), side(|p| p.b)),
                bytes: (bytes(a), bytes(b)),
            }
        })
        .collect()
}

/// Drops the items of `items` on every thread.
fn drop_par<T: Send>(items: Vec<T>) {
    items.into_par_iter().for_each(drop);
}

/// The boilerplate inventory with display text, and every span.
fn boilerplate_report(
    corpus: &Corpus,
    found: &boilerplate::Boilerplate,
    unit: UnitChoice,
) -> (Vec<BoilerplateTemplate>, Vec<BoilerplateSpan>) {
    // Each example document's text is decoded once for all the templates
    // whose example it holds: decoded per template, a JSON Lines record
    // whose 20,000 lines each recur in one other record took 2.2 s.
    let ts = &found.templates;
    let mut order: Vec<u32> = (0..ts.len() as u32).collect();
    order.sort_by_key(|&i| ts[i as usize].example_line.0);
    let mut texts: Vec<(u32, String)> = order
        .par_chunk_by(|&i, &j| {
            ts[i as usize].example_line.0 == ts[j as usize].example_line.0
        })
        .flat_map_iter(|group| {
            let of = |i: u32| &ts[i as usize];
            let end = group.iter().map(|&i| of(i).example_span.1).max();
            let doc = of(group[0]).example_line.0;
            let text = corpus.text_prefix(doc, end.unwrap_or(0) as usize);
            group
                .iter()
                .map(|&i| {
                    let (start, end) = of(i).example_span;
                    let line_text = &text[start as usize..end as usize];
                    let shown = if of(i).masked {
                        template_text(line_text, unit, SEED)
                    } else {
                        String::from_utf8_lossy(line_text).into_owned()
                    };
                    (i, shown)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    texts.sort_unstable_by_key(|&(i, _)| i);
    let templates = ts
        .iter()
        .zip(texts)
        .map(|(t, (_, text))| BoilerplateTemplate {
            id: t.id,
            text,
            masked: t.masked,
            inline: t.inline,
            documents: t.documents,
            examples: t.examples.clone(),
        })
        .collect();
    let mut spans = Vec::with_capacity(found.spans.iter().map(Vec::len).sum());
    spans.extend(found.spans.iter().enumerate().flat_map(|(d, spans)| {
        spans.iter().map(move |s| BoilerplateSpan {
            doc: DocId(d as u32),
            start: s.start,
            end: s.end,
            template: s.template,
            reason: s.reason,
        })
    }));
    (templates, spans)
}

fn unit_name(unit: UnitChoice) -> &'static str {
    match unit {
        UnitChoice::Auto => "auto",
        UnitChoice::Word => "word",
        UnitChoice::Char => "char",
    }
}

/// Profiles every document in parallel, in input order, and signs its
/// prose for the boilerplate copy check while its shingles are in cache;
/// the third value says which documents have prose.
fn profile_all(
    corpus: &Corpus,
    cfg: &Config,
    progress: &dyn Progress,
) -> (Vec<DocProfile>, Signatures, Vec<bool>, Vec<shingle_df::Sample>) {
    let k = cfg.shingle_size as usize;
    let slots = if cfg.boilerplate { boilerplate::COPY_SLOTS } else { 0 };
    let mut prose = Signatures::zeroed(corpus.len(), slots);
    let profile = |profiler: &mut Profiler, doc: usize| {
        let p = profiler.profile(&corpus.text(DocId(doc as u32)));
        progress.advance(1);
        p
    };
    let make = || Profiler::new(SEED, cfg.unit, k).with_lines(cfg.boilerplate);
    if !cfg.boilerplate {
        let profiles = (0..corpus.len())
            .into_par_iter()
            .map_init(make, |profiler, doc| profile(profiler, doc))
            .collect();
        return (profiles, prose, Vec::new(), Vec::new());
    }
    // With boilerplate detection, each document's prose signature and its
    // sample of shingles for their document frequencies (see
    // `shingle_df`), while its profile is at hand.
    let (profiles, (has_prose, sampled)): (Vec<_>, (Vec<_>, Vec<_>)) = prose
        .par_chunks_mut()
        .enumerate()
        .map_init(
            || (make(), MinHasher::new(slots, SEED)),
            |(profiler, hasher), (doc, slot)| {
                let p = profile(profiler, doc);
                let has_prose = boilerplate::sign_prose(&p, k, hasher, slot);
                let sampled = shingle_df::sample(&p.shingles);
                (p, (has_prose, sampled))
            },
        )
        .unzip();
    (profiles, prose, has_prose, sampled)
}

/// Signs every document, leaving out its masked shingles.
fn sign(
    profiles: &[DocProfile],
    masks: &[Mask],
    num_perm: usize,
) -> Signatures {
    let mut sigs = Signatures::zeroed(profiles.len(), num_perm);
    profiles.par_iter().zip(sigs.par_chunks_mut()).zip(masks).for_each_init(
        || MinHasher::new(num_perm, SEED),
        |hasher, ((p, slot), mask)| {
            hasher.sign_slices(mask.kept(&p.shingles), slot);
        },
    );
    sigs
}

/// Groups of at least two documents with the same normalized text, each
/// sorted, ordered by first member.
fn exact_groups(profiles: &[DocProfile]) -> Vec<Vec<u32>> {
    let mut keys: Vec<(u64, u32)> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| (p.exact, i as u32))
        .collect();
    keys.par_sort_unstable();
    let mut groups: Vec<Vec<u32>> = keys
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|g| g.len() > 1)
        .map(|g| g.iter().map(|&(_, d)| d).collect())
        .collect();
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

/// Words shown from the start of a document.
const OPENING_WORDS: usize = 12;

/// What a report says of a document. Its opening words are those after
/// the boilerplate it starts with (a site's navigation, a "Skip to main
/// content" line), so that copies from one site show their headlines and
/// not the same menu. Only the start of its text is decoded: on c100k of
/// `../shared/bench`, decoding the whole text of every document shown,
/// one after another, made the report stage take 0.27 s of a 3.4 s
/// doc-level scan (0.09 s in parallel, from the start of each text).
fn doc_info(
    corpus: &Corpus,
    doc: DocId,
    profile: &DocProfile,
    boilerplate: &[boilerplate::Span],
) -> DocInfo {
    let from = after_leading(boilerplate, profile.tokens) as usize;
    let text =
        corpus.text_prefix(doc, from + OPENING_WORDS * OPENING_BYTES_PER_WORD);
    DocInfo {
        id: corpus.id(doc).to_string(),
        tokens: profile.tokens,
        bytes: u64::from(profile.bytes),
        opening: opening(text.get(from..).unwrap_or_default(), OPENING_WORDS),
    }
}

/// The byte offset where a document's text starts after the recurring
/// lines it opens with, one after another with no word between them; 0
/// when it opens with text, or when boilerplate is all it has (a document
/// is then shown by that). Lines taken as boilerplate by their context
/// alone are shown: they are a headline between a menu and a byline as
/// often as not.
fn after_leading(spans: &[boilerplate::Span], tokens: u32) -> u32 {
    let mut next = 0;
    let mut end = 0;
    for s in spans {
        if s.tokens.0 != next || s.reason == boilerplate::Reason::Context {
            break;
        }
        (next, end) = (s.tokens.1, s.end);
    }
    if next >= tokens { 0 } else { end }
}

/// Bytes of text [`opening`] looks at for each word it shows.
const OPENING_BYTES_PER_WORD: usize = 40;

/// The first `words` words of `text` with whitespace collapsed, and an
/// ellipsis when there is more.
pub(crate) fn opening(text: &[u8], words: usize) -> String {
    // Enough text for the words wanted; a cut through a character only
    // drops that character.
    let text = &text[..text.len().min(words * OPENING_BYTES_PER_WORD)];
    let tokens = Tokenizer::new(0).tokens(text, UnitChoice::Auto);
    let end = tokens
        .get(words.saturating_sub(1))
        .or(tokens.last())
        .map_or(0, |t| t.end as usize);
    let start = tokens.first().map_or(0, |t| t.start as usize);
    let mut out = String::new();
    for word in String::from_utf8_lossy(&text[start..end]).split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if tokens.len() > words {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_on_as_counting_from_each_line_start_does() {
        // Lines of one character to many, multibyte characters, a bad
        // byte, blank lines.
        let mut text = "ab\nçé x\n\n\nword \u{1F600} w? w\n\nlast words here"
            .as_bytes()
            .to_vec();
        let bad = text.iter().position(|&b| b == b'?').unwrap();
        text[bad] = 0xFF;
        let breaks: Vec<usize> = memchr::memchr_iter(b'\n', &text).collect();
        let starts_char =
            |o: usize| o == text.len() || !(0x80..0xC0).contains(&text[o]);
        let offsets: Vec<usize> =
            (0..=text.len()).filter(|&o| starts_char(o)).collect();
        let counted = |o: usize| {
            let line = breaks.partition_point(|&b| b < o);
            let start = if line == 0 { 0 } else { breaks[line - 1] + 1 };
            let column =
                String::from_utf8_lossy(&text[start..o]).chars().count();
            (line as u32 + 1, column as u32 + 1)
        };
        // Every other offset, then every one, some twice.
        for step in [2, 1] {
            let mut positions = Positions::new(&text, &breaks);
            for &o in offsets.iter().step_by(step) {
                assert_eq!(positions.of(o), counted(o), "offset {o}");
                assert_eq!(positions.of(o), counted(o), "offset {o} again");
            }
        }
        let mut positions = Positions::new(&text, &breaks);
        assert_eq!(positions.of(text.len()), (7, 16));
    }

    #[test]
    fn openings_start_after_the_recurring_lines_a_document_opens_with() {
        use boilerplate::{Reason, Span};
        let span = |tokens: (u32, u32), end: u32, reason: Reason| Span {
            line: 0,
            tokens,
            start: 0,
            end,
            template: None,
            reason,
        };
        let recurring = Reason::Recurring;
        let menu = [span((0, 4), 20, recurring), span((4, 9), 60, recurring)];
        assert_eq!(after_leading(&menu, 100), 60);
        // A word between two spans ends the run.
        let gap = [span((0, 4), 20, recurring), span((5, 9), 60, recurring)];
        assert_eq!(after_leading(&gap, 100), 20);
        assert_eq!(after_leading(&gap[1..], 100), 0);
        // A line taken by its context is shown, and so is what follows.
        let context = [
            span((0, 4), 20, recurring),
            span((4, 9), 60, Reason::Context),
            span((9, 12), 80, recurring),
        ];
        assert_eq!(after_leading(&context, 100), 20);
        // A document of boilerplate alone is shown from its start.
        assert_eq!(after_leading(&menu, 9), 0);
        assert_eq!(after_leading(&[], 9), 0);
    }

    #[test]
    fn draft_findings_count_links_and_merge_covered_spans() {
        use crate::passage::{Passage, PassageKind, Side};
        use crate::verify::Overlap;
        let side = |doc: u32, start: u32, end: u32| Side {
            doc: DocId(doc),
            start,
            end,
        };
        let passage = |a: Side, b: Side, similarity: f64| PassageReport {
            id: 0,
            passage: Passage {
                a,
                b,
                similarity,
                kind: PassageKind::Rewrite,
                words: (6, 6),
                matched: (6, 6),
                trigrams: Overlap::default(),
            },
            at: ((1, 1), (1, 1)),
            paragraphs: (1, 1),
            quotes: (String::new(), String::new()),
        };
        let duplicate = |a: u32, b: u32, shared: u32| Duplicate {
            a: DocId(a),
            b: DocId(b),
            kind: DuplicateKind::Near,
            overlap: Overlap { shared, size_a: 10, size_b: 10 },
            estimate: 0.0,
            passages: Vec::new(),
        };
        // Drafts 0 and 2; documents 1 and 3 are the index.
        let passages = [
            passage(side(0, 10, 20), side(1, 0, 10), 0.5),
            // Overlaps the first, then one that touches it, then one
            // inside it: together 10..40.
            passage(side(0, 15, 30), side(3, 0, 15), 0.7),
            passage(side(0, 30, 40), side(3, 20, 30), 0.6),
            passage(side(0, 12, 18), side(1, 40, 46), 0.9),
            // Draft 2 is the second side.
            passage(side(1, 5, 9), side(2, 50, 54), 0.8),
        ];
        let duplicates = [duplicate(0, 1, 8), duplicate(1, 2, 9)];
        let mut profiles = vec![DocProfile::default(); 4];
        profiles[0].bytes = 100;
        profiles[2].bytes = 60;
        let drafts = [DocId(0), DocId(2)];
        let found = draft_findings(&drafts, &duplicates, &passages, &profiles);
        let summary = |f: &DraftFindings| {
            (f.doc, f.passages, f.covered_bytes, f.near_duplicates)
        };
        assert_eq!(summary(&found[0]), (DocId(0), 4, 30, 1));
        assert_eq!(summary(&found[1]), (DocId(2), 1, 4, 1));
        assert_eq!(found[0].best_passage, Some(0.9));
        assert_eq!(found[1].best_passage, Some(0.8));
        // Jaccard 8 / 12 and 9 / 11.
        assert_eq!(found[0].best_duplicate, Some(8.0 / 12.0));
        assert_eq!(found[1].best_duplicate, Some(9.0 / 11.0));
        assert_eq!(found[0].covered(), 0.3);
    }

    #[test]
    fn opening_collapses_whitespace() {
        assert_eq!(opening(b"  Hello,\n\n  world  ", 5), "Hello, world");
        assert_eq!(opening(b"one two three four", 2), "one two…");
        assert_eq!(opening(b"...", 3), "");
    }

    #[test]
    fn paragraphs_are_separated_by_blank_lines_or_are_lines() {
        let starts = |text: &str| {
            let breaks: Vec<usize> =
                memchr::memchr_iter(b'\n', text.as_bytes()).collect();
            paragraph_starts(text.as_bytes(), &breaks)
        };
        // Blank lines (spaces count as blank) separate paragraphs of
        // several lines.
        let text = "\nHead\n\none\nstill one\n  \n\ntwo\n";
        assert_eq!(starts(text), [1, 7, 25]);
        assert_eq!(&text[25..28], "two");
        // Without blank lines between them, every line is a paragraph;
        // blank lines at either end do not change that.
        assert_eq!(starts("\n\na\nb\nc\n\n"), [2, 4, 6]);
        assert_eq!(starts("one line"), [0]);
        assert!(starts(" \n ").is_empty());
    }
}
