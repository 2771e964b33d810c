//! The readable report: clusters with their members and scored pairs, then
//! totals.

use std::collections::BTreeMap;
use std::io;

use super::{DuplicateKind, PassageReport, Report};
use crate::corpus::DocId;
use crate::passage::PassageKind;

/// How to render the text report.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct TextOptions {
    /// Use ANSI colours.
    pub color: bool,
}

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy)]
pub(crate) struct Paint {
    on: bool,
}

impl Paint {
    pub(crate) fn new(on: bool) -> Paint {
        Paint { on }
    }

    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }

    pub(crate) fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }

    pub(crate) fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }

    pub(crate) fn score(&self, s: &str) -> String {
        self.wrap("1;33", s)
    }

    pub(crate) fn id(&self, s: &str) -> String {
        self.wrap("36", s)
    }
}

/// Writes the text report.
///
/// # Errors
///
/// Errors of the writer.
pub fn write<W: io::Write>(
    mut w: W,
    report: &Report,
    opts: &TextOptions,
) -> io::Result<()> {
    let paint = Paint::new(opts.color);
    let mut pairs_of: BTreeMap<DocId, Vec<usize>> = BTreeMap::new();
    for (i, d) in report.duplicates.iter().enumerate() {
        pairs_of.entry(d.a).or_default().push(i);
    }
    if report.clusters.is_empty() {
        writeln!(w, "no near-duplicate documents found")?;
    }
    for c in &report.clusters {
        writeln!(
            w,
            "{}",
            paint.bold(&format!(
                "cluster {} · {} documents · keep {}",
                c.id,
                c.members.len(),
                report.id(c.representative)
            ))
        )?;
        let width = c
            .members
            .iter()
            .map(|&m| report.id(m).chars().count())
            .max()
            .unwrap_or(0);
        for &m in &c.members {
            let info = &report.docs[&m];
            let mark = if m == c.representative { "keep" } else { "    " };
            let pad = width - info.id.chars().count();
            writeln!(
                w,
                "  {mark}  {}{:pad$}  {:>7} words  {}",
                paint.id(&info.id),
                "",
                thousands(u64::from(info.tokens)),
                paint.dim(&info.opening),
            )?;
        }
        for &m in &c.members {
            for &i in pairs_of.get(&m).map_or(&[][..], Vec::as_slice) {
                let d = &report.duplicates[i];
                let (sign, kind) = match d.kind {
                    DuplicateKind::Exact => ("=", "exact"),
                    DuplicateKind::Near => ("~", "near"),
                };
                let passages = match d.passages.len() {
                    0 => String::new(),
                    1 => ", 1 passage".to_string(),
                    n => format!(", {n} passages"),
                };
                writeln!(
                    w,
                    "    {} {sign} {}  {} {kind}  (estimate {:.4}, containment {:.2}/{:.2}{passages})",
                    report.id(d.a),
                    report.id(d.b),
                    paint.score(&format!("{:.4}", d.overlap.jaccard())),
                    d.estimate,
                    d.overlap.containment_a(),
                    d.overlap.containment_b(),
                )?;
            }
        }
        writeln!(w)?;
    }
    write_passages(&mut w, report, paint)?;
    write_boilerplate(&mut w, report, paint)?;
    write_summary(&mut w, report, paint)?;
    w.flush()
}

/// Passages listed in the text report; the JSON report lists all.
const SHOWN_PASSAGES: usize = 100;

