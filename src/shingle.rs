//! Shingling: a normalized document becomes the set of its n-grams, each hashed to
//! 64 bits with xxh3.
//!
//! Word shingles are n consecutive normalized words. Because normalized text
//! separates words by exactly one space, an n-word shingle is a contiguous slice of
//! it and is hashed in place, with no copy. Character shingles are n consecutive
//! characters of the normalized text (spaces included).
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
}

impl Shingler {
    /// A shingler for `ngram`-grams of `kind`, hashing with xxh3 under `seed`.
    ///
    /// # Panics
    /// If `ngram` is 0 (configuration is validated before this is built).
    pub fn new(kind: ShingleKind, ngram: usize, seed: u64) -> Self {
        assert!(ngram > 0, "ngram must be at least 1");
        Shingler { kind, ngram, seed }
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

    fn word_shingles(&self, text: &[u8], out: &mut Vec<u64>) {
        // Word starts: position 0 and every byte after a space. A window of n words
        // runs from start[i] to the space before start[i + n] (or the end).
        let n = self.ngram;
        let mut window_starts = [0usize; 64];
        if n > window_starts.len() {
            return self.word_shingles_long(text, out);
        }
        // Ring buffer of the last n word starts.
        let mut count = 0usize;
        window_starts[0] = 0;
        count += 1;
        for space in memchr::memchr_iter(b' ', text) {
            if count >= n {
                let start = window_starts[(count - n) % n];
                out.push(self.hash(&text[start..space]));
            }
            window_starts[count % n] = space + 1;
            count += 1;
        }
        if count >= n {
            let start = window_starts[(count - n) % n];
            out.push(self.hash(&text[start..]));
        } else {
            out.push(self.hash(text));
        }
    }

    /// The same as `word_shingles`, for n beyond the ring buffer (rare).
    fn word_shingles_long(&self, text: &[u8], out: &mut Vec<u64>) {
        let mut starts = vec![0usize];
        starts.extend(memchr::memchr_iter(b' ', text).map(|p| p + 1));
        let n = self.ngram;
        if starts.len() < n {
            out.push(self.hash(text));
            return;
        }
        for i in 0..=starts.len() - n {
            let end = if i + n < starts.len() {
                starts[i + n] - 1
            } else {
                text.len()
            };
            out.push(self.hash(&text[starts[i]..end]));
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

    #[test]
    fn word_shingles_are_hashes_of_n_word_slices() {
        let s = Shingler::new(ShingleKind::Words, 3, 7);
        let got = words("a bb c dd e", 3);
        let want: Vec<u64> = ["a bb c", "bb c dd", "c dd e"]
            .iter()
            .map(|w| s.hash(w.as_bytes()))
            .collect();
        assert_eq!(got, want);
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
        fn ring_buffer_matches_simple_windows(ws in proptest::collection::vec("[a-z]{1,3}", 0..30), n in 1usize..8) {
            let text = ws.join(" ");
            let s = Shingler::new(ShingleKind::Words, n, 1);
            let mut fast = Vec::new();
            s.shingle(&text, &mut fast);
            let mut slow = Vec::new();
            if !text.is_empty() { s.word_shingles_long(text.as_bytes(), &mut slow); }
            prop_assert_eq!(fast, slow);
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
