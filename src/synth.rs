//! Deterministic generator of synthetic, scrape-like corpora with planted
//! near-duplicate families (known ground truth).
//!
//! Why it exists: quality tests need corpora whose near-duplicate structure is
//! known, benchmarks need gigabytes of realistic-looking text without shipping
//! data, and scale tests need millions of tiny documents. Generation streams
//! (only a bounded pool of open families, each holding at most a handful of
//! documents, lives in memory) and is fully deterministic given
//! [`SynthConfig::seed`]: it uses its own xoshiro256** PRNG and never depends on
//! hash-map iteration order or on anything outside the config.
//!
//! # What a document looks like
//! A scraped news page: optional site chrome (header lines such as
//! `Home | World | Business`, `Subscribe | Sign in`; footer lines such as
//! `Cookie settings | Privacy policy | Terms of use` and a copyright line), each
//! chrome line on its own line, taken from one of 20 synthetic sites; then a
//! title line, an optional byline (`By Name Name · March 3, 2021`) and
//! paragraphs separated by `"\n\n"`. Paragraphs hold sentences of synthetic
//! words (built from syllables, Zipf-Mandelbrot frequencies with s = 1), with a
//! capitalized first word, some commas and a final period. About 2% of the
//! vocabulary carries an accented Latin letter (`é`, `ö`, ...), so non-ASCII
//! code paths are exercised.
//!
//! # Families
//! Documents are grouped into families (ids in order of creation). The first
//! member is the [`Variant::Original`]; a family of size one is just an
//! unrelated document. Each further member is derived from the original, or
//! (for [`Variant::EditChain`]) from an earlier derived member, so the end of a
//! chain A → B → C may be far from A. Derivations:
//!
//! * [`Variant::ExactCopy`]: identical text (another URL).
//! * [`Variant::WordEdits`]: random word substitutions/insertions/deletions.
//! * [`Variant::SentenceEdits`]: whole sentences replaced, inserted, deleted.
//! * [`Variant::Truncated`]: a 50–100% prefix of the body, sometimes with a
//!   "Continue reading" trailer.
//! * [`Variant::ParagraphsReordered`]: the body's paragraphs shuffled.
//! * [`Variant::OtherChrome`]: the same article on another site's chrome.
//! * [`Variant::HeaderChange`]: title words, date or byline changed.
//! * [`Variant::EditChain`]: word edits applied to an earlier derived member.
//!
//! Structural variants (truncated, reordered, other chrome, header change) get
//! light extra word edits 30% of the time. Edit rates are calibrated so the
//! Jaccard similarity of word 5-gram sets of a child to its parent is spread
//! roughly uniformly over ~0.5..1.0, i.e. around the 0.8 threshold the quality
//! tests use. Members of different families are unrelated: apart from shared
//! site chrome and a few frequent words they have no 5-grams in common.
//!
//! Ground truth caveat: same `family` means "planted as related", not "above
//! the threshold". A member edited hard, or the end of an edit chain, can be
//! below 0.8 against other members; use [`word_shingle_jaccard`] on the pair to
//! get exact truth for a given threshold.
//!
//! # Order
//! Families are interleaved: up to 256 families are open at once and each
//! document is drawn at random (weighted by members left) from them, never
//! from the family that produced the previous document while another family
//! is open. Ids (`doc-000000123`) follow output order.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Number of synthetic sites (each with its own chrome and URL host).
pub const NUM_SITES: usize = 20;
/// Families open at once; bounds memory and sets how far apart members land.
const POOL_FAMILIES: usize = 256;
/// Derived members kept per family as possible edit-chain parents.
const RECENT_MEMBERS: usize = 4;
/// Largest vocabulary accepted (token ids keep two flag bits).
const MAX_VOCABULARY: usize = 1 << 24;
/// Below this `mean_words`, sites use compact chrome lines and short titles.
const COMPACT_BELOW: usize = 60;
/// Smallest vocabulary accepted (smaller ones would make everything similar).
const MIN_VOCABULARY: usize = 16;

const WORD_MASK: u32 = (1 << 30) - 1;
const FLAG_SHIFT: u32 = 30;
const F_NONE: u32 = 0;
const F_COMMA: u32 = 1;
const F_PERIOD: u32 = 2;
const F_PARA: u32 = 3;

const ZIPF_Q: f64 = 2.7;
const ZIPF_BITS: u32 = 16;

/// Lower / upper bound of the parent-child Jaccard aimed at by pure edits.
const EDIT_J_LO: f64 = 0.45;
const EDIT_J_HI: f64 = 0.95;
/// Probability that a structural variant also gets light word edits.
const SECONDARY_EDIT_P: f64 = 0.3;
/// Probability that member >= 2 continues an edit chain.
const CHAIN_P: f64 = 0.35;

// ---------------------------------------------------------------------------
// Configuration and public types
// ---------------------------------------------------------------------------

/// Parameters for a synthetic corpus; the same config always yields the same
/// bytes.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// Total documents to emit (exact count).
    pub documents: u64,
    /// Seed for every random choice (vocabulary, sites, texts, order).
    pub seed: u64,
    /// Mean article body length in words (700 ≈ 5 KB docs; 20–30 for tiny
    /// docs). Lengths are log-normally spread around it.
    pub mean_words: usize,
    /// Fraction of documents that are family members beyond the first
    /// (0.0..1.0); at most `1 - 1/max_family_size` is reachable.
    pub duplicate_fraction: f64,
    /// Largest family (original included); 1 disables duplicates.
    pub max_family_size: usize,
    /// Site header/footer lines around each article (0 = none): half
    /// (rounded up) at the top, the rest at the bottom.
    pub chrome_lines: usize,
    /// Distinct words, Zipf-like frequencies (s ≈ 1.0); clamped to
    /// 16..=16_777_216.
    pub vocabulary: usize,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            documents: 10_000,
            seed: 42,
            mean_words: 300,
            duplicate_fraction: 0.3,
            max_family_size: 6,
            chrome_lines: 4,
            vocabulary: 50_000,
        }
    }
}

impl SynthConfig {
    /// Preset for scale tests with millions of tiny documents (~25 words).
    pub fn tiny(documents: u64) -> Self {
        SynthConfig {
            documents,
            mean_words: 25,
            chrome_lines: 2,
            ..SynthConfig::default()
        }
    }

    /// Preset resembling web articles (~700 words, ~5 KB per document).
    pub fn articles(documents: u64) -> Self {
        SynthConfig {
            documents,
            mean_words: 700,
            ..SynthConfig::default()
        }
    }
}

/// How a document was derived from its family's original (for reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// First member of a family (a singleton family is an unrelated doc).
    Original,
    /// Byte-identical text of the original.
    ExactCopy,
    /// Scattered word substitutions, insertions and deletions.
    WordEdits,
    /// Whole sentences replaced, inserted or deleted.
    SentenceEdits,
    /// A prefix (50–100%) of the body, maybe with a "read more" trailer.
    Truncated,
    /// Body paragraphs in another order.
    ParagraphsReordered,
    /// Same article on another site's chrome.
    OtherChrome,
    /// Title words, date or byline changed.
    HeaderChange,
    /// Word edits applied to an earlier derived member (A → B → C).
    EditChain,
}

