//! Documents whose id an earlier document has already: every report names
//! documents by id, so two documents with one id would be one name for
//! two texts. A cluster of `["x", "x"]` that removes `"x"` would make a
//! script that drops records by id drop the copy kept too. The later
//! document gets a new id instead, and a diagnostic says so.

use std::collections::HashSet;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

/// A document given a new id because an earlier one has its id.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) struct Renamed {
    /// The document.
    pub doc: usize,
    /// The last document before it with the same id.
    pub previous: usize,
    /// The id it had, which the first document with it keeps.
    pub id: String,
}

/// Gives each document (ids in `ids`, in input order) whose id an earlier
/// one has a new id, `fallback(doc, its id)`, with `#2`, `#3`… added while that
/// is some other document's id too; returns them in document order.
///
/// Ids are compared by a 64-bit hash first, sorted, and only equal hashes
/// compared as strings: 16 bytes a document for as long as it takes,
/// where a set of the ids would hold a copy of each.
pub(crate) fn rename_repeats(
    ids: &mut [String],
    fallback: impl Fn(usize, &str) -> String,
) -> Vec<Renamed> {
    let mut keys: Vec<(u64, u32)> = ids
        .par_iter()
        .enumerate()
        .map(|(i, id)| (xxh3_64(id.as_bytes()), i as u32))
        .collect();
    keys.par_sort_unstable();
    // Each document with an earlier document of the same id, and the last
    // of those.
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for run in keys.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() > 1) {
        // Usually one id; a run holds more only when two ids' hashes
        // collide. Documents are in order within it.
        for (j, &(_, doc)) in run.iter().enumerate() {
            let doc = doc as usize;
            let previous = run[..j]
                .iter()
                .rev()
                .map(|&(_, d)| d as usize)
                .find(|&d| ids[d] == ids[doc]);
            if let Some(previous) = previous {
                repeats.push((doc, previous));
            }
        }
    }
    if repeats.is_empty() {
        return Vec::new();
    }
    repeats.sort_unstable();
    // New ids given so far, besides those in `keys`: a set, since a
    // corpus whose records all have one id renames every one of them.
    let mut given: HashSet<String> = HashSet::new();
    let mut renamed = Vec::with_capacity(repeats.len());
    for (doc, previous) in repeats {
        let base = fallback(doc, &ids[doc]);
        let taken = |id: &str, given: &HashSet<String>| {
            let h = xxh3_64(id.as_bytes());
            let from = keys.partition_point(|k| k.0 < h);
            keys[from..]
                .iter()
                .take_while(|k| k.0 == h)
                .any(|&(_, d)| ids[d as usize] == id)
                || given.contains(id)
        };
        let mut id = base.clone();
        let mut n = 2u64;
        while taken(&id, &given) {
            id = format!("{base}#{n}");
            n += 1;
        }
        given.insert(id.clone());
        let old = std::mem::replace(&mut ids[doc], id);
        renamed.push(Renamed { doc, previous, id: old });
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unique_ids_are_left_alone() {
        let mut v = ids(&["a", "b", "c", "1"]);
        assert!(rename_repeats(&mut v, |d, _| format!("f:{d}")).is_empty());
        assert_eq!(v, ids(&["a", "b", "c", "1"]));
    }

    #[test]
    fn later_documents_with_an_earlier_id_get_their_fallback() {
        let mut v = ids(&["x", "y", "x", "x", "y"]);
        let renamed = rename_repeats(&mut v, |d, _| format!("f:{}", d + 1));
        assert_eq!(v, ids(&["x", "y", "f:3", "f:4", "f:5"]));
        let got: Vec<(usize, usize, &str)> = renamed
            .iter()
            .map(|r| (r.doc, r.previous, r.id.as_str()))
            .collect();
        assert_eq!(got, [(2, 0, "x"), (3, 2, "x"), (4, 1, "y")]);
    }

    #[test]
    fn a_fallback_that_is_taken_gets_a_number() {
        // "f" is another document's id, and the fallback of two repeats.
        let mut v = ids(&["x", "f", "x", "x", "f#2"]);
        rename_repeats(&mut v, |_, _| "f".to_string());
        assert_eq!(v, ids(&["x", "f", "f#3", "f#4", "f#2"]));
        let mut sorted = v.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), v.len(), "ids are unique: {v:?}");
    }

    #[test]
    fn many_repeats_all_end_unique() {
        let mut v: Vec<String> =
            (0..3000).map(|i| format!("id{}", i % 7)).collect();
        let renamed = rename_repeats(&mut v, |d, _| format!("f:{}", d / 2));
        assert_eq!(renamed.len(), 3000 - 7);
        let mut sorted = v.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 3000);
        // The first of each id keeps it.
        assert!((0..7).all(|i| v[i] == format!("id{i}")));
        assert!(renamed.iter().all(|r| r.previous == r.doc - 7));
    }
}
