//! Reading documents: files, folders, JSON Lines, gzip and zstd, standard
//! input; memory-mapped or read.
//!
//! Documents get [`DocId`]s in input order: inputs as given, folders in
//! sorted path order, JSON Lines in line order. A [`Corpus`] holds the
//! input bytes (owned or mapped) and, per document, an id and where its
//! text lies. JSON-escaped text is decoded each time it is needed rather
//! than kept decoded, so a corpus costs little more memory than its files.
//!
//! Problems with single records become [`Diagnostic`]s and the record is
//! skipped (or, for invalid UTF-8, kept and decoded lossily): see
//! [`Corpus::diagnostics`].

mod decompress;
mod ids;
mod json_str;
mod jsonl;
mod source;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use self::decompress::Compression;
pub(crate) use self::jsonl::id_string;
use self::source::{Data, Entry};
pub use self::source::{Input, MMAP_MIN_BYTES, MmapChoice};
use crate::diagnostic::{Action, Diagnostic, DiagnosticKind};
use crate::error::{Error, Result};
use crate::normalize::is_word_char;

/// A document's position in input order.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
pub struct DocId(pub u32);

impl DocId {
    /// The position as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How files are interpreted.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, Hash)]
pub enum InputFormat {
    /// `.jsonl` and `.ndjson` files (also compressed, as `x.jsonl.gz`) are
    /// JSON Lines, other files are one document each. Standard input is
    /// JSON Lines when its first line is a JSON object.
    #[default]
    Auto,
    /// Every input is one document.
    Text,
    /// Every input is JSON Lines.
    Jsonl,
}

/// Options for reading a corpus. See [`CorpusBuilder`].
#[derive(Clone, Debug)]
pub(crate) struct LoadOptions {
    pub text_field: String,
    pub id_field: String,
    pub max_doc_bytes: u64,
    pub mmap: MmapChoice,
    pub format: InputFormat,
    pub strict: bool,
    pub hidden: bool,
}

/// The default limit on the size of one document (or JSON line).
pub const DEFAULT_MAX_DOC_BYTES: u64 = 64 << 20;

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            text_field: "text".into(),
            id_field: "id".into(),
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            mmap: MmapChoice::never(),
            format: InputFormat::Auto,
            strict: false,
            hidden: false,
        }
    }
}

/// Reads inputs into a [`Corpus`].
///
/// ```
/// use rehash::corpus::{CorpusBuilder, Input};
///
/// let dir = std::env::temp_dir().join("rehash-doc-corpus");
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("a.jsonl"), "{\"id\": \"x\", \"text\": \"hello world\"}\n")?;
/// let corpus = CorpusBuilder::new().build(&[Input::Path(dir.join("a.jsonl"))])?;
/// assert_eq!(corpus.len(), 1);
/// assert_eq!(corpus.id(rehash::DocId(0)), "x");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CorpusBuilder {
    opts: LoadOptions,
}

impl CorpusBuilder {
    /// A builder with the defaults below.
    pub fn new() -> CorpusBuilder {
        CorpusBuilder::default()
    }

    /// The JSON field that holds a record's text. By default, `text`.
    pub fn text_field(
        &mut self,
        name: impl Into<String>,
    ) -> &mut CorpusBuilder {
        self.opts.text_field = name.into();
        self
    }

    /// The JSON field that holds a record's id. By default, `id`. Records
    /// without one get `PATH:LINE`.
    pub fn id_field(&mut self, name: impl Into<String>) -> &mut CorpusBuilder {
        self.opts.id_field = name.into();
        self
    }

    /// Documents (or JSON lines) larger than this are skipped with a
    /// diagnostic. By default, [`DEFAULT_MAX_DOC_BYTES`] (64 MiB). At most
    /// `u32::MAX`.
    pub fn max_doc_bytes(&mut self, bytes: u64) -> &mut CorpusBuilder {
        self.opts.max_doc_bytes = bytes;
        self
    }

