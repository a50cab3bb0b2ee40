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
}

impl Normalizer {
    /// A normalizer with the given options.
    pub fn new(options: NormalizeOptions) -> Self {
        Normalizer {
            options,
            nfc: String::new(),
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
        let mut words = 0;
        for chunk in text.split(|c: char| c.is_ascii_whitespace()) {
            if chunk.is_empty() {
                continue;
            }
            if chunk.is_ascii() {
                words += ascii_words(chunk.as_bytes(), self.options.lowercase, out);
            } else {
                self.nfc.clear();
                self.nfc.extend(chunk.nfc());
                for word in self.nfc.unicode_words() {
                    words += push_folded(word, self.options.lowercase, out) as usize;
                }
            }
        }
        words
    }
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

/// UAX #29 word-break classes of the ASCII characters that matter for words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AsciiClass {
    Letter,
    Digit,
    /// `_` (ExtendNumLet): joins letters and digits around it.
    Underscore,
    /// `:` (MidLetter): joins two letters.
    MidLetter,
    /// `,` `;` (MidNum): join two digits.
    MidNum,
    /// `.` `'` (MidNumLet / Single_Quote): join two letters or two digits.
    MidNumLet,
    Other,
}

fn ascii_class(b: u8) -> AsciiClass {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => AsciiClass::Letter,
        b'0'..=b'9' => AsciiClass::Digit,
        b'_' => AsciiClass::Underscore,
        b':' => AsciiClass::MidLetter,
        b',' | b';' => AsciiClass::MidNum,
        b'.' | b'\'' => AsciiClass::MidNumLet,
        _ => AsciiClass::Other,
    }
}

/// Splits an ASCII chunk (no whitespace) into UAX #29 words and appends them
/// folded. Returns the number of words appended.
fn ascii_words(chunk: &[u8], lowercase: bool, out: &mut String) -> usize {
    use AsciiClass::*;
    let mut words = 0;
    let mut i = 0;
    let n = chunk.len();
    while i < n {
        let class = ascii_class(chunk[i]);
        if !matches!(class, Letter | Digit | Underscore) {
            i += 1;
            continue;
        }
        // Extend the word while UAX #29 forbids a break.
        let start = i;
        let mut prev = class;
        i += 1;
        while i < n {
            let c = ascii_class(chunk[i]);
            match c {
                Letter | Digit | Underscore => {
                    prev = c;
                    i += 1;
                }
                MidLetter | MidNum | MidNumLet if i + 1 < n => {
                    let next = ascii_class(chunk[i + 1]);
                    let joins_letters =
                        prev == Letter && next == Letter && matches!(c, MidLetter | MidNumLet);
                    let joins_digits =
                        prev == Digit && next == Digit && matches!(c, MidNum | MidNumLet);
                    if joins_letters || joins_digits {
                        prev = next;
                        i += 2;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        // A segment of underscores alone has no alphanumeric character: not a word.
        let word = &chunk[start..i];
        let at = out.len();
        if at != 0 {
            out.push(' ');
        }
        let body = out.len();
        for &b in word {
            if b.is_ascii_alphanumeric() {
                out.push(if lowercase { b.to_ascii_lowercase() } else { b } as char);
            }
        }
        if out.len() == body {
            out.truncate(at);
        } else {
            words += 1;
        }
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
        fn fast_path_matches_reference_without_lowercase(text in "[a-zA-Z0-9_.,;:' ]{0,40}") {
            let options = NormalizeOptions { lowercase: false };
            let mut n = Normalizer::new(options);
            let mut out = String::new();
            n.normalize(&text, &mut out);
            prop_assert_eq!(out, normalize_reference(&text, options));
        }
    }
}
