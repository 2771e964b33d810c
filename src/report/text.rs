//! The readable report. A scan's: clusters with their members and scored
//! pairs, passages (a span beside the same quote in several documents
//! quoted once), copies below the threshold (from the pairs' overlaps),
//! boilerplate, then totals. A check's: each draft with findings, the
//! share of it in passages, its near-duplicates and passages in the
//! index, then totals.
//! Also how any text meant for a reader shows input strings ([`visible`])
//! and counts ([`count`], [`thousands`]): stderr messages use them too.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;

use super::{
    Check, Duplicate, DuplicateKind, PairOverlap, PassageReport, Report,
};
use crate::corpus::DocId;
use crate::passage::{PassageKind, Side};

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

/// A document's id as the text report shows it (see [`visible`]).
fn id_of(report: &Report, doc: DocId) -> Cow<'_, str> {
    visible(report.id(doc))
}

/// `s` as a terminal should show it: control characters other than tab,
/// and the marks that reorder bidirectional text, written as `\u{1b}`.
/// Ids and texts come from scraped pages, where an escape sequence could
/// clear the screen or retitle the window, and an override reverse what
/// a line appears to say. Borrowed when there are none; the JSON report
/// keeps every character (JSON escapes control characters itself).
pub fn visible(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
    if let Some(check) = &report.check {
        return write_check(w, report, check, paint);
    }
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
                "cluster {} · {} documents · keep {}{}",
                c.id,
                c.members.len(),
                id_of(report, c.representative),
                match c.members.len() - c.removable.len() {
                    1 => String::new(),
                    k => format!(
                        " and {} more that it does not hold",
                        thousands(k as u64 - 1)
                    ),
                }
            ))
        )?;
        // A large family's members and pairs are shown in part, the
        // cluster's kept document always: a cluster of 20,000 wire copies
        // would be 20,000 lines of members and 830,000 of pairs.
        let shown: Vec<DocId> = c
            .members
            .iter()
            .enumerate()
            .filter(|&(i, &m)| i < SHOWN_MEMBERS || m == c.representative)
            .map(|(_, &m)| m)
            .collect();
        let width = shown
            .iter()
            .map(|&m| id_of(report, m).chars().count())
            .max()
            .unwrap_or(0);
        for &m in &shown {
            let info = &report.docs[&m];
            let mark = if c.is_kept(m) { "keep" } else { "    " };
            let id = visible(&info.id);
            let pad = width - id.chars().count();
            writeln!(
                w,
                "  {mark}  {}{:pad$}  {:>7} words  {}",
                paint.id(&id),
                "",
                thousands(u64::from(info.tokens)),
                paint.dim(&visible(&info.opening)),
            )?;
        }
        write_more(&mut w, c.members.len(), shown.len(), paint)?;
        let pairs = c.members.iter().flat_map(|m| {
            pairs_of.get(m).map_or(&[][..], Vec::as_slice).iter()
        });
        for &i in pairs.clone().take(SHOWN_PAIRS) {
            let d = &report.duplicates[i];
            let (sign, kind) = marks(d.kind);
            let passages = match d.passages.len() {
                0 => String::new(),
                1 => ", 1 passage".to_string(),
                n => format!(", {n} passages"),
            };
            writeln!(
                w,
                "    {} {sign} {}  {} {kind}  (estimate {:.4}, containment {:.2}/{:.2}{passages})",
                id_of(report, d.a),
                id_of(report, d.b),
                paint.score(&format!("{:.4}", d.overlap.jaccard())),
                d.estimate,
                d.overlap.containment_a(),
                d.overlap.containment_b(),
            )?;
        }
        write_more(&mut w, pairs.count(), SHOWN_PAIRS, paint)?;
        writeln!(w)?;
    }
    write_passages(&mut w, report, paint)?;
    write_partial_copies(&mut w, report, paint)?;
    write_boilerplate(&mut w, report, paint)?;
    write_summary(&mut w, report, paint)?;
    w.flush()
}

