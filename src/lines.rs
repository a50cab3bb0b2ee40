//! `shingle lines`: lines that repeat across documents (navigation, footers,
//! cookie banners, font-size pickers) or within one document (a photo caption
//! printed once as caption and once as alt text) — found exactly, reported,
//! and removed on request.
//!
//! # What a line is
//! A line is a piece of a document's *text field* (or of a `.txt` document)
//! between `\n` characters; a `\r` right before the `\n` belongs to the line
//! terminator, not to the line. Lines are never split inside a UTF-8
//! character, and `--strip` writes every kept line with its own terminator
//! (`\n` or `\r\n`) as it was.
//!
//! # Line identity
//! Two lines are the same line when their normalized forms are equal
//! ([`LineNormalizer`]; each step can be switched off):
//!
//! 1. **trim** leading and trailing whitespace (Unicode `White_Space`);
//! 2. **NFC** (canonical composition), so NFD and NFC spellings of a caption are
//!    one line;
//! 3. **collapse whitespace**: every run of whitespace becomes one space;
//! 4. **case fold** with the Unicode lowercase mapping;
//! 5. optionally (`--fold-digits`, off by default) **fold digits**: every run of
//!    characters of Unicode category N (`2023`, `½`) becomes a single `0`, so
//!    `© 2021 Example` and `© 2024 Example` are one line.
//!
//! The normalized bytes are hashed with the 128-bit XXH3; the hash *is* the
//! identity. With 10¹⁰ distinct lines the probability that any two of them
//! collide is about n²/2¹²⁹ ≈ 1.5·10⁻¹⁹: negligible. Counts are exact — no
//! sampling, no sketch.
//!
//! # Blank and symbol-only lines
//! * A **blank** line (empty or whitespace only) is never boilerplate: it is not
//!   counted, reported or removed.
//! * A **symbol-only** line is one whose normalized form has no letter and no
//!   digit (`|`, `•`, `---`, `* * *`, `»`, an emoji). Such lines separate rather
//!   than say anything, and removing them would glue neighbouring lines
//!   together, so by default they are counted in the totals but not reported
//!   and not stripped. `--include-symbol-lines` treats them like any other
//!   line. Short lines *with* a letter or digit (`XS`, `MD`, `LG`, `1`) are
//!   ordinary lines: a font-size picker is exactly what this command is for.
//!
//! # What is counted
//! For each line: `docs`, the number of distinct documents containing it;
//! `occurrences` in total; `docs_repeating`, the documents in which it occurs
//! more than once; `bytes`, the bytes of all its occurrences including their
//! terminators (what removing every occurrence would save); the text of its
//! first occurrence in input order; and the ids of the first
//! [`EXAMPLES`] documents containing it. The report lists lines with
//! `docs ≥ --min-docs` (default 2) and at least two occurrences, most
//! widespread first (docs, then occurrences, descending; ties in input order).
//! With `--min-docs 1` a line repeated within a single document is reported too.
//!
//! # How it runs, and what it costs
//! Pass 1 streams the input as [`crate::input`] blocks; workers (rayon) split,
//! normalize and hash the lines of runs of 256 records and aggregate them per
//! run; the runs are merged into one table in input order, so the result does
//! not depend on the number of threads. The table holds, per distinct line, its
//! 128-bit hash and a 12-byte slot (28 bytes plus one control byte of the hash
//! table). A line seen once needs nothing more: the slot holds its document,
//! line number and size. A line seen twice or more gets a 48-byte record of
//! counts and example document numbers. **No text is kept**: the report's texts
//! and example ids are fetched afterwards by re-reading only up to the last
//! document that holds a reported example (for `--top 20` usually a small
//! prefix of the input; stdin is spooled to a temporary file for this).
//!
//! Memory is therefore bounded by the number of distinct lines, not by the size
//! of the corpus: 29 bytes per distinct line divided by the table's load factor
//! (between 0.44 and 0.875, so 33–66 bytes, about 45 on average), plus 48 bytes
//! (up to 96 while its vector grows) per line seen at least twice. While the
//! table doubles, old and new tables coexist for a moment (peak ≈ 1.5×).
//! Everything else is a few input blocks (8 MB each) per thread.
//!
//! What a billion-line input costs: assume 500 million distinct lines after
//! normalization and 30 million of them repeated (web text is mostly unique
//! sentences plus a comparatively small set of chrome). The table then takes
//! 500M × 33–66 B + 30M × 48–96 B ≈ 18–36 GB, about 25 GB typically, with a
//! transient peak near 1.5× that while it grows. For scale, the 207 MB
//! `shingle generate --documents 40000 --mean-words 700` corpus has 1.95 million
//! lines, 736 thousand distinct, and its table takes 37 MB (99 MB RSS in all).
//! A corpus too large for one table can be processed per shard (per site or per
//! crawl segment), where most boilerplate lives anyway.
//!
//! # `--strip`
//! Removing lines needs the global counts before the first document is
//! written, so `--strip` reads the input twice: pass 1 counts, pass 2 rewrites.
//! In every document (a) every occurrence of a line found in at least
//! `--min-docs` documents is removed, and (b) any further occurrence of a line
//! already seen in that document is removed (repeats collapse to the first).
//! Everything else is untouched: kept lines keep their bytes and terminators; a
//! JSONL record is copied byte for byte except for the text value, which is
//! re-encoded and spliced in at the same place (a record with nothing removed
//! is copied unchanged). If the text did not end with a line break, neither does
//! the stripped text. A `.txt` document becomes `{"id": path, "text": ...}`.
//! Documents left with only whitespace are kept and counted (`--drop-empty`
//! drops them). Next to `OUT` go `OUT.removed.jsonl` (per changed document: its
//! id and each removed line with line number, reason and document count, to
//! audit the step), `OUT.skipped.jsonl` with `--on-bad-record skip`, and
//! `OUT.stats.json`, committed last. `OUT` is compressed when its name ends in
//! `.gz` or `.zst`.
//!
//! ```
//! use shingle::lines::{LinesConfig, report};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let input = dir.path().join("pages.jsonl");
//! std::fs::write(&input, concat!(
//!     r#"{"id":"a","text":"Breaking News\nThe mayor opened the bridge.\nA crowd on the bridge\nA crowd on the bridge"}"#, "\n",
//!     r#"{"id":"b","text":"Breaking  news\nRain is expected on Sunday."}"#, "\n",
//! )).unwrap();
//! let config = LinesConfig { inputs: vec![input], min_docs: 1, progress: false, ..LinesConfig::default() };
//! let found = report(&config, None).unwrap();
//! assert_eq!(found.lines.len(), 2);
//! assert_eq!((found.lines[0].line.as_str(), found.lines[0].docs), ("Breaking News", 2));
//! assert_eq!((found.lines[1].docs, found.lines[1].docs_repeating), (1, 1));
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use xxhash_rust::xxh3::xxh3_128;

use crate::dedup::{BadRecordPolicy, InputStat, RunInfo};
use crate::error::{Error, Location, Result};
use crate::input::{
    self, BadRecord, Block, Compression, DocId, FieldPaths, RawRecord, Source, SourceKind,
};
use crate::output::{write_json_line, write_pretty_json, AtomicWriter, Staged};
use crate::progress::Progress;

/// Example document ids kept per line.
pub const EXAMPLES: usize = 3;

/// "No document" in example slots; also marks a promoted slot.
const NONE: u32 = u32::MAX;

// ---------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------

/// Which normalization steps decide that two lines are the same line. The
/// defaults suit scraped web text; each step can be turned off so that the
/// identity is as strict as a use case needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LineNormalizeOptions {
    /// Unicode NFC before comparing (default on): NFD and NFC spellings match.
    pub nfc: bool,
    /// Drop leading and trailing whitespace (default on).
    pub trim: bool,
    /// Turn every run of whitespace into one space (default on).
    pub collapse_whitespace: bool,
    /// Unicode lowercase mapping (default on): `Breaking News` = `BREAKING NEWS`.
    pub case_fold: bool,
    /// Every run of numeric characters becomes `0` (default off): footers with
    /// dates or years match across pages.
    pub fold_digits: bool,
}

impl Default for LineNormalizeOptions {
    fn default() -> Self {
        LineNormalizeOptions {
            nfc: true,
            trim: true,
            collapse_whitespace: true,
            case_fold: true,
            fold_digits: false,
        }
    }
}

/// What kind of line a normalized line is (see the module docs for the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineClass {
    /// Empty or whitespace only: never counted as boilerplate.
    Blank,
    /// No letter and no digit (`|`, `•`, `---`): counted only with
    /// `--include-symbol-lines`.
    SymbolOnly,
    /// Everything else.
    Text,
}

/// Reusable line normalizer (keeps a scratch buffer for NFC).
///
/// ```
/// use shingle::lines::{LineClass, LineNormalizeOptions, LineNormalizer};
/// let mut n = LineNormalizer::new(LineNormalizeOptions::default());
/// let mut out = String::new();
/// assert_eq!(n.normalize("  Breaking \t NEWS ", &mut out), LineClass::Text);
/// assert_eq!(out, "breaking news");
/// // NFD input (e + combining acute) is the same line as NFC.
/// n.normalize("Caf\u{65}\u{301} de Flore", &mut out);
/// assert_eq!(out, "caf\u{e9} de flore");
/// assert_eq!(n.normalize(" • ", &mut out), LineClass::SymbolOnly);
/// assert_eq!(n.normalize(" \t", &mut out), LineClass::Blank);
/// ```
#[derive(Debug, Default, Clone)]
pub struct LineNormalizer {
    options: LineNormalizeOptions,
    nfc: String,
}

impl LineNormalizer {
    /// A normalizer applying `options`.
    pub fn new(options: LineNormalizeOptions) -> Self {
        LineNormalizer {
            options,
            nfc: String::new(),
        }
    }

    /// Normalizes one line (no terminator) into `out` (cleared first) and
    /// classifies it.
    pub fn normalize(&mut self, line: &str, out: &mut String) -> LineClass {
        out.clear();
        let o = self.options;
        let line = if o.trim { line.trim() } else { line };
        let text: &str =
            if o.nfc && !surely_nfc(line) && is_nfc_quick(line.chars()) != IsNormalized::Yes {
                self.nfc.clear();
                self.nfc.extend(line.nfc());
                &self.nfc
            } else {
                line
            };
        let mut fold = Fold::default();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes[i..].iter().take_while(|b| b.is_ascii()).count();
            if run > 0 {
                fold.ascii(&text[i..i + run], o, out);
                i += run;
            } else {
                let c = text[i..].chars().next().expect("not at the end");
                fold.char(c, o, out);
                i += c.len_utf8();
            }
        }
        fold.class()
    }
}

