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
//! Most web text is ASCII between spaces, so ASCII text takes a fast path that
//! applies the UAX #29 rules for ASCII directly (no NFC, no table lookups).
//! Non-ASCII characters that only separate or join words (typographic quotes
//! and apostrophes, dashes, no-break spaces) are replaced by the ASCII
//! character that behaves the same and stay on that path. Whitespace-delimited
//! chunks in alphabetic scripts (Cyrillic, Greek, accented Latin, Hangul, ...)
//! and in scripts whose characters are words of their own (Han, Hiragana) take
//! a second fast path with the same rules over characters. Both classify
//! characters once per 256-character block by probing the reference
//! segmentation itself; anything else (Hebrew, Katakana, combining marks,
//! characters beyond the BMP, ...) takes the full path. Property tests check
//! that the fast paths give exactly the reference result, on any BMP text.
//!
//! ```
//! use shingle::normalize::{Normalizer, NormalizeOptions};
//! let mut normalizer = Normalizer::new(NormalizeOptions::default());
//! let mut out = String::new();
//! let words = normalizer.normalize("The U.S. can’t  wait -- 3,000 Đồng!", &mut out);
//! assert_eq!(out, "the us cant wait 3000 đồng");
//! assert_eq!(words, 6);
//! ```

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod blocks;

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
    /// ASCII text gathered for one run of the ASCII path (see `normalize`).
    gathered: String,
}

impl Normalizer {
    /// A normalizer with the given options.
    pub fn new(options: NormalizeOptions) -> Self {
        Normalizer {
            options,
            nfc: String::new(),
            ascii: Vec::new(),
            gathered: String::new(),
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
        let lowercase = self.options.lowercase;
        let bytes = text.as_bytes();
        let Some(first) = first_non_ascii(bytes) else {
            return ascii_words(text, lowercase, &mut self.ascii, out);
        };
        // Non-ASCII characters that only separate or join words (typographic
        // quotes and apostrophes, dashes, no-break spaces, `©`, `·`) are
        // replaced by the ASCII character UAX #29 treats the same way (a space,
        // or the joiner `.`, `:` or `,` their probes matched; see
        // `classify_by_probes`), and the text around them is gathered for one
        // run of the ASCII path. Any other non-ASCII character sends its
        // whitespace-delimited chunk down the letter-script path or the full
        // path (NFC, UAX #29): UAX #29 always breaks at ASCII whitespace and NFC
        // never composes across it, so chunks can be handled apart.
        //
        // Why replacements are exact: a separator (Word_Break = Other, an NFC
        // starter that composes with nothing) breaks words on both sides, as a
        // space does (the one rule that joins after Other, WB4, needs an
        // Extend, Format or ZWJ character next, which is not replaced and takes
        // its chunk elsewhere); a joiner splits every probe context exactly as
        // its ASCII model does. `typographic_text_matches_reference` checks it.
        //
        // Measured: English with curly apostrophes and quotes ran at half the
        // speed per byte of plain ASCII when each such chunk was handled apart.
        let mut gathered = std::mem::take(&mut self.gathered);
        gathered.clear();
        // The AVX-512 splitter also takes the letters of Latin-1 (`à`..`ÿ`,
        // `À`..`Þ`: French, German, Spanish, Portuguese, Nordic), so those stay
        // in the gathered text too.
        let latin1_letters = ascii_path_takes_latin1();
        let mut words = 0;
        // Text before `pos` is gathered or written; `floor` is where the last
        // chunk handed to another path ended (chunks never reach back past it).
        let mut pos = 0;
        let mut floor = 0;
        let mut next_non_ascii = Some(first);
        while let Some(at) = next_non_ascii {
            if latin1_letters && bytes[at] == 0xC3 && !matches!(bytes[at + 1], 0x97 | 0xB7) {
                // A Latin-1 letter (C3 is always followed by a continuation
                // byte in valid UTF-8) stays as it is, copied later with the
                // text around it.
                next_non_ascii = first_non_ascii(&bytes[at + 2..]).map(|offset| at + 2 + offset);
                continue;
            }
            let c = text[at..].chars().next().expect("a character starts here");
            let len = c.len_utf8();
            let entry = letter_class(c);
            let gather = match entry & KIND_MASK {
                KIND_SEPARATOR => Some(' '),
                KIND_JOINER => Some(char::from(entry as u8)),
                _ => None,
            };
            gathered.push_str(&text[pos..at]);
            if let Some(gathered_as) = gather {
                gathered.push(gathered_as);
                pos = at + len;
            } else {
                let chunk_start = bytes[floor..at]
                    .iter()
                    .rposition(u8::is_ascii_whitespace)
                    .map_or(floor, |p| floor + p + 1);
                // The chunk's start is already gathered, one byte per
                // character (two for a Latin-1 letter): take it back.
                let gathered_bytes: usize = text[chunk_start..at]
                    .chars()
                    .map(|c| {
                        if c.is_ascii() {
                            1
                        } else {
                            gathered_len(c, latin1_letters)
                        }
                    })
                    .sum();
                gathered.truncate(gathered.len() - gathered_bytes);
                words += ascii_words(&gathered, lowercase, &mut self.ascii, out);
                gathered.clear();
                let span = letter_span_words(text, chunk_start, lowercase, out);
                words += span.words;
                let mut end = span.end;
                if !span.complete {
                    // The chunk at `end` holds a character only the full
                    // path handles.
                    let chunk_end = bytes[end..]
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .map_or(bytes.len(), |p| end + p);
                    // Most such chunks (Thai, emoji) are NFC already: then
                    // there is no composed copy to build (that was 22% of
                    // normalizing Thai).
                    let chunk = &text[end..chunk_end];
                    let nfc = if chunk.chars().all(is_nfc_starter) {
                        chunk
                    } else {
                        self.nfc.clear();
                        self.nfc.extend(chunk.nfc());
                        &self.nfc
                    };
                    // `unicode_words`, with its test for a letter or digit
                    // looked up in the folding table.
                    for word in nfc.split_word_bounds() {
                        if word.chars().any(is_word_character) {
                            words += push_folded(word, lowercase, out) as usize;
                        }
                    }
                    end = chunk_end;
                }
                pos = end;
                floor = end;
            }
            next_non_ascii = first_non_ascii(&bytes[pos..]).map(|offset| pos + offset);
        }
        gathered.push_str(&text[pos..]);
        words += ascii_words(&gathered, lowercase, &mut self.ascii, out);
        self.gathered = gathered;
        words
    }
}

/// Whether `c` is a letter of the Latin-1 Supplement (U+00C0..U+00FF but `×`
/// and `÷`): two UTF-8 bytes, `C3 80..BF`; an uppercase one (`C3 80..9E`)
/// lowercases by adding 0x20 to its second byte. All are ALetter for UAX #29
/// and NFC starters that compose with no character before them
/// (`latin1_letters_are_plain_letters` checks both against the tables).
fn is_latin1_letter(c: char) -> bool {
    matches!(c, '\u{c0}'..='\u{ff}') && c != '\u{d7}' && c != '\u{f7}'
}

/// Bytes the gathered text holds for the non-ASCII character `c` (already
/// known to be gathered): its own two for a Latin-1 letter, one otherwise.
fn gathered_len(c: char, latin1_letters: bool) -> usize {
    if latin1_letters && is_latin1_letter(c) {
        2
    } else {
        1
    }
}

/// Whether [`ascii_words`] takes Latin-1 letters (the vector splitters do, the
/// portable one does not).
fn ascii_path_takes_latin1() -> bool {
    #[cfg(target_arch = "x86_64")]
    if avx512::available() || avx2::available() {
        return true;
    }
    false
}

/// Word classes of the letter-script fast path, as in [`WORD_BYTE`].
const SEPARATOR: u8 = 0;
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const UNDERSCORE: u8 = 3;
/// A character that is a word by itself (Han, Hiragana, ...).
const SINGLE: u8 = 4;

/// Per-character entry of [`letter_class`]: 0 = needs the full path; else the
/// kind in the top three bits, whether it is kept (alphanumeric) in bit 28, and
/// in the low 21 bits its (single-character) lowercase mapping, or for a
/// joiner the ASCII joiner it behaves like.
const KIND_MASK: u32 = 7 << 29;
const KIND_LETTER: u32 = 1 << 29;
const KIND_SEPARATOR: u32 = 2 << 29;
const KIND_SINGLE: u32 = 3 << 29;
const KIND_JOINER: u32 = 4 << 29;
const KEEP: u32 = 1 << 28;

/// A `u32` per character of the Basic Multilingual Plane, computed by
/// `entry` the first time a character of its block of 256 is asked for: the
/// per-character answers of `unicode-segmentation`, `unicode-normalization`
/// and std cost a table search each, while text uses few blocks.
struct BmpTable {
    blocks: [std::sync::OnceLock<Box<[u32; 256]>>; 256],
    entry: fn(char) -> u32,
}

impl BmpTable {
    const fn new(entry: fn(char) -> u32) -> Self {
        BmpTable {
            blocks: [const { std::sync::OnceLock::new() }; 256],
            entry,
        }
    }

