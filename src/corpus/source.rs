//! Where documents come from: paths, folders walked in sorted order,
//! standard input; files read or memory-mapped.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Action, Diagnostic, DiagnosticKind};
use crate::error::io_message;

/// One input as given by the user.
#[derive(Clone, Debug, Eq, PartialEq, Hash)]
pub enum Input {
    /// A file, or a folder to walk recursively.
    Path(PathBuf),
    /// Standard input, `-` on the command line.
    Stdin,
}

impl Input {
    /// `-` is standard input; anything else is a path.
    pub fn from_arg(arg: impl Into<PathBuf>) -> Input {
        let path = arg.into();
        if Input::is_stdin(&path) { Input::Stdin } else { Input::Path(path) }
    }

    /// True for `-`, which names standard input (or, for an output,
    /// standard output) wherever rehash takes a file.
    pub fn is_stdin(arg: &Path) -> bool {
        arg.as_os_str() == "-"
    }
}

/// Whether files may be memory-mapped.
///
/// Mapping avoids copying large files into memory, but a mapped file that
/// another process truncates or changes while rehash runs may crash it or
/// corrupt its results. That is why the mapping choice is `unsafe` to
/// make.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct MmapChoice {
    enabled: bool,
}

impl MmapChoice {
    /// Map files of at least [`MMAP_MIN_BYTES`] bytes; read the rest.
    ///
    /// # Safety
    ///
    /// No file may change or shrink while the corpus that maps it is alive.
    #[allow(unsafe_code)]
    pub unsafe fn auto() -> MmapChoice {
        MmapChoice { enabled: true }
    }

    /// Read every file. The default.
    pub fn never() -> MmapChoice {
        MmapChoice { enabled: false }
    }

    /// True when mapping is allowed.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }
}

/// Files smaller than this are read even when mapping is allowed: mapping
/// costs a system call and page faults that a small read does not.
pub const MMAP_MIN_BYTES: u64 = 1 << 20;

/// The bytes of one file, owned or mapped.
#[derive(Debug)]
pub(crate) enum Data {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl AsRef<[u8]> for Data {
    fn as_ref(&self) -> &[u8] {
        match self {
            Data::Owned(v) => v,
            Data::Mapped(m) => m,
        }
    }
}

/// A file found among the inputs, not yet read.
#[derive(Clone, Debug)]
pub(crate) enum Entry {
    File { path: PathBuf, name: String },
    Stdin,
}

impl Entry {
    /// How the file is named in ids and messages: the path as given, or
    /// as found under a folder that was given.
    pub(crate) fn name(&self) -> &str {
        match self {
            Entry::File { name, .. } => name,
            Entry::Stdin => "<stdin>",
        }
    }

    /// The file's path; `None` for standard input.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Entry::File { path, .. } => Some(path),
            Entry::Stdin => None,
        }
    }
}

/// Expands inputs into files: folders are walked recursively, each
/// folder's entries in sorted order, without hidden ones (names that
/// start with `.`) unless `hidden`. Missing paths and unreadable folders
/// become diagnostics.
pub(crate) fn expand(
    inputs: &[Input],
    hidden: bool,
) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => entries.push(Entry::Stdin),
            Input::Path(path) => {
                let name = path.display().to_string();
                match fs::metadata(path) {
                    Ok(meta) if meta.is_dir() => {
                        let mut walk = Walk { hidden, seen: Vec::new() };
                        walk.dir(path, &mut entries, &mut diags);
                    }
                    Ok(_) => {
                        entries.push(Entry::File { path: path.clone(), name })
                    }
                    Err(err) if err.kind() == io::ErrorKind::NotFound => {
                        diags.push(Diagnostic::file(
                            name,
                            DiagnosticKind::Missing,
                            Action::Skipped,
                            "no such file or folder",
                        ));
                    }
                    Err(err) => diags.push(unreadable(name, &err)),
                }
            }
        }
    }
    (entries, diags)
}

