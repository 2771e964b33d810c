//! JSON Lines output: one `{"type": ..., "data": {...}}` object a line.
//!
//! Consumers dispatch on `type` and skip kinds they do not know, so a new
//! kind or a new field is not a breaking change; renaming or removing one
//! is. The record types and their fields are documented in the README.

use std::borrow::Cow;
use std::io;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{CheckSummary, DuplicateKind, Params, Report, Summary};
use crate::boilerplate::Reason;
use crate::diagnostic::Diagnostic;
use crate::passage::PassageKind;
use crate::verify::round4;

/// One line of output. Strings borrow from the report when writing and
/// are owned when reading a report back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Message<'a> {
    /// A problem with the input.
    Diagnostic(Cow<'a, Diagnostic>),
    /// A verified pair of near-duplicate documents.
    Duplicate(DuplicateMsg<'a>),
    /// A cluster of near-duplicate documents.
    Cluster(ClusterMsg<'a>),
    /// A document `rehash clean` removed, and why; only in its report.
    Removed(RemovedMsg<'a>),
    /// A copied or rewritten passage.
    Passage(PassageMsg<'a>),
    /// Two different documents that share passages.
    Overlap(OverlapMsg<'a>),
    /// A recurring line or line template.
    Boilerplate(BoilerplateMsg<'a>),
    /// One boilerplate line (or sentence) of one document.
    BoilerplateSpan(BoilerplateSpanMsg<'a>),
    /// What a check found for one draft; only in the report of `rehash
    /// check`, one for each draft, before the `check` record.
    Draft(DraftMsg<'a>),
    /// What a check of drafts against an index looked at and found; only
    /// in the report of `rehash check`, just before the summary.
    Check(Cow<'a, CheckSummary>),
    /// Totals and settings; always the last line.
    Summary(SummaryMsg<'a>),
}

/// A verified document pair. Fields serialize in declaration order, so
/// output is byte-stable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateMsg<'a> {
    /// Id of the earlier document in input order.
    pub a: Cow<'a, str>,
    /// Id of the later document.
    pub b: Cow<'a, str>,
    /// Exact Jaccard similarity of the two shingle sets, 4 decimals.
    pub similarity: f64,
    /// `exact` (same normalized text) or `near`.
    pub kind: DuplicateKind,
    /// The MinHash estimate of `similarity`.
    pub estimate: f64,
    /// Share of `a`'s shingles found in `b`.
    pub containment_a: f64,
    /// Share of `b`'s shingles found in `a`.
    pub containment_b: f64,
    /// Shingles in both.
    pub shared: u32,
    /// Distinct shingles of `a`.
    pub shingles_a: u32,
    /// Distinct shingles of `b`.
    pub shingles_b: u32,
    /// The id of the cluster both belong to.
    pub cluster: u32,
    /// Ids of the passages found between the two documents.
    pub passages: Vec<u32>,
}

/// One side of a passage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideMsg<'a> {
    /// The document's id.
    pub doc: Cow<'a, str>,
    /// Byte offset of the first word in the document's text.
    pub start: u32,
    /// Byte offset after the last word.
    pub end: u32,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, in characters.
    pub column: u32,
    /// 1-based paragraph of `start`: paragraphs are separated by blank
    /// lines, or in a text without blank lines are its lines.
    #[serde(default)]
    pub paragraph: u32,
}

/// Two different documents that share passages, `a` first in input
/// order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlapMsg<'a> {
    /// Id of the earlier document.
    pub a: Cow<'a, str>,
    /// Id of the later document.
    pub b: Cow<'a, str>,
    /// Ids of the passages between them.
    pub passages: Vec<u32>,
    /// Share of `a`'s text inside its sides of the passages, 4 decimals.
    pub covered_a: f64,
    /// Share of `b`'s text inside its sides of the passages.
    pub covered_b: f64,
    /// Bytes of `a`'s text inside its sides of the passages.
    pub covered_bytes_a: u64,
    /// Bytes of `b`'s text inside its sides of the passages.
    pub covered_bytes_b: u64,
}

/// What a check found for one draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftMsg<'a> {
    /// The draft's id.
    pub doc: Cow<'a, str>,
    /// Length of its text in bytes.
    pub bytes: u64,
    /// Near-duplicate documents of the index (exact copies included).
    pub near_duplicates: u32,
    /// Passages shared with the index.
    pub passages: u32,
    /// Share of the draft's text inside its passages, 4 decimals.
    pub covered: f64,
    /// Bytes of the draft's text inside its passages.
    pub covered_bytes: u64,
    /// The highest similarity of its passages, or null.
    pub best_passage: Option<f64>,
    /// The highest Jaccard similarity of its near-duplicates, or null.
    pub best_duplicate: Option<f64>,
    /// Whether it fails the check: a near-duplicate, or passages (with
    /// `--fail-covered`, covering at least that share of its text).
    #[serde(default)]
    pub fails: bool,
}

/// A document removed by `rehash clean`: which document was kept
/// instead, and what ties the two: the kept member of its cluster that
/// holds it, or the passages that cover it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemovedMsg<'a> {
    /// The removed document's id.
    pub doc: Cow<'a, str>,
    /// Its cluster's id; null for a covered document.
    pub cluster: Option<u32>,
    /// The id of the document kept in its place: the kept member of its
    /// cluster that holds it, or the document that covers it (or, when
    /// that member is itself covered, the document covering that one).
    pub kept: Cow<'a, str>,
    /// The kept member that holds it, or the document that covers it.
    pub matched: Cow<'a, str>,
    /// The exact Jaccard similarity of it and `matched`, 4 decimals; null
    /// for a covered document.
    pub similarity: Option<f64>,
    /// Of a near-duplicate: the share of its shingles in the kept
    /// document's, 4 decimals; at least the threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained: Option<f64>,
    /// `exact` or `near` (a near-duplicate), or `covered`.
    pub kind: RemovedKind,
    /// Of a covered document: the share of its text outside boilerplate
    /// that the passages cover, 4 decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered: Option<f64>,
    /// Of a covered document: the ids of the passages (`verbatim` and
    /// `near`) that cover it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passages: Option<Vec<u32>>,
}

/// Why `rehash clean` removed a document.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedKind {
    /// An exact duplicate in a cluster.
    Exact,
    /// A near-duplicate in a cluster.
    Near,
    /// Covered by the copied passages of a kept document.
    Covered,
}

/// A passage pair, `a` before `b` by (document, start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PassageMsg<'a> {
    /// 1-based; duplicate records refer to it.
    pub id: u32,
    /// The earlier side.
    pub a: SideMsg<'a>,
    /// The later side.
    pub b: SideMsg<'a>,
    /// Share of the two spans' words, weighted by rarity (inverse
    /// frequency over all windows), that the other span has.
    pub similarity: f64,
    /// `verbatim`, `near` or `rewrite`.
    pub kind: PassageKind,
    /// Exact Jaccard similarity of the spans' word 3-gram sets.
    pub jaccard: f64,
    /// Share of `a`'s 3-grams found in `b`.
    pub containment_a: f64,
    /// Share of `b`'s 3-grams found in `a`.
    pub containment_b: f64,
    /// Words in `a`.
    pub words_a: u32,
    /// Words in `b`.
    pub words_b: u32,
    /// Words of `a` whose stem `b` has.
    pub matched_a: u32,
    /// Words of `b` whose stem `a` has.
    pub matched_b: u32,
}

/// A cluster of near-duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterMsg<'a> {
    /// 1-based cluster number.
    pub id: u32,
    /// The member to keep.
    pub representative: Cow<'a, str>,
    /// All members in input order, the representative included.
    pub members: Vec<Cow<'a, str>>,
    /// Number of members.
    pub size: usize,
    /// The members `rehash clean` keeps, in input order: the
    /// representative, and members that a chain of pairs joined but that
    /// no kept member holds.
    #[serde(default)]
    pub kept: Vec<Cow<'a, str>>,
}

/// A recurring line or line template, in the inventory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoilerplateMsg<'a> {
    /// 1-based; spans refer to it.
    pub id: u32,
    /// The line, with numbers and names shown as `…` when `masked`.
    pub template: Cow<'a, str>,
    /// Documents it recurs in (exact copies counted once).
    pub documents: u32,
    /// The first documents it occurs in, at most three.
    pub examples: Vec<Cow<'a, str>>,
    /// True when lines differing in numbers and names are grouped.
    pub masked: bool,
    /// True when the template is a sentence from inside a longer line (its
    /// spans have reason `sentence`), not a whole line. Absent in older
    /// reports, read as false.
    #[serde(default)]
    pub inline: bool,
}

/// One boilerplate line (or sentence) of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoilerplateSpanMsg<'a> {
    /// The document's id.
    pub doc: Cow<'a, str>,
    /// Byte offset of the start of the line (or sentence) in the
    /// document's text.
    pub start: u32,
    /// Byte offset of its end.
    pub end: u32,
    /// The template's id, or null for a line that is boilerplate because
    /// it sits among boilerplate without being prose.
    pub template: Option<u32>,
    /// `recurring`, `context` or `sentence`.
    pub reason: Reason,
}

