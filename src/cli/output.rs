//! Where results and diagnostics go: stdout or an atomically replaced
//! file for results, stderr for everything else.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use rehash::corpus::Compression;
use rehash::{Diagnostic, Error, Result};

use super::ColorChoice;

/// Diagnostics printed to stderr before the rest are only counted; the
/// JSON report lists them all.
const MAX_PRINTED_DIAGNOSTICS: usize = 50;

pub fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = io::stderr().lock();
    for d in diags.iter().take(MAX_PRINTED_DIAGNOSTICS) {
        // A closed stderr leaves nowhere to complain to.
        let _ = writeln!(err, "rehash: {d}");
    }
    if diags.len() > MAX_PRINTED_DIAGNOSTICS {
        let _ = writeln!(
            err,
            "rehash: {} more problems not shown; --format json lists them all",
            diags.len() - MAX_PRINTED_DIAGNOSTICS
        );
    }
}

pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// Runs `write` on a buffered stdout, or on a temporary file next to
/// `path` that then replaces `path`, so that a reader never sees half a
/// report. A `path` that exists and is not a regular file (`/dev/null`, a
/// named pipe, a terminal) is written to directly: replacing it would put
/// a regular file where a device was.
pub fn write_to(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        let mut out = BufWriter::new(io::stdout().lock());
        return write(&mut out).map_err(Error::from);
    };
    let special =
        fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if special {
        let result = (|| -> io::Result<()> {
            let mut out =
                BufWriter::new(fs::OpenOptions::new().write(true).open(path)?);
            write(&mut out)?;
            out.flush()
        })();
        return result.map_err(|e| Error::from(e).with_path(path));
    }
    let tmp = temp_path(path);
    let result = (|| -> io::Result<()> {
        let file = fs::File::create(&tmp)?;
        let mut out = BufWriter::new(Syncing::new(file));
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.finish()?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::from(err).with_path(path));
    }
    Ok(())
}

/// Bytes written between syncs started in the background: few enough
/// that the last sync is short, many enough that a sync is more than its
/// fixed cost. 4 and 16 MiB measured the same on `c100k`.
const SYNC_EVERY: u64 = 4 << 20;

/// A file that syncs what has been written so far on a thread of its own
/// after every [`SYNC_EVERY`] bytes, so that the sync before the rename
/// that publishes a report waits for the last part only: formatting runs
/// on the CPU while the disk syncs. Writing the 100 MB report of `c100k`
/// of `../shared/bench` (`--no-passages`) took 0.50–0.61 s with one sync
/// at the end, and 0.39–0.47 s this way.
struct Syncing {
    file: fs::File,
    unsynced: u64,
    syncer: Syncer,
}

/// Whether a thread syncs in the background.
enum Syncer {
    /// Not yet: no sync was asked for.
    Idle,
    /// It runs; `ask` asks it for a sync.
    Running {
        ask: std::sync::mpsc::SyncSender<()>,
        thread: std::thread::JoinHandle<io::Result<()>>,
    },
    /// No file handle or thread could be had for it.
    Unavailable,
}

impl Syncing {
    fn new(file: fs::File) -> Syncing {
        Syncing { file, unsynced: 0, syncer: Syncer::Idle }
    }

    /// Asks for a sync of what is written; one is asked for while another
    /// runs only once. Without a thread to sync on (no file handle or
    /// thread to spare), nothing is synced before the end.
    fn ask(&mut self) {
        if let Syncer::Idle = self.syncer {
            let spawn = |file: fs::File| {
                let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
                let thread = std::thread::Builder::new()
                    .name("rehash-sync".into())
                    .spawn(move || {
                        asked.iter().try_for_each(|()| file.sync_data())
                    })?;
                Ok::<_, io::Error>(Syncer::Running { ask, thread })
            };
            self.syncer = self
                .file
                .try_clone()
                .and_then(spawn)
                .unwrap_or(Syncer::Unavailable);
        }
        if let Syncer::Running { ask, .. } = &self.syncer {
            // Full: a sync is asked for already, and covers this too.
            // Disconnected: the thread stopped on an error, which
            // `finish` reports.
            let _ = ask.try_send(());
        }
    }

    /// Waits for the syncs asked for, and returns the file or the first
    /// error a sync met.
    fn finish(self) -> io::Result<fs::File> {
        if let Syncer::Running { ask, thread } = self.syncer {
            drop(ask);
            thread
                .join()
                .map_err(|_| io::Error::other("sync thread panicked"))??;
        }
        Ok(self.file)
    }
}

impl Write for Syncing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= SYNC_EVERY {
            self.unsynced = 0;
            self.ask();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.rehash-{}.tmp", std::process::id()))
}

/// Runs `write` on `w`, through a compressor when asked, and finishes the
/// compressed stream.
pub fn compressed<T>(
    w: &mut dyn Write,
    compression: Option<Compression>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<T> {
    match compression {
        None => write(w),
        Some(Compression::Gzip) => {
            let mut enc = flate2::write::GzEncoder::new(
                w,
                flate2::Compression::default(),
            );
            let out = write(&mut enc)?;
            enc.finish()?;
            Ok(out)
        }
        Some(Compression::Zstd) => {
            let mut enc = zstd::Encoder::new(w, 3)?;
            let out = write(&mut enc)?;
            enc.finish()?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_larger_than_a_sync_is_written_whole() {
        let dir = std::env::temp_dir()
            .join(format!("rehash-output-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.jsonl");
        // Lines of uneven length, past several syncs.
        let lines: Vec<String> = (0..200_000)
            .map(|i| {
                format!("{{\"n\":{i},\"pad\":\"{}\"}}\n", "x".repeat(i % 97))
            })
            .collect();
        let total: usize = lines.iter().map(String::len).sum();
        assert!(total as u64 > 3 * SYNC_EVERY, "{total} bytes");
        write_to(Some(&path), |w| {
            lines.iter().try_for_each(|l| w.write_all(l.as_bytes()))
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), lines.concat());
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        fs::remove_dir_all(&dir).unwrap();
    }
}
