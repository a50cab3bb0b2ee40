//! Shingling: a normalized document becomes the set of its n-grams, each hashed to
//! 64 bits.
//!
//! Word shingles are n consecutive normalized words. Each word is hashed once
//! ([`Shingler::word_hash`]) and an n-word shingle's hash is a polynomial of its
//! word hashes, `Σ wⱼ·Pⁿ⁻¹⁻ʲ (mod 2⁶⁴)`, finished by a 64-bit mixer
//! ([`combine_word_hashes`]). The polynomial rolls: the next window costs one
//! multiply-subtract and one multiply-add, instead of hashing ~35 bytes again
//! (profiled: xxh3 of every 5-word slice was 13% of `dedup`). CPUs with
//! AVX-512 hash eight words at a time and compute eight windows at a time
//! straight from the sum instead (`avx512`), which gives the same values mod
//! 2⁶⁴. Distinct word
//! sequences collide with probability about 2⁻⁶⁴ as for any 64-bit hash, since
//! the word hashes behave as random values.
//!
//! Most words are short, and a general-purpose hash call per word still cost 8%
//! (profiled), so words of up to 16 bytes are hashed inline: up to 8 bytes are
//! read as one zero-padded little-endian integer and mixed by a bijection (no
//! two such words collide, as normalized words hold no NUL byte); 9 to 16 bytes
//! as two overlapping integers mixed under different keys. Longer words use xxh3.
//!
//! Character shingles are n consecutive characters of the normalized text
//! (spaces included), each slice hashed with xxh3.
//!
//! A document with fewer than n words (or characters) gets one shingle: all of
//! it. An empty document has no shingles; callers treat it as unique.
//!
//! ```
//! use shingle::shingle::{Shingler, ShingleKind};
//! let shingler = Shingler::new(ShingleKind::Words, 2, 0);
//! let mut hashes = Vec::new();
//! shingler.shingle("a b c", &mut hashes);
//! assert_eq!(hashes.len(), 2); // "a b", "b c"
//! shingler.shingle("a", &mut hashes);
//! assert_eq!(hashes.len(), 1); // short documents still get one shingle
//! ```

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// What a shingle is made of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum ShingleKind {
    /// n consecutive words (UAX #29 words; single characters in unspaced scripts).
    Words,
    /// n consecutive characters of the normalized text.
    Chars,
}

impl ShingleKind {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            ShingleKind::Words => "words",
            ShingleKind::Chars => "chars",
        }
    }
}

/// Turns normalized text into shingle hashes.
#[derive(Debug, Clone, Copy)]
pub struct Shingler {
    kind: ShingleKind,
    ngram: usize,
    seed: u64,
    /// Pⁿ⁻¹: what the word leaving a window contributed to its polynomial.
    leading_power: u64,
    /// Keys of the inline word hash, drawn from the seed.
    word_keys: [u64; 2],
}

impl Shingler {
    /// A shingler for `ngram`-grams of `kind`, hashing with xxh3 under `seed`.
    ///
    /// # Panics
    /// If `ngram` is 0 (configuration is validated before this is built).
    pub fn new(kind: ShingleKind, ngram: usize, seed: u64) -> Self {
        assert!(ngram > 0, "ngram must be at least 1");
        let leading_power = (1..ngram).fold(1u64, |p, _| p.wrapping_mul(WORD_BASE));
        let mut state = seed ^ 0x574F_5244_4B45_5953; // "WORDKEYS"
        let word_keys = [
            crate::minhash::splitmix64(&mut state),
            crate::minhash::splitmix64(&mut state),
        ];
        Shingler {
            kind,
            ngram,
            seed,
            leading_power,
            word_keys,
        }
    }

    /// The n of the n-grams.
    pub fn ngram(&self) -> usize {
        self.ngram
    }

    /// The kind of shingle.
    pub fn kind(&self) -> ShingleKind {
        self.kind
    }