/// Members of a cluster listed in the text report (and its kept one);
/// the JSON report lists all.
const SHOWN_MEMBERS: usize = 100;

/// Pairs of a cluster, or near-duplicates of a draft, listed in the text
/// report; the JSON report lists all.
const SHOWN_PAIRS: usize = 100;

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
    let mut last = None;
    for r in shown.iter().take(SHOWN_PASSAGES) {
        write_grouped(w, report, r, paint, false, View::Scan, &mut last)?;
    }
    write_more(w, shown.len(), SHOWN_PASSAGES, paint)?;
    writeln!(w)
}

/// Documents whose passages with another cover at least this share of
/// one of them, when the two are not in one cluster, are listed as
/// copies below the threshold: truncated or heavily edited copies.
const PARTIAL_COPY_COVERED: f64 = 0.5;

/// Copies below the threshold listed in the text report; the JSON report
/// has every pair's `overlap` record.
const SHOWN_PARTIAL_COPIES: usize = 20;

/// Pairs of documents that are not in one cluster but one of which is
/// mostly in their passages, most covered first.
fn write_partial_copies<W: io::Write>(
    w: &mut W,
    report: &Report,
    paint: Paint,
) -> io::Result<()> {
    // Two members of one cluster are reported as copies already, whether
    // or not they are a near-duplicate pair themselves.
    let cluster_of = report.cluster_ids();
    let together = |o: &PairOverlap| {
        let c = cluster_of[o.a.index()];
        c != 0 && cluster_of[o.b.index()] == c
    };
    let most = |o: &PairOverlap| {
        let (a, b) = o.covered();
        a.max(b)
    };
    let mut found: Vec<&PairOverlap> = report
        .overlaps
        .iter()
        .filter(|o| !together(o))
        .filter(|o| most(o) >= PARTIAL_COPY_COVERED)
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    found.sort_by(|x, y| {
        most(y).total_cmp(&most(x)).then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let pairs = match found.len() {
        1 => "1 pair of documents".to_string(),
        n => format!("{} pairs of documents", thousands(n as u64)),
    };
    writeln!(
        w,
        "{}",
        paint.bold(&format!(
            "copies below the threshold · {pairs} in no cluster together, half of one or more in their passages"
        ))
    )?;
    for o in found.iter().take(SHOWN_PARTIAL_COPIES) {
        let (a, b) = o.covered();
        writeln!(
            w,
            "  {} ↔ {}  covered {}/{}  ({})",
            paint.id(&id_of(report, o.a)),
            paint.id(&id_of(report, o.b)),
            paint.score(&format!("{a:.2}")),
            paint.score(&format!("{b:.2}")),
            count(o.passages.len() as u64, "passage"),
        )?;
    }
    write_more(w, found.len(), SHOWN_PARTIAL_COPIES, paint)?;
    writeln!(w)
}

/// The report of a check: per draft with findings, its near-duplicates
/// and passages in the index, the draft's side first; then totals.
fn write_check<W: io::Write>(
    mut w: W,
    report: &Report,
    check: &Check,
    paint: Paint,
) -> io::Result<()> {
    // Each link's draft, and whether the draft is its second side.
    let draft_of = |a: DocId, b: DocId| {
        if check.is_draft(a) { (a, false) } else { (b, true) }
    };
    type Found<'r> = (Vec<&'r Duplicate>, Vec<(&'r PassageReport, bool)>);
    let mut found: BTreeMap<DocId, Found<'_>> = BTreeMap::new();
    for d in &report.duplicates {
        found.entry(draft_of(d.a, d.b).0).or_default().0.push(d);
    }
    for r in &report.passages {
        let (draft, swap) = draft_of(r.passage.a.doc, r.passage.b.doc);
        found.entry(draft).or_default().1.push((r, swap));
    }
    // In the draft's order, whichever side of each passage it is (a
    // draft read after an index document is the passages' second side).
    for (_, passages) in found.values_mut() {
        passages.sort_by_key(
            |&(r, swap)| {
                if swap { r.passage.b } else { r.passage.a }
            },
        );
    }
    let mut budget = SHOWN_PASSAGES;
    for (&draft, (duplicates, passages)) in &found {
        // How much of the draft its passages cover: what an editor weighs
        // first.
        let findings = check.findings_of(draft);
        let mut covered = findings
            .filter(|f| f.passages > 0)
            .map(|f| {
                format!(" · {} of its text in passages", percent(f.covered()))
            })
            .unwrap_or_default();
        // With --fail-covered, whether this draft is one the exit code
        // counts.
        if let (Some(_), Some(f)) = (check.fail_covered, findings) {
            covered += if f.fails { " · fails" } else { " · passes" };
        }
        writeln!(
            w,
            "{}",
            paint.bold(&format!(
                "{} · {} · {}{}",
                id_of(report, draft),
                count(duplicates.len() as u64, "near-duplicate"),
                count(passages.len() as u64, "passage"),
                covered,
            ))
        )?;
        for d in duplicates.iter().take(SHOWN_PAIRS) {
            let (other, swap) =
                if d.a == draft { (d.b, false) } else { (d.a, true) };
            let (sign, kind) = marks(d.kind);
            let (mine, theirs) = if swap {
                (d.overlap.containment_b(), d.overlap.containment_a())
            } else {
                (d.overlap.containment_a(), d.overlap.containment_b())
            };
            writeln!(
                w,
                "  {sign} {}  {} {kind}  (estimate {:.4}, containment {mine:.2}/{theirs:.2})",
                paint.id(&id_of(report, other)),
                paint.score(&format!("{:.4}", d.overlap.jaccard())),
                d.estimate,
            )?;
        }
        write_more(&mut w, duplicates.len(), SHOWN_PAIRS, paint)?;
        let shown = passages.len().min(budget);
        let mut last = None;
        for &(r, swap) in &passages[..shown] {
            let view = View::Draft;
            write_grouped(&mut w, report, r, paint, swap, view, &mut last)?;
        }
        write_more(&mut w, passages.len(), shown, paint)?;
        budget -= shown;
        writeln!(w)?;
    }
    let s = &report.summary;
    let c = &check.summary;
    let mut line = format!(
        "{} checked against {}: ",
        count(c.drafts, "draft"),
        count(c.index, "document"),
    );
    if c.flagged == 0 {
        line += "nothing found";
    } else {
        line += &format!(
            "{} with findings ({}, {})",
            thousands(c.flagged),
            count(s.duplicates, "near-duplicate"),
            count(s.passages, "passage"),
        );
        if let Some(min) = check.fail_covered {
            line += &format!(
                "; {} failing (a near-duplicate, or at least {} of its text in passages)",
                thousands(c.failed),
                percent(min),
            );
        }
    }
    writeln!(w, "{}", paint.bold(&line))?;
    if c.ignored > 0 {
        writeln!(
            w,
            "{} of the index left out: the drafts' own files",
            count(c.ignored, "document"),
        )?;
    }
    if s.skipped > 0 || s.skipped_files > 0 {
        writeln!(
            w,
            "{} and {} skipped (see diagnostics)",
            count(s.skipped, "record"),
            count(s.skipped_files, "file"),
        )?;
    }
    w.flush()
}

/// How a passage's place is shown.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum View {
    /// Both documents with line:column, as in a scan.
    Scan,
    /// In a check, under its draft's heading: paragraph and line:column of
    /// the draft's side, then the index document's.
    Draft,
}

/// The first side of a passage as written (`b` when swapped) and the
/// other side's quote.
type Shown<'r> = (Side, &'r str);

/// One passage of a list, written in full, or as an `also` line when its
/// first side and the other side's quote are those of the passage written
/// before it (`last`): a span beside the same text in several documents
/// (a wire story run by several outlets) is one finding, quoted once. A
/// report made without quotes has none to compare, and each passage is
/// written in full.
fn write_grouped<'r, W: io::Write>(
    w: &mut W,
    report: &Report,
    r: &'r PassageReport,
    paint: Paint,
    swap: bool,
    view: View,
    last: &mut Option<Shown<'r>>,
) -> io::Result<()> {
    let (p, quotes) = (&r.passage, &r.quotes);
    let shown = if swap { (p.b, &*quotes.0) } else { (p.a, &*quotes.1) };
    if !shown.1.is_empty() && *last == Some(shown) {
        write_also(w, report, r, paint, swap, view)?;
    } else {
        write_passage(w, report, r, paint, swap, view)?;
    }
    *last = Some(shown);
    Ok(())
}

