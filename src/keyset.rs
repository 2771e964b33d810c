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

/// A fixed set of a few hundred hash keys at most, each in a slot of its
/// own: a lookup is one multiply, one load and one compare, where a
/// [`KeySet`] probes a group of slots. Passages look up every token in
/// the stopwords.
#[derive(Clone, Debug)]
pub(crate) struct StaticKeySet {
    /// A power of two of slots, at least 32 a key. A key's slot holds it;
    /// the others hold a key of another slot, which no lookup there can
    /// equal.
    slots: Vec<u64>,
    /// Odd: a key's slot is the top bits of the key times this.
    mul: u64,
    shift: u32,
}

impl StaticKeySet {
    /// The set of `keys` (uniform hashes; repeats are one key).
    pub(crate) fn new(keys: &[u64]) -> StaticKeySet {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let Some(&filler) = keys.first() else {
            // Keys below 2^63 look in slot 0, the others in slot 1.
            return StaticKeySet {
                slots: vec![u64::MAX, 0],
                mul: 1,
                shift: 63,
            };
        };
        let mut bits = (keys.len() * 32).next_power_of_two().ilog2();
        // With 32 slots a key, a multiplier places n keys without a
        // collision with probability about e^(-n/64) or more: 33% for the
        // 135 stopwords in 8,192 slots. Multipliers are tried from a fixed
        // sequence, and the table doubles if 256 of them fail.
        let mut seed = 0x5374_6f70_776f_7264u64;
        loop {
            for _ in 0..256 {
                seed = crate::shingle::mix(seed.wrapping_add(1));
                let (mul, shift) = (seed | 1, 64 - bits);
                let slot = |k: u64| (k.wrapping_mul(mul) >> shift) as usize;
                let mut slots = vec![filler; 1 << bits];
                let mut taken = vec![false; 1 << bits];
                let placed = keys.iter().all(|&k| {
                    let i = slot(k);
                    slots[i] = k;
                    !std::mem::replace(&mut taken[i], true)
                });
                if placed {
                    return StaticKeySet { slots, mul, shift };
                }
            }
            bits += 1;
        }
    }

    /// True when `key` is in the set.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        self.slots[(key.wrapping_mul(self.mul) >> self.shift) as usize] == key
    }
}

/// A fixed set of any number of keys whose top bits are uniform (hashes),
/// for many lookups of keys that are mostly not in it: a bitmap of 64
/// bits a key (up to 2 million keys), indexed by the keys' top bits,
/// answers all but about one in 64 of those lookups, and the keys that
/// pass it are looked for in the sorted keys. For the few drafts of a
/// check, the bitmap fits the cache.
#[derive(Clone, Debug)]
pub(crate) struct KeyFilter {
    bits: Vec<u64>,
    /// A key's bit is its top `64 - shift` bits.
    shift: u32,
    keys: Vec<u64>,
}

impl KeyFilter {
    /// The set of `keys` (repeats are one key).
    pub(crate) fn new(mut keys: Vec<u64>) -> KeyFilter {
        keys.sort_unstable();
        keys.dedup();
        // At least a word of bits, and at most 2^27 (16 MiB): past 2
        // million keys, more of the keys not there pass the bitmap.
        let bits = (keys.len() * 64).next_power_of_two().ilog2().clamp(6, 27);
        let shift = 64 - bits;
        let mut map = vec![0u64; 1 << (bits - 6)];
        for &k in &keys {
            let i = (k >> shift) as usize;
            map[i / 64] |= 1 << (i % 64);
        }
        KeyFilter { bits: map, shift, keys }
    }

    /// True when `key` is in the set.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        let i = (key >> self.shift) as usize;
        self.bits[i / 64] >> (i % 64) & 1 != 0
            && self.keys.binary_search(&key).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_sets_hold_their_keys_and_no_others() {
        let hash = |i: u64| crate::shingle::mix(i ^ 0xabcd);
        for n in [1u64, 2, 135, 400] {
            let keys: Vec<u64> = (0..n).map(hash).collect();
            let set = StaticKeySet::new(&keys);
            assert!(keys.iter().all(|&k| set.contains(k)), "n = {n}");
            assert!(
                (n..n + 20_000).all(|i| !set.contains(hash(i))),
                "n = {n}"
            );
        }
        // Keys that are small numbers, not hashes, one of them repeated.
        let set = StaticKeySet::new(&[0, 1, 2, 2]);
        assert!([0, 1, 2].iter().all(|&k| set.contains(k)));
        assert!((3..1000).all(|k| !set.contains(k)));
        let none = StaticKeySet::new(&[]);
        assert!(![0, 1, u64::MAX, 1 << 63].iter().any(|&k| none.contains(k)));
    }

    #[test]
    fn filters_hold_their_keys_and_no_others() {
        // `mix` is a bijection: distinct numbers, distinct keys.
        let hash = |i: u64| crate::shingle::mix(i | 1 << 40);
        for n in [0u64, 1, 3, 1000, 50_000] {
            let mut keys: Vec<u64> = (0..n).map(hash).collect();
            // A repeat, and a key whose top bits another key has.
            let first = keys.first().copied();
            keys.extend(first.into_iter().flat_map(|k| [k, k ^ 1]));
            let set = KeyFilter::new(keys.clone());
            assert!(keys.iter().all(|&k| set.contains(k)), "n = {n}");
            // Its bit is set, but it is not a key.
            assert!(first.is_none_or(|k| !set.contains(k ^ 2)), "n = {n}");
            assert!(
                (n..n + 100_000).all(|i| !set.contains(hash(i))),
                "n = {n}"
            );
        }
        let none = KeyFilter::new(Vec::new());
        assert!(![0, 1, u64::MAX, 1 << 63].iter().any(|&k| none.contains(k)));
    }
}
