//! Cleaning a corpus: the documents a scan keeps, with their boilerplate
//! stripped, and for every document removed, why.
//!
//! A scan's clusters say which documents to keep (their kept members,
//! see [`crate::report::Cluster::kept`], and every document in no
//! cluster); its boilerplate spans say what to strip. [`removals`] gives
//! each removed document the kept member that holds it, and with
//! `--drop-covered` removes the documents that a kept document's copied
//! passages cover (see [`covered`]); [`write_kept`] writes the kept
//! documents as JSON Lines, a record of the input kept byte for byte
//! except for its text.

use std::io;

use rayon::prelude::*;

use crate::corpus::{Corpus, DocId};
use crate::passage::{Passage, PassageKind, Side};
use crate::report::{
    BoilerplateSpan, DuplicateKind, PairOverlap, PassageReport, Report,
};

/// A document left out of the cleaned corpus, and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Removal {
    /// The removed document.
    pub doc: DocId,
    /// The document kept in its place: the kept member of its cluster
    /// that holds it, or the document whose passages cover it (or cover
    /// that member, when it is removed as covered; see [`removals`]).
    pub kept: DocId,
    /// The document it was compared with: of a near-duplicate, the kept
    /// member that holds it; of a covered document, the one that covers
    /// it.
    pub matched: DocId,
    /// Why it was removed.
    pub reason: Reason,
}

/// Why a document was removed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// A member of a near-duplicate cluster that a kept member holds.
    Duplicate {
        /// The cluster's id.
        cluster: u32,
        /// The exact Jaccard similarity of the removed and the kept
        /// document.
        similarity: f64,
        /// The share of the removed document's shingles in the kept one's:
        /// at least the threshold.
        contained: f64,
        /// Exact or near.
        kind: DuplicateKind,
    },
    /// Copied passages (`verbatim` or `near`) shared with one kept
    /// document cover at least the share asked for of its text outside
    /// boilerplate: a truncated or edited copy below the similarity
    /// threshold.
    Covered {
        /// Index of the pair's [`crate::report::PairOverlap`] in the
        /// report's overlaps.
        overlap: usize,
        /// The share of its text outside boilerplate that the passages
        /// cover.
        covered: f64,
    },
}

/// The documents `report` leaves out, in input order: every removable
/// cluster member (one a kept member holds), and with `min_covered`, every
/// other document that the copied passages of one kept document cover
/// (see [`covered`]).
///
/// A cluster's kept member may be covered too. The members it holds are
/// then kept in the person of the document that covers it: their
/// [`Removal::kept`] names that one, so that what every removal names as
/// kept is in the cleaned corpus.
pub fn removals(report: &Report, min_covered: Option<f64>) -> Vec<Removal> {
    let mut removed = duplicates(report);
    if let Some(min) = min_covered {
        let covered = covered(report, &removed, min);
        for r in &mut removed {
            // Documents that cover others are never removed themselves.
            if let Ok(i) = covered.binary_search_by_key(&r.kept, |c| c.doc) {
                r.kept = covered[i].kept;
            }
        }
        removed.extend(covered);
        removed.sort_unstable_by_key(|r| r.doc);
    }
    removed
}

/// One [`Removal`] per removable cluster member (see
/// [`crate::report::Cluster::removable`]), in input order: the kept member
/// that holds it, and their scores.
fn duplicates(report: &Report) -> Vec<Removal> {
    let mut removed: Vec<Removal> = report
        .clusters
        .iter()
        .flat_map(|c| {
            c.removable.iter().map(|r| Removal {
                doc: r.doc,
                kept: r.kept,
                matched: r.kept,
                reason: Reason::Duplicate {
                    cluster: c.id,
                    similarity: r.overlap.jaccard(),
                    contained: r.overlap.containment_a(),
                    kind: r.kind,
                },
            })
        })
        .collect();
    removed.sort_unstable_by_key(|r| r.doc);
    removed
}

