//! A table of 32-bit hash keys that a hot loop fills and empties again
//! and again (a window's stems, a passage's 3-grams, a pair of spans'
//! stems): each use marks the slots it fills, so that starting the next
//! one clears nothing. The keys are uniform hashes already: their low
//! bits choose the slot.

/// A map from hash keys to small values, for one use at a time: each
/// [`MarkedMap::start`] begins one.
#[derive(Clone, Debug, Default)]
pub(crate) struct MarkedMap<V> {
    /// `(use, key, value)`: a slot of another use is empty.
    slots: Vec<(u32, u32, V)>,
    /// The current use.
    mark: u32,
}

impl<V: Copy + Default> MarkedMap<V> {
    /// Starts a use for at most `n` keys, in a table at most half full so
    /// that probes stay short: 2 to 4 slots a key. The table grows when a
    /// use needs it to, and is cleared when the use count wraps, so that
    /// no slot keeps an old mark. Callers bound `n`: a use for more keys
    /// than that sorts them instead.
    #[inline]
    pub(crate) fn start(&mut self, n: usize) -> Use<'_, V> {
        let size = (2 * n).next_power_of_two().max(16);
        self.mark = self.mark.wrapping_add(1);
        if self.slots.len() < size || self.mark == 0 {
            let len = size.max(self.slots.len());
            self.slots = vec![(0, 0, V::default()); len];
            self.mark = 1;
        }
        Use { slots: &mut self.slots[..size], mark: self.mark }
    }
}

/// One use of a [`MarkedMap`]: its slots and its mark, held apart from
/// the map so that a loop keeps them at hand.
pub(crate) struct Use<'a, V> {
    /// A power of two of them.
    slots: &'a mut [(u32, u32, V)],
    mark: u32,
}

impl<V: Copy + Default> Use<'_, V> {
    /// The value of `key` in this use, and whether the key is new to it
    /// (its value is then `V::default()`).
    #[inline]
    pub(crate) fn entry(&mut self, key: u32) -> (&mut V, bool) {
        let (mark, mask) = (self.mark, self.slots.len() - 1);
        let mut i = key as usize & mask;
        while self.slots[i].0 == mark && self.slots[i].1 != key {
            i = (i + 1) & mask;
        }
        let slot = &mut self.slots[i];
        let new = slot.0 != mark;
        if new {
            *slot = (mark, key, V::default());
        }
        (&mut slot.2, new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_use_starts_empty_and_counts_its_keys() {
        let mut rng = crate::synth::Rng::new(3);
        let mut map = MarkedMap::<u32>::default();
        for round in 0..2000 {
            // Keys that share their low bits, so that probes run long, in
            // uses of up to 600 keys: the table grows and is reused.
            let n = rng.below(if round % 2 == 0 { 10 } else { 600 });
            let shift = rng.below(12) as u32;
            let keys: Vec<u32> =
                (0..n).map(|_| (rng.below(50) as u32) << shift).collect();
            let mut used = map.start(n);
            let mut new = Vec::new();
            for &k in &keys {
                let (count, is_new) = used.entry(k);
                *count += 1;
                if is_new {
                    new.push(k);
                }
            }
            let mut want = keys.clone();
            want.sort_unstable();
            want.dedup();
            let mut got = new.clone();
            got.sort_unstable();
            assert_eq!(got, want, "round {round}");
            for &k in &want {
                let times = keys.iter().filter(|&&x| x == k).count() as u32;
                assert_eq!(*used.entry(k).0, times);
            }
        }
        // When the use count wraps, no slot keeps an old mark.
        *map.start(3).entry(7).0 = 5;
        map.mark = u32::MAX;
        assert_eq!(map.start(3).entry(7), (&mut 0, true));
    }
}