impl Variant {
    /// Every variant, for iterating in reports.
    pub const ALL: [Variant; 9] = [
        Variant::Original,
        Variant::ExactCopy,
        Variant::WordEdits,
        Variant::SentenceEdits,
        Variant::Truncated,
        Variant::ParagraphsReordered,
        Variant::OtherChrome,
        Variant::HeaderChange,
        Variant::EditChain,
    ];

    /// Stable snake_case name, as written in the JSONL `variant` field.
    pub fn name(&self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::ExactCopy => "exact_copy",
            Variant::WordEdits => "word_edits",
            Variant::SentenceEdits => "sentence_edits",
            Variant::Truncated => "truncated",
            Variant::ParagraphsReordered => "paragraphs_reordered",
            Variant::OtherChrome => "other_chrome",
            Variant::HeaderChange => "header_change",
            Variant::EditChain => "edit_chain",
        }
    }

    /// Inverse of [`Variant::name`], for reading generated JSONL back.
    pub fn from_name(name: &str) -> Option<Variant> {
        Variant::ALL.iter().copied().find(|v| v.name() == name)
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The id of the document at output position `index` (`doc-000000123`), so
/// parent indices can be mapped to ids.
pub fn doc_id(index: u64) -> String {
    format!("doc-{index:09}")
}

/// One generated document, with its ground truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthDoc {
    /// Unique id, `doc-` + zero-padded output position.
    pub id: String,
    /// Output position (0-based).
    pub index: u64,
    /// Family id; equal ids mean planted as related.
    pub family: u64,
    /// How this document was derived.
    pub variant: Variant,
    /// Output position of the document it was derived from (None for
    /// originals); always smaller than `index`.
    pub parent: Option<u64>,
    /// Derivation depth: 0 original, 1 derived from the original, 2+ chains.
    pub generation: u32,
    /// Site number (0..NUM_SITES) whose chrome and host the page uses.
    pub site: usize,
    /// Synthetic URL, unique per document, ASCII only.
    pub url: String,
    /// Page text.
    pub text: String,
}

impl SynthDoc {
    /// Appends this document as one JSONL line (see [`write_jsonl`]).
    pub fn write_json_line(&self, out: &mut Vec<u8>) -> io::Result<()> {
        json_line(
            out,
            &self.id,
            self.family,
            self.variant,
            &self.url,
            &self.text,
            self.parent,
        )
    }
}

/// A generated document borrowed from the generator's reused buffers; avoids
/// per-document allocation when streaming millions of documents.
#[derive(Debug, Clone, Copy)]
pub struct SynthDocRef<'a> {
    /// See [`SynthDoc::id`].
    pub id: &'a str,
    /// See [`SynthDoc::index`].
    pub index: u64,
    /// See [`SynthDoc::family`].
    pub family: u64,
    /// See [`SynthDoc::variant`].
    pub variant: Variant,
    /// See [`SynthDoc::parent`].
    pub parent: Option<u64>,
    /// See [`SynthDoc::generation`].
    pub generation: u32,
    /// See [`SynthDoc::site`].
    pub site: usize,
    /// See [`SynthDoc::url`].
    pub url: &'a str,
    /// See [`SynthDoc::text`].
    pub text: &'a str,
}

impl SynthDocRef<'_> {
    /// Copies into an owned [`SynthDoc`].
    pub fn to_doc(&self) -> SynthDoc {
        SynthDoc {
            id: self.id.to_owned(),
            index: self.index,
            family: self.family,
            variant: self.variant,
            parent: self.parent,
            generation: self.generation,
            site: self.site,
            url: self.url.to_owned(),
            text: self.text.to_owned(),
        }
    }

    /// Appends this document as one JSONL line (see [`write_jsonl`]).
    pub fn write_json_line(&self, out: &mut Vec<u8>) -> io::Result<()> {
        json_line(
            out,
            self.id,
            self.family,
            self.variant,
            self.url,
            self.text,
            self.parent,
        )
    }
}

fn json_line(
    out: &mut Vec<u8>,
    id: &str,
    family: u64,
    variant: Variant,
    url: &str,
    text: &str,
    parent: Option<u64>,
) -> io::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    serde_json::to_writer(&mut *out, id).map_err(io::Error::other)?;
    write!(
        out,
        ",\"family\":{family},\"variant\":\"{}\",\"url\":",
        variant.name()
    )?;
    serde_json::to_writer(&mut *out, url).map_err(io::Error::other)?;
    out.extend_from_slice(b",\"text\":");
    serde_json::to_writer(&mut *out, text).map_err(io::Error::other)?;
    match parent {
        Some(p) => write!(out, ",\"parent\":\"doc-{p:09}\"}}")?,
        None => out.extend_from_slice(b",\"parent\":null}"),
    }
    out.push(b'\n');
    Ok(())
}

/// Creates the streaming generator for `config`. Building it costs one
/// vocabulary table (~1 ms per 10k words); documents are made lazily.
pub fn generate(config: &SynthConfig) -> SynthCorpus {
    SynthCorpus::new(config)
}

