//! The crate's one error type.
//!
//! Errors that stop a run are [`Error`]s. Problems with single records in a
//! large corpus (a malformed JSON line, an unreadable file inside a folder)
//! are not errors: they become [`crate::Diagnostic`]s, the run goes on, and
//! the exit code says that something was skipped.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A convenient alias for results with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// An error from reading input, validating a configuration or writing a
/// report.
///
/// `Display` is complete on its own: it names the file (and the line, where
/// there is one) and says what went wrong. Print `{err}`; there is no need
/// to walk the `source()` chain.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
    line: Option<u64>,
}

/// What kind of error happened.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An I/O error, such as a missing file or a closed pipe.
    Io(io::Error),
    /// A configuration value that is out of range or inconsistent.
    InvalidConfig(String),
    /// Input that cannot be used, for example a malformed record when
    /// `--strict` is set, or a truth file of an unknown shape.
    InvalidInput(String),
    /// The inputs held no document at all.
    NoDocuments,
}

impl Error {
    /// Creates an error of the given kind, without a path.
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind, path: None, line: None }
    }

    /// An [`ErrorKind::InvalidConfig`] error.
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidConfig(message.into()))
    }

    /// An [`ErrorKind::InvalidInput`] error.
    pub fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput(message.into()))
    }

    /// Attaches the path the error is about.
    pub fn with_path(mut self, path: impl AsRef<Path>) -> Error {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Attaches a 1-based line number within the path.
    pub fn with_line(mut self, line: u64) -> Error {
        self.line = Some(line);
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The file the error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The 1-based line within [`Error::path`], if known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// True when writing to a closed pipe failed, as in `rehash … | head`.
    /// That is not a failure of the run.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&self.kind, ErrorKind::Io(e)
            if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ref path) = self.path {
            write!(f, "{}: ", path.display())?;
        }
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match self.kind {
            ErrorKind::Io(ref err) => write!(f, "{}", io_message(err)),
            ErrorKind::InvalidConfig(ref msg) => {
                write!(f, "invalid configuration: {msg}")
            }
            ErrorKind::InvalidInput(ref msg) => write!(f, "{msg}"),
            ErrorKind::NoDocuments => write!(
                f,
                "no documents to scan (every input was empty, \
                 unreadable or skipped)"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind {
            ErrorKind::Io(ref err) => Some(err),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Error {
        Error::new(ErrorKind::Io(err))
    }
}

/// The text of an I/O error without the "(os error N)" suffix, lowercased
/// at the start, as in every other message of ours.
pub(crate) fn io_message(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_path_and_line() {
        let err = Error::input("not a JSON object").with_path("a.jsonl");
        assert_eq!(err.to_string(), "a.jsonl: not a JSON object");
        let err = err.with_line(7);
        assert_eq!(err.to_string(), "a.jsonl: line 7: not a JSON object");
    }

    #[test]
    fn io_errors_read_like_ours() {
        let io = io::Error::new(io::ErrorKind::NotFound, "No such file");
        let err = Error::from(io).with_path("x.txt");
        assert_eq!(err.to_string(), "x.txt: no such file");
        let os = io::Error::from_raw_os_error(2);
        assert!(!io_message(&os).contains("os error"));
    }

    #[test]
    fn broken_pipe_is_recognised() {
        let err = Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(err.is_broken_pipe());
        assert!(!Error::config("x").is_broken_pipe());
    }
}
