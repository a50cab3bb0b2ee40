//! Verification: deciding whether a candidate pair really is a near-duplicate.
//!
//! LSH candidates include false positives (pairs below the threshold that happened
//! to share a band). Three modes:
//!
//! - `exact` (default): the true Jaccard similarity of the two shingle sets, read
//!   back from the on-disk document store (sets are never all held in memory),
//!   or, for documents of uncompressed inputs, computed again from the input
//!   ([`InputShingler`]: the store then holds only where each document is).
//!   The sets are of 32-bit shingle fingerprints, the 64-bit hashes folded (see
//!   [`crate::storage::encode_doc`] for what that costs: nothing measurable).
//!   Removal precision is 1 by construction; the cost is reading both records
//!   and one probe of a small hash table per fingerprint ([`SetTable`]).
//! - `signature`: the MinHash estimate (fraction of equal signature positions).
//!   No disk reads, but the estimate has standard error √(J(1−J)/K) ≈ 0.035 at
//!   J = 0.8, K = 128, so pairs just below the threshold get through and pairs just
//!   above are lost.
//! - `none`: every candidate pair is accepted and components are not resolved
//!   (the behaviour of plain MinHash-LSH tools); fastest, least precise.
//!
//! ```
//! use shingle::verify::jaccard_sorted;
//! assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
//! ```

use std::fs::File;

use crate::error::{Error, Result};
use crate::input::{Block, FieldPaths, Source};
use crate::lines::{LineFilter, LineStripper};
use crate::minhash::{fingerprint, MinHasher};
use crate::sketch::{SketchParams, Sketcher};
use crate::storage::{DocBuffers, DocStore, InputLocation};

/// How candidate pairs are checked.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMode {
    /// Accept LSH candidates as they are.
    None,
    /// Compare full MinHash signatures.
    Signature,
    /// Exact Jaccard of the shingle sets.
    Exact,
}

impl VerifyMode {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            VerifyMode::None => "none",
            VerifyMode::Signature => "signature",
            VerifyMode::Exact => "exact",
        }
    }
}

/// Jaccard similarity of two sorted, deduplicated sets. Two empty sets have
/// similarity 0: empty documents are never duplicates of each other.
///
/// The merge steps without a branch on the comparison (each side advances by
/// a 0 or 1 computed from it): with a branch, which side comes next in two
/// near-duplicate sets is a coin toss the predictor loses.
pub fn jaccard_sorted<T: Ord + Copy>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// Source of pairwise similarities for verification and cluster resolution.
pub enum Similarity<'a> {
    /// Exact Jaccard from document stores; `offsets[doc]` locates each record
    /// (see [`store_location`]).
    Exact {
        /// The stores (one per input file in a sharded run, else one).
        stores: &'a [DocStore],
        /// Location of each document's record.
        offsets: &'a [u64],
        /// For records that point into the input: how to shingle them again.
        input: Option<InputShingler<'a>>,
    },
    /// MinHash estimate from signatures held in memory (`num_perm` per document).
    Signature {
        /// All signatures, document-major.
        signatures: &'a [u32],
        /// K.
        num_perm: usize,
    },
}

/// Bits of a document location that hold the offset in its store; the bits
/// above hold the store's number (up to 2^20 stores of up to 16 TiB each).
pub const STORE_OFFSET_BITS: u32 = 44;

/// A document's location: store number and offset within it.
pub fn store_location(store: usize, offset: u64) -> u64 {
    debug_assert!(offset < 1 << STORE_OFFSET_BITS);
    ((store as u64) << STORE_OFFSET_BITS) | offset
}

/// The store and offset of a location made by [`store_location`].
pub fn split_location(location: u64) -> (usize, u64) {
    (
        (location >> STORE_OFFSET_BITS) as usize,
        location & ((1 << STORE_OFFSET_BITS) - 1),
    )
}

/// Per-thread buffers for [`Similarity::between`].
#[derive(Default)]
pub struct SimilarityScratch<'a> {
    a: DocBuffers,
    b: DocBuffers,
    a_doc: Option<u32>,
    table: SetTable,
    reread: Option<Reread<'a>>,
}