/// Writes the corpus as JSONL, one object per line:
/// `{"id":..,"family":<u64>,"variant":"<name>","url":"..","text":"..","parent":"doc-.."|null}`.
/// Output is chunked internally, so an unbuffered `File` is fine. Returns
/// (documents, bytes) written.
pub fn write_jsonl<W: Write>(config: &SynthConfig, mut out: W) -> io::Result<(u64, u64)> {
    const CHUNK: usize = 1 << 16;
    let mut corpus = generate(config);
    let mut buf: Vec<u8> = Vec::with_capacity(2 * CHUNK);
    let (mut docs, mut bytes) = (0u64, 0u64);
    while let Some(doc) = corpus.next_ref() {
        doc.write_json_line(&mut buf)?;
        docs += 1;
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            bytes += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    bytes += buf.len() as u64;
    out.flush()?;
    Ok((docs, bytes))
}

/// Exact Jaccard similarity of the sets of lowercase word `k`-grams of two
/// texts (words = maximal runs of alphanumeric chars). This is the reference
/// truth the generator is calibrated against (k = 5); it is slow and meant for
/// tests and reports, not for the corpus scale.
pub fn word_shingle_jaccard(a: &str, b: &str, k: usize) -> f64 {
    let sa = word_shingles(a, k);
    let sb = word_shingles(b, k);
    if sa.is_empty() && sb.is_empty() {
        return 1.0;
    }
    let inter = sa.intersection(&sb).count();
    inter as f64 / (sa.len() + sb.len() - inter) as f64
}

/// Hashes (64-bit FNV-1a) of the lowercase word `k`-grams of `text`; a text
/// with fewer than `k` words yields one shingle of all its words.
pub fn word_shingles(text: &str, k: usize) -> HashSet<u64> {
    let k = k.max(1);
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            cur.extend(ch.to_lowercase());
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut set = HashSet::new();
    if words.is_empty() {
        return set;
    }
    let hash = |ws: &[String]| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for w in ws {
            for &b in w.as_bytes().iter().chain(std::iter::once(&0xffu8)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    };
    if words.len() < k {
        set.insert(hash(&words));
    } else {
        for w in words.windows(k) {
            set.insert(hash(w));
        }
    }
    set
}

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded through SplitMix64.
#[derive(Debug, Clone)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// Independent stream for (seed, stream kind, key).
    fn derive(seed: u64, stream: u64, key: u64) -> Rng {
        let mut sm = seed;
        let a = splitmix64(&mut sm);
        let mut sm = a ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let b = splitmix64(&mut sm);
        let mut sm = b ^ key.wrapping_mul(0xA076_1D64_78BD_642F);
        let mut s = [0u64; 4];
        for x in s.iter_mut() {
            *x = splitmix64(&mut sm);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    #[inline]
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n) (n > 0).
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform usize in [lo, hi] (inclusive).
    #[inline]
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Integer with expectation `x` (probabilistic rounding).
    fn round_random(&mut self, x: f64) -> usize {
        let base = x.floor();
        base as usize + usize::from(self.chance(x - base))
    }
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

const ONSETS: &[&str] = &[
    "", "", "", "", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
    "z", "br", "ch", "dr", "pr", "sh", "st", "tr",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "a", "e", "i", "o", "u", "ai", "ea", "ou",
];
const CODAS: &[&str] = &[
    "", "", "", "", "", "", "", "n", "r", "s", "l", "m", "t", "nd", "st",
];

fn push_syllable(rng: &mut Rng, out: &mut String) {
    out.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
    out.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
    out.push_str(CODAS[rng.below(CODAS.len() as u64) as usize]);
}

fn accented(c: u8, rng: &mut Rng) -> &'static str {
    let opts: &[&str] = match c {
        b'a' => &["á", "à", "ä", "â"],
        b'e' => &["é", "è", "ë", "ê"],
        b'i' => &["í", "ï"],
        b'o' => &["ó", "ö", "ô"],
        _ => &["ú", "ü", "û"],
    };
    opts[rng.below(opts.len() as u64) as usize]
}

fn capitalize_into(word: &str, out: &mut String) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Words ordered by frequency rank, both lowercase and capitalized forms in
/// one arena, plus a quantile table for fast Zipf-Mandelbrot sampling.
struct Vocab {
    arena: String,
    /// (start, lowercase byte len, capitalized byte len)
    entries: Vec<(u32, u16, u16)>,
    /// rank at quantile i / 2^ZIPF_BITS (continuous inverse CDF, floored).
    zipf: Vec<u32>,
}

impl Vocab {
    fn new(size: usize, seed: u64) -> Vocab {
        let mut rng = Rng::derive(seed, 1, 0);
        let mut seen: HashSet<String> = HashSet::with_capacity(size);
        let mut arena = String::with_capacity(size * 16);
        let mut entries = Vec::with_capacity(size);
        let mut word = String::new();
        for rank in 0..size {
            let mut syllables = match rank {
                0..=39 => 1,
                40..=799 => 2,
                _ => 2 + usize::from(rng.below(10) < 3),
            };
            let mut failures = 0;
            loop {
                word.clear();
                for _ in 0..syllables {
                    push_syllable(&mut rng, &mut word);
                }
                if rank >= 20 && rng.below(50) == 0 {
                    let vowels: Vec<usize> = word
                        .bytes()
                        .enumerate()
                        .filter(|(_, b)| b"aeiou".contains(b))
                        .map(|(i, _)| i)
                        .collect();
                    if !vowels.is_empty() {
                        let i = vowels[rng.below(vowels.len() as u64) as usize];
                        let rep = accented(word.as_bytes()[i], &mut rng);
                        word.replace_range(i..i + 1, rep);
                    }
                }
                if !seen.contains(&word) {
                    seen.insert(word.clone());
                    break;
                }
                failures += 1;
                if failures % 8 == 0 {
                    syllables += 1;
                }
            }
            let start = arena.len() as u32;
            arena.push_str(&word);
            let lower_len = word.len() as u16;
            capitalize_into(&word, &mut arena);
            let cap_len = (arena.len() - start as usize - lower_len as usize) as u16;
            entries.push((start, lower_len, cap_len));
        }
        let v = size as f64;
        let l = ((v + ZIPF_Q) / ZIPF_Q).ln();
        let n = 1usize << ZIPF_BITS;
        let zipf = (0..=n)
            .map(|i| {
                let x = ZIPF_Q * (l * i as f64 / n as f64).exp() - ZIPF_Q;
                (x.max(0.0) as u32).min(size as u32)
            })
            .collect();
        Vocab {
            arena,
            entries,
            zipf,
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn word(&self, id: u32, cap: bool) -> &str {
        let (s, l, c) = self.entries[id as usize];
        let s = s as usize;
        let l = l as usize;
        if cap {
            &self.arena[s + l..s + l + c as usize]
        } else {
            &self.arena[s..s + l]
        }
    }

    /// Zipf-Mandelbrot rank (P(k) ∝ 1/(k + 2.7)).
    #[inline]
    fn sample(&self, rng: &mut Rng) -> u32 {
        let x = rng.next_u64();
        let hi = (x >> (64 - ZIPF_BITS)) as usize;
        let frac = (x >> 16) & 0xFFFF_FFFF;
        let a = self.zipf[hi];
        let b = self.zipf[hi + 1];
        let r = a + ((u64::from(b - a) * frac) >> 32) as u32;
        r.min(self.entries.len() as u32 - 1)
    }

    /// Uniform over the rarer part of the vocabulary (names).
    fn sample_rare(&self, rng: &mut Rng) -> u32 {
        let n = self.len();
        let lo = (n / 2).min(500);
        (lo + rng.below((n - lo) as u64) as usize) as u32
    }
}

// ---------------------------------------------------------------------------
// Sites (chrome)
// ---------------------------------------------------------------------------

const SECTIONS: &[&str] = &[
    "World",
    "Business",
    "Politics",
    "Tech",
    "Science",
    "Health",
    "Sports",
    "Culture",
    "Opinion",
    "Travel",
    "Style",
    "Food",
    "Local",
    "Economy",
    "Climate",
    "Education",
    "Arts",
    "Books",
    "Music",
    "Film",
    "Markets",
    "Autos",
    "Weather",
    "Video",
    "Podcasts",
];
const SITE_SUFFIXES: &[&str] = &[
    "News",
    "Times",
    "Daily",
    "Post",
    "Herald",
    "Journal",
    "Review",
    "Today",
    "Gazette",
    "Report",
    "Chronicle",
    "Tribune",
];
const ACCOUNT_LINES: &[&str] = &[
    "Subscribe | Sign in",
    "Log in | Register",
    "Subscribe now",
    "Sign up for our newsletter",
];
const UTILITY_LINES: &[&str] = &["Search | Menu", "Skip to main content", "Menu", "Search"];
const LEGAL_LINES: &[&str] = &[
    "Cookie settings | Privacy policy | Terms of use",
    "Privacy | Cookies | Terms",
    "Cookie settings",
    "Terms of service | Privacy notice",
];
const CORPORATE_LINES: &[&str] = &[
    "About us | Contact | Careers | Advertise",
    "Contact us | Help",
    "About | Advertise with us",
];
const SOCIAL_LINES: &[&str] = &[
    "Follow us: Facebook | Twitter | Instagram",
    "Share this story",
    "Follow us on social media",
];
/// Compact chrome for tiny documents, so chrome stays small next to them.
const ACCOUNT_SHORT: &[&str] = &["Subscribe", "Sign in", "Log in", "Menu"];
const UTILITY_SHORT: &[&str] = &["Search", "Menu"];
const LEGAL_SHORT: &[&str] = &["Privacy | Terms", "Cookies", "Privacy policy"];
const CORPORATE_SHORT: &[&str] = &["Contact", "About us"];
const SOCIAL_SHORT: &[&str] = &["Share", "Follow us"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const TRAILERS: &[&str] = &[
    "Continue reading",
    "Read the full story",
    "Subscribe to read more",
];

fn count_words(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for ch in s.chars() {
        let w = ch.is_alphanumeric();
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

struct Site {
    /// Header chrome lines, each ending in '\n' (empty if none).
    header: String,
    /// Footer chrome lines joined by '\n' (empty if none).
    footer: String,
    chrome_words: usize,
}

impl Site {
    /// `compact` selects short chrome lines (for tiny documents).
    fn new(index: usize, seed: u64, chrome_lines: usize, compact: bool) -> Site {
        let mut rng = Rng::derive(seed, 2, index as u64);
        let pick =
            |rng: &mut Rng, list: &[&'static str]| list[rng.below(list.len() as u64) as usize];
        let mut stem = String::new();
        for _ in 0..rng.range(2, 3) {
            push_syllable(&mut rng, &mut stem);
        }
        let mut name = String::new();
        capitalize_into(&stem, &mut name);
        name.push(' ');
        name.push_str(pick(&mut rng, SITE_SUFFIXES));
        let nav_sections = |rng: &mut Rng, prefix: &str, n: usize| {
            let mut line = String::from(prefix);
            let mut used: Vec<usize> = Vec::new();
            while used.len() < n {
                let s = rng.below(SECTIONS.len() as u64) as usize;
                if !used.contains(&s) {
                    if !used.is_empty() || !prefix.is_empty() {
                        line.push_str(" | ");
                    }
                    line.push_str(SECTIONS[s]);
                    used.push(s);
                }
            }
            line
        };
        let year = 2015 + rng.below(10);
        let n_header = chrome_lines.div_ceil(2);
        let n_footer = chrome_lines / 2;
        let (nav, extra) = if compact { (2, (1, 2)) } else { (5, (3, 4)) };
        let mut header_lines: Vec<String> = if compact {
            vec![
                nav_sections(&mut rng, "Home", nav),
                pick(&mut rng, ACCOUNT_SHORT).to_owned(),
                name.clone(),
                pick(&mut rng, UTILITY_SHORT).to_owned(),
            ]
        } else {
            vec![
                nav_sections(&mut rng, "Home", nav),
                pick(&mut rng, ACCOUNT_LINES).to_owned(),
                format!("The {name}"),
                pick(&mut rng, UTILITY_LINES).to_owned(),
            ]
        };
        while header_lines.len() < n_header {
            let n = rng.range(extra.0, extra.1);
            header_lines.push(nav_sections(&mut rng, "Trending:", n));
        }
        header_lines.truncate(n_header);
        let mut footer_lines: Vec<String> = if compact {
            vec![
                format!("© {year} {name}"),
                pick(&mut rng, LEGAL_SHORT).to_owned(),
                pick(&mut rng, CORPORATE_SHORT).to_owned(),
                pick(&mut rng, SOCIAL_SHORT).to_owned(),
            ]
        } else {
            vec![
                format!("© {year} {name} Media. All rights reserved."),
                pick(&mut rng, LEGAL_LINES).to_owned(),
                pick(&mut rng, CORPORATE_LINES).to_owned(),
                pick(&mut rng, SOCIAL_LINES).to_owned(),
            ]
        };
        while footer_lines.len() < n_footer {
            let n = rng.range(extra.0, extra.1);
            footer_lines.push(nav_sections(&mut rng, "More:", n));
        }
        footer_lines.truncate(n_footer);
        // Copyright goes last in the footer, as on real pages.
        if !footer_lines.is_empty() {
            footer_lines.rotate_left(1);
        }
        let mut header = String::new();
        for l in &header_lines {
            header.push_str(l);
            header.push('\n');
        }
        let footer = footer_lines.join("\n");
        let chrome_words = count_words(&header) + count_words(&footer);
        Site {
            header,
            footer,
            chrome_words,
        }
    }
}

// ---------------------------------------------------------------------------
// Articles
// ---------------------------------------------------------------------------

/// Structured form of a page; texts are rendered from it. Body tokens are
/// word ids with a 2-bit punctuation flag after the word (none, comma,
/// sentence end, paragraph end); capitalization follows from the flags.
#[derive(Debug, Clone)]
struct Article {
    site: u16,
    section: u8,
    byline: bool,
    trailer: u8,
    date: [u16; 3],
    author: [u32; 2],
    title: Vec<u32>,
    body: Vec<u32>,
}

#[inline]
fn tok(id: u32, flag: u32) -> u32 {
    id | (flag << FLAG_SHIFT)
}

#[inline]
fn flag_of(t: u32) -> u32 {
    t >> FLAG_SHIFT
}

fn set_flag(t: &mut u32, flag: u32) {
    *t = (*t & WORD_MASK) | (flag << FLAG_SHIFT);
}

/// Splits the body into spans ending at a token whose flag is >= `min_flag`.
fn spans(body: &[u32], min_flag: u32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &t) in body.iter().enumerate() {
        if flag_of(t) >= min_flag {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < body.len() {
        out.push((start, body.len()));
    }
    out
}

/// Immutable generation context shared by all families.
struct Ctx {
    cfg: SynthConfig,
    vocab: Vocab,
    sites: Vec<Site>,
    /// Cumulative weights of derivation ops for members derived from the
    /// original.
    op_weights: Vec<(Variant, u32)>,
}

impl Ctx {
    fn doc_words(&self, a: &Article) -> usize {
        let chrome = if self.cfg.chrome_lines > 0 {
            self.sites[a.site as usize].chrome_words
        } else {
            0
        };
        let byline = if a.byline { 6 } else { 0 };
        let trailer = if a.trailer > 0 {
            count_words(TRAILERS[a.trailer as usize - 1])
        } else {
            0
        };
        chrome + a.title.len() + byline + a.body.len() + trailer
    }

    fn body_len(&self, rng: &mut Rng) -> usize {
        const SIGMA: f64 = 0.5;
        let mean = self.cfg.mean_words as f64;
        let x = mean * (SIGMA * rng.normal() - SIGMA * SIGMA / 2.0).exp();
        (x.round() as usize).clamp(1, self.cfg.mean_words.saturating_mul(8))
    }

    fn sentence(&self, rng: &mut Rng, len: usize, end_flag: u32, out: &mut Vec<u32>) {
        for w in 0..len {
            let id = self.vocab.sample(rng);
            let flag = if w + 1 == len {
                end_flag
            } else if w > 0 && w + 2 < len && rng.below(100) < 7 {
                F_COMMA
            } else {
                F_NONE
            };
            out.push(tok(id, flag));
        }
    }

    fn sentence_len(&self, rng: &mut Rng) -> usize {
        rng.range(5, 22)
    }

    fn original(&self, rng: &mut Rng) -> Article {
        let site = rng.below(NUM_SITES as u64) as u16;
        let section = rng.below(SECTIONS.len() as u64) as u8;
        let title_len = if self.cfg.mean_words < COMPACT_BELOW {
            rng.range(3, 7)
        } else {
            rng.range(5, 12)
        };
        let title = (0..title_len).map(|_| self.vocab.sample(rng)).collect();
        let author = [self.vocab.sample_rare(rng), self.vocab.sample_rare(rng)];
        let date = [
            2015 + rng.below(10) as u16,
            1 + rng.below(12) as u16,
            1 + rng.below(28) as u16,
        ];
        let byline = rng.chance(0.8);
        let target = self.body_len(rng);
        let mut body = Vec::with_capacity(target);
        let mut remaining = target;
        while remaining > 0 {
            let sentences = rng.range(1, 4);
            for _ in 0..sentences {
                if remaining == 0 {
                    break;
                }
                let mut len = self.sentence_len(rng).min(remaining);
                if remaining - len < 3 {
                    len = remaining;
                }
                self.sentence(rng, len, F_PERIOD, &mut body);
                remaining -= len;
            }
            if let Some(last) = body.last_mut() {
                set_flag(last, F_PARA);
            }
        }
        Article {
            site,
            section,
            byline,
            trailer: 0,
            date,
            author,
            title,
            body,
        }
    }

    /// Word-edit probability per body word that makes the whole-document
    /// 5-gram Jaccard to the unedited document about `target_j`.
    fn edit_prob(&self, a: &Article, target_j: f64) -> f64 {
        let n_sh = (self.doc_words(a) as f64 - 4.0).max(1.0);
        let changed = n_sh * (1.0 - target_j) / (1.0 + target_j);
        let frac = (changed / a.body.len().max(1) as f64).min(0.95);
        1.0 - (1.0 - frac).powf(0.2)
    }

    fn word_edits(&self, rng: &mut Rng, a: &mut Article, target_j: f64) {
        let p = self.edit_prob(a, target_j);
        let mut out = Vec::with_capacity(a.body.len() + a.body.len() / 8 + 4);
        let mut edited = false;
        for &t in &a.body {
            if !rng.chance(p) {
                out.push(t);
                continue;
            }
            edited = true;
            match rng.below(4) {
                0 | 1 => out.push(tok(self.vocab.sample(rng), flag_of(t))),
                2 => {
                    out.push(tok(self.vocab.sample(rng), F_NONE));
                    out.push(t);
                }
                _ => {
                    // Deletion: keep the sentence/paragraph end on the
                    // previous word.
                    if let Some(last) = out.last_mut() {
                        if flag_of(t) > flag_of(*last) {
                            set_flag(last, flag_of(t));
                        }
                    }
                }
            }
        }
        if !edited {
            // Guarantee a change so the label never lies: substitute one word.
            let i = rng.below(out.len() as u64) as usize;
            let old = out[i] & WORD_MASK;
            let mut id = self.vocab.sample(rng);
            while id == old {
                id = self.vocab.sample(rng);
            }
            out[i] = tok(id, flag_of(out[i]));
        }
        if out.is_empty() {
            out.push(tok(self.vocab.sample(rng), F_PARA));
        }
        if let Some(last) = out.last_mut() {
            set_flag(last, F_PARA);
        }
        a.body = out;
    }

    fn sentence_edits(&self, rng: &mut Rng, a: &mut Article, target_j: f64) {
        let mut sentences: Vec<Vec<u32>> = spans(&a.body, F_PERIOD)
            .into_iter()
            .map(|(s, e)| a.body[s..e].to_vec())
            .collect();
        let n_sh = (self.doc_words(a) as f64 - 4.0).max(1.0);
        let changed = n_sh * (1.0 - target_j) / (1.0 + target_j);
        let mean_len = a.body.len() as f64 / sentences.len().max(1) as f64;
        let ops = rng.round_random(changed / (mean_len + 4.0)).max(1);
        for _ in 0..ops {
            let n = sentences.len();
            let kind = rng.below(10);
            if kind < 3 && n > 1 {
                // delete
                let i = rng.below(n as u64) as usize;
                let removed = sentences.remove(i);
                let end = removed.last().map_or(F_PERIOD, |&t| flag_of(t));
                if end == F_PARA && i > 0 {
                    if let Some(last) = sentences[i - 1].last_mut() {
                        set_flag(last, F_PARA);
                    }
                }
            } else if kind < 6 {
                // insert
                let i = rng.below(n as u64 + 1) as usize;
                let end = if i == n { F_PARA } else { F_PERIOD };
                let mut s = Vec::new();
                let len = self.sentence_len(rng);
                self.sentence(rng, len, end, &mut s);
                sentences.insert(i, s);
            } else {
                // replace
                let i = rng.below(n as u64) as usize;
                let end = sentences[i].last().map_or(F_PERIOD, |&t| flag_of(t));
                let mut s = Vec::new();
                let len = self.sentence_len(rng);
                self.sentence(rng, len, end, &mut s);
                sentences[i] = s;
            }
        }
        a.body = sentences.concat();
        if let Some(last) = a.body.last_mut() {
            set_flag(last, F_PARA);
        }
    }

    fn truncate(&self, rng: &mut Rng, a: &mut Article) {
        let keep = ((a.body.len() as f64 * rng.uniform(0.5, 1.0)).round() as usize).max(1);
        a.body.truncate(keep);
        if let Some(last) = a.body.last_mut() {
            set_flag(last, F_PARA);
        }
        if rng.chance(0.5) {
            a.trailer = 1 + rng.below(TRAILERS.len() as u64) as u8;
        }
    }

    /// Returns false when there is only one paragraph.
    fn reorder(&self, rng: &mut Rng, a: &mut Article) -> bool {
        let paras = spans(&a.body, F_PARA);
        if paras.len() < 2 {
            return false;
        }
        let n = paras.len();
        let mut order: Vec<usize> = (0..n).collect();
        if rng.chance(0.5) {
            // Full shuffle.
            for i in (1..n).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                order.swap(i, j);
            }
        } else {
            // Move one paragraph elsewhere.
            let from = rng.below(n as u64) as usize;
            let to = (from + 1 + rng.below(n as u64 - 1) as usize) % n;
            let p = order.remove(from);
            order.insert(to, p);
        }
        if order.iter().enumerate().all(|(i, &o)| i == o) {
            order.rotate_left(1);
        }
        let mut body = Vec::with_capacity(a.body.len());
        for &p in &order {
            let (s, e) = paras[p];
            body.extend_from_slice(&a.body[s..e]);
        }
        if let Some(last) = body.last_mut() {
            set_flag(last, F_PARA);
        }
        a.body = body;
        true
    }

    fn header_change(&self, rng: &mut Rng, a: &mut Article) {
        let changes = rng.range(1, 2);
        for _ in 0..changes {
            match rng.below(4) {
                0 => {
                    let i = rng.below(a.title.len() as u64) as usize;
                    a.title[i] = self.vocab.sample(rng);
                }
                1 => {
                    let i = rng.below(a.title.len() as u64 + 1) as usize;
                    a.title.insert(i, self.vocab.sample(rng));
                }
                2 => a.date[2] = 1 + (a.date[2] + rng.range(0, 26) as u16) % 28,
                _ => a.byline = !a.byline,
            }
        }
    }

    fn other_site(&self, rng: &mut Rng, a: &mut Article) {
        let shift = 1 + rng.below(NUM_SITES as u64 - 1) as u16;
        a.site = (a.site + shift) % NUM_SITES as u16;
    }

    fn choose_op(&self, rng: &mut Rng) -> Variant {
        let total = self.op_weights.last().map_or(1, |&(_, w)| w);
        let r = rng.below(u64::from(total)) as u32;
        self.op_weights
            .iter()
            .find(|&&(_, w)| r < w)
            .map_or(Variant::WordEdits, |&(v, _)| v)
    }

    /// Applies `op` to a copy of the parent; returns the variant actually
    /// applied (reorder falls back to word edits for one-paragraph bodies).
    fn derive(&self, rng: &mut Rng, parent: &Article, op: Variant) -> (Article, Variant) {
        let mut a = parent.clone();
        let mut variant = op;
        let mut structural = true;
        match op {
            Variant::ExactCopy => return (a, op),
            Variant::WordEdits | Variant::EditChain | Variant::Original => {
                structural = false;
                let j = rng.uniform(EDIT_J_LO, EDIT_J_HI);
                self.word_edits(rng, &mut a, j);
                if op == Variant::Original {
                    variant = Variant::WordEdits;
                }
            }
            Variant::SentenceEdits => {
                structural = false;
                let j = rng.uniform(EDIT_J_LO, EDIT_J_HI);
                self.sentence_edits(rng, &mut a, j);
            }
            Variant::Truncated => self.truncate(rng, &mut a),
            Variant::ParagraphsReordered => {
                if !self.reorder(rng, &mut a) {
                    structural = false;
                    variant = Variant::WordEdits;
                    let j = rng.uniform(EDIT_J_LO, EDIT_J_HI);
                    self.word_edits(rng, &mut a, j);
                }
            }
            Variant::OtherChrome => self.other_site(rng, &mut a),
            Variant::HeaderChange => self.header_change(rng, &mut a),
        }
        if structural && rng.chance(SECONDARY_EDIT_P) {
            let j = rng.uniform(0.85, 1.0);
            self.word_edits(rng, &mut a, j);
        }
        (a, variant)
    }

    fn render(&self, a: &Article, out: &mut String) {
        out.clear();
        let chrome = self.cfg.chrome_lines > 0;
        let site = &self.sites[a.site as usize];
        if chrome {
            out.push_str(&site.header);
        }
        for (i, &w) in a.title.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(self.vocab.word(w, i == 0));
        }
        out.push('\n');
        if a.byline {
            out.push_str("By ");
            out.push_str(self.vocab.word(a.author[0], true));
            out.push(' ');
            out.push_str(self.vocab.word(a.author[1], true));
            let _ = writeln!(
                out,
                " · {} {}, {}",
                MONTHS[(a.date[1] as usize + 11) % 12],
                a.date[2],
                a.date[0]
            );
        }
        out.push('\n');
        let mut cap = true;
        for &t in &a.body {
            out.push_str(self.vocab.word(t & WORD_MASK, cap));
            let f = flag_of(t);
            out.push_str(match f {
                F_NONE => " ",
                F_COMMA => ", ",
                F_PERIOD => ". ",
                _ => ".\n\n",
            });
            cap = f >= F_PERIOD;
        }
        while out.ends_with([' ', '\n']) {
            out.pop();
        }
        if a.trailer > 0 {
            out.push_str("\n\n");
            out.push_str(TRAILERS[a.trailer as usize - 1]);
        }
        if chrome && !site.footer.is_empty() {
            out.push_str("\n\n");
            out.push_str(&site.footer);
        }
    }

    fn url(&self, a: &Article, index: u64, out: &mut String) {
        out.clear();
        let section = SECTIONS[a.section as usize];
        let _ = write!(out, "https://site{:02}.example/", a.site);
        for b in section.bytes() {
            out.push(b.to_ascii_lowercase() as char);
        }
        let _ = write!(out, "/{}/{:02}/", a.date[0], a.date[1]);
        let mut words = 0;
        for &w in &a.title {
            let word = self.vocab.word(w, false);
            if word.is_ascii() {
                out.push_str(word);
                out.push('-');
                words += 1;
                if words == 6 {
                    break;
                }
            }
        }
        let _ = write!(out, "{index}");
    }
}

// ---------------------------------------------------------------------------
// The streaming corpus
// ---------------------------------------------------------------------------

struct Member {
    index: u64,
    generation: u32,
    article: Article,
}

struct OpenFamily {
    id: u64,
    rng: Rng,
    size: usize,
    emitted: usize,
    original: Option<Member>,
    recent: Vec<Member>,
}

impl OpenFamily {
    fn left(&self) -> u64 {
        (self.size - self.emitted) as u64
    }
}

/// Streaming corpus: an `Iterator<Item = SynthDoc>` (or, allocation-free,
/// [`SynthCorpus::next_ref`]) yielding exactly `documents` documents.
pub struct SynthCorpus {
    ctx: Ctx,
    sched: Rng,
    pool: Vec<OpenFamily>,
    next_index: u64,
    next_family: u64,
    committed: u64,
    dup_target: u64,
    dup_committed: u64,
    last_family: Option<u64>,
    /// Cumulative weights for extra members 1..max_family_size-1 (∝ 1/e).
    extra_cdf: Vec<f64>,
    mean_extra: f64,
    cur: CurrentDoc,
}

#[derive(Default)]
struct CurrentDoc {
    id: String,
    url: String,
    text: String,
    family: u64,
    variant: Option<Variant>,
    parent: Option<u64>,
    generation: u32,
    site: usize,
}

impl SynthCorpus {
    fn new(config: &SynthConfig) -> SynthCorpus {
        let mut cfg = config.clone();
        cfg.mean_words = cfg.mean_words.max(1);
        cfg.max_family_size = cfg.max_family_size.max(1);
        cfg.vocabulary = cfg.vocabulary.clamp(MIN_VOCABULARY, MAX_VOCABULARY);
        let d = if cfg.duplicate_fraction.is_finite() {
            cfg.duplicate_fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        cfg.duplicate_fraction = d;
        let n = cfg.documents;
        let max = cfg.max_family_size as u64;
        let max_dups = n - n.div_ceil(max);
        let dup_target = ((d * n as f64).round() as u64).min(max_dups);
        let mut extra_cdf = Vec::new();
        let (mut acc, mut mean_num) = (0.0, 0.0);
        for e in 1..cfg.max_family_size {
            acc += 1.0 / e as f64;
            mean_num += 1.0;
            extra_cdf.push(acc);
        }
        let mean_extra = if acc > 0.0 { mean_num / acc } else { 1.0 };
        let vocab = Vocab::new(cfg.vocabulary, cfg.seed);
        let sites = (0..NUM_SITES)
            .map(|i| {
                Site::new(
                    i,
                    cfg.seed,
                    cfg.chrome_lines,
                    cfg.mean_words < COMPACT_BELOW,
                )
            })
            .collect();
        let mut op_weights = Vec::new();
        let mut total = 0;
        for (v, w) in [
            (Variant::ExactCopy, 8),
            (Variant::WordEdits, 34),
            (Variant::SentenceEdits, 12),
            (Variant::Truncated, 14),
            (Variant::ParagraphsReordered, 8),
            (
                Variant::OtherChrome,
                if cfg.chrome_lines > 0 { 8 } else { 0 },
            ),
            (Variant::HeaderChange, 8),
        ] {
            if w > 0 {
                total += w;
                op_weights.push((v, total));
            }
        }
        let sched = Rng::derive(cfg.seed, 3, 0);
        SynthCorpus {
            ctx: Ctx {
                cfg,
                vocab,
                sites,
                op_weights,
            },
            sched,
            pool: Vec::with_capacity(POOL_FAMILIES),
            next_index: 0,
            next_family: 0,
            committed: 0,
            dup_target,
            dup_committed: 0,
            last_family: None,
            extra_cdf,
            mean_extra,
            cur: CurrentDoc::default(),
        }
    }

    /// The (normalized) configuration this corpus is generated from.
    pub fn config(&self) -> &SynthConfig {
        &self.ctx.cfg
    }

    /// Number of documents that will be family members beyond the first
    /// (≈ `duplicate_fraction * documents`, exact up to end effects).
    pub fn planned_duplicates(&self) -> u64 {
        self.dup_target
    }

    fn open_family(&mut self) {
        let n = self.ctx.cfg.documents;
        let rem_docs = n - self.committed;
        let rem_dups = self.dup_target.saturating_sub(self.dup_committed);
        let rem_orig = rem_docs.saturating_sub(rem_dups);
        let max_extra = self.extra_cdf.len() as u64;
        let extra = if max_extra == 0 || rem_dups == 0 {
            0
        } else if rem_orig <= 1 {
            rem_dups.min(max_extra)
        } else {
            let p = rem_dups as f64 / (rem_orig as f64 * self.mean_extra);
            if self.sched.chance(p) {
                let total = *self.extra_cdf.last().unwrap_or(&1.0);
                let r = self.sched.f64() * total;
                let e = self.extra_cdf.iter().take_while(|&&c| c <= r).count() as u64 + 1;
                e.min(max_extra).min(rem_dups)
            } else {
                0
            }
        };
        let size = (1 + extra).min(rem_docs);
        self.committed += size;
        self.dup_committed += size - 1;
        let id = self.next_family;
        self.next_family += 1;
        self.pool.push(OpenFamily {
            id,
            rng: Rng::derive(self.ctx.cfg.seed, 4, id),
            size: size as usize,
            emitted: 0,
            original: None,
            recent: Vec::new(),
        });
    }

    fn pick_family(&mut self) -> usize {
        let excluded = if self.pool.len() > 1 {
            self.last_family
        } else {
            None
        };
        let total: u64 = self
            .pool
            .iter()
            .filter(|f| Some(f.id) != excluded)
            .map(OpenFamily::left)
            .sum();
        let mut r = self.sched.below(total.max(1));
        for (i, f) in self.pool.iter().enumerate() {
            if Some(f.id) == excluded {
                continue;
            }
            if r < f.left() {
                return i;
            }
            r -= f.left();
        }
        self.pool.len() - 1
    }

    /// Generates the next document into reused buffers and borrows it;
    /// `None` after `documents` documents. Faster than `next()` for
    /// streaming since nothing is allocated per document.
    pub fn next_ref(&mut self) -> Option<SynthDocRef<'_>> {
        if self.next_index >= self.ctx.cfg.documents {
            return None;
        }
        while self.pool.len() < POOL_FAMILIES && self.committed < self.ctx.cfg.documents {
            self.open_family();
        }
        let slot = self.pick_family();
        let index = self.next_index;
        self.next_index += 1;
        let ctx = &self.ctx;
        let fam = &mut self.pool[slot];
        let k = fam.emitted;
        fam.emitted += 1;
        let more = fam.emitted < fam.size;
        let (article, variant, parent, generation) = match &fam.original {
            None => (ctx.original(&mut fam.rng), Variant::Original, None, 0),
            Some(orig) => {
                let chain = k >= 2 && !fam.recent.is_empty() && fam.rng.chance(CHAIN_P);
                let (src, op) = if chain {
                    let i = fam.rng.below(fam.recent.len() as u64) as usize;
                    (&fam.recent[i], Variant::EditChain)
                } else {
                    (orig, ctx.choose_op(&mut fam.rng))
                };
                let (a, v) = ctx.derive(&mut fam.rng, &src.article, op);
                (a, v, Some(src.index), src.generation + 1)
            }
        };
        ctx.render(&article, &mut self.cur.text);
        ctx.url(&article, index, &mut self.cur.url);
        self.cur.id.clear();
        let _ = write!(self.cur.id, "doc-{index:09}");
        self.cur.family = fam.id;
        self.cur.variant = Some(variant);
        self.cur.parent = parent;
        self.cur.generation = generation;
        self.cur.site = article.site as usize;
        self.last_family = Some(fam.id);
        if more {
            let member = Member {
                index,
                generation,
                article,
            };
            if fam.original.is_none() {
                fam.original = Some(member);
            } else {
                if fam.recent.len() == RECENT_MEMBERS {
                    fam.recent.remove(0);
                }
                fam.recent.push(member);
            }
        } else {
            self.pool.swap_remove(slot);
        }
        Some(SynthDocRef {
            id: &self.cur.id,
            index,
            family: self.cur.family,
            variant,
            parent: self.cur.parent,
            generation: self.cur.generation,
            site: self.cur.site,
            url: &self.cur.url,
            text: &self.cur.text,
        })
    }
}

impl Iterator for SynthCorpus {
    type Item = SynthDoc;

    fn next(&mut self) -> Option<SynthDoc> {
        self.next_ref().map(|d| d.to_doc())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.ctx.cfg.documents - self.next_index) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for SynthCorpus {}
impl std::iter::FusedIterator for SynthCorpus {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn small(documents: u64, seed: u64) -> SynthConfig {
        SynthConfig {
            documents,
            seed,
            mean_words: 120,
            ..SynthConfig::default()
        }
    }

    #[test]
    fn deterministic_bytes() {
        let cfg = small(500, 7);
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_jsonl(&cfg, &mut a).unwrap();
        write_jsonl(&cfg, &mut b).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        write_jsonl(&small(500, 8), &mut c).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn exact_count_and_unique_ids() {
        for n in [0u64, 1, 2, 3, 17, 1000] {
            let docs: Vec<SynthDoc> = generate(&small(n, 1)).collect();
            assert_eq!(docs.len() as u64, n);
            let ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(ids.len() as u64, n);
            let urls: HashSet<&str> = docs.iter().map(|d| d.url.as_str()).collect();
            assert_eq!(urls.len() as u64, n);
        }
    }

    #[test]
    fn duplicate_fraction_and_family_sizes() {
        let cfg = small(5000, 3);
        let docs: Vec<SynthDoc> = generate(&cfg).collect();
        let dups = docs
            .iter()
            .filter(|d| d.variant != Variant::Original)
            .count();
        let frac = dups as f64 / docs.len() as f64;
        assert!((frac - 0.3).abs() < 0.02, "dup fraction {frac}");
        let mut sizes: HashMap<u64, usize> = HashMap::new();
        for d in &docs {
            *sizes.entry(d.family).or_default() += 1;
        }
        assert!(sizes.values().all(|&s| (1..=6).contains(&s)));
        assert!(sizes.values().any(|&s| s == 6));
        let none = SynthConfig {
            duplicate_fraction: 0.0,
            ..small(300, 3)
        };
        assert!(generate(&none).all(|d| d.variant == Variant::Original));
    }

    #[test]
    fn families_interleaved_and_parents_precede() {
        let docs: Vec<SynthDoc> = generate(&small(3000, 5)).collect();
        let mut adjacent = 0;
        for w in docs.windows(2) {
            if w[0].family == w[1].family {
                adjacent += 1;
            }
        }
        assert!(adjacent <= 2, "{adjacent} adjacent family members");
        let mut first: HashMap<u64, u64> = HashMap::new();
        let mut spread = 0u64;
        for d in &docs {
            let f = *first.entry(d.family).or_insert(d.index);
            spread = spread.max(d.index - f);
            if let Some(p) = d.parent {
                assert!(p < d.index);
                assert_eq!(docs[p as usize].family, d.family);
                assert_eq!(docs[p as usize].generation + 1, d.generation);
            } else {
                assert_eq!(d.variant, Variant::Original);
                assert_eq!(f, d.index);
            }
        }
        assert!(spread > 50);
    }

    #[test]
    fn jsonl_lines_parse() {
        let cfg = small(300, 9);
        let mut out = Vec::new();
        let (docs, bytes) = write_jsonl(&cfg, &mut out).unwrap();
        assert_eq!(docs, 300);
        assert_eq!(bytes, out.len() as u64);
        let text = String::from_utf8(out).unwrap();
        let expected: Vec<SynthDoc> = generate(&cfg).collect();
        assert_eq!(text.lines().count(), 300);
        for (line, d) in text.lines().zip(&expected) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["id"], d.id.as_str());
            assert_eq!(v["family"], d.family);
            assert_eq!(v["variant"], d.variant.name());
            assert_eq!(v["url"], d.url.as_str());
            assert_eq!(v["text"], d.text.as_str());
            assert_eq!(
                Variant::from_name(v["variant"].as_str().unwrap()),
                Some(d.variant)
            );
            match d.parent {
                Some(p) => assert_eq!(v["parent"], doc_id(p).as_str()),
                None => assert!(v["parent"].is_null()),
            }
        }
    }

    #[test]
    fn text_shape() {
        let docs: Vec<SynthDoc> = generate(&small(400, 11)).collect();
        let mut non_ascii = 0;
        for d in &docs {
            assert!(d.url.is_ascii());
            assert!(d.text.contains("\n\n"));
            assert!(!d.text.ends_with(char::is_whitespace));
            non_ascii += usize::from(!d.text.is_ascii());
        }
        assert!(non_ascii > docs.len() / 2);
        let first = &docs[0].text;
        assert!(first.lines().next().unwrap().starts_with("Home | "));
    }

    #[test]
    fn derived_similar_unrelated_dissimilar() {
        let docs: Vec<SynthDoc> = generate(&small(2000, 13)).collect();
        let mut js = Vec::new();
        for d in &docs {
            if let Some(p) = d.parent {
                let j = word_shingle_jaccard(&docs[p as usize].text, &d.text, 5);
                if d.variant == Variant::ExactCopy {
                    assert_eq!(d.text, docs[p as usize].text);
                }
                js.push(j);
            }
        }
        let mean = js.iter().sum::<f64>() / js.len() as f64;
        assert!((0.7..0.9).contains(&mean), "mean parent/child J {mean}");
        let above = js.iter().filter(|&&j| j >= 0.8).count() as f64 / js.len() as f64;
        assert!((0.3..0.8).contains(&above), "share above 0.8: {above}");
        // Unrelated documents (different families, same site) share little.
        let mut worst: f64 = 0.0;
        for w in docs.windows(2).take(300) {
            if w[0].family != w[1].family {
                worst = worst.max(word_shingle_jaccard(&w[0].text, &w[1].text, 5));
            }
        }
        assert!(worst < 0.1, "cross-family J {worst}");
    }

    #[test]
    fn tiny_docs_have_families_and_low_cross_similarity() {
        let cfg = SynthConfig::tiny(3000);
        let docs: Vec<SynthDoc> = generate(&cfg).collect();
        assert_eq!(docs.len(), 3000);
        assert!(docs.iter().filter(|d| d.parent.is_some()).count() > 700);
        let mut by_site: HashMap<usize, Vec<&SynthDoc>> = HashMap::new();
        for d in docs.iter().filter(|d| d.parent.is_none()) {
            by_site.entry(d.site).or_default().push(d);
        }
        let mut worst: f64 = 0.0;
        for list in by_site.values() {
            for w in list.windows(2).take(20) {
                worst = worst.max(word_shingle_jaccard(&w[0].text, &w[1].text, 5));
            }
        }
        assert!(worst < 0.3, "tiny cross-family J {worst}");
        let mean_len = docs.iter().map(|d| d.text.len()).sum::<usize>() / docs.len();
        assert!(mean_len < 600, "tiny mean len {mean_len}");
    }

    #[test]
    fn degenerate_configs() {
        let cfg = SynthConfig {
            documents: 50,
            mean_words: 0,
            max_family_size: 0,
            chrome_lines: 0,
            vocabulary: 0,
            duplicate_fraction: f64::NAN,
            ..SynthConfig::default()
        };
        let docs: Vec<SynthDoc> = generate(&cfg).collect();
        assert_eq!(docs.len(), 50);
        let cfg = SynthConfig {
            documents: 100,
            duplicate_fraction: 1.0,
            max_family_size: 3,
            chrome_lines: 9,
            ..small(100, 2)
        };
        let docs: Vec<SynthDoc> = generate(&cfg).collect();
        assert_eq!(docs.len(), 100);
        let originals = docs.iter().filter(|d| d.parent.is_none()).count();
        assert!(originals >= 34);
        assert!(docs[0].text.lines().count() > 10);
    }

    #[test]
    fn jaccard_reference() {
        assert_eq!(word_shingle_jaccard("a b c d e", "A, b c. d e", 5), 1.0);
        assert_eq!(
            word_shingle_jaccard("a b c d e f", "a b c d e g", 5),
            1.0 / 3.0
        );
        assert_eq!(word_shingle_jaccard("", "", 5), 1.0);
        assert_eq!(word_shingles("Éa b", 5), word_shingles("éa B", 5));
    }
}