    /// Whether large files are memory-mapped. By default, they are read.
    pub fn mmap(&mut self, choice: MmapChoice) -> &mut CorpusBuilder {
        self.opts.mmap = choice;
        self
    }

    /// Whether folders' hidden files and folders (names that start with
    /// `.`, as `.git`) are read. By default, as in ripgrep, they are not;
    /// a hidden path given as an input is read all the same.
    pub fn hidden(&mut self, yes: bool) -> &mut CorpusBuilder {
        self.opts.hidden = yes;
        self
    }

    /// How files are interpreted. By default, [`InputFormat::Auto`].
    pub fn format(&mut self, format: InputFormat) -> &mut CorpusBuilder {
        self.opts.format = format;
        self
    }

    /// Turns the first per-record problem into an error. By default, off:
    /// problems are reported and the records skipped.
    pub fn strict(&mut self, yes: bool) -> &mut CorpusBuilder {
        self.opts.strict = yes;
        self
    }

    /// Reads every input. A corpus may end up empty; its diagnostics say
    /// why.
    ///
    /// # Errors
    ///
    /// An invalid option, or in strict mode the first problem with any
    /// record.
    pub fn build(&self, inputs: &[Input]) -> Result<Corpus> {
        let opts = &self.opts;
        if opts.text_field.is_empty() || opts.id_field.is_empty() {
            return Err(Error::config("field names must not be empty"));
        }
        if opts.max_doc_bytes == 0 || opts.max_doc_bytes > u64::from(u32::MAX)
        {
            return Err(Error::config(format!(
                "max_doc_bytes must be between 1 and {}",
                u32::MAX
            )));
        }
        if inputs.is_empty() {
            return Err(Error::config("no inputs given"));
        }
        // Each input expanded on its own, so that every file knows which
        // input it came from.
        let mut entries = Vec::new();
        let mut of_input = Vec::new();
        let mut diagnostics = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            let (found, diags) =
                source::expand(std::slice::from_ref(input), opts.hidden);
            of_input.extend(std::iter::repeat_n(i as u32, found.len()));
            entries.extend(found);
            diagnostics.extend(diags);
        }
        if opts.strict {
            if let Some(d) = diagnostics.first() {
                return Err(strict_error(d));
            }
        }
        let loaded: Vec<Loaded> =
            entries.par_iter().map(|e| load(e, opts)).collect();
        let mut corpus = Corpus {
            sources: Vec::with_capacity(loaded.len()),
            docs: Vec::new(),
            diagnostics: Vec::new(),
            records: 0,
        };
        // Each file's problems, and each document's line, until repeated
        // ids are known.
        let mut file_diags = Vec::with_capacity(loaded.len());
        let mut lines = Vec::new();
        for ((entry, file), input) in entries.iter().zip(loaded).zip(of_input)
        {
            let source =
                u32::try_from(corpus.sources.len()).map_err(|_| {
                    Error::input("more than 4 billion input files")
                })?;
            file_diags.push(file.diags);
            corpus.records += file.records;
            for doc in file.docs {
                let id =
                    doc.id.unwrap_or_else(|| fallback_id(entry, doc.line));
                corpus.docs.push(Document { id, source, text: doc.text });
                lines.push(doc.line);
            }
            corpus.sources.push(SourceFile {
                name: entry.name().to_string(),
                path: entry.path().map(Path::to_path_buf),
                input,
                data: file.data,
            });
        }
        if u32::try_from(corpus.docs.len()).is_err() {
            return Err(Error::input("more than 4 billion documents"));
        }
        let mut renamed = vec![Vec::new(); file_diags.len()];
        for (doc, diag) in corpus.rename_repeated_ids(&entries, &lines) {
            renamed[corpus.docs[doc].source as usize].push(diag);
        }
        // Problems come out grouped by file in input order, and by line
        // within a file, whatever the parallelism.
        for (diags, renamed) in file_diags.into_iter().zip(renamed) {
            diagnostics.extend(merge_by_line(diags, renamed));
        }
        if opts.strict {
            if let Some(d) = diagnostics.first() {
                return Err(strict_error(d));
            }
        }
        corpus.diagnostics = diagnostics;
        Ok(corpus)
    }
}

