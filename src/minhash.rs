//! MinHash signatures: K values per shingle set such that two sets agree in each
//! position with probability equal to their Jaccard similarity |A ∩ B| / |A ∪ B|,
//! so the fraction of agreeing positions estimates it.
//!
//! **Design: one permutation hashing with optimal densification** (Li, Owen &
//! Zhang 2012; Shrivastava 2017). Each shingle hash is mixed once under the
//! seed; its low 32 bits pick one of K bins and its high 32 bits are its value;
//! each bin keeps its minimum. A bin no shingle fell into borrows the value of
//! the first non-empty bin on its own fixed pseudo-random probe sequence (the
//! same sequence for every document). Per bin the agreement probability is
//! exactly J, as with K independent permutations, but a shingle costs one
//! multiply-mix and one compare instead of K multiply-add-min steps (profiled:
//! the K-permutation loop was 12% of `dedup` even vectorized with AVX2). For
//! sets much larger than K the estimate is at least as tight as K permutations
//! (bins partition the set: sampling without replacement); for sets smaller
//! than K, borrowed bins repeat values and the spread grows. The estimator
//! test below measures both.
//!
//! ```
//! use shingle::minhash::MinHasher;
//! let hasher = MinHasher::new(64, 42);
//! let mut a = vec![0u32; 64];
//! let mut b = vec![0u32; 64];
//! hasher.sign(&[1, 2, 3, 4], &mut a);
//! hasher.sign(&[4, 3, 2, 1, 1], &mut b);
//! assert_eq!(MinHasher::similarity(&a, &b), 1.0);
//! ```

#[cfg(target_arch = "x86_64")]
mod avx512;

use crate::shingle::mix64;

/// K bins and the seed that places shingles into them.
#[derive(Debug, Clone)]
pub struct MinHasher {
    num_perm: usize,
    /// XORed into every shingle hash before mixing.
    salt: u64,
    /// Starts the probe sequences of empty bins.
    probe_seed: u64,
    /// The first [`CACHED_PROBES`] bins of each bin's probe sequence, round
    /// by round (`probes[round * padded_k + bin]`; empty for K over 4096).
    /// The sequences do not depend on the document, and computing them per
    /// document was much of `sign` for short documents (profiled: `sign` was
    /// 29% of `dedup` on 1M documents of ~60 words, whose 128 bins are
    /// two-thirds empty).
    probes: Vec<u32>,
    /// K rounded up to a multiple of 16 (a round's length in `probes`).
    padded_k: usize,
}

/// How many probes of each bin's sequence [`MinHasher`] keeps; a sequence that
/// finds no filled bin among them goes on by computing (for a document that
/// fills 45 of 128 bins, one empty bin in a thousand).
const CACHED_PROBES: usize = 16;

/// The largest K whose probes are cached (the largest the configuration allows).
const MAX_CACHED_K: usize = 4096;

/// What SplitMix64 adds to its state per output: the state after j outputs is
/// the start plus j times this, so a probe sequence can resume anywhere.
const SPLITMIX_STEP: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64: a tiny, well-mixed generator for deriving constants.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(SPLITMIX_STEP);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The value an empty bin holds before densification. Real values are capped
/// one below it (a 2⁻³² bias, far below the estimator's own error).
const EMPTY: u32 = u32::MAX;

