//! The result of a scan (or of a check, or a clean's scan with its
//! removals) as plain, sorted data, and its renderings: a readable text
//! report ([`text`]) and JSON Lines ([`json`]).

pub mod json;
pub mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::Keep;
use crate::corpus::DocId;
use crate::diagnostic::Diagnostic;
use crate::lsh::Banding;
use crate::minhash::SketchParams;
use crate::passage::Passage;
use crate::verify::Overlap;

/// Everything a scan found. Every list is sorted, so rendering it is
/// deterministic.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The settings that produced this report.
    pub params: Params,
    /// Problems with the input, grouped by file in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// Near-duplicate document pairs, sorted by `(a, b)`.
    pub duplicates: Vec<Duplicate>,
    /// Clusters of near-duplicates, ordered by their first member.
    pub clusters: Vec<Cluster>,
    /// Copied and rewritten passages, by (document, start) of both sides.
    pub passages: Vec<PassageReport>,
    /// Pairs of different documents that share passages, by `(a, b)`.
    pub overlaps: Vec<PairOverlap>,
    /// Recurring lines and templates, most documents first.
    pub boilerplate: Vec<BoilerplateTemplate>,
    /// Boilerplate lines and sentences, by document and offset.
    pub boilerplate_spans: Vec<BoilerplateSpan>,
    /// Every document's id, indexed by [`DocId`].
    pub ids: Vec<String>,
    /// More about the documents in clusters, for the text report.
    pub docs: BTreeMap<DocId, DocInfo>,
    /// Totals.
    pub summary: Summary,
    /// For a check of drafts against an index, what was checked.
    pub check: Option<Check>,
    /// For a clean, why each removed document was removed (see
    /// [`crate::clean::removals`]); empty otherwise.
    pub removals: Vec<crate::clean::Removal>,
}

/// Two different documents that share passages: which, and how much of
/// each they cover.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PairOverlap {
    /// The earlier document.
    pub a: DocId,
    /// The later document.
    pub b: DocId,
    /// Ids of their passages.
    pub passages: Vec<u32>,
    /// Bytes of each document's text inside its sides of the passages
    /// (overlaps counted once).
    pub covered_bytes: (u64, u64),
    /// Length of each document's text in bytes.
    pub bytes: (u64, u64),
}

impl PairOverlap {
    /// The share of each document's text inside the passages.
    pub fn covered(&self) -> (f64, f64) {
        (
            share(self.covered_bytes.0, self.bytes.0),
            share(self.covered_bytes.1, self.bytes.1),
        )
    }
}

/// Bytes inside at least one of `spans`, `(start, end)` in order of
/// start.
pub(crate) fn covered(spans: impl Iterator<Item = (u32, u32)>) -> u64 {
    let mut total = 0u64;
    let mut end = 0u32;
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            total += u64::from(e - s);
            end = e;
        }
    }
    total
}

/// `part` of `whole` bytes as a share; 0 of an empty text.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// The drafts of a check, and its totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Check {
    /// What was found for each draft, one for every draft, in input
    /// order.
    pub findings: Vec<DraftFindings>,
    /// Totals.
    pub summary: CheckSummary,
    /// The share of a draft's text its passages must cover for it to
    /// fail, when set by [`Check::gate`]; otherwise any passage fails it.
    pub fail_covered: Option<f64>,
}

/// What a check found for one draft: how many links to the index, the
/// strongest, and how much of the draft its passages cover.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DraftFindings {
    /// The draft.
    pub doc: DocId,
    /// Length of its text in bytes.
    pub bytes: u64,
    /// Near-duplicate documents of the index (exact copies included).
    pub near_duplicates: u32,
    /// Passages shared with the index.
    pub passages: u32,
    /// Bytes of the draft's text inside at least one of its passages'
    /// sides. An exact copy has no passages: see `best_duplicate`.
    pub covered_bytes: u64,
    /// The highest similarity of its passages.
    pub best_passage: Option<f64>,
    /// The highest Jaccard similarity of its near-duplicates.
    pub best_duplicate: Option<f64>,
    /// Whether the draft fails the check (see [`Check::gate`]).
    pub fails: bool,
}