    /// Hashes of all shingles of `normalized` (output of
    /// [`Normalizer::normalize`](crate::normalize::Normalizer::normalize)) into
    /// `out`, cleared first. Repeated shingles give repeated hashes; callers
    /// that need a set sort and deduplicate.
    pub fn shingle(&self, normalized: &str, out: &mut Vec<u64>) {
        out.clear();
        if normalized.is_empty() {
            return;
        }
        match self.kind {
            ShingleKind::Words => self.word_shingles(normalized.as_bytes(), out),
            ShingleKind::Chars => self.char_shingles(normalized, out),
        }
    }

    fn hash(&self, bytes: &[u8]) -> u64 {
        xxh3_64_with_seed(bytes, self.seed)
    }

    /// The hash of one normalized word: the definition the word shingles are
    /// built from (see the module documentation).
    ///
    /// ```
    /// use shingle::shingle::{Shingler, ShingleKind};
    /// let s = Shingler::new(ShingleKind::Words, 5, 1);
    /// assert_ne!(s.word_hash(b"river"), s.word_hash(b"rivers"));
    /// assert_ne!(s.word_hash(b"river"), Shingler::new(ShingleKind::Words, 5, 2).word_hash(b"river"));
    /// ```
    pub fn word_hash(&self, word: &[u8]) -> u64 {
        let n = word.len();
        if n <= 8 {
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(word);
            mix64(u64::from_le_bytes(padded) ^ self.word_keys[0])
        } else if n <= 16 {
            let head = u64::from_le_bytes(word[..8].try_into().expect("8 bytes"));
            let tail = u64::from_le_bytes(word[n - 8..].try_into().expect("8 bytes"));
            mix64(head ^ self.word_keys[0]) ^ mix64(tail ^ self.word_keys[1])
        } else {
            xxh3_64_with_seed(word, self.seed)
        }
    }

    /// [`Shingler::word_hash`] of `text[start..end]`, reading whole 8-byte
    /// integers out of `text` where it extends far enough (no copy). A word
    /// of 1 to 16 bytes takes no branch on its length: both halves are
    /// hashed and the second is kept only for a word over 8 bytes.
    #[inline(always)]
    fn word_hash_at(&self, text: &[u8], start: usize, end: usize) -> u64 {
        let n = end - start;
        // 1..=16 bytes (an empty word, which normalized text never has, takes
        // the general path like longer ones), and 8 bytes readable from the
        // start: then `end - 8` (or 0) is a readable 8 bytes too.
        if n.wrapping_sub(1) < 16 && start + 8 <= text.len() {
            let head = u64::from_le_bytes(text[start..start + 8].try_into().expect("8 bytes"));
            let tail_at = end.max(8) - 8;
            let tail = u64::from_le_bytes(text[tail_at..tail_at + 8].try_into().expect("8 bytes"));
            // Keep the word's first min(n, 8) bytes.
            let head = head & (u64::MAX >> (64 - 8 * n.min(8)));
            let long = 0u64.wrapping_sub(u64::from(n > 8));
            mix64(head ^ self.word_keys[0]) ^ (mix64(tail ^ self.word_keys[1]) & long)
        } else {
            self.word_hash(&text[start..end])
        }
    }

    /// Word shingles: CPUs with AVX-512 take [`avx512::word_shingles`], others
    /// [`Shingler::word_shingles_portable`]; both give the same hashes.
    fn word_shingles(&self, text: &[u8], out: &mut Vec<u64>) {
        #[cfg(target_arch = "x86_64")]
        if avx512::available() {
            // SAFETY: `available` checked that this CPU has every feature the
            // function is compiled for.
            return unsafe { avx512::word_shingles(self, text, out) };
        }
        self.word_shingles_portable(text, out);
    }

