//! Scoring results against labelled data: what `rehash eval` runs.
//!
//! A [`Truth`] file says what should be found; [`Predictions`] are what a
//! run found, taken from a [`Report`] in memory or read back from a JSON
//! Lines report or a `rehash clean` audit (the same predictions either
//! way; a test holds them equal); an audit's removals join the clusters
//! ([`Predictions::groups`]). [`evaluate`] picks
//! the measures from the truth's shape (see [`metrics`]) and returns an
//! [`Evaluation`], which prints as a table or serializes to JSON.

pub mod metrics;
pub mod truth;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufRead, Write};
use std::path::Path;

use serde::Serialize;

use crate::corpus::{Corpus, DocId};
use crate::error::{Error, Result};

use crate::report::Report;

pub use self::metrics::{
    Case, ClassEval, ClusterEval, Confusion, PairEval, PassageEval, Scores,
};
pub use self::truth::{ClusterLabel, GoldText, SpanClass, Truth};

/// Which reported links count as a predicted pair, for pair truth.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// Verified near-duplicate documents (`duplicate` records).
    #[default]
    Duplicates,
    /// Documents sharing at least one passage (`passage` records): what
    /// sentence- and paragraph-level paraphrase data measures.
    Passages,
    /// Either.
    Any,
}

/// What a run predicted, by document id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Predictions {
    /// Near-duplicate pairs.
    pub duplicates: Vec<(String, String)>,
    /// Clusters, as member ids.
    pub clusters: Vec<Vec<String>>,
    /// Passages, both sides.
    pub passages: Vec<Case>,
    /// Boilerplate spans by document, in report order.
    pub boilerplate: HashMap<String, Vec<(usize, usize)>>,
    /// Of a `rehash clean` audit: each removed document and the one kept
    /// in its place.
    pub removed: Vec<(String, String)>,
}

/// The parts of report records that scoring reads. Reading only these
/// keeps reports of older and newer versions readable, and lets output of
/// other tools be scored once written in this shape.
mod record {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Line {
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(default)]
        pub data: serde_json::Value,
    }

    #[derive(Deserialize)]
    pub struct Duplicate {
        pub a: String,
        pub b: String,
    }

    #[derive(Deserialize)]
    pub struct Cluster {
        pub members: Vec<String>,
    }

    #[derive(Deserialize)]
    pub struct Removed {
        pub doc: String,
        pub kept: String,
    }

    #[derive(Deserialize)]
    pub struct Side {
        pub doc: String,
        pub start: usize,
        pub end: usize,
    }

    #[derive(Deserialize)]
    pub struct Passage {
        pub a: Side,
        pub b: Side,
    }
}

impl Predictions {
    /// The predictions of a report in memory: what [`Predictions::read`]
    /// takes from the same report written as JSON Lines.
    pub fn from_report(report: &Report) -> Predictions {
        let id = |d: DocId| report.id(d).to_string();
        let side = |s: crate::passage::Side| {
            (id(s.doc), s.start as usize, s.end as usize)
        };
        let mut boilerplate: HashMap<String, Vec<(usize, usize)>> =
            HashMap::new();
        for s in &report.boilerplate_spans {
            boilerplate
                .entry(id(s.doc))
                .or_default()
                .push((s.start as usize, s.end as usize));
        }
        Predictions {
            duplicates: report
                .duplicates
                .iter()
                .map(|d| (id(d.a), id(d.b)))
                .collect(),
            clusters: report
                .clusters
                .iter()
                .map(|c| c.members.iter().map(|&m| id(m)).collect())
                .collect(),
            passages: report
                .passages
                .iter()
                .map(|r| Case { a: side(r.passage.a), b: side(r.passage.b) })
                .collect(),
            boilerplate,
            removed: report
                .removals
                .iter()
                .map(|r| (id(r.doc), id(r.kept)))
                .collect(),
        }
    }

