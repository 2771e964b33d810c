//! Per-record problems: reported, counted, never fatal unless `--strict`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What went wrong with one input record or file.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A path could not be opened or read.
    Unreadable,
    /// A path named on the command line does not exist.
    Missing,
    /// A folder held no files.
    EmptyFolder,
    /// A gzip or zstd stream is corrupt or truncated.
    Decompress,
    /// A file has NUL bytes, so it is not text.
    Binary,
    /// A document or JSON line is larger than the configured limit.
    TooLarge,
    /// A JSON line is not a JSON object.
    InvalidJson,
    /// A JSON record has no text field, or it is not a string.
    MissingText,
    /// A JSON record's id field is neither a string nor a number, so the
    /// record got a `PATH:LINE` id instead.
    InvalidId,
    /// A record's id is the id of an earlier record of its file too, so
    /// the record got its `PATH:LINE` id instead (with `#2`, `#3`… if that
    /// is taken).
    DuplicateId,
    /// A document has no words at all.
    Empty,
    /// Bytes that are not UTF-8. The document is kept: the bad bytes
    /// separate words and keep their offsets.
    InvalidUtf8,
}

impl DiagnosticKind {
    /// True for problems that skip a whole file or path rather than one
    /// record.
    pub fn is_file_level(&self) -> bool {
        matches!(
            self,
            DiagnosticKind::Unreadable
                | DiagnosticKind::Missing
                | DiagnosticKind::Decompress
                | DiagnosticKind::Binary
        )
    }

    /// The snake_case name used in JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            DiagnosticKind::Unreadable => "unreadable",
            DiagnosticKind::Missing => "missing",
            DiagnosticKind::EmptyFolder => "empty_folder",
            DiagnosticKind::Decompress => "decompress",
            DiagnosticKind::Binary => "binary",
            DiagnosticKind::TooLarge => "too_large",
            DiagnosticKind::InvalidJson => "invalid_json",
            DiagnosticKind::MissingText => "missing_text",
            DiagnosticKind::InvalidId => "invalid_id",
            DiagnosticKind::DuplicateId => "duplicate_id",
            DiagnosticKind::Empty => "empty",
            DiagnosticKind::InvalidUtf8 => "invalid_utf8",
        }
    }
}

/// What happened to the records a diagnostic is about.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The record (or every record of the file) was left out of the scan
    /// and counted as skipped.
    Skipped,
    /// The record was scanned anyway, as described in the message.
    Kept,
}

/// One problem with the input, located as precisely as possible.
#[derive(Clone, Debug, Eq, PartialEq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file, as given or as found in a folder; `<stdin>` for standard
    /// input.
    pub path: String,
    /// The 1-based line, for JSON Lines input.
    pub line: Option<u64>,
    /// The byte offset in the (decompressed) file where the problem is.
    pub byte_offset: Option<u64>,
    /// What went wrong.
    pub kind: DiagnosticKind,
    /// What happened to the record.
    pub action: Action,
    /// A complete, lowercase sentence without a trailing period.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file.
    pub fn file(
        path: impl Into<String>,
        kind: DiagnosticKind,
        action: Action,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            path: path.into(),
            line: None,
            byte_offset: None,
            kind,
            action,
            message: message.into(),
        }
    }

    /// Sets the 1-based line.
    pub fn at_line(mut self, line: u64) -> Diagnostic {
        self.line = Some(line);
        self
    }

    /// Sets the byte offset.
    pub fn at_byte(mut self, offset: u64) -> Diagnostic {
        self.byte_offset = Some(offset);
        self
    }

    /// True when records were left out because of this problem.
    pub fn is_skip(&self) -> bool {
        self.action == Action::Skipped
    }
}

impl fmt::Display for Diagnostic {
    /// `path: line N: byte B: message`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Paths and messages may quote the input: shown as a terminal
        // should show them.
        let visible = crate::report::text::visible;
        write!(f, "{}: ", visible(&self.path))?;
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(offset) = self.byte_offset {
            write!(f, "byte {offset}: ")?;
        }
        write!(f, "{}", visible(&self.message))?;
        if self.is_skip() {
            write!(f, " (skipped)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_locates_the_problem() {
        let d = Diagnostic::file(
            "a.jsonl",
            DiagnosticKind::InvalidJson,
            Action::Skipped,
            "expected `:` at column 7",
        )
        .at_line(3);
        assert_eq!(
            d.to_string(),
            "a.jsonl: line 3: expected `:` at column 7 (skipped)"
        );
        let d = Diagnostic::file(
            "b.txt",
            DiagnosticKind::InvalidUtf8,
            Action::Kept,
            "invalid UTF-8",
        )
        .at_byte(17);
        assert_eq!(d.to_string(), "b.txt: byte 17: invalid UTF-8");
    }
}