    /// Three passes, as on AVX-512: the word ends (a 64-byte block's spaces
    /// found at once, [`space_bits`]), then the words' hashes in place, then
    /// each window's polynomial rolled over them in place: window i only reads
    /// word hashes i.. and is written over word hash i once that is no longer
    /// needed, so there is no second buffer and no limit on n.
    ///
    /// Why passes (profiled with the vector paths off): word by word, the
    /// hash waited on the branch between the 8- and 16-byte cases, which the
    /// CPU mispredicts for every long word after a short one; apart, the
    /// hashing loop has no branch on the length ([`Shingler::word_hash_at`])
    /// and its iterations overlap.
    fn word_shingles_portable(&self, text: &[u8], out: &mut Vec<u64>) {
        // At most one word per two bytes, plus the last: one reservation, and
        // no capacity check per word below.
        out.reserve(text.len() / 2 + 1);
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
            let mut spaces = space_bits(block);
            while spaces != 0 {
                out.push((base + spaces.trailing_zeros() as usize) as u64);
                spaces &= spaces - 1;
            }
        }
        out.push(text.len() as u64);
        let mut start = 0;
        for word in out.iter_mut() {
            let end = *word as usize;
            *word = self.word_hash_at(text, start, end);
            start = end + 1;
        }
        if self.one_window(out) {
            return;
        }
        let windows = out.len() - self.ngram + 1;
        self.roll_windows(out, 0, windows);
        out.truncate(windows);
    }

    /// A document of at most n words is one shingle, all of it: replaces its
    /// word hashes in `out` by their combination and says so. Shared by both
    /// paths of [`Shingler::word_shingles`].
    fn one_window(&self, out: &mut Vec<u64>) -> bool {
        if out.len() > self.ngram {
            return false;
        }
        let all = combine_word_hashes(out);
        out.clear();
        out.push(all);
        true
    }

    /// Windows `from..windows` over the word hashes in `hashes`, each written
    /// over the hash of its first word, by rolling the polynomial.
    fn roll_windows(&self, hashes: &mut [u64], from: usize, windows: usize) {
        let n = self.ngram;
        let words = hashes.len();
        let mut poly = polynomial(&hashes[from..from + n]);
        for i in from..windows {
            let leaving = hashes[i];
            hashes[i] = mix64(poly);
            if i + n < words {
                poly = poly
                    .wrapping_sub(leaving.wrapping_mul(self.leading_power))
                    .wrapping_mul(WORD_BASE)
                    .wrapping_add(hashes[i + n]);
            }
        }
    }

    fn char_shingles(&self, text: &str, out: &mut Vec<u64>) {
        let n = self.ngram;
        let bytes = text.as_bytes();
        // Char boundaries as a sliding window over char_indices.
        let mut boundaries = text.char_indices().map(|(i, _)| i).chain([bytes.len()]);
        let mut ring = [0usize; 64];
        if n >= ring.len() {
            let all: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([bytes.len()])
                .collect();
            if all.len() <= n {
                out.push(self.hash(bytes));
            } else {
                for w in all.windows(n + 1) {
                    out.push(self.hash(&bytes[w[0]..w[n]]));
                }
            }
            return;
        }
        let mut seen = 0usize;
        for b in boundaries.by_ref() {
            ring[seen % (n + 1)] = b;
            seen += 1;
            if seen > n {
                let start = ring[(seen - n - 1) % (n + 1)];
                out.push(self.hash(&bytes[start..b]));
            }
        }
        if seen <= n {
            out.push(self.hash(bytes));
        }
    }
}

/// Bit j set where `block[j]` is a space. Normalized text has a space every
/// few bytes, where `memchr`, built for rare matches, paid a call per space
/// (profiled: 4% of `dedup`); this finds 64 bytes' worth at once with eight
/// 64-bit operations (SWAR) and the caller walks the bits.
#[inline]
fn space_bits(block: &[u8; 64]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut bits = 0u64;
    for (k, part) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(part.try_into().expect("8 bytes")) ^ (ONES * u64::from(b' '));
        // High bit of each byte set exactly where that byte of x is zero.
        let zero = !(((x & LOW7) + LOW7) | x | LOW7);
        // Gather the eight high bits into one byte, byte j to bit j.
        let byte = (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        bits |= byte << (8 * k);
    }
    bits
}