/// Passages, except those between documents already reported as
/// near-duplicates (counted on their pair's line instead).
fn write_passages<W: io::Write>(
    w: &mut W,
    report: &Report,
    paint: Paint,
) -> io::Result<()> {
    let in_pairs: std::collections::BTreeSet<u32> = report
        .duplicates
        .iter()
        .flat_map(|d| d.passages.iter().copied())
        .collect();
    let shown: Vec<&PassageReport> =
        report.passages.iter().filter(|p| !in_pairs.contains(&p.id)).collect();
    if shown.is_empty() {
        return Ok(());
    }
    let within =
        shown.iter().filter(|p| p.passage.a.doc == p.passage.b.doc).count();
    writeln!(
        w,
        "{}",
        paint.bold(&format!(
            "passages · {} within documents · {} across documents",
            thousands(within as u64),
            thousands((shown.len() - within) as u64)
        ))
    )?;
    for r in shown.iter().take(SHOWN_PASSAGES) {
        let p = &r.passage;
        let kind = match p.kind {
            PassageKind::Verbatim => "verbatim",
            PassageKind::Near => "near",
            PassageKind::Rewrite => "rewrite",
        };
        let (a, b) = (r.at.0, r.at.1);
        let where_ = if p.a.doc == p.b.doc {
            format!("{} {}:{} ↔ {}:{}", report.id(p.a.doc), a.0, a.1, b.0, b.1)
        } else {
            format!(
                "{} {}:{} ↔ {} {}:{}",
                report.id(p.a.doc),
                a.0,
                a.1,
                report.id(p.b.doc),
                b.0,
                b.1
            )
        };
        writeln!(
            w,
            "  {}  {} {kind}  (3-gram Jaccard {:.2}, {}/{} words)",
            paint.id(&where_),
            paint.score(&format!("{:.4}", p.similarity)),
            p.trigrams.jaccard(),
            p.words.0,
            p.words.1,
        )?;
        writeln!(w, "    {}", paint.dim(&format!("“{}”", r.quotes.0)))?;
        writeln!(w, "    {}", paint.dim(&format!("“{}”", r.quotes.1)))?;
    }
    if shown.len() > SHOWN_PASSAGES {
        writeln!(
            w,
            "{}",
            paint.dim(&format!(
                "  … and {} more; --format json lists them all",
                thousands((shown.len() - SHOWN_PASSAGES) as u64)
            ))
        )?;
    }
    writeln!(w)
}

/// Templates listed in the text report; the JSON report lists all.
const SHOWN_TEMPLATES: usize = 10;

fn write_boilerplate<W: io::Write>(
    w: &mut W,
    report: &Report,
    paint: Paint,
) -> io::Result<()> {
    if report.boilerplate.is_empty() {
        return Ok(());
    }
    let docs: std::collections::BTreeSet<DocId> =
        report.boilerplate_spans.iter().map(|s| s.doc).collect();
    writeln!(
        w,
        "{}",
        paint.bold(&format!(
            "boilerplate · {} recurring lines and templates · {} spans in {} documents",
            thousands(report.boilerplate.len() as u64),
            thousands(report.boilerplate_spans.len() as u64),
            thousands(docs.len() as u64),
        ))
    )?;
    for t in report.boilerplate.iter().take(SHOWN_TEMPLATES) {
        writeln!(
            w,
            "  {:>7} docs  {}",
            thousands(u64::from(t.documents)),
            t.text
        )?;
    }
    if report.boilerplate.len() > SHOWN_TEMPLATES {
        writeln!(
            w,
            "{}",
            paint.dim(&format!(
                "  … and {} more; --format json lists them all, with every span",
                report.boilerplate.len() - SHOWN_TEMPLATES
            ))
        )?;
    }
    writeln!(w)
}

fn write_summary<W: io::Write>(
    w: &mut W,
    report: &Report,
    paint: Paint,
) -> io::Result<()> {
    let s = &report.summary;
    let p = &report.params;
    let mut line = format!(
        "{} documents scanned ({} MB)",
        thousands(s.documents),
        format_mb(s.bytes)
    );
    if s.skipped > 0 || s.skipped_files > 0 {
        line += &format!(", {} records skipped", thousands(s.skipped));
        if s.skipped_files > 0 {
            line += &format!(" and {} files", thousands(s.skipped_files));
        }
        line += " (see diagnostics)";
    }
    writeln!(w, "{}", paint.bold(&line))?;
    writeln!(
        w,
        "{} duplicate pairs ({} exact) in {} clusters; {} documents removable",
        thousands(s.duplicates),
        thousands(s.exact_duplicates),
        thousands(s.clusters),
        thousands(s.removable),
    )?;
    if p.passages {
        writeln!(
            w,
            "{} passages; {} boilerplate spans",
            thousands(s.passages),
            thousands(s.boilerplate_spans),
        )?;
    }
    writeln!(
        w,
        "{}",
        paint.dim(&format!(
            "settings: {} {}-grams, {} permutations, {} bands × {} rows, threshold {}, \
             {} candidate pairs verified",
            p.unit,
            p.sketch.shingle_size,
            p.sketch.num_perm,
            p.bands,
            p.rows,
            p.threshold,
            thousands(s.candidates),
        ))
    )
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn format_mb(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb >= 10.0 { format!("{mb:.0}") } else { format!("{mb:.2}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn paint_is_inert_without_colour() {
        assert_eq!(Paint::new(false).bold("x"), "x");
        assert_eq!(Paint::new(true).bold("x"), "\x1b[1mx\x1b[0m");
    }
}