/// One passage: where, score and kind, then both quotes; `b` first when
/// `swap`.
fn write_passage<W: io::Write>(
    w: &mut W,
    report: &Report,
    r: &PassageReport,
    paint: Paint,
    swap: bool,
    view: View,
) -> io::Result<()> {
    let p = &r.passage;
    let kind = kind_name(p.kind);
    let (mut a, mut b) = ((p.a.doc, r.at.0), (p.b.doc, r.at.1));
    let (mut quote_a, mut quote_b) = (&r.quotes.0, &r.quotes.1);
    let mut words = p.words;
    let mut paragraphs = r.paragraphs;
    if swap {
        std::mem::swap(&mut a, &mut b);
        std::mem::swap(&mut quote_a, &mut quote_b);
        words = (words.1, words.0);
        paragraphs = (paragraphs.1, paragraphs.0);
    }
    let ((doc_a, at_a), (doc_b, at_b)) = (a, b);
    let where_ = if view == View::Draft {
        format!(
            "¶{} {}:{} ↔ {} ¶{} {}:{}",
            paragraphs.0,
            at_a.0,
            at_a.1,
            id_of(report, doc_b),
            paragraphs.1,
            at_b.0,
            at_b.1
        )
    } else if doc_a == doc_b {
        format!(
            "{} {}:{} ↔ {}:{}",
            id_of(report, doc_a),
            at_a.0,
            at_a.1,
            at_b.0,
            at_b.1
        )
    } else {
        format!(
            "{} {}:{} ↔ {} {}:{}",
            id_of(report, doc_a),
            at_a.0,
            at_a.1,
            id_of(report, doc_b),
            at_b.0,
            at_b.1
        )
    };
    writeln!(
        w,
        "  {}  {} {kind}  (3-gram Jaccard {:.2}, {}/{} words)",
        paint.id(&where_),
        paint.score(&format!("{:.4}", p.similarity)),
        p.trigrams.jaccard(),
        words.0,
        words.1,
    )?;
    let (quote_a, quote_b) = (visible(quote_a), visible(quote_b));
    writeln!(w, "    {}", paint.dim(&format!("“{quote_a}”")))?;
    writeln!(w, "    {}", paint.dim(&format!("“{quote_b}”")))
}

