//! Truth files: JSON Lines in one of four shapes, told apart by the fields
//! of their records; and gold texts. Like the report eval scores, each
//! may be `-`, standard input, which errors name `<stdin>`.

use std::path::Path;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::corpus::Input;
use crate::error::{Error, Result};

/// A labelled pair of documents.
#[derive(Clone, Debug, Eq, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairLabel {
    /// One document's id.
    #[serde(deserialize_with = "id")]
    pub a: String,
    /// The other's.
    #[serde(deserialize_with = "id")]
    pub b: String,
    /// `dup` or `nondup`; also `true` or `false`, `1` or `0`, as labelled
    /// sets (MRPC's own files, QQP, PAWS) often write it.
    pub label: PairClass,
}

/// The label of a pair.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum PairClass {
    /// The two are duplicates (or paraphrases).
    Dup,
    /// They are not.
    NonDup,
}

impl<'de> Deserialize<'de> for PairClass {
    fn deserialize<D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        match raw.get() {
            "\"dup\"" | "true" | "1" | "\"1\"" => Ok(PairClass::Dup),
            "\"nondup\"" | "false" | "0" | "\"0\"" => Ok(PairClass::NonDup),
            other => Err(D::Error::custom(format!(
                "label {other} is not \"dup\" or \"nondup\" (nor true or \
                 false, 1 or 0)"
            ))),
        }
    }
}

/// A document id in a truth file, read as the corpus reader reads a
/// record's (a string, or a number as its JSON text: `7` names the
/// record whose id is `7`). An empty id or `null`, which no record has,
/// is an error.
fn id<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<String, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    match crate::corpus::id_string(&raw) {
        Ok(Some(id)) => Ok(id),
        Ok(None) => {
            Err(D::Error::custom(format!("id {} names no record", raw.get())))
        }
        Err(()) => Err(D::Error::custom(format!(
            "id {} is neither a string nor a number",
            raw.get()
        ))),
    }
}

/// A document's cluster.
#[derive(Clone, Debug, Eq, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterLabel {
    /// The document's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Its cluster's name.
    pub cluster: String,
}

/// A labelled byte span of a document.
#[derive(Clone, Debug, Eq, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanLabel {
    /// The document's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Byte offset of the span.
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// `content` or `boilerplate`.
    pub label: SpanClass,
}

/// The label of a span.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanClass {
    /// The page's own text.
    Content,
    /// Navigation, footers, ads and the like.
    Boilerplate,
}

/// A true passage: a span of `a` that a span of `b` copies or rewrites.
#[derive(Clone, Debug, Eq, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassageCase {
    /// The source document.
    #[serde(deserialize_with = "id")]
    pub a: String,
    /// Byte offset in `a`.
    pub a_start: usize,
    /// End in `a`.
    pub a_end: usize,
    /// The document that reuses it (may be `a`).
    #[serde(deserialize_with = "id")]
    pub b: String,
    /// Byte offset in `b`.
    pub b_start: usize,
    /// End in `b`.
    pub b_end: usize,
}

/// A page's gold main text, for [`read_gold`].
#[derive(Clone, Debug, Eq, PartialEq, Deserialize)]
pub struct GoldText {
    /// The document's id.
    pub id: String,
    /// The text a perfect extractor would keep.
    pub text: String,
}

/// The name errors give `path`: `<stdin>` for `-`.
pub(crate) fn shown(path: &Path) -> &Path {
    if Input::is_stdin(path) { Path::new("<stdin>") } else { path }
}

/// The text of `path`, or with `-` of standard input.
fn read_text(path: &Path) -> Result<String> {
    let text = if Input::is_stdin(path) {
        std::io::read_to_string(std::io::stdin().lock())
    } else {
        std::fs::read_to_string(path)
    };
    text.map_err(|e| Error::from(e).with_path(shown(path)))
}