/// Totals, with the settings that produced them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryMsg<'a> {
    /// The counts.
    #[serde(flatten)]
    pub summary: Cow<'a, Summary>,
    /// The settings.
    pub params: Cow<'a, Params>,
}

/// The report as messages, in output order: diagnostics, boilerplate
/// inventory, duplicates, clusters, passages, boilerplate spans, summary.
/// Strings
/// borrow from the report.
pub fn messages(report: &Report) -> impl Iterator<Item = Message<'_>> {
    let cluster_of = report.cluster_ids();
    let id = |d: crate::corpus::DocId| Cow::Borrowed(report.id(d));
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| Message::Diagnostic(Cow::Borrowed(d)));
    let templates = report.boilerplate.iter().map(move |t| {
        Message::Boilerplate(BoilerplateMsg {
            inline: t.inline,
            id: t.id,
            template: Cow::Borrowed(&t.text),
            documents: t.documents,
            examples: t.examples.iter().map(|&d| id(d)).collect(),
            masked: t.masked,
        })
    });
    let duplicates = report.duplicates.iter().map(move |d| {
        Message::Duplicate(DuplicateMsg {
            a: id(d.a),
            b: id(d.b),
            similarity: round4(d.overlap.jaccard()),
            kind: d.kind,
            estimate: round4(d.estimate),
            containment_a: round4(d.overlap.containment_a()),
            containment_b: round4(d.overlap.containment_b()),
            shared: d.overlap.shared,
            shingles_a: d.overlap.size_a,
            shingles_b: d.overlap.size_b,
            cluster: cluster_of[d.a.index()],
            passages: d.passages.clone(),
        })
    });
    let passages = report.passages.iter().map(move |r| {
        let p = &r.passage;
        let side = |s: crate::passage::Side,
                    (line, column): (u32, u32),
                    paragraph: u32| SideMsg {
            doc: id(s.doc),
            start: s.start,
            end: s.end,
            line,
            column,
            paragraph,
        };
        Message::Passage(PassageMsg {
            id: r.id,
            a: side(p.a, r.at.0, r.paragraphs.0),
            b: side(p.b, r.at.1, r.paragraphs.1),
            similarity: round4(p.similarity),
            kind: p.kind,
            jaccard: round4(p.trigrams.jaccard()),
            containment_a: round4(p.trigrams.containment_a()),
            containment_b: round4(p.trigrams.containment_b()),
            words_a: p.words.0,
            words_b: p.words.1,
            matched_a: p.matched.0,
            matched_b: p.matched.1,
        })
    });
    let clusters = report.clusters.iter().map(move |c| {
        Message::Cluster(ClusterMsg {
            id: c.id,
            representative: id(c.representative),
            members: c.members.iter().map(|&m| id(m)).collect(),
            size: c.members.len(),
            kept: c.kept().into_iter().map(id).collect(),
        })
    });
    let removed = report.removals.iter().map(move |r| {
        let mut msg = RemovedMsg {
            doc: id(r.doc),
            cluster: None,
            kept: id(r.kept),
            matched: id(r.matched),
            similarity: None,
            contained: None,
            kind: RemovedKind::Covered,
            covered: None,
            passages: None,
        };
        match r.reason {
            crate::clean::Reason::Duplicate {
                cluster,
                similarity,
                contained,
                kind,
            } => {
                msg.cluster = Some(cluster);
                msg.similarity = Some(round4(similarity));
                msg.contained = Some(round4(contained));
                msg.kind = match kind {
                    DuplicateKind::Exact => RemovedKind::Exact,
                    DuplicateKind::Near => RemovedKind::Near,
                };
            }
            crate::clean::Reason::Covered { overlap, covered } => {
                let o = &report.overlaps[overlap];
                msg.covered = Some(round4(covered));
                msg.passages = Some(
                    crate::clean::copied(report, o).map(|p| p.id).collect(),
                );
            }
        }
        Message::Removed(msg)
    });
    let overlaps = report.overlaps.iter().map(move |o| {
        let (covered_a, covered_b) = o.covered();
        Message::Overlap(OverlapMsg {
            a: id(o.a),
            b: id(o.b),
            passages: o.passages.clone(),
            covered_a: round4(covered_a),
            covered_b: round4(covered_b),
            covered_bytes_a: o.covered_bytes.0,
            covered_bytes_b: o.covered_bytes.1,
        })
    });
    let spans = report.boilerplate_spans.iter().map(move |s| {
        Message::BoilerplateSpan(BoilerplateSpanMsg {
            doc: id(s.doc),
            start: s.start,
            end: s.end,
            template: s.template,
            reason: s.reason,
        })
    });
    let drafts = report.check.iter().flat_map(|c| &c.findings).map(move |f| {
        Message::Draft(DraftMsg {
            doc: id(f.doc),
            bytes: f.bytes,
            near_duplicates: f.near_duplicates,
            passages: f.passages,
            covered: round4(f.covered()),
            covered_bytes: f.covered_bytes,
            best_passage: f.best_passage.map(round4),
            best_duplicate: f.best_duplicate.map(round4),
            fails: f.fails,
        })
    });
    let check =
        report.check.iter().map(|c| Message::Check(Cow::Borrowed(&c.summary)));
    let summary = std::iter::once(Message::Summary(SummaryMsg {
        summary: Cow::Borrowed(&report.summary),
        params: Cow::Borrowed(&report.params),
    }));
    diagnostics
        .chain(templates)
        .chain(duplicates)
        .chain(clusters)
        .chain(removed)
        .chain(passages)
        .chain(overlaps)
        .chain(spans)
        .chain(drafts)
        .chain(check)
        .chain(summary)
}