impl DraftFindings {
    /// The share of the draft's text inside its passages.
    pub fn covered(&self) -> f64 {
        share(self.covered_bytes, self.bytes)
    }
}

impl Check {
    /// Counts the drafts with findings, and decides which fail: those
    /// with a near-duplicate in the index, and those with passages, which
    /// with `min_covered` must cover at least that share of the draft's
    /// text. A check is made with `None`: every draft with findings
    /// fails.
    pub fn gate(&mut self, min_covered: Option<f64>) {
        self.fail_covered = min_covered;
        self.summary.flagged = self
            .findings
            .iter()
            .filter(|f| f.near_duplicates > 0 || f.passages > 0)
            .count() as u64;
        for f in &mut self.findings {
            f.fails = f.near_duplicates > 0
                || (f.passages > 0
                    && min_covered.is_none_or(|min| f.covered() >= min));
        }
        self.summary.failed =
            self.findings.iter().filter(|f| f.fails).count() as u64;
    }

    /// What was found for `doc`, when it is a draft.
    pub fn findings_of(&self, doc: DocId) -> Option<&DraftFindings> {
        let i = self.findings.binary_search_by_key(&doc, |f| f.doc).ok()?;
        Some(&self.findings[i])
    }

    /// True when `doc` is a draft.
    pub fn is_draft(&self, doc: DocId) -> bool {
        self.findings_of(doc).is_some()
    }
}

/// What a check looked at and found (see
/// [`crate::Pipeline::check_with_progress`]).
#[derive(Clone, Debug, Default, Eq, PartialEq, Serialize, Deserialize)]
pub struct CheckSummary {
    /// Drafts checked.
    pub drafts: u64,
    /// Documents of the index they were checked against.
    pub index: u64,
    /// Documents left out: drafts' own files found among the index inputs.
    pub ignored: u64,
    /// Drafts with at least one near-duplicate or passage in the index.
    pub flagged: u64,
    /// Drafts that fail the check: `flagged`, less those whose passages
    /// cover less than `--fail-covered` of their text (and that have no
    /// near-duplicate). `rehash check` exits with 1 when there is one.
    #[serde(default)]
    pub failed: u64,
}

/// The settings of a scan, reported with its results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// What determines the signatures.
    #[serde(flatten)]
    pub sketch: SketchParams,
    /// LSH bands.
    pub bands: u32,
    /// Slots per band.
    pub rows: u32,
    /// The Jaccard threshold for near-duplicate documents.
    pub threshold: f64,
    /// `auto`, `word` or `char`.
    pub unit: String,
    /// Cluster representative policy.
    pub keep: Keep,
    /// Whether boilerplate was looked for.
    pub boilerplate: bool,
    /// Documents a line must recur in to be boilerplate.
    pub boilerplate_min_docs: u32,
    /// Whether boilerplate counted in similarities.
    pub keep_boilerplate: bool,
    /// Whether runs of lines enclosed by boilerplate were boilerplate too.
    pub boilerplate_context: bool,
    /// Whether sentences inside long lines were looked at.
    pub boilerplate_inline: bool,
    /// Whether passages were looked for.
    pub passages: bool,
    /// Similarity at or above which spans are a passage.
    pub passage_min_similarity: f64,
    /// Words each side of a passage has at least.
    pub passage_min_words: u32,
}

impl Params {
    /// The banding as a value.
    pub fn banding(&self) -> Banding {
        Banding { bands: self.bands, rows: self.rows }
    }
}

/// How two documents were found to be duplicates.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// The same normalized text: equal up to case, punctuation and
    /// spacing. Found by hashing, without LSH.
    Exact,
    /// Shingle sets with a Jaccard similarity at or above the threshold.
    Near,
}

