//! The rules of [`super::ascii_words`] restated on bit masks over 64-byte
//! blocks (bit j for byte j), shared by the vector splitters ([`super::avx512`],
//! [`super::avx2`]): they classify a block's bytes with vector compares, and
//! everything from there to "which bytes are kept" is the scalar mask
//! arithmetic here, with no branch per word. Then each packs the kept bytes
//! its own way.
//!
//! The splitters also take the letters of Latin-1 (`C3 80..BF`, see
//! [`super::is_latin1_letter`]): every byte from 0x80 up is a letter byte, and
//! the uppercase ones lower by adding 0x20 to their second byte, so accented
//! Western European text stays on the fast path.
//!
//! The rules, on masks:
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

/// What one block tells the next.
pub(super) struct Carry {
    /// The last byte of the previous block is a letter (1) or not (0).
    prev_letter: u64,
    /// The last byte of the previous block is a digit (1) or not (0).
    prev_digit: u64,
    /// The nearest non-`C` byte before the block is `B`, or there is none (1).
    after_separator: u64,
}

impl Carry {
    /// The state before a text's first block: a letter at its start begins a
    /// word.
    pub(super) fn start() -> Carry {
        Carry {
            prev_letter: 0,
            prev_digit: 0,
            after_separator: 1,
        }
    }
}

/// The byte classes a splitter reads off one block with vector compares.
pub(super) struct ByteClasses {
    /// `A..=Z`, `a..=z` and every byte from 0x80 up (Latin-1 letters).
    pub letters: u64,
    /// Bytes from 0x80 up (the output is not all ASCII if any).
    pub high: u64,
    /// `0..=9`.
    pub digits: u64,
    /// `:`.
    pub colons: u64,
    /// `,` and `;`.
    pub commas: u64,
    /// `.` and `'`.
    pub dots: u64,
    /// `_`.
    pub underscores: u64,
}

/// What the rules make of a block.
pub(super) struct Words {
    /// Letters and digits (`A`): the bytes kept as they are (lowered).
    pub alphanumeric: u64,
    /// `A` bytes that begin a word.
    pub starts: u64,
}

/// Applies the rules to a block whose classes are `classes`, followed by the
/// byte `next` (a space past the text's end), and updates `carry` for the
/// block after.
#[inline(always)]
pub(super) fn words(classes: &ByteClasses, next: u8, carry: &mut Carry) -> Words {
    let ByteClasses {
        letters,
        high: _,
        digits,
        colons,
        commas,
        dots,
        underscores,
    } = *classes;
    let alphanumeric = letters | digits;
    let next_letter = u64::from(next.is_ascii_alphabetic() || !next.is_ascii());
    let next_digit = u64::from(next.is_ascii_digit());
    let letter_before = (letters << 1) | carry.prev_letter;
    let letter_after = (letters >> 1) | (next_letter << 63);
    let digit_before = (digits << 1) | carry.prev_digit;
    let digit_after = (digits >> 1) | (next_digit << 63);
    let between_letters = letter_before & letter_after;
    let between_digits = digit_before & digit_after;
    let joined = (colons & between_letters)
        | (commas & between_digits)
        | (dots & (between_letters | between_digits));
    let continues = underscores | joined;
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
    Words {
        alphanumeric,
        starts: alphanumeric & after_separator,
    }
}

/// The loop both vector splitters share: walks `text` in 64-byte blocks (the
/// tail padded with spaces), asks `classify` for each block's classes (and
/// whatever the splitter keeps for packing), applies [`words`], and asks
/// `pack` to store the kept bytes at the write position. Returns the number of
/// words appended to `out`.
///
/// `pack(state, spaces, keep, dest)` must write, packed at the start of
/// `dest`, the block's bytes whose bit is set in `keep`, in order: the
/// alphanumeric ones (lowered if asked) and, at the bits of `spaces`, a space.
///
/// `#[inline(always)]`, so that it and the closures are compiled inside the
/// splitter, with its target features.
#[inline(always)]
pub(super) fn split<S>(
    text: &str,
    scratch: &mut Vec<u8>,
    out: &mut String,
    mut classify: impl FnMut(&[u8; 64]) -> (ByteClasses, S),
    mut pack: impl FnMut(&S, u64, u64, &mut [u8; 64]),
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
    let mut carry = Carry::start();
    let mut words_seen = 0usize;
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
        let (classes, state) = classify(block);
        let found = words(&classes, next, &mut carry);
        let mut starts = found.starts;
        if words_seen == 0 && starts != 0 {
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
        let keep = found.alphanumeric | spaces;
        let dest: &mut [u8; 64] = (&mut scratch[len..len + 64]).try_into().expect("64 bytes");
        pack(&state, spaces, keep, dest);
        high |= classes.high;
        len += keep.count_ones() as usize;
        words_seen += found.starts.count_ones() as usize;
        at += 64;
    }
    super::append_words(&scratch[..len], words_seen, high == 0, out);
    words_seen
}