/// Computes the shingle fingerprints of documents again from their input, for
/// store records that hold an [`InputLocation`] instead (`dedup
/// --verify-from-input`: pass 1 keeps only where each document of an
/// uncompressed input is, since verification reads a fraction of the
/// documents and every document's fingerprints come to half the input's size).
///
/// The document goes through what pass 1 did (parse, `--strip-lines`,
/// normalize, shingle), and its normalized text must hash to what pass 1
/// found, so an input changed in between is an error, never a wrong answer.
#[derive(Clone, Copy)]
pub struct InputShingler<'a> {
    /// The run's sources.
    pub sources: &'a [Source],
    /// Where text and id are in a record.
    pub fields: &'a FieldPaths,
    /// The record size limit of the run.
    pub max_record_bytes: usize,
    /// With `--strip-lines`: the lines pass 1 removed before sketching.
    pub line_filter: Option<&'a LineFilter>,
    /// The sketch parameters of the run.
    pub sketch: &'a SketchParams,
    /// Each document's exact hash from pass 1.
    pub exact: &'a [u128],
}

/// Per-thread state of [`InputShingler`].
struct Reread<'a> {
    sketcher: Sketcher,
    stripper: Option<LineStripper<'a>>,
    block: Block,
    text: String,
    /// Open sources, most recently used first (a few: opening a file per
    /// document would cost more than reading it).
    files: Vec<(u32, File)>,
}

impl<'a> Reread<'a> {
    const OPEN_FILES: usize = 16;

    fn new(input: &InputShingler<'a>) -> Self {
        Reread {
            sketcher: Sketcher::new(input.sketch),
            stripper: input.line_filter.map(LineStripper::new),
            block: Block::default(),
            text: String::new(),
            files: Vec::new(),
        }
    }

    /// The open file of source `index` among `files`, opened (and checked
    /// unchanged) on first use.
    fn file<'f>(files: &'f mut Vec<(u32, File)>, index: u32, source: &Source) -> Result<&'f File> {
        match files.iter().position(|(i, _)| *i == index) {
            Some(at) => files[..=at].rotate_right(1),
            None => {
                source.check_unchanged()?;
                let file =
                    File::open(&source.path).map_err(|e| Error::io("opening", &source.name, e))?;
                files.truncate(Self::OPEN_FILES - 1);
                files.insert(0, (index, file));
            }
        }
        Ok(&files[0].1)
    }
}

impl<'a> InputShingler<'a> {
    /// Replaces `set` with the fingerprints of document `doc`, found at `at`.
    fn shingle(
        &self,
        doc: u32,
        at: InputLocation,
        state: &mut Reread<'a>,
        set: &mut Vec<u32>,
    ) -> Result<()> {
        set.clear();
        let source = self
            .sources
            .get(at.source as usize)
            .ok_or_else(|| Error::Config(format!("document {doc}: no input {}", at.source)))?;
        let changed = |detail: String| Error::InputChanged {
            path: source.name.clone(),
            detail,
        };
        let file = Reread::file(&mut state.files, at.source, source)?;
        crate::input::read_record_at(file, source, at, &mut state.block)?;
        let record = state.block.records[0];
        let (text, _) = crate::input::parse_record(
            source,
            self.fields,
            self.max_record_bytes,
            &state.block,
            &record,
            &mut state.text,
        )
        .map_err(|bad| {
            changed(format!(
                "the record at byte {} no longer parses: {}",
                at.offset, bad.detail
            ))
        })?;
        let text = match state.stripper.as_mut() {
            Some(stripper) => stripper.strip(text),
            None => text,
        };
        let summary = state.sketcher.shingle_text(text);
        if summary.exact != self.exact[doc as usize] {
            return Err(changed(format!(
                "the record at byte {} is not the text read before",
                at.offset
            )));
        }
        if !summary.is_empty() {
            set.extend(state.sketcher.shingles().iter().map(|&h| fingerprint(h)));
        }
        Ok(())
    }
}