/// True when `text` has no character at or above U+0300: all of those are
/// NFC_Quick_Check=Yes with combining class 0, so such a text is in NFC. (In
/// UTF-8 they are exactly the texts without a byte ≥ 0xCC.) Saves the
/// per-character NFC check for ASCII and accented Latin text.
fn surely_nfc(text: &str) -> bool {
    text.bytes().all(|b| b < 0xCC)
}

/// Folding state carried along a line: whitespace, digits, case.
#[derive(Debug, Default)]
struct Fold {
    content: bool,
    alnum: bool,
    prev_space: bool,
    in_digits: bool,
}

impl Fold {
    fn class(&self) -> LineClass {
        if !self.content {
            LineClass::Blank
        } else if !self.alnum {
            LineClass::SymbolOnly
        } else {
            LineClass::Text
        }
    }

    /// One character (the reference definition).
    fn char(&mut self, c: char, o: LineNormalizeOptions, out: &mut String) {
        if c.is_whitespace() {
            self.in_digits = false;
            if !o.collapse_whitespace {
                out.push(c);
            } else if !self.prev_space {
                out.push(' ');
                self.prev_space = true;
            }
            return;
        }
        self.content = true;
        self.prev_space = false;
        if o.fold_digits && c.is_numeric() {
            self.alnum = true;
            if !self.in_digits {
                out.push('0');
                self.in_digits = true;
            }
            return;
        }
        self.in_digits = false;
        self.alnum |= c.is_alphanumeric();
        if !o.case_fold {
            out.push(c);
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }

    /// A run of ASCII characters, same result as [`Fold::char`] on each: one
    /// scan decides whether the run is already clean (no whitespace to
    /// collapse, no digit to fold), and a clean run is copied and lowercased
    /// in bulk.
    fn ascii(&mut self, run: &str, o: LineNormalizeOptions, out: &mut String) {
        let bytes = run.as_bytes();
        let is_ws = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
        // Branch-free folds over the whole run (vectorized), early-exit scans
        // for what is usually decided by the first bytes.
        self.content |= bytes.iter().any(|&b| !is_ws(b));
        self.alnum |= bytes.iter().any(u8::is_ascii_alphanumeric);
        let mut clean = true;
        if o.collapse_whitespace {
            let control_ws = bytes
                .iter()
                .fold(false, |a, &b| a | (b.wrapping_sub(b'\t') < 5));
            let double = bytes
                .windows(2)
                .fold(false, |a, w| a | ((w[0] == b' ') & (w[1] == b' ')));
            let leading = self.prev_space && bytes.first() == Some(&b' ');
            clean = !(control_ws || double || leading);
        }
        if o.fold_digits {
            clean &= !bytes.iter().fold(false, |a, &b| a | b.is_ascii_digit());
        }
        let prev_ws = bytes.last().map_or(self.prev_space, |&b| is_ws(b));
        if clean {
            let start = out.len();
            out.push_str(run);
            if o.case_fold {
                out[start..].make_ascii_lowercase();
            }
            self.prev_space = o.collapse_whitespace && prev_ws;
            self.in_digits = false;
            return;
        }
        for &b in bytes {
            self.char(b as char, o, out);
        }
    }
}

/// Splits a text into lines: `(content, terminator)` with terminator `"\n"`,
/// `"\r\n"` or `""` (last line). A text ending in a line break has no empty
/// line after it; the empty text has no lines.
///
/// ```
/// let lines: Vec<_> = shingle::lines::split_lines("a\r\nb\n\nc").collect();
/// assert_eq!(lines, [("a", "\r\n"), ("b", "\n"), ("", "\n"), ("c", "")]);
/// ```
pub fn split_lines(text: &str) -> SplitLines<'_> {
    SplitLines { rest: text }
}

/// Iterator returned by [`split_lines`].
#[derive(Debug, Clone)]
pub struct SplitLines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for SplitLines<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = self.rest;
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(nl) => {
                let end = if nl > 0 && rest.as_bytes()[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                self.rest = &rest[nl + 1..];
                Some((&rest[..end], &rest[end..nl + 1]))
            }
            None => {
                self.rest = "";
                Some((rest, ""))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The line table
// ---------------------------------------------------------------------------

/// A 128-bit line hash, stored as four `u32` so that a table entry packs into
/// 28 bytes (a `u128` would force 16-byte alignment and 32-byte entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LineKey([u32; 4]);

impl LineKey {
    fn of(normalized: &str) -> Self {
        let h = xxh3_128(normalized.as_bytes());
        LineKey([
            h as u32,
            (h >> 32) as u32,
            (h >> 64) as u32,
            (h >> 96) as u32,
        ])
    }
}

impl Hash for LineKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already a uniform hash: hand 64 of its bits to the table as they are.
        state.write_u64(u64::from(self.0[0]) | (u64::from(self.0[1]) << 32));
    }
}

/// Passes a precomputed hash through.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type KeyBuild = BuildHasherDefault<KeyHasher>;

/// Per distinct line, 12 bytes. Seen once: its document, line number and
/// bytes. Seen more often: `doc == NONE` and `value` indexes [`LineStat`]s.
#[derive(Debug, Clone, Copy)]
struct Slot {
    doc: u32,
    line: u32,
    value: u32,
}

/// Counts of a line seen at least twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineStat {
    docs: u32,
    docs_repeating: u32,
    occurrences: u64,
    bytes: u64,
    first_doc: u32,
    first_line: u32,
    /// Document numbers of the first documents containing it (`NONE` = unused);
    /// `examples[0] == first_doc`.
    examples: [u32; EXAMPLES],
}

impl LineStat {
    fn add(&mut self, base: u32, c: &ChunkLine) {
        self.docs += c.docs;
        self.docs_repeating += c.docs_repeating;
        self.occurrences += c.occurrences;
        self.bytes += c.bytes;
        let have = self.examples.iter().take_while(|&&d| d != NONE).count();
        let new = c.examples.iter().take_while(|&&d| d != NONE);
        for (slot, &d) in self.examples[have..].iter_mut().zip(new) {
            *slot = base + d;
        }
    }
}

/// One line's counts within one chunk of records (document numbers local).
#[derive(Debug, Clone, Copy)]
struct ChunkLine {
    key: LineKey,
    docs: u32,
    docs_repeating: u32,
    occurrences: u64,
    bytes: u64,
    first_doc: u32,
    first_line: u32,
    examples: [u32; EXAMPLES],
}

/// Exact counts for every distinct line of a corpus.
#[derive(Default)]
struct LineTable {
    slots: HashMap<LineKey, Slot, KeyBuild>,
    stats: Vec<LineStat>,
}

impl LineTable {
    /// Adds a chunk's lines; its documents are numbered from `base`, after
    /// every document already added.
    fn merge(&mut self, base: u32, lines: &[ChunkLine]) -> Result<()> {
        use std::collections::hash_map::Entry;
        for c in lines {
            match self.slots.entry(c.key) {
                Entry::Vacant(v) => {
                    if c.occurrences == 1 {
                        v.insert(Slot {
                            doc: base + c.first_doc,
                            line: c.first_line,
                            value: c.bytes as u32,
                        });
                    } else {
                        let index = stat_index(self.stats.len())?;
                        let mut stat = LineStat {
                            docs: 0,
                            docs_repeating: 0,
                            occurrences: 0,
                            bytes: 0,
                            first_doc: base + c.first_doc,
                            first_line: c.first_line,
                            examples: [NONE; EXAMPLES],
                        };
                        stat.add(base, c);
                        self.stats.push(stat);
                        v.insert(Slot {
                            doc: NONE,
                            line: 0,
                            value: index,
                        });
                    }
                }
                Entry::Occupied(mut o) => {
                    let slot = o.get_mut();
                    let index = if slot.doc == NONE {
                        slot.value as usize
                    } else {
                        let index = stat_index(self.stats.len())?;
                        let mut examples = [NONE; EXAMPLES];
                        examples[0] = slot.doc;
                        self.stats.push(LineStat {
                            docs: 1,
                            docs_repeating: 0,
                            occurrences: 1,
                            bytes: u64::from(slot.value),
                            first_doc: slot.doc,
                            first_line: slot.line,
                            examples,
                        });
                        *slot = Slot {
                            doc: NONE,
                            line: 0,
                            value: index,
                        };
                        index as usize
                    };
                    self.stats[index].add(base, c);
                }
            }
        }
        Ok(())
    }

    /// Number of documents containing a line (0 if unknown).
    fn docs_of(&self, key: &LineKey) -> u32 {
        match self.slots.get(key) {
            None => 0,
            Some(s) if s.doc == NONE => self.stats[s.value as usize].docs,
            Some(_) => 1,
        }
    }

    /// Lines seen at least twice, with their counts.
    fn repeated(&self) -> impl Iterator<Item = (LineKey, &LineStat)> + '_ {
        self.slots
            .iter()
            .filter(|(_, s)| s.doc == NONE)
            .map(|(k, s)| (*k, &self.stats[s.value as usize]))
    }

    /// Bytes allocated by the table (hash table and repeated-line records).
    fn allocated_bytes(&self) -> u64 {
        let buckets = (self.slots.capacity() * 8 / 7).next_power_of_two();
        let entry = std::mem::size_of::<(LineKey, Slot)>() + 1;
        (buckets * entry + self.stats.capacity() * std::mem::size_of::<LineStat>()) as u64
    }
}

