//! One buffer cut into consecutive pieces, so that parallel work can fill
//! each piece in place: the counting sorts of boilerplate and passages
//! write tens of millions of entries this way, with no vector per thread
//! to grow and concatenate. And where each piece starts.

/// Where each of consecutive pieces of the given `lengths` starts, and
/// after them their total: `lengths.len() + 1` values.
pub(crate) fn starts(lengths: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut out = vec![0];
    let mut total = 0;
    for n in lengths {
        total += n;
        out.push(total);
    }
    out
}

/// `slice` cut into consecutive pieces of the given `lengths`, in order;
/// what the lengths do not cover is left out.
///
/// # Panics
///
/// If the lengths add up to more than `slice.len()`.
pub(crate) fn split_lengths<T>(
    mut slice: &mut [T],
    lengths: impl IntoIterator<Item = usize>,
) -> Vec<&mut [T]> {
    lengths
        .into_iter()
        .map(|n| {
            let (piece, rest) = std::mem::take(&mut slice).split_at_mut(n);
            slice = rest;
            piece
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_sums_of_the_lengths_before() {
        assert_eq!(starts([3, 0, 4]), [0, 3, 3, 7]);
        assert_eq!(starts([]), [0]);
    }

    #[test]
    fn pieces_are_consecutive() {
        let mut v: Vec<u32> = (0..10).collect();
        let pieces = split_lengths(&mut v, [3, 0, 4]);
        let lens: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
        assert_eq!(lens, [3, 0, 4]);
        assert_eq!(pieces[2], [3, 4, 5, 6]);
        for p in pieces {
            p.fill(99);
        }
        assert_eq!(v, [99, 99, 99, 99, 99, 99, 99, 7, 8, 9]);
    }
}