    /// The entry of `c`, which must be in the BMP.
    #[inline(always)]
    fn get(&self, c: char) -> u32 {
        let code = c as u32;
        debug_assert!(code <= 0xFFFF);
        let block = match self.blocks[(code >> 8) as usize].get() {
            Some(block) => block,
            None => self.fill(code >> 8),
        };
        block[(code & 0xFF) as usize]
    }

    /// Builds block `high` (once; kept out of line, off the lookup's path).
    #[cold]
    #[inline(never)]
    fn fill(&self, high: u32) -> &[u32; 256] {
        self.blocks[high as usize].get_or_init(|| {
            let mut table = Box::new([0u32; 256]);
            for (low, entry) in table.iter_mut().enumerate() {
                if let Some(c) = char::from_u32(high << 8 | low as u32) {
                    *entry = (self.entry)(c);
                }
            }
            table
        })
    }
}

/// [`classify_by_probes`] of every BMP character.
static LETTER_CLASSES: BmpTable = BmpTable::new(classify_by_probes);

/// How the fast path may treat a non-ASCII character (see [`letter_span_words`]).
fn letter_class(c: char) -> u32 {
    let code = c as u32;
    if code > 0xFFFF {
        return 0;
    }
    LETTER_CLASSES.get(c)
}

/// Decides a character's class by asking the reference itself: a character is
/// a *letter* for the fast path when UAX #29 splits every probe context around
/// it exactly as around `a` (so it has Word_Break = ALetter: not Hebrew,
/// Katakana, numeric, a joiner, a format or extending character); when it
/// splits them as around `!` (Word_Break = Other) it is a *single-character
/// word* if alphanumeric (Han, Hiragana, Thai consonants) and a *separator*
/// otherwise; when it splits them as around `:`, `,` or `.` it is a *joiner*
/// of that kind (MidLetter, MidNum, MidNumLet: `·`, `，`, `’`).
/// Either must also be a stable NFC starter (NFC_Quick_Check = Yes, combining
/// class 0) with a one-character lowercase mapping. Everything else, and all
/// characters beyond the BMP, take the full path.
fn classify_by_probes(c: char) -> u32 {
    use unicode_normalization::char::canonical_combining_class;
    if c.is_ascii()
        || canonical_combining_class(c) != 0
        || unicode_normalization::is_nfc_quick(std::iter::once(c))
            != unicode_normalization::IsNormalized::Yes
    {
        return 0;
    }
    const PROBES: &[&str] = &[
        "X",
        "XX",
        "aXa",
        "aX",
        "Xa",
        "X:a",
        "a:X",
        "X.a",
        "a.X",
        "X'a",
        "a'X",
        "X'",
        "'X",
        "X\"a",
        "X1",
        "1X",
        "X,1",
        "1,X",
        "X.1",
        "1.X",
        "X_a",
        "a_X",
        "X_",
        "X-a",
        "X a",
        "X!",
        "!X",
        "X\u{301}",
        "X\u{200d}",
        "X\u{ad}a",
        "aXX:a",
        "1X1",
        "aX1",
        "1Xa",
        "aXXa",
        "1XX1",
    ];
    let segments = |template: &str, x: char| -> Vec<usize> {
        let probe = template.replace('X', x.encode_utf8(&mut [0; 4]));
        probe
            .split_word_bounds()
            .map(|segment| segment.chars().count())
            .collect()
    };
    let like = |model: char| PROBES.iter().all(|t| segments(t, c) == segments(t, model));
    let mut lower = c.to_lowercase();
    let single_lower = match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => return 0,
    };
    if like('a') {
        let keep = if c.is_alphanumeric() { KEEP } else { 0 };
        KIND_LETTER | keep | single_lower as u32
    } else if like('!') && c.is_alphanumeric() {
        KIND_SINGLE | KEEP | single_lower as u32
    } else if like('!') && !is_combining_mark(c) {
        KIND_SEPARATOR
    } else if c.is_alphanumeric() || is_combining_mark(c) {
        0
    } else if let Some(model) = [':', ',', '.'].into_iter().find(|&m| like(m)) {
        // A joiner of its own kind (’ joins like `.`, · like `:`, ， like `,`).
        KIND_JOINER | model as u32
    } else {
        0
    }
}

