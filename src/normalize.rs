//! Text normalization: the canonical token stream a document is compared on.
//!
//! Scraped text arrives in many spellings of the same thing: NFD and NFC forms of
//! Vietnamese captions, curly and straight apostrophes, `U.S.` and `u.s`, runs of
//! whitespace. Normalization maps them to one form:
//!
//! 1. **Unicode NFC** (canonical composition);
//! 2. **words by Unicode word boundaries** (UAX #29, as implemented by
//!    `unicode-segmentation`): segments that contain a letter or digit are words.
//!    Scripts written without spaces fall apart into single characters under
//!    UAX #29 (Han, Hiragana, Thai, Lao, Khmer clusters), so word n-grams there are
//!    character n-grams — meaningful shingles rather than one giant token;
//! 3. **punctuation folding**: inside a word, every character that is neither
//!    alphanumeric nor a combining mark is dropped (`can't`, `can’t` → `cant`;
//!    `3,000` → `3000`; `U.S` → `us`);
//! 4. **case folding** (Unicode lowercase mapping), unless turned off.
//!
//! The result is the words joined by single spaces. Two documents are *exact
//! duplicates* when their normalized forms are identical.
//!
//! Most web text is ASCII between spaces, so each whitespace-delimited chunk that
//! is pure ASCII takes a fast path that applies the UAX #29 rules for ASCII
//! directly (no NFC, no table lookups). A property test checks that the fast path
//! gives exactly the reference result.
//!
//! ```
//! use shingle::normalize::{Normalizer, NormalizeOptions};
//! let mut normalizer = Normalizer::new(NormalizeOptions::default());
//! let mut out = String::new();
//! let words = normalizer.normalize("The U.S. can’t  wait -- 3,000 Đồng!", &mut out);
//! assert_eq!(out, "the us cant wait 3000 đồng");
//! assert_eq!(words, 6);
//! ```

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Switches for normalization. NFC, word segmentation and punctuation folding
/// always apply; they are what makes two spellings of one text compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NormalizeOptions {
    /// Fold case with the Unicode lowercase mapping (default: on).
    pub lowercase: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions { lowercase: true }
    }
}

/// Reusable normalizer: holds scratch space so normalizing a document does not
/// allocate once its buffers have grown.
#[derive(Debug, Default)]
pub struct Normalizer {
    options: NormalizeOptions,
    nfc: String,
    ascii: Vec<u8>,
}

impl Normalizer {
    /// A normalizer with the given options.
    pub fn new(options: NormalizeOptions) -> Self {
        Normalizer {
            options,
            nfc: String::new(),
            ascii: Vec::new(),
        }
    }

    /// The options this normalizer applies.
    pub fn options(&self) -> NormalizeOptions {
        self.options
    }

    /// Normalizes `text` into `out` (cleared first): words joined by single
    /// spaces. Returns the number of words.
    pub fn normalize(&mut self, text: &str, out: &mut String) -> usize {
        out.clear();
        // Runs of ASCII go through the fast path in one piece (ASCII whitespace
        // breaks words like any other non-word character); each
        // whitespace-delimited chunk holding a non-ASCII byte takes the full path
        // (NFC, UAX #29). Chunks can be handled apart because UAX #29 always
        // breaks at ASCII whitespace and NFC never composes across it.
        let bytes = text.as_bytes();
        let mut words = 0;
        let mut pos = 0;
        while pos < bytes.len() {
            let Some(offset) = first_non_ascii(&bytes[pos..]) else {
                words += ascii_words(&text[pos..], self.options.lowercase, &mut self.ascii, out);
                break;
            };
            let non_ascii = pos + offset;
            let chunk_start = bytes[pos..non_ascii]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(pos, |p| pos + p + 1);
            let chunk_end = bytes[non_ascii..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |p| non_ascii + p);
            words += ascii_words(
                &text[pos..chunk_start],
                self.options.lowercase,
                &mut self.ascii,
                out,
            );
            self.nfc.clear();
            self.nfc.extend(text[chunk_start..chunk_end].nfc());
            for word in self.nfc.unicode_words() {
                words += push_folded(word, self.options.lowercase, out) as usize;
            }
            pos = chunk_end;
        }
        words
    }
}

/// Position of the first non-ASCII byte, checking 32 bytes at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut blocks = bytes.chunks_exact(32);
    let mut at = 0;
    for block in blocks.by_ref() {
        if !block.is_ascii() {
            return block.iter().position(|b| !b.is_ascii()).map(|p| at + p);
        }
        at += 32;
    }
    blocks
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .map(|p| at + p)
}

/// The straightforward definition (NFC over the whole text, UAX #29 words, folding),
/// kept as the oracle the fast path is tested against.
pub fn normalize_reference(text: &str, options: NormalizeOptions) -> String {
    let nfc: String = text.nfc().collect();
    let mut out = String::new();
    for word in nfc.unicode_words() {
        push_folded(word, options.lowercase, &mut out);
    }
    out
}

/// Appends `word` with punctuation dropped and case folded, preceded by a space
/// unless `out` is empty. Returns false (and appends nothing) when nothing is left.
fn push_folded(word: &str, lowercase: bool, out: &mut String) -> bool {
    let start = out.len();
    if start != 0 {
        out.push(' ');
    }
    let body = out.len();
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(if lowercase { c.to_ascii_lowercase() } else { c });
            }
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            if lowercase {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
    if out.len() == body {
        out.truncate(start);
        false
    } else {
        true
    }
}

/// Per byte: 0 = not part of a word, 1 = letter, 2 = digit, 3 = `_`.
static WORD_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => 1,
            b'0'..=b'9' => 2,
            b'_' => 3,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Per byte, for the fast path of [`ascii_words`]: 0 = plain separator, 1 =
