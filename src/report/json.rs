//! JSON Lines output: one `{"type": ..., "data": {...}}` object a line.
//!
//! Consumers dispatch on `type` and skip kinds they do not know, so a new
//! kind or a new field is not a breaking change; renaming or removing one
//! is. The record types and their fields are documented in the README.

use std::io;

use serde::{Deserialize, Serialize};

use super::{DuplicateKind, Params, Report, Summary};
use crate::diagnostic::Diagnostic;
use crate::verify::round4;

/// One line of output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Message {
    /// A problem with the input.
    Diagnostic(Diagnostic),
    /// A verified pair of near-duplicate documents.
    Duplicate(DuplicateMsg),
    /// A cluster of near-duplicate documents.
    Cluster(ClusterMsg),
    /// Totals and settings; always the last line.
    Summary(SummaryMsg),
}

/// A verified document pair. Fields serialize in declaration order, so
/// output is byte-stable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateMsg {
    /// Id of the earlier document in input order.
    pub a: String,
    /// Id of the later document.
    pub b: String,
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
}

/// A cluster of near-duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterMsg {
    /// 1-based cluster number.
    pub id: u32,
    /// The member to keep.
    pub representative: String,
    /// All members in input order, the representative included.
    pub members: Vec<String>,
    /// Number of members.
    pub size: usize,
}

/// Totals, with the settings that produced them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryMsg {
    /// The counts.
    #[serde(flatten)]
    pub summary: Summary,
    /// The settings.
    pub params: Params,
}

/// The report as messages, in output order: diagnostics, duplicates,
/// clusters, summary.
pub fn messages(report: &Report) -> Vec<Message> {
    let mut cluster_of = std::collections::BTreeMap::new();
    for c in &report.clusters {
        for &m in &c.members {
            cluster_of.insert(m, c.id);
        }
    }
    let mut out = Vec::new();
    out.extend(report.diagnostics.iter().cloned().map(Message::Diagnostic));
    for d in &report.duplicates {
        out.push(Message::Duplicate(DuplicateMsg {
            a: report.id(d.a).to_string(),
            b: report.id(d.b).to_string(),
            similarity: round4(d.overlap.jaccard()),
            kind: d.kind,
            estimate: round4(d.estimate),
            containment_a: round4(d.overlap.containment_a()),
            containment_b: round4(d.overlap.containment_b()),
            shared: d.overlap.shared,
            shingles_a: d.overlap.size_a,
            shingles_b: d.overlap.size_b,
            cluster: cluster_of.get(&d.a).copied().unwrap_or(0),
        }));
    }
    for c in &report.clusters {
        out.push(Message::Cluster(ClusterMsg {
            id: c.id,
            representative: report.id(c.representative).to_string(),
            members: c
                .members
                .iter()
                .map(|&m| report.id(m).to_string())
                .collect(),
            size: c.members.len(),
        }));
    }
    out.push(Message::Summary(SummaryMsg {
        summary: report.summary.clone(),
        params: report.params.clone(),
    }));
    out
}

/// Writes the report as JSON Lines.
///
/// # Errors
///
/// Errors of the writer.
pub fn write<W: io::Write>(mut w: W, report: &Report) -> io::Result<()> {
    for msg in messages(report) {
        serde_json::to_writer(&mut w, &msg)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}
