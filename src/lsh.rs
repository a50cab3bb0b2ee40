//! Locality-sensitive hashing by banding: documents that agree on all `r` rows of
//! any of `b` bands become candidate pairs.
//!
//! Two documents with Jaccard similarity `s` become candidates with probability
//!
//! ```text
//! P(s) = 1 − (1 − s^r)^b
//! ```
//!
//! **Choosing b and r.** For a threshold `t` and K permutations, `shingle` picks the
//! `(b, r)` with `b·r ≤ K` that minimizes the weighted error areas
//!
//! ```text
//! E(b, r) = w_fp · ∫₀ᵗ P(s) ds  +  w_fn · ∫ₜ¹ (1 − P(s)) ds,    w_fp + w_fn = 1
//! ```
//!
//! (the false-positive area below the threshold and the false-negative area above
//! it). With verification on (the default), a false positive only costs one check,
//! while a false negative is a duplicate left in the output, so the default weight
//! is `w_fn = 0.95`; with `--verify none` it is 0.5 (the common choice in
//! datasketch), since nothing filters false positives there.
//!
//! ```
//! use shingle::lsh::LshParams;
//! let p = LshParams::optimal(0.8, 128, 0.95);
//! assert!(p.bands * p.rows <= 128);
//! assert!(p.candidate_probability(0.85) > 0.99);
//! assert!(p.candidate_probability(0.3) < 0.01);
//! ```

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Banding parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LshParams {
    /// Number of bands b.
    pub bands: usize,
    /// Rows (signature positions) per band r.
    pub rows: usize,
}

/// A bucket's first `MAX_FULL_BUCKET` members (in input order) are paired with
/// every earlier member; later members only with the bucket's first member and
/// with the member just before them. That bounds the pairs of huge buckets
/// (templates, boilerplate) to linear while keeping them connected, and the rule
/// only looks backwards, so a document's candidates never depend on documents
/// after it (an incremental index sees the same candidates).
pub const MAX_FULL_BUCKET: usize = 64;

impl LshParams {
    /// The `(b, r)` minimizing the weighted error areas (see module docs).
    pub fn optimal(threshold: f64, num_perm: usize, fn_weight: f64) -> Self {
        let fp_weight = 1.0 - fn_weight;
        let mut best = LshParams { bands: 1, rows: 1 };
        let mut best_error = f64::INFINITY;
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let p = LshParams { bands, rows };
                let fp = integrate(|s| p.candidate_probability(s), 0.0, threshold);
                let fn_ = integrate(|s| 1.0 - p.candidate_probability(s), threshold, 1.0);
                let error = fp_weight * fp + fn_weight * fn_;
                if error < best_error - 1e-12 {
                    best_error = error;
                    best = p;
                }
            }
        }
        best
    }

    /// Probability that two documents of Jaccard similarity `s` share a band.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Signature positions used (b·r).
    pub fn used_permutations(&self) -> usize {
        self.bands * self.rows
    }

    /// Writes the `b` band keys of a signature into `out`. A band key is the xxh3
    /// hash of the band's rows, salted with the band number so equal rows in
    /// different bands do not collide.
    pub fn band_keys(&self, signature: &[u32], out: &mut [u64]) {
        debug_assert!(signature.len() >= self.used_permutations());
        // The default banding (8 rows) gets fixed-size copies: with the row
        // count unknown at compile time each 4-byte copy was a `memcpy` call.
        if self.rows == 8 {
            return Self::band_keys_of::<8, 32>(signature, &mut out[..self.bands]);
        }
        let mut bytes = [0u8; 4 * 64];
        for (band, key) in out.iter_mut().enumerate().take(self.bands) {
            let rows = &signature[band * self.rows..(band + 1) * self.rows];
            if rows.len() <= 64 {
                for (chunk, v) in bytes.chunks_exact_mut(4).zip(rows) {
                    chunk.copy_from_slice(&v.to_le_bytes());
                }
                *key = xxh3_64_with_seed(&bytes[..4 * rows.len()], band as u64);
            } else {
                let long: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
                *key = xxh3_64_with_seed(&long, band as u64);
            }
        }
    }

    /// [`LshParams::band_keys`] for `ROWS` rows a band (`BYTES` = 4 × `ROWS`).
    fn band_keys_of<const ROWS: usize, const BYTES: usize>(signature: &[u32], out: &mut [u64]) {
        for (band, key) in out.iter_mut().enumerate() {
            let rows: &[u32; ROWS] = signature[band * ROWS..(band + 1) * ROWS]
                .try_into()
                .expect("ROWS values");
            let mut bytes = [0u8; BYTES];
            for (chunk, v) in bytes.chunks_exact_mut(4).zip(rows) {
                chunk.copy_from_slice(&v.to_le_bytes());
            }
            *key = xxh3_64_with_seed(&bytes, band as u64);
        }
    }
}

