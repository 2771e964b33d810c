//! What a scan does, validated once: [`Config`] and its [`ConfigBuilder`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lsh::Banding;
use crate::minhash::SketchParams;
use crate::normalize::{NORMALIZATION_VERSION, UnitChoice};

/// The seed of every hash rehash computes. Fixed, so that hash values,
/// signatures and reports are the same on every run and platform.
pub const SEED: u64 = 0x7265_6861_7368_0001;

/// LSH buckets of more documents than this are linked as a chain, not
/// paired all with all (see [`crate::lsh::candidate_pairs`]): a family of
/// copies costs time linear in its size, and its report lists a few
/// dozen verified pairs a member, not every pair. A family of 1,000
/// near-copies (two words changed in each) made 499,500 pairs at 1,000
/// (0.67 s, 118 MB, a report of 110 MB), and 58,134 at 100 (0.06 s,
/// 48 MB, 12 MB), in one cluster either way; one of 20,000 made 16.5
/// million pairs (24.3 s, 1.9 GB, 3.7 GB) and 836,247 (0.89 s, 211 MB,
/// 188 MB) (`benches/scripts/family.sh`, one run each). The bench
/// corpora's reports are the same at 20, 100 and 1,000: their families
/// are small.
pub const DEFAULT_MAX_BUCKET: usize = 100;

/// Which member of a cluster to keep: the order its members are
/// preferred in ([`Keep::order_key`]), the first being the representative,
/// which `rehash clean` keeps with every member no kept one holds.
#[derive(
    Clone, Copy, Debug, Default, Eq, PartialEq, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The first in input order.
    #[default]
    First,
    /// The one with the most words; ties go to the first in input order.
    Longest,
}

impl Keep {
    /// A key that orders documents as this policy prefers them, the one to
    /// keep first: by `length` (words, or bytes where words are not at
    /// hand) for [`Keep::Longest`], then by input order.
    pub fn order_key(
        self,
        doc: crate::corpus::DocId,
        length: u64,
    ) -> (std::cmp::Reverse<u64>, crate::corpus::DocId) {
        let length = match self {
            Keep::First => 0,
            Keep::Longest => length,
        };
        (std::cmp::Reverse(length), doc)
    }
}

/// A validated scan configuration. Build one with [`Config::builder`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub(crate) shingle_size: u32,
    pub(crate) num_perm: u32,
    pub(crate) threshold: f64,
    pub(crate) banding: Banding,
    pub(crate) unit: UnitChoice,
    pub(crate) keep: Keep,
    pub(crate) max_bucket: usize,
    pub(crate) boilerplate: bool,
    pub(crate) boilerplate_min_docs: Option<u32>,
    pub(crate) keep_boilerplate: bool,
    pub(crate) boilerplate_context: bool,
    pub(crate) boilerplate_inline: bool,
    pub(crate) passages: bool,
    pub(crate) passage_min_similarity: f64,
    pub(crate) passage_min_words: u32,
    pub(crate) passage_max_bucket: usize,
}

impl Default for Config {
    fn default() -> Config {
        // The defaults are valid by construction.
        ConfigBuilder::new().build().expect("default configuration is valid")
    }
}

impl Config {
    /// A builder with the default settings.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
    }

    /// The parameters that determine every signature.
    pub fn sketch_params(&self) -> SketchParams {
        SketchParams {
            shingle_size: self.shingle_size,
            num_perm: self.num_perm,
            seed: SEED,
            normalization: NORMALIZATION_VERSION,
        }
    }

    /// The LSH banding in use.
    pub fn banding(&self) -> Banding {
        self.banding
    }

    /// The Jaccard similarity at or above which two documents are
    /// near-duplicates.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The cluster representative policy.
    pub fn keep(&self) -> Keep {
        self.keep
    }

    /// Tokens per shingle.
    pub fn shingle_size(&self) -> u32 {
        self.shingle_size
    }

    /// The boilerplate threshold for a corpus of `docs` documents.
    pub fn boilerplate_min_docs(&self, docs: usize) -> u32 {
        self.boilerplate_min_docs
            .unwrap_or_else(|| crate::boilerplate::default_min_docs(docs))
    }

    /// True when boilerplate counts in similarities.
    pub fn keep_boilerplate(&self) -> bool {
        self.keep_boilerplate
    }
}

/// Builds a [`Config`]. Every setter documents its default; [`build`]
/// checks them all, so later stages cannot fail on settings.
///
/// [`build`]: ConfigBuilder::build
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    shingle_size: u32,
    num_perm: u32,
    threshold: f64,
    bands: Option<u32>,
    rows: Option<u32>,
    unit: UnitChoice,
    keep: Keep,
    max_bucket: usize,
    boilerplate: bool,
    boilerplate_min_docs: Option<u32>,
    keep_boilerplate: bool,
    boilerplate_context: bool,
    boilerplate_inline: bool,
    passages: bool,
    passage_min_similarity: f64,
    passage_min_words: u32,
    passage_max_bucket: usize,
}

