//! Word shingles with AVX-512 (F, BW, DQ, VBMI2), for CPUs that have it.
//!
//! Why (profiled on the 1 GB corpus once normalization was vectorized): the
//! shingler had become the largest cost of `dedup` (22%). A quarter of it went to
//! finding the spaces eight bytes at a time, and most of the rest to hashing
//! word by word and to the rolling polynomial, whose windows form one
//! dependency chain of multiplies. Here, in three passes over the document:
//!
//! 1. one compare finds 64 bytes' spaces and one compress packs their
//!    positions: the word ends, with no branch per word;
//! 2. words are hashed eight at a time ([`hash_words_in_place`]);
//! 3. windows are computed eight at a time straight from the definition,
//!    `Σ wᵢ₊ⱼ·Pⁿ⁻¹⁻ʲ`, with 64-bit vector multiplies: no window waits for the
//!    one before.
//!
//! The arithmetic is the same (mod 2⁶⁴), so the hashes are identical to the
//! portable path's (property-tested against it and against the definition).

use std::arch::x86_64::*;

use super::{Shingler, WORD_BASE};

/// Whether this process may ([`crate::cpu`]) and this CPU can run
/// [`word_shingles`]. Both answers are cached, so asking per call is cheap.
pub(super) fn available() -> bool {
    crate::cpu::avx512_allowed()
        && is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512dq")
        && is_x86_feature_detected!("avx512vbmi2")
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
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vbmi2,bmi1,bmi2")]
pub(super) unsafe fn word_shingles(shingler: &Shingler, text: &[u8], out: &mut Vec<u64>) {
    debug_assert!(out.is_empty(), "`shingle` clears `out` first");
    // Word ends first: every space ends a word, and so does the text's end.
    // They are written where the word hashes will go: each block's space
    // positions are packed by one compress and widened eight at a time, with
    // no branch per word. `out` is kept 64 entries longer than the ends found
    // so far; what lies past them is scratch, overwritten or cut off.
    let space = _mm512_set1_epi8(b' ' as i8);
    let byte_index = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
        40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,
        17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
    );
    let mut padded = [0u8; 64];
    let mut ends = 0;
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
        let spaces = _mm512_cmpeq_epi8_mask(v, space);
        let count = spaces.count_ones() as usize;
        if count == 0 {
            continue;
        }
        let mut positions = [0u8; 64];
        let packed = _mm512_maskz_compress_epi8(spaces, byte_index);
        // SAFETY: `positions` is 64 writable bytes; no alignment requirement.
        unsafe { _mm512_storeu_si512(positions.as_mut_ptr().cast(), packed) };
        if out.len() < ends + 64 {
            out.resize(ends + 64, 0);
        }
        let base_lanes = _mm512_set1_epi64(base as i64);
        for group in 0..count.div_ceil(8) {
            let eight = u64::from_le_bytes(
                positions[8 * group..8 * group + 8]
                    .try_into()
                    .expect("8 bytes"),
            );
            let wide = _mm512_add_epi64(
                _mm512_cvtepu8_epi64(_mm_cvtsi64_si128(eight as i64)),
                base_lanes,
            );
            let dest: &mut [u64; 8] = (&mut out[ends + 8 * group..ends + 8 * group + 8])
                .try_into()
                .expect("8 entries");
            // SAFETY: `dest` is a reference to 64 writable bytes.
            unsafe { _mm512_storeu_si512(dest.as_mut_ptr().cast(), wide) };
        }
        ends += count;
    }
    out.truncate(ends);
    out.push(text.len() as u64);
    hash_words_in_place(shingler, text, out);

    if shingler.one_window(out) {
        return;
    }
    let n = shingler.ngram;
    let words = out.len();
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

