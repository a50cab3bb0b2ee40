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

use std::arch::x86_64::*;

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