/// Messages formatted at a time, in parallel in chunks of
/// [`FORMAT_CHUNK`], then written in order: a few megabytes of output.
const FORMAT_BATCH: usize = 1 << 15;

/// Messages one thread formats into one buffer.
const FORMAT_CHUNK: usize = 1 << 10;

/// Writes the report as JSON Lines.
///
/// Large reports are mostly passages and boilerplate spans. Formatting
/// them took most of the time of writing the report of a default scan of
/// `c100k` of `../shared/bench` (208 MB, one thread); batches of them are
/// formatted in parallel. Writing each batch while the next was formatted
/// gained nothing more. The output is the same for any thread count.
///
/// # Errors
///
/// Errors of the writer.
pub fn write<W: io::Write>(mut w: W, report: &Report) -> io::Result<()> {
    let mut messages = messages(report);
    let mut batch = Vec::with_capacity(FORMAT_BATCH);
    loop {
        batch.clear();
        batch.extend(messages.by_ref().take(FORMAT_BATCH));
        if batch.is_empty() {
            return w.flush();
        }
        let chunks: Vec<Vec<u8>> = batch
            .par_chunks(FORMAT_CHUNK)
            .map(format_chunk)
            .collect::<io::Result<_>>()?;
        for chunk in &chunks {
            w.write_all(chunk)?;
        }
    }
}