/// `found` with `more` (in order of line) put among them by line, after
/// those of the same line.
fn merge_by_line(
    found: Vec<Diagnostic>,
    more: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if more.is_empty() {
        return found;
    }
    let mut out = Vec::with_capacity(found.len() + more.len());
    let mut more = more.into_iter().peekable();
    for d in found {
        if let Some(line) = d.line {
            while let Some(m) =
                more.next_if(|m| m.line.is_some_and(|l| l < line))
            {
                out.push(m);
            }
        }
        out.push(d);
    }
    out.extend(more);
    out
}

/// The id of a record without one of its own: `PATH:LINE`, or the path
/// of a file that is one document.
fn fallback_id(entry: &Entry, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{}:{line}", entry.name()),
        None => entry.name().to_string(),
    }
}

fn strict_error(d: &Diagnostic) -> Error {
    // Said as the diagnostic would be: path, line, byte, message.
    let at = d.byte_offset.map(|b| format!("byte {b}: ")).unwrap_or_default();
    let mut err = Error::input(format!("{at}{} (--strict)", d.message))
        .with_path(&d.path);
    if let Some(line) = d.line {
        err = err.with_line(line);
    }
    err
}

/// Where a document's text lies.
#[derive(Clone, Debug)]
pub(crate) enum TextLoc {
    /// Raw bytes of the source, `[start, end)`.
    Raw { start: u64, end: u64 },
    /// A JSON string literal, quotes included, in the source.
    Json { start: u64, end: u64 },
    /// Text that exists only decoded (a lossily decoded JSON line).
    Owned(Box<str>),
}

/// One document: its id and where its text is.
#[derive(Clone, Debug)]
pub struct Document {
    id: String,
    source: u32,
    text: TextLoc,
}

#[derive(Debug)]
struct SourceFile {
    name: String,
    /// The file's path; `None` for standard input.
    path: Option<PathBuf>,
    /// Which of the inputs given to [`CorpusBuilder::build`] it came from.
    input: u32,
    data: Data,
}

/// Documents read from the inputs, in input order.
#[derive(Debug)]
pub struct Corpus {
    sources: Vec<SourceFile>,
    docs: Vec<Document>,
    diagnostics: Vec<Diagnostic>,
    records: u64,
}

impl Corpus {
    /// Gives each document whose id an earlier document has its
    /// [`fallback_id`] instead (see [`ids::rename_repeats`]); `lines` are
    /// the documents' lines. A repeat within one file is a problem of the
    /// input, said in a diagnostic. Across files it is a layout: shards
    /// numbered alike, a check's drafts and index, one file given twice;
    /// the new ids say which file a document is from.
    fn rename_repeated_ids(
        &mut self,
        entries: &[Entry],
        lines: &[Option<u64>],
    ) -> Vec<(usize, Diagnostic)> {
        let source_of: Vec<u32> = self.docs.iter().map(|d| d.source).collect();
        let source = |d: usize| source_of[d] as usize;
        let renamed =
            self.rename_ids(|d, _| fallback_id(&entries[source(d)], lines[d]));
        let name = |d: usize| self.sources[source(d)].name.as_str();
        renamed
            .into_iter()
            .filter(|r| source(r.previous) == source(r.doc))
            .map(|r| {
                let previous = match lines[r.previous] {
                    Some(line) => format!("line {line}"),
                    None => "the document before".to_string(),
                };
                let message = format!(
                    "id `{}` is also the id of {previous}; the record's id is {}",
                    r.id, self.docs[r.doc].id
                );
                let mut diag = Diagnostic::file(
                    name(r.doc),
                    DiagnosticKind::DuplicateId,
                    Action::Kept,
                    message,
                );
                diag.line = lines[r.doc];
                (r.doc, diag)
            })
            .collect()
    }