impl Default for ConfigBuilder {
    fn default() -> ConfigBuilder {
        ConfigBuilder::new()
    }
}

impl ConfigBuilder {
    /// The defaults.
    pub fn new() -> ConfigBuilder {
        ConfigBuilder {
            shingle_size: 5,
            num_perm: 128,
            threshold: 0.75,
            bands: None,
            rows: None,
            unit: UnitChoice::Auto,
            keep: Keep::First,
            max_bucket: DEFAULT_MAX_BUCKET,
            boilerplate: true,
            boilerplate_min_docs: None,
            keep_boilerplate: false,
            boilerplate_context: true,
            boilerplate_inline: true,
            passages: true,
            passage_min_similarity: 0.45,
            passage_min_words: 6,
            passage_max_bucket: 100,
        }
    }

    /// Tokens per shingle, 1 to 64. By default, 5.
    pub fn shingle_size(&mut self, k: u32) -> &mut ConfigBuilder {
        self.shingle_size = k;
        self
    }

    /// Slots per MinHash signature, 1 to 4096. By default, 128.
    pub fn num_perm(&mut self, n: u32) -> &mut ConfigBuilder {
        self.num_perm = n;
        self
    }

    /// Jaccard similarity of shingle sets at or above which two documents
    /// are near-duplicates, in (0, 1]. By default, 0.75: with boilerplate
    /// left out of the sets, that is about what 0.8 is on full news text
    /// (shared footers raise full-text similarity), and about 3% of words
    /// changed.
    pub fn threshold(&mut self, t: f64) -> &mut ConfigBuilder {
        self.threshold = t;
        self
    }

    /// LSH bands. By default, chosen with the rows from the threshold by
    /// [`Banding::for_threshold`]; given alone, rows are `num_perm / bands`.
    pub fn bands(&mut self, bands: Option<u32>) -> &mut ConfigBuilder {
        self.bands = bands;
        self
    }

    /// Slots per LSH band. By default, chosen with the bands; given alone,
    /// bands are `num_perm / rows`.
    pub fn rows(&mut self, rows: Option<u32>) -> &mut ConfigBuilder {
        self.rows = rows;
        self
    }

    /// Words or characters as tokens. By default, chosen per document.
    pub fn unit(&mut self, unit: UnitChoice) -> &mut ConfigBuilder {
        self.unit = unit;
        self
    }

    /// Which cluster member to keep. By default, the first.
    pub fn keep(&mut self, keep: Keep) -> &mut ConfigBuilder {
        self.keep = keep;
        self
    }

    /// LSH buckets with more documents than this are chained rather than
    /// paired all with all. At least 2; by default,
    /// [`DEFAULT_MAX_BUCKET`].
    pub fn max_bucket(&mut self, n: usize) -> &mut ConfigBuilder {
        self.max_bucket = n;
        self
    }

    /// Whether to detect boilerplate at all. By default, yes; without it,
    /// boilerplate counts in similarities and nothing is reported of it.
    pub fn boilerplate(&mut self, yes: bool) -> &mut ConfigBuilder {
        self.boilerplate = yes;
        self
    }

    /// Documents a line or line template must recur in to be boilerplate,
    /// at least 1. By default, [`crate::boilerplate::default_min_docs`]:
    /// 2, or one in 100,000 documents for larger corpora.
    pub fn boilerplate_min_docs(
        &mut self,
        n: Option<u32>,
    ) -> &mut ConfigBuilder {
        self.boilerplate_min_docs = n;
        self
    }

    /// Whether boilerplate counts in signatures and similarities. By
    /// default it does not: two briefs that share a long footer are not
    /// near-duplicates.
    pub fn keep_boilerplate(&mut self, yes: bool) -> &mut ConfigBuilder {
        self.keep_boilerplate = yes;
        self
    }

    /// Whether short runs of lines enclosed by boilerplate are boilerplate
    /// too. By default, they are.
    pub fn boilerplate_context(&mut self, yes: bool) -> &mut ConfigBuilder {
        self.boilerplate_context = yes;
        self
    }

    /// Whether recurring sentences inside long lines and documents of one
    /// line (text whose line breaks were lost) can be boilerplate too. By
    /// default, they can; see [`crate::profile::LONG_LINE_TOKENS`].
    pub fn boilerplate_inline(&mut self, yes: bool) -> &mut ConfigBuilder {
        self.boilerplate_inline = yes;
        self
    }

    /// Whether to look for passages (copied or rewritten spans). By
    /// default, yes.
    pub fn passages(&mut self, yes: bool) -> &mut ConfigBuilder {
        self.passages = yes;
        self
    }