/// letter or digit, 2 = needs the full rule (`_` and the joiners `: , ; . '`).
static FAST_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => 1,
            b'_' | b':' | b',' | b';' | b'.' | b'\'' => 2,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Byte maps for copying word bytes: identity, and ASCII lowercase.
static IDENTITY: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b as u8;
        b += 1;
    }
    table
};
static LOWER: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    table
};

/// Splits ASCII text into UAX #29 words and appends them folded (separated by
/// single spaces) to `out`, using `scratch` as the byte buffer. Returns the number
/// of words appended.
///
/// One pass, one table lookup per byte: letters and digits are copied (folded to
/// lowercase), `_` continues a word without being copied, and the joiners
/// `: . '` (between two letters) and `, ; . '` (between two digits) continue a
/// word without being copied; everything else ends it.
///
/// Letters, digits and plain separators (nearly all bytes of real text) take a
/// branch-free path: word boundaries are unpredictable, so the output byte and
/// the space before a word are always stored and the length advances by a
/// computed amount instead of by a branch (profiled: this function was the
/// largest single cost of `dedup`).
fn ascii_words(text: &str, lowercase: bool, scratch: &mut Vec<u8>, out: &mut String) -> usize {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let map = if lowercase { &LOWER } else { &IDENTITY };
    // Output is never longer than the input: every separator stands for at least
    // one skipped byte. Two spare bytes let the fast path store unconditionally.
    scratch.resize(n + 2, 0);
    let mut len = 0usize;
    let mut words = 0usize;
    // Inside a word (possibly one that has emitted nothing yet, after `_`).
    let mut in_word = false;
    // The current word has emitted at least one byte.
    let mut emitted = false;
    for i in 0..n {
        let b = bytes[i];
        let class = FAST_CLASS[b as usize];
        if class < 2 {
            let word = class as usize;
            let starts = word & (!emitted as usize);
            scratch[len] = b' ';
            len += starts & ((words != 0) as usize);
            words += starts;
            scratch[len] = map[b as usize];
            len += word;
            in_word = word != 0;
            emitted = in_word;
            continue;
        }
        if b == b'_' {
            in_word = true;
            continue;
        }
        if in_word && i > 0 && i + 1 < n {
            let (prev, next) = (
                WORD_BYTE[bytes[i - 1] as usize],
                WORD_BYTE[bytes[i + 1] as usize],
            );
            let joins = match b {
                b':' => prev == 1 && next == 1,
                b',' | b';' => prev == 2 && next == 2,
                b'.' | b'\'' => prev == next && (prev == 1 || prev == 2),
                _ => false,
            };
            if joins {
                continue;
            }
        }
        in_word = false;
        emitted = false;
    }
    scratch.truncate(len);
    if words > 0 {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(std::str::from_utf8(scratch).expect("only ASCII bytes were written"));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(text: &str) -> String {
        let mut n = Normalizer::new(NormalizeOptions::default());
        let mut out = String::new();
        n.normalize(text, &mut out);
        out
    }

    #[test]
    fn folds_case_punctuation_and_whitespace() {
        assert_eq!(norm("  Hello,   WORLD!! \n\t"), "hello world");
        assert_eq!(norm("U.S. e.g. can't 3,000 10:30"), "us eg cant 3000 10 30");
        assert_eq!(norm("a_b __ _x"), "ab x");
        assert_eq!(norm(""), "");
        assert_eq!(norm(" ... --- "), "");
    }

    #[test]
    fn nfd_and_nfc_are_the_same_text() {
        let nfc = "Đồng hồ đếm ngược ở quảng trường";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(norm(nfc), norm(&nfd));
        assert_eq!(norm(nfc), "đồng hồ đếm ngược ở quảng trường");
    }

    #[test]
    fn curly_and_straight_apostrophes_fold_together() {
        assert_eq!(norm("It’s the city’s"), norm("It's the city's"));
    }

    #[test]
    fn unspaced_scripts_become_characters() {
        assert_eq!(norm("北京是中国的首都。"), "北 京 是 中 国 的 首 都");
        let thai = norm("กรุงเทพมหานคร");
        assert!(thai.split(' ').count() >= 10, "{thai}");
    }

    #[test]
    fn fast_path_matches_reference_on_examples() {
        for text in [
            "x.1 1.x a.b.c 1,2,3 1;2 a;b a:b 1:2 a'b 1'2 '' .a a. _a_ a__1",
            "end. Start, then 'quoted' words: done",
            "Mixed Đồng and plain, U.S.-Japan",
        ] {
            assert_eq!(
                norm(text),
                normalize_reference(text, NormalizeOptions::default()),
                "{text}"
            );
        }
    }

    proptest! {
        #[test]
        fn fast_path_matches_reference(text in "[a-zA-Z0-9_.,;:' \t\n!?()\u{2019}\u{0301}\u{200d}\u{00ad}\u{00a0}\u{3000}é中ก\u{0e31}-]{0,60}") {
            let options = NormalizeOptions::default();
            prop_assert_eq!(norm(&text), normalize_reference(&text, options));
        }

        #[test]
        fn ascii_path_matches_reference(text in "[a-zA-Z0-9_.,;:' \t!-]{0,80}") {
            let options = NormalizeOptions::default();
            prop_assert_eq!(norm(&text), normalize_reference(&text, options));
        }

        #[test]
        fn fast_path_matches_reference_without_lowercase(text in "[a-zA-Z0-9_.,;:' ]{0,40}") {
            let options = NormalizeOptions { lowercase: false };
            let mut n = Normalizer::new(options);
            let mut out = String::new();
            n.normalize(&text, &mut out);
            prop_assert_eq!(out, normalize_reference(&text, options));
        }
    }
}