/// The odd multiplier P of the word-shingle polynomial.
const WORD_BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// `Σ wⱼ·Pᵐ⁻¹⁻ʲ (mod 2⁶⁴)` over the m word hashes, by Horner's rule.
fn polynomial(word_hashes: &[u64]) -> u64 {
    word_hashes
        .iter()
        .fold(0u64, |acc, &w| acc.wrapping_mul(WORD_BASE).wrapping_add(w))
}

/// MurmurHash3's 64-bit finalizer: every output bit depends on every input bit,
/// so the fold to 32-bit fingerprints and the MinHash bins see random-looking
/// values even though the polynomial itself is linear.
#[inline]
pub(crate) fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// The hash of one word shingle from the hashes of its words, in order: the
/// definition the rolling loop in [`Shingler::shingle`] computes.
///
/// ```
/// use shingle::shingle::{combine_word_hashes, Shingler, ShingleKind};
/// let shingler = Shingler::new(ShingleKind::Words, 2, 9);
/// let mut out = Vec::new();
/// shingler.shingle("red fox", &mut out);
/// let words = [shingler.word_hash(b"red"), shingler.word_hash(b"fox")];
/// assert_eq!(out, vec![combine_word_hashes(&words)]);
/// ```
pub fn combine_word_hashes(word_hashes: &[u64]) -> u64 {
    mix64(polynomial(word_hashes))
}