/// Exact Jaccard similarity of fingerprint lists as stored (unsorted, with
/// repeats), without sorting either: the distinct values of one side go into
/// an open-addressing hash table ([`SetTable::load`]) and each value of the
/// other side is looked up in it ([`SetTable::jaccard_with`]). Gives exactly
/// what [`jaccard_sorted`] gives on the two sets (the same two integer counts
/// divided), in about one probe of an L1-sized table per value instead of a
/// four-pass radix sort of each side and a merge.
///
/// The loaded side stays loaded, so a document compared with several others
/// (pairs come sorted by their first document) is hashed once.
///
/// ```
/// use shingle::verify::{jaccard_sorted, SetTable};
/// let mut table = SetTable::default();
/// table.load(&[5, 1, 3, 1]);
/// assert_eq!(table.jaccard_with(&[3, 4, 5, 5]), jaccard_sorted(&[1, 3, 5], &[3, 4, 5]));
/// assert_eq!(table.jaccard_with(&[1, 3, 5]), 1.0);
/// ```
#[derive(Debug, Default, Clone)]
pub struct SetTable {
    /// Each slot: the value (bits 0–31), the epoch of the load that put it
    /// there (32–47), the epoch of the lookup pass that saw it (48–63). A slot
    /// is empty unless one of its epochs is current, so a new load or pass
    /// needs no clearing; epoch 0 means never.
    slots: Vec<u64>,
    /// The loaded side's distinct values (to grow the table).
    loaded: Vec<u32>,
    shift: u32,
    epoch: u16,
    load_epoch: u16,
}

impl SetTable {
    /// Makes `values` the loaded side.
    pub fn load(&mut self, values: &[u32]) {
        self.loaded.clear();
        self.reserve(values.len() * 2);
        self.insert_loaded(values);
    }

