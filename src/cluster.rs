//! Clusters: connected components of verified pairs, by union-find.

/// A disjoint-set forest with path halving and union by size.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n as u32).collect(), size: vec![1; n] }
    }

    /// The root of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Merges the sets of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize]
        {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

/// Groups `n` items connected by `pairs` into components of at least two,
/// each sorted, ordered by their smallest member. The result depends only
/// on the set of pairs, not on their order.
pub fn components(
    n: usize,
    pairs: impl IntoIterator<Item = (u32, u32)>,
) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    let mut touched = Vec::new();
    for (a, b) in pairs {
        uf.union(a, b);
        touched.push(a);
        touched.push(b);
    }
    touched.sort_unstable();
    touched.dedup();
    // Members in increasing order, so each component's first member is its
    // smallest and components come out ordered by it.
    let mut by_root: Vec<(u32, u32)> =
        touched.iter().map(|&x| (uf.find(x), x)).collect();
    by_root.sort_unstable();
    let mut groups: Vec<Vec<u32>> = by_root
        .chunk_by(|x, y| x.0 == y.0)
        .map(|g| g.iter().map(|&(_, x)| x).collect())
        .collect();
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_sorted_and_canonical() {
        let pairs = [(5, 9), (1, 5), (2, 3), (7, 8), (8, 2)];
        let got = components(10, pairs);
        assert_eq!(got, vec![vec![1, 5, 9], vec![2, 3, 7, 8]]);
        let mut reversed = pairs;
        reversed.reverse();
        assert_eq!(components(10, reversed), got);
        assert!(components(3, []).is_empty());
    }
}