/// Sorts and deduplicates shingle hashes (or fingerprints) into a set (in place).
pub fn into_set<T: Ord>(hashes: &mut Vec<T>) {
    hashes.sort_unstable();
    hashes.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str, n: usize) -> Vec<u64> {
        let mut out = Vec::new();
        Shingler::new(ShingleKind::Words, n, 7).shingle(text, &mut out);
        out
    }

    /// The definition: each window's word hashes combined, one window at a time.
    fn windows_by_definition(text: &str, n: usize, seed: u64) -> Vec<u64> {
        if text.is_empty() {
            return Vec::new();
        }
        let s = Shingler::new(ShingleKind::Words, n, seed);
        let hashes: Vec<u64> = text.split(' ').map(|w| s.word_hash(w.as_bytes())).collect();
        if hashes.len() <= n {
            return vec![combine_word_hashes(&hashes)];
        }
        hashes.windows(n).map(combine_word_hashes).collect()
    }

    #[test]
    fn word_shingles_combine_the_hashes_of_n_words() {
        let got = words("a bb c dd e", 3);
        assert_eq!(got, windows_by_definition("a bb c dd e", 3, 7));
        assert_eq!(got.len(), 3);
        // Order matters, and so does the seed.
        assert_ne!(words("bb a", 2), words("a bb", 2));
        let mut other_seed = Vec::new();
        Shingler::new(ShingleKind::Words, 3, 8).shingle("a bb c dd e", &mut other_seed);
        assert_ne!(got, other_seed);
        // A shingle is not the same as the words run together.
        assert_ne!(words("ab c", 2), words("a bc", 2));
    }

    proptest! {
        #[test]
        fn avx512_matches_portable(
            // Words of every length class (inline up to 8 and 16 bytes, xxh3
            // beyond, and empty: doubled spaces), some not ASCII, in texts crossing
            // 64-byte blocks; n-grams on both sides of the vector path's limit and
            // of the word count.
            words in proptest::collection::vec("[a-z0-9]{0,20}|é[a-z]{0,3}", 1..120),
            n in 1usize..24,
            seed in any::<u64>(),
        ) {
            let text = words.join(" ");
            // `shingle` handles the empty text before either path.
            prop_assume!(!text.is_empty());
            let shingler = Shingler::new(ShingleKind::Words, n, seed);
            let mut portable = Vec::new();
            shingler.word_shingles_portable(text.as_bytes(), &mut portable);
            prop_assert_eq!(&portable, &windows_by_definition(&text, n, seed));
            #[cfg(target_arch = "x86_64")]
            if avx512::available() {
                let mut simd = Vec::new();
                // SAFETY: the features were checked just above.
                unsafe { avx512::word_shingles(&shingler, text.as_bytes(), &mut simd) };
                prop_assert_eq!(simd, portable);
            }
        }

        #[test]
        fn space_bits_mark_exactly_the_spaces(chunk in proptest::collection::vec(prop_oneof![Just(b' '), Just(b'a'), Just(0u8), Just(0xA0u8), Just(b'!'), any::<u8>()], 0..=64)) {
            let want = chunk.iter().enumerate().filter(|(_, &b)| b == b' ').fold(0u64, |m, (j, _)| m | 1 << j);
            let mut block = [0u8; 64];
            block[..chunk.len()].copy_from_slice(&chunk);
            prop_assert_eq!(space_bits(&block), want);
        }
    }

    #[test]
    fn word_hashes_of_every_length_class_differ() {
        let s = Shingler::new(ShingleKind::Words, 1, 3);
        let words = [
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefghj",
            "bbcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
        ];
        let hashes: std::collections::BTreeSet<u64> =
            words.iter().map(|w| s.word_hash(w.as_bytes())).collect();
        assert_eq!(hashes.len(), words.len());
        // In place (8-byte reads into the text) and alone: the same hash.
        let text = words.join(" ");
        let mut start = 0;
        for w in words {
            let end = start + w.len();
            assert_eq!(
                s.word_hash_at(text.as_bytes(), start, end),
                s.word_hash(w.as_bytes()),
                "{w}"
            );
            start = end + 1;
        }
        // Even an empty word (never in normalized text) hashes the same both ways.
        assert_eq!(s.word_hash_at(text.as_bytes(), 3, 3), s.word_hash(b""));
    }

    #[test]
    fn short_and_empty_documents() {
        assert_eq!(words("", 5), Vec::<u64>::new());
        assert_eq!(words("one two", 5).len(), 1);
        assert_eq!(words("a b c d e", 5).len(), 1);
        assert_eq!(words("a b c d e f", 5).len(), 2);
    }

    #[test]
    fn char_shingles_respect_utf8() {
        let s = Shingler::new(ShingleKind::Chars, 2, 0);
        let mut out = Vec::new();
        s.shingle("đồ ng", &mut out);
        let want: Vec<u64> = ["đồ", "ồ ", " n", "ng"]
            .iter()
            .map(|w| s.hash(w.as_bytes()))
            .collect();
        assert_eq!(out, want);
        s.shingle("đ", &mut out);
        assert_eq!(out, vec![s.hash("đ".as_bytes())]);
    }

    proptest! {
        #[test]
        fn rolling_polynomial_matches_the_definition(ws in proptest::collection::vec("[a-z0-9]{1,20}", 0..30), n in 1usize..80) {
            let text = ws.join(" ");
            let s = Shingler::new(ShingleKind::Words, n, 1);
            let mut fast = Vec::new();
            s.shingle(&text, &mut fast);
            prop_assert_eq!(fast, windows_by_definition(&text, n, 1));
        }

        #[test]
        fn char_ring_matches_windows(text in "[a-zđồ ]{0,20}", n in 1usize..6) {
            let s = Shingler::new(ShingleKind::Chars, n, 1);
            let mut fast = Vec::new();
            s.shingle(&text, &mut fast);
            let chars: Vec<char> = text.chars().collect();
            let slow: Vec<u64> = if chars.is_empty() { vec![] }
                else if chars.len() <= n { vec![s.hash(text.as_bytes())] }
                else { chars.windows(n).map(|w| s.hash(w.iter().collect::<String>().as_bytes())).collect() };
            prop_assert_eq!(fast, slow);
        }
    }
}
