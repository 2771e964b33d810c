//! Cleaning a corpus: the documents a scan keeps, with their boilerplate
//! stripped, and for every document removed, why.
//!
//! A scan's clusters say which documents to keep (the representatives,
//! by `--keep`, and every document in no cluster); its boilerplate spans
//! say what to strip. [`removals`] gives each removed document the kept
//! one and the verified pair that tie it to its cluster; [`write_kept`]
//! writes the kept documents as JSON Lines, a record of the input kept
//! byte for byte except for its text.

use std::io;

use rayon::prelude::*;

use crate::corpus::{Corpus, DocId};
use crate::report::{DuplicateKind, Report};

/// Why a document was removed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Removal {
    /// The removed document.
    pub doc: DocId,
    /// Its cluster's id.
    pub cluster: u32,
    /// The cluster's representative, which is kept.
    pub kept: DocId,
    /// The document of its closest verified pair: the representative when
    /// the two were compared, else the one most similar to it.
    pub matched: DocId,
    /// The pair's exact Jaccard similarity.
    pub similarity: f64,
    /// Exact or near.
    pub kind: DuplicateKind,
}

/// One [`Removal`] per cluster member that is not its representative, in
/// input order.
pub fn removals(report: &Report) -> Vec<Removal> {
    let n = report.ids.len();
    let mut cluster_of = vec![(0u32, DocId(u32::MAX)); n];
    for c in &report.clusters {
        for &m in &c.members {
            cluster_of[m.index()] = (c.id, c.representative);
        }
    }
    // Each removed document's best pair so far: with the representative
    // first, then the most similar, then the earliest.
    let mut best: Vec<Option<(bool, f64, DocId, DuplicateKind)>> =
        vec![None; n];
    for d in &report.duplicates {
        let similarity = d.overlap.jaccard();
        for (doc, other) in [(d.a, d.b), (d.b, d.a)] {
            let (cluster, kept) = cluster_of[doc.index()];
            if cluster == 0 || kept == doc {
                continue;
            }
            let candidate = (other == kept, similarity, other, d.kind);
            let better = match best[doc.index()] {
                None => true,
                Some((rep, sim, o, _)) => {
                    (candidate.0, candidate.1, std::cmp::Reverse(other))
                        > (rep, sim, std::cmp::Reverse(o))
                }
            };
            if better {
                best[doc.index()] = Some(candidate);
            }
        }
    }
    (0..n)
        .filter_map(|i| {
            let (cluster, kept) = cluster_of[i];
            let (_, similarity, matched, kind) = best[i]?;
            (cluster != 0).then_some(Removal {
                doc: DocId(i as u32),
                cluster,
                kept,
                matched,
                similarity,
                kind,
            })
        })
        .collect()
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
    // Each document's spans, as a range of the report's spans.
    let mut spans_of = vec![0..0; corpus.len()];
    let all = &report.boilerplate_spans;
    let mut i = 0;
    for group in all.chunk_by(|x, y| x.doc == y.doc) {
        spans_of[group[0].doc.index()] = i..i + group.len();
        i += group.len();
    }
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