fn stat_index(len: usize) -> Result<u32> {
    u32::try_from(len)
        .ok()
        .filter(|&i| i != NONE)
        .ok_or_else(|| {
            Error::Config("more than 4 billion repeated lines in one run; split the input".into())
        })
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// Everything `shingle lines` needs to know; built from the command line by
/// [`LinesArgs::config`] or directly by library users.
#[derive(Debug, Clone)]
pub struct LinesConfig {
    /// Input files, directories, or `-` for stdin.
    pub inputs: Vec<PathBuf>,
    /// Dotted path of the text field in JSON records.
    pub text_field: String,
    /// Dotted path of the id field; records without it get `<file>:<line>`.
    pub id_field: String,
    /// What makes two lines the same line.
    pub normalize: LineNormalizeOptions,
    /// Count, report and strip lines without letters or digits too.
    pub include_symbol_lines: bool,
    /// Lines in at least this many documents are reported (and stripped).
    pub min_docs: u64,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Show a progress bar (when stderr is a terminal).
    pub progress: bool,
    /// Bad-record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Records longer than this are bad records.
    pub max_record_bytes: usize,
    /// Where stdin is spooled; `None` = beside the output (`--strip`) or the
    /// system temporary directory.
    pub tmp_dir: Option<PathBuf>,
    /// Bytes of input per parallel block; 0 = automatic
    /// ([`crate::input::auto_block_bytes`]).
    pub block_bytes: usize,
}

impl Default for LinesConfig {
    fn default() -> Self {
        LinesConfig {
            inputs: Vec::new(),
            text_field: "text".into(),
            id_field: "id".into(),
            normalize: LineNormalizeOptions::default(),
            include_symbol_lines: false,
            min_docs: 2,
            threads: 0,
            progress: true,
            on_bad_record: BadRecordPolicy::Error,
            max_record_bytes: 64 << 20,
            tmp_dir: None,
            block_bytes: 0,
        }
    }
}

impl LinesConfig {
    /// Checks ranges and combinations.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::Config(m.into()));
        if self.inputs.is_empty() {
            return bad("no input given");
        }
        if self.min_docs == 0 {
            return bad("--min-docs must be at least 1");
        }
        if self.max_record_bytes == 0 || self.max_record_bytes > u32::MAX as usize {
            return bad("--max-record-bytes must be 1..4 GiB");
        }
        if self.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return bad("stdin (-) can be given only once");
        }
        FieldPaths::new(&self.text_field, &self.id_field)?;
        Ok(())
    }
}

/// Options of `--strip`.
#[derive(Debug, Clone)]
pub struct StripOptions {
    /// The stripped corpus (JSONL; `.gz`/`.zst` names are compressed). The
    /// sidecars are named after it.
    pub output: PathBuf,
    /// Leave out documents that are empty (whitespace only) after stripping.
    pub drop_empty: bool,
}

impl StripOptions {
    /// `OUT.removed.jsonl`: what was removed from each document.
    pub fn removed_path(&self) -> PathBuf {
        sidecar(&self.output, "removed.jsonl")
    }
    /// `OUT.skipped.jsonl`: bad records skipped (with `--on-bad-record skip`).
    pub fn skipped_path(&self) -> PathBuf {
        sidecar(&self.output, "skipped.jsonl")
    }
    /// `OUT.stats.json`: counts, written last.
    pub fn stats_path(&self) -> PathBuf {
        sidecar(&self.output, "stats.json")
    }
}

fn sidecar(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!("{name}.{suffix}"))
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Line totals of a run.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct LineTotals {
    /// Lines of all documents read.
    pub total: u64,
    /// Blank lines (never counted as boilerplate).
    pub blank: u64,
    /// Lines without a letter or digit.
    pub symbol_only: u64,
    /// Distinct lines counted (normalized; symbol-only ones only if included).
    pub distinct: u64,
    /// Distinct lines occurring at least twice.
    pub repeated: u64,
    /// Distinct lines that occur at least twice and in at least `min_docs`
    /// documents (what the report lists, before `--top`).
    pub matching: u64,
}

impl LineTotals {
    fn add(&mut self, o: &LineTotals) {
        self.total += o.total;
        self.blank += o.blank;
        self.symbol_only += o.symbol_only;
    }
}

/// What pass 1 saw, reported by both modes.
#[derive(Debug, Clone, Serialize)]
pub struct CountSummary {
    /// Records read (JSONL lines that are not blank, and text files).
    pub records: u64,
    /// Documents counted (records minus skipped).
    pub documents: u64,
    /// Bad records skipped (with `--on-bad-record skip`).
    pub skipped: u64,
    /// Skipped records by reason.
    pub skipped_by_reason: BTreeMap<&'static str, u64>,
    /// Uncompressed bytes of the records read.
    pub bytes_read: u64,
    /// Whitespace-only lines in JSONL inputs (not documents).
    pub blank_records: u64,
    /// Line totals.
    pub lines: LineTotals,
    /// Bytes held by the line table at the end of pass 1.
    pub table_bytes: u64,
}

/// One reported line.
#[derive(Debug, Clone, Serialize)]
pub struct ReportLine {
    /// The text of its first occurrence, as it was (no terminator).
    pub line: String,
    /// Documents containing it.
    pub docs: u64,
    /// Occurrences in all documents.
    pub occurrences: u64,
    /// Documents in which it occurs more than once.
    pub docs_repeating: u64,
    /// Bytes of all occurrences, terminators included.
    pub bytes: u64,
    /// Ids (JSON values, as in the input) of the first documents containing it.
    pub examples: Vec<Box<RawValue>>,
}

/// The result of [`report`].
#[derive(Debug, Clone)]
pub struct LinesReport {
    /// Reported lines, most widespread first.
    pub lines: Vec<ReportLine>,
    /// What was read.
    pub summary: CountSummary,
    /// The first skipped records (at most 100), for warnings.
    pub skipped_sample: Vec<(Location, BadRecord)>,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time of the run.
    pub seconds: f64,
    /// The `--min-docs` used.
    pub min_docs: u64,
}

/// Documents by fate in `--strip`. `read = written + dropped_empty + skipped`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct StripDocuments {
    /// Records read.
    pub read: u64,
    /// Documents written.
    pub written: u64,
    /// Bad records skipped.
    pub skipped: u64,
    /// Documents with at least one line removed.
    pub changed: u64,
    /// Documents that had text and were left with whitespace only.
    pub became_empty: u64,
    /// Of those, dropped (`--drop-empty`).
    pub dropped_empty: u64,
}

/// Lines and bytes removed by `--strip`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Removed {
    /// Occurrences of lines found in at least `min_docs` documents.
    pub common_lines: u64,
    /// Further occurrences of a line within one document.
    pub repeated_lines: u64,
    /// Bytes of the removed lines, terminators included.
    pub bytes: u64,
    /// Bytes of text before stripping (documents read, not skipped).
    pub text_bytes_in: u64,
    /// Bytes of text written.
    pub text_bytes_out: u64,
}

impl Removed {
    fn add(&mut self, o: &Removed) {
        self.common_lines += o.common_lines;
        self.repeated_lines += o.repeated_lines;
        self.bytes += o.bytes;
        self.text_bytes_in += o.text_bytes_in;
        self.text_bytes_out += o.text_bytes_out;
    }
}

/// Parameters of a `--strip` run, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct StripParameters {
    /// Lines in at least this many documents were removed.
    pub min_docs: u64,
    /// Line identity.
    pub normalize: LineNormalizeOptions,
    /// Symbol-only lines counted too?
    pub include_symbol_lines: bool,
    /// Empty documents dropped?
    pub drop_empty: bool,
    /// Text field path.
    pub text_field: String,
    /// Id field path.
    pub id_field: String,
    /// Bad-record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Record size limit.
    pub max_record_bytes: usize,
}

/// Everything `OUT.stats.json` reports.
#[derive(Debug, Clone, Serialize)]
pub struct StripStats {
    /// Tool version.
    pub shingle_version: &'static str,
    /// Inputs in reading order.
    pub inputs: Vec<InputStat>,
    /// Documents by fate.
    pub documents: StripDocuments,
    /// Lines of the input.
    pub lines: LineTotals,
    /// What was removed.
    pub removed: Removed,
    /// Uncompressed bytes of the records read.
    pub bytes_read: u64,
    /// Whitespace-only lines in JSONL inputs (not documents).
    pub blank_records: u64,
    /// Skipped records by reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// Bytes held by the line table.
    pub table_bytes: u64,
    /// Parameters of the run.
    pub parameters: StripParameters,
    /// What varies from run to run (excluded from determinism checks).
    pub run: RunInfo,
}

/// What a `--strip` run produced.
#[derive(Debug, Clone)]
pub struct StripOutcome {
    /// The statistics written to `OUT.stats.json`.
    pub stats: StripStats,
    /// Paths of the files written.
    pub files: Vec<PathBuf>,
}

// ---------------------------------------------------------------------------
// The job: sources and passes
// ---------------------------------------------------------------------------

/// Removes the run's temporary directory however the run ends.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// State shared by the passes of one run.
struct Job<'a> {
    config: &'a LinesConfig,
    fields: FieldPaths,
    text_path: Vec<String>,
    sources: Vec<Source>,
    _work_dir: Option<WorkDir>,
}

/// Pass-1 results.
struct Pass1 {
    table: LineTable,
    records: u64,
    documents: u64,
    /// Indices of skipped records, ascending.
    skipped: Vec<u64>,
    skipped_by_reason: BTreeMap<&'static str, u64>,
    lines: LineTotals,
    bytes_read: u64,
    blank_records: u64,
}

impl Pass1 {
    fn summary(&self) -> CountSummary {
        CountSummary {
            records: self.records,
            documents: self.documents,
            skipped: self.skipped.len() as u64,
            skipped_by_reason: self.skipped_by_reason.clone(),
            bytes_read: self.bytes_read,
            blank_records: self.blank_records,
            lines: self.lines,
            table_bytes: self.table.allocated_bytes(),
        }
    }
}

/// Per record of a chunk: a document, or a bad record.
enum Entry {
    Doc,
    Bad {
        source: u32,
        line: u64,
        bad: BadRecord,
    },
}

/// One line occurrence inside a chunk.
#[derive(Clone, Copy)]
struct Occurrence {
    key: LineKey,
    doc: u32,
    line: u32,
    bytes: u32,
}

/// A worker's pass-1 output for a run of consecutive records.
struct CountChunk {
    entries: Vec<Entry>,
    lines: Vec<ChunkLine>,
    totals: LineTotals,
}

/// Reusable per-thread state.
struct Worker<'a> {
    job: &'a Job<'a>,
    normalizer: LineNormalizer,
    text: String,
    norm: String,
}

