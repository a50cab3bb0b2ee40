//! The ASCII word splitter of [`super::ascii_words`], 64 bytes at a time with
//! AVX-512 (F, BW, VBMI2), for CPUs that have it. It also takes the letters of
//! Latin-1 (`C3 80..BF`, see [`super::is_latin1_letter`]): every byte from 0x80
//! up is a letter byte, and the uppercase ones lower by adding 0x20 to their
//! second byte, so accented Western European text stays on this path.
//!
//! Why: `ascii_words` was the largest single cost of `dedup` (19% of the
//! profile on the 1 GB corpus) even eight bytes at a time, because it still
//! branches at every change between word and separator. Here a 64-byte block is
//! classified into bit masks, the bytes to keep are chosen with mask arithmetic
//! alone (no branch per word), and one `vpcompressb` packs them. The rules are
//! those of `ascii_words`, restated on masks:
//!
//! - `A`: letters (ASCII and Latin-1 bytes) and digits, kept (lowered);
//! - `C`: bytes that continue a word and are dropped: `_`, and a joiner between
//!   the letters or digits it joins (`: . '` between letters, `, ; . '` between
//!   digits);
//! - `B`: everything else, which ends a word.
//!
//! With `C` deleted, the words are the runs of `A`. A word starts at an `A`
//! byte whose nearest non-`C` byte before it is `B` (or that has none); every
//! word but the first is preceded by one space, which takes the place of the
//! byte just before the word's first letter (a `B` or `C` byte, never kept).
//!
//! The result is byte for byte that of the portable path: property tests run
//! both on the same inputs (`tests::avx512_matches_portable`).

use std::arch::x86_64::*;

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
    let bytes = text.as_bytes();
    debug_assert!(text
        .chars()
        .all(|c| c.is_ascii() || super::is_latin1_letter(c)));
    let n = bytes.len();
    // Each block stores 64 bytes at the write position, which never passes the
    // read position (every kept byte stands for one input byte), so n + 64
    // bytes always suffice. The buffer only grows.
    if scratch.len() < n + 64 {
        scratch.resize(n + 64, 0);
    }
    let mut carry = Carry {
        prev_letter: 0,
        prev_digit: 0,
        // Nothing before the text: a letter at its start begins a word.
        after_separator: 1,
    };
    let mut words = 0usize;
    let mut len = 0usize;
    let mut at = 0usize;
    let mut padded = [b' '; 64];
    // Any byte of a Latin-1 letter seen (the output is not all ASCII then).
    let mut high = 0u64;
    while at < n {
        let block: &[u8; 64] = match bytes.get(at..at + 64) {
            Some(full) => full.try_into().expect("64 bytes"),
            None => {
                // The tail, padded with spaces: separators, as the end of the
                // text is.
                padded[..n - at].copy_from_slice(&bytes[at..]);
                &padded
            }
        };
        let next = bytes.get(at + 64).copied().unwrap_or(b' ');
        // SAFETY: `block` is a reference to 64 readable bytes; the load has no
        // alignment requirement.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        let masks = classify(v, next, &mut carry);
        high |= masks.latin1;
        let mut starts = masks.word_starts;
        if words == 0 && starts != 0 {
            // The first word of the text has no space before it.
            starts &= starts - 1;
        }
        if starts & 1 != 0 {
            // A word starting at the block's first byte takes its space from
            // the last byte of the previous block, which was not kept.
            scratch[len] = b' ';
            len += 1;
        }
        let spaces = starts >> 1;
        let keep = masks.alphanumeric | spaces;
        let mut bytes_out = v;
        if lowercase {
            bytes_out =
                _mm512_mask_add_epi8(bytes_out, masks.upper, bytes_out, _mm512_set1_epi8(0x20));
        }
        bytes_out = _mm512_mask_mov_epi8(bytes_out, spaces, _mm512_set1_epi8(b' ' as i8));
        let packed = _mm512_maskz_compress_epi8(keep, bytes_out);
        let dest: &mut [u8; 64] = (&mut scratch[len..len + 64]).try_into().expect("64 bytes");
        // SAFETY: `dest` is a reference to 64 writable bytes; the store has no
        // alignment requirement.
        unsafe { _mm512_storeu_si512(dest.as_mut_ptr().cast(), packed) };
        len += keep.count_ones() as usize;
        words += masks.word_starts.count_ones() as usize;
        at += 64;
    }
    super::append_words(&scratch[..len], words, high == 0, out);
    words
}

/// What one block tells the next.
struct Carry {
    /// The last byte of the previous block is a letter (1) or not (0).
    prev_letter: u64,
    /// The last byte of the previous block is a digit (1) or not (0).
    prev_digit: u64,
    /// The nearest non-`C` byte before the block is `B`, or there is none (1).
    after_separator: u64,
}

/// A block's masks, bit j for byte j.
struct Masks {
    /// Letters and digits (`A`).
    alphanumeric: u64,
    /// Uppercase: `A..=Z` and the second bytes of `À..Þ`.
    upper: u64,
    /// Bytes of Latin-1 letters.
    latin1: u64,
    /// `A` bytes that begin a word.
    word_starts: u64,
}

/// Classifies the 64 bytes of `v`, followed by the byte `next`, and updates
/// `carry` for the block after.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi2,popcnt")]
fn classify(v: __m512i, next: u8, carry: &mut Carry) -> Masks {
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
    let latin1 = _mm512_movepi8_mask(v);
    let upper = in_range(b'A', 26) | in_range(0x80, 0x1F);
    let letters = upper | in_range(b'a', 26) | latin1;
    let digits = in_range(b'0', 10);
    let alphanumeric = letters | digits;

    let next_letter = u64::from(next.is_ascii_alphabetic() || !next.is_ascii());
    let next_digit = u64::from(next.is_ascii_digit());
    let letter_before = (letters << 1) | carry.prev_letter;
    let letter_after = (letters >> 1) | (next_letter << 63);
    let digit_before = (digits << 1) | carry.prev_digit;
    let digit_after = (digits >> 1) | (next_digit << 63);
    let between_letters = letter_before & letter_after;
    let between_digits = digit_before & digit_after;
    let joined = (equal(b':') & between_letters)
        | ((equal(b',') | equal(b';')) & between_digits)
        | ((equal(b'.') | equal(b'\'')) & (between_letters | between_digits));
    let continues = equal(b'_') | joined;
    let separators = !(alphanumeric | continues);

    // Bytes whose nearest non-C byte before them is B (or absent): right
    // after a B, or after a run of C that comes right after a B. The runs are
    // crossed by addition: a carry entering a run at its first byte ripples
    // to the byte after its last.
    let after_b = (separators << 1) | carry.after_separator;
    let run_entries = after_b & continues;
    let (rippled, carry_out) = continues.overflowing_add(run_entries);
    let after_separator = (after_b & !continues) | (rippled & !continues);

    carry.prev_letter = letters >> 63;
    carry.prev_digit = digits >> 63;
    carry.after_separator = (separators >> 63) | u64::from(carry_out);
    Masks {
        alphanumeric,
        upper,
        latin1,
        word_starts: alphanumeric & after_separator,
    }
}
