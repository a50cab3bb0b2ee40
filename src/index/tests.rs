//! Unit tests of the index internals.

use proptest::prelude::*;

proptest! {
    /// Interpolation search agrees with binary search, uniform or not.
    #[test]
    fn equal_range_matches_binary_search(
        mut keys in proptest::collection::vec(any::<u64>(), 0..300),
        small in proptest::collection::vec(0u64..20, 0..300),
        probe in any::<u64>(),
        pick in any::<usize>(),
    ) {
        keys.sort_unstable();
        let mut small = small;
        small.sort_unstable();
        for keys in [keys, small] {
            let mut probes = vec![probe, 0, u64::MAX, probe % 20];
            if !keys.is_empty() {
                probes.push(keys[pick % keys.len()]);
            }
            for key in probes {
                let lo = keys.partition_point(|&k| k < key);
                let hi = keys.partition_point(|&k| k <= key);
                prop_assert_eq!(super::format::equal_range(&keys, key), (lo, hi));
            }
        }
    }
}

#[test]
fn equal_range_on_large_uniform_keys() {
    let mut x = 7u64;
    let mut keys: Vec<u64> = (0..100_000)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x
        })
        .collect();
    keys.extend_from_slice(&[keys[5]; 100]);
    keys.sort_unstable();
    for (i, &key) in keys.iter().enumerate().step_by(97) {
        let want = (
            keys.partition_point(|&k| k < key),
            keys.partition_point(|&k| k <= key),
        );
        assert_eq!(super::format::equal_range(&keys, key), want, "{i}");
        let miss = key.wrapping_add(1);
        let want = (
            keys.partition_point(|&k| k < miss),
            keys.partition_point(|&k| k <= miss),
        );
        assert_eq!(super::format::equal_range(&keys, miss), want);
    }
}