/// The JSON Lines of `messages`.
fn format_chunk(messages: &[Message<'_>]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut spans = SpanWriter::default();
    for msg in messages {
        match msg {
            Message::BoilerplateSpan(s) => spans.write(&mut out, s)?,
            _ => {
                serde_json::to_writer(&mut out, msg)?;
                out.push(b'\n');
            }
        }
    }
    Ok(out)
}

/// Spans are most of a large report's lines: they are written by hand,
/// byte for byte what serde writes (a test compares the two), several
/// times faster. A document's spans come together, so its id is escaped
/// once for all of them.
#[derive(Default)]
struct SpanWriter {
    /// Address and length of the id escaped last.
    doc: (usize, usize),
    doc_json: Vec<u8>,
    line: Vec<u8>,
}

impl SpanWriter {
    fn write<W: io::Write>(
        &mut self,
        w: &mut W,
        s: &BoilerplateSpanMsg<'_>,
    ) -> io::Result<()> {
        let doc = (s.doc.as_ptr() as usize, s.doc.len());
        if doc != self.doc || self.doc_json.is_empty() {
            self.doc_json.clear();
            serde_json::to_writer(&mut self.doc_json, &s.doc)?;
            self.doc = doc;
        }
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(
            b"{\"type\":\"boilerplate_span\",\"data\":{\"doc\":",
        );
        line.extend_from_slice(&self.doc_json);
        line.extend_from_slice(b",\"start\":");
        push_u32(line, s.start);
        line.extend_from_slice(b",\"end\":");
        push_u32(line, s.end);
        line.extend_from_slice(b",\"template\":");
        match s.template {
            Some(t) => push_u32(line, t),
            None => line.extend_from_slice(b"null"),
        }
        line.extend_from_slice(match s.reason {
            Reason::Recurring => b",\"reason\":\"recurring\"}}\n",
            Reason::Context => b",\"reason\":\"context\"}}\n",
            Reason::Sentence => b",\"reason\":\"sentence\"}}\n",
        });
        w.write_all(line)
    }
}

/// Appends the decimal digits of `n`.
fn push_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_spans_match_serde() {
        for (doc, template, reason) in [
            ("a", Some(3), Reason::Recurring),
            ("path/with \"quotes\" and \\ and \u{1}", None, Reason::Context),
        ] {
            let span = BoilerplateSpanMsg {
                doc: Cow::Borrowed(doc),
                start: 10,
                end: 4_000_000_000,
                template,
                reason,
            };
            let mut fast = Vec::new();
            SpanWriter::default().write(&mut fast, &span).unwrap();
            let mut slow =
                serde_json::to_vec(&Message::BoilerplateSpan(span)).unwrap();
            slow.push(b'\n');
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(slow).unwrap()
            );
        }
    }
}
