//! The cached part of densification ([`super::MinHasher`]) with AVX-512 F, for
//! CPUs that have it.
//!
//! Why (profiled on 1M documents of ~60 words): signing was 28% of `dedup`,
//! nearly all of it densification. A short document leaves most of the 128
//! bins empty, and each empty bin walked its probe sequence with a branch per
//! probe that the CPU could not predict. Here sixteen bins walk their
//! sequences at once: each round gathers the sixteen probed bins' values and
//! keeps, per lane, the first that is filled. The rule is the scalar one
//! (first filled bin of the sequence), so signatures are identical (tested).
//!
//! [`fill_bins`], the step before: each shingle's mix, bin and value.

use std::arch::x86_64::*;

use crate::shingle::avx512::mix64x8;

/// Whether this process may ([`crate::cpu`]) and this CPU can run
/// [`borrow_cached`]. Both answers are cached, so asking per call is cheap.
pub(super) fn available() -> bool {
    crate::cpu::avx512_allowed() && is_x86_feature_detected!("avx512f")
}

/// For each bin empty in `before` (value `u32::MAX`), the value of the first
/// filled bin among its cached probes (`probes[round * padded_k + bin]`, the
/// rounds laid out one after the other, each padded to a multiple of 16 bins),
/// written to `out`; a bin none of whose cached probes is filled stays empty.
///
/// # Safety
///
/// The CPU must have the features [`available`] checks, and every probe must
/// be below `before.len()` (probes are bins). Memory is otherwise reached
/// through bounds-checked array references.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn borrow_cached(
    probes: &[u32],
    padded_k: usize,
    rounds: usize,
    before: &[u32],
    out: &mut [u32],
) {
    let k = out.len();
    debug_assert!(before.len() == k && padded_k.is_multiple_of(16) && padded_k >= k);
    let empty = _mm512_set1_epi32(-1);
    for group in (0..k).step_by(16) {
        let lanes = (k - group).min(16);
        let valid: __mmask16 = if lanes == 16 { !0 } else { (1 << lanes) - 1 };
        let mut current = [u32::MAX; 16];
        current[..lanes].copy_from_slice(&before[group..group + lanes]);
        // SAFETY: `current` is 64 readable bytes; no alignment requirement.
        let mut values = unsafe { _mm512_loadu_si512(current.as_ptr().cast()) };
        let mut pending = valid & _mm512_cmpeq_epi32_mask(values, empty);
        for round in 0..rounds {
            if pending == 0 {
                break;
            }
            let at = round * padded_k + group;
            let bins: &[u32; 16] = probes[at..at + 16].try_into().expect("16 probes");
            // SAFETY: `bins` is 64 readable bytes; no alignment requirement.
            let bins = unsafe { _mm512_loadu_si512(bins.as_ptr().cast()) };
            // SAFETY: only lanes in `pending` are read, each at `before[probe]`
            // with `probe < before.len()` (the caller's promise).
            let probed = unsafe {
                _mm512_mask_i32gather_epi32::<4>(empty, pending, bins, before.as_ptr().cast())
            };
            let filled = pending & _mm512_cmpneq_epi32_mask(probed, empty);
            values = _mm512_mask_mov_epi32(values, filled, probed);
            pending &= !filled;
        }
        // SAFETY: `current` is 64 writable bytes.
        unsafe { _mm512_storeu_si512(current.as_mut_ptr().cast(), values) };
        out[group..group + lanes].copy_from_slice(&current[..lanes]);
    }
}

/// Whether this process may and this CPU can run [`fill_bins`] (the 64-bit
/// lane multiplies are AVX-512 DQ).
pub(super) fn fill_available() -> bool {
    crate::cpu::avx512_allowed()
        && is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512dq")
}

/// The bin filling of [`super::MinHasher::sign`] for the first
/// `shingles.len() / 8 * 8` shingles, which it returns: each shingle's mix,
/// bin and value are computed eight at a time, then the eight bins take their
/// minimum one by one.
///
/// Why: `sign` was 10% of `dedup`'s samples. The mixes (two 64-bit
/// multiplies each) do not depend on one another, so eight at a time cost
/// little, and criterion's `minhash/128/doc_500` fell from 1.60 to 1.08 µs.
/// Same arithmetic, so signatures are identical (tested).
///
/// # Safety
///
/// The CPU must have the features [`fill_available`] checks; `out.len()` (K)
/// must be below 2³². Memory is otherwise reached through bounds-checked
/// references.
#[target_feature(enable = "avx512f,avx512dq")]
pub(super) unsafe fn fill_bins(salt: u64, shingles: &[u64], out: &mut [u32]) -> usize {
    debug_assert!(out.len() <= u32::MAX as usize);
    let salt = _mm512_set1_epi64(salt as i64);
    let k = _mm512_set1_epi64(out.len() as i64);
    let cap = _mm512_set1_epi64(i64::from(super::EMPTY - 1));
    let mut eights = shingles.chunks_exact(8);
    for eight in &mut eights {
        let eight: &[u64; 8] = eight.try_into().expect("8 shingles");
        // SAFETY: `eight` is a reference to 64 readable bytes; the load has
        // no alignment requirement.
        let hashes = unsafe { _mm512_loadu_si512(eight.as_ptr().cast()) };
        let x = mix64x8(_mm512_xor_si512(hashes, salt));
        // `bin_of`: (low 32 bits × K) >> 32, below K; the value: the high 32
        // bits, capped one below EMPTY. Packed as (value << 32) | bin.
        let bins = _mm512_srli_epi64::<32>(_mm512_mul_epu32(x, k));
        let values = _mm512_min_epu64(_mm512_srli_epi64::<32>(x), cap);
        let packed = _mm512_or_si512(bins, _mm512_slli_epi64::<32>(values));
        let mut lanes = [0u64; 8];
        // SAFETY: `lanes` is 64 writable bytes; no alignment requirement.
        unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), packed) };
        for lane in lanes {
            let slot = &mut out[lane as u32 as usize];
            *slot = (*slot).min((lane >> 32) as u32);
        }
    }
    shingles.len() - eights.remainder().len()
}