/// The documents, of those `duplicates` leaves, that copied passages with
/// one kept document cover: at least `min` of the bytes of their text
/// outside boilerplate, in input order.
///
/// Only `verbatim` and `near` passages count: a rewrite is a text of its
/// own. Of two documents that cover each other, the one `--keep` prefers
/// stays (the earlier, or the longer). A document covered by several is
/// removed when one of them stays, which is decided first; where
/// documents cover each other in a ring, the ring's first by `--keep`
/// stays unless a document outside the ring covers it. A document is
/// compared only with documents no cluster removes, so that what it is
/// removed for is in the cleaned corpus.
pub fn covered(
    report: &Report,
    duplicates: &[Removal],
    min: f64,
) -> Vec<Removal> {
    let n = report.ids.len();
    let mut gone = vec![false; n];
    for r in duplicates {
        gone[r.doc.index()] = true;
    }
    let spans = spans_of(report);
    // The order `--keep` prefers documents in, by their length in bytes.
    let key =
        |(doc, bytes): (DocId, u64)| report.params.keep.order_key(doc, bytes);
    let mut edges: Vec<Edge> = Vec::new();
    for (i, o) in report.overlaps.iter().enumerate() {
        if gone[o.a.index()] || gone[o.b.index()] {
            continue;
        }
        let share = |doc: DocId, side: fn(&Passage) -> Side, bytes: u64| {
            let sides: Vec<(u32, u32)> = copied(report, o)
                .map(|p| (side(&p.passage).start, side(&p.passage).end))
                .collect();
            let boilerplate =
                &report.boilerplate_spans[spans[doc.index()].clone()];
            outside_share(&sides, boilerplate, bytes)
        };
        let a = (o.a, o.bytes.0);
        let b = (o.b, o.bytes.1);
        let cover = (share(o.a, |p| p.a, a.1), share(o.b, |p| p.b, b.1));
        for (x, y, covered, other) in
            [(a, b, cover.0, cover.1), (b, a, cover.1, cover.0)]
        {
            // Of two that cover each other, the preferred one stays.
            if covered >= min && !(other >= min && key(x) < key(y)) {
                edges.push(Edge {
                    doc: x.0,
                    by: y.0,
                    overlap: i,
                    covered,
                    bytes: x.1,
                });
            }
        }
    }
    edges.sort_unstable_by_key(|e| (e.doc, e.by));
    let mut order: Vec<(DocId, u64)> = edges
        .chunk_by(|x, y| x.doc == y.doc)
        .map(|g| (g[0].doc, g[0].bytes))
        .collect();
    order.sort_unstable_by_key(|&x| key(x));
    let order: Vec<DocId> = order.into_iter().map(|(d, _)| d).collect();
    resolve(&edges, n, &order)
}

/// The passages of `overlap` that count toward covering: `verbatim` and
/// `near`.
pub fn copied<'r>(
    report: &'r Report,
    overlap: &'r PairOverlap,
) -> impl Iterator<Item = &'r PassageReport> {
    overlap
        .passages
        .iter()
        .filter_map(|&id| report.passage(id))
        .filter(|p| p.passage.kind != PassageKind::Rewrite)
}

/// That document `doc` should go if document `by` stays.
#[derive(Clone, Copy, Debug)]
struct Edge {
    doc: DocId,
    by: DocId,
    /// Index of their overlap.
    overlap: usize,
    /// The share of `doc` covered.
    covered: f64,
    /// Length of `doc`'s text.
    bytes: u64,
}