    /// Reads a JSON Lines report (`rehash scan --format json`, or the
    /// audit of `rehash clean`). Of each record it reads only what
    /// scoring needs: `a` and `b` of `duplicate`, `members` of `cluster`,
    /// `a` and `b` (`doc`, `start`, `end`) of `passage`, `doc`, `start`
    /// and `end` of `boilerplate_span`, `doc` and `kept` of `removed`;
    /// other types are skipped. The last record must
    /// be the `summary`.
    ///
    /// # Errors
    ///
    /// An unreadable file, a line that is not such a record (named by
    /// line), or a report without its final summary line (cut short).
    /// `-` reads standard input.
    pub fn read(path: &Path) -> Result<Predictions> {
        let shown = truth::shown(path);
        if crate::corpus::Input::is_stdin(path) {
            return Predictions::parse(io::stdin().lock())
                .map_err(|e| e.with_path(shown));
        }
        let file = std::fs::File::open(path)
            .map_err(|e| Error::from(e).with_path(shown))?;
        Predictions::parse(io::BufReader::new(file))
            .map_err(|e| e.with_path(shown))
    }

    /// Parses a JSON Lines report; see [`Predictions::read`].
    ///
    /// # Errors
    ///
    /// As for [`Predictions::read`].
    pub fn parse(reader: impl BufRead) -> Result<Predictions> {
        let mut p = Predictions::default();
        let mut summary = false;
        for (i, line) in reader.lines().enumerate() {
            let no = i as u64 + 1;
            let line = line.map_err(|e| Error::from(e).with_line(no))?;
            if line.trim().is_empty() {
                continue;
            }
            let record: record::Line =
                serde_json::from_str(&line).map_err(|e| {
                    let msg = e.to_string();
                    let msg = msg
                        .split(" at line ")
                        .next()
                        .unwrap_or(&msg)
                        .to_string();
                    Error::input(format!(
                        "not a record of a rehash JSON report: {msg}"
                    ))
                    .with_line(no)
                })?;
            summary = record.kind == "summary";
            p.add_record(&record.kind, record.data)
                .map_err(|e| e.with_line(no))?;
        }
        if !summary {
            return Err(Error::input(
                "the report does not end with its summary line: it was cut short, \
                 or is not a rehash JSON report (scan --format json)",
            ));
        }
        Ok(p)
    }

    fn add_record(
        &mut self,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<()> {
        fn field<T: serde::de::DeserializeOwned>(
            kind: &str,
            data: serde_json::Value,
        ) -> Result<T> {
            serde_json::from_value(data).map_err(|e| {
                Error::input(format!(
                    "not a {kind} record of a rehash report: {e}"
                ))
            })
        }
        match kind {
            "duplicate" => {
                let d: record::Duplicate = field(kind, data)?;
                self.duplicates.push((d.a, d.b));
            }
            "cluster" => {
                let c: record::Cluster = field(kind, data)?;
                self.clusters.push(c.members);
            }
            "passage" => {
                let x: record::Passage = field(kind, data)?;
                self.passages.push(Case {
                    a: (x.a.doc, x.a.start, x.a.end),
                    b: (x.b.doc, x.b.start, x.b.end),
                });
            }
            "removed" => {
                let r: record::Removed = field(kind, data)?;
                self.removed.push((r.doc, r.kept));
            }
            "boilerplate_span" => {
                let s: record::Side = field(kind, data)?;
                self.boilerplate
                    .entry(s.doc)
                    .or_default()
                    .push((s.start, s.end));
            }
            _ => {}
        }
        Ok(())
    }

    /// The documents grouped as one: the clusters, and of a `rehash
    /// clean` audit each removed document with the one kept in its place
    /// (a document removed as covered by passages joins the cover's
    /// cluster). Groups and their members are in the order the report
    /// first lists them, clusters before removals.
    pub fn groups(&self) -> Vec<Vec<String>> {
        if self.removed.is_empty() {
            return self.clusters.clone();
        }
        // Every id listed, numbered in order of first listing.
        let listed = || {
            let clusters = self.clusters.iter().flatten();
            let removed = self.removed.iter().flat_map(|(d, k)| [k, d]);
            clusters.chain(removed).map(String::as_str)
        };
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        for id in listed() {
            index.entry(id).or_insert_with(|| {
                names.push(id);
                names.len() - 1
            });
        }
        let of = |id: &str| index[id] as u32;
        let mut links: Vec<(u32, u32)> = Vec::new();
        for c in &self.clusters {
            if let Some((first, rest)) = c.split_first() {
                links.extend(rest.iter().map(|m| (of(first), of(m))));
            }
        }
        links.extend(self.removed.iter().map(|(d, k)| (of(k), of(d))));
        crate::cluster::components(names.len(), links)
            .into_iter()
            .map(|g| {
                g.iter().map(|&i| names[i as usize].to_string()).collect()
            })
            .collect()
    }

    /// Pairs of documents linked by `how`, each once, `a < b`.
    pub fn pairs(&self, how: Match) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let ordered = |a: &str, b: &str| {
            let (x, y) = metrics::ordered(a, b);
            (x.to_string(), y.to_string())
        };
        if how != Match::Passages {
            out.extend(self.duplicates.iter().map(|(a, b)| ordered(a, b)));
        }
        if how != Match::Duplicates {
            out.extend(
                self.passages
                    .iter()
                    .filter(|c| c.a.0 != c.b.0)
                    .map(|c| ordered(&c.a.0, &c.b.0)),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// What to score, besides the predictions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    /// The labels.
    pub truth: Option<&'a Truth>,
    /// Gold main texts, to score the text left after stripping
    /// boilerplate.
    pub gold: Option<&'a [GoldText]>,
    /// Groups of documents (for example a site's pages) to break span and
    /// gold-text scores down by.
    pub groups: Option<&'a [ClusterLabel]>,
    /// The documents, needed for spans and gold text, and to check that
    /// the truth's ids exist.
    pub corpus: Option<&'a Corpus>,
    /// Which links are predicted pairs.
    pub matching: Match,
}

/// Pair measures, with how pairs were matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairsEval {
    /// Which reported links counted.
    #[serde(rename = "match")]
    pub matching: Match,
    /// The measures.
    #[serde(flatten)]
    pub eval: PairEval,
}

/// Span measures over all labelled documents, and by group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanEval {
    /// Documents with labelled spans that the corpus has.
    pub documents: u64,
    /// Each labelled byte counts once.
    pub by_byte: ClassEval,
    /// Each labelled line with a word counts once.
    pub by_line: ClassEval,
    /// The same, per group, in name order.
    pub groups: Vec<GroupSpans>,
}

/// Span measures of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSpans {
    /// The group's name.
    pub group: String,
    /// Its documents with labelled spans.
    pub documents: u64,
    /// Each labelled byte counts once.
    pub by_byte: ClassEval,
    /// Each labelled line with a word counts once.
    pub by_line: ClassEval,
}