/// What [`letter_span_words`] did.
struct LetterSpan {
    /// Words written.
    words: usize,
    /// Where it stopped: the end of the text or the start of a chunk.
    end: usize,
    /// False when it stopped at a chunk holding a character only the full
    /// path handles (nothing of that chunk was written).
    complete: bool,
}

/// The fast path for letters of alphabetic scripts (Cyrillic, Greek, accented
/// Latin, ...) mixed with ASCII: the same rules as [`ascii_words`], applied to
/// characters, with each character's class and lowercase mapping from a table.
/// Starts at the chunk at `start` and goes on across ASCII whitespace (where
/// UAX #29 always breaks) while the next chunk starts with a non-ASCII
/// character, so a Cyrillic or Greek text is one call, not one per word; it
/// hands back at a chunk that starts in ASCII (the ASCII path's business) and
/// gives back whole the first chunk holding a character only the full path
/// handles.
///
/// Without it a Cyrillic corpus ran 7× slower per document than the same text
/// in ASCII (profile: NFC, UAX #29 segmentation and the general Unicode
/// property lookups); one call per word then cost another 40% (profile: the
/// AVX-512 ASCII splitter, called on the single space between two words, was
/// 26% of a run on a Cyrillic corpus).
fn letter_span_words(text: &str, start: usize, lowercase: bool, out: &mut String) -> LetterSpan {
    // One pass: each character is classified where it stands, and the one
    // after a joiner is looked at ahead of time. (A first version classified
    // the whole chunk into a buffer, then walked it: twice the work per
    // character, on the path accented text takes for most of its words.)
    let bytes = text.as_bytes();
    // The current chunk's start, and the output and words before it: what a
    // chunk this path cannot take is rolled back to.
    let mut chunk_start = start;
    let mut chunk_out = out.len();
    let mut chunk_words = 0;
    let mut words = 0;
    let mut in_word = false;
    let mut emitted = false;
    let mut previous = SEPARATOR;
    let mut at = start;
    while at < bytes.len() {
        if bytes[at].is_ascii_whitespace() {
            let next = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(bytes.len(), |p| at + p);
            if next == bytes.len() || bytes[next].is_ascii() {
                return LetterSpan {
                    words,
                    end: next,
                    complete: true,
                };
            }
            (in_word, emitted, previous) = (false, false, SEPARATOR);
            (chunk_start, chunk_out, chunk_words) = (next, out.len(), words);
            at = next;
            continue;
        }
        let Some((class, emit, len)) = classify_char(text, at, lowercase) else {
            out.truncate(chunk_out);
            return LetterSpan {
                words: chunk_words,
                end: chunk_start,
                complete: false,
            };
        };
        match class {
            LETTER | DIGIT => {
                if emit != '\0' {
                    if !emitted {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        words += 1;
                        emitted = true;
                    }
                    out.push(emit);
                }
                in_word = true;
            }
            UNDERSCORE => in_word = true,
            SINGLE => {
                // UAX #29 breaks on both sides of it.
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push(emit);
                words += 1;
                in_word = false;
                emitted = false;
            }
            _ => {
                // A joiner joins only inside its chunk: the character after
                // it is not whitespace (a separator, then) or the text's end.
                let joins = in_word
                    && at + len < bytes.len()
                    && matches!(emit, ':' | ',' | ';' | '.' | '\'')
                    && {
                        let Some((next, _, _)) = classify_char(text, at + len, lowercase) else {
                            out.truncate(chunk_out);
                            return LetterSpan {
                                words: chunk_words,
                                end: chunk_start,
                                complete: false,
                            };
                        };
                        match emit {
                            ':' => previous == LETTER && next == LETTER,
                            ',' | ';' => previous == DIGIT && next == DIGIT,
                            _ => previous == next && (previous == LETTER || previous == DIGIT),
                        }
                    };
                if !joins {
                    in_word = false;
                    emitted = false;
                }
            }
        }
        previous = class;
        at += len;
    }
    LetterSpan {
        words,
        end: bytes.len(),
        complete: true,
    }
}