/// Which documents with `edges` (sorted by document, then `by`) go: a
/// document goes if a document it should yield to stays, and is decided
/// once those are. Where documents yield to each other in a ring, the
/// ring's first document by `order` is decided first, the undecided ones
/// it yields to taken as not staying. Documents without edges stay.
fn resolve(edges: &[Edge], n: usize, order: &[DocId]) -> Vec<Removal> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Open,
        Stays,
        Goes(usize),
    }
    let groups: Vec<(DocId, std::ops::Range<usize>)> = {
        let mut at = 0;
        edges
            .chunk_by(|x, y| x.doc == y.doc)
            .map(|g| {
                at += g.len();
                (g[0].doc, at - g.len()..at)
            })
            .collect()
    };
    let mut group_of = vec![u32::MAX; n];
    for (g, (doc, _)) in groups.iter().enumerate() {
        group_of[doc.index()] = g as u32;
    }
    let group = |d: DocId| {
        Some(group_of[d.index()] as usize).filter(|&g| g != u32::MAX as usize)
    };
    let mut state = vec![State::Open; groups.len()];
    // Per group, how many of its documents to yield to are open; and who
    // yields to each group.
    let mut open = vec![0usize; groups.len()];
    let mut yields: Vec<(usize, usize)> = Vec::new();
    for (g, (_, range)) in groups.iter().enumerate() {
        for e in &edges[range.clone()] {
            if let Some(t) = group(e.by) {
                open[g] += 1;
                yields.push((t, g));
            }
        }
    }
    yields.sort_unstable();
    let mut ready: Vec<usize> =
        (0..groups.len()).filter(|&g| open[g] == 0).collect();
    let mut rank = vec![usize::MAX; groups.len()];
    for (i, &d) in order.iter().enumerate() {
        if let Some(g) = group(d) {
            rank[g] = i;
        }
    }
    let mut next = 0; // in `order`
    // A document's place on the path followed into a ring.
    let mut step = vec![usize::MAX; groups.len()];
    loop {
        while let Some(g) = ready.pop() {
            if state[g] != State::Open {
                continue;
            }
            // The strongest cover that stays, the earliest of equals.
            let stays = |e: &Edge| {
                group(e.by).is_none_or(|t| state[t] == State::Stays)
            };
            let best = edges[groups[g].1.clone()]
                .iter()
                .enumerate()
                .filter(|(_, e)| stays(e))
                .max_by(|(_, x), (_, y)| {
                    x.covered.total_cmp(&y.covered).then(y.by.cmp(&x.by))
                });
            state[g] = match best {
                Some((i, _)) => State::Goes(groups[g].1.start + i),
                None => State::Stays,
            };
            let from = yields.partition_point(|&(t, _)| t < g);
            for &(_, s) in yields[from..].iter().take_while(|&&(t, _)| t == g)
            {
                open[s] -= 1;
                if open[s] == 0 {
                    ready.push(s);
                }
            }
        }
        // The open documents wait on a ring. From the first of them by
        // `order`, follow open documents to yield to until one repeats:
        // decide that ring's first by `order`.
        while next < order.len()
            && group(order[next]).is_some_and(|g| state[g] != State::Open)
        {
            next += 1;
        }
        let Some(&d) = order.get(next) else { break };
        let mut path: Vec<usize> = Vec::new();
        let mut at = group(d).expect("every document of `order` has edges");
        let ring = loop {
            if step[at] != usize::MAX {
                break &path[step[at]..];
            }
            step[at] = path.len();
            path.push(at);
            at = edges[groups[at].1.clone()]
                .iter()
                .find_map(|e| group(e.by).filter(|&t| state[t] == State::Open))
                .expect("an open document waits on an open one");
        };
        let first = ring.iter().min_by_key(|&&g| rank[g]).copied();
        ready.extend(first);
        for &g in &path {
            step[g] = usize::MAX;
        }
    }
    let mut removed: Vec<Removal> = state
        .iter()
        .filter_map(|s| match *s {
            State::Goes(i) => Some(&edges[i]),
            _ => None,
        })
        .map(|e| Removal {
            doc: e.doc,
            kept: e.by,
            matched: e.by,
            reason: Reason::Covered { overlap: e.overlap, covered: e.covered },
        })
        .collect();
    removed.sort_unstable_by_key(|r| r.doc);
    removed
}