/// The text left after stripping, against the gold main text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoldEval {
    /// Pages scored.
    pub pages: u64,
    /// Gold pages the corpus does not have (not scored).
    pub missing: u64,
    /// Word 4-gram precision, recall and F1, each averaged over pages.
    pub scores: Scores,
    /// The same, per group, in name order.
    pub groups: Vec<GroupGold>,
}

/// Gold-text scores of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupGold {
    /// The group's name.
    pub group: String,
    /// Its pages scored.
    pub pages: u64,
    /// Averaged over them.
    pub scores: Scores,
}

/// PAN measures over all detections, and over those between documents
/// that the truth pairs up (for truth that labels only some of the reuse
/// in a corpus).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassagesEval {
    /// Every detection counts.
    pub all: PassageEval,
    /// Only detections between two documents of some true case.
    pub on_truth_pairs: PassageEval,
}

/// The result of [`evaluate`]. Parts that do not apply are `None` and
/// left out of the JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The truth's shape, if there was truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<&'static str>,
    /// Records in the truth file.
    pub truth_records: u64,
    /// Ids the truth names that the corpus does not have (`None` when
    /// scoring a report without its corpus). They count as not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_ids: Option<u64>,
    /// For pair truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<PairsEval>,
    /// For cluster truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters: Option<ClusterEval>,
    /// For span truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spans: Option<SpanEval>,
    /// For passage truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passages: Option<PassagesEval>,
    /// With gold main texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gold_text: Option<GoldEval>,
}

/// The corpus's documents by id (the first, where ids repeat).
fn doc_index(corpus: &Corpus) -> HashMap<&str, DocId> {
    let mut m = HashMap::with_capacity(corpus.len());
    for d in corpus.ids() {
        m.entry(corpus.id(d)).or_insert(d);
    }
    m
}