/// Replaces the word ends in `words` (one per word, in order, the last the
/// text's length) by the words' hashes, [`Shingler::word_hash`], eight words
/// at a time.
///
/// Why: hashing word by word cost ~17 cycles a word (profiled: the shingler's
/// largest part). Here the eight words' first and last eight bytes are
/// fetched by two gathers, and which hash a word gets (up to 8 bytes, 9 to
/// 16, longer) is chosen per lane by masks; only words over 16 bytes and words
/// within 8 bytes of the text's end are hashed one at a time.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,bmi1,bmi2")]
fn hash_words_in_place(shingler: &Shingler, text: &[u8], words: &mut [u64]) {
    let [key0, key1] = shingler.word_keys;
    let key0 = _mm512_set1_epi64(key0 as i64);
    let key1 = _mm512_set1_epi64(key1 as i64);
    let text_len = _mm512_set1_epi64(text.len() as i64);
    let eight = _mm512_set1_epi64(8);
    // The end of the word before the current eight (-1: the first word starts at 0).
    let mut previous_end = -1i64;
    let mut at = 0;
    while at + 8 <= words.len() {
        let chunk: &mut [u64; 8] = (&mut words[at..at + 8]).try_into().expect("8 words");
        // SAFETY: `chunk` is a reference to 64 readable bytes; the load has no
        // alignment requirement.
        let ends = unsafe { _mm512_loadu_si512(chunk.as_ptr().cast()) };
        let last_end = chunk[7] as i64;
        let starts = _mm512_add_epi64(
            _mm512_alignr_epi64::<7>(ends, _mm512_set1_epi64(previous_end)),
            _mm512_set1_epi64(1),
        );
        previous_end = last_end;
        let len = _mm512_sub_epi64(ends, starts);
        let short = _mm512_cmple_epu64_mask(len, eight);
        let medium = _mm512_cmple_epu64_mask(len, _mm512_set1_epi64(16)) & !short;
        // Eight bytes from the start must lie inside the text (they do for every
        // word that is not near the text's end, and for every longer word).
        let head_inside = _mm512_cmple_epu64_mask(_mm512_add_epi64(starts, eight), text_len);
        // SAFETY: lanes whose mask bit is set read the 8 bytes at `start`, and
        // `start + 8 <= text.len()` for exactly those lanes; the others are not
        // read.
        let head = unsafe {
            _mm512_mask_i64gather_epi64::<1>(
                _mm512_setzero_si512(),
                head_inside,
                starts,
                text.as_ptr().cast(),
            )
        };
        // Up to 8 bytes: the word's bytes, zero-padded (a shift by 64 or more
        // gives 0, as an empty word needs).
        let unused_bits = _mm512_sub_epi64(_mm512_set1_epi64(64), _mm512_slli_epi64::<3>(len));
        let word_bits = _mm512_srlv_epi64(_mm512_set1_epi64(-1), unused_bits);
        let first = _mm512_mask_and_epi64(head, short, head, word_bits);
        let mut hashes = mix64x8(_mm512_xor_si512(first, key0));
        if medium != 0 {
            // SAFETY: a lane of `medium` holds a word of 9 to 16 bytes ending at
            // `end <= text.len()`, so the 8 bytes at `end - 8` lie inside the
            // text; other lanes are not read.
            let tail = unsafe {
                _mm512_mask_i64gather_epi64::<1>(
                    _mm512_setzero_si512(),
                    medium,
                    _mm512_sub_epi64(ends, eight),
                    text.as_ptr().cast(),
                )
            };
            let second = mix64x8(_mm512_xor_si512(tail, key1));
            hashes = _mm512_mask_xor_epi64(hashes, medium, hashes, second);
        }
        let one_at_a_time = !(short | medium) | !head_inside;
        let mut bounds = [[0u64; 8]; 2];
        if one_at_a_time != 0 {
            // SAFETY: each store is to a `[u64; 8]`, 64 writable bytes.
            unsafe {
                _mm512_storeu_si512(bounds[0].as_mut_ptr().cast(), starts);
                _mm512_storeu_si512(bounds[1].as_mut_ptr().cast(), ends);
            }
        }
        // SAFETY: `chunk` is a reference to 64 writable bytes.
        unsafe { _mm512_storeu_si512(chunk.as_mut_ptr().cast(), hashes) };
        let mut lanes = one_at_a_time;
        while lanes != 0 {
            let k = lanes.trailing_zeros() as usize;
            chunk[k] = shingler.word_hash(&text[bounds[0][k] as usize..bounds[1][k] as usize]);
            lanes &= lanes - 1;
        }
        at += 8;
    }
    // The last few words, one at a time.
    let mut start = (previous_end + 1) as usize;
    for word in &mut words[at..] {
        let end = *word as usize;
        *word = shingler.word_hash(&text[start..end]);
        start = end + 1;
    }
}

/// [`super::mix64`] on each of eight lanes.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
pub(crate) fn mix64x8(mut x: __m512i) -> __m512i {
    x = _mm512_xor_si512(x, _mm512_srli_epi64::<33>(x));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64(0xFF51_AFD7_ED55_8CCDu64 as i64));
    x = _mm512_xor_si512(x, _mm512_srli_epi64::<33>(x));
    x = _mm512_mullo_epi64(x, _mm512_set1_epi64(0xC4CE_B9FE_1A85_EC53u64 as i64));
    _mm512_xor_si512(x, _mm512_srli_epi64::<33>(x))
}