impl<'a> Worker<'a> {
    fn new(job: &'a Job<'a>) -> Self {
        Worker {
            job,
            normalizer: LineNormalizer::new(job.config.normalize),
            text: String::new(),
            norm: String::new(),
        }
    }

    /// The key of a line, or `None` for lines that are not counted.
    fn key(&mut self, content: &str, totals: &mut LineTotals) -> Option<LineKey> {
        totals.total += 1;
        match self.normalizer.normalize(content, &mut self.norm) {
            LineClass::Blank => {
                totals.blank += 1;
                None
            }
            LineClass::SymbolOnly => {
                totals.symbol_only += 1;
                self.job
                    .config
                    .include_symbol_lines
                    .then(|| LineKey::of(&self.norm))
            }
            LineClass::Text => Some(LineKey::of(&self.norm)),
        }
    }

    fn count(&mut self, block: &Block, records: &[RawRecord]) -> CountChunk {
        let mut entries = Vec::with_capacity(records.len());
        let mut occurrences: Vec<Occurrence> = Vec::new();
        let mut totals = LineTotals::default();
        let mut doc = 0u32;
        let mut text = std::mem::take(&mut self.text);
        for record in records {
            let parsed = parse_record(self.job, block, record, &mut text);
            let body = match parsed {
                Ok((body, _)) => body,
                Err(bad) => {
                    entries.push(Entry::Bad {
                        source: record.source,
                        line: record.line,
                        bad,
                    });
                    continue;
                }
            };
            for (index, (content, terminator)) in split_lines(body).enumerate() {
                if let Some(key) = self.key(content, &mut totals) {
                    occurrences.push(Occurrence {
                        key,
                        doc,
                        line: index as u32,
                        bytes: (content.len() + terminator.len()) as u32,
                    });
                }
            }
            entries.push(Entry::Doc);
            doc += 1;
        }
        self.text = text;
        CountChunk {
            entries,
            lines: aggregate(&mut occurrences),
            totals,
        }
    }
}

/// Groups a chunk's occurrences by line.
fn aggregate(occurrences: &mut [Occurrence]) -> Vec<ChunkLine> {
    occurrences.sort_unstable_by_key(|o| (o.key, o.doc, o.line));
    let mut lines = Vec::new();
    for group in occurrences.chunk_by(|a, b| a.key == b.key) {
        let mut c = ChunkLine {
            key: group[0].key,
            docs: 0,
            docs_repeating: 0,
            occurrences: group.len() as u64,
            bytes: group.iter().map(|o| u64::from(o.bytes)).sum(),
            first_doc: group[0].doc,
            first_line: group[0].line,
            examples: [NONE; EXAMPLES],
        };
        for in_doc in group.chunk_by(|a, b| a.doc == b.doc) {
            if (c.docs as usize) < EXAMPLES {
                c.examples[c.docs as usize] = in_doc[0].doc;
            }
            c.docs += 1;
            c.docs_repeating += (in_doc.len() > 1) as u32;
        }
        lines.push(c);
    }
    lines
}

/// The text and id of a usable record, or why it is not usable.
fn parse_record<'b>(
    job: &Job<'_>,
    block: &'b Block,
    record: &RawRecord,
    text: &'b mut String,
) -> std::result::Result<(&'b str, DocId<'b>), BadRecord> {
    input::parse_record(
        &job.sources[record.source as usize],
        &job.fields,
        job.config.max_record_bytes,
        block,
        record,
        text,
    )
}

impl<'a> Job<'a> {
    fn new(config: &'a LinesConfig, spool_parent: &Path) -> Result<Self> {
        let fields = FieldPaths::new(&config.text_field, &config.id_field)?;
        let (work_dir, spool) = if config.inputs.iter().any(|p| p.as_os_str() == "-") {
            let parent = config.tmp_dir.as_deref().unwrap_or(spool_parent);
            let work = parent.join(format!(".shingle-lines-work-{}", std::process::id()));
            std::fs::create_dir_all(&work).map_err(|e| Error::io("creating", &work, e))?;
            let work = WorkDir(work);
            let path = work.0.join("stdin.jsonl");
            input::spool_stdin(&path)?;
            (Some(work), Some(path))
        } else {
            (None, None)
        };
        let sources = input::discover(&config.inputs, spool.as_deref())?;
        Ok(Job {
            config,
            fields,
            text_path: config.text_field.split('.').map(str::to_string).collect(),
            sources,
            _work_dir: work_dir,
        })
    }

    fn total_bytes(&self) -> u64 {
        self.sources.iter().map(|s| s.size).sum()
    }

    /// Streams the input block by block: a reader thread fills blocks while
    /// `f` handles the previous one. `f` returns the documents done so far (for
    /// progress) or asks to stop.
    fn stream_blocks(
        &self,
        progress: &Progress,
        mut f: impl FnMut(&Block) -> Result<ControlFlow<(), u64>>,
    ) -> Result<()> {
        input::stream_blocks(
            &self.sources,
            self.config.max_record_bytes,
            self.config.block_bytes,
            |block, consumed| {
                Ok(match f(block)? {
                    ControlFlow::Continue(docs) => {
                        progress.update(consumed, docs);
                        ControlFlow::Continue(())
                    }
                    ControlFlow::Break(()) => ControlFlow::Break(()),
                })
            },
        )
    }

    /// Pass 1: count every line. Bad records go to `on_skip` under the skip
    /// policy and stop the run otherwise.
    fn pass1(
        &self,
        progress: &Progress,
        on_skip: &mut dyn FnMut(Location, BadRecord) -> Result<()>,
    ) -> Result<Pass1> {
        let mut p = Pass1 {
            table: LineTable::default(),
            records: 0,
            documents: 0,
            skipped: Vec::new(),
            skipped_by_reason: BTreeMap::new(),
            lines: LineTotals::default(),
            bytes_read: 0,
            blank_records: 0,
        };
        self.stream_blocks(progress, |block| {
            p.blank_records += block.blank_lines;
            let chunks: Vec<CountChunk> = block
                .chunks()
                .into_par_iter()
                .map_init(|| Worker::new(self), |w, records| w.count(block, records))
                .collect();
            let mut records = block.records.iter();
            for chunk in chunks {
                let base = p.documents;
                for entry in chunk.entries {
                    let record = records.next().expect("one entry per record");
                    p.records += 1;
                    p.bytes_read += (record.end_with_terminator - record.start) as u64;
                    match entry {
                        Entry::Doc => p.documents += 1,
                        Entry::Bad { source, line, bad } => {
                            let location = Location::new(&self.sources[source as usize].name, line);
                            if self.config.on_bad_record == BadRecordPolicy::Error {
                                return Err(Error::BadRecord {
                                    location,
                                    reason: bad.reason,
                                    detail: bad.detail,
                                });
                            }
                            p.skipped.push(p.records - 1);
                            *p.skipped_by_reason.entry(bad.reason.name()).or_default() += 1;
                            on_skip(location, bad)?;
                        }
                    }
                }
                if p.documents >= u64::from(NONE) {
                    return Err(Error::Config(
                        "more than 4 billion documents in one run; split the input".into(),
                    ));
                }
                p.table.merge(base as u32, &chunk.lines)?;
                p.lines.add(&chunk.totals);
            }
            Ok(ControlFlow::Continue(p.documents))
        })?;
        p.lines.distinct = p.table.slots.len() as u64;
        p.lines.repeated = p.table.stats.len() as u64;
        p.lines.matching = p
            .table
            .stats
            .iter()
            .filter(|s| u64::from(s.docs) >= self.config.min_docs)
            .count() as u64;
        Ok(p)
    }

    fn changed(&self, detail: String) -> Error {
        Error::InputChanged {
            path: self
                .sources
                .first()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            detail,
        }
    }

    /// Fetches the text of the first occurrence and the example ids of the
    /// chosen lines by re-reading the input up to the last document needed.
    fn resolve(
        &self,
        pass1: &Pass1,
        chosen: &[(LineKey, &LineStat)],
        progress: &Progress,
    ) -> Result<Vec<ReportLine>> {
        let mut out: Vec<ReportLine> = chosen
            .iter()
            .map(|(_, s)| ReportLine {
                line: String::new(),
                docs: u64::from(s.docs),
                occurrences: s.occurrences,
                docs_repeating: u64::from(s.docs_repeating),
                bytes: s.bytes,
                examples: Vec::new(),
            })
            .collect();
        // (document, report index, example slot), in document order.
        let mut wants: Vec<(u32, u32, u8)> = Vec::new();
        for (i, (_, s)) in chosen.iter().enumerate() {
            for (k, &d) in s.examples.iter().enumerate() {
                if d != NONE {
                    wants.push((d, i as u32, k as u8));
                }
            }
        }
        wants.sort_unstable();
        if wants.is_empty() {
            return Ok(out);
        }
        for source in &self.sources {
            source.check_unchanged()?;
        }
        let mut ids: Vec<[Option<Box<RawValue>>; EXAMPLES]> =
            (0..chosen.len()).map(|_| Default::default()).collect();
        let mut next = 0usize;
        let mut record_index = 0u64;
        let mut skipped = pass1.skipped.iter().peekable();
        let mut doc = 0u32;
        let mut text = String::new();
        let mut normalizer = LineNormalizer::new(self.config.normalize);
        let mut norm = String::new();
        self.stream_blocks(progress, |block| {
            for record in &block.records {
                let index = record_index;
                record_index += 1;
                if skipped.next_if_eq(&&index).is_some() {
                    continue;
                }
                let this = doc;
                doc += 1;
                if wants[next].0 != this {
                    continue;
                }
                let source = &self.sources[record.source as usize];
                let (body, id) = parse_record(self, block, record, &mut text).map_err(|b| {
                    self.changed(format!(
                        "{}:{} is now a bad record ({})",
                        source.name.display(),
                        record.line,
                        b.reason
                    ))
                })?;
                let id = id.json(source, record.line);
                while next < wants.len() && wants[next].0 == this {
                    let (_, i, k) = wants[next];
                    let (key, stat) = chosen[i as usize];
                    let raw = RawValue::from_string(id.to_string())
                        .map_err(|e| self.changed(format!("bad id: {e}")))?;
                    ids[i as usize][k as usize] = Some(raw);
                    if k == 0 {
                        let content = split_lines(body)
                            .nth(stat.first_line as usize)
                            .map(|(c, _)| c)
                            .unwrap_or_default();
                        normalizer.normalize(content, &mut norm);
                        if LineKey::of(&norm) != key {
                            return Err(self.changed(format!(
                                "line {} of {}:{} differs from pass 1",
                                stat.first_line + 1,
                                source.name.display(),
                                record.line
                            )));
                        }
                        out[i as usize].line = content.to_string();
                    }
                    next += 1;
                }
                if next == wants.len() {
                    return Ok(ControlFlow::Break(()));
                }
            }
            Ok(ControlFlow::Continue(u64::from(doc)))
        })?;
        if next < wants.len() {
            return Err(self.changed(format!(
                "pass 1 read {} documents, the second pass fewer",
                pass1.documents
            )));
        }
        for (line, ids) in out.iter_mut().zip(ids) {
            line.examples = ids.into_iter().flatten().collect();
        }
        Ok(out)
    }
}

fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start threads: {e}")))
}

/// Finds repeated lines: counts every line of the input, then lists those in
/// at least `config.min_docs` documents (and occurring at least twice), most
/// widespread first, at most `top` of them. See the module docs for the
/// definitions and costs.
pub fn report(config: &LinesConfig, top: Option<usize>) -> Result<LinesReport> {
    config.validate()?;
    let pool = thread_pool(config.threads)?;
    let threads = pool.current_num_threads();
    pool.install(|| {
        let start = Instant::now();
        let job = Job::new(config, &std::env::temp_dir())?;
        let progress = Progress::new(config.progress, job.total_bytes(), "count");
        let mut skipped_sample = Vec::new();
        let pass1 = job.pass1(&progress, &mut |location, bad| {
            if skipped_sample.len() < 100 {
                skipped_sample.push((location, bad));
            }
            Ok(())
        })?;
        let mut chosen: Vec<(LineKey, &LineStat)> = pass1
            .table
            .repeated()
            .filter(|(_, s)| u64::from(s.docs) >= config.min_docs)
            .collect();
        let order = |a: &(LineKey, &LineStat), b: &(LineKey, &LineStat)| {
            let (a, b) = (a.1, b.1);
            b.docs
                .cmp(&a.docs)
                .then(b.occurrences.cmp(&a.occurrences))
                .then(a.first_doc.cmp(&b.first_doc))
                .then(a.first_line.cmp(&b.first_line))
        };
        if let Some(n) = top.filter(|&n| n < chosen.len()) {
            if n > 0 {
                chosen.select_nth_unstable_by(n - 1, order);
            }
            chosen.truncate(n);
        }
        chosen.par_sort_unstable_by(order);
        progress.phase("examples");
        let lines = job.resolve(&pass1, &chosen, &progress)?;
        progress.finish();
        Ok(LinesReport {
            lines,
            summary: pass1.summary(),
            skipped_sample,
            threads,
            seconds: start.elapsed().as_secs_f64(),
            min_docs: config.min_docs,
        })
    })
}

// ---------------------------------------------------------------------------
// Report formats
// ---------------------------------------------------------------------------

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// `table` when writing to a terminal, `jsonl` otherwise.
    Auto,
    /// Aligned columns for people.
    Table,
    /// One JSON object per line: line, docs, occurrences, docs_repeating, bytes,
    /// examples.
    Jsonl,
    /// Tab-separated with a header; tabs, `\r` and backslashes in lines are
    /// escaped as `\t`, `\r`, `\\`; examples as a JSON array.
    Tsv,
}

/// Writes the report lines in `format` (`Auto` is taken as `Jsonl`).
pub fn write_report(
    report: &LinesReport,
    format: ReportFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ReportFormat::Auto | ReportFormat::Jsonl => {
            for line in &report.lines {
                write_json_line(out, line)?;
            }
        }
        ReportFormat::Tsv => {
            writeln!(
                out,
                "docs\toccurrences\tdocs_repeating\tbytes\tline\texamples"
            )?;
            for l in &report.lines {
                let mut escaped = String::with_capacity(l.line.len());
                for c in l.line.chars() {
                    match c {
                        '\\' => escaped.push_str("\\\\"),
                        '\t' => escaped.push_str("\\t"),
                        '\r' => escaped.push_str("\\r"),
                        c => escaped.push(c),
                    }
                }
                let examples = serde_json::to_string(&l.examples).map_err(io::Error::other)?;
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{escaped}\t{examples}",
                    l.docs, l.occurrences, l.docs_repeating, l.bytes
                )?;
            }
        }
        ReportFormat::Table => write_table(report, out)?,
    }
    Ok(())
}

/// Shows an id for people: strings without quotes, other JSON as it is.
fn display_id(raw: &RawValue) -> String {
    serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_string())
}

const TABLE_LINE_CHARS: usize = 60;

fn write_table(report: &LinesReport, out: &mut dyn Write) -> io::Result<()> {
    if report.lines.is_empty() {
        return writeln!(
            out,
            "No line occurs in at least {} document{} (and more than once).",
            report.min_docs,
            if report.min_docs == 1 { "" } else { "s" }
        );
    }
    let shown: Vec<String> = report
        .lines
        .iter()
        .map(|l| {
            let clean: String = l
                .line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if clean.chars().count() > TABLE_LINE_CHARS {
                let cut: String = clean.chars().take(TABLE_LINE_CHARS - 1).collect();
                format!("{cut}…")
            } else {
                clean
            }
        })
        .collect();
    let width = shown
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{:>9} {:>11} {:>9} {:>12}  {:<width$}  examples",
        "docs", "occurrences", "repeating", "bytes", "line"
    )?;
    for (l, text) in report.lines.iter().zip(&shown) {
        let examples: Vec<String> = l.examples.iter().map(|r| display_id(r)).collect();
        let pad = width - text.chars().count();
        writeln!(
            out,
            "{:>9} {:>11} {:>9} {:>12}  {text}{:pad$}  {}",
            l.docs,
            l.occurrences,
            l.docs_repeating,
            l.bytes,
            "",
            examples.join(", ")
        )?;
    }
    Ok(())
}

/// One paragraph for humans about a report run.
pub fn report_summary(report: &LinesReport) -> String {
    let s = &report.summary;
    let mb = s.bytes_read as f64 / 1e6;
    let secs = report.seconds.max(1e-9);
    let mut text = format!(
        "Read {} documents ({:.1} MB) in {:.2} s ({:.1} MB/s) on {} threads: {} lines \
         ({} blank, {} symbol-only), {} distinct, {} repeated; {} in at least {} document{}",
        s.documents,
        mb,
        report.seconds,
        mb / secs,
        report.threads,
        s.lines.total,
        s.lines.blank,
        s.lines.symbol_only,
        s.lines.distinct,
        s.lines.repeated,
        s.lines.matching,
        report.min_docs,
        if report.min_docs == 1 { "" } else { "s" },
    );
    if (report.lines.len() as u64) < s.lines.matching {
        text.push_str(&format!(" (top {} shown)", report.lines.len()));
    }
    if s.skipped > 0 {
        text.push_str(&format!("; skipped {} bad records", s.skipped));
    }
    text.push_str(&format!(
        ". Line table: {:.1} MB.",
        s.table_bytes as f64 / 1e6
    ));
    text
}

// ---------------------------------------------------------------------------
// --strip
// ---------------------------------------------------------------------------

/// Why a line was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Reason {
    /// In at least `min_docs` documents.
    Common,
    /// A further occurrence within the document.
    Repeat,
}

#[derive(Serialize)]
struct RemovedLine<'a> {
    line_no: usize,
    reason: Reason,
    docs: u32,
    text: &'a str,
}

/// A worker's pass-2 output for a run of records.
struct StripChunk {
    /// Per record: was it a usable document?
    good: Vec<bool>,
    out: Vec<u8>,
    sidecar: Vec<u8>,
    documents: StripDocuments,
    removed: Removed,
}

/// Where a removed line was in the text.
struct RemovedSpan {
    /// Byte range of the line's content (no terminator).
    content: std::ops::Range<usize>,
    /// Its length with the terminator.
    bytes_with_terminator: usize,
}

/// The stripping rule, shared by `lines --strip` and `dedup --strip-lines`:
/// writes into `out` every line of `text` whose key is neither in `common` nor
/// already seen in this text (blank and uncounted lines, whose key is `None`,
/// are always kept), with its terminator. Calls `on_removed(line_no, reason,
/// key, span)` for each removed line. Returns false, leaving `out` unspecified,
/// when nothing was removed. A text without a final line break gives a
/// stripped text without one.
fn strip_into(
    text: &str,
    mut key: impl FnMut(&str) -> Option<LineKey>,
    common: &HashMap<LineKey, u32, KeyBuild>,
    seen: &mut HashSet<LineKey, KeyBuild>,
    out: &mut String,
    mut on_removed: impl FnMut(usize, Reason, LineKey, RemovedSpan),
) -> bool {
    seen.clear();
    out.clear();
    let mut any = false;
    let mut offset = 0;
    for (index, (content, terminator)) in split_lines(text).enumerate() {
        let start = offset;
        offset += content.len() + terminator.len();
        let why = key(content).and_then(|key| {
            if common.contains_key(&key) {
                Some((Reason::Common, key))
            } else if !seen.insert(key) {
                Some((Reason::Repeat, key))
            } else {
                None
            }
        });
        match why {
            None => {
                out.push_str(content);
                out.push_str(terminator);
            }
            Some((reason, key)) => {
                any = true;
                on_removed(
                    index + 1,
                    reason,
                    key,
                    RemovedSpan {
                        content: start..start + content.len(),
                        bytes_with_terminator: content.len() + terminator.len(),
                    },
                );
            }
        }
    }
    if any && !text.ends_with('\n') {
        if out.ends_with("\r\n") {
            out.truncate(out.len() - 2);
        } else if out.ends_with('\n') {
            out.pop();
        }
    }
    any
}

/// The lines that `shingle dedup --strip-lines K` removes before sketching:
/// those found in at least K documents by a counting pass over the input, plus
/// (per document) repeats of a line already seen in it — the same rule as
/// `shingle lines --strip`.
pub struct LineFilter {
    normalize: LineNormalizeOptions,
    include_symbol_lines: bool,
    common: HashMap<LineKey, u32, KeyBuild>,
    /// What the counting pass saw.
    pub summary: CountSummary,
}