/// A passage whose first side (in a check, the draft's) and quotes are
/// those of the passage written before it, beside another document:
/// where in that document, score and kind; `a` is the other side when
/// `swap`.
fn write_also<W: io::Write>(
    w: &mut W,
    report: &Report,
    r: &PassageReport,
    paint: Paint,
    swap: bool,
    view: View,
) -> io::Result<()> {
    let p = &r.passage;
    let (doc, at, paragraph) = if swap {
        (p.a.doc, r.at.0, r.paragraphs.0)
    } else {
        (p.b.doc, r.at.1, r.paragraphs.1)
    };
    let id = id_of(report, doc);
    let place = match view {
        View::Draft => format!("{id} ¶{paragraph} {}:{}", at.0, at.1),
        View::Scan => format!("{id} {}:{}", at.0, at.1),
    };
    writeln!(
        w,
        "    also {}  {} {}",
        paint.id(&place),
        paint.score(&format!("{:.4}", p.similarity)),
        kind_name(p.kind),
    )
}

/// A share as a whole percentage, but never 0% or 100% when it is not
/// exactly that: "1%" for a sliver, "99%" for all but one.
fn percent(share: f64) -> String {
    let p = (share * 100.0).round();
    let p = if share > 0.0 && p == 0.0 {
        1.0
    } else if share < 1.0 && p == 100.0 {
        99.0
    } else {
        p
    };
    format!("{p}%")
}