/// Midpoint-rule integral; P(s) is smooth, 200 steps are plenty.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let steps = 200;
    let h = (b - a) / steps as f64;
    (0..steps).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

/// Candidate pairs `(i, j)` with `i < j` from one band's `(key, document)` list
/// (see [`MAX_FULL_BUCKET`] for large buckets). Pairs are appended to `pairs`;
/// they repeat across bands, callers sort and deduplicate.
///
/// Equal keys are found without sorting the whole list: band keys are hash
/// values, spread evenly, so one counting pass and one scatter on their top
/// bits leave runs of a few entries each, which are sorted on their own (in
/// cache). That took a band of 100,000 documents from a comparison sort of
/// the list to a fraction of it (`cargo bench --bench stages -- lsh/bucket`).
/// Skewed keys (many documents sharing a key) only make some runs longer.
///
/// `scratch` is working space, kept by callers that bucket many bands.
pub fn bucket_band(
    keys: &[(u64, u32)],
    scratch: &mut Vec<(u64, u32)>,
    pairs: &mut Vec<(u32, u32)>,
) {
    bucket_band_of(keys.len(), |i| keys[i], scratch, pairs);
}

/// [`bucket_band`] of the `n` entries `entry(0..n)`, gathered straight into
/// the partitioned working array: one array of `n` entries in all, where a
/// list of keys and its partitioned copy were two (at 10 million documents,
/// 160 MB more per thread bucketing a band).
pub fn bucket_band_of(
    n: usize,
    entry: impl Fn(usize) -> (u64, u32),
    scratch: &mut Vec<(u64, u32)>,
    pairs: &mut Vec<(u32, u32)>,
) {
    let mut members = Vec::new();
    let mut pair_equal_keys = |sorted: &[(u64, u32)]| {
        for bucket in sorted.chunk_by(|a, b| a.0 == b.0) {
            if bucket.len() > 1 {
                members.clear();
                members.extend(bucket.iter().map(|&(_, doc)| doc));
                bucket_members(&members, pairs);
            }
        }
    };
    let partitioned = scratch;
    partitioned.clear();
    if n < 4096 {
        partitioned.extend((0..n).map(&entry));
        partitioned.sort_unstable();
        pair_equal_keys(partitioned);
        return;
    }
    // About four entries per partition, at most 2^20 partitions.
    let bits = (usize::BITS - 1 - (n / 4).leading_zeros()).min(20);
    let shift = u64::BITS - bits;
    let mut starts = vec![0u32; (1 << bits) + 1];
    for i in 0..n {
        starts[(entry(i).0 >> shift) as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    partitioned.resize(n, (0, 0));
    let mut next = starts.clone();
    for i in 0..n {
        let e = entry(i);
        let slot = &mut next[(e.0 >> shift) as usize];
        partitioned[*slot as usize] = e;
        *slot += 1;
    }
    for bounds in starts.windows(2) {
        let part = &mut partitioned[bounds[0] as usize..bounds[1] as usize];
        if part.len() > 1 {
            part.sort_unstable();
            pair_equal_keys(part);
        }
    }
}

/// Candidate pairs of one bucket whose members are given in ascending order
/// (the rule of [`bucket_band`]; also used when merging runs from disk).
pub fn bucket_members(bucket: &[u32], pairs: &mut Vec<(u32, u32)>) {
    for (position, &doc) in bucket.iter().enumerate().skip(1) {
        if position < MAX_FULL_BUCKET {
            pairs.extend(bucket[..position].iter().map(|&earlier| (earlier, doc)));
        } else {
            pairs.push((bucket[0], doc));
            pairs.push((bucket[position - 1], doc));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_weights_reproduce_the_usual_choice() {
        // datasketch's choice for t = 0.8, K = 128 with equal weights.
        assert_eq!(
            LshParams::optimal(0.8, 128, 0.5),
            LshParams { bands: 9, rows: 13 }
        );
    }

    #[test]
    fn recall_weighted_choice_finds_pairs_at_threshold() {
        let p = LshParams::optimal(0.8, 128, 0.95);
        assert!(p.used_permutations() <= 128);
        assert!(p.candidate_probability(0.8) > 0.93, "{p:?}");
        assert!(p.candidate_probability(0.5) < 0.1, "{p:?}");
    }

    #[test]
    fn probability_is_monotone() {
        let p = LshParams { bands: 16, rows: 8 };
        let mut last = 0.0;
        for i in 0..=100 {
            let v = p.candidate_probability(i as f64 / 100.0);
            assert!(v >= last);
            last = v;
        }
        assert_eq!(p.candidate_probability(1.0), 1.0);
        assert_eq!(p.candidate_probability(0.0), 0.0);
    }

    #[test]
    fn fixed_size_band_keys_match_the_general_path() {
        // The 8-row path against the same hash computed from the bytes.
        let signature: Vec<u32> = (0..128u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
        let p = LshParams { bands: 16, rows: 8 };
        let mut keys = [0u64; 16];
        p.band_keys(&signature, &mut keys);
        for (band, &key) in keys.iter().enumerate() {
            let bytes: Vec<u8> = signature[band * 8..band * 8 + 8]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect();
            assert_eq!(key, xxh3_64_with_seed(&bytes, band as u64));
        }
    }

    #[test]
    fn band_keys_differ_by_band_and_rows() {
        let p = LshParams { bands: 2, rows: 2 };
        let mut k = [0u64; 2];
        p.band_keys(&[1, 2, 1, 2], &mut k);
        assert_ne!(k[0], k[1], "same rows in two bands must not share a key");
        let mut k2 = [0u64; 2];
        p.band_keys(&[1, 2, 1, 3], &mut k2);
        assert_eq!(k[0], k2[0]);
        assert_ne!(k[1], k2[1]);
    }

    proptest::proptest! {
        /// The partitioned path finds the pairs a sort of the whole list finds,
        /// with few and with many shared keys.
        #[test]
        fn partitioned_buckets_match_a_full_sort(
            n in 4096usize..12_000,
            distinct in 1u64..20_000,
            seed in proptest::prelude::any::<u64>(),
        ) {
            let mut state = seed;
            let keys: Vec<(u64, u32)> = (0..n as u32)
                .map(|doc| {
                    let r = crate::minhash::splitmix64(&mut state) % distinct;
                    (crate::minhash::splitmix64(&mut r.clone()), doc)
                })
                .collect();
            let mut want = Vec::new();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            for bucket in sorted.chunk_by(|a, b| a.0 == b.0) {
                let members: Vec<u32> = bucket.iter().map(|e| e.1).collect();
                bucket_members(&members, &mut want);
            }
            let mut got = Vec::new();
            bucket_band(&keys, &mut Vec::new(), &mut got);
            got.sort_unstable();
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn buckets_pair_members() {
        let keys = vec![(5, 0), (7, 1), (5, 2), (5, 3)];
        let mut pairs = Vec::new();
        bucket_band(&keys, &mut Vec::new(), &mut pairs);
        pairs.sort_unstable();
        assert_eq!(pairs, vec![(0, 2), (0, 3), (2, 3)]);
    }

    #[test]
    fn large_buckets_stay_connected_without_quadratic_pairs() {
        let n = 1000u32;
        let keys: Vec<(u64, u32)> = (0..n).map(|i| (1, i)).collect();
        let mut pairs = Vec::new();
        bucket_band(&keys, &mut Vec::new(), &mut pairs);
        let full = MAX_FULL_BUCKET * (MAX_FULL_BUCKET - 1) / 2;
        assert_eq!(pairs.len(), full + 2 * (n as usize - MAX_FULL_BUCKET));
        assert!((1..n).all(|j| pairs.contains(&(0, j))));
        // Only backwards: every pair points from an earlier to a later document.
        assert!(pairs.iter().all(|&(a, b)| a < b));
    }
}