    /// Weighted share of matched words, in (0, 1], at or above which two
    /// spans are a passage. By default, 0.45.
    pub fn passage_min_similarity(&mut self, s: f64) -> &mut ConfigBuilder {
        self.passage_min_similarity = s;
        self
    }

    /// Words each side of a passage must have, at least 1. By default, 6.
    pub fn passage_min_words(&mut self, n: u32) -> &mut ConfigBuilder {
        self.passage_min_words = n;
        self
    }

    /// Sketch bins of passage windows shared by more windows than this, or
    /// than one in [`crate::passage::WINDOWS_PER_BUCKET_SLOT`] windows if
    /// that is more (a stock phrase), propose no candidates. At least 2; by
    /// default, 100.
    pub fn passage_max_bucket(&mut self, n: usize) -> &mut ConfigBuilder {
        self.passage_max_bucket = n;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidConfig`] naming the first bad setting.
    pub fn build(&self) -> Result<Config> {
        if !(1..=64).contains(&self.shingle_size) {
            return Err(Error::config(format!(
                "shingle size must be between 1 and 64, not {}",
                self.shingle_size
            )));
        }
        if !(1..=4096).contains(&self.num_perm) {
            return Err(Error::config(format!(
                "num_perm must be between 1 and 4096, not {}",
                self.num_perm
            )));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(Error::config(format!(
                "threshold must be in (0, 1], not {}",
                self.threshold
            )));
        }
        if !(self.passage_min_similarity > 0.0
            && self.passage_min_similarity <= 1.0)
        {
            return Err(Error::config(format!(
                "passage min similarity must be in (0, 1], not {}",
                self.passage_min_similarity
            )));
        }
        if self.passage_min_words == 0 {
            return Err(Error::config("passage min words must be at least 1"));
        }
        if self.passage_max_bucket < 2 {
            return Err(Error::config(
                "passage max bucket must be at least 2",
            ));
        }
        if self.boilerplate_min_docs == Some(0) {
            return Err(Error::config(
                "boilerplate min docs must be at least 1",
            ));
        }
        if self.max_bucket < 2 {
            return Err(Error::config("max_bucket must be at least 2"));
        }
        let n = self.num_perm;
        let banding = match (self.bands, self.rows) {
            (None, None) => Banding::for_threshold(self.threshold, n),
            (Some(b), Some(r)) => Banding { bands: b, rows: r },
            (Some(b), None) => Banding { bands: b, rows: n / b.max(1) },
            (None, Some(r)) => Banding { bands: n / r.max(1), rows: r },
        };
        if banding.bands == 0 || banding.rows == 0 {
            return Err(Error::config(format!(
                "bands and rows must be at least 1 (bands {}, rows {})",
                banding.bands, banding.rows
            )));
        }
        if u64::from(banding.bands) * u64::from(banding.rows) > u64::from(n) {
            return Err(Error::config(format!(
                "bands × rows ({} × {}) exceeds num_perm ({n})",
                banding.bands, banding.rows
            )));
        }
        Ok(Config {
            shingle_size: self.shingle_size,
            num_perm: self.num_perm,
            threshold: self.threshold,
            banding,
            unit: self.unit,
            keep: self.keep,
            max_bucket: self.max_bucket,
            boilerplate: self.boilerplate,
            boilerplate_min_docs: self.boilerplate_min_docs,
            keep_boilerplate: self.keep_boilerplate,
            boilerplate_context: self.boilerplate_context,
            boilerplate_inline: self.boilerplate_inline,
            passages: self.passages,
            passage_min_similarity: self.passage_min_similarity,
            passage_min_words: self.passage_min_words,
            passage_max_bucket: self.passage_max_bucket,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let c = Config::default();
        assert_eq!(c.shingle_size, 5);
        assert!(c.banding.slots() <= c.num_perm);
    }

    #[test]
    fn bad_settings_are_named() {
        let err = Config::builder().threshold(0.0).build().unwrap_err();
        assert!(err.to_string().contains("threshold"), "{err}");
        let err = Config::builder()
            .bands(Some(20))
            .rows(Some(8))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("exceeds num_perm"), "{err}");
        let err = Config::builder().shingle_size(0).build().unwrap_err();
        assert!(err.to_string().contains("shingle size"), "{err}");
        let err = Config::builder().rows(Some(200)).build().unwrap_err();
        assert!(err.to_string().contains("at least 1"), "{err}");
    }

    #[test]
    fn one_of_bands_and_rows_derives_the_other() {
        let c = Config::builder().bands(Some(32)).build().unwrap();
        assert_eq!(c.banding, Banding { bands: 32, rows: 4 });
        let c = Config::builder().num_perm(64).rows(Some(4)).build().unwrap();
        assert_eq!(c.banding, Banding { bands: 16, rows: 4 });
    }
}