/// A recursive walk of folders.
struct Walk {
    /// Whether hidden entries are read.
    hidden: bool,
    /// The folders being walked, canonical: a symlink back to an ancestor
    /// would otherwise walk forever.
    seen: Vec<PathBuf>,
}

impl Walk {
    fn dir(
        &mut self,
        dir: &Path,
        entries: &mut Vec<Entry>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if let Ok(canonical) = fs::canonicalize(dir) {
            if self.seen.contains(&canonical) {
                return;
            }
            self.seen.push(canonical);
        }
        let read = match fs::read_dir(dir) {
            Ok(read) => read,
            Err(err) => {
                diags.push(unreadable(dir.display().to_string(), &err));
                return;
            }
        };
        let mut children: Vec<PathBuf> = Vec::new();
        let mut hidden = 0usize;
        for entry in read {
            match entry {
                Ok(entry) if !self.hidden && is_hidden(&entry.file_name()) => {
                    hidden += 1
                }
                Ok(entry) => children.push(entry.path()),
                Err(err) => {
                    diags.push(unreadable(dir.display().to_string(), &err))
                }
            }
        }
        if children.is_empty() {
            let message = match hidden {
                0 => "folder holds no files".to_string(),
                n => format!(
                    "folder holds no files, only {n} hidden (names that start with `.`; --hidden reads them)"
                ),
            };
            diags.push(Diagnostic::file(
                dir.display().to_string(),
                DiagnosticKind::EmptyFolder,
                Action::Skipped,
                message,
            ));
            self.seen.pop();
            return;
        }
        children.sort();
        for child in children {
            match fs::metadata(&child) {
                Ok(meta) if meta.is_dir() => self.dir(&child, entries, diags),
                Ok(meta) if meta.is_file() => {
                    let name = child.display().to_string();
                    entries.push(Entry::File { path: child, name });
                }
                // Sockets, FIFOs and devices inside a folder are not
                // documents.
                Ok(_) => {}
                Err(err) => {
                    diags.push(unreadable(child.display().to_string(), &err))
                }
            }
        }
        self.seen.pop();
    }
}

/// True for a hidden file or folder name: one that starts with `.`.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

pub(crate) fn unreadable(name: String, err: &io::Error) -> Diagnostic {
    Diagnostic::file(
        name,
        DiagnosticKind::Unreadable,
        Action::Skipped,
        io_message(err),
    )
}

/// Reads (or maps) one file's bytes.
pub(crate) fn read(entry: &Entry, mmap: MmapChoice) -> io::Result<Data> {
    match entry {
        Entry::Stdin => {
            let mut buf = Vec::new();
            io::stdin().lock().read_to_end(&mut buf)?;
            Ok(Data::Owned(buf))
        }
        Entry::File { path, .. } => {
            let mut file = File::open(path)?;
            let len = file.metadata()?.len();
            if mmap.is_enabled() && len >= MMAP_MIN_BYTES {
                if let Ok(map) = map_file(&file) {
                    return Ok(Data::Mapped(map));
                }
                // Some files (procfs, some network file systems) cannot be
                // mapped: reading them is the fallback, not an error.
            }
            let mut buf =
                Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.read_to_end(&mut buf)?;
            Ok(Data::Owned(buf))
        }
    }
}

#[allow(unsafe_code)]
fn map_file(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: the caller of `MmapChoice::auto` promised that the file does
    // not change while it is mapped.
    unsafe { memmap2::Mmap::map(file) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdin() {
        assert_eq!(Input::from_arg("-"), Input::Stdin);
        assert_eq!(Input::from_arg("a.txt"), Input::Path("a.txt".into()));
    }

    #[test]
    fn missing_paths_are_diagnostics() {
        let (entries, diags) =
            expand(&[Input::Path("/no/such/path/x".into())], false);
        assert!(entries.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].kind, DiagnosticKind::Missing);
        assert_eq!(
            diags[0].to_string(),
            "/no/such/path/x: no such file or folder (skipped)"
        );
    }
}