    /// Gives each document whose id an earlier one has a new id (see
    /// [`ids::rename_repeats`]).
    fn rename_ids(
        &mut self,
        fallback: impl Fn(usize, &str) -> String,
    ) -> Vec<ids::Renamed> {
        let mut ids: Vec<String> =
            self.docs.iter_mut().map(|d| std::mem::take(&mut d.id)).collect();
        let renamed = ids::rename_repeats(&mut ids, fallback);
        for (doc, id) in self.docs.iter_mut().zip(ids) {
            doc.id = id;
        }
        renamed
    }

    /// A corpus of in-memory documents `(id, text)`, as from a generator or
    /// a test. Documents without words are skipped with a diagnostic.
    pub fn from_texts<I, S, T>(docs: I) -> Corpus
    where
        I: IntoIterator<Item = (S, T)>,
        S: Into<String>,
        T: Into<String>,
    {
        let mut corpus = Corpus {
            sources: Vec::new(),
            docs: Vec::new(),
            diagnostics: Vec::new(),
            records: 0,
        };
        for (id, text) in docs {
            let (id, text) = (id.into(), text.into());
            corpus.records += 1;
            if !has_word(text.as_bytes()) {
                corpus.diagnostics.push(Diagnostic::file(
                    id,
                    DiagnosticKind::Empty,
                    Action::Skipped,
                    "document has no words",
                ));
                continue;
            }
            corpus.docs.push(Document {
                id,
                source: u32::MAX,
                text: TextLoc::Owned(text.into()),
            });
        }
        // A repeated id gets `#2`, `#3`…: there is no path or line.
        let renamed = corpus.rename_ids(|_, id| id.to_string());
        corpus.diagnostics.extend(renamed.into_iter().map(|r| {
            Diagnostic::file(
                r.id.clone(),
                DiagnosticKind::DuplicateId,
                Action::Kept,
                format!(
                    "id `{}` is also the id of an earlier document; the document's id is {}",
                    r.id, corpus.docs[r.doc].id
                ),
            )
        }));
        corpus
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when there are no documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Every document id, in order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = DocId> + use<> {
        (0..self.docs.len() as u32).map(DocId)
    }

    /// The id of a document: from its record, or `PATH:LINE`, or the path.
    pub fn id(&self, doc: DocId) -> &str {
        &self.docs[doc.index()].id
    }

    /// The name of the file a document came from.
    pub fn source_name(&self, doc: DocId) -> &str {
        let source = self.docs[doc.index()].source;
        self.sources.get(source as usize).map_or("", |s| s.name.as_str())
    }

    /// The path of the file a document came from; `None` for standard
    /// input and for documents made by [`Corpus::from_texts`].
    pub fn source_path(&self, doc: DocId) -> Option<&Path> {
        let source = self.docs[doc.index()].source;
        self.sources.get(source as usize).and_then(|s| s.path.as_deref())
    }

    /// True when `path` is one of the files the corpus was read from, so
    /// that writing it would replace an input. A path that is not an
    /// existing regular file (a new report, `/dev/null`) is none; the
    /// others are compared with every input file, links followed: by
    /// device and inode where there are such (one `stat` a file, on all
    /// threads), else by canonical path.
    pub fn reads(&self, path: &Path) -> bool {
        let Ok(target) = std::fs::metadata(path) else {
            return false;
        };
        if !target.is_file() {
            return false;
        }
        #[cfg(unix)]
        let same = {
            use std::os::unix::fs::MetadataExt;
            let id = (target.dev(), target.ino());
            move |p: &Path| {
                std::fs::metadata(p).is_ok_and(|m| (m.dev(), m.ino()) == id)
            }
        };
        #[cfg(not(unix))]
        let same = {
            let target = std::fs::canonicalize(path).ok();
            move |p: &Path| std::fs::canonicalize(p).ok() == target
        };
        self.sources.par_iter().filter_map(|s| s.path.as_deref()).any(same)
    }

    /// Which of the inputs given to [`CorpusBuilder::build`] a document came
    /// from, as an index into them; `None` for documents made by
    /// [`Corpus::from_texts`].
    pub fn input(&self, doc: DocId) -> Option<usize> {
        let source = self.docs[doc.index()].source;
        self.sources.get(source as usize).map(|s| s.input as usize)
    }

    /// The text of a document: its file's bytes, or its JSON field decoded.
    /// Byte offsets everywhere in rehash point into this text.
    ///
    /// The bytes are UTF-8 except where a text file had invalid bytes
    /// (reported as [`DiagnosticKind::InvalidUtf8`]).
    pub fn text(&self, doc: DocId) -> Cow<'_, [u8]> {
        self.text_prefix(doc, usize::MAX)
    }