/// The SplitMix64 state that starts `bin`'s probe sequence.
fn probe_start(probe_seed: u64, bin: usize) -> u64 {
    probe_seed ^ (bin as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// Maps 32 random bits onto `0..k` without division (Lemire's multiply-shift).
#[inline(always)]
fn bin_of(bits: u32, k: usize) -> usize {
    ((bits as u64 * k as u64) >> 32) as usize
}

impl MinHasher {
    /// K = `num_perm` bins drawn from `seed`.
    ///
    /// # Panics
    /// If `num_perm` is 0 or above 2³² (configuration is validated first).
    pub fn new(num_perm: usize, seed: u64) -> Self {
        assert!(
            num_perm > 0 && num_perm as u64 <= 1 << 32,
            "K must be in 1..=2^32"
        );
        let mut state = seed ^ 0x5348_494E_474C_4532; // "SHINGLE2"
        let salt = splitmix64(&mut state);
        let probe_seed = splitmix64(&mut state);
        // Kept for every K the configuration allows (≤ 4096: 256 KiB at most).
        let padded_k = num_perm.next_multiple_of(16);
        let mut probes = Vec::new();
        if num_perm <= MAX_CACHED_K {
            probes.resize(CACHED_PROBES * padded_k, 0);
            for bin in 0..num_perm {
                let mut state = probe_start(probe_seed, bin);
                for round in 0..CACHED_PROBES {
                    probes[round * padded_k + bin] =
                        bin_of(splitmix64(&mut state) as u32, num_perm) as u32;
                }
            }
        }
        MinHasher {
            num_perm,
            salt,
            probe_seed,
            probes,
            padded_k,
        }
    }

    /// Number of bins (signature length).
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// Writes the signature of the shingle hashes into `out` (length K).
    /// Repeated hashes count once. An empty input gives all `u32::MAX`;
    /// callers never compare empty documents.
    pub fn sign(&self, shingles: &[u64], out: &mut [u32]) {
        let k = self.num_perm;
        assert_eq!(out.len(), k, "signature length must be K");
        out.fill(EMPTY);
        #[cfg(target_arch = "x86_64")]
        let filled = if k <= u32::MAX as usize && avx512::fill_available() {
            // SAFETY: the CPU's features were checked, and K is below 2³².
            unsafe { avx512::fill_bins(self.salt, shingles, out) }
        } else {
            0
        };
        #[cfg(not(target_arch = "x86_64"))]
        let filled = 0;
        for &h in &shingles[filled..] {
            let x = mix64(h ^ self.salt);
            let slot = &mut out[bin_of(x as u32, k)];
            *slot = (*slot).min(((x >> 32) as u32).min(EMPTY - 1));
        }
        if shingles.is_empty() {
            return;
        }
        if out.contains(&EMPTY) {
            self.densify(out);
        }
    }

    /// Fills each empty bin from the first bin on its probe sequence that was
    /// filled by a shingle ("optimal densification": sequences are independent
    /// per bin, so borrowed values agree across two documents with probability J).
    /// Costs about K/filled probes per empty bin: it matters only for documents
    /// with a handful of shingles, and one filled bin needs no probing at all.
    fn densify(&self, out: &mut [u32]) {
        let k = out.len();
        let mut count = 0;
        let mut any = EMPTY;
        for &v in out.iter() {
            if v != EMPTY {
                count += 1;
                any = v;
            }
        }
        if count == 1 {
            out.fill(any);
            return;
        }
        // The bins as shingles filled them, before any borrowing: on the
        // stack for every K the configuration allows (a small array for the
        // usual K, since it is cleared per call).
        let mut small = [0u32; 256];
        let mut large: [u32; MAX_CACHED_K];
        let mut on_heap = Vec::new();
        let before: &mut [u32] = if k <= small.len() {
            &mut small[..k]
        } else if k <= MAX_CACHED_K {
            large = [0; MAX_CACHED_K];
            &mut large[..k]
        } else {
            on_heap.resize(k, 0);
            &mut on_heap
        };
        before.copy_from_slice(out);
        let before = &*before;
        let rounds = if self.probes.is_empty() {
            0
        } else {
            CACHED_PROBES
        };
        #[cfg(target_arch = "x86_64")]
        let vector = rounds > 0 && avx512::available();
        #[cfg(not(target_arch = "x86_64"))]
        let vector = false;
        if vector {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `available` checked the CPU's features, and every cached
            // probe is a bin, below K = `before.len()`.
            unsafe {
                avx512::borrow_cached(&self.probes, self.padded_k, rounds, before, out)
            };
        } else {
            for bin in 0..k {
                if before[bin] != EMPTY {
                    continue;
                }
                for round in 0..rounds {
                    let probe = self.probes[round * self.padded_k + bin] as usize;
                    if before[probe] != EMPTY {
                        out[bin] = before[probe];
                        break;
                    }
                }
            }
        }
        // Sequences whose cached probes found no filled bin go on.
        for (bin, value) in out.iter_mut().enumerate() {
            if *value != EMPTY {
                continue;
            }
            let mut state = probe_start(self.probe_seed, bin)
                .wrapping_add(SPLITMIX_STEP.wrapping_mul(rounds as u64));
            *value = loop {
                let probe = bin_of(splitmix64(&mut state) as u32, k);
                if before[probe] != EMPTY {
                    break before[probe];
                }
            };
        }
    }

    /// Estimated Jaccard similarity: the fraction of equal positions.
    pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
        debug_assert_eq!(a.len(), b.len());
        if a.is_empty() {
            return 0.0;
        }
        let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
        equal as f64 / a.len() as f64
    }
}

/// A shingle's 32-bit fingerprint: what the document store keeps for exact
/// verification (the 64-bit hash folded, `hi ^ lo`).
///
/// ```
/// assert_eq!(shingle::minhash::fingerprint(0x0000_0001_0000_0003), 2);
/// ```
#[inline]
pub fn fingerprint(shingle_hash: u64) -> u32 {
    (shingle_hash ^ (shingle_hash >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
        let sa: std::collections::HashSet<_> = a.iter().collect();
        let sb: std::collections::HashSet<_> = b.iter().collect();
        sa.intersection(&sb).count() as f64 / sa.union(&sb).count() as f64
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let h = MinHasher::new(128, 1);
        let mut a = vec![0; 128];
        let mut b = vec![0; 128];
        h.sign(&[5, 9, 100], &mut a);
        h.sign(&[100, 9, 5, 5], &mut b);
        assert_eq!(a, b);
    }

    /// The scheme written out plainly: per bin the minimum value of the shingles
    /// that fall into it; an empty bin walks its probe sequence.
    fn sign_by_definition(h: &MinHasher, shingles: &[u64]) -> Vec<u32> {
        let k = h.num_perm;
        let mut bins: Vec<Option<u32>> = vec![None; k];
        for &s in shingles {
            let x = mix64(s ^ h.salt);
            let bin = (((x & 0xFFFF_FFFF) * k as u64) >> 32) as usize;
            let v = ((x >> 32) as u32).min(u32::MAX - 1);
            bins[bin] = Some(bins[bin].map_or(v, |old: u32| old.min(v)));
        }
        if shingles.is_empty() {
            return vec![u32::MAX; k];
        }
        (0..k)
            .map(|bin| {
                bins[bin].unwrap_or_else(|| {
                    let mut state = h.probe_seed ^ (bin as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
                    loop {
                        let probe =
                            (((splitmix64(&mut state) & 0xFFFF_FFFF) * k as u64) >> 32) as usize;
                        if let Some(v) = bins[probe] {
                            break v;
                        }
                    }
                })
            })
            .collect()
    }

    /// The shingle hash whose mix under `h`'s salt is `x` (each step of
    /// [`mix64`] is invertible: a shift of 33 undoes itself, and the
    /// multipliers are odd).
    fn unmix(h: &MinHasher, mut x: u64) -> u64 {
        fn inverse(a: u64) -> u64 {
            // Newton's iteration doubles the correct low bits each step.
            let mut inv = a;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(inv)));
            }
            inv
        }
        x ^= x >> 33;
        x = x.wrapping_mul(inverse(0xC4CE_B9FE_1A85_EC53));
        x ^= x >> 33;
        x = x.wrapping_mul(inverse(0xFF51_AFD7_ED55_8CCD));
        x ^= x >> 33;
        x ^ h.salt
    }

    #[test]
    fn extreme_mixes_are_binned_and_capped_as_defined() {
        // Values at the cap (high bits all ones), the last and first bins,
        // in every position of a group of eight and in the scalar tail.
        for k in [1, 7, 128, 4096] {
            let h = MinHasher::new(k, 9);
            for x in [
                u64::MAX,
                0xFFFF_FFFF_0000_0000,
                0x0000_0000_FFFF_FFFF,
                0,
                1 << 32,
            ] {
                assert_eq!(mix64(unmix(&h, x) ^ h.salt), x);
                for len in [1, 8, 9, 16, 17] {
                    let mut shingles: Vec<u64> = (0..len as u64).map(|i| i * 7919).collect();
                    for at in [0, len - 1, len / 2] {
                        shingles[at] = unmix(&h, x);
                        let mut fast = vec![0; k];
                        h.sign(&shingles, &mut fast);
                        assert_eq!(fast, sign_by_definition(&h, &shingles), "k {k} x {x:#x}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_signature_equals_the_definition(
            shingles in proptest::collection::vec(proptest::num::u64::ANY, 0..200),
            k in 1usize..300,
            seed in proptest::num::u64::ANY,
        ) {
            let h = MinHasher::new(k, seed);
            let mut fast = vec![0; k];
            h.sign(&shingles, &mut fast);
            proptest::prop_assert_eq!(fast, sign_by_definition(&h, &shingles));
        }
    }

    #[test]
    fn signature_equals_the_definition() {
        for k in [1, 31, 32, 100, 128, 200, 5000] {
            let h = MinHasher::new(k, 5);
            for len in [0, 1, 2, 3, 40, 300] {
                let shingles: Vec<u64> = (0..len as u64)
                    .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                    .collect();
                let mut fast = vec![0; k];
                h.sign(&shingles, &mut fast);
                assert_eq!(
                    fast,
                    sign_by_definition(&h, &shingles),
                    "k = {k}, {len} shingles"
                );
                if len > 0 {
                    assert!(!fast.contains(&u32::MAX), "every bin is filled");
                }
            }
        }
    }

    #[test]
    fn one_shingle_fills_every_bin_with_its_value() {
        let h = MinHasher::new(128, 3);
        let mut sig = vec![0; 128];
        h.sign(&[42], &mut sig);
        assert!(sig.iter().all(|&v| v == sig[0] && v != u32::MAX));
    }

    #[test]
    fn signatures_depend_on_seed() {
        let shingles: Vec<u64> = (0..500).collect();
        let mut a = vec![0; 64];
        let mut b = vec![0; 64];
        MinHasher::new(64, 1).sign(&shingles, &mut a);
        MinHasher::new(64, 2).sign(&shingles, &mut b);
        assert!(MinHasher::similarity(&a, &b) < 0.2);
    }

    /// Standardized errors of the estimate over random pairs with set sizes in
    /// `sizes` and similarities spread over [0, 1]: (mean z, variance of z,
    /// fraction beyond 3 sd), where sd is the K-permutation binomial √(J(1−J)/K).
    fn estimator_errors(k: usize, sizes: std::ops::Range<usize>, trials: usize) -> (f64, f64, f64) {
        let hasher = MinHasher::new(k, 99);
        let mut state = 12345u64;
        let mut a_sig = vec![0; k];
        let mut b_sig = vec![0; k];
        let (mut z_sum, mut z_sq, mut pairs, mut outside) = (0.0, 0.0, 0.0, 0.0);
        for trial in 0..trials {
            let size = sizes.start + trial % sizes.len();
            let shared = (size as f64 * ((trial % 97) as f64 / 96.0)) as usize;
            let common: Vec<u64> = (0..shared).map(|_| splitmix64(&mut state)).collect();
            let mut a = common.clone();
            let mut b = common;
            a.extend((shared..size).map(|_| splitmix64(&mut state)));
            b.extend((shared..size).map(|_| splitmix64(&mut state)));
            let j = exact_jaccard(&a, &b);
            hasher.sign(&a, &mut a_sig);
            hasher.sign(&b, &mut b_sig);
            let est = MinHasher::similarity(&a_sig, &b_sig);
            let sd = (j * (1.0 - j) / k as f64).sqrt();
            if sd > 0.0 {
                let z = (est - j) / sd;
                z_sum += z;
                z_sq += z * z;
                pairs += 1.0;
                if z.abs() > 3.0 {
                    outside += 1.0;
                }
            } else {
                assert_eq!(est, j, "J = {j} must be estimated exactly");
            }
        }
        let mean = z_sum / pairs;
        (mean, z_sq / pairs - mean * mean, outside / pairs)
    }

    /// Sets much larger than K (web pages: hundreds of shingles): unbiased,
    /// and no wider than K independent permutations.
    #[test]
    fn estimator_is_unbiased_and_tight_on_large_sets() {
        let (mean_z, var_z, outside) = estimator_errors(128, 400..1200, 3000);
        eprintln!("large sets: mean z {mean_z:.3}, var z {var_z:.3}, beyond 3 sd {outside:.4}");
        // The mean's own sd is about 1/√3000 ≈ 0.018.
        assert!(mean_z.abs() < 0.08, "bias: mean z = {mean_z}");
        assert!((0.5..1.1).contains(&var_z), "variance of z = {var_z}");
        assert!(outside < 0.01, "{outside} beyond 3 sd");
    }

    /// Sets smaller than K: densified bins repeat values, so the spread grows,
    /// but the estimate stays unbiased.
    #[test]
    fn estimator_is_unbiased_on_small_sets() {
        let (mean_z, var_z, outside) = estimator_errors(128, 5..128, 3000);
        eprintln!("small sets: mean z {mean_z:.3}, var z {var_z:.3}, beyond 3 sd {outside:.4}");
        assert!(mean_z.abs() < 0.08, "bias: mean z = {mean_z}");
        assert!(var_z < 1.5, "variance of z = {var_z}");
        assert!(outside < 0.02, "{outside} beyond 3 sd");
    }
}