    /// Jaccard similarity of the loaded set and the set of `values`. Two
    /// empty sets have similarity 0, as in [`jaccard_sorted`].
    pub fn jaccard_with(&mut self, values: &[u32]) -> f64 {
        let loaded = self.loaded.len();
        if (loaded + values.len()) * 2 > self.slots.len() || self.epoch >= u16::MAX - 1 {
            let distinct = std::mem::take(&mut self.loaded);
            self.reserve(distinct.len() + values.len());
            self.insert_loaded(&distinct);
        }
        self.epoch += 1;
        let (pass, load) = (u64::from(self.epoch) << 48, u64::from(self.load_epoch));
        let mask = self.slots.len() - 1;
        let (mut seen, mut common) = (0usize, 0usize);
        for &v in values {
            let mut i = self.slot_of(v);
            loop {
                let slot = self.slots[i];
                let loaded_here = (slot >> 32) as u16 as u64 == load;
                let seen_here = slot >> 48 == pass >> 48;
                if !loaded_here && !seen_here {
                    self.slots[i] = u64::from(v) | pass;
                    seen += 1;
                    break;
                }
                if slot as u32 == v {
                    if !seen_here {
                        self.slots[i] = (slot & 0xFFFF_FFFF_FFFF) | pass;
                        seen += 1;
                        common += 1;
                    }
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        let union = loaded + seen - common;
        if union == 0 {
            0.0
        } else {
            common as f64 / union as f64
        }
    }

    /// Empties the table, with room for `values` distinct values at a load
    /// factor of at most 1/2 (and at least 64 slots).
    fn reserve(&mut self, values: usize) {
        let size = (values * 2).next_power_of_two().max(64);
        if size > self.slots.len() || self.epoch >= u16::MAX - 1 {
            self.slots.clear();
            self.slots.resize(size.max(self.slots.len()), 0);
            self.epoch = 0;
        }
        self.shift = 64 - self.slots.len().trailing_zeros();
    }

    fn insert_loaded(&mut self, values: &[u32]) {
        self.epoch += 1;
        self.load_epoch = self.epoch;
        let load = u64::from(self.epoch) << 32;
        let mask = self.slots.len() - 1;
        for &v in values {
            let mut i = self.slot_of(v);
            loop {
                let slot = self.slots[i];
                if slot & 0xFFFF_0000_0000 != load {
                    self.slots[i] = u64::from(v) | load;
                    self.loaded.push(v);
                    break;
                }
                if slot as u32 == v {
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /// The home slot of a value (Fibonacci hashing: fingerprints are hash bits,
    /// but the multiply keeps a table of any size well spread anyway).
    #[inline(always)]
    fn slot_of(&self, v: u32) -> usize {
        (u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }
}

/// The fingerprints of documents shingled ahead of their pairs
/// ([`Similarity::load_sets`]), by document.
#[derive(Debug, Default)]
pub struct LoadedSets {
    docs: Vec<u32>,
    ends: Vec<usize>,
    values: Vec<u32>,
}

impl LoadedSets {
    /// The fingerprints of `doc`, if loaded.
    fn get(&self, doc: u32) -> Option<&[u32]> {
        let i = self.docs.binary_search(&doc).ok()?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.values[start..self.ends[i]])
    }
}

/// Reads document `doc`'s record into `buf`, shingling it again from the input
/// when the record holds its place there.
fn read_doc<'a>(
    stores: &[DocStore],
    offsets: &[u64],
    input: Option<&InputShingler<'a>>,
    doc: u32,
    buf: &mut DocBuffers,
    reread: &mut Option<Reread<'a>>,
) -> Result<()> {
    let (store, offset) = split_location(offsets[doc as usize]);
    // Records are stored in document order, so the next one's start is where
    // this one ends (in the same store).
    let size = offsets
        .get(doc as usize + 1)
        .map(|&next| split_location(next))
        .and_then(|(next_store, next)| (next_store == store).then(|| next.checked_sub(offset)))
        .flatten();
    stores[store].read_sized(offset, size, buf)?;
    if let Some(at) = buf.location {
        let input = input.ok_or_else(|| {
            Error::Config(format!(
                "document {doc} is stored by its place in the input, \
                 but the input is not given to verification"
            ))
        })?;
        let state = reread.get_or_insert_with(|| Reread::new(input));
        input.shingle(doc, at, state, &mut buf.set)?;
    }
    Ok(())
}

impl<'a> Similarity<'a> {
    /// Whether documents are shingled again from the input (then worth
    /// loading ahead, in parallel, with [`Similarity::load_sets`]).
    pub fn reads_input(&self) -> bool {
        matches!(self, Similarity::Exact { input: Some(_), .. })
    }

    /// The fingerprints of `docs` (sorted, distinct), read and shingled on all
    /// threads, each once: a document is in several pairs of its component,
    /// and pairs verified one by one would shingle it again for each, on the
    /// one thread that verifies while a writer copies. Empty unless
    /// [`Similarity::reads_input`].
    pub fn load_sets(&self, docs: &[u32]) -> Result<LoadedSets> {
        use rayon::prelude::*;
        let Similarity::Exact {
            stores,
            offsets,
            input: Some(input),
        } = self
        else {
            return Ok(LoadedSets::default());
        };
        let parts = docs
            .par_chunks(32)
            .map_init(
                || (None, DocBuffers::default()),
                |(reread, buf), chunk| -> Result<(Vec<usize>, Vec<u32>)> {
                    let (mut lens, mut values) = (Vec::with_capacity(chunk.len()), Vec::new());
                    for &doc in chunk {
                        read_doc(stores, offsets, Some(input), doc, buf, reread)?;
                        lens.push(buf.set.len());
                        values.extend_from_slice(&buf.set);
                    }
                    Ok((lens, values))
                },
            )
            .collect::<Result<Vec<_>>>()?;
        let mut loaded = LoadedSets {
            docs: docs.to_vec(),
            ends: Vec::with_capacity(docs.len()),
            values: Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum()),
        };
        for (lens, values) in parts {
            for len in lens {
                let end = loaded.ends.last().copied().unwrap_or(0) + len;
                loaded.ends.push(end);
            }
            loaded.values.extend_from_slice(&values);
        }
        Ok(loaded)
    }

    /// Similarity of documents `a` and `b`, taking their fingerprints from
    /// `loaded` when there. Reading `a` is skipped when it is the same `a` as
    /// in the previous call with this scratch (pairs come sorted).
    pub fn between(
        &self,
        a: u32,
        b: u32,
        loaded: &LoadedSets,
        scratch: &mut SimilarityScratch<'a>,
    ) -> Result<f64> {
        match self {
            Similarity::Exact {
                stores,
                offsets,
                input,
            } => {
                let input = input.as_ref();
                // The store holds shingle fingerprints as computed (unsorted,
                // with repeats); the table makes sets of them.
                if scratch.a_doc != Some(a) {
                    scratch.a_doc = None;
                    match loaded.get(a) {
                        Some(set) => scratch.table.load(set),
                        None => {
                            read_doc(
                                stores,
                                offsets,
                                input,
                                a,
                                &mut scratch.a,
                                &mut scratch.reread,
                            )?;
                            scratch.table.load(&scratch.a.set);
                        }
                    }
                    scratch.a_doc = Some(a);
                }
                let set = match loaded.get(b) {
                    Some(set) => set,
                    None => {
                        read_doc(
                            stores,
                            offsets,
                            input,
                            b,
                            &mut scratch.b,
                            &mut scratch.reread,
                        )?;
                        &scratch.b.set
                    }
                };
                Ok(scratch.table.jaccard_with(set))
            }
            Similarity::Signature {
                signatures,
                num_perm,
            } => {
                let k = *num_perm;
                let sa = &signatures[a as usize * k..(a as usize + 1) * k];
                let sb = &signatures[b as usize * k..(b as usize + 1) * k];
                Ok(MinHasher::similarity(sa, sb))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{encode_doc_location, DocStoreWriter};
    use proptest::prelude::*;

    #[test]
    fn documents_are_shingled_again_from_the_input_and_a_changed_input_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let texts = [
            "the quick brown fox jumps over the lazy dog near the old river bank today",
            "The quick brown fox jumps over the lazy dog near the old river bank tonight",
            "something else entirely, with many different words in a row, here and there",
        ];
        let (mut bytes, mut locations) = (Vec::new(), Vec::new());
        for (i, text) in texts.iter().enumerate() {
            let line = serde_json::json!({"id": i, "text": text}).to_string();
            locations.push(InputLocation {
                source: 0,
                offset: bytes.len() as u64,
                len: line.len() as u32,
            });
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(if i == 0 { b"\r\n" } else { b"\n" });
        }
        std::fs::write(&input, &bytes).unwrap();
        let params = SketchParams::default();
        let mut sketcher = Sketcher::new(&params);
        let mut signature = vec![0; params.num_perm];
        let (mut exact, mut sets) = (Vec::new(), Vec::new());
        for text in texts {
            exact.push(sketcher.sketch(text, &mut signature).exact);
            let mut set: Vec<u32> = sketcher
                .shingles()
                .iter()
                .map(|&h| fingerprint(h))
                .collect();
            set.sort_unstable();
            set.dedup();
            sets.push(set);
        }
        let store_path = dir.path().join("docs.bin");
        let mut writer = DocStoreWriter::create(&store_path, &params).unwrap();
        let mut offsets = Vec::new();
        for at in &locations {
            let mut record = Vec::new();
            encode_doc_location(b"0", *at, &mut record);
            offsets.push(store_location(0, writer.append(record).unwrap()));
        }
        let stores = [writer.finish(&params).unwrap()];
        let fields = FieldPaths::new("text", "id").unwrap();
        let similarity = |sources| Similarity::Exact {
            stores: &stores,
            offsets: &offsets,
            input: Some(InputShingler {
                sources,
                fields: &fields,
                max_record_bytes: 1 << 20,
                line_filter: None,
                sketch: &params,
                exact: &exact,
            }),
        };
        let sources = crate::input::discover(std::slice::from_ref(&input), None).unwrap();
        let mut scratch = SimilarityScratch::default();
        for (a, b) in [(0, 1), (0, 2), (1, 2), (1, 0), (2, 0)] {
            let want = jaccard_sorted(&sets[a as usize], &sets[b as usize]);
            assert_eq!(
                similarity(&sources)
                    .between(a, b, &LoadedSets::default(), &mut scratch)
                    .unwrap(),
                want
            );
        }
        assert!(jaccard_sorted(&sets[0], &sets[1]) > 0.5);
        // Loaded ahead, on all threads: the same values, without reading.
        let loaded = similarity(&sources).load_sets(&[0, 1, 2]).unwrap();
        for (a, b) in [(0, 1), (2, 1), (1, 2)] {
            let want = jaccard_sorted(&sets[a as usize], &sets[b as usize]);
            let mut fresh = SimilarityScratch::default();
            let got = similarity(&sources).between(a, b, &loaded, &mut fresh);
            assert_eq!(got.unwrap(), want);
            assert!(fresh.reread.is_none(), "read although loaded");
        }

        // Rewritten in place with a record of the same length, then cut short:
        // found by the file's size and time, and by the text's hash when the
        // file is checked after the change. Each check starts from a fresh
        // scratch, so nothing read before is reused.
        let fresh = |sources, a, b| {
            similarity(sources).between(
                a,
                b,
                &LoadedSets::default(),
                &mut SimilarityScratch::default(),
            )
        };
        let rediscover = || crate::input::discover(std::slice::from_ref(&input), None).unwrap();
        let edited = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("tonight", "tomorro");
        std::fs::write(&input, &edited).unwrap();
        let err = fresh(sources.as_slice(), 1, 2);
        assert!(
            matches!(err, Err(Error::InputChanged { .. })),
            "{:?}",
            err.err()
        );
        let edited_sources = rediscover();
        let message = fresh(&edited_sources, 0, 1).unwrap_err().to_string();
        assert!(message.contains("not the text read before"), "{message}");
        std::fs::write(&input, &bytes[..bytes.len() - 20]).unwrap();
        let cut_sources = rediscover();
        let message = fresh(&cut_sources, 0, 2).unwrap_err().to_string();
        assert!(message.contains("are gone"), "{message}");
    }

    #[test]
    fn set_table_survives_epoch_wraparound() {
        // More lookup passes than a 16-bit epoch counts, and reloads between.
        let mut table = SetTable::default();
        for round in 0..3u32 {
            table.load(&[1, 2, 3, round + 10]);
            for i in 0..70_000u32 {
                let b = [2, 3, i % 7 + 100];
                assert_eq!(table.jaccard_with(&b), 2.0 / 5.0);
            }
            assert_eq!(table.jaccard_with(&[]), 0.0);
            assert_eq!(table.jaccard_with(&[1, 2, 3, round + 10]), 1.0);
        }
        table.load(&[]);
        assert_eq!(table.jaccard_with(&[]), 0.0);
    }

    #[test]
    fn edge_cases() {
        assert_eq!(jaccard_sorted::<u64>(&[], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1, 2], &[1, 2]), 1.0);
    }

    proptest! {
        #[test]
        fn set_table_matches_jaccard_sorted(
            loaded in proptest::collection::vec(any::<u32>(), 0..400),
            others in proptest::collection::vec(proptest::collection::vec(0u32..600, 0..900), 1..6),
            overlap in 0usize..400,
        ) {
            // Values from a narrow range repeat and collide; some of `loaded`
            // is mixed into each other side so the sets share members; the
            // other sides may be bigger than the table was sized for.
            let mut table = SetTable::default();
            table.load(&loaded);
            let set = |v: &[u32]| {
                let mut s = v.to_vec();
                s.sort_unstable();
                s.dedup();
                s
            };
            let a = set(&loaded);
            for other in &others {
                let mut b = other.clone();
                b.extend(loaded.iter().take(overlap));
                prop_assert_eq!(table.jaccard_with(&b), jaccard_sorted(&a, &set(&b)));
            }
        }

        #[test]
        fn matches_hash_set_jaccard(a in proptest::collection::btree_set(0u64..50, 0..30),
                                    b in proptest::collection::btree_set(0u64..50, 0..30)) {
            let va: Vec<u64> = a.iter().copied().collect();
            let vb: Vec<u64> = b.iter().copied().collect();
            let union = a.union(&b).count();
            let want = if union == 0 { 0.0 } else { a.intersection(&b).count() as f64 / union as f64 };
            prop_assert_eq!(jaccard_sorted(&va, &vb), want);
        }
    }
}
