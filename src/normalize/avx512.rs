//! The ASCII word splitter of [`super::ascii_words`], 64 bytes at a time with
//! AVX-512 (F, BW, VBMI2), for CPUs that have it; it takes Latin-1 letters too.
//!
//! Why: `ascii_words` was the largest single cost of `dedup` (19% of the
//! profile on the 1 GB corpus) even eight bytes at a time, because it still
//! branches at every change between word and separator. Here a 64-byte block is
//! classified into bit masks by one compare per class, the bytes to keep are
//! chosen with mask arithmetic alone ([`super::blocks`], no branch per word),
//! and one `vpcompressb` packs them.
//!
//! The result is byte for byte that of the portable path: property tests run
//! both on the same inputs (`tests::vector_splitters_match_portable`).

use std::arch::x86_64::*;

use super::blocks::ByteClasses;

/// Whether this process may ([`crate::cpu`]) and this CPU can run
/// [`ascii_words`]. Both answers are cached, so asking per call is cheap.
pub(super) fn available() -> bool {
    crate::cpu::avx512_allowed()
        && is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512vbmi2")
        && is_x86_feature_detected!("popcnt")
}

/// [`super::ascii_words`] on AVX-512; same contract and result.
///
/// # Safety
///
/// The CPU must have the features [`available`] checks (the only unsafety is
/// calling a function compiled for them; memory is reached through bounds-checked
/// array references).
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi2,popcnt")]
pub(super) unsafe fn ascii_words(
    text: &str,
    lowercase: bool,
    scratch: &mut Vec<u8>,
    out: &mut String,
) -> usize {
    super::blocks::split(
        text,
        scratch,
        out,
        |block| {
            // SAFETY: `block` is a reference to 64 readable bytes; the load has
            // no alignment requirement.
            let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
            classify(v)
        },
        |&(v, upper), spaces, keep, dest| {
            let mut bytes_out = v;
            if lowercase {
                bytes_out =
                    _mm512_mask_add_epi8(bytes_out, upper, bytes_out, _mm512_set1_epi8(0x20));
            }
            bytes_out = _mm512_mask_mov_epi8(bytes_out, spaces, _mm512_set1_epi8(b' ' as i8));
            let packed = _mm512_maskz_compress_epi8(keep, bytes_out);
            // SAFETY: `dest` is a reference to 64 writable bytes; the store has
            // no alignment requirement.
            unsafe { _mm512_storeu_si512(dest.as_mut_ptr().cast(), packed) };
        },
    )
}

/// The classes of the 64 bytes of `v`, and what packing needs: the bytes
/// themselves and the uppercase mask (`A..=Z` and the second bytes of `À..Þ`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi2,popcnt")]
fn classify(v: __m512i) -> (ByteClasses, (__m512i, u64)) {
    let in_range = |lo: u8, count: u8| {
        _mm512_cmplt_epu8_mask(
            _mm512_sub_epi8(v, _mm512_set1_epi8(lo as i8)),
            _mm512_set1_epi8(count as i8),
        )
    };
    let equal = |b: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8));
    // Bytes from 0x80 up belong to Latin-1 letters (`C3 80..BF`), the only
    // non-ASCII characters callers pass; their uppercase ones end in 80..9E
    // (`×`, `C3 97`, is never passed).
    let high = _mm512_movepi8_mask(v);
    let upper = in_range(b'A', 26) | in_range(0x80, 0x1F);
    let classes = ByteClasses {
        letters: upper | in_range(b'a', 26) | high,
        high,
        digits: in_range(b'0', 10),
        colons: equal(b':'),
        commas: equal(b',') | equal(b';'),
        dots: equal(b'.') | equal(b'\''),
        underscores: equal(b'_'),
    };
    (classes, (v, upper))
}
