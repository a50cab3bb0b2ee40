//! MinHash signatures: K minimum values of K hash permutations over a shingle set.
//!
//! For two sets A and B, each signature position agrees with probability
//! |A ∩ B| / |A ∪ B| (their Jaccard similarity), so the fraction of agreeing
//! positions estimates it with standard error √(J(1−J)/K).
//!
//! **Design.** Each shingle is first hashed to 64 bits with xxh3 (strong, so the
//! inputs to the permutations behave like random values). The 64-bit hash is folded
//! to 32 bits (`hi ^ lo`) and each of the K permutations is the affine bijection
//! `h_i(x) = a_i·x + b_i (mod 2^32)` with odd `a_i`. That costs one multiply and one
//! add per position and the loop over positions vectorizes (8 lanes of `u32` with
//! AVX2), which is why it was chosen over 64-bit multiply–shift or Mersenne-prime
//! arithmetic. Statistical quality is checked by the estimator test (mean error and
//! spread of the estimate against exact Jaccard over many random pairs).
//!
//! ```
//! use shingle::minhash::MinHasher;
//! let hasher = MinHasher::new(64, 42);
//! let mut a = vec![0u32; 64];
//! let mut b = vec![0u32; 64];
//! hasher.sign(&[1, 2, 3, 4], &mut a);
//! hasher.sign(&[1, 2, 3, 4], &mut b);
//! assert_eq!(MinHasher::similarity(&a, &b), 1.0);
//! ```

/// The K permutations, derived deterministically from a seed.
#[derive(Debug, Clone)]
pub struct MinHasher {
    mul: Vec<u32>,
    add: Vec<u32>,
}

/// SplitMix64: a tiny, well-mixed generator for deriving permutation constants.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl MinHasher {
    /// K = `num_perm` permutations drawn from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let mut state = seed ^ 0x5348_494E_474C_4531; // "SHINGLE1"
        let mut mul = Vec::with_capacity(num_perm);
        let mut add = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            let r = splitmix64(&mut state);
            mul.push((r as u32) | 1);
            add.push((r >> 32) as u32);
        }
        MinHasher { mul, add }
    }

    /// Number of permutations (signature length).
    pub fn num_perm(&self) -> usize {
        self.mul.len()
    }

    /// Writes the signature of the shingle hashes into `out` (length K).
    /// An empty input gives all `u32::MAX`; callers never compare empty documents.
    pub fn sign(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.mul.len(), "signature length must be K");
        sign_blocked(&self.mul, &self.add, shingles, out);
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

/// Permutations per block: the block's running minima, multipliers and addends
/// stay in vector registers (12 AVX2 registers) while all shingles stream past,
/// instead of loading and storing the whole signature once per shingle.
const BLOCK: usize = 32;

/// Folds a 64-bit shingle hash to the 32-bit permutation input.
#[inline(always)]
fn fold(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// A shingle's 32-bit fingerprint: what the permutations see, and what the
/// document store keeps for exact verification.
///
/// ```
/// assert_eq!(shingle::minhash::fingerprint(0x0000_0001_0000_0003), 2);
/// ```
#[inline]
pub fn fingerprint(shingle_hash: u64) -> u32 {
    fold(shingle_hash)
}

/// The signature loop, compiled for AVX2 and SSE4.1 as well as the baseline and
/// chosen at run time (`multiversion`), so one binary runs everywhere and uses
/// 8-lane `u32` multiply and min where the CPU has them.
#[multiversion::multiversion(targets("x86_64+avx2", "x86_64+sse4.1"))]
fn sign_blocked(mul: &[u32], add: &[u32], shingles: &[u64], out: &mut [u32]) {
    for ((o, m), a) in out
        .chunks_mut(BLOCK)
        .zip(mul.chunks(BLOCK))
        .zip(add.chunks(BLOCK))
    {
        if let (Ok(o), Ok(m), Ok(a)) = (
            <&mut [u32; BLOCK]>::try_from(&mut *o),
            <&[u32; BLOCK]>::try_from(m),
            <&[u32; BLOCK]>::try_from(a),
        ) {
            let mut acc = [u32::MAX; BLOCK];
            for &h in shingles {
                let x = fold(h);
                for i in 0..BLOCK {
                    acc[i] = acc[i].min(m[i].wrapping_mul(x).wrapping_add(a[i]));
                }
            }
            *o = acc;
        } else {
            // The last, partial block (K not a multiple of BLOCK).
            o.fill(u32::MAX);
            for &h in shingles {
                let x = fold(h);
                for ((slot, &mi), &ai) in o.iter_mut().zip(m).zip(a) {
                    *slot = (*slot).min(mi.wrapping_mul(x).wrapping_add(ai));
                }
            }
        }
    }
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

    #[test]
    fn blocked_loop_equals_the_definition() {
        for k in [1, 31, 32, 100, 128, 200] {
            let h = MinHasher::new(k, 5);
            let shingles: Vec<u64> = (0..300u64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect();
            let mut fast = vec![0; k];
            h.sign(&shingles, &mut fast);
            let slow: Vec<u32> = (0..k)
                .map(|i| {
                    shingles
                        .iter()
                        .map(|&s| h.mul[i].wrapping_mul(fold(s)).wrapping_add(h.add[i]))
                        .min()
                        .unwrap()
                })
                .collect();
            assert_eq!(fast, slow, "k = {k}");
        }
    }

    #[test]
    fn constants_depend_on_seed() {
        let a = MinHasher::new(16, 1);
        let b = MinHasher::new(16, 2);
        assert_ne!(a.mul, b.mul);
        assert!(a.mul.iter().all(|m| m % 2 == 1));
    }

    /// The estimate is unbiased and its spread matches √(J(1−J)/K), over many
    /// random pairs at many similarities.
    #[test]
    fn estimator_is_unbiased_with_expected_error() {
        let k = 128;
        let hasher = MinHasher::new(k, 99);
        let mut state = 12345u64;
        let mut a_sig = vec![0; k];
        let mut b_sig = vec![0; k];
        let mut z_sum = 0.0;
        let mut z_sq = 0.0;
        let mut pairs = 0.0;
        let mut outside_3sigma = 0;
        for trial in 0..2000 {
            let size = 50 + trial % 700;
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
                    outside_3sigma += 1;
                }
            } else {
                assert_eq!(est, j, "J = {j} must be estimated exactly");
            }
        }
        let mean_z = z_sum / pairs;
        let var_z = z_sq / pairs - mean_z * mean_z;
        // Unbiased: the mean standardized error is near 0 (its own sd is ~1/√pairs ≈ 0.023).
        assert!(mean_z.abs() < 0.1, "bias: mean z = {mean_z}");
        // Spread as expected from the binomial model (allow ±20%).
        assert!((0.8..1.2).contains(&var_z), "variance of z = {var_z}");
        assert!(
            (outside_3sigma as f64) < pairs * 0.01,
            "{outside_3sigma} of {pairs} beyond 3 sd"
        );
    }
}