/// How a passage's kind is written.
fn kind_name(kind: PassageKind) -> &'static str {
    match kind {
        PassageKind::Verbatim => "verbatim",
        PassageKind::Near => "near",
        PassageKind::Rewrite => "rewrite",
    }
}

/// The line that says how many of `total` items were not shown.
fn write_more<W: io::Write>(
    w: &mut W,
    total: usize,
    shown: usize,
    paint: Paint,
) -> io::Result<()> {
    if total <= shown {
        return Ok(());
    }
    writeln!(
        w,
        "{}",
        paint.dim(&format!(
            "  … and {} more; --format json lists them all",
            thousands((total - shown) as u64)
        ))
    )
}

/// Templates listed in the text report; the JSON report lists all.
const SHOWN_TEMPLATES: usize = 10;

/// Templates longer than this are shown cut in the middle.
const TEMPLATE_SHOWN_BYTES: usize = 200;

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
        // Cut in the middle when long, as passages' quotes are: a
        // recurring line can be a paragraph of thousands of words.
        let text = if t.text.len() > TEMPLATE_SHOWN_BYTES {
            Cow::Owned(quote(t.text.as_bytes()))
        } else {
            Cow::Borrowed(t.text.as_str())
        };
        writeln!(
            w,
            "  {:>7} docs  {}",
            thousands(u64::from(t.documents)),
            visible(&text)
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
        "{} scanned ({} MB)",
        count(s.documents, "document"),
        format_mb(s.bytes)
    );
    if s.skipped > 0 || s.skipped_files > 0 {
        line += &format!(", {} skipped", count(s.skipped, "record"));
        if s.skipped_files > 0 {
            line += &format!(" and {}", count(s.skipped_files, "file"));
        }
        line += " (see diagnostics)";
    }
    writeln!(w, "{}", paint.bold(&line))?;
    writeln!(
        w,
        "{} ({} exact) in {}; {} removable",
        count(s.duplicates, "duplicate pair"),
        thousands(s.exact_duplicates),
        count(s.clusters, "cluster"),
        count(s.removable, "document"),
    )?;
    if p.passages {
        writeln!(
            w,
            "{}; {}",
            count(s.passages, "passage"),
            count(s.boilerplate_spans, "boilerplate span"),
        )?;
    }
    // A sample of fewer incidences than this says too little to show.
    const MIN_SHOWN_INCIDENCES: u64 = 100;
    let df = &s.shingle_df;
    if df.incidences >= MIN_SHOWN_INCIDENCES {
        let share = |n: u64| 100.0 * n as f64 / df.incidences as f64;
        writeln!(
            w,
            "{:.1}% of documents' shingles recur in {}+ documents, {:.1}% outside \
             boilerplate (1 in {} shingles counted: about {} distinct)",
            share(df.recurring_incidences),
            p.boilerplate_min_docs.max(2),
            share(df.recurring_outside_boilerplate),
            df.sample,
            thousands(df.distinct * df.sample),
        )?;
    }
    writeln!(
        w,
        "{}",
        paint.dim(&format!(
            "settings: {} {}-grams, {} permutations, {} bands × {} rows, threshold {}, \
             {} verified",
            p.unit,
            p.sketch.shingle_size,
            p.sketch.num_perm,
            p.bands,
            p.rows,
            p.threshold,
            count(s.candidates, "candidate pair"),
        ))
    )
}

/// How a duplicate pair's kind is shown: its sign between the two ids,
/// and its name.
fn marks(kind: DuplicateKind) -> (&'static str, &'static str) {
    match kind {
        DuplicateKind::Exact => ("=", "exact"),
        DuplicateKind::Near => ("~", "near"),
    }
}