/// Scores predictions.
///
/// # Errors
///
/// Span truth or gold text without a corpus (their lines and words come
/// from the documents' text).
pub fn evaluate(
    inputs: &Inputs<'_>,
    predicted: &Predictions,
) -> Result<Evaluation> {
    let needs_text =
        matches!(inputs.truth, Some(Truth::Spans(_))) || inputs.gold.is_some();
    if needs_text && inputs.corpus.is_none() {
        return Err(Error::config(
            "span truth and gold text are scored against the documents' text: \
             give the corpus paths too",
        ));
    }
    let index = inputs.corpus.map(doc_index);
    let known = |id: &str| index.as_ref().is_none_or(|m| m.contains_key(id));
    let group_of: HashMap<&str, &str> = inputs
        .groups
        .unwrap_or_default()
        .iter()
        .map(|g| (g.id.as_str(), g.cluster.as_str()))
        .collect();
    let mut eval = Evaluation {
        shape: inputs.truth.map(Truth::shape),
        truth_records: 0,
        unknown_ids: None,
        pairs: None,
        clusters: None,
        spans: None,
        passages: None,
        gold_text: None,
    };
    let mut ids: Vec<&str> = Vec::new();
    match inputs.truth {
        None => {}
        Some(Truth::Pairs(t)) => {
            eval.truth_records = t.len() as u64;
            ids.extend(t.iter().flat_map(|p| [p.a.as_str(), p.b.as_str()]));
            let pairs = predicted.pairs(inputs.matching);
            eval.pairs = Some(PairsEval {
                matching: inputs.matching,
                eval: metrics::pairs(t, &pairs),
            });
        }
        Some(Truth::Clusters(t)) => {
            eval.truth_records = t.len() as u64;
            ids.extend(t.iter().map(|c| c.id.as_str()));
            eval.clusters = Some(metrics::clusters(t, &predicted.groups()));
        }
        Some(Truth::Passages(t)) => {
            eval.truth_records = t.len() as u64;
            ids.extend(t.iter().flat_map(|p| [p.a.as_str(), p.b.as_str()]));
            let truth: Vec<Case> = t.iter().map(Case::from).collect();
            let pairs: HashSet<(&str, &str)> =
                truth.iter().map(Case::documents).collect();
            let on: Vec<Case> = predicted
                .passages
                .iter()
                .filter(|c| pairs.contains(&c.documents()))
                .cloned()
                .collect();
            eval.passages = Some(PassagesEval {
                all: metrics::passages(&truth, &predicted.passages),
                on_truth_pairs: metrics::passages(&truth, &on),
            });
        }
        Some(Truth::Spans(t)) => {
            eval.truth_records = t.len() as u64;
            ids.extend(t.iter().map(|s| s.id.as_str()));
            let corpus = inputs.corpus.expect("checked above");
            let index = index.as_ref().expect("with the corpus");
            eval.spans = Some(spans(t, corpus, index, predicted, &group_of));
        }
    }
    if let Some(gold) = inputs.gold {
        let corpus = inputs.corpus.expect("checked above");
        let index = index.as_ref().expect("with the corpus");
        eval.gold_text =
            Some(gold_text(gold, corpus, index, predicted, &group_of));
    }
    if index.is_some() {
        let mut unknown: Vec<&str> =
            ids.into_iter().filter(|id| !known(id)).collect();
        unknown.sort_unstable();
        unknown.dedup();
        eval.unknown_ids = Some(unknown.len() as u64);
    }
    Ok(eval)
}

fn spans(
    truth: &[truth::SpanLabel],
    corpus: &Corpus,
    index: &HashMap<&str, DocId>,
    predicted: &Predictions,
    group_of: &HashMap<&str, &str>,
) -> SpanEval {
    let mut by_doc: BTreeMap<DocId, Vec<(usize, usize, SpanClass)>> =
        BTreeMap::new();
    for s in truth {
        if let Some(&d) = index.get(s.id.as_str()) {
            by_doc.entry(d).or_default().push((s.start, s.end, s.label));
        }
    }
    let none = Vec::new();
    let mut all = (ClassEval::default(), ClassEval::default());
    let mut groups: BTreeMap<&str, (u64, ClassEval, ClassEval)> =
        BTreeMap::new();
    for (&doc, labels) in &by_doc {
        let id = corpus.id(doc);
        let text = corpus.text(doc);
        let found = predicted.boilerplate.get(id).unwrap_or(&none);
        let (bytes, lines) = metrics::spans(&text, labels, found);
        all.0.merge(&bytes);
        all.1.merge(&lines);
        if let Some(g) = group_of.get(id) {
            let e = groups.entry(g).or_default();
            e.0 += 1;
            e.1.merge(&bytes);
            e.2.merge(&lines);
        }
    }
    SpanEval {
        documents: by_doc.len() as u64,
        by_byte: all.0,
        by_line: all.1,
        groups: groups
            .into_iter()
            .map(|(g, (documents, by_byte, by_line))| GroupSpans {
                group: g.to_string(),
                documents,
                by_byte,
                by_line,
            })
            .collect(),
    }
}

