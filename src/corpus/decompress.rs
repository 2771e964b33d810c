//! gzip and zstd: input is decompressed transparently, the format
//! detected by magic bytes rather than file names; output (`rehash clean
//! -o x.jsonl.zst`) names its format by extension.

use std::io::{self, Read};

/// A compression format rehash can read.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Compression {
    /// RFC 1952, including concatenated members (as `pigz` and `bgzip`
    /// write them).
    Gzip,
    /// Zstandard, including concatenated frames.
    Zstd,
}

impl Compression {
    /// The format whose magic bytes start `data`, if any.
    pub fn detect(data: &[u8]) -> Option<Compression> {
        if data.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// The format a file name asks for by its extension: `.gz` or
    /// `.zst`.
    pub fn from_extension(path: &std::path::Path) -> Option<Compression> {
        match path.extension()?.to_str()? {
            "gz" => Some(Compression::Gzip),
            "zst" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// The lowercase name used in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Why a stream could not be decompressed, and how far it got.
#[derive(Debug)]
pub struct DecompressError {
    /// The bytes decompressed before the error: what a caller may read of
    /// the file, saying that the rest is lost.
    pub partial: Vec<u8>,
    /// The underlying error.
    pub error: io::Error,
}

impl DecompressError {
    /// How many bytes were decompressed before the error.
    pub fn decompressed_bytes(&self) -> u64 {
        self.partial.len() as u64
    }
}

/// Decompresses all of `data`.
///
/// # Errors
///
/// A corrupt or truncated stream, with what was decompressed before it.
pub fn decompress(
    data: &[u8],
    format: Compression,
) -> Result<Vec<u8>, DecompressError> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4));
    let result = match format {
        Compression::Gzip => {
            flate2::read::MultiGzDecoder::new(data).read_to_end(&mut out)
        }
        Compression::Zstd => {
            match zstd::stream::read::Decoder::with_buffer(data) {
                Ok(mut dec) => dec.read_to_end(&mut out),
                Err(err) => Err(err),
            }
        }
    };
    match result {
        Ok(_) => Ok(out),
        Err(error) => Err(DecompressError { partial: out, error }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        );
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn extensions_name_formats() {
        let of =
            |p: &str| Compression::from_extension(std::path::Path::new(p));
        assert_eq!(of("a.jsonl.gz"), Some(Compression::Gzip));
        assert_eq!(of("a.jsonl.zst"), Some(Compression::Zstd));
        assert_eq!(of("a.jsonl"), None);
        assert_eq!(of("gz"), None);
    }

    #[test]
    fn round_trips() {
        let text = b"hello world\n".repeat(100);
        let gz = gzip(&text);
        assert_eq!(Compression::detect(&gz), Some(Compression::Gzip));
        assert_eq!(decompress(&gz, Compression::Gzip).unwrap(), text);
        let zst = zstd::encode_all(&text[..], 1).unwrap();
        assert_eq!(Compression::detect(&zst), Some(Compression::Zstd));
        assert_eq!(decompress(&zst, Compression::Zstd).unwrap(), text);
        assert_eq!(Compression::detect(b"plain"), None);
    }

    #[test]
    fn concatenated_members_are_read() {
        let mut two = gzip(b"first\n");
        two.extend(gzip(b"second\n"));
        assert_eq!(
            decompress(&two, Compression::Gzip).unwrap(),
            b"first\nsecond\n"
        );
    }

    #[test]
    fn truncated_streams_are_errors() {
        let whole: String =
            (0..200).map(|i| format!("line {i} of a text\n")).collect();
        let gz = gzip(whole.as_bytes());
        let err =
            decompress(&gz[..gz.len() / 2], Compression::Gzip).unwrap_err();
        assert!(err.decompressed_bytes() < whole.len() as u64);
        // What came out before the break is the stream's start.
        assert_eq!(err.partial.len() as u64, err.decompressed_bytes());
        assert!(!err.partial.is_empty());
        assert!(whole.as_bytes().starts_with(&err.partial));
        let zst = zstd::encode_all(&b"abc".repeat(1000)[..], 3).unwrap();
        assert!(decompress(&zst[..zst.len() - 3], Compression::Zstd).is_err());
    }
}