/// The share of `bytes` outside `boilerplate` (disjoint spans) that
/// `sides` (in any order) cover; 0 when nothing is outside.
fn outside_share(
    sides: &[(u32, u32)],
    boilerplate: &[BoilerplateSpan],
    bytes: u64,
) -> f64 {
    // Boilerplate spans are disjoint, so what the sides cover outside
    // them is what sides and spans cover together, less the spans.
    let all: u64 =
        boilerplate.iter().map(|b| u64::from(b.end - b.start)).sum();
    let mut both: Vec<(u32, u32)> = sides
        .iter()
        .copied()
        .chain(boilerplate.iter().map(|b| (b.start, b.end)))
        .collect();
    both.sort_unstable();
    let covered = crate::report::covered(both.into_iter()) - all;
    let outside = bytes.saturating_sub(all);
    if outside == 0 { 0.0 } else { (covered as f64 / outside as f64).min(1.0) }
}

/// Each document's boilerplate spans, as a range of the report's spans.
fn spans_of(report: &Report) -> Vec<std::ops::Range<usize>> {
    let mut spans_of = vec![0..0; report.ids.len()];
    let mut i = 0;
    for group in report.boilerplate_spans.chunk_by(|x, y| x.doc == y.doc) {
        spans_of[group[0].doc.index()] = i..i + group.len();
        i += group.len();
    }
    spans_of
}

/// `text` without the byte ranges `spans` (sorted and disjoint, as a
/// document's boilerplate spans are).
///
/// A span inside a line (a sentence) goes with the spaces after it, or
/// before it when it ends the line. A line left with nothing but
/// whitespace (or marks, "|") goes whole, with its line break; so does a
/// blank line that a removal left doubled, or left at either end of the
/// text, and a line of marks only ("-----") next to removed lines, with
/// only blank lines or marks between.
pub fn strip(text: &[u8], spans: &[(u32, u32)]) -> Vec<u8> {
    if spans.is_empty() {
        return text.to_vec();
    }
    let space = |b: u8| b == b' ' || b == b'\t';
    // The ranges to cut, widened by the spaces after them, merged where
    // they meet; a cut that then ends its line takes the spaces before it
    // too.
    let mut cuts: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for &(s, e) in spans {
        let (s, mut e) = (s as usize, (e as usize).min(text.len()));
        while e < text.len() && space(text[e]) {
            e += 1;
        }
        match cuts.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => cuts.push((s, e)),
        }
    }
    for (s, e) in &mut cuts {
        if *e == text.len() || matches!(text[*e], b'\n' | b'\r') {
            while *s > 0 && space(text[*s - 1]) {
                *s -= 1;
            }
        }
    }
    // Each line's pieces outside the cuts, and what is left of it.
    let mut lines: Vec<(Left, usize)> = Vec::new(); // (left, end in `kept`)
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut next = 0; // the first cut that may touch the current line
    let mut lo = 0;
    while lo < text.len() {
        let hi = memchr::memchr(b'\n', &text[lo..])
            .map_or(text.len(), |i| lo + i + 1);
        let first = kept.len();
        let mut at = lo;
        let mut touched = false;
        while next < cuts.len() && cuts[next].0 < hi {
            let (s, e) = cuts[next];
            if e > lo {
                touched = true;
                if s > at {
                    kept.push((at, s));
                }
                at = at.max(e);
            }
            if e > hi {
                break;
            }
            next += 1;
        }
        if at < hi {
            kept.push((at, hi));
        }
        let pieces = &kept[first..];
        let left = if pieces.iter().any(|&(s, e)| has_word(&text[s..e])) {
            Left::Words
        } else if touched {
            Left::Removed
        } else if pieces
            .iter()
            .all(|&(s, e)| text[s..e].iter().all(u8::is_ascii_whitespace))
        {
            Left::Blank
        } else {
            Left::Marks
        };
        lines.push((left, kept.len()));
        lo = hi;
    }
    // A line of marks only ("|", "-----") goes with the removed lines next
    // to it: when the nearest line on either side that is not blank or
    // marks was removed.
    let mut gone: Vec<bool> =
        lines.iter().map(|&(left, _)| left == Left::Removed).collect();
    let mut beside_removed = |order: &mut dyn Iterator<Item = usize>| {
        let mut last = Left::Blank; // the nearest Words or Removed line
        for i in order {
            match lines[i].0 {
                left @ (Left::Words | Left::Removed) => last = left,
                Left::Marks => gone[i] |= last == Left::Removed,
                Left::Blank => {}
            }
        }
    };
    beside_removed(&mut (0..lines.len()));
    beside_removed(&mut (0..lines.len()).rev());
    let mut out = Vec::with_capacity(text.len());
    // Whether the last line written was blank (at the start: as if so),
    // and whether a line was removed since the last one with words.
    let (mut last_blank, mut removed) = (true, false);
    let mut first = 0;
    for (i, &(left, end)) in lines.iter().enumerate() {
        let pieces = &kept[first..end];
        first = end;
        let blank = left == Left::Blank;
        if gone[i] || (blank && removed && last_blank) {
            removed = true;
            continue;
        }
        for &(s, e) in pieces {
            out.extend_from_slice(&text[s..e]);
        }
        last_blank = blank;
        if !blank {
            removed = false;
        }
    }
    if removed {
        trim_removed_end(text, &mut out);
    }
    out
}