/// The document's text without the predicted boilerplate: the pieces
/// between spans, joined by newlines so that words do not fuse.
fn kept_text(text: &[u8], spans: &[(usize, usize)]) -> Vec<u8> {
    let mut spans = spans.to_vec();
    spans.sort_unstable();
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in spans {
        let (s, e) = (s.min(text.len()), e.min(text.len()));
        if s > at {
            out.extend_from_slice(&text[at..s]);
            out.push(b'\n');
        }
        at = at.max(e);
    }
    out.extend_from_slice(&text[at.min(text.len())..]);
    out
}

fn mean(scores: &[Scores]) -> Scores {
    if scores.is_empty() {
        return Scores::new(1.0, 1.0);
    }
    let n = scores.len() as f64;
    Scores {
        precision: scores.iter().map(|s| s.precision).sum::<f64>() / n,
        recall: scores.iter().map(|s| s.recall).sum::<f64>() / n,
        f1: scores.iter().map(|s| s.f1).sum::<f64>() / n,
    }
}

/// The words of `text` for the gold-text measure: runs of letters,
/// digits and underscores (as the benchmarks' `\w+`), lowercased, hashed.
/// Not rehash's tokenizer: gold texts often have apostrophes mangled into
/// U+FFFD, which must split a word the same way a real apostrophe does.
fn gold_words_of(text: &str, out: &mut Vec<u64>) {
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(xxhash_rust::xxh3::xxh3_64(word.as_bytes()));
            word.clear();
        }
    }
}

fn gold_text(
    gold: &[GoldText],
    corpus: &Corpus,
    index: &HashMap<&str, DocId>,
    predicted: &Predictions,
    group_of: &HashMap<&str, &str>,
) -> GoldEval {
    let (mut kept_words, mut gold_words) = (Vec::new(), Vec::new());
    let none = Vec::new();
    let mut scores = Vec::new();
    let mut groups: BTreeMap<&str, Vec<Scores>> = BTreeMap::new();
    let mut missing = 0;
    for g in gold {
        let Some(&doc) = index.get(g.id.as_str()) else {
            missing += 1;
            continue;
        };
        let found = predicted.boilerplate.get(&g.id).unwrap_or(&none);
        let kept = kept_text(&corpus.text(doc), found);
        kept_words.clear();
        gold_words.clear();
        gold_words_of(&String::from_utf8_lossy(&kept), &mut kept_words);
        gold_words_of(&g.text, &mut gold_words);
        let s = metrics::gold_text(&kept_words, &gold_words);
        scores.push(s);
        if let Some(name) = group_of.get(g.id.as_str()) {
            groups.entry(name).or_default().push(s);
        }
    }
    GoldEval {
        pages: scores.len() as u64,
        missing,
        scores: mean(&scores),
        groups: groups
            .into_iter()
            .map(|(g, s)| GroupGold {
                group: g.to_string(),
                pages: s.len() as u64,
                scores: mean(&s),
            })
            .collect(),
    }
}

