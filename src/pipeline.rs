//! The order of the stages. Only this module knows it.
//!
//! ```text
//! profile (tokenize, shingle; parallel) → sign (MinHash) → exact groups
//!   → LSH candidates → verify (exact Jaccard) → clusters → report
//! ```

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::cluster::components;
use crate::config::{Config, Keep, SEED};
use crate::corpus::{Corpus, DocId};
use crate::lsh::candidate_pairs;
use crate::minhash::{MinHasher, Signatures};
use crate::normalize::UnitChoice;
use crate::profile::{DocProfile, Profiler};
use crate::report::{
    Cluster, DocInfo, Duplicate, DuplicateKind, Params, Report, Summary,
};
use crate::tokenize::Tokenizer;
use crate::verify::{Overlap, make_set, overlap};

/// Receives progress from a running pipeline. Implementations must be
/// cheap: `advance` is called from worker threads once per document.
pub trait Progress: Sync {
    /// A stage with `total` steps begins.
    fn stage(&self, name: &'static str, total: u64);
    /// `n` more steps of the current stage are done.
    fn advance(&self, n: u64);
    /// The run is over.
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
}

impl Pipeline {
    /// A pipeline with a validated configuration.
    pub fn new(config: Config) -> Pipeline {
        Pipeline { config }
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
        let cfg = &self.config;
        let n = corpus.len();

        progress.stage("shingling", n as u64);
        let mut profiles = profile_all(corpus, cfg, progress);

        progress.stage("signing", n as u64);
        let sigs = sign_all(&profiles, cfg.num_perm as usize);

        let exact_groups = exact_groups(&profiles);
        let mut is_copy = vec![false; n];
        for g in &exact_groups {
            for &d in &g[1..] {
                is_copy[d as usize] = true;
            }
        }
        let reps: Vec<u32> =
            (0..n as u32).filter(|&d| !is_copy[d as usize]).collect();
        let cands = candidate_pairs(&sigs, &reps, cfg.banding, cfg.max_bucket);

        // Only documents in a pair need their shingle set; free the rest.
        let mut needed = vec![false; n];
        for &(a, b) in &cands.pairs {
            needed[a as usize] = true;
            needed[b as usize] = true;
        }
        for g in &exact_groups {
            needed[g[0] as usize] = true;
        }
        profiles.par_iter_mut().zip(&needed).for_each(|(p, &need)| {
            if need {
                make_set(&mut p.shingles);
            } else {
                p.shingles = Vec::new();
            }
        });

        progress.stage("verifying", cands.pairs.len() as u64);
        let threshold = cfg.threshold;
        let near: Vec<Duplicate> = cands
            .pairs
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
                })
            })
            .collect();

        let mut duplicates = near;
        for g in &exact_groups {
            let size = profiles[g[0] as usize].shingles.len() as u32;
            for &d in &g[1..] {
                duplicates.push(Duplicate {
                    a: DocId(g[0]),
                    b: DocId(d),
                    kind: DuplicateKind::Exact,
                    overlap: Overlap {
                        shared: size,
                        size_a: size,
                        size_b: size,
                    },
                    estimate: 1.0,
                });
            }
        }
        duplicates.sort_by_key(|d| (d.a, d.b));

        let groups = components(n, duplicates.iter().map(|d| (d.a.0, d.b.0)));
        let clusters: Vec<Cluster> = groups
            .iter()
            .enumerate()
            .map(|(i, members)| Cluster {
                id: i as u32 + 1,
                representative: DocId(representative(
                    members, &profiles, cfg.keep,
                )),
                members: members.iter().map(|&m| DocId(m)).collect(),
            })
            .collect();

        let mut docs = BTreeMap::new();
        for c in &clusters {
            for &m in &c.members {
                docs.insert(m, doc_info(corpus, m, &profiles[m.index()]));
            }
        }
        let summary = Summary {
            documents: n as u64,
            skipped: corpus.skipped(),
            skipped_files: corpus.skipped_files(),
            diagnostics: corpus.diagnostics().len() as u64,
            bytes: corpus.text_bytes(),
            candidates: cands.pairs.len() as u64,
            oversized_buckets: cands.oversized_buckets,
            duplicates: duplicates.len() as u64,
            exact_duplicates: duplicates
                .iter()
                .filter(|d| d.kind == DuplicateKind::Exact)
                .count() as u64,
            clusters: clusters.len() as u64,
            removable: clusters
                .iter()
                .map(|c| c.members.len() as u64 - 1)
                .sum(),
        };
        progress.finish();
        Report {
            params: Params {
                sketch: cfg.sketch_params(),
                bands: cfg.banding.bands,
                rows: cfg.banding.rows,
                threshold: cfg.threshold,
                unit: unit_name(cfg.unit).to_string(),
                keep: cfg.keep,
            },
            diagnostics: corpus.diagnostics().to_vec(),
            duplicates,
            clusters,
            docs,
            summary,
        }
    }
}

fn unit_name(unit: UnitChoice) -> &'static str {
    match unit {
        UnitChoice::Auto => "auto",
        UnitChoice::Word => "word",
        UnitChoice::Char => "char",
    }
}

/// Profiles every document in parallel, in input order.
fn profile_all(
    corpus: &Corpus,
    cfg: &Config,
    progress: &dyn Progress,
) -> Vec<DocProfile> {
    let k = cfg.shingle_size as usize;
    (0..corpus.len() as u32)
        .into_par_iter()
        .map_init(
            || Profiler::new(SEED, cfg.unit, k),
            |profiler, doc| {
                let profile = profiler.profile(&corpus.text(DocId(doc)));
                progress.advance(1);
                profile
            },
        )
        .collect()
}

/// Signs every document's shingles.
fn sign_all(profiles: &[DocProfile], num_perm: usize) -> Signatures {
    let mut sigs = Signatures::zeroed(profiles.len(), num_perm);
    sigs.chunks_mut()
        .collect::<Vec<_>>()
        .into_par_iter()
        .zip(profiles)
        .for_each_init(
            || MinHasher::new(num_perm, SEED),
            |hasher, (slot, profile)| {
                hasher.sign_into(profile.shingles.iter().copied(), slot)
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

fn representative(
    members: &[u32],
    profiles: &[DocProfile],
    keep: Keep,
) -> u32 {
    match keep {
        Keep::First => members[0],
        // `max_by_key` keeps the last maximum; reversing keeps the first.
        Keep::Longest => *members
            .iter()
            .rev()
            .max_by_key(|&&m| profiles[m as usize].tokens)
            .unwrap_or(&members[0]),
    }
}

/// Words shown from the start of a document.
const OPENING_WORDS: usize = 12;

fn doc_info(corpus: &Corpus, doc: DocId, profile: &DocProfile) -> DocInfo {
    let text = corpus.text(doc);
    DocInfo {
        id: corpus.id(doc).to_string(),
        tokens: profile.tokens,
        bytes: text.len() as u64,
        opening: opening(&text, OPENING_WORDS),
    }
}

/// The first `words` words of `text` with whitespace collapsed, and an
/// ellipsis when there is more.
pub(crate) fn opening(text: &[u8], words: usize) -> String {
    // Enough text for the words wanted; a cut through a character only
    // drops that character.
    let text = &text[..text.len().min(words * 40)];
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
    fn opening_collapses_whitespace() {
        assert_eq!(opening(b"  Hello,\n\n  world  ", 5), "Hello, world");
        assert_eq!(opening(b"one two three four", 2), "one two…");
        assert_eq!(opening(b"...", 3), "");
    }
}