/// True when `bytes` hold a letter or a digit, in any script.
fn has_word(bytes: &[u8]) -> bool {
    if bytes.is_ascii() {
        bytes.iter().any(u8::is_ascii_alphanumeric)
    } else {
        String::from_utf8_lossy(bytes).chars().any(char::is_alphanumeric)
    }
}

/// What is left of a line after the cuts.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum Left {
    /// A letter or a digit, in any script.
    Words,
    /// No letter or digit left (whitespace, or marks), and the line was
    /// cut: it goes.
    Removed,
    /// Whitespace only, or nothing, in a line not cut.
    Blank,
    /// Marks such as "|" or "-----" and whitespace, in a line not cut.
    Marks,
}

/// Ends `out`, the text left of `text` whose last lines were removed,
/// at its last word, with a line break if `text` ended with one.
fn trim_removed_end(text: &[u8], out: &mut Vec<u8>) {
    while out.last().is_some_and(u8::is_ascii_whitespace) {
        out.pop();
    }
    if text.ends_with(b"\n") && !out.is_empty() {
        out.push(b'\n');
    }
}

/// What [`write_kept`] wrote.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Kept {
    /// Documents written.
    pub documents: u64,
    /// Of those, documents with boilerplate stripped.
    pub stripped_documents: u64,
    /// Bytes of text removed from them.
    pub stripped_bytes: u64,
}

/// Documents rendered per parallel batch: enough to keep threads busy,
/// few enough that a batch's output stays small.
const BATCH: usize = 1024;