impl Evaluation {
    /// Writes the evaluation as a readable table.
    ///
    /// # Errors
    ///
    /// Errors of the writer.
    pub fn write_text(&self, w: &mut dyn Write) -> io::Result<()> {
        const HEAD: &str = "  precision  recall      f1          tp          fp          fn          tn";
        let row = |w: &mut dyn Write, name: &str, c: &Confusion| {
            let s = c.scores();
            writeln!(
                w,
                "{name:<24}{:>11.4}{:>8.4}{:>8.4}{:>12}{:>12}{:>12}{:>12}",
                s.precision, s.recall, s.f1, c.tp, c.fp, c.fn_, c.tn
            )
        };
        if let Some(shape) = self.shape {
            writeln!(w, "truth: {} {shape} records", self.truth_records)?;
        }
        if let Some(n) = self.unknown_ids.filter(|&n| n > 0) {
            writeln!(
                w,
                "warning: {n} ids of the truth are not in the corpus; they count as not found"
            )?;
        }
        if let Some(p) = &self.pairs {
            let how = match p.matching {
                Match::Duplicates => "near-duplicate documents",
                Match::Passages => "documents sharing a passage",
                Match::Any => "near-duplicate documents or sharing a passage",
            };
            writeln!(
                w,
                "pairs: {} dup, {} nondup; predicted: {how}",
                p.eval.dup, p.eval.nondup
            )?;
            writeln!(w, "{:<24}{HEAD}  accuracy", "")?;
            for (name, c) in [
                ("per pair", &p.eval.per_pair),
                ("after closure", &p.eval.closure),
            ] {
                let mut line = Vec::new();
                row(&mut line, name, c)?;
                let line = String::from_utf8_lossy(&line);
                writeln!(w, "{}{:>10.4}", line.trim_end(), c.accuracy())?;
            }
        }
        if let Some(c) = &self.clusters {
            writeln!(w, "clusters: {} documents", c.documents)?;
            writeln!(w, "{:<24}{:>11.4}", "adjusted Rand index", c.ari)?;
            writeln!(w, "{:<24}  precision  recall      f1", "")?;
            let b = c.bcubed;
            writeln!(
                w,
                "{:<24}{:>11.4}{:>8.4}{:>8.4}",
                "B-cubed", b.precision, b.recall, b.f1
            )?;
        }
        if let Some(s) = &self.spans {
            writeln!(w, "spans: {} documents", s.documents)?;
            writeln!(w, "{:<24}{HEAD}", "")?;
            row(w, "boilerplate by byte", &s.by_byte.boilerplate)?;
            row(w, "content by byte", &s.by_byte.content)?;
            row(w, "boilerplate by line", &s.by_line.boilerplate)?;
            row(w, "content by line", &s.by_line.content)?;
            if !s.groups.is_empty() {
                writeln!(w, "by group, by line (by byte in the JSON output)")?;
                writeln!(
                    w,
                    "{:<24}{:>6}  boilerplate P       R      F1  content P       R      F1",
                    "", "docs"
                )?;
                for g in &s.groups {
                    let (b, c) = (
                        g.by_line.boilerplate.scores(),
                        g.by_line.content.scores(),
                    );
                    writeln!(
                        w,
                        "{:<24}{:>6}{:>15.4}{:>8.4}{:>8.4}{:>11.4}{:>8.4}{:>8.4}",
                        g.group,
                        g.documents,
                        b.precision,
                        b.recall,
                        b.f1,
                        c.precision,
                        c.recall,
                        c.f1,
                    )?;
                }
            }
        }
        if let Some(p) = &self.passages {
            writeln!(w, "passages: PAN measures over bytes of both sides")?;
            writeln!(
                w,
                "{:<24}  precision  recall      f1  granularity  plagdet   cases   found  detections",
                ""
            )?;
            for (name, e) in [
                ("all detections", &p.all),
                ("on truth's pairs", &p.on_truth_pairs),
            ] {
                writeln!(
                    w,
                    "{name:<24}{:>11.4}{:>8.4}{:>8.4}{:>13.4}{:>9.4}{:>8}{:>8}{:>12}",
                    e.scores.precision,
                    e.scores.recall,
                    e.scores.f1,
                    e.granularity,
                    e.plagdet,
                    e.cases,
                    e.found,
                    e.detections
                )?;
            }
        }
        if let Some(g) = &self.gold_text {
            write!(
                w,
                "gold text: {} pages, word 4-grams, averaged over pages",
                g.pages
            )?;
            if g.missing > 0 {
                write!(w, " ({} gold pages not in the corpus)", g.missing)?;
            }
            writeln!(w)?;
            writeln!(
                w,
                "{:<24}{:>6}  precision  recall      f1",
                "", "pages"
            )?;
            let s = g.scores;
            writeln!(
                w,
                "{:<24}{:>6}{:>11.4}{:>8.4}{:>8.4}",
                "text kept", g.pages, s.precision, s.recall, s.f1
            )?;
            for x in &g.groups {
                let s = x.scores;
                writeln!(
                    w,
                    "{:<24}{:>6}{:>11.4}{:>8.4}{:>8.4}",
                    x.group, x.pages, s.precision, s.recall, s.f1
                )?;
            }
        }
        Ok(())
    }