impl LineFilter {
    /// Counts the lines of `config.inputs` (one full read) and keeps those in at
    /// least `config.min_docs` documents. Bad records follow
    /// `config.on_bad_record` (skipped ones are simply not counted). Runs on the
    /// current rayon pool.
    pub fn count(config: &LinesConfig) -> Result<LineFilter> {
        config.validate()?;
        let job = Job::new(config, &std::env::temp_dir())?;
        let progress = Progress::new(config.progress, job.total_bytes(), "lines");
        let pass1 = job.pass1(&progress, &mut |_, _| Ok(()))?;
        progress.finish();
        let common = pass1
            .table
            .repeated()
            .filter(|(_, s)| u64::from(s.docs) >= config.min_docs)
            .map(|(k, s)| (k, s.docs))
            .collect();
        Ok(LineFilter {
            normalize: config.normalize,
            include_symbol_lines: config.include_symbol_lines,
            common,
            summary: pass1.summary(),
        })
    }

    /// Number of distinct lines that are removed wherever they occur.
    pub fn common_lines(&self) -> usize {
        self.common.len()
    }
}

/// Applies a [`LineFilter`] to texts, reusing its buffers (one per thread).
pub struct LineStripper<'a> {
    filter: &'a LineFilter,
    normalizer: LineNormalizer,
    norm: String,
    seen: HashSet<LineKey, KeyBuild>,
    out: String,
}

impl<'a> LineStripper<'a> {
    /// A stripper for `filter`.
    pub fn new(filter: &'a LineFilter) -> Self {
        LineStripper {
            filter,
            normalizer: LineNormalizer::new(filter.normalize),
            norm: String::new(),
            seen: HashSet::default(),
            out: String::new(),
        }
    }

    /// `text` without its common lines and in-document repeats (borrowed
    /// unchanged when nothing is removed).
    pub fn strip<'t>(&'t mut self, text: &'t str) -> &'t str {
        let (normalizer, norm, include) = (
            &mut self.normalizer,
            &mut self.norm,
            self.filter.include_symbol_lines,
        );
        let changed = strip_into(
            text,
            |content| match normalizer.normalize(content, norm) {
                LineClass::Blank => None,
                LineClass::SymbolOnly if !include => None,
                _ => Some(LineKey::of(norm)),
            },
            &self.filter.common,
            &mut self.seen,
            &mut self.out,
            |_, _, _, _| {},
        );
        if changed {
            &self.out
        } else {
            text
        }
    }
}

struct Stripper<'a> {
    worker: Worker<'a>,
    table: &'a LineTable,
    /// Lines in at least `min_docs` documents, with their document counts: a
    /// small map that stays in cache, unlike the whole table.
    common: &'a HashMap<LineKey, u32, KeyBuild>,
    drop_empty: bool,
    seen: HashSet<LineKey, KeyBuild>,
    stripped: String,
    removed_lines: Vec<(usize, Reason, u32, std::ops::Range<usize>)>,
}

impl<'a> Stripper<'a> {
    /// Strips one document's text into `self.stripped`; false if nothing was
    /// removed.
    fn strip_text(&mut self, text: &str, removed: &mut Removed) -> bool {
        self.removed_lines.clear();
        let mut totals = LineTotals::default();
        let (worker, table, removed_lines) =
            (&mut self.worker, self.table, &mut self.removed_lines);
        strip_into(
            text,
            |content| worker.key(content, &mut totals),
            self.common,
            &mut self.seen,
            &mut self.stripped,
            |line_no, reason, key, span| {
                match reason {
                    Reason::Common => removed.common_lines += 1,
                    Reason::Repeat => removed.repeated_lines += 1,
                }
                removed.bytes += span.bytes_with_terminator as u64;
                removed_lines.push((line_no, reason, table.docs_of(&key), span.content));
            },
        )
    }

    fn strip_chunk(&mut self, block: &Block, records: &[RawRecord]) -> Result<StripChunk> {
        let mut chunk = StripChunk {
            good: Vec::with_capacity(records.len()),
            out: Vec::new(),
            sidecar: Vec::new(),
            documents: StripDocuments::default(),
            removed: Removed::default(),
        };
        let job = self.worker.job;
        let mut text = std::mem::take(&mut self.worker.text);
        for record in records {
            let (body, id) = match parse_record(job, block, record, &mut text) {
                Ok(parsed) => parsed,
                Err(_) => {
                    chunk.good.push(false);
                    continue;
                }
            };
            chunk.good.push(true);
            let source = &job.sources[record.source as usize];
            let changed = self.strip_text(body, &mut chunk.removed);
            let new_text: &str = if changed { &self.stripped } else { body };
            chunk.removed.text_bytes_in += body.len() as u64;
            let became_empty = changed && new_text.trim().is_empty();
            let dropped = became_empty && self.drop_empty;
            chunk.documents.changed += changed as u64;
            chunk.documents.became_empty += became_empty as u64;
            chunk.documents.dropped_empty += dropped as u64;
            if changed {
                let id = id.json(source, record.line);
                let removed: Vec<RemovedLine> = self
                    .removed_lines
                    .iter()
                    .map(|(line_no, reason, docs, range)| RemovedLine {
                        line_no: *line_no,
                        reason: *reason,
                        docs: *docs,
                        text: &body[range.clone()],
                    })
                    .collect();
                chunk.sidecar.extend_from_slice(b"{\"id\":");
                chunk.sidecar.extend_from_slice(id.as_bytes());
                chunk.sidecar.extend_from_slice(b",\"removed\":");
                serde_json::to_writer(&mut chunk.sidecar, &removed).expect("write to vec");
                if dropped {
                    chunk.sidecar.extend_from_slice(b",\"dropped\":true");
                }
                chunk.sidecar.extend_from_slice(b"}\n");
            }
            if dropped {
                continue;
            }
            chunk.documents.written += 1;
            chunk.removed.text_bytes_out += new_text.len() as u64;
            match source.kind {
                SourceKind::Jsonl => {
                    let raw = block.raw_line(record);
                    if changed {
                        let content = block.content(record);
                        let line = std::str::from_utf8(content).expect("checked by parse_record");
                        let span = text_span(line, &job.text_path).ok_or_else(|| {
                            job.changed(format!(
                                "cannot find the text of {}:{} again",
                                source.name.display(),
                                record.line
                            ))
                        })?;
                        chunk.out.extend_from_slice(&content[..span.start]);
                        serde_json::to_writer(&mut chunk.out, new_text).expect("write to vec");
                        chunk.out.extend_from_slice(&raw[span.end..]);
                    } else {
                        chunk.out.extend_from_slice(raw);
                    }
                    if !raw.ends_with(b"\n") {
                        chunk.out.push(b'\n');
                    }
                }
                SourceKind::Text => {
                    let id = id.json(source, record.line);
                    chunk.out.extend_from_slice(b"{\"id\":");
                    chunk.out.extend_from_slice(id.as_bytes());
                    chunk.out.extend_from_slice(b",\"text\":");
                    serde_json::to_writer(&mut chunk.out, new_text).expect("write to vec");
                    chunk.out.extend_from_slice(b"}\n");
                }
            }
        }
        self.worker.text = text;
        Ok(chunk)
    }
}

/// Byte range of the JSON string value at `path` in a JSONL record (the
/// quotes included), found the way [`input::extract_json`] finds the text: the
/// last string value at that path wins.
///
/// ```
/// let line = r#"{"id":1,"doc":{"body":"a\nb","x":2},"text":"no"}"#;
/// let path = ["doc".to_string(), "body".to_string()];
/// let span = shingle::lines::text_span(line, &path).unwrap();
/// assert_eq!(&line[span], r#""a\nb""#);
/// ```
pub fn text_span(line: &str, path: &[String]) -> Option<std::ops::Range<usize>> {
    if path.is_empty() {
        return None;
    }
    let mut found: Option<&RawValue> = None;
    let mut de = serde_json::Deserializer::from_str(line);
    SpanWalk {
        path,
        found: &mut found,
    }
    .deserialize(&mut de)
    .ok()?;
    let raw = found?.get();
    let start = raw.as_ptr() as usize - line.as_ptr() as usize;
    Some(start..start + raw.len())
}

/// Follows a path through JSON objects, remembering the raw string at its end.
struct SpanWalk<'p, 'f, 'de> {
    path: &'p [String],
    found: &'f mut Option<&'de RawValue>,
}

impl<'de> DeserializeSeed<'de> for SpanWalk<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SpanWalk<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key != self.path[0].as_str() {
                map.next_value::<IgnoredAny>()?;
            } else if self.path.len() == 1 {
                let raw: &'de RawValue = map.next_value()?;
                if raw.get().starts_with('"') {
                    *self.found = Some(raw);
                }
            } else {
                map.next_value_seed(SpanWalk {
                    path: &self.path[1..],
                    found: &mut *self.found,
                })?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }
}

