//! JSON Lines: one document per line, its text and id taken from named
//! fields. Lines are parsed in parallel chunks; ids and line numbers come
//! out in file order.

use std::borrow::Cow;
use std::fmt;

use rayon::prelude::*;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{LoadOptions, TextLoc, json_str};
use crate::diagnostic::{Action, Diagnostic, DiagnosticKind};

/// A document parsed from one line, before its id is final.
pub(crate) struct Parsed {
    pub id: Option<String>,
    /// 1-based line number in the file.
    pub line: u64,
    pub text: TextLoc,
}

/// The result of parsing one file's lines.
pub(crate) struct ParsedFile {
    pub docs: Vec<Parsed>,
    pub diags: Vec<Diagnostic>,
    /// Non-blank lines: every one is either a document or skipped.
    pub records: u64,
}

/// Chunks are parsed in parallel; this size keeps a few chunks per thread
/// for files of tens of megabytes without making tiny tasks.
const CHUNK_BYTES: usize = 1 << 20;

/// Parses every line of `data`, a JSON Lines file named `name`.
pub(crate) fn parse(
    data: &[u8],
    name: &str,
    opts: &LoadOptions,
) -> ParsedFile {
    let chunks = split_chunks(data, CHUNK_BYTES);
    let parsed: Vec<(ParsedFile, u64)> = chunks
        .par_iter()
        .map(|&(start, end)| parse_chunk(data, start, end, name, opts))
        .collect();
    let mut out =
        ParsedFile { docs: Vec::new(), diags: Vec::new(), records: 0 };
    let mut lines_before = 0u64;
    for (mut chunk, lines) in parsed {
        for doc in &mut chunk.docs {
            doc.line += lines_before;
        }
        for diag in &mut chunk.diags {
            diag.line = diag.line.map(|l| l + lines_before);
        }
        out.docs.append(&mut chunk.docs);
        out.diags.append(&mut chunk.diags);
        out.records += chunk.records;
        lines_before += lines;
    }
    out
}

/// `data` without the UTF-8 byte order mark it starts with, if any.
pub(crate) fn without_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data)
}

/// Splits `data` into ranges of about `target` bytes that end just after a
/// newline (or at the end of the data).
fn split_chunks(data: &[u8], target: usize) -> Vec<(usize, usize)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let want = start.saturating_add(target).min(data.len());
        let end = match memchr::memchr(b'\n', &data[want.saturating_sub(1)..])
        {
            Some(i) if want < data.len() => want.saturating_sub(1) + i + 1,
            _ => data.len(),
        };
        chunks.push((start, end));
        start = end;
    }
    chunks
}

/// Parses the lines of `data[start..end]`. Line numbers in the result are
/// relative to the chunk; the second value is the chunk's line count.
fn parse_chunk(
    data: &[u8],
    start: usize,
    end: usize,
    name: &str,
    opts: &LoadOptions,
) -> (ParsedFile, u64) {
    let mut out =
        ParsedFile { docs: Vec::new(), diags: Vec::new(), records: 0 };
    let mut line_no = 0u64;
    // A byte order mark opens the first line of files saved by some
    // Windows programs: JSON parsers may ignore it (RFC 8259), and
    // records would otherwise start with invalid JSON.
    let mut pos = start
        + (data.len() - without_bom(data).len()) * usize::from(start == 0);
    while pos < end {
        let line_end =
            memchr::memchr(b'\n', &data[pos..end]).map_or(end, |i| pos + i);
        line_no += 1;
        let line = &data[pos..line_end];
        if !line.trim_ascii().is_empty() {
            out.records += 1;
            parse_line(data, pos, line, line_no, name, opts, &mut out);
        }
        pos = line_end + 1;
    }
    (out, line_no)
}