/// The character at byte `at` of `chunk` as the letter fast path sees it: its
/// class, what it emits (its lowercase form for a kept letter, `\0` for
/// nothing, the ASCII joiner it acts as for a separator) and its length in
/// bytes; `None` for a character only the full path handles.
#[inline(always)]
fn classify_char(chunk: &str, at: usize, lowercase: bool) -> Option<(u8, char, usize)> {
    let b = chunk.as_bytes()[at];
    if b.is_ascii() {
        let c = b as char;
        return Some(match WORD_BYTE[b as usize] {
            LETTER => (
                LETTER,
                if lowercase { c.to_ascii_lowercase() } else { c },
                1,
            ),
            // Separators keep the character: joiners are checked by the caller.
            class => (class, c, 1),
        });
    }
    let c = chunk[at..].chars().next().expect("a character starts here");
    let len = c.len_utf8();
    let entry = letter_class(c);
    // Kept letters first, by a plain branch: most characters of a text in an
    // alphabetic script are, and the `match` alone compiled to a jump table
    // whose indirect jump was the costliest instruction of the path.
    if entry & (KIND_MASK | KEEP) == KIND_LETTER | KEEP {
        let lower = char::from_u32(entry & 0x1F_FFFF).expect("stored from a char");
        return Some((LETTER, if lowercase { lower } else { c }, len));
    }
    Some(match entry & KIND_MASK {
        KIND_LETTER => (LETTER, '\0', len),
        KIND_SEPARATOR => (SEPARATOR, '\0', len),
        // Checked by the caller as the ASCII joiner it behaves like.
        KIND_JOINER => (SEPARATOR, char::from(entry as u8), len),
        KIND_SINGLE => {
            let lower = char::from_u32(entry & 0x1F_FFFF).expect("stored from a char");
            (SINGLE, if lowercase { lower } else { c }, len)
        }
        _ => return None,
    })
}