fn compression_by_name(path: &Path) -> Compression {
    let name = path.to_string_lossy();
    if name.ends_with(".gz") {
        Compression::Gzip
    } else if name.ends_with(".zst") || name.ends_with(".zstd") {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Removes boilerplate lines: every occurrence of lines in at least
/// `config.min_docs` documents, and repeats of a line within a document.
/// Writes `options.output` and its sidecars (see the module docs); reads the
/// input twice.
pub fn strip(config: &LinesConfig, options: &StripOptions) -> Result<StripOutcome> {
    config.validate()?;
    if config.min_docs < 2 {
        return Err(Error::Config(
            "--strip needs --min-docs of at least 2 (1 would remove every line)".into(),
        ));
    }
    let pool = thread_pool(config.threads)?;
    let threads = pool.current_num_threads();
    pool.install(|| strip_in_pool(config, options, threads))
}

fn strip_in_pool(
    config: &LinesConfig,
    options: &StripOptions,
    threads: usize,
) -> Result<StripOutcome> {
    let total = Instant::now();
    let mut seconds = BTreeMap::new();
    let parent = match options.output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("creating", &parent, e))?;
    }
    // A stale stats file would make a failed run look complete.
    let stats_path = options.stats_path();
    if stats_path.exists() {
        std::fs::remove_file(&stats_path).map_err(|e| Error::io("removing", &stats_path, e))?;
    }
    let job = Job::new(config, &parent)?;
    let progress = Progress::new(config.progress, job.total_bytes(), "count");

    let t = Instant::now();
    let skipped_path = options.skipped_path();
    let mut skipped_file = match config.on_bad_record {
        BadRecordPolicy::Skip => Some(AtomicWriter::create(&skipped_path, Compression::None)?),
        BadRecordPolicy::Error => None,
    };
    let pass1 = job.pass1(&progress, &mut |location, bad| {
        if let Some(file) = skipped_file.as_mut() {
            write_json_line(
                file,
                &serde_json::json!({
                    "file": location.file.display().to_string(),
                    "line": location.line,
                    "reason": bad.reason.name(),
                    "detail": bad.detail,
                }),
            )
            .map_err(|e| Error::io("writing", &skipped_path, e))?;
        }
        Ok(())
    })?;
    seconds.insert("count", t.elapsed().as_secs_f64());

    progress.phase("strip");
    let t = Instant::now();
    for source in &job.sources {
        source.check_unchanged()?;
    }
    let mut out = AtomicWriter::create(&options.output, compression_by_name(&options.output))?;
    let removed_path = options.removed_path();
    let mut sidecar = AtomicWriter::create(&removed_path, Compression::None)?;
    let mut documents = StripDocuments::default();
    let mut removed = Removed::default();
    let mut record_index = 0u64;
    let mut docs = 0u64;
    let mut skipped = pass1.skipped.iter().peekable();
    let common: HashMap<LineKey, u32, KeyBuild> = pass1
        .table
        .repeated()
        .filter(|(_, s)| u64::from(s.docs) >= config.min_docs)
        .map(|(key, s)| (key, s.docs))
        .collect();
    job.stream_blocks(&progress, |block| {
        let chunks: Vec<Result<StripChunk>> = block
            .chunks()
            .into_par_iter()
            .map_init(
                || Stripper {
                    worker: Worker::new(&job),
                    table: &pass1.table,
                    common: &common,
                    drop_empty: options.drop_empty,
                    seen: HashSet::default(),
                    stripped: String::new(),
                    removed_lines: Vec::new(),
                },
                |s, records| s.strip_chunk(block, records),
            )
            .collect();
        let mut records = block.records.iter();
        for chunk in chunks {
            let chunk = chunk?;
            for good in &chunk.good {
                let record = records.next().expect("one flag per record");
                let was_skipped = skipped.next_if_eq(&&record_index).is_some();
                record_index += 1;
                if *good == was_skipped {
                    let source = &job.sources[record.source as usize];
                    return Err(job.changed(format!(
                        "{}:{} was {} in the first pass",
                        source.name.display(),
                        record.line,
                        if was_skipped {
                            "a bad record"
                        } else {
                            "a good record"
                        }
                    )));
                }
                docs += *good as u64;
            }
            out.write_all(&chunk.out)
                .map_err(|e| Error::io("writing", &options.output, e))?;
            sidecar
                .write_all(&chunk.sidecar)
                .map_err(|e| Error::io("writing", &removed_path, e))?;
            let d = &chunk.documents;
            documents.written += d.written;
            documents.changed += d.changed;
            documents.became_empty += d.became_empty;
            documents.dropped_empty += d.dropped_empty;
            removed.add(&chunk.removed);
        }
        Ok(ControlFlow::Continue(docs))
    })?;
    if record_index != pass1.records || docs != pass1.documents {
        return Err(job.changed(format!(
            "pass 1 read {} records, pass 2 read {record_index}",
            pass1.records
        )));
    }
    seconds.insert("strip", t.elapsed().as_secs_f64());
    progress.finish();

    documents.read = pass1.records;
    documents.skipped = pass1.skipped.len() as u64;
    if documents.written + documents.dropped_empty + documents.skipped != documents.read {
        return Err(Error::Config(format!(
            "internal accounting error: written {} + dropped {} + skipped {} != read {}",
            documents.written, documents.dropped_empty, documents.skipped, documents.read
        )));
    }
    let mut staged: Vec<Staged> = vec![out.finish()?, sidecar.finish()?];
    if let Some(file) = skipped_file {
        staged.push(file.finish()?);
    }
    seconds.insert("total", total.elapsed().as_secs_f64());
    let summary = pass1.summary();
    let stats = StripStats {
        shingle_version: env!("CARGO_PKG_VERSION"),
        inputs: job
            .sources
            .iter()
            .map(|s| InputStat {
                file: s.name.display().to_string(),
                compression: s.compression,
                bytes: s.size,
            })
            .collect(),
        documents,
        lines: summary.lines,
        removed,
        bytes_read: summary.bytes_read,
        blank_records: summary.blank_records,
        skipped: summary.skipped_by_reason,
        table_bytes: summary.table_bytes,
        parameters: StripParameters {
            min_docs: config.min_docs,
            normalize: config.normalize,
            include_symbol_lines: config.include_symbol_lines,
            drop_empty: options.drop_empty,
            text_field: config.text_field.clone(),
            id_field: config.id_field.clone(),
            on_bad_record: config.on_bad_record,
            max_record_bytes: config.max_record_bytes,
        },
        run: RunInfo { threads, seconds },
    };
    staged.push(write_pretty_json(&stats_path, &stats)?);
    let mut files = Vec::new();
    for s in staged {
        files.push(s.destination().to_path_buf());
        s.commit()?;
    }
    Ok(StripOutcome { stats, files })
}