    /// The start of a document's text that holds at least its first `len`
    /// bytes (all of it when it is shorter): [`Corpus::text`] without
    /// decoding the rest of a JSON text.
    pub fn text_prefix(&self, doc: DocId, len: usize) -> Cow<'_, [u8]> {
        let doc = &self.docs[doc.index()];
        let data = || self.sources[doc.source as usize].data.as_ref();
        match doc.text {
            TextLoc::Raw { start, end } => {
                Cow::Borrowed(&data()[start as usize..end as usize])
            }
            TextLoc::Json { start, end } => json_str::decode_prefix(
                &data()[start as usize..end as usize],
                len,
            ),
            TextLoc::Owned(ref s) => Cow::Borrowed(s.as_bytes()),
        }
    }

    /// For a document read from a JSON Lines record: the record's line as
    /// it is in the input (without its line break), and where in it the
    /// text field's string literal lies, quotes included. `None` for other
    /// documents, and for records whose line was not valid UTF-8 (their
    /// text was decoded lossily).
    pub fn json_record(
        &self,
        doc: DocId,
    ) -> Option<(&[u8], std::ops::Range<usize>)> {
        let doc = &self.docs[doc.index()];
        let TextLoc::Json { start, end } = doc.text else {
            return None;
        };
        let data = self.sources[doc.source as usize].data.as_ref();
        let (start, end) = (start as usize, end as usize);
        // The first line leaves out a byte order mark before it.
        let from = memchr::memrchr(b'\n', &data[..start])
            .map_or(data.len() - jsonl::without_bom(data).len(), |i| i + 1);
        let to = memchr::memchr(b'\n', &data[end..])
            .map_or(data.len(), |i| end + i);
        // A line ending in CR LF keeps its CR out.
        let to = if to > end && data[to - 1] == b'\r' { to - 1 } else { to };
        Some((&data[from..to], start - from..end - from))
    }

    /// Problems found while reading, grouped by file in input order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Records seen: documents plus records skipped. Every skipped record
    /// has a diagnostic.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Records that were skipped.
    pub fn skipped(&self) -> u64 {
        self.records.saturating_sub(self.docs.len() as u64)
    }

    /// Files (or paths) skipped as a whole (missing, unreadable, binary or
    /// corrupt), or from a break in their compressed stream on. Their
    /// unread records, unknown, are not in [`Corpus::records`].
    pub fn skipped_files(&self) -> u64 {
        self.diagnostics
            .iter()
            .filter(|d| {
                d.is_skip() && d.line.is_none() && d.kind.is_file_level()
            })
            .count() as u64
    }

    /// Total bytes of all documents' text.
    pub fn text_bytes(&self) -> u64 {
        self.docs
            .iter()
            .map(|d| match d.text {
                TextLoc::Raw { start, end } | TextLoc::Json { start, end } => {
                    end - start
                }
                TextLoc::Owned(ref s) => s.len() as u64,
            })
            .sum()
    }
}

/// True when `text` has at least one word character.
pub(crate) fn has_word(text: &[u8]) -> bool {
    if text.iter().any(u8::is_ascii_alphanumeric) {
        return true;
    }
    text.utf8_chunks().any(|c| c.valid().chars().any(is_word_char))
}