/// Position of the first non-ASCII byte, checking 64 bytes at a time.
///
/// Typographic English calls this once per curly quote or dash, some 40 bytes
/// apart: `<[u8]>::is_ascii` on 32-byte slices plus a byte loop for the rest
/// took 39% of normalizing such text. Here the OR of 64 bytes is one
/// vectorized reduction, and 64-bit words locate the byte.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while at + 64 <= bytes.len() {
        let block: &[u8; 64] = bytes[at..at + 64].try_into().expect("64 bytes");
        if block.iter().fold(0u8, |acc, &b| acc | b) >= 0x80 {
            break;
        }
        at += 64;
    }
    while at + 8 <= bytes.len() {
        let high = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes")) & HIGH;
        if high != 0 {
            return Some(at + (high.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..]
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
        } else {
            let entry = fold_entry(c);
            if entry & FOLD_KEPT == 0 {
                continue;
            }
            if !lowercase {
                out.push(c);
            } else if entry & FOLD_LONG != 0 {
                out.extend(c.to_lowercase());
            } else {
                out.push(char::from_u32(entry & FOLD_CHAR).expect("a char's lowercase"));
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

/// [`fold_entry`] of a character folding keeps (alphanumeric or a combining
/// mark); without it, the character is dropped.
const FOLD_KEPT: u32 = 1 << 31;
/// With [`FOLD_KEPT`]: it lowercases to several characters.
const FOLD_LONG: u32 = 1 << 30;
/// A segment holding this character is a word for `unicode_words` (a letter
/// or digit by `unicode-segmentation`'s own test).
const FOLD_WORD: u32 = 1 << 29;
/// NFC leaves this character as it is wherever it stands (NFC_Quick_Check =
/// Yes and canonical combining class 0), so a text of such characters is NFC.
const FOLD_NFC_STARTER: u32 = 1 << 28;
/// The bits of a [`fold_entry`] that hold the single-character lowercase.
const FOLD_CHAR: u32 = 0x1F_FFFF;

/// [`fold_entry_uncached`] of every BMP character.
static FOLD_ENTRIES: BmpTable = BmpTable::new(fold_entry_uncached);

/// How [`push_folded`] treats the non-ASCII character `c`, looked up in a
/// table for the BMP ([`fold_entry_uncached`] says what the entries mean).
///
/// Why: std's `is_alphanumeric` and `to_lowercase` search their tables on
/// every call; on text that takes the full path (Thai, NFD Vietnamese, Hindi,
/// emoji) they were 54% of normalizing (`normalize/mixed`).
#[inline]
fn fold_entry(c: char) -> u32 {
    let code = c as u32;
    if code > 0xFFFF {
        return fold_entry_uncached(c);
    }
    FOLD_ENTRIES.get(c)
}

/// The entry of `c`: [`FOLD_WORD`] if a segment holding `c` is a word (asked
/// of `unicode_words` itself, on `c` alone); [`FOLD_NFC_STARTER`] if NFC never
/// changes it; and, unless folding drops `c` (neither alphanumeric nor a
/// combining mark), [`FOLD_KEPT`] with its lowercase mapping in the low 21
/// bits, or [`FOLD_KEPT`] | [`FOLD_LONG`] when that mapping is several
/// characters.
fn fold_entry_uncached(c: char) -> u32 {
    let mut flags = 0;
    if c.encode_utf8(&mut [0; 4]).unicode_words().next().is_some() {
        flags |= FOLD_WORD;
    }
    if unicode_normalization::char::canonical_combining_class(c) == 0
        && unicode_normalization::is_nfc_quick(std::iter::once(c))
            == unicode_normalization::IsNormalized::Yes
    {
        flags |= FOLD_NFC_STARTER;
    }
    if !(c.is_alphanumeric() || is_combining_mark(c)) {
        return flags;
    }
    let mut lower = c.to_lowercase();
    flags
        | match (lower.next(), lower.next()) {
            (Some(single), None) => FOLD_KEPT | single as u32,
            _ => FOLD_KEPT | FOLD_LONG,
        }
}

/// Whether NFC leaves `c` as it is wherever it stands.
#[inline]
fn is_nfc_starter(c: char) -> bool {
    c.is_ascii() || fold_entry(c) & FOLD_NFC_STARTER != 0
}

/// Whether a segment holding `c` is a word for `unicode_words` (which keeps
/// the segments with a letter or digit).
#[inline]
fn is_word_character(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        fold_entry(c) & FOLD_WORD != 0
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

/// Splits ASCII text into UAX #29 words and appends them folded (separated by
/// single spaces) to `out`, using `scratch` as the byte buffer. Returns the number
/// of words appended.
///
/// Letters and digits are copied (folded to lowercase), `_` continues a word
/// without being copied, and the joiners `: . '` (between two letters) and
/// `, ; . '` (between two digits) continue a word without being copied;
/// everything else ends it.
///
/// CPUs with AVX-512 VBMI2 take [`avx512::ascii_words`], CPUs with AVX2
/// [`avx2::ascii_words`] (both 64 bytes per step, no branch per word); others
/// [`ascii_words_portable`]. All give the same result, byte for byte. The
/// vector splitters also take Latin-1 letters (see [`is_latin1_letter`];
/// [`ascii_path_takes_latin1`] tells callers).
fn ascii_words(text: &str, lowercase: bool, scratch: &mut Vec<u8>, out: &mut String) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if avx512::available() {
            // SAFETY: `available` checked that this CPU has every feature the
            // function is compiled for.
            return unsafe { avx512::ascii_words(text, lowercase, scratch, out) };
        }
        if avx2::available() {
            // SAFETY: as above.
            return unsafe { avx2::ascii_words(text, lowercase, scratch, out) };
        }
    }
    ascii_words_portable(text, lowercase, scratch, out)
}

/// [`ascii_words`] with 64-bit integer arithmetic only (SWAR), for any CPU.
///
/// Runs of letters and digits are copied eight bytes at a time: one 64-bit load
/// classifies and lowercases eight bytes with integer arithmetic, the eight are
/// stored whole and the length advances by the run's length, so a typical word
/// costs one or two iterations instead of one per byte (profiled: this function
/// was the largest single cost of `dedup`, at ~5 cycles a byte byte by byte).
/// Everything else goes byte by byte through the table.
fn ascii_words_portable(
    text: &str,
    lowercase: bool,
    scratch: &mut Vec<u8>,
    out: &mut String,
) -> usize {
    let bytes = text.as_bytes();
    debug_assert!(bytes.is_ascii());
    let n = bytes.len();
    // Output is never longer than the input (every space stands for at least
    // one skipped byte), so the write position never passes the read position
    // and eight spare bytes let a run be stored whole. The buffer only grows:
    // no clearing per document.
    if scratch.len() < n + 8 {
        scratch.resize(n + 8, 0);
    }
    let mut len = 0usize;
    let mut words = 0usize;
    // Inside a word (possibly one that has emitted nothing yet, after `_`).
    let mut in_word = false;
    // The current word has emitted at least one byte.
    let mut emitted = false;
    let fold8 = |x: u64| if lowercase { ascii_lowercase8(x) } else { x };
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        match FAST_CLASS[b as usize] {
            1 => {
                if !emitted {
                    scratch[len] = b' ';
                    len += (words != 0) as usize;
                    words += 1;
                    emitted = true;
                }
                in_word = true;
                loop {
                    loop {
                        let chunk = load8_space_padded(bytes, i);
                        let run = alphanumeric_run(chunk);
                        scratch[len..len + 8].copy_from_slice(&fold8(chunk).to_le_bytes());
                        len += run;
                        i += run;
                        if run < 8 {
                            break;
                        }
                    }
                    // Byte i - 1 is a letter or digit. Whole eight-byte blocks of
                    // letters, digits and single spaces between them are already
                    // normalized text: stored as they are (lowered), a word
                    // counted per space. Block after block does not wait on the
                    // previous one's result, unlike a word at a time, whose next
                    // load waits for the last run's length.
                    while i + 9 <= n {
                        let chunk =
                            u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
                        let next =
                            u64::from_le_bytes(bytes[i + 1..i + 9].try_into().expect("8 bytes"));
                        let alnum = alphanumeric_mask(chunk);
                        let spaces = bytes_in_range(chunk, b' ', b' ');
                        // Before each byte: its predecessor (byte i - 1 for the first).
                        let alnum_before = (alnum << 8) | 0x80;
                        let clean = (alnum | spaces) == HIGH_BITS
                            && spaces & !alphanumeric_mask(next) == 0
                            && spaces & !alnum_before == 0;
                        if !clean {
                            break;
                        }
                        scratch[len..len + 8].copy_from_slice(&fold8(chunk).to_le_bytes());
                        len += 8;
                        i += 8;
                        // One high bit per space: their count is the top byte
                        // of the bits moved down and summed by one multiply
                        // (the baseline x86-64 target has no popcnt).
                        words += ((spaces >> 7).wrapping_mul(ONES) >> 56) as usize;
                    }
                    // Byte i - 1 is a letter or digit, or a space after which
                    // the word at i was already counted: either way a letter or
                    // digit at i continues the current word.
                    if i < n && FAST_CLASS[bytes[i] as usize] == 1 {
                        continue;
                    }
                    // Most words end in one space before the next word: go on
                    // with that word here, a branch that is nearly always taken,
                    // instead of through the class dispatch, which mispredicts
                    // at every change between word and separator.
                    if i + 1 < n && bytes[i] == b' ' && FAST_CLASS[bytes[i + 1] as usize] == 1 {
                        scratch[len] = b' ';
                        len += 1;
                        words += 1;
                        i += 1;
                        continue;
                    }
                    break;
                }
                continue;
            }
            0 => {
                in_word = false;
                emitted = false;
            }
            _ => {
                if b == b'_' {
                    in_word = true;
                } else if !(in_word && i > 0 && i + 1 < n && joins(b, bytes[i - 1], bytes[i + 1])) {
                    in_word = false;
                    emitted = false;
                }
            }
        }
        i += 1;
    }
    append_words(&scratch[..len], words, true, out);
    words
}

/// Appends the `words` words in `joined` (separated by single spaces) to
/// `out`, after a space if `out` already holds words: how both splitters hand
/// over their result. `ascii` says whether `joined` is all ASCII; if not (Latin-1
/// letters from the AVX-512 splitter) it is checked by `simdutf8`: std's check
/// was 17% of a run on accented text, where its ASCII shortcut does not apply.
fn append_words(joined: &[u8], words: usize, ascii: bool, out: &mut String) {
    if words > 0 {
        if !out.is_empty() {
            out.push(' ');
        }
        const WHOLE: &str = "the splitters keep or drop whole characters";
        out.push_str(if ascii {
            std::str::from_utf8(joined).expect(WHOLE)
        } else {
            simdutf8::basic::from_utf8(joined).expect(WHOLE)
        });
    }
}

/// Whether the joiner `b` between `prev` and `next` keeps a word together
/// (UAX #29 WB6/7 for letters, WB11/12 for digits).
#[inline]
fn joins(b: u8, prev: u8, next: u8) -> bool {
    let (prev, next) = (WORD_BYTE[prev as usize], WORD_BYTE[next as usize]);
    match b {
        b':' => prev == 1 && next == 1,
        b',' | b';' => prev == 2 && next == 2,
        b'.' | b'\'' => prev == next && (prev == 1 || prev == 2),
        _ => false,
    }
}

/// Eight bytes from `bytes[i..]` as a little-endian integer; past the end the
/// bytes are spaces, which end any run.
#[inline(always)]
fn load8_space_padded(bytes: &[u8], i: usize) -> u64 {
    match bytes.get(i..i + 8) {
        Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
        None => {
            let mut padded = [b' '; 8];
            padded[..bytes.len() - i].copy_from_slice(&bytes[i..]);
            u64::from_le_bytes(padded)
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Per byte of `x` (all < 0x80): high bit set where `lo <= byte <= hi`. Sums
/// stay below 0x100 per byte, so no carry crosses into the next byte.
#[inline(always)]
fn bytes_in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x + ONES * (0x80 - lo as u64);
    let above_hi = x + ONES * (0x7F - hi as u64);
    at_least_lo & !above_hi & HIGH_BITS
}

/// Per ASCII byte of `x`: high bit set where it is a letter or digit.
#[inline(always)]
fn alphanumeric_mask(x: u64) -> u64 {
    bytes_in_range(x | (ONES * 0x20), b'a', b'z') | bytes_in_range(x, b'0', b'9')
}

/// How many of the eight ASCII bytes in `x`, from the lowest, are letters or digits.
#[inline(always)]
fn alphanumeric_run(x: u64) -> usize {
    ((!alphanumeric_mask(x) & HIGH_BITS).trailing_zeros() / 8) as usize
}

/// The eight ASCII bytes in `x` with `A..=Z` lowered.
#[inline(always)]
fn ascii_lowercase8(x: u64) -> u64 {
    x | (bytes_in_range(x, b'A', b'Z') >> 2)
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

    /// `normalize` gives the reference's words, and counts them right.
    fn check_against_reference(
        text: &str,
        lowercase: bool,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let options = NormalizeOptions { lowercase };
        let mut out = String::new();
        let words = Normalizer::new(options).normalize(text, &mut out);
        let want = normalize_reference(text, options);
        prop_assert_eq!(words, want.split(' ').filter(|w| !w.is_empty()).count());
        prop_assert_eq!(out, want);
        Ok(())
    }

    /// The output (appended to "kept") and word count of each vector splitter
    /// this CPU has.
    fn vector_splits(text: &str, lowercase: bool) -> Vec<(String, usize)> {
        let mut results = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            let mut run = |split: unsafe fn(&str, bool, &mut Vec<u8>, &mut String) -> usize| {
                let mut out = String::from("kept");
                // SAFETY: only called below for splitters this CPU has.
                let words = unsafe { split(text, lowercase, &mut Vec::new(), &mut out) };
                results.push((out, words));
            };
            if avx512::available() {
                run(avx512::ascii_words);
            }
            if avx2::available() {
                run(avx2::ascii_words);
            }
        }
        results
    }

    /// The folding table says, for every character, what std's definition
    /// does: kept when alphanumeric or a combining mark, lowered to the same
    /// characters; and a character it calls an NFC starter is one NFC leaves
    /// alone.
    #[test]
    fn fold_table_matches_the_definition_for_every_character() {
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut table = String::new();
            let mut definition = String::new();
            for lowercase in [true, false] {
                table.clear();
                definition.clear();
                push_folded(c.encode_utf8(&mut [0; 4]), lowercase, &mut table);
                if c.is_alphanumeric() || is_combining_mark(c) {
                    if lowercase {
                        definition.extend(c.to_lowercase());
                    } else {
                        definition.push(c);
                    }
                }
                assert_eq!(table, definition, "U+{:04X}", c as u32);
            }
            if is_nfc_starter(c) {
                // NFC leaves it as it is, after a letter or a mark too.
                for context in ["a", "\u{e9}", "a\u{335}", "\u{1100}"] {
                    let text = format!("{context}{c}");
                    assert_eq!(text.nfc().collect::<String>(), text, "U+{:04X}", c as u32);
                }
            }
        }
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

    /// The letter path on one whitespace-free chunk: its words, or `None`
    /// (nothing written) when the chunk needs the full path.
    fn letter_chunk_words(chunk: &str, lowercase: bool, out: &mut String) -> Option<usize> {
        let span = letter_span_words(chunk, 0, lowercase, out);
        assert_eq!(span.end, if span.complete { chunk.len() } else { 0 });
        span.complete.then_some(span.words)
    }

    #[test]
    fn letter_scripts_take_the_fast_path_and_match_the_reference() {
        for text in [
            "Москва: ЦЕНТР города, 3,000 руб. д'Артаньян Ёлка_1 ёлка.Ёж",
            "Αθήνα ΣΟΦΙΑ σοφία Ψυχή — «Ναι»",
            "Ærøskøbing café naïve ÉCOLE Straße",
        ] {
            let options = NormalizeOptions::default();
            assert_eq!(norm(text), normalize_reference(text, options), "{text}");
        }
        let mut out = String::new();
        assert_eq!(
            letter_chunk_words("Москва,ЦЕНТР.города!Ёж", true, &mut out),
            Some(3)
        );
        // `.` between letters joins them (UAX #29 WB6/7), `,` and `!` do not.
        assert_eq!(out, "москва центргорода ёж");
        // Characters with rules of their own go the full way.
        out.clear();
        assert_eq!(
            letter_chunk_words("北京是a中国_b的首都。", true, &mut out),
            Some(10)
        );
        assert_eq!(out, "北 京 是 a 中 国 b 的 首 都");
        // Non-ASCII joiners: ’ joins like `.` (letters or digits), · like `:`
        // (letters), ， like `,` (digits).
        for (chunk, want) in [
            ("Can’t", "cant"),
            ("3’000", "3000"),
            ("l·l", "ll"),
            ("1·2", "1 2"),
            ("1，000", "1000"),
            ("a，b", "a b"),
            ("’a’", "a"),
        ] {
            out.clear();
            assert_eq!(
                letter_chunk_words(chunk, true, &mut out),
                Some(want.split(' ').count()),
                "{chunk}"
            );
            assert_eq!(out, want, "{chunk}");
            assert_eq!(out, normalize_reference(chunk, NormalizeOptions::default()));
        }
        for chunk in ["שלום", "カタカナ", "e\u{301}", "١٢٣", "İz", "กรุง"] {
            out.clear();
            assert_eq!(letter_chunk_words(chunk, true, &mut out), None, "{chunk}");
            assert!(out.is_empty());
        }
    }

    #[test]
    fn letter_spans_cross_whitespace_and_give_back_what_they_cannot_take() {
        let mut out = String::new();
        // Goes on while chunks start with a non-ASCII character; hands back
        // at one that starts in ASCII.
        let text = "Москва и\tПетербург, «ЦЕНТР»  2024 год";
        let span = letter_span_words(text, 0, true, &mut out);
        assert!(span.complete);
        assert_eq!(&text[span.end..], "2024 год");
        assert_eq!((span.words, out.as_str()), (4, "москва и петербург центр"));
        // Gives back the whole first chunk it cannot take (beyond the BMP,
        // Hebrew, a combining mark), keeping the words before it.
        for bad in ["😀", "שלום", "е\u{301}", "ж😀ж"] {
            out.clear();
            let text = format!("Москва и {bad} Петербург");
            let span = letter_span_words(&text, 0, true, &mut out);
            assert!(!span.complete, "{bad}");
            assert_eq!(&text[span.end..], format!("{bad} Петербург"));
            assert_eq!((span.words, out.as_str()), (2, "москва и"));
        }
        // Whatever path each chunk takes, the result is the reference's.
        for text in [
            "Москва и 😀 Петербург, ЦЕНТР 2024 год: «Ёлка» ж😀ж — д'Артаньян",
            "Ελλάδα שלום Αθήνα e\u{301}té Ψυχή\n\nΣΟΦΙΑ 3,000 σοφία_1 Ναι.Όχι",
            "北京 是 中国 的 首都 カタカナ 北京",
        ] {
            for lowercase in [true, false] {
                check_against_reference(text, lowercase).unwrap();
            }
        }
    }

    #[test]
    fn latin1_letters_are_plain_letters() {
        use unicode_normalization::char::canonical_combining_class;
        for code in 0x80..=0xFFu32 {
            let c = char::from_u32(code).unwrap();
            if !is_latin1_letter(c) {
                assert!(code < 0xC0 || c == '\u{d7}' || c == '\u{f7}', "{c}");
                continue;
            }
            // ALetter by the probes, kept, NFC-stable, one-character lowercase
            // two bytes long: C3 xx, upper ones at xx + 0x20.
            let entry = letter_class(c);
            assert_eq!(entry & (KIND_MASK | KEEP), KIND_LETTER | KEEP, "{c}");
            assert_eq!(canonical_combining_class(c), 0);
            let lower = char::from_u32(entry & 0x1F_FFFF).unwrap();
            assert_eq!(c.to_lowercase().collect::<String>(), lower.to_string());
            let (upper_bytes, lower_bytes) =
                (c.to_string().into_bytes(), lower.to_string().into_bytes());
            assert_eq!(upper_bytes[0], 0xC3);
            assert_eq!(lower_bytes[0], 0xC3);
            let is_upper = (0x80..=0x9E).contains(&upper_bytes[1]);
            assert_eq!(
                lower_bytes[1],
                upper_bytes[1] + if is_upper { 0x20 } else { 0 },
                "{c}"
            );
        }
        // The words do not depend on which path takes them.
        let text = "Ærøskøbing CAFÉ, naïve: façade Straße ÉCOLE été×été über·all l’été";
        assert_eq!(
            norm(text),
            normalize_reference(text, NormalizeOptions::default())
        );
        assert_eq!(
            norm(text),
            "ærøskøbing café naïve façade straße école été été überall lété"
        );
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
        fn letter_script_path_matches_reference(
            text in "[a-zA-Z0-9_.,;:'\" \t!?()\u{2019}\u{2018}\u{00b7}\u{00ad}\u{00a0}\u{0301}\u{200d}\u{05d0}\u{05d1}\u{30a2}\u{0661}\u{ff0e}\u{ff0c}\u{ff1a}\u{2024}\u{fe52}\u{2014}\u{00ab}\u{00bb}éÉßİΣσςΑβЖжщЁёДü\u{1d400}\u{1f600}中-]{0,60}",
            lowercase: bool,
        ) {
            check_against_reference(&text, lowercase)?;
        }

        #[test]
        fn first_non_ascii_finds_the_first_high_byte(
            bytes in proptest::collection::vec(prop_oneof![9 => 0u8..0x80, 1 => 0x80u8..=0xff], 0..100),
        ) {
            prop_assert_eq!(first_non_ascii(&bytes), bytes.iter().position(|&b| b >= 0x80));
        }

        /// Western European text: Latin-1 letters (which the AVX-512 splitter
        /// takes) in every case, next to ASCII, joiners, `×`/`÷`, typographic
        /// characters, combining marks and letters beyond Latin-1, in tokens
        /// long enough to cross 64-byte blocks.
        #[test]
        fn latin1_text_matches_reference(
            parts in proptest::collection::vec(
                prop_oneof![
                    4 => "[a-zA-Z\u{c0}-\u{ff}]{1,12}",
                    1 => "[a-zA-Z0-9\u{c0}-\u{ff}_.:',]{50,70}",
                    3 => proptest::sample::select(vec![" ", "  ", "\n", ".", ",", ":", "'", "_", "-", "1", "\u{2019}", "\u{a0}", "\u{b7}", "\u{d7}", "\u{f7}", "\u{ab}"]).prop_map(str::to_string),
                    1 => proptest::sample::select(vec!["\u{301}", "\u{308}", "\u{327}", "\u{200d}", "\u{ad}", "\u{101}", "\u{178}", "\u{130}", "\u{3a3}", "\u{5d0}"]).prop_map(str::to_string),
                ],
                0..30,
            ),
            lowercase: bool,
        ) {
            check_against_reference(&parts.concat(), lowercase)?;
        }

        /// English as scraped: typographic quotes, apostrophes, dashes, spaces
        /// and symbols between ASCII words (the characters `normalize` replaces
        /// by ASCII), sometimes next to a letter, mark or format character that
        /// sends the chunk down another path.
        #[test]
        fn typographic_text_matches_reference(
            parts in proptest::collection::vec(
                prop_oneof![
                    4 => "[a-zA-Z0-9]{1,9}",
                    2 => proptest::sample::select(vec![" ", "  ", "\n", ".", ",", ":", ";", "'", "_", "-", "!", "(", ")"]).prop_map(str::to_string),
                    3 => proptest::sample::select(vec![
                        "\u{2019}", "\u{2018}", "\u{201c}", "\u{201d}", "\u{2014}", "\u{2013}", "\u{2026}",
                        "\u{a0}", "\u{a9}", "\u{b7}", "\u{ab}", "\u{bb}", "\u{2022}", "\u{2032}", "\u{2009}",
                        "\u{202f}", "\u{3000}", "\u{2024}", "\u{fe52}", "\u{ff0e}", "\u{ff0c}", "\u{ff1a}",
                        "\u{ae}", "\u{2122}", "\u{20ac}", "\u{b0}", "\u{d7}", "\u{bf}", "\u{a1}", "\u{a7}",
                    ]).prop_map(str::to_string),
                    1 => proptest::sample::select(vec![
                        "\u{e9}", "\u{301}", "\u{200d}", "\u{200b}", "\u{ad}", "\u{feff}", "\u{5d0}", "\u{30a2}",
                        "\u{4e2d}", "\u{b2}", "\u{aa}", "\u{1f600}",
                    ]).prop_map(str::to_string),
                ],
                0..40,
            ),
            lowercase: bool,
        ) {
            check_against_reference(&parts.concat(), lowercase)?;
        }

        /// Any characters of the BMP next to ASCII letters, digits and joiners:
        /// whatever the probes classified, the result is the reference's.
        #[test]
        fn any_bmp_text_matches_reference(
            chars in proptest::collection::vec(
                prop_oneof![
                    proptest::char::range('\u{80}', '\u{ffff}'),
                    proptest::char::range('\u{400}', '\u{4ff}'),
                    proptest::char::range('\u{3000}', '\u{30ff}'),
                    proptest::char::range('\u{4e00}', '\u{4e80}'),
                    proptest::char::range('\u{e00}', '\u{e7f}'),
                    proptest::sample::select(vec!['a', 'Z', '1', '.', ',', ':', '\'', '_', ' ', '!']),
                ],
                0..40,
            ),
        ) {
            let text: String = chars.into_iter().collect();
            let options = NormalizeOptions::default();
            prop_assert_eq!(norm(&text), normalize_reference(&text, options));
        }

        #[test]
        fn ascii_runs_match_reference(
            words in proptest::collection::vec(("[a-zA-Z0-9]{0,19}", "[ _.,;:'!\t-]{0,2}"), 0..12),
            lowercase in any::<bool>(),
        ) {
            // Words of every length around the 8-byte steps, next to every joiner.
            let text: String = words.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
            let options = NormalizeOptions { lowercase };
            let mut got = String::new();
            Normalizer::new(options).normalize(&text, &mut got);
            prop_assert_eq!(got, normalize_reference(&text, options));
        }

        #[test]
        fn vector_splitters_match_portable(
            // Tokens of every length around the 8- and 64-byte steps, every
            // joiner and `_` next to letters and digits, runs of separators,
            // so that each rule meets a block boundary somewhere.
            tokens in proptest::collection::vec(
                prop_oneof![
                    "[a-zA-Z]{1,19}",
                    "[0-9]{1,6}",
                    "[_.,;:'][a-z0-9]?",
                    "[ ]{1,3}",
                    "[ _.,;:'!\t-]{1,70}",
                    "[a-zA-Z0-9_.,;:']{60,70}",
                ],
                0..60,
            ),
            lowercase in any::<bool>(),
        ) {
            let text: String = tokens.concat();
            let mut portable = String::from("kept");
            let portable_words = ascii_words_portable(&text, lowercase, &mut Vec::new(), &mut portable);
            for (simd, simd_words) in vector_splits(&text, lowercase) {
                prop_assert_eq!(&simd, &portable);
                prop_assert_eq!(simd_words, portable_words);
            }
            let options = NormalizeOptions { lowercase };
            let expected = normalize_reference(&text, options);
            prop_assert_eq!(portable.strip_prefix("kept").unwrap().trim_start(), expected.as_str());
            prop_assert_eq!(portable_words, expected.split(' ').filter(|w| !w.is_empty()).count());
        }

        /// The vector splitters on ASCII with Latin-1 letters (which the
        /// portable splitter does not take) give the reference result, whichever
        /// of them `normalize` picks on this CPU.
        #[test]
        fn vector_splitters_take_latin1_letters(
            parts in proptest::collection::vec(
                prop_oneof![
                    4 => "[a-zA-Z\u{c0}-\u{d6}\u{d8}-\u{f6}\u{f8}-\u{ff}]{1,12}",
                    1 => "[a-zA-Z0-9\u{c0}-\u{d6}\u{f8}-\u{ff}_.:',;]{50,70}",
                    3 => proptest::sample::select(vec![" ", "  ", "\n", ".", ",", ":", "'", "_", "-", "1", "9"]).prop_map(str::to_string),
                ],
                0..30,
            ),
            lowercase: bool,
        ) {
            let text = parts.concat();
            let expected = normalize_reference(&text, NormalizeOptions { lowercase });
            for (simd, simd_words) in vector_splits(&text, lowercase) {
                prop_assert_eq!(simd.strip_prefix("kept").unwrap().trim_start(), expected.as_str());
                prop_assert_eq!(simd_words, expected.split(' ').filter(|w| !w.is_empty()).count());
            }
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