/// One verified pair of near-duplicate documents, `a` before `b` in input
/// order.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    /// The earlier document.
    pub a: DocId,
    /// The later document.
    pub b: DocId,
    /// Exact or near.
    pub kind: DuplicateKind,
    /// Exact counts of shared and total shingles.
    pub overlap: Overlap,
    /// The MinHash estimate of the Jaccard similarity.
    pub estimate: f64,
    /// Ids of the passages found between the two documents.
    pub passages: Vec<u32>,
}

/// A connected group of near-duplicate documents.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Cluster {
    /// 1-based, in order of the clusters' first members.
    pub id: u32,
    /// The member to keep, by `--keep`.
    pub representative: DocId,
    /// All members, in input order.
    pub members: Vec<DocId>,
    /// The members a kept member holds (see [`Removable`]), in input
    /// order; the others are kept (see [`Cluster::kept`]).
    pub removable: Vec<Removable>,
}

impl Cluster {
    /// Whether `doc`, a member, is kept: the representative, or a member
    /// that a chain of pairs joined to the cluster but that no kept member
    /// holds.
    pub fn is_kept(&self, doc: DocId) -> bool {
        self.removable.binary_search_by_key(&doc, |r| r.doc).is_err()
    }

    /// The members to keep, in input order.
    pub fn kept(&self) -> Vec<DocId> {
        self.members.iter().copied().filter(|&m| self.is_kept(m)).collect()
    }
}

/// A cluster member that a kept member holds: at least the threshold's
/// share of its shingles are in the kept member's, so removing it loses at
/// most the rest.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Removable {
    /// The member.
    pub doc: DocId,
    /// The kept member that holds it.
    pub kept: DocId,
    /// Their shingle sets, `doc`'s first: `containment_a` is the share of
    /// `doc` held.
    pub overlap: Overlap,
    /// Exact copies (the same normalized text), or near.
    pub kind: DuplicateKind,
}

/// A passage with what the renderers show of it.
#[derive(Clone, Debug, PartialEq)]
pub struct PassageReport {
    /// 1-based, in report order.
    pub id: u32,
    /// The spans and scores.
    pub passage: Passage,
    /// 1-based line and column (in characters) where each side starts.
    pub at: ((u32, u32), (u32, u32)),
    /// 1-based paragraph where each side starts: paragraphs are separated
    /// by blank lines, or in a text without blank lines are its lines.
    pub paragraphs: (u32, u32),
    /// Each side's text, whitespace collapsed, shortened in the middle
    /// when long; empty from a pipeline without quotes
    /// ([`crate::Pipeline::quotes`]).
    pub quotes: (String, String),
}

/// A recurring line or line template.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct BoilerplateTemplate {
    /// 1-based, most documents first.
    pub id: u32,
    /// The line, with numbers and names shown as `…` when `masked`.
    pub text: String,
    /// True for a template that groups lines differing in numbers and
    /// names.
    pub masked: bool,
    /// True when `text` is a sentence from inside a longer line, not a
    /// whole line.
    pub inline: bool,
    /// Documents it recurs in, each group of exact copies counted once.
    pub documents: u32,
    /// The first documents it occurs in, at most three.
    pub examples: Vec<DocId>,
}

/// One boilerplate line (or sentence) of one document.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct BoilerplateSpan {
    /// The document.
    pub doc: DocId,
    /// Byte offset of the line (or sentence) in the document's text.
    pub start: u32,
    /// End of the line.
    pub end: u32,
    /// The recurring template, or `None` for a line that is boilerplate by
    /// context.
    pub template: Option<u32>,
    /// Why the line is boilerplate.
    pub reason: crate::boilerplate::Reason,
}

/// What a report shows of a document.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct DocInfo {
    /// The document's id.
    pub id: String,
    /// Number of tokens (words, or characters for unspaced scripts).
    pub tokens: u32,
    /// Length of the text in bytes.
    pub bytes: u64,
    /// The opening words, whitespace collapsed.
    pub opening: String,
}