/// Reads a gold-text file: JSON Lines of `{"id", "text"}`; `-` reads
/// standard input.
///
/// # Errors
///
/// An unreadable file or a line that is not such a record, named by line.
pub fn read_gold(path: &Path) -> Result<Vec<GoldText>> {
    let text = read_text(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(line).map_err(|e| {
            let msg = e.to_string();
            let msg =
                msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Error::input(format!("not a gold text record {{id, text}}: {msg}"))
                .with_line(i as u64 + 1)
                .with_path(shown(path))
        })?;
        out.push(record);
    }
    Ok(out)
}

/// The contents of a truth file.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Truth {
    /// Labelled pairs.
    Pairs(Vec<PairLabel>),
    /// Cluster memberships.
    Clusters(Vec<ClusterLabel>),
    /// Labelled spans.
    Spans(Vec<SpanLabel>),
    /// True passages.
    Passages(Vec<PassageCase>),
}

impl Truth {
    /// The shape's name: `pairs`, `clusters`, `spans` or `passages`.
    pub fn shape(&self) -> &'static str {
        match self {
            Truth::Pairs(_) => "pairs",
            Truth::Clusters(_) => "clusters",
            Truth::Spans(_) => "spans",
            Truth::Passages(_) => "passages",
        }
    }
}

/// Reads a truth file (`-` reads standard input). The first record
/// decides the shape; every record must have it.
///
/// # Errors
///
/// An unreadable file, a line that is not a record of the shape (named by
/// line number), a span that ends before it starts, or a file without
/// records (whose shape is unknown).
pub fn read(path: &Path) -> Result<Truth> {
    let text = read_text(path)?;
    parse(&text).map_err(|e| e.with_path(shown(path)))
}