fn parse_line(
    data: &[u8],
    offset: usize,
    line: &[u8],
    line_no: u64,
    name: &str,
    opts: &LoadOptions,
    out: &mut ParsedFile,
) {
    let diag = |kind, action, msg: String| {
        Diagnostic::file(name, kind, action, msg).at_line(line_no)
    };
    if line.len() as u64 > opts.max_doc_bytes {
        out.diags.push(diag(
            DiagnosticKind::TooLarge,
            Action::Skipped,
            format!(
                "line of {} bytes is larger than the limit of {} bytes (--max-doc-bytes)",
                line.len(),
                opts.max_doc_bytes
            ),
        ));
        return;
    }
    // Parse as it is; only a line that fails is checked for invalid UTF-8
    // (which serde_json rejects inside strings), decoded lossily, said so,
    // and parsed again. Valid lines are not validated twice.
    let lossy_line: String;
    let mut lossy = false;
    let record = match parse_record(line, &opts.text_field, &opts.id_field) {
        Ok(record) => Ok(record),
        Err(err) => match std::str::from_utf8(line) {
            Ok(_) => Err(err),
            Err(utf8) => {
                let at = (offset + utf8.valid_up_to()) as u64;
                out.diags.push(
                    diag(
                        DiagnosticKind::InvalidUtf8,
                        Action::Kept,
                        "invalid UTF-8, decoded with U+FFFD replacement characters".into(),
                    )
                    .at_byte(at),
                );
                lossy_line = String::from_utf8_lossy(line).into_owned();
                lossy = true;
                parse_record(
                    lossy_line.as_bytes(),
                    &opts.text_field,
                    &opts.id_field,
                )
            }
        },
    };
    let record = match record {
        Ok(record) => record,
        Err(err) => {
            out.diags.push(diag(
                DiagnosticKind::InvalidJson,
                Action::Skipped,
                json_message(&err),
            ));
            return;
        }
    };
    let Some(raw) = record.text else {
        out.diags.push(diag(
            DiagnosticKind::MissingText,
            Action::Skipped,
            format!(
                "record has no `{}` field (--text-field)",
                opts.text_field
            ),
        ));
        return;
    };
    if !raw.get().starts_with('"') {
        out.diags.push(diag(
            DiagnosticKind::MissingText,
            Action::Skipped,
            format!("field `{}` is not a string", opts.text_field),
        ));
        return;
    }
    if !json_str::has_word(raw.get().as_bytes()) {
        out.diags.push(diag(
            DiagnosticKind::Empty,
            Action::Skipped,
            format!("field `{}` has no words", opts.text_field),
        ));
        return;
    }
    let id = match record.id.map(id_string) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(id))) => Some(id),
        Some(Err(())) => {
            out.diags.push(diag(
                DiagnosticKind::InvalidId,
                Action::Kept,
                format!(
                    "field `{}` is neither a string nor a number; the record's id is {name}:{line_no}",
                    opts.id_field
                ),
            ));
            None
        }
    };
    let loc = if lossy {
        let text = json_str::decode_literal(raw.get().as_bytes());
        TextLoc::Owned(String::from_utf8_lossy(&text).into())
    } else {
        // `raw` borrows from `line`, which borrows from `data`.
        let start = raw.get().as_ptr() as usize - data.as_ptr() as usize;
        TextLoc::Json {
            start: start as u64,
            end: (start + raw.get().len()) as u64,
        }
    };
    out.docs.push(Parsed { id, line: line_no, text: loc });
}

/// The id as a string: strings as decoded, numbers as written, `null` as
/// none. Anything else is an error.
pub(crate) fn id_string(raw: &RawValue) -> Result<Option<String>, ()> {
    let text = raw.get();
    match text.as_bytes().first() {
        // An empty id is none: a report would show a blank.
        Some(b'"') => serde_json::from_str::<String>(text)
            .map(|id| Some(id).filter(|id| !id.is_empty()))
            .map_err(|_| ()),
        Some(b'-' | b'0'..=b'9') => Ok(Some(text.to_string())),
        Some(b'n') => Ok(None),
        _ => Err(()),
    }
}

/// The error message without serde_json's " at line 1 column N" suffix,
/// which would be confusing next to our own file line number.
fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    match err.column() {
        // Type errors (a line that is an array, say) have no column.
        0 => format!("invalid JSON: {text}"),
        col => format!("invalid JSON at column {col}: {text}"),
    }
}

/// The two fields rehash needs from a record, as raw JSON.
struct Record<'a> {
    text: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
}

fn parse_record<'a>(
    line: &'a [u8],
    text_field: &str,
    id_field: &str,
) -> Result<Record<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let record = RecordSeed { text_field, id_field }.deserialize(&mut de)?;
    de.end()?;
    Ok(record)
}