/// Totals of a scan. Every input record is either one of the `documents`
/// or one of the `skipped`; files skipped whole are counted apart, since
/// their records are unknown.
#[derive(Clone, Debug, Default, Eq, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Documents scanned.
    pub documents: u64,
    /// Records skipped (each has a diagnostic).
    pub skipped: u64,
    /// Files or paths skipped whole (each has a diagnostic).
    pub skipped_files: u64,
    /// Diagnostics of every kind, skips included.
    pub diagnostics: u64,
    /// Bytes of text scanned.
    pub bytes: u64,
    /// Pairs proposed by LSH and verified.
    pub candidates: u64,
    /// LSH buckets too large to pair all with all.
    pub oversized_buckets: u64,
    /// Duplicate pairs reported, exact ones included.
    pub duplicates: u64,
    /// Of those, pairs with the same normalized text.
    pub exact_duplicates: u64,
    /// Clusters.
    pub clusters: u64,
    /// Documents in clusters other than the representatives: what a
    /// deduplication would remove.
    pub removable: u64,
    /// Recurring lines and templates.
    pub boilerplate_templates: u64,
    /// Boilerplate spans (lines and sentences) in all documents.
    pub boilerplate_spans: u64,
    /// Bytes of text in boilerplate spans.
    pub boilerplate_bytes: u64,
    /// Passages found.
    pub passages: u64,
    /// Sentence windows sketched for passages.
    pub passage_windows: u64,
    /// Window pairs verified.
    pub passage_candidates: u64,
    /// Sketch bins skipped as stock phrases even within one document
    /// (see [`crate::passage::DOC_WINDOWS_PER_BUCKET_SLOT`]).
    pub passage_oversized_buckets: u64,
    /// Document frequencies of a sample of shingles (with boilerplate
    /// detection). Reports written before it existed read as zeros.
    #[serde(default)]
    pub shingle_df: crate::shingle_df::ShingleDf,
}

impl Report {
    /// The id of a document.
    ///
    /// # Panics
    ///
    /// If `doc` is not a document of the scanned corpus.
    pub fn id(&self, doc: DocId) -> &str {
        &self.ids[doc.index()]
    }

    /// The passage with id `id`.
    pub fn passage(&self, id: u32) -> Option<&PassageReport> {
        let ps = &self.passages;
        match ps.get((id as usize).wrapping_sub(1)) {
            Some(p) if p.id == id => Some(p),
            _ => ps.binary_search_by_key(&id, |p| p.id).ok().map(|i| &ps[i]),
        }
    }

    /// Each document's cluster id, indexed by [`DocId`]; 0 for a document
    /// in no cluster.
    pub fn cluster_ids(&self) -> Vec<u32> {
        let mut of = vec![0u32; self.ids.len()];
        for c in &self.clusters {
            for &m in &c.members {
                of[m.index()] = c.id;
            }
        }
        of
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_fails_near_duplicates_and_drafts_covered_enough() {
        let draft =
            |doc, near_duplicates, passages, covered_bytes| DraftFindings {
                doc: DocId(doc),
                bytes: 100,
                near_duplicates,
                passages,
                covered_bytes,
                best_passage: None,
                best_duplicate: None,
                fails: false,
            };
        let mut check = Check {
            findings: vec![
                draft(0, 0, 0, 0),  // nothing found
                draft(1, 1, 0, 0),  // an exact copy: no passages
                draft(2, 0, 1, 30), // one passage over 30%
                draft(3, 0, 2, 50), // passages over half
                draft(4, 1, 1, 10), // a near-duplicate with a passage
            ],
            ..Check::default()
        };
        let fails = |c: &Check| -> Vec<bool> {
            c.findings.iter().map(|f| f.fails).collect()
        };
        check.gate(None);
        assert_eq!(fails(&check), [false, true, true, true, true]);
        assert_eq!(check.summary.failed, 4);
        check.gate(Some(0.5));
        assert_eq!(fails(&check), [false, true, false, true, true]);
        assert_eq!((check.summary.failed, check.fail_covered), (3, Some(0.5)));
        check.gate(Some(0.51));
        assert_eq!(fails(&check), [false, true, false, false, true]);
    }
}
