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
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::from(err).with_path(path));
    }
    Ok(())
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