/// Deserializes a JSON object, keeping the raw text of two named fields
/// and skipping the rest without building them.
struct RecordSeed<'f> {
    text_field: &'f str,
    id_field: &'f str,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Record<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        de: D,
    ) -> Result<Record<'de>, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<Record<'de>, A::Error> {
        let mut record = Record { text: None, id: None };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.text_field && record.text.is_none() {
                record.text = Some(map.next_value()?);
            } else if key == self.id_field && record.id.is_none() {
                record.id = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> LoadOptions {
        LoadOptions::default()
    }

    #[test]
    fn chunks_end_at_newlines() {
        let data = b"aa\nbbbb\nc\n\ndd";
        for target in 1..=data.len() + 1 {
            let chunks = split_chunks(data, target);
            assert_eq!(chunks.first().unwrap().0, 0);
            assert_eq!(chunks.last().unwrap().1, data.len());
            for w in chunks.windows(2) {
                assert_eq!(w[0].1, w[1].0);
                assert_eq!(data[w[0].1 - 1], b'\n', "target {target}");
            }
        }
        assert!(split_chunks(b"", 4).is_empty());
    }

    #[test]
    fn records_ids_and_problems() {
        let data = br#"{"id": "a", "text": "first doc"}
{"id": 7, "text": "second \u201cdoc\u201d", "extra": [1, {"x": 2}]}

{"text": "no id here"}
{"id": "b", "text": 42}
{"id": "c"}
not json
{"id": "d", "text": "  ...  "}
{"id": {"no": 1}, "text": "odd id"}
{"id": "", "text": "empty id"}
{"id": null, "text": "null id"}
"#;
        let got = parse(data, "f.jsonl", &opts());
        let ids: Vec<_> =
            got.docs.iter().map(|d| (d.id.clone(), d.line)).collect();
        assert_eq!(
            ids,
            [
                (Some("a".into()), 1),
                (Some("7".into()), 2),
                (None, 4),
                (None, 9),
                (None, 10),
                (None, 11)
            ]
        );
        let kinds: Vec<_> =
            got.diags.iter().map(|d| (d.kind, d.line.unwrap())).collect();
        assert_eq!(
            kinds,
            [
                (DiagnosticKind::MissingText, 5),
                (DiagnosticKind::MissingText, 6),
                (DiagnosticKind::InvalidJson, 7),
                (DiagnosticKind::Empty, 8),
                (DiagnosticKind::InvalidId, 9),
            ]
        );
        assert_eq!(got.records, 10);
        assert!(matches!(got.docs[1].text, TextLoc::Json { .. }));
    }

    #[test]
    fn line_numbers_survive_chunking() {
        let mut data = Vec::new();
        for i in 0..5000 {
            data.extend_from_slice(
                format!("{{\"id\": \"{i}\", \"text\": \"doc {i}\"}}\n")
                    .as_bytes(),
            );
        }
        let got = parse(&data, "big.jsonl", &opts());
        assert_eq!(got.docs.len(), 5000);
        assert!(
            got.docs.iter().enumerate().all(|(i, d)| d.line == i as u64 + 1)
        );
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily() {
        let data = b"{\"id\": \"x\", \"text\": \"caf\xe9 ok\"}\n";
        let got = parse(data, "f.jsonl", &opts());
        assert_eq!(got.docs.len(), 1);
        assert_eq!(got.diags[0].kind, DiagnosticKind::InvalidUtf8);
        assert_eq!(got.diags[0].byte_offset, Some(24));
        match &got.docs[0].text {
            TextLoc::Owned(s) => assert_eq!(&**s, "caf\u{fffd} ok"),
            _ => panic!("lossy text is owned"),
        }
    }

    #[test]
    fn oversized_lines_are_skipped() {
        let opts = LoadOptions { max_doc_bytes: 10, ..LoadOptions::default() };
        let got =
            parse(b"{\"text\": \"a long line of text\"}\n", "f.jsonl", &opts);
        assert!(got.docs.is_empty());
        assert_eq!(got.diags[0].kind, DiagnosticKind::TooLarge);
    }
}
