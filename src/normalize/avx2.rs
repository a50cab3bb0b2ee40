//! The ASCII word splitter of [`super::ascii_words`] with AVX2, for CPUs that
//! have it but not AVX-512 (most x86 machines: Intel before Ice Lake and its
//! client parts, AMD before Zen 4); it takes Latin-1 letters too.
//!
//! Why: without a vector path these CPUs took the SWAR splitter, 4× slower
//! than the AVX-512 one (criterion `normalize/ascii` on Zen 4: 8.8 against
//! 2.2 ms). The classification is the AVX-512 splitter's, two 32-byte halves
//! at a time, with the same mask arithmetic ([`super::blocks`]). AVX2 has no
//! byte compress, so the kept bytes are packed eight at a time: a 256-entry
//! table gives, for each 8-bit keep mask, the `pshufb` indices that move the
//! kept bytes to the front, and the write position advances by the mask's
//! popcount. Every byte not kept is made a space first, so the spaces that
//! stand before words come out of the same shuffle.
//!
//! The result is byte for byte that of the portable path: property tests run
//! both on the same inputs (`tests::vector_splitters_match_portable`).

use std::arch::x86_64::*;

use super::blocks::ByteClasses;

/// Whether this process may ([`crate::cpu`]) and this CPU can run
/// [`ascii_words`]. Both answers are cached, so asking per call is cheap.
pub(super) fn available() -> bool {
    crate::cpu::avx2_allowed()
        && is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("popcnt")
}

/// For each 8-bit mask, the indices of its set bits in increasing order, one
/// per byte from the lowest (the `pshufb` control that packs those bytes to
/// the front); the bytes past them are 0 (their result is overwritten).
static PACK: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut mask = 0;
    while mask < 256 {
        let (mut entry, mut filled, mut bit) = (0u64, 0, 0);
        while bit < 8 {
            if mask & (1 << bit) != 0 {
                entry |= (bit as u64) << (8 * filled);
                filled += 1;
            }
            bit += 1;
        }
        table[mask] = entry;
        mask += 1;
    }
    table
};

/// [`super::ascii_words`] on AVX2; same contract and result.
///
/// # Safety
///
/// The CPU must have the features [`available`] checks (the only unsafety is
/// calling a function compiled for them; memory is reached through
/// bounds-checked array references).
#[target_feature(enable = "avx2,popcnt")]
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
            let (low, high) = block.split_at(32);
            let (low, high): (&[u8; 32], &[u8; 32]) = (
                low.try_into().expect("32 bytes"),
                high.try_into().expect("32 bytes"),
            );
            // SAFETY: each is a reference to 32 readable bytes; the loads have
            // no alignment requirement.
            let (low, high) = unsafe {
                (
                    _mm256_loadu_si256(low.as_ptr().cast()),
                    _mm256_loadu_si256(high.as_ptr().cast()),
                )
            };
            let (low_classes, low_out) = classify_half(low, lowercase);
            let (high_classes, high_out) = classify_half(high, lowercase);
            (join(low_classes, high_classes), [low_out, high_out])
        },
        |halves, _spaces, keep, dest| {
            let quarters = [
                _mm256_castsi256_si128(halves[0]),
                _mm256_extracti128_si256::<1>(halves[0]),
                _mm256_castsi256_si128(halves[1]),
                _mm256_extracti128_si256::<1>(halves[1]),
            ];
            let mut len = 0usize;
            for (q, quarter) in quarters.into_iter().enumerate() {
                for eighth in 0..2 {
                    let mask = (keep >> (16 * q + 8 * eighth)) as u8;
                    // Indices into the quarter's upper eight bytes for the
                    // second eighth.
                    let control = PACK[mask as usize] + 0x0808_0808_0808_0808 * eighth as u64;
                    let packed = _mm_shuffle_epi8(quarter, _mm_cvtsi64_si128(control as i64));
                    // At most 8 bytes per eighth so far: `len + 8 <= 64`.
                    dest[len..len + 8].copy_from_slice(&_mm_cvtsi128_si64(packed).to_le_bytes());
                    len += mask.count_ones() as usize;
                }
            }
        },
    )
}

/// The classes of 32 bytes (in the low 32 bits of each mask), and the bytes to
/// pack: letters and digits as they are (lowered if asked), every other byte a
/// space.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn classify_half(v: __m256i, lowercase: bool) -> (ByteClasses, __m256i) {
    // x - lo <= count - 1, unsigned: the byte is in lo..lo + count.
    let in_range = |lo: u8, count: u8| {
        let shifted = _mm256_sub_epi8(v, _mm256_set1_epi8(lo as i8));
        _mm256_cmpeq_epi8(
            _mm256_min_epu8(shifted, _mm256_set1_epi8((count - 1) as i8)),
            shifted,
        )
    };
    let equal = |b: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8));
    let bits = |x: __m256i| u64::from(_mm256_movemask_epi8(x) as u32);
    // Bytes from 0x80 up belong to Latin-1 letters (`C3 80..BF`), the only
    // non-ASCII characters callers pass; their uppercase ones end in 80..9E.
    let upper = _mm256_or_si256(in_range(b'A', 26), in_range(0x80, 0x1F));
    let ascii_letters = _mm256_or_si256(upper, in_range(b'a', 26));
    let digits = in_range(b'0', 10);
    let high = bits(v);
    let classes = ByteClasses {
        letters: bits(ascii_letters) | high,
        high,
        digits: bits(digits),
        colons: bits(equal(b':')),
        commas: bits(_mm256_or_si256(equal(b','), equal(b';'))),
        dots: bits(_mm256_or_si256(equal(b'.'), equal(b'\''))),
        underscores: bits(equal(b'_')),
    };
    let lowered = if lowercase {
        _mm256_add_epi8(v, _mm256_and_si256(upper, _mm256_set1_epi8(0x20)))
    } else {
        v
    };
    // The top bit of each selector byte picks: set for letters, digits and
    // (through `v` itself) bytes from 0x80 up.
    let keep_byte = _mm256_or_si256(_mm256_or_si256(ascii_letters, digits), v);
    let packed_bytes = _mm256_blendv_epi8(_mm256_set1_epi8(b' ' as i8), lowered, keep_byte);
    (classes, packed_bytes)
}

/// One block's classes from those of its halves.
#[inline(always)]
fn join(low: ByteClasses, high: ByteClasses) -> ByteClasses {
    let both = |a: u64, b: u64| a | (b << 32);
    ByteClasses {
        letters: both(low.letters, high.letters),
        high: both(low.high, high.high),
        digits: both(low.digits, high.digits),
        colons: both(low.colons, high.colons),
        commas: both(low.commas, high.commas),
        dots: both(low.dots, high.dots),
        underscores: both(low.underscores, high.underscores),
    }
}