/// Parses the text of a truth file; see [`read`].
pub fn parse(text: &str) -> Result<Truth> {
    let lines: Vec<(u64, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(first_no, first)) = lines.first() else {
        return Err(Error::input("truth file has no records"));
    };
    let value: serde_json::Value =
        serde_json::from_str(first).map_err(|e| {
            Error::input(format!("not JSON: {e}")).with_line(first_no)
        })?;
    let has = |k: &str| value.get(k).is_some();
    fn all<T: serde::de::DeserializeOwned>(
        lines: &[(u64, &str)],
        shape: &str,
    ) -> Result<Vec<T>> {
        lines
            .iter()
            .map(|&(no, l)| {
                serde_json::from_str(l).map_err(|e| {
                    let msg = e.to_string();
                    let msg = msg.split(" at line ").next().unwrap_or(&msg);
                    let what = match e.classify() {
                        Category::Syntax | Category::Eof => {
                            format!("not JSON: {msg} at column {}", e.column())
                        }
                        _ => format!("not a {shape} record: {msg}"),
                    };
                    Error::input(what).with_line(no)
                })
            })
            .collect()
    }
    let truth = if has("a_start") {
        Truth::Passages(all(&lines, "passage")?)
    } else if has("a") && has("b") {
        Truth::Pairs(all(&lines, "pair")?)
    } else if has("cluster") {
        Truth::Clusters(all(&lines, "cluster")?)
    } else if has("start") {
        Truth::Spans(all(&lines, "span")?)
    } else {
        let hint = if has("text") {
            " (a gold text file goes with --gold-text)"
        } else {
            ""
        };
        return Err(Error::input(format!(
            "unknown truth shape: expected pairs {{a, b, label}}, clusters {{id, cluster}}, \
             spans {{id, start, end, label}} or passages {{a, a_start, a_end, b, b_start, b_end}}{hint}"
        ))
        .with_line(first_no));
    };
    let bad_span = match &truth {
        Truth::Spans(s) => s.iter().position(|s| s.end < s.start),
        Truth::Passages(p) => {
            p.iter().position(|p| p.a_end < p.a_start || p.b_end < p.b_start)
        }
        _ => None,
    };
    if let Some(i) = bad_span {
        return Err(
            Error::input("span ends before it starts").with_line(lines[i].0)
        );
    }
    Ok(truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised() {
        let t = parse("{\"a\": \"1\", \"b\": \"2\", \"label\": \"dup\"}\n")
            .unwrap();
        assert_eq!(t.shape(), "pairs");
        let t = parse("{\"id\": \"x\", \"cluster\": \"c\"}").unwrap();
        assert_eq!(t.shape(), "clusters");
        let t = parse("\n{\"id\": \"x\", \"start\": 0, \"end\": 4, \"label\": \"boilerplate\"}\n").unwrap();
        assert_eq!(t.shape(), "spans");
        let t = parse("{\"a\": \"x\", \"a_start\": 0, \"a_end\": 4, \"b\": \"y\", \"b_start\": 1, \"b_end\": 2}").unwrap();
        assert_eq!(t.shape(), "passages");
    }

    #[test]
    fn pair_labels_and_ids_take_the_usual_forms() {
        let t = parse(
            "{\"a\": 7, \"b\": \"x\", \"label\": 1}\n\
             {\"a\": -2, \"b\": 3.5, \"label\": false}\n\
             {\"a\": \"7\", \"b\": \"y\", \"label\": \"0\"}\n\
             {\"a\": \"p\", \"b\": \"q\", \"label\": true}",
        )
        .unwrap();
        let Truth::Pairs(pairs) = t else { panic!("{t:?}") };
        let got: Vec<(&str, &str, PairClass)> = pairs
            .iter()
            .map(|p| (p.a.as_str(), p.b.as_str(), p.label))
            .collect();
        use PairClass::{Dup, NonDup};
        assert_eq!(
            got,
            [
                ("7", "x", Dup),
                ("-2", "3.5", NonDup),
                ("7", "y", NonDup),
                ("p", "q", Dup)
            ]
        );
        let err = parse("{\"id\": \"\", \"cluster\": \"c\"}").unwrap_err();
        assert!(
            err.to_string().starts_with(
                "line 1: not a cluster record: id \"\" names no record"
            ),
            "{err}"
        );
        let t = parse("{\"id\": 12, \"cluster\": \"c\"}").unwrap();
        assert_eq!(
            t,
            Truth::Clusters(vec![ClusterLabel {
                id: "12".into(),
                cluster: "c".into()
            }])
        );
    }

    #[test]
    fn bad_records_are_named_by_line() {
        let err = parse("{\"a\": \"1\", \"b\": \"2\", \"label\": \"dup\"}\n\n{\"a\": \"1\", \"b\": \"2\", \"label\": \"maybe\"}").unwrap_err();
        assert!(
            err.to_string().starts_with(
                "line 3: not a pair record: label \"maybe\" is not \"dup\" or \"nondup\""
            ),
            "{err}"
        );
        let err =
            parse("{\"a\": \"1\", \"b\": [2], \"label\": 1}").unwrap_err();
        assert!(
            err.to_string().starts_with(
                "line 1: not a pair record: id [2] is neither a string nor a number"
            ),
            "{err}"
        );
        // A line that is not JSON says so, and where.
        let err = parse(
            "{\"a\": \"1\", \"b\": \"2\", \"label\": \"dup\"}\nnot json",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: not JSON: expected ident at column 2"
        );
        let err = parse(
            "{\"a\": \"1\", \"b\": \"2\", \"label\": \"dup\"}\n{\"a\": \"1\"",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("line 2: not JSON: EOF"), "{err}");
        let err = parse("").unwrap_err();
        assert_eq!(err.to_string(), "truth file has no records");
        let err = parse("{\"x\": 1}").unwrap_err();
        assert!(
            err.to_string().starts_with("line 1: unknown truth shape"),
            "{err}"
        );
        let err = parse("{\"id\": \"x\", \"start\": 5, \"end\": 4, \"label\": \"content\"}").unwrap_err();
        assert_eq!(err.to_string(), "line 1: span ends before it starts");
    }
}
