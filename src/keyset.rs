//! Hash sets of values that are uniform hashes already: no second hash.
//! Their iteration order never reaches any output.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// A set of hash keys.
pub(crate) type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// A hasher for keys that are hashes already: it passes them through.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
