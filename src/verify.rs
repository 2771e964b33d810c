//! Exact similarity of shingle sets: the verification that turns LSH
//! candidates into reported pairs.

/// How two shingle sets overlap, as integer counts. Every score derives
/// from these, so scores are exact and reproducible.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, Hash)]
pub struct Overlap {
    /// Shingles in both sets.
    pub shared: u32,
    /// Size of the first set.
    pub size_a: u32,
    /// Size of the second set.
    pub size_b: u32,
}

impl Overlap {
    /// `|A ∩ B| / |A ∪ B|`; 1 for two empty sets.
    pub fn jaccard(&self) -> f64 {
        let union = u64::from(self.size_a) + u64::from(self.size_b)
            - u64::from(self.shared);
        if union == 0 { 1.0 } else { f64::from(self.shared) / union as f64 }
    }

    /// `|A ∩ B| / |A|`: how much of the first set is in the second.
    pub fn containment_a(&self) -> f64 {
        ratio(self.shared, self.size_a)
    }

    /// `|A ∩ B| / |B|`: how much of the second set is in the first.
    pub fn containment_b(&self) -> f64 {
        ratio(self.shared, self.size_b)
    }
}

fn ratio(x: u32, n: u32) -> f64 {
    if n == 0 { 1.0 } else { f64::from(x) / f64::from(n) }
}

/// Turns a list of shingle hashes into a set: sorted, without duplicates.
pub fn make_set(shingles: &mut Vec<u32>) {
    shingles.sort_unstable();
    shingles.dedup();
}

/// The overlap of two sets made by [`make_set`].
pub fn overlap(a: &[u32], b: &[u32]) -> Overlap {
    debug_assert!(a.is_sorted() && b.is_sorted());
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // A much smaller set gallops through the larger one; sets of similar
    // size merge linearly.
    let shared = if small.len() * 16 < large.len() {
        let mut rest = large;
        let mut n = 0u32;
        for &x in small {
            match rest.binary_search(&x) {
                Ok(i) => {
                    n += 1;
                    rest = &rest[i + 1..];
                }
                Err(i) => rest = &rest[i..],
            }
        }
        n
    } else {
        let (mut i, mut j, mut n) = (0, 0, 0u32);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            n += u32::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        n
    };
    Overlap { shared, size_a: a.len() as u32, size_b: b.len() as u32 }
}

/// Rounds a score to 4 decimals, the precision of every reported score.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(a: &[u32], b: &[u32]) -> u32 {
        a.iter().filter(|x| b.contains(x)).count() as u32
    }

    #[test]
    fn overlap_matches_brute_force() {
        let mut seed = 1u64;
        let mut next = move || {
            seed = crate::shingle::mix(seed);
            seed
        };
        for _ in 0..200 {
            let la = (next() % 60) as usize;
            let lb = (next() % 2000) as usize;
            let mut a: Vec<u32> =
                (0..la).map(|_| (next() % 300) as u32).collect();
            let mut b: Vec<u32> =
                (0..lb).map(|_| (next() % 300) as u32).collect();
            make_set(&mut a);
            make_set(&mut b);
            let o = overlap(&a, &b);
            assert_eq!(o.shared, brute(&a, &b));
            assert_eq!(overlap(&b, &a).shared, o.shared);
            assert_eq!(
                (o.size_a as usize, o.size_b as usize),
                (a.len(), b.len())
            );
        }
    }

    #[test]
    fn scores() {
        let o = Overlap { shared: 3, size_a: 4, size_b: 6 };
        assert_eq!(o.jaccard(), 3.0 / 7.0);
        assert_eq!(o.containment_a(), 0.75);
        assert_eq!(o.containment_b(), 0.5);
        assert_eq!(Overlap::default().jaccard(), 1.0);
        assert_eq!(round4(2.0 / 3.0), 0.6667);
    }
}