/// Writes every document of `corpus` that `report` keeps (those not in
/// `removed`), in input order, as JSON Lines: a JSON Lines record as it
/// was, with only its text field replaced; any other document as
/// `{"id": ID, "text": TEXT}`. With `strip`, the text is without its
/// boilerplate spans (see [`strip`]).
///
/// # Errors
///
/// Errors of the writer.
///
/// # Panics
///
/// If `report` is not a report of `corpus`.
pub fn write_kept<W: io::Write>(
    mut w: W,
    corpus: &Corpus,
    report: &Report,
    removed: &[Removal],
    strip_boilerplate: bool,
) -> io::Result<Kept> {
    assert_eq!(report.ids.len(), corpus.len(), "a report of this corpus");
    let mut gone = vec![false; corpus.len()];
    for r in removed {
        gone[r.doc.index()] = true;
    }
    let spans_of = spans_of(report);
    let all = &report.boilerplate_spans;
    let docs: Vec<u32> =
        (0..corpus.len() as u32).filter(|&d| !gone[d as usize]).collect();
    let mut kept = Kept::default();
    for batch in docs.chunks(BATCH * rayon::current_num_threads().max(1)) {
        let rendered: Vec<(Vec<u8>, Kept)> = batch
            .par_chunks(BATCH)
            .map(|chunk| {
                let mut buf = Vec::new();
                let mut k = Kept::default();
                for &d in chunk {
                    let doc = DocId(d);
                    k.documents += 1;
                    let spans = &all[spans_of[d as usize].clone()];
                    let stripping = strip_boilerplate && !spans.is_empty();
                    let record = corpus.json_record(doc);
                    // Nothing to strip: the record goes out as it came.
                    if let (Some((line, _)), false) = (&record, stripping) {
                        buf.extend_from_slice(line);
                        buf.push(b'\n');
                        continue;
                    }
                    let text = corpus.text(doc);
                    let clean = if stripping {
                        let cuts: Vec<(u32, u32)> =
                            spans.iter().map(|s| (s.start, s.end)).collect();
                        let clean = strip(&text, &cuts);
                        k.stripped_documents += 1;
                        k.stripped_bytes += (text.len() - clean.len()) as u64;
                        std::borrow::Cow::Owned(clean)
                    } else {
                        text
                    };
                    let clean = String::from_utf8_lossy(&clean);
                    match record {
                        Some((line, literal)) => {
                            buf.extend_from_slice(&line[..literal.start]);
                            serde_json::to_writer(&mut buf, &clean)?;
                            buf.extend_from_slice(&line[literal.end..]);
                        }
                        None => {
                            let record = serde_json::json!({
                                "id": corpus.id(doc),
                                "text": clean,
                            });
                            serde_json::to_writer(&mut buf, &record)?;
                        }
                    }
                    buf.push(b'\n');
                }
                Ok((buf, k))
            })
            .collect::<io::Result<_>>()?;
        for (buf, k) in rendered {
            w.write_all(&buf)?;
            kept.documents += k.documents;
            kept.stripped_documents += k.stripped_documents;
            kept.stripped_bytes += k.stripped_bytes;
        }
    }
    w.flush()?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(doc, by, covered)` edges resolved with `order`: the removed
    /// documents and what each went for.
    fn gone(edges: &[(u32, u32, f64)], order: &[u32]) -> Vec<(u32, u32)> {
        let mut edges: Vec<Edge> = edges
            .iter()
            .map(|&(doc, by, covered)| Edge {
                doc: DocId(doc),
                by: DocId(by),
                overlap: 0,
                covered,
                bytes: 0,
            })
            .collect();
        edges.sort_unstable_by_key(|e| (e.doc, e.by));
        let order: Vec<DocId> = order.iter().map(|&d| DocId(d)).collect();
        resolve(&edges, 10, &order)
            .iter()
            .map(|r| {
                assert_eq!(r.kept, r.matched);
                (r.doc.0, r.kept.0)
            })
            .collect()
    }

    #[test]
    fn a_covered_document_goes_when_what_covers_it_stays() {
        // 1 is covered by 2, which stays: in either order of the input.
        assert_eq!(gone(&[(1, 2, 0.9)], &[1]), [(1, 2)]);
        assert_eq!(gone(&[(2, 1, 0.9)], &[2]), [(2, 1)]);
        // A chain: 3 covers 2, which covers 1. 2 goes, so 1 stays: what
        // covers it is not in the cleaned corpus.
        assert_eq!(gone(&[(1, 2, 0.9), (2, 3, 0.9)], &[1, 2]), [(2, 3)]);
        // Covered by two that stay: the more covering one is named.
        assert_eq!(gone(&[(1, 2, 0.8), (1, 3, 0.95)], &[1]), [(1, 3)]);
        assert_eq!(gone(&[(1, 2, 0.9), (1, 3, 0.9)], &[1]), [(1, 2)]);
        // Covered by one that goes and one that stays.
        assert_eq!(
            gone(&[(1, 2, 0.99), (1, 4, 0.8), (2, 3, 0.9)], &[1, 2]),
            [(1, 4), (2, 3)]
        );
    }

    #[test]
    fn a_ring_is_broken_where_the_order_says() {
        let ring = [(1, 2, 0.9), (2, 3, 0.9), (3, 1, 0.9)];
        // 1 decided first stays (what it yields to is undecided); 3, which
        // yields to it, goes; 2, yielding to 3, stays.
        assert_eq!(gone(&ring, &[1, 2, 3]), [(3, 1)]);
        assert_eq!(gone(&ring, &[2, 3, 1]), [(1, 2)]);
        // A document yielding into the ring is decided after it.
        let mut more = ring.to_vec();
        more.push((5, 2, 0.9));
        assert_eq!(gone(&more, &[1, 2, 3, 5]), [(3, 1), (5, 2)]);
        assert_eq!(gone(&more, &[5, 2, 3, 1]), [(1, 2), (5, 2)]);
    }

    #[test]
    fn shares_count_what_is_outside_boilerplate_once() {
        let span = |start, end| BoilerplateSpan {
            doc: DocId(0),
            start,
            end,
            template: Some(1),
            reason: crate::boilerplate::Reason::Recurring,
        };
        // 100 bytes, 20 of them boilerplate: sides covering 0..50 and
        // 40..70 (overlapping) cover 70 bytes, 10 of them boilerplate.
        let bp = [span(0, 10), span(60, 70)];
        let share = outside_share(&[(0, 50), (40, 70)], &bp, 100);
        assert!((share - 50.0 / 80.0).abs() < 1e-9, "{share}");
        assert_eq!(outside_share(&[(0, 100)], &bp, 100), 1.0);
        assert_eq!(outside_share(&[], &bp, 100), 0.0);
        // All boilerplate: nothing to cover.
        assert_eq!(outside_share(&[(0, 10)], &[span(0, 10)], 10), 0.0);
    }

    fn stripped(text: &str, spans: &[&str]) -> String {
        let spans: Vec<(u32, u32)> = spans
            .iter()
            .map(|s| {
                let start = text.find(s).unwrap();
                (start as u32, (start + s.len()) as u32)
            })
            .collect();
        String::from_utf8(strip(text.as_bytes(), &spans)).unwrap()
    }

    #[test]
    fn lines_go_with_their_breaks_and_the_blank_lines_they_leave() {
        let text = "Menu | News\n\nFirst paragraph.\n\nSecond one.\n\nSubscribe now.\n\nCopyright 2024.\n";
        assert_eq!(
            stripped(
                text,
                &["Menu | News", "Subscribe now.", "Copyright 2024."]
            ),
            "First paragraph.\n\nSecond one.\n"
        );
        // Lines of marks go with the removed lines next to them.
        let text = "Home\n|\nNews\n-----\nStory.\n\n* * *\n\nMore.\n---\nAd\n";
        assert_eq!(
            stripped(text, &["Home", "News", "Ad"]),
            "Story.\n\n* * *\n\nMore.\n"
        );
        // A line between two kept ones: one blank line stays between them.
        let text = "One.\n\nAdvertisement\n\nTwo.";
        assert_eq!(stripped(text, &["Advertisement"]), "One.\n\nTwo.");
        // Blank lines that were there before stay.
        assert_eq!(
            stripped("One.\n\n\nTwo.\nAd\n", &["Ad"]),
            "One.\n\n\nTwo.\n"
        );
        // CR LF lines.
        assert_eq!(
            stripped("One.\r\nAd\r\nTwo.\r\n", &["Ad"]),
            "One.\r\nTwo.\r\n"
        );
        assert_eq!(stripped("nothing", &[]), "nothing");
    }

    #[test]
    fn sentences_go_with_their_spaces() {
        let text =
            "The council met. Subscribe for unlimited access. It voted.";
        assert_eq!(
            stripped(text, &["Subscribe for unlimited access."]),
            "The council met. It voted."
        );
        let text = "The council met.  Read more at example.com.\nNext.";
        assert_eq!(
            stripped(text, &["Read more at example.com."]),
            "The council met.\nNext."
        );
        // Sentences that end the text together, after one that stays.
        let text = "It voted.  Corrections:  Call the desk.  Copyright 2024.";
        assert_eq!(
            stripped(text, &["Call the desk.", "Copyright 2024."]),
            "It voted.  Corrections:"
        );
    }

    /// The rules of [`strip`] byte by byte: slow and plain.
    fn strip_by_byte(text: &[u8], spans: &[(u32, u32)]) -> Vec<u8> {
        if spans.is_empty() {
            return text.to_vec();
        }
        let space = |b: u8| b == b' ' || b == b'\t';
        let mut cut = vec![false; text.len()];
        for &(s, e) in spans {
            let (s, mut e) = (s as usize, e as usize);
            while e < text.len() && space(text[e]) {
                e += 1;
            }
            cut[s..e].fill(true);
        }
        // Spaces before a run of cut bytes that ends a line.
        for e in 1..=text.len() {
            let ends_line = e == text.len()
                || (matches!(text[e], b'\n' | b'\r') && !cut[e]);
            if ends_line && cut[e - 1] {
                let mut s = e;
                while s > 0 && cut[s - 1] {
                    s -= 1;
                }
                while s > 0 && space(text[s - 1]) {
                    s -= 1;
                    cut[s] = true;
                }
            }
        }
        // Each line: what is left of it, and whether it was cut.
        let mut lines: Vec<(Vec<u8>, bool)> = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive(|&b| b == b'\n') {
            let flags = &cut[offset..offset + line.len()];
            offset += line.len();
            let kept: Vec<u8> = line
                .iter()
                .zip(flags)
                .filter(|(_, c)| !**c)
                .map(|(b, _)| *b)
                .collect();
            lines.push((kept, flags.contains(&true)));
        }
        let words =
            |i: usize| lines[i].0.iter().any(u8::is_ascii_alphanumeric);
        let blank = |i: usize| lines[i].0.iter().all(u8::is_ascii_whitespace);
        let removed_line = |i: usize| lines[i].1 && !words(i);
        let marks = |i: usize| !lines[i].1 && !words(i) && !blank(i);
        // The nearest line with words, or removed, in `range`.
        let nearest_removed = |mut range: Box<dyn Iterator<Item = usize>>| {
            range
                .find(|&j| words(j) || removed_line(j))
                .is_some_and(removed_line)
        };
        let n = lines.len();
        let gone: Vec<bool> = (0..n)
            .map(|i| {
                removed_line(i)
                    || (marks(i)
                        && (nearest_removed(Box::new((0..i).rev()))
                            || nearest_removed(Box::new(i + 1..n))))
            })
            .collect();
        let mut out = Vec::new();
        let (mut last_blank, mut removed) = (true, false);
        for i in 0..n {
            let is_blank = !lines[i].1 && blank(i);
            if gone[i] || (is_blank && removed && last_blank) {
                removed = true;
                continue;
            }
            out.extend_from_slice(&lines[i].0);
            last_blank = is_blank;
            removed &= is_blank;
        }
        if removed {
            trim_removed_end(text, &mut out);
        }
        out
    }

    #[test]
    fn stripping_agrees_with_the_rules_byte_by_byte() {
        // Random texts of words, bars, spaces, tabs, line breaks and CRs, with
        // random word spans cut, as boilerplate spans are: sorted,
        // disjoint, starting and ending at words.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..2000 {
            let mut text = Vec::new();
            let mut words = Vec::new();
            for _ in 0..next(30) {
                match next(7) {
                    0 => text.push(b'\n'),
                    1 => text.extend_from_slice(b"\r\n"),
                    2 => text.push(b'\t'),
                    3 => text.extend_from_slice(b"| "),
                    _ => {
                        let start = text.len();
                        text.extend_from_slice(b"word");
                        words.push((start as u32, text.len() as u32));
                        text.push(b' ');
                    }
                }
            }
            let mut spans: Vec<(u32, u32)> = Vec::new();
            let mut i = 0;
            while i < words.len() {
                let len = 1 + next(3) as usize;
                if next(3) == 0 {
                    let last = (i + len).min(words.len()) - 1;
                    spans.push((words[i].0, words[last].1));
                }
                i += len;
            }
            assert_eq!(
                strip(&text, &spans),
                strip_by_byte(&text, &spans),
                "{:?} {spans:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    #[test]
    fn a_document_of_boilerplate_strips_to_nothing() {
        assert_eq!(stripped("Ad\n\nAd two\n", &["Ad", "Ad two"]), "");
    }
}
