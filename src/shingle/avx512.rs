//! Word shingles with AVX-512 (F, BW, DQ), for CPUs that have it.
//!
//! Why (profiled on the 1 GB corpus once normalization was vectorized): the
//! shingler had become the largest cost of `dedup` (22%). A quarter of it went to
//! finding the spaces eight bytes at a time, and most of the rest to the
//! rolling polynomial, whose windows form one dependency chain of multiplies.
//! Here one compare finds 64 bytes' spaces, and the windows are computed eight
//! at a time straight from the definition, `Σ wᵢ₊ⱼ·Pⁿ⁻¹⁻ʲ`, with 64-bit vector
//! multiplies: no window waits for the one before. The arithmetic is the same
//! mod 2⁶⁴, so the hashes are identical to the portable path's (tested).

use std::arch::x86_64::*;

use super::{combine_word_hashes, Shingler, WORD_BASE};

/// Whether this CPU can run [`word_shingles`]. `is_x86_feature_detected!`
/// caches its answer, so asking per call is cheap.
pub(super) fn available() -> bool {
    is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512dq")
        && is_x86_feature_detected!("bmi1")
        && is_x86_feature_detected!("bmi2")
}

/// Windows computed eight at a time need up to this many powers of P; longer
/// n-grams take the portable rolling loop for their windows.
const MAX_VECTOR_NGRAM: usize = 16;

/// [`Shingler::word_shingles_portable`] on AVX-512; same contract and result.
///
/// # Safety
///
/// The CPU must have the features [`available`] checks (the only unsafety is
/// calling a function compiled for them; memory is reached through
/// bounds-checked array references).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,bmi1,bmi2")]
pub(super) unsafe fn word_shingles(shingler: &Shingler, text: &[u8], out: &mut Vec<u64>) {
    let space = _mm512_set1_epi8(b' ' as i8);
    let mut start = 0;
    let mut padded = [0u8; 64];
    for base in (0..text.len()).step_by(64) {
        let block: &[u8; 64] = match text.get(base..base + 64) {
            Some(full) => full.try_into().expect("64 bytes"),
            None => {
                // The tail, padded with NUL (never a space).
                padded[..text.len() - base].copy_from_slice(&text[base..]);
                &padded
            }
        };
        // SAFETY: `block` is a reference to 64 readable bytes; the load has no
        // alignment requirement.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        let mut spaces = _mm512_cmpeq_epi8_mask(v, space);
        while spaces != 0 {
            let at = base + spaces.trailing_zeros() as usize;
            out.push(shingler.word_hash_at(text, start, at));
            start = at + 1;
            spaces &= spaces - 1;
        }
    }
    out.push(shingler.word_hash_at(text, start, text.len()));

    let n = shingler.ngram;
    let words = out.len();
    if words <= n {
        let all = combine_word_hashes(out);
        out.clear();
        out.push(all);
        return;
    }
    let windows = words - n + 1;
    let mut done = 0;
    if n <= MAX_VECTOR_NGRAM {
        // powers[j] = Pⁿ⁻¹⁻ʲ, the weight of a window's word j.
        let mut powers = [_mm512_set1_epi64(1); MAX_VECTOR_NGRAM];
        let mut power = 1u64;
        for j in (0..n).rev() {
            powers[j] = _mm512_set1_epi64(power as i64);
            power = power.wrapping_mul(WORD_BASE);
        }
        // Windows done..done + 8 read word hashes done..done + 7 + n and are
        // written over hashes done..done + 8, after every read of the step;
        // later steps only read hashes from done + 8 on.
        while done + 8 + n - 1 <= words {
            let mut poly = _mm512_setzero_si512();
            for (j, weight) in powers[..n].iter().enumerate() {
                let hashes: &[u64; 8] = out[done + j..done + j + 8].try_into().expect("8 hashes");
                // SAFETY: `hashes` is a reference to 8 readable u64s; the load
                // has no alignment requirement.
                let w = unsafe { _mm512_loadu_si512(hashes.as_ptr().cast()) };
                poly = _mm512_add_epi64(poly, _mm512_mullo_epi64(w, *weight));
            }
            let mixed = mix64x8(poly);
            let dest: &mut [u64; 8] = (&mut out[done..done + 8]).try_into().expect("8 hashes");
            // SAFETY: `dest` is a reference to 8 writable u64s; the store has no
            // alignment requirement.
            unsafe { _mm512_storeu_si512(dest.as_mut_ptr().cast(), mixed) };
            done += 8;
        }
    }
    // The last windows (fewer than eight, or all of them for long n-grams),
    // by the rolling loop.
    if done < windows {
        shingler.roll_windows(out, done, windows);
    }
    out.truncate(windows);
}

/// [`super::mix64`] on each of eight lanes.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
fn mix64x8(mut x: __m512i) -> __m512i {
    x = _mm512_xor_si512(x, _mm512_srli_epi64::<33>(x));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64(0xFF51_AFD7_ED55_8CCDu64 as i64));
    x = _mm512_xor_si512(x, _mm512_srli_epi64::<33>(x));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64(0xC4CE_B9FE_1A85_EC53u64 as i64));
    _mm512_xor_si512(x, _mm512_srli_epi64::<33>(x))
}
