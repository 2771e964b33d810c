//! rehash finds near-duplicate documents in text corpora and shows *where*
//! texts overlap and *how strongly*.
//!
//! The library is what the `rehash` binary runs; the binary only parses
//! arguments and prints. A scan goes through these stages, each in its own
//! module:
//!
//! ```text
//! corpus (files, folders, JSONL, gz/zst, stdin; mmap)
//!   → tokenize (normalized words or characters, with byte spans)
//!   → shingle (xxh3 per token, rolling hash per window; parallel)
//!   → minhash (one-permutation hashing, densified)
//!   → lsh (banded, sort-based buckets)
//!   → verify (exact Jaccard and containment of shingle sets)
//!   → cluster (union-find) → report (text, JSON Lines)
//! ```
//!
//! Beside them, [`boilerplate`] finds recurring lines and templates from
//! the lines counted while tokenizing, and [`passage`] finds copied and
//! rewritten passages sentence by sentence. [`Pipeline::check_with_progress`]
//! runs the same stages for drafts against an index, reporting only what
//! links the two; [`clean`] turns a report into a cleaned corpus (kept
//! documents, boilerplate stripped) and the reason for every removal.
//! [`eval`] scores a report against labelled data.
//!
//! # Example
//!
//! ```
//! use rehash::{Config, Corpus, Pipeline};
//!
//! let story = "Officials in Riverton said on Monday that the new bridge \
//!              would open in the spring after two years of delays.";
//! let copy = "Officials in Riverton said on Monday that the new bridge \
//!             would open in the spring after two years of delay.";
//! let corpus = Corpus::from_texts([
//!     ("a", story),
//!     ("b", copy),
//!     ("c", "A different story about the harvest festival downtown."),
//! ]);
//! let config = Config::builder().threshold(0.5).build()?;
//! let report = Pipeline::new(config).run(&corpus);
//! assert_eq!(report.clusters.len(), 1);
//! let pair = &report.duplicates[0];
//! assert_eq!((report.id(pair.a), report.id(pair.b)), ("a", "b"));
//! assert!(pair.overlap.jaccard() > 0.8);
//! # Ok::<(), rehash::Error>(())
//! ```
//!
//! # Parameters
//!
//! * **Shingle size** `k` (default 5): words per window. Shorter windows
//!   match more loosely.
//! * **Permutations** (default 128): slots per MinHash signature.
//! * **Threshold** (default 0.75): the exact Jaccard similarity of shingle
//!   sets at or above which two documents are near-duplicates.
//! * **Bands × rows**: by default chosen from the threshold (see
//!   [`lsh::Banding::for_threshold`]). Two documents of similarity `s`
//!   become candidates with probability `1 − (1 − s^rows)^bands`; every
//!   candidate is then verified exactly, so the threshold is never an
//!   estimate.
//!
//! # Determinism
//!
//! Output is identical for any number of threads, with or without memory
//! mapping, and for plain or compressed input. Hashes are xxh3 and
//! SplitMix64 with fixed seeds, pinned by unit tests; everything that comes
//! out of parallel work or buckets is sorted, ties broken by [`DocId`].

pub mod boilerplate;
pub mod clean;
pub mod cluster;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod error;
pub mod eval;
mod keyset;
pub mod lsh;
mod marked;
pub mod minhash;
pub mod normalize;
pub mod passage;
pub mod pipeline;
pub mod profile;
pub mod report;
pub mod shingle;
pub mod shingle_df;
mod slices;
#[doc(hidden)]
pub mod synth;
pub mod tokenize;
pub mod verify;
pub mod window;

pub use crate::config::{Config, ConfigBuilder, Keep};
pub use crate::corpus::{
    Corpus, CorpusBuilder, DocId, Input, InputFormat, MmapChoice,
};
pub use crate::diagnostic::{Action, Diagnostic, DiagnosticKind};
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::normalize::{Unit, UnitChoice};
pub use crate::pipeline::{NoProgress, Pipeline, Progress, Role};
pub use crate::report::Report;