/// One file's documents and problems.
struct Loaded {
    data: Data,
    docs: Vec<PendingDoc>,
    diags: Vec<Diagnostic>,
    records: u64,
}

struct PendingDoc {
    id: Option<String>,
    line: Option<u64>,
    text: TextLoc,
}

/// Size of the prefix that is searched for NUL bytes to recognise binary
/// files, as in ripgrep and git.
const BINARY_PROBE_BYTES: usize = 8192;

fn load(entry: &Entry, opts: &LoadOptions) -> Loaded {
    let name = entry.name();
    let mut out = Loaded {
        data: Data::Owned(Vec::new()),
        docs: Vec::new(),
        diags: Vec::new(),
        records: 0,
    };
    let mut data = match source::read(entry, opts.mmap) {
        Ok(data) => data,
        Err(err) => {
            out.diags.push(source::unreadable(name.to_string(), &err));
            return out;
        }
    };
    // Where a compressed JSON Lines file breaks off, its whole lines
    // before the break are read, and the rest is reported lost.
    let mut cut_off = None;
    if let Some(format) = Compression::detect(data.as_ref()) {
        match decompress::decompress(data.as_ref(), format) {
            Ok(bytes) => data = Data::Owned(bytes),
            Err(err) => {
                let what = format!(
                    "corrupt {} stream: {}",
                    format.name(),
                    crate::error::io_message(&err.error)
                );
                let broke_at = err.decompressed_bytes();
                let mut partial = err.partial;
                let lines =
                    memchr::memrchr(b'\n', &partial).map_or(0, |i| i + 1);
                if lines == 0 || !is_jsonl(entry, &partial, opts.format) {
                    out.diags.push(
                        Diagnostic::file(
                            name,
                            DiagnosticKind::Decompress,
                            Action::Skipped,
                            format!("{what}; the whole file was skipped"),
                        )
                        .at_byte(broke_at),
                    );
                    return out;
                }
                partial.truncate(lines);
                let read = memchr::memchr_iter(b'\n', &partial).count();
                cut_off = Some(
                    Diagnostic::file(
                        name,
                        DiagnosticKind::Decompress,
                        Action::Skipped,
                        format!(
                            "{what} after {} decompressed bytes; its first {} \
                             were read, the rest of the file was skipped",
                            broke_at,
                            crate::report::text::count(read as u64, "line"),
                        ),
                    )
                    .at_byte(lines as u64),
                );
                data = Data::Owned(partial);
            }
        }
    }
    let bytes = data.as_ref();
    let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
    if let Some(nul) = memchr::memchr(0, probe) {
        out.diags.push(
            Diagnostic::file(
                name,
                DiagnosticKind::Binary,
                Action::Skipped,
                "binary file (NUL byte); UTF-16 and other non-text files are not read",
            )
            .at_byte(nul as u64),
        );
        return out;
    }
    if is_jsonl(entry, bytes, opts.format) {
        let parsed = jsonl::parse(bytes, name, opts);
        out.records = parsed.records;
        out.diags = parsed.diags;
        out.diags.extend(cut_off);
        out.docs = parsed
            .docs
            .into_iter()
            .map(|d| PendingDoc { id: d.id, line: Some(d.line), text: d.text })
            .collect();
    } else {
        out.records = 1;
        load_text(bytes, name, opts, &mut out);
    }
    out.data = data;
    out
}

fn load_text(bytes: &[u8], name: &str, opts: &LoadOptions, out: &mut Loaded) {
    if bytes.len() as u64 > opts.max_doc_bytes {
        out.diags.push(Diagnostic::file(
            name,
            DiagnosticKind::TooLarge,
            Action::Skipped,
            format!(
                "document of {} bytes is larger than the limit of {} bytes (--max-doc-bytes)",
                bytes.len(),
                opts.max_doc_bytes
            ),
        ));
        return;
    }
    if let Err(err) = std::str::from_utf8(bytes) {
        out.diags.push(
            Diagnostic::file(
                name,
                DiagnosticKind::InvalidUtf8,
                Action::Kept,
                "invalid UTF-8; the bad bytes are read as word separators",
            )
            .at_byte(err.valid_up_to() as u64),
        );
    }
    if !has_word(bytes) {
        out.diags.push(Diagnostic::file(
            name,
            DiagnosticKind::Empty,
            Action::Skipped,
            "document has no words",
        ));
        return;
    }
    out.docs.push(PendingDoc {
        id: None,
        line: None,
        text: TextLoc::Raw { start: 0, end: bytes.len() as u64 },
    });
}