/// `n` things: "1 passage", "2 passages", "1,000 passages".
pub fn count(n: u64, one: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {one}{s}", thousands(n))
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
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

/// Characters of a quote shown on each side of the cut in the middle.
const QUOTE_HALF_CHARS: usize = 70;

/// Text with whitespace collapsed, cut in the middle when long. The head
/// is the first words that, joined, stay under [`QUOTE_HALF_CHARS`]
/// characters, the tail the last words that do (a word longer than that
/// is cut). Only the words near either end are read: passages of copied
/// articles run to thousands of words.
pub(crate) fn quote(text: &[u8]) -> String {
    let text = utf8_lossy(text);
    let half = QUOTE_HALF_CHARS;
    // Words from the front until the text is known to be too long to show.
    let mut front: Vec<&str> = Vec::new();
    let mut joined = 0;
    for w in text.split_whitespace() {
        joined += usize::from(!front.is_empty()) + w.chars().count();
        front.push(w);
        if joined > 2 * half + 5 {
            break;
        }
    }
    if joined <= 2 * half + 5 {
        return front.join(" ");
    }
    let head = match fitting(front.iter().copied(), half) {
        0 => front[0].chars().take(half).collect(),
        n => front[..n].join(" "),
    };
    // Words from the back: counted until they no longer fit, then taken.
    let back = || text.split_whitespace().rev();
    let tail = match fitting(back(), half) {
        0 => {
            let last = back().next().unwrap_or_default();
            let skip = last.chars().count().saturating_sub(half);
            last.chars().skip(skip).collect()
        }
        n => {
            let mut words: Vec<&str> = back().take(n).collect();
            words.reverse();
            words.join(" ")
        }
    };
    format!("{head} … {tail}")
}

/// `String::from_utf8_lossy`, with the standard library's faster check
/// for the common case of valid text.
pub(crate) fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    std::str::from_utf8(bytes)
        .map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
}

/// How many of the words, joined by spaces, stay under `limit` characters.
fn fitting<'a>(words: impl Iterator<Item = &'a str>, limit: usize) -> usize {
    let mut joined = 0;
    let mut n = 0;
    for w in words {
        joined += usize::from(n > 0) + w.chars().count();
        if joined >= limit {
            break;
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_between_words() {
        assert_eq!(quote(b"  short\n quote "), "short quote");
        // 30 words of 4 letters: 149 characters joined, over the 145 kept
        // whole. Words end at 4, 9, ..., 69: 14 of them end before the
        // 70th character with a space after them; the last 14 likewise.
        let words: Vec<String> = (0..30).map(|i| format!("w{i:03}")).collect();
        let q = quote(words.join("\n").as_bytes());
        assert_eq!(
            q,
            format!("{} … {}", words[..14].join(" "), words[16..].join(" "))
        );
        // A first word longer than a half is cut inside the word; the tail
        // starts after the last space in the last 70 characters.
        let long = "x".repeat(200);
        assert_eq!(
            quote(format!("{long} tail").as_bytes()),
            format!("{} … tail", "x".repeat(70))
        );
        assert_eq!(
            quote(format!("head {long}").as_bytes()),
            format!("head … {}", "x".repeat(70))
        );
        assert_eq!(quote(b"\xff ok"), "\u{fffd} ok");
    }

    #[test]
    fn control_characters_are_written_out() {
        assert!(matches!(visible("plain — é ✓\tTab"), Cow::Borrowed(_)));
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            visible("x\ny\rz\u{7f}\u{85}"),
            "x\\u{a}y\\u{d}z\\u{7f}\\u{85}"
        );
        // A right-to-left override, and an isolate.
        assert_eq!(visible("ab\u{202e}cd\u{2066}"), "ab\\u{202e}cd\\u{2066}");
    }

    #[test]
    fn percentages_are_never_rounded_to_none_or_all() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.004), "1%");
        assert_eq!(percent(0.6062), "61%");
        assert_eq!(percent(0.996), "99%");
        assert_eq!(percent(1.0), "100%");
    }

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