    /// Writes the evaluation as one JSON Lines record,
    /// `{"type": "eval", "data": {...}}`.
    ///
    /// # Errors
    ///
    /// Errors of the writer.
    pub fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        #[derive(Serialize)]
        struct Record<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            data: &'a Evaluation,
        }
        serde_json::to_writer(&mut *w, &Record { kind: "eval", data: self })?;
        writeln!(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_words_split_at_any_apostrophe() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        gold_words_of("It’s Apple_2's", &mut a);
        gold_words_of("it\u{fffd}s APPLE_2 s", &mut b);
        assert_eq!(a.len(), 4);
        assert_eq!(a, b);
    }

    #[test]
    fn kept_text_cuts_spans_out() {
        let text = b"nav line\nstory one\nfooter";
        assert_eq!(
            kept_text(text, &[(0, 9), (19, 25)]),
            b"story one\n\n".to_vec()
        );
        assert_eq!(kept_text(text, &[]), text.to_vec());
        assert_eq!(kept_text(text, &[(0, 100)]), b"".to_vec());
    }

    #[test]
    fn an_audit_groups_removed_documents_with_what_was_kept() {
        // A cluster {a, b} (b removed for a), c removed as covered by a,
        // e covered by d, and f in nothing.
        let audit = [
            r#"{"type":"cluster","data":{"id":1,"members":["a","b"]}}"#,
            r#"{"type":"removed","data":{"doc":"b","kept":"a","kind":"near"}}"#,
            r#"{"type":"removed","data":{"doc":"c","kept":"a","kind":"covered"}}"#,
            r#"{"type":"removed","data":{"doc":"e","kept":"d","kind":"covered"}}"#,
            r#"{"type":"summary","data":{}}"#,
        ]
        .join("\n");
        let p = Predictions::parse(audit.as_bytes()).unwrap();
        assert_eq!(p.removed.len(), 3);
        let owned = |g: &[&[&str]]| -> Vec<Vec<String>> {
            g.iter()
                .map(|c| c.iter().map(|s| s.to_string()).collect())
                .collect()
        };
        assert_eq!(p.groups(), owned(&[&["a", "b", "c"], &["d", "e"]]));
        // A scan's report has no removals: its clusters are the groups.
        let scan = Predictions { removed: Vec::new(), ..p.clone() };
        assert_eq!(scan.groups(), owned(&[&["a", "b"]]));
        // Removals join clusters: a member covered by another cluster's
        // member makes one group of both.
        let mut joined = p;
        joined.clusters.push(vec!["x".into(), "y".into()]);
        joined.removed.push(("x".into(), "c".into()));
        assert_eq!(
            joined.groups(),
            owned(&[&["a", "b", "x", "y", "c"], &["d", "e"]])
        );
    }

    #[test]
    fn reports_are_read_by_the_fields_scoring_needs() {
        let report = "{\"type\":\"duplicate\",\"data\":{\"a\":\"x\",\"b\":\"y\",\"similarity\":0.9}}\n\
            {\"type\":\"from_the_future\",\"data\":{}}\n\
            {\"type\":\"boilerplate_span\",\"data\":{\"doc\":\"x\",\"start\":0,\"end\":4}}\n\
            {\"type\":\"summary\",\"data\":{}}\n";
        let p = Predictions::parse(report.as_bytes()).unwrap();
        assert_eq!(p.duplicates, [("x".to_string(), "y".to_string())]);
        assert_eq!(p.boilerplate["x"], [(0, 4)]);
        let cut = report.rsplit_once("{\"type\":\"summary").unwrap().0;
        let err = Predictions::parse(cut.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
        let bad = "{\"type\":\"duplicate\",\"data\":{\"a\":\"x\"}}\n";
        let err = Predictions::parse(bad.as_bytes()).unwrap_err();
        assert!(
            err.to_string().starts_with("line 1: not a duplicate record"),
            "{err}"
        );
        let err = Predictions::parse("Cluster 1\n".as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("line 1: not a record"), "{err}");
    }
}