fn is_jsonl(entry: &Entry, bytes: &[u8], format: InputFormat) -> bool {
    match format {
        InputFormat::Text => false,
        InputFormat::Jsonl => true,
        InputFormat::Auto => match entry {
            Entry::File { name, .. } => {
                let lower = name.to_ascii_lowercase();
                let stem = [".gz", ".zst", ".zstd"]
                    .iter()
                    .find_map(|ext| lower.strip_suffix(ext))
                    .unwrap_or(&lower);
                stem.ends_with(".jsonl") || stem.ends_with(".ndjson")
            }
            Entry::Stdin => {
                let bytes = jsonl::without_bom(bytes);
                let first = bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
                serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
                    && first.trim_ascii_start().starts_with(b"{")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_detected() {
        assert!(has_word(b"  a "));
        assert!(has_word("— ж —".as_bytes()));
        assert!(!has_word(" \n\t.,;— ".as_bytes()));
        assert!(!has_word(b""));
    }

    #[test]
    fn from_texts_numbers_repeated_ids() {
        let c =
            Corpus::from_texts([("a", "one"), ("b", "two"), ("a", "three")]);
        let ids: Vec<&str> = c.ids().map(|d| c.id(d)).collect();
        assert_eq!(ids, ["a", "b", "a#2"]);
        assert_eq!(c.diagnostics().len(), 1);
        let d = &c.diagnostics()[0];
        assert_eq!(
            (d.kind, d.action),
            (DiagnosticKind::DuplicateId, Action::Kept)
        );
        assert!(d.message.contains("a#2"), "{}", d.message);
    }

    #[test]
    fn from_texts_skips_empty_documents() {
        let corpus = Corpus::from_texts([
            ("a", "one two"),
            ("b", " ... "),
            ("c", "three"),
        ]);
        assert_eq!(corpus.len(), 2);
        assert_eq!(corpus.records(), 3);
        assert_eq!(corpus.skipped(), 1);
        assert_eq!(corpus.id(DocId(1)), "c");
        assert_eq!(&*corpus.text(DocId(1)), b"three");
        assert_eq!(
            (corpus.input(DocId(0)), corpus.source_path(DocId(0))),
            (None, None)
        );
    }

    #[test]
    fn documents_know_their_input_and_file() {
        let dir = std::env::temp_dir()
            .join(format!("rehash-corpus-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("folder")).unwrap();
        std::fs::write(dir.join("one.txt"), "first text").unwrap();
        std::fs::write(dir.join("folder/a.txt"), "second text").unwrap();
        std::fs::write(
            dir.join("folder/b.jsonl"),
            "{\"text\":\"x y\"}\n{\"text\":\"z\"}\n",
        )
        .unwrap();
        let inputs = [
            Input::Path(dir.join("one.txt")),
            Input::Path(dir.join("missing.txt")),
            Input::Path(dir.join("folder")),
        ];
        let corpus = CorpusBuilder::new().build(&inputs).unwrap();
        let got: Vec<(Option<usize>, Option<PathBuf>)> = corpus
            .ids()
            .map(|d| {
                (corpus.input(d), corpus.source_path(d).map(Path::to_path_buf))
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some(0), Some(dir.join("one.txt"))),
                (Some(2), Some(dir.join("folder/a.txt"))),
                (Some(2), Some(dir.join("folder/b.jsonl"))),
                (Some(2), Some(dir.join("folder/b.jsonl"))),
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