/// One paragraph for humans about a `--strip` run.
pub fn strip_summary(stats: &StripStats, options: &StripOptions) -> String {
    let d = &stats.documents;
    let r = &stats.removed;
    let secs = stats.run.seconds.get("total").copied().unwrap_or(0.0);
    let mb = stats.bytes_read as f64 / 1e6;
    let mut text = format!(
        "Read {} documents ({:.1} MB) in {:.2} s ({:.1} MB/s, two passes) on {} threads. \
         Removed {} lines in at least {} documents and {} repeats within documents \
         ({:.1} MB, {:.1}% of the text) from {} documents",
        d.read,
        mb,
        secs,
        mb / secs.max(1e-9),
        stats.run.threads,
        r.common_lines,
        stats.parameters.min_docs,
        r.repeated_lines,
        r.bytes as f64 / 1e6,
        100.0 * r.bytes as f64 / (r.text_bytes_in.max(1)) as f64,
        d.changed,
    );
    if d.became_empty > 0 {
        text.push_str(&format!(
            "; {} became empty ({})",
            d.became_empty,
            if d.dropped_empty > 0 {
                "dropped"
            } else {
                "kept"
            }
        ));
    }
    if d.skipped > 0 {
        text.push_str(&format!(
            "; skipped {} bad records (see {})",
            d.skipped,
            options.skipped_path().display()
        ));
    }
    text.push_str(&format!(
        ". Wrote {} documents to {} (audit: {}).",
        d.written,
        options.output.display(),
        options.removed_path().display()
    ));
    text
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

/// Options of `shingle lines`.
#[derive(Debug, clap::Args)]
pub struct LinesArgs {
    /// Inputs: JSONL files (plain, .gz or .zst, detected by content), directories
    /// (walked in sorted order for *.jsonl, *.ndjson, *.txt and their .gz/.zst),
    /// .txt files (one document each, id = path), or - for JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Report (and with --strip, remove) lines found in at least this many
    /// documents. With 1, lines repeated within a single document are reported
    /// too; a line occurring only once is never reported.
    #[arg(long, default_value_t = 2)]
    pub min_docs: u64,
    /// Report only the N most widespread lines.
    #[arg(long, conflicts_with = "strip")]
    pub top: Option<usize>,
    /// Report format: auto = table on a terminal, jsonl otherwise. JSONL fields:
    /// line (text of the first occurrence), docs, occurrences, docs_repeating
    /// (documents where it occurs more than once), bytes (all occurrences with
    /// their line breaks), examples (first document ids).
    #[arg(long, value_enum, default_value_t = ReportFormat::Auto, conflicts_with = "strip")]
    pub format: ReportFormat,
    /// Instead of a report, write the corpus with lines in at least --min-docs
    /// documents removed and repeats within a document collapsed to the first
    /// occurrence; other fields stay byte-identical. Needs -o; reads the input
    /// twice. Also writes OUT.removed.jsonl (what was removed, per document),
    /// OUT.stats.json and, with --on-bad-record skip, OUT.skipped.jsonl.
    #[arg(long, requires = "output")]
    pub strip: bool,
    /// With --strip: the stripped corpus (JSONL; compressed if named .gz or
    /// .zst). Without: write the report to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// With --strip: leave out documents with nothing but whitespace left
    /// (counted in OUT.stats.json either way).
    #[arg(long, requires = "strip")]
    pub drop_empty: bool,
    /// Also count, report and strip lines without any letter or digit ("|",
    /// "•", "---"); by default they are only counted in the totals.
    #[arg(long)]
    pub include_symbol_lines: bool,
    /// Compare lines with case (by default lines are lowercased).
    #[arg(long)]
    pub keep_case: bool,
    /// Fold every run of digits to 0 ("© 2021" = "© 2024").
    #[arg(long)]
    pub fold_digits: bool,
    /// Compare whitespace exactly (by default lines are trimmed and runs of
    /// whitespace collapse to one space).
    #[arg(long)]
    pub keep_whitespace: bool,
    /// Compare without Unicode NFC (by default NFD and NFC forms are one line).
    #[arg(long)]
    pub no_nfc: bool,
    #[command(flatten)]
    pub read: crate::cli::ReadArgs,
    /// Directory for temporary files (stdin is spooled there); default: beside
    /// the output with --strip, the system temporary directory otherwise.
    #[arg(long)]
    pub tmp_dir: Option<PathBuf>,
}

impl LinesArgs {
    /// The plain configuration these flags describe.
    pub fn config(&self) -> LinesConfig {
        LinesConfig {
            inputs: self.inputs.clone(),
            text_field: self.read.text_field.clone(),
            id_field: self.read.id_field.clone(),
            normalize: LineNormalizeOptions {
                nfc: !self.no_nfc,
                trim: !self.keep_whitespace,
                collapse_whitespace: !self.keep_whitespace,
                case_fold: !self.keep_case,
                fold_digits: self.fold_digits,
            },
            include_symbol_lines: self.include_symbol_lines,
            min_docs: self.min_docs,
            threads: self.read.threads,
            progress: !self.read.quiet,
            on_bad_record: self.read.on_bad_record,
            max_record_bytes: self.read.max_record_bytes,
            tmp_dir: self.tmp_dir.clone(),
            ..LinesConfig::default()
        }
    }
}

/// Runs `shingle lines` as the command line asked.
pub fn run_cli(args: &LinesArgs) -> Result<()> {
    let config = args.config();
    if args.strip {
        let options = StripOptions {
            output: args.output.clone().expect("clap requires -o with --strip"),
            drop_empty: args.drop_empty,
        };
        let outcome = strip(&config, &options)?;
        if !args.read.quiet {
            eprintln!("{}", strip_summary(&outcome.stats, &options));
        }
        return Ok(());
    }
    let found = report(&config, args.top)?;
    for (location, bad) in &found.skipped_sample {
        eprintln!(
            "shingle: skipped {location}: {}: {}",
            bad.reason, bad.detail
        );
    }
    if found.summary.skipped > found.skipped_sample.len() as u64 {
        eprintln!(
            "shingle: ... and {} more skipped records",
            found.summary.skipped - found.skipped_sample.len() as u64
        );
    }
    match &args.output {
        Some(path) => {
            let format = match args.format {
                ReportFormat::Auto => ReportFormat::Jsonl,
                f => f,
            };
            let mut out = AtomicWriter::create(path, compression_by_name(path))?;
            write_report(&found, format, &mut out).map_err(|e| Error::io("writing", path, e))?;
            out.finish()?.commit()?;
        }
        None => {
            let stdout = io::stdout();
            let format = match args.format {
                ReportFormat::Auto if stdout.is_terminal() => ReportFormat::Table,
                ReportFormat::Auto => ReportFormat::Jsonl,
                f => f,
            };
            let mut out = io::BufWriter::new(stdout.lock());
            let written = write_report(&found, format, &mut out).and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                other => other.map_err(|e| Error::io("writing", Path::new("<stdout>"), e))?,
            }
        }
    }
    if !args.read.quiet {
        eprintln!("{}", report_summary(&found));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm_with(options: LineNormalizeOptions, line: &str) -> (String, LineClass) {
        let mut n = LineNormalizer::new(options);
        let mut out = String::new();
        let class = n.normalize(line, &mut out);
        (out, class)
    }

    fn norm(line: &str) -> String {
        norm_with(LineNormalizeOptions::default(), line).0
    }

    #[test]
    fn normalization_steps_and_switches() {
        assert_eq!(norm("  Breaking\t\u{a0} NEWS  "), "breaking news");
        assert_eq!(norm("ÉCOLE"), "école");
        let nfc = "Ảnh: Người dân đổ về quảng trường";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(norm(nfc), norm(&nfd));
        let keep_case = LineNormalizeOptions {
            case_fold: false,
            ..Default::default()
        };
        assert_eq!(norm_with(keep_case, "Breaking News").0, "Breaking News");
        let exact_ws = LineNormalizeOptions {
            trim: false,
            collapse_whitespace: false,
            ..Default::default()
        };
        assert_eq!(norm_with(exact_ws, " a  b ").0, " a  b ");
        let no_nfc = LineNormalizeOptions {
            nfc: false,
            ..Default::default()
        };
        assert_ne!(norm_with(no_nfc, nfc).0, norm_with(no_nfc, &nfd).0);
        let digits = LineNormalizeOptions {
            fold_digits: true,
            ..Default::default()
        };
        assert_eq!(
            norm_with(digits, "© 2021 Example, updated 3/12").0,
            "© 0 example, updated 0/0"
        );
        assert_eq!(norm("© 2021"), "© 2021");
    }

    #[test]
    fn characters_below_u0300_are_always_nfc() {
        use unicode_normalization::char::canonical_combining_class;
        for c in ('\u{80}'..'\u{300}').chain(['a', '\u{7f}']) {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
        }
        assert!(surely_nfc("Café Ørsted ŁÓDŹ ǅ"));
        assert!(!surely_nfc("e\u{301}"));
        assert!(!surely_nfc("Đồng"));
    }

    #[test]
    fn classes() {
        let class = |l: &str| norm_with(LineNormalizeOptions::default(), l).1;
        assert_eq!(class(""), LineClass::Blank);
        assert_eq!(class(" \t\u{a0}"), LineClass::Blank);
        for s in ["|", "•", " --- ", "* * *", "»", "©", "👍"] {
            assert_eq!(class(s), LineClass::SymbolOnly, "{s}");
        }
        for s in ["XS", "1", "a", "北", "| Home |"] {
            assert_eq!(class(s), LineClass::Text, "{s}");
        }
    }

    #[test]
    fn splitting_keeps_terminators_and_utf8() {
        let text = "é\r\n\n\rx\nlast";
        let lines: Vec<_> = split_lines(text).collect();
        assert_eq!(
            lines,
            [("é", "\r\n"), ("", "\n"), ("\rx", "\n"), ("last", "")]
        );
        assert_eq!(split_lines("").count(), 0);
        assert_eq!(split_lines("a\n").collect::<Vec<_>>(), [("a", "\n")]);
        assert_eq!(split_lines("\r\n").collect::<Vec<_>>(), [("", "\r\n")]);
    }

    #[test]
    fn spans_follow_extract_json_semantics() {
        let p = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        let cases = [
            (r#"{"text":"a\"b\\n\u00e9"}"#, "text", r#""a\"b\\n\u00e9""#),
            (r#"{"text":"first","text":"second"}"#, "text", r#""second""#),
            (r#"{"text":"kept","text":5}"#, "text", r#""kept""#),
            (r#"{"a":{"b":"x"},"a":{"c":1}}"#, "a.b", r#""x""#),
            (r#"{"a":[{"b":"no"}],"a":{"b":"yes"}}"#, "a.b", r#""yes""#),
            (r#" { "x" : 1 , "text" :  "sp" } "#, "text", r#""sp""#),
            (r#"{"t\u0065xt":"escaped key"}"#, "text", r#""escaped key""#),
        ];
        for (line, path, want) in cases {
            let span = text_span(line, &p(path)).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(&line[span], want, "{line}");
            // Same text as extract_json sees.
            let fields = FieldPaths::new(path, "id").unwrap();
            let mut text = String::new();
            input::extract_json(line.as_bytes(), &fields, &mut text).unwrap();
            assert_eq!(serde_json::from_str::<String>(want).unwrap(), text);
        }
        assert_eq!(text_span(r#"{"text":5}"#, &p("text")), None);
    }

    fn chunk_line(key: u32, docs: &[u32]) -> Vec<Occurrence> {
        docs.iter()
            .enumerate()
            .map(|(i, &d)| Occurrence {
                key: LineKey([key, 0, 0, 0]),
                doc: d,
                line: i as u32,
                bytes: 10,
            })
            .collect()
    }

    #[test]
    fn table_counts_promote_and_keep_first_examples() {
        let mut table = LineTable::default();
        // Chunk 1 (docs 0..3): key 1 once in doc 2; key 2 twice in doc 0 and in doc 1.
        let mut occ = chunk_line(1, &[2]);
        occ.extend(chunk_line(2, &[0, 0, 1]));
        table.merge(0, &aggregate(&mut occ)).unwrap();
        assert_eq!(table.docs_of(&LineKey([1, 0, 0, 0])), 1);
        assert_eq!(table.stats.len(), 1);
        // Chunk 2 (docs 3..): key 1 in docs 3, 4, 5 (twice in 5).
        let mut occ = chunk_line(1, &[0, 1, 2, 2]);
        table.merge(3, &aggregate(&mut occ)).unwrap();
        let stat = table.stats[table.slots[&LineKey([1, 0, 0, 0])].value as usize];
        assert_eq!(
            (stat.docs, stat.occurrences, stat.docs_repeating, stat.bytes),
            (4, 5, 1, 50)
        );
        assert_eq!(stat.examples, [2, 3, 4]);
        assert_eq!((stat.first_doc, stat.first_line), (2, 0));
        let two = table.stats[table.slots[&LineKey([2, 0, 0, 0])].value as usize];
        assert_eq!((two.docs, two.occurrences, two.docs_repeating), (2, 3, 1));
        assert_eq!(two.examples, [0, 1, NONE]);
        assert_eq!(table.repeated().count(), 2);
        assert_eq!(std::mem::size_of::<(LineKey, Slot)>(), 28);
        assert_eq!(std::mem::size_of::<LineStat>(), 48);
    }

    proptest! {
        #[test]
        fn splitting_round_trips(text in "[a\r\n é|]{0,40}") {
            let joined: String = split_lines(&text).flat_map(|(c, t)| [c, t]).collect();
            prop_assert_eq!(joined, text.clone());
            for (content, terminator) in split_lines(&text) {
                prop_assert!(!content.contains('\n'));
                prop_assert!(matches!(terminator, "" | "\n" | "\r\n"));
            }
        }

        #[test]
        fn ascii_runs_match_char_by_char(
            line in "[a-zA-Z0-9 \t\r\x0b\x0c\x1f|.-]{0,30}",
            split in 0usize..31,
            flags in 0u8..32,
        ) {
            let o = LineNormalizeOptions {
                nfc: flags & 1 != 0,
                trim: flags & 2 != 0,
                collapse_whitespace: flags & 4 != 0,
                case_fold: flags & 8 != 0,
                fold_digits: flags & 16 != 0,
            };
            let split = split.min(line.len());
            let (mut fast, mut slow) = (String::new(), String::new());
            let (mut a, mut b) = (Fold::default(), Fold::default());
            // Two runs, so that state carries over between them.
            a.ascii(&line[..split], o, &mut fast);
            a.ascii(&line[split..], o, &mut fast);
            for c in line.chars() {
                b.char(c, o, &mut slow);
            }
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(a.class(), b.class());
        }

        #[test]
        fn normalization_is_idempotent(line in "[a-zA-Z0-9 \t\u{a0}é\u{301}İß|•.]{0,30}") {
            let options = LineNormalizeOptions { fold_digits: true, ..Default::default() };
            let (once, _) = norm_with(options, &line);
            let (twice, _) = norm_with(options, &once);
            prop_assert_eq!(once, twice);
        }
    }
}
