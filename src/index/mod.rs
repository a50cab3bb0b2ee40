//! A persistent, incremental near-duplicate index: check each new document
//! against everything seen before, across runs and restarts — what a crawler
//! needs to deduplicate as it goes.
//!
//! The index makes the same decisions as `shingle dedup --keep first --verify
//! exact` would over all the documents it has seen, in the order they were
//! inserted: same normalization, shingles, MinHash signatures, LSH bands and
//! bucket rule ([`crate::lsh::bucket_band`]), exact Jaccard verification and the
//! keep-order rule of [`crate::cluster`]. A document's verdict depends only on
//! the documents inserted before it.
//!
//! ```
//! use shingle::index::{Index, IndexConfig, Verdict};
//!
//! let dir = tempfile::tempdir().expect("temporary directory");
//! let index = Index::create(dir.path().join("pages.idx"), IndexConfig::default())?;
//! let story = "The council approved the new tram line on Thursday after a long debate \
//!              about costs; construction starts in spring and the first trams should run \
//!              within three years, linking the campus with the central station.";
//! assert_eq!(index.insert("https://a.example/tram", story)?, Verdict::New);
//! // The same story with a site footer: a near-duplicate of the first page.
//! let copy = format!("{story} Copyright B News.");
//! match index.insert("https://b.example/tram", &copy)? {
//!     Verdict::NearDuplicate { of, similarity } => {
//!         assert_eq!(of, "https://a.example/tram");
//!         assert!(similarity >= 0.8);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! // Identical after normalization (case, punctuation): an exact duplicate.
//! let shouted = story.to_uppercase();
//! assert_eq!(
//!     index.query(&shouted)?,
//!     Verdict::ExactDuplicate { of: "https://a.example/tram".into() }
//! );
//! index.save()?; // a new segment file; nothing saved before is rewritten
//! drop(index);
//!
//! let index = Index::open(dir.path().join("pages.idx"), &IndexConfig::default())?;
//! assert_eq!(index.len(), 2);
//! // The copy was removed in favour of the first page: so is any copy of it.
//! assert_eq!(index.query(&copy)?.duplicate_of(), Some("https://a.example/tram"));
//! # Ok::<(), shingle::Error>(())
//! ```
//!
//! # Verdicts
//!
//! [`Index::insert`] returns, for a document with key `k`:
//! - [`Verdict::New`]: it is kept (the first of its kind; empty documents —
//!   no words — are always new and never matched);
//! - [`Verdict::ExactDuplicate`] `{ of }`: its normalized text equals that of
//!   the kept document `of`;
//! - [`Verdict::NearDuplicate`] `{ of, similarity }`: it is removed in favour of
//!   the kept document `of`, whose shingle set has exact Jaccard `similarity`
//!   (≥ the threshold) with its own. A document whose text equals that of a
//!   document that was itself removed gets that document's verdict.
//!
//! `of` is always a *kept* document (one whose verdict was `New`). Keys are
//! not required to be unique (the index does not check): verdicts name
//! documents by key, so give each document a unique key to make them
//! unambiguous. The `shingle index` commands use the record id's JSON text as
//! key (`"doc-7"` with its quotes, or `42`).
//!
//! # Concurrency: who wins a race
//!
//! [`Index`] is `Send + Sync`; share it (e.g. in an `Arc`) between crawler
//! threads. Sketching (normalize, shingle, MinHash) runs outside any lock;
//! candidate lookup and verification against the index run under a shared read
//! lock, in parallel; the decision and the append (the *commit*) happen under
//! the write lock, one document at a time. **The document that commits first
//! wins**: every outcome equals inserting the documents one by one in commit
//! order, so when two near-duplicates race, the one committed second is
//! reported as a duplicate of the one committed first.
//! [`Index::document_keys`] lists the commit order.
//! [`Index::insert_batch`] sketches and looks up in parallel and commits in
//! batch order, so its result is deterministic. Queries take the read lock
//! only and see the index as of some commit.
//!
//! # Persistence
//!
//! An index on disk is a directory: a `MANIFEST` and append-only segment
//! files (layout under [File format](#file-format)). [`Index::save`] writes the
//! documents inserted since the last save as one new segment (written once:
//! temporary file, fsync, rename) and then replaces the manifest atomically, so
//! a crash leaves either the old or the new index, and the time a save takes is
//! proportional to the new documents only. [`Index::compact`] merges all
//! segments into one (lookups visit every segment, so compact after many small
//! saves). Unsaved documents are lost if the process ends without `save`.
//! One process should write an index directory at a time; `save` refuses to
//! overwrite a manifest another process changed since this one read it.
//!
//! [`Index::open`] checks that the index was built with the configuration the
//! caller expects, and opening fails with [`crate::Error::Format`] — never a
//! panic or an unbounded allocation — for another format version, other
//! parameters, a truncated file or any flipped byte: the manifest and segment
//! headers carry checksums, the fixed-width arrays a footer checksum verified on
//! open, and each blob record (key and shingle set, read when a verification
//! needs it) its own checksum verified on every read. [`Index::verify`] reads
//! every record once.
//!
//! # Memory
//!
//! Per saved *node* (a distinct normalized text) the index keeps in memory:
//! its band keys (8 bytes × bands: 128 bytes with the default 16 × 8 bands at
//! 128 permutations), the upper half of its exact hash (8), its record offset
//! (8) and its clustering state (5 bytes, plus the kept list of components with
//! more than one member): about 150 bytes. Node ids of the band buckets,
//! decisions, shingle sets and keys stay on disk and are read on demand.
//! Documents that are exact duplicates of an earlier one cost nothing in
//! memory once saved. Unsaved documents cost more (their shingle sets, keys
//! and hash maps of their band keys, typically 0.5–1 KB each) until the next
//! [`Index::save`].
//!
//! Measured with `cargo bench --bench index` (1 000 000 short documents, 977 k
//! distinct texts, default configuration, 2-core x86-64): opening the compacted
//! index takes 0.18 s and adds 145 MB of resident memory, **152 bytes per
//! document**; the index takes 567 bytes per document on disk. Batch inserts
//! into the 1 M-document index run at about 80 000 documents/s on one thread
//! and 135 000 on two, queries at 125 000–245 000/s, and saving 100 000 new
//! documents takes 0.2 s. Every saved segment is searched by each lookup, so
//! inserts slow down as segments accumulate (about 45 000/s on one thread
//! with ten 100 000-document segments): compact now and then.
//!
//! # File format
//!
//! See the `format` module source (`src/index/format.rs`) for the byte layout;
//! in short: `MANIFEST` = versioned header (magic `SHGLIMAN`, format version
//! [`FORMAT_VERSION`], bincode metadata with the full [`IndexConfig`] and the
//! list of segments with sizes and checksums, metadata checksum). A segment =
//! versioned header (magic `SHGLISEG`, version, configuration, counts), then
//! fixed-width little-endian arrays (per band: sorted band keys and their
//! nodes; sorted exact hashes and their nodes; per node: record offset,
//! decision, similarity, verified neighbours; per document: node and key), the
//! blob of per-node records (each with its own xxh3 checksum), and a footer
//! with the xxh3 checksum of everything but the blob.

pub mod commands;
mod format;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cluster::Decision;
use crate::error::{Error, Result};
use crate::lsh::{LshParams, MAX_FULL_BUCKET};
use crate::sketch::{SketchParams, Sketcher};
use crate::verify::jaccard_sorted;

use crate::cluster::Clusterer;
pub use format::FORMAT_VERSION;
use format::{
    Backing, Bucket, Checksums, Expect, ManifestMeta, Record, Segment, SegmentData, SegmentRef,
    NONE,
};

/// Name of the manifest file in an index directory.
pub const MANIFEST: &str = "MANIFEST";

/// What the index compares documents on. An index is only ever used with the
/// configuration it was built with.
///
/// ```
/// use shingle::index::IndexConfig;
/// let config = IndexConfig::default().with_threshold(0.7);
/// assert_eq!(config.threshold, 0.7);
/// assert!(config.lsh.bands * config.lsh.rows <= config.sketch.num_perm);
/// config.validate()?;
/// # Ok::<(), shingle::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexConfig {
    /// Normalization, shingles, permutations and seed.
    pub sketch: SketchParams,
    /// Jaccard similarity of shingle sets at or above which two documents are
    /// near-duplicates.
    pub threshold: f64,
    /// LSH bands and rows.
    pub lsh: LshParams,
}

impl Default for IndexConfig {
    /// The defaults of `shingle dedup`: threshold 0.8, 128 permutations, word
    /// 5-grams, seed 1, lowercase, 16 bands × 8 rows.
    fn default() -> Self {
        IndexConfig::new(SketchParams::default(), 0.8)
    }
}

impl IndexConfig {
    /// A configuration with bands and rows chosen as `dedup` chooses them with
    /// verification on (false-negative weight 0.95).
    pub fn new(sketch: SketchParams, threshold: f64) -> Self {
        let lsh = LshParams::optimal(threshold, sketch.num_perm, 0.95);
        IndexConfig {
            sketch,
            threshold,
            lsh,
        }
    }

    /// The same with another threshold (bands and rows chosen again).
    pub fn with_threshold(self, threshold: f64) -> Self {
        IndexConfig::new(self.sketch, threshold)
    }

    /// The configuration `dedup` runs with under `config`. Only `--keep first`
    /// with `--verify exact` has an incremental equivalent.
    pub fn from_dedup(config: &crate::dedup::DedupConfig) -> Result<Self> {
        if config.keep != crate::dedup::KeepRule::First
            || config.verify != crate::verify::VerifyMode::Exact
        {
            return Err(Error::Config(
                "an index decides like dedup --keep first --verify exact only".into(),
            ));
        }
        Ok(IndexConfig {
            sketch: config.sketch.clone(),
            threshold: config.threshold,
            lsh: config.lsh_params(),
        })
    }

    /// Checks ranges (the same limits as `dedup`).
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Config(m));
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(format!(
                "threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        if self.sketch.ngram == 0 || self.sketch.ngram > 1000 {
            return bad(format!("ngram must be 1..=1000, got {}", self.sketch.ngram));
        }
        if self.sketch.num_perm == 0 || self.sketch.num_perm > 4096 {
            return bad(format!(
                "num_perm must be 1..=4096, got {}",
                self.sketch.num_perm
            ));
        }
        let l = self.lsh;
        if l.bands == 0 || l.rows == 0 || l.bands.saturating_mul(l.rows) > self.sketch.num_perm {
            return bad(format!(
                "bands × rows = {} × {} must be at least 1 and at most num_perm ({})",
                l.bands, l.rows, self.sketch.num_perm
            ));
        }
        Ok(())
    }

    /// A one-line description of what differs from `other` (for errors).
    pub fn differences(&self, other: &IndexConfig) -> String {
        let mut d = Vec::new();
        let (a, b) = (&self.sketch, &other.sketch);
        if self.threshold != other.threshold {
            d.push(format!(
                "threshold {} vs {}",
                self.threshold, other.threshold
            ));
        }
        if a.num_perm != b.num_perm {
            d.push(format!("num_perm {} vs {}", a.num_perm, b.num_perm));
        }
        if a.ngram != b.ngram {
            d.push(format!("ngram {} vs {}", a.ngram, b.ngram));
        }
        if a.shingle != b.shingle {
            d.push(format!(
                "shingle {} vs {}",
                a.shingle.name(),
                b.shingle.name()
            ));
        }
        if a.seed != b.seed {
            d.push(format!("seed {} vs {}", a.seed, b.seed));
        }
        if a.normalize != b.normalize {
            d.push(format!(
                "lowercase {} vs {}",
                a.normalize.lowercase, b.normalize.lowercase
            ));
        }
        if self.lsh != other.lsh {
            d.push(format!(
                "bands × rows {} × {} vs {} × {}",
                self.lsh.bands, self.lsh.rows, other.lsh.bands, other.lsh.rows
            ));
        }
        if d.is_empty() {
            "none".into()
        } else {
            d.join(", ")
        }
    }
}

/// What the index says about a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Not a duplicate of anything before it: kept.
    New,
    /// Identical after normalization to the kept document `of`.
    ExactDuplicate {
        /// Key of the kept document.
        of: String,
    },
    /// A near-duplicate of the kept document `of`.
    NearDuplicate {
        /// Key of the kept document.
        of: String,
        /// Exact Jaccard similarity of the two shingle sets (≥ the threshold).
        similarity: f64,
    },
}

impl Verdict {
    /// True for [`Verdict::New`].
    pub fn is_new(&self) -> bool {
        matches!(self, Verdict::New)
    }

    /// The key of the kept document this one duplicates, if any.
    pub fn duplicate_of(&self) -> Option<&str> {
        match self {
            Verdict::New => None,
            Verdict::ExactDuplicate { of } | Verdict::NearDuplicate { of, .. } => Some(of),
        }
    }
}

/// Sizes and counts of an index, as `shingle index info` prints them.
#[derive(Debug, Clone, Serialize)]
pub struct IndexInfo {
    /// Version of the file format.
    pub format_version: u32,
    /// Documents inserted (saved or not).
    pub documents: u64,
    /// Distinct non-empty normalized texts (clustering nodes).
    pub nodes: u64,
    /// Documents inserted since the last save.
    pub unsaved_documents: u64,
    /// Saved segments, in order.
    pub segments: Vec<SegmentInfo>,
    /// Bytes of the manifest and segments.
    pub bytes_on_disk: u64,
    /// Estimated heap bytes held by the index.
    pub memory_bytes: u64,
    /// The configuration.
    pub config: IndexConfig,
}

/// One saved segment.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentInfo {
    /// File name in the index directory.
    pub file: String,
    /// Documents in it.
    pub documents: u64,
    /// Nodes in it.
    pub nodes: u64,
    /// File size.
    pub bytes: u64,
    /// xxh3-64 checksum in its footer, as 16 hex digits.
    pub checksum: String,
}

/// What [`Index::save`] wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SaveReport {
    /// Documents written (0 when there was nothing to save).
    pub documents: u64,
    /// The new segment file, if any.
    pub segment: Option<String>,
    /// Its size.
    pub bytes: u64,
}

/// A document ready for lookup: its sketch, computed outside any lock.
struct Prepared {
    key: String,
    empty: bool,
    exact: u128,
    band_keys: Vec<u64>,
    set: Vec<u64>,
}

/// What a lookup under the read lock found, reused by the commit when the
/// segments did not change in between.
struct Lookup {
    seg_gen: u64,
    seg_exact: Option<u32>,
    seg_buckets: Vec<Bucket>,
    /// Similarities to the candidates found, sorted by node.
    sims: Vec<(u32, f64)>,
}

/// A document's fate, before it is applied.
enum Evaluation {
    Empty,
    Exact {
        group: u32,
        verdict: Verdict,
        kept: u32,
    },
    Node {
        neighbours: Vec<u32>,
        decision: Decision,
        verdict: Verdict,
    },
}

/// A committed document's verdict plus what the CLI needs to write clusters.
pub(crate) struct Outcome {
    pub verdict: Verdict,
    /// The node of the kept document the verdict refers to (its own node when
    /// new; `None` for empty documents).
    pub kept_node: Option<u32>,
}

/// A node not saved yet.
struct TailNode {
    key: String,
    set: Vec<u64>,
    exact: u128,
    band_keys: Box<[u64]>,
    decision: Option<(u32, f64)>,
    neighbours: Vec<u32>,
}

/// Hashing for maps keyed by hashes (band keys, exact hashes): one seeded
/// folded multiply instead of SipHash. The seed is random per process, so
/// crafted inputs cannot aim at collisions.
#[derive(Debug, Clone, Copy)]
struct KeyHash {
    seed: u64,
}

impl Default for KeyHash {
    fn default() -> Self {
        KeyHash {
            seed: RandomState::new().hash_one(0x0053_4849_4e47_4c45_u64),
        }
    }
}

impl BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(self.seed)
    }
}

/// See [`KeyHash`].
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, v: u64) {
        let m = ((self.0 ^ v) as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
    fn write_u128(&mut self, v: u128) {
        self.write_u64(v as u64);
        self.write_u64((v >> 64) as u64);
    }
}

type KeyMap<K, V> = HashMap<K, V, KeyHash>;

/// First, last and number of the unsaved members of a band bucket; the members
/// in between are linked through `Tail::next`.
#[derive(Debug, Clone, Copy)]
struct TailBucket {
    first: u32,
    last: u32,
    count: u32,
}

/// Documents and nodes inserted since the last save.
#[derive(Default)]
struct Tail {
    first_node: u32,
    first_doc: u64,
    bands: usize,
    nodes: Vec<TailNode>,
    docs: Vec<(u32, String)>,
    buckets: Vec<KeyMap<u64, TailBucket>>,
    /// `(node - first_node) * bands + band` → next member of the bucket.
    next: Vec<u32>,
    exact: KeyMap<u128, u32>,
}

impl Tail {
    fn new(first_node: u32, first_doc: u64, bands: usize) -> Self {
        Tail {
            first_node,
            first_doc,
            bands,
            buckets: vec![KeyMap::default(); bands],
            ..Tail::default()
        }
    }

    fn node(&self, node: u32) -> &TailNode {
        &self.nodes[(node - self.first_node) as usize]
    }

    fn add_node(&mut self, node: u32, n: TailNode) {
        let local = self.nodes.len();
        self.next.resize(self.next.len() + self.bands, NONE);
        for (band, &key) in n.band_keys.iter().enumerate() {
            match self.buckets[band].get_mut(&key) {
                Some(b) => {
                    let last = (b.last - self.first_node) as usize;
                    self.next[last * self.bands + band] = node;
                    b.last = node;
                    b.count += 1;
                }
                None => {
                    self.buckets[band].insert(
                        key,
                        TailBucket {
                            first: node,
                            last: node,
                            count: 1,
                        },
                    );
                }
            }
        }
        debug_assert_eq!(local, (node - self.first_node) as usize);
        self.exact.insert(n.exact, node);
        self.nodes.push(n);
    }

    fn bucket(&self, band: usize, key: u64, bucket: &mut Bucket) {
        if let Some(b) = self.buckets[band].get(&key) {
            let room = MAX_FULL_BUCKET.saturating_sub(bucket.first.len());
            let mut prefix = Vec::with_capacity(room.min(b.count as usize));
            let mut at = b.first;
            while prefix.len() < room && at != NONE {
                prefix.push(at);
                at = self.next[(at - self.first_node) as usize * self.bands + band];
            }
            bucket.extend(b.count as u64, &prefix, b.last);
        }
    }

    /// Everything a segment file needs about the first `nodes` nodes and `docs`
    /// documents of the tail.
    fn segment_data(&self, nodes: usize, docs: usize) -> SegmentData {
        let mut d = SegmentData {
            first_node: self.first_node,
            first_doc: self.first_doc,
            ..SegmentData::default()
        };
        for n in &self.nodes[..nodes] {
            d.band_keys.extend_from_slice(&n.band_keys);
            d.exact.push(n.exact);
            let (of, s) = n.decision.unwrap_or((NONE, 0.0));
            d.removed_for.push(of);
            d.similarity.push(s);
            d.nbr_counts.push(n.neighbours.len() as u32);
            d.nbrs.extend_from_slice(&n.neighbours);
            d.record_lens.push(format::record_len(&n.key, &n.set));
        }
        for (node, key) in &self.docs[..docs] {
            d.doc_nodes.push(*node);
            d.doc_key_lens.push(key.len() as u32);
            d.doc_keys.extend_from_slice(key.as_bytes());
        }
        d
    }

    /// Drops the first `nodes` nodes and `docs` documents (now saved).
    fn drain(&mut self, nodes: usize, docs: usize) {
        let rest: Vec<TailNode> = self.nodes.drain(nodes..).collect();
        let rest_docs: Vec<(u32, String)> = self.docs.drain(docs..).collect();
        let mut tail = Tail::new(
            self.first_node + nodes as u32,
            self.first_doc + docs as u64,
            self.bands,
        );
        for (i, n) in rest.into_iter().enumerate() {
            tail.add_node(tail.first_node + i as u32, n);
        }
        tail.docs = rest_docs;
        *self = tail;
    }

    fn heap_bytes(&self) -> usize {
        let per_node: usize = self
            .nodes
            .iter()
            .map(|n| {
                std::mem::size_of::<TailNode>()
                    + n.key.capacity()
                    + n.set.capacity() * 8
                    + n.band_keys.len() * 8
                    + n.neighbours.capacity() * 4
            })
            .sum();
        let docs: usize = self.docs.iter().map(|(_, k)| 32 + k.capacity()).sum();
        let maps: usize = self
            .buckets
            .iter()
            .map(|m| m.capacity() * (8 + 12 + 1))
            .sum::<usize>()
            + self.exact.capacity() * (16 + 4 + 1);
        per_node + docs + maps + self.next.capacity() * 4
    }
}

/// Everything behind the lock.
struct State {
    segments: Vec<Segment>,
    /// Changes whenever `segments` changes (save, compact).
    seg_gen: u64,
    /// Manifest as last read or written (to notice other writers).
    manifest: Option<ManifestMeta>,
    tail: Tail,
    components: Clusterer,
    docs: u64,
}

impl State {
    fn segment_of(&self, node: u32) -> Result<&Segment> {
        let i = self.segments.partition_point(|s| s.end_node() <= node);
        match self.segments.get(i) {
            Some(s) if node >= s.meta.first_node => Ok(s),
            _ => Err(Error::Config(format!("internal error: no node {node}"))),
        }
    }

    fn record(&self, node: u32) -> Result<Record<'_>> {
        if node >= self.tail.first_node {
            let n = self.tail.node(node);
            Ok(Record {
                key: Cow::Borrowed(&n.key),
                set: Cow::Borrowed(&n.set),
            })
        } else {
            self.segment_of(node)?.record(node)
        }
    }

    fn decision(&self, node: u32) -> Result<Option<(u32, f64)>> {
        if node >= self.tail.first_node {
            Ok(self.tail.node(node).decision)
        } else {
            self.segment_of(node)?.decision(node)
        }
    }

    /// Exact match and bucket parts found in the saved segments.
    fn segment_part(&self, p: &Prepared) -> Result<(Option<u32>, Vec<Bucket>)> {
        let mut exact = None;
        for seg in &self.segments {
            if let Some(node) = seg.exact(p.exact)? {
                exact = Some(node);
                break;
            }
        }
        let mut buckets = vec![Bucket::default(); p.band_keys.len()];
        if exact.is_none() {
            for (band, (&key, bucket)) in p.band_keys.iter().zip(&mut buckets).enumerate() {
                for seg in &self.segments {
                    seg.bucket(band, key, bucket)?;
                }
            }
        }
        Ok((exact, buckets))
    }

    /// LSH candidates: the segment parts of the buckets completed with the
    /// unsaved members, under the bucket rule; sorted, distinct.
    fn candidates(&self, p: &Prepared, mut buckets: Vec<Bucket>) -> Vec<u32> {
        let mut out = Vec::new();
        for (band, (&key, bucket)) in p.band_keys.iter().zip(&mut buckets).enumerate() {
            self.tail.bucket(band, key, bucket);
            bucket.candidates(&mut out);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn similarity(&self, p: &Prepared, node: u32) -> Result<f64> {
        Ok(jaccard_sorted(&p.set, &self.record(node)?.set))
    }

    /// Phase 1 of an insert, under the read lock.
    fn lookup(&self, p: &Prepared) -> Result<Lookup> {
        if p.empty {
            return Ok(Lookup {
                seg_gen: self.seg_gen,
                seg_exact: None,
                seg_buckets: Vec::new(),
                sims: Vec::new(),
            });
        }
        let (seg_exact, seg_buckets) = self.segment_part(p)?;
        let mut sims = Vec::new();
        if seg_exact.is_none() && !self.tail.exact.contains_key(&p.exact) {
            for c in self.candidates(p, seg_buckets.clone()) {
                sims.push((c, self.similarity(p, c)?));
            }
        }
        Ok(Lookup {
            seg_gen: self.seg_gen,
            seg_exact,
            seg_buckets,
            sims,
        })
    }

    /// The verdict for a document whose text equals that of node `group`, and
    /// the kept node it refers to.
    fn group_verdict(&self, group: u32) -> Result<(Verdict, u32)> {
        Ok(match self.decision(group)? {
            None => (
                Verdict::ExactDuplicate {
                    of: self.record(group)?.key.into_owned(),
                },
                group,
            ),
            Some((of, similarity)) => (
                Verdict::NearDuplicate {
                    of: self.record(of)?.key.into_owned(),
                    similarity,
                },
                of,
            ),
        })
    }

    /// What inserting `p` now would do (read-only). `lookup` is phase 1's
    /// result, if there was one.
    fn evaluate(&self, p: &Prepared, lookup: Option<Lookup>, threshold: f64) -> Result<Evaluation> {
        if p.empty {
            return Ok(Evaluation::Empty);
        }
        let (seg_exact, seg_buckets, sims) = match lookup {
            Some(l) if l.seg_gen == self.seg_gen => (l.seg_exact, l.seg_buckets, l.sims),
            other => {
                let (e, b) = self.segment_part(p)?;
                (e, b, other.map(|l| l.sims).unwrap_or_default())
            }
        };
        let exact = seg_exact.or_else(|| self.tail.exact.get(&p.exact).copied());
        if let Some(group) = exact {
            let (verdict, kept) = self.group_verdict(group)?;
            return Ok(Evaluation::Exact {
                group,
                verdict,
                kept,
            });
        }
        let known = |node: u32| {
            sims.binary_search_by_key(&node, |s| s.0)
                .ok()
                .map(|i| sims[i].1)
        };
        let mut verified: Vec<(u32, f64)> = Vec::new();
        for c in self.candidates(p, seg_buckets) {
            let s = match known(c) {
                Some(s) => s,
                None => self.similarity(p, c)?,
            };
            if s >= threshold {
                verified.push((c, s));
            }
        }
        let neighbours: Vec<u32> = verified.iter().map(|v| v.0).collect();
        let decision = self.components.decide(&neighbours, |kept| {
            let s = match verified.binary_search_by_key(&kept, |v| v.0) {
                Ok(i) => verified[i].1,
                Err(_) => match known(kept) {
                    Some(s) => s,
                    None => self.similarity(p, kept)?,
                },
            };
            Ok(Some(s).filter(|&s| s >= threshold))
        })?;
        let verdict = match decision {
            Decision::Kept => Verdict::New,
            Decision::Duplicate { of, similarity } => Verdict::NearDuplicate {
                of: self.record(of)?.key.into_owned(),
                similarity,
            },
        };
        Ok(Evaluation::Node {
            neighbours,
            decision,
            verdict,
        })
    }

    /// Phase 2 of an insert, under the write lock: decide and append.
    fn commit(&mut self, p: Prepared, lookup: Option<Lookup>, threshold: f64) -> Result<Outcome> {
        if p.key.len() > u32::MAX as usize {
            return Err(Error::Config("a key longer than 4 GiB".into()));
        }
        let evaluation = self.evaluate(&p, lookup, threshold)?;
        let outcome = match evaluation {
            Evaluation::Empty => {
                self.tail.docs.push((NONE, p.key));
                Outcome {
                    verdict: Verdict::New,
                    kept_node: None,
                }
            }
            Evaluation::Exact {
                group,
                verdict,
                kept,
            } => {
                self.tail.docs.push((group, p.key));
                Outcome {
                    verdict,
                    kept_node: Some(kept),
                }
            }
            Evaluation::Node {
                neighbours,
                decision,
                verdict,
            } => {
                let node = self.components.next_node();
                if node >= NONE - 1 {
                    return Err(Error::Config(
                        "the index is full (4 billion distinct texts)".into(),
                    ));
                }
                self.components.add_decided(&neighbours, decision);
                let (decision, kept) = match decision {
                    Decision::Kept => (None, node),
                    Decision::Duplicate { of, similarity } => (Some((of, similarity)), of),
                };
                self.tail.add_node(
                    node,
                    TailNode {
                        key: p.key.clone(),
                        set: p.set,
                        exact: p.exact,
                        band_keys: p.band_keys.into_boxed_slice(),
                        decision,
                        neighbours,
                    },
                );
                self.tail.docs.push((node, p.key));
                Outcome {
                    verdict,
                    kept_node: Some(kept),
                }
            }
        };
        self.docs += 1;
        Ok(outcome)
    }
}

/// A sketcher with its signature buffer.
struct SketchBuf {
    sketcher: Sketcher,
    signature: Vec<u32>,
}

/// A near-duplicate index. See the [module docs](self).
pub struct Index {
    config: IndexConfig,
    dir: Option<PathBuf>,
    state: RwLock<State>,
    /// Serializes `save` and `compact`.
    persist: Mutex<()>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.dir)
            .field("documents", &self.len())
            .field("config", &self.config)
            .finish()
    }
}

impl Index {
    fn from_parts(
        config: IndexConfig,
        dir: Option<PathBuf>,
        segments: Vec<Segment>,
        components: Clusterer,
        manifest: Option<ManifestMeta>,
    ) -> Self {
        let first_node = components.next_node();
        let docs = segments.iter().map(|s| s.meta.docs).sum();
        let bands = config.lsh.bands;
        Index {
            dir,
            state: RwLock::new(State {
                segments,
                seg_gen: 0,
                manifest,
                tail: Tail::new(first_node, docs, bands),
                components,
                docs,
            }),
            persist: Mutex::new(()),
            config,
        }
    }

    /// An index held in memory only ([`Index::save`] is an error).
    ///
    /// ```
    /// use shingle::index::{Index, IndexConfig};
    /// let index = Index::new(IndexConfig::default())?;
    /// assert!(index.insert("a", "one two three four five six")?.is_new());
    /// # Ok::<(), shingle::Error>(())
    /// ```
    pub fn new(config: IndexConfig) -> Result<Self> {
        config.validate()?;
        Ok(Index::from_parts(
            config,
            None,
            Vec::new(),
            Clusterer::new(),
            None,
        ))
    }

    /// Creates an empty index in directory `dir` (created if missing) and
    /// writes its manifest. Fails if `dir` already holds an index.
    pub fn create(dir: impl AsRef<Path>, config: IndexConfig) -> Result<Self> {
        config.validate()?;
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        if dir.join(MANIFEST).exists() {
            return Err(Error::Config(format!(
                "{} already holds an index; open it instead",
                dir.display()
            )));
        }
        let manifest = ManifestMeta {
            config: config.clone(),
            segments: Vec::new(),
            next_segment: 1,
        };
        format::write_manifest(dir, &manifest)?;
        Ok(Index::from_parts(
            config,
            Some(dir.to_path_buf()),
            Vec::new(),
            Clusterer::new(),
            Some(manifest),
        ))
    }

    /// Opens the index in `dir`, which must have been built with `config`
    /// (otherwise [`Error::Format`] says what differs).
    pub fn open(dir: impl AsRef<Path>, config: &IndexConfig) -> Result<Self> {
        Index::open_dir(dir.as_ref(), Some(config))
    }

    /// Opens the index in `dir` with the configuration it was built with.
    pub fn open_existing(dir: impl AsRef<Path>) -> Result<Self> {
        Index::open_dir(dir.as_ref(), None)
    }

    fn open_dir(dir: &Path, expected: Option<&IndexConfig>) -> Result<Self> {
        let manifest = format::read_manifest(dir)?;
        if let Some(config) = expected {
            if *config != manifest.config {
                return Err(Error::Format {
                    path: dir.join(MANIFEST),
                    detail: format!(
                        "index built with other parameters than asked for ({})",
                        manifest.config.differences(config)
                    ),
                });
            }
        }
        let highest = manifest
            .segments
            .iter()
            .filter_map(|s| s.file[4..s.file.len() - 5].parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        if manifest.next_segment <= highest {
            return Err(Error::Format {
                path: dir.join(MANIFEST),
                detail: "corrupt manifest (segment numbering)".into(),
            });
        }
        let mut components = Clusterer::new();
        let mut segments = Vec::with_capacity(manifest.segments.len());
        let (mut first_node, mut first_doc) = (0u32, 0u64);
        for r in &manifest.segments {
            let (src, path) = format::open_segment_file(dir, &r.file)?;
            let expect = Expect {
                config: Some(&manifest.config),
                first_node,
                first_doc,
                reference: Some(r),
                checksums: Checksums::Verify,
            };
            let seg = format::load_segment(src, &path, &r.file, &expect, &mut components)?;
            first_node = seg.end_node();
            first_doc += seg.meta.docs;
            segments.push(seg);
        }
        Ok(Index::from_parts(
            manifest.config.clone(),
            Some(dir.to_path_buf()),
            segments,
            components,
            Some(manifest),
        ))
    }

    /// The configuration.
    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    /// The directory, for an index on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Documents inserted (saved or not).
    pub fn len(&self) -> u64 {
        self.read().docs
    }

    /// True when no document was inserted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sketches `text` with this thread's sketcher (kept in a thread-local so
    /// that threads never wait for each other's buffers).
    fn prepare(&self, key: String, text: &str) -> Prepared {
        thread_local! {
            static SKETCHER: RefCell<Option<(SketchParams, SketchBuf)>> =
                const { RefCell::new(None) };
        }
        SKETCHER.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.as_ref().is_none_or(|(p, _)| *p != self.config.sketch) {
                *slot = Some((
                    self.config.sketch.clone(),
                    SketchBuf {
                        sketcher: Sketcher::new(&self.config.sketch),
                        signature: vec![0; self.config.sketch.num_perm],
                    },
                ));
            }
            let buf = &mut slot.as_mut().expect("just set").1;
            let summary = buf.sketcher.sketch(text, &mut buf.signature);
            let empty = summary.is_empty();
            let mut band_keys = vec![0u64; self.config.lsh.bands];
            let mut set = Vec::new();
            if !empty {
                self.config.lsh.band_keys(&buf.signature, &mut band_keys);
                set = buf.sketcher.shingle_set().to_vec();
            }
            Prepared {
                key,
                empty,
                exact: summary.exact,
                band_keys,
                set,
            }
        })
    }

    fn prepare_many<K: AsRef<str> + Sync, T: AsRef<str> + Sync>(
        &self,
        docs: &[(K, T)],
    ) -> Vec<Prepared> {
        docs.par_iter()
            .map(|(k, t)| self.prepare(k.as_ref().to_string(), t.as_ref()))
            .collect()
    }

    /// Inserts a document: its verdict against everything inserted before it
    /// (see [`Verdict`]). The document is part of the index afterwards,
    /// whatever the verdict (so later exact copies of a removed page get the
    /// same verdict).
    ///
    /// ```
    /// use shingle::index::{Index, IndexConfig, Verdict};
    /// let index = Index::new(IndexConfig::default())?;
    /// let text = "Storm warning for the coast: gusts of up to 120 km/h are expected tonight.";
    /// assert_eq!(index.insert("p1", text)?, Verdict::New);
    /// assert_eq!(index.insert("p2", text)?, Verdict::ExactDuplicate { of: "p1".into() });
    /// # Ok::<(), shingle::Error>(())
    /// ```
    pub fn insert(&self, key: &str, text: &str) -> Result<Verdict> {
        Ok(self
            .insert_prepared(vec![self.prepare(key.to_string(), text)])?
            .pop()
            .expect("one outcome")
            .verdict)
    }

    /// Inserts documents `(key, text)`: sketched and looked up in parallel,
    /// committed in slice order (the verdicts equal inserting them one by one).
    /// On an error, the documents before the failing one stay inserted.
    ///
    /// ```
    /// use shingle::index::{Index, IndexConfig, Verdict};
    /// let index = Index::new(IndexConfig::default())?;
    /// let text = "Storm warning for the coast: gusts of up to 120 km/h are expected tonight.";
    /// let verdicts = index.insert_batch(&[("p1", text), ("p2", text)])?;
    /// assert_eq!(verdicts, [Verdict::New, Verdict::ExactDuplicate { of: "p1".into() }]);
    /// # Ok::<(), shingle::Error>(())
    /// ```
    pub fn insert_batch<K: AsRef<str> + Sync, T: AsRef<str> + Sync>(
        &self,
        docs: &[(K, T)],
    ) -> Result<Vec<Verdict>> {
        let prepared = self.prepare_many(docs);
        Ok(self
            .insert_prepared(prepared)?
            .into_iter()
            .map(|o| o.verdict)
            .collect())
    }

    /// Looks prepared documents up in parallel, then commits them in order.
    fn insert_prepared(&self, prepared: Vec<Prepared>) -> Result<Vec<Outcome>> {
        let lookups: Vec<Result<Lookup>> = {
            let state = self.read();
            if prepared.len() == 1 {
                vec![state.lookup(&prepared[0])]
            } else {
                prepared.par_iter().map(|p| state.lookup(p)).collect()
            }
        };
        let threshold = self.config.threshold;
        let mut state = self.write();
        let mut out = Vec::with_capacity(prepared.len());
        for (p, lookup) in prepared.into_iter().zip(lookups) {
            // A failed lookup is retried under the write lock (it reports the error).
            out.push(state.commit(p, lookup.ok(), threshold)?);
        }
        Ok(out)
    }

    /// The verdict [`Index::insert`] would give `text` now, without inserting.
    pub fn query(&self, text: &str) -> Result<Verdict> {
        let p = self.prepare(String::new(), text);
        let state = self.read();
        Ok(verdict_of(state.evaluate(
            &p,
            None,
            self.config.threshold,
        )?))
    }

    /// [`Index::query`] for many texts, in parallel. The texts are not checked
    /// against each other.
    pub fn query_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Result<Vec<Verdict>> {
        let prepared: Vec<Prepared> = texts
            .par_iter()
            .map(|t| self.prepare(String::new(), t.as_ref()))
            .collect();
        let state = self.read();
        let threshold = self.config.threshold;
        prepared
            .par_iter()
            .map(|p| Ok(verdict_of(state.evaluate(p, None, threshold)?)))
            .collect()
    }

    /// Keys of all documents in commit order (reads saved keys from disk).
    pub fn document_keys(&self) -> Result<Vec<String>> {
        let state = self.read();
        let mut keys = Vec::with_capacity(state.docs as usize);
        for seg in &state.segments {
            keys.extend(seg.documents()?.into_iter().map(|(_, k)| k));
        }
        keys.extend(state.tail.docs.iter().map(|(_, k)| k.clone()));
        Ok(keys)
    }

    /// Reads every saved record once, checking its checksum (opening checks
    /// everything else).
    pub fn verify(&self) -> Result<()> {
        let state = self.read();
        for seg in &state.segments {
            for node in seg.meta.first_node..seg.end_node() {
                seg.record(node)?;
            }
            seg.documents()?;
        }
        Ok(())
    }

    /// Counts and sizes.
    pub fn info(&self) -> IndexInfo {
        let state = self.read();
        let segments: Vec<SegmentInfo> = state
            .segments
            .iter()
            .map(|s| SegmentInfo {
                file: s.name.clone(),
                documents: s.meta.docs,
                nodes: s.meta.nodes as u64,
                bytes: s.bytes,
                checksum: format!("{:016x}", s.checksum),
            })
            .collect();
        let manifest_bytes = self
            .dir
            .as_ref()
            .and_then(|d| std::fs::metadata(d.join(MANIFEST)).ok())
            .map_or(0, |m| m.len());
        IndexInfo {
            format_version: FORMAT_VERSION,
            documents: state.docs,
            nodes: state.components.len() as u64,
            unsaved_documents: state.tail.docs.len() as u64,
            bytes_on_disk: manifest_bytes + segments.iter().map(|s| s.bytes).sum::<u64>(),
            segments,
            memory_bytes: (state
                .segments
                .iter()
                .map(Segment::heap_bytes)
                .sum::<usize>()
                + state.components.heap_bytes()
                + state.tail.heap_bytes()) as u64,
            config: self.config.clone(),
        }
    }

    /// True when nothing was saved yet.
    fn is_empty_on_disk(&self) -> bool {
        self.read().segments.is_empty()
    }

    fn require_dir(&self) -> Result<&Path> {
        self.dir.as_deref().ok_or_else(|| {
            Error::Config("this index lives in memory only (made with Index::new)".into())
        })
    }

    /// Checks that the manifest on disk is still the one this index read or
    /// wrote last (another process may have changed it).
    fn check_manifest(dir: &Path, state: &State) -> Result<()> {
        let on_disk = format::read_manifest(dir)?;
        if Some(&on_disk) != state.manifest.as_ref() {
            return Err(Error::Format {
                path: dir.join(MANIFEST),
                detail: "the index was changed by another process since it was opened; \
                         reopen it"
                    .into(),
            });
        }
        Ok(())
    }

    /// Writes the documents inserted since the last save as a new segment and
    /// records it in the manifest. Segments written before are not touched.
    /// Inserts wait while the segment is written (queries do not) and run again
    /// while it is fsynced.
    pub fn save(&self) -> Result<SaveReport> {
        let dir = self.require_dir()?;
        let _persist = self.persist.lock().unwrap_or_else(PoisonError::into_inner);
        let (name, tmp, data, nodes, docs, manifest, file) = {
            let state = self.read();
            if state.tail.docs.is_empty() {
                return Ok(SaveReport::default());
            }
            Index::check_manifest(dir, &state)?;
            let mut manifest = state.manifest.clone().expect("an index on disk has one");
            let name = format::segment_name(manifest.next_segment);
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let (nodes, docs) = (state.tail.nodes.len(), state.tail.docs.len());
            let data = state.tail.segment_data(nodes, docs);
            let tail = &state.tail;
            let written = format::write_segment(&tmp, &self.config, &data, |i, out| {
                let n = &tail.nodes[i];
                format::encode_record(&n.key, &n.set, out);
                Ok(())
            });
            let (file, bytes, checksum) = match written {
                Ok(w) => w,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            };
            manifest.segments.push(SegmentRef {
                file: name.clone(),
                bytes,
                checksum,
                nodes: nodes as u32,
                docs: docs as u64,
            });
            manifest.next_segment += 1;
            (name, tmp, data, nodes, docs, manifest, file)
        };
        let segment = self.commit_file(dir, &name, &tmp, file, &data, &manifest)?;
        let bytes = segment.bytes;
        let mut state = self.write();
        state.segments.push(segment);
        state.seg_gen += 1;
        state.manifest = Some(manifest);
        state.tail.drain(nodes, docs);
        Ok(SaveReport {
            documents: docs as u64,
            segment: Some(name),
            bytes,
        })
    }

    /// Fsyncs a written segment, renames it into place, writes the manifest and
    /// opens the segment for reading.
    fn commit_file(
        &self,
        dir: &Path,
        name: &str,
        tmp: &Path,
        file: std::fs::File,
        data: &SegmentData,
        manifest: &ManifestMeta,
    ) -> Result<Segment> {
        let path = dir.join(name);
        let result = file
            .sync_all()
            .map_err(|e| Error::io("writing", tmp, e))
            .and_then(|_| std::fs::rename(tmp, &path).map_err(|e| Error::io("renaming", &path, e)));
        if let Err(e) = result {
            let _ = std::fs::remove_file(tmp);
            return Err(e);
        }
        format::sync_dir(dir)?;
        format::write_manifest(dir, manifest)?;
        let r = manifest.segments.last().expect("just added");
        format::install_segment(&path, name, &self.config, data, r.bytes, r.checksum)
    }

    /// Merges all saved segments into one (unsaved documents are not saved by
    /// this; call [`Index::save`] first). The old segment files are deleted.
    pub fn compact(&self) -> Result<()> {
        let dir = self.require_dir()?;
        let _persist = self.persist.lock().unwrap_or_else(PoisonError::into_inner);
        let (name, tmp, data, manifest, file, old) = {
            let state = self.read();
            if state.segments.len() <= 1 {
                return Ok(());
            }
            Index::check_manifest(dir, &state)?;
            let old = state.manifest.clone().expect("an index on disk has one");
            let data = format::gather_segments(&state.segments)?;
            let name = format::segment_name(old.next_segment);
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let first = data.first_node;
            let written = format::write_segment(&tmp, &self.config, &data, |i, out| {
                format::copy_record(&state.segments, first + i as u32, out)
            });
            let (file, bytes, checksum) = match written {
                Ok(w) => w,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            };
            let manifest = ManifestMeta {
                config: self.config.clone(),
                segments: vec![SegmentRef {
                    file: name.clone(),
                    bytes,
                    checksum,
                    nodes: data.exact.len() as u32,
                    docs: data.doc_nodes.len() as u64,
                }],
                next_segment: old.next_segment + 1,
            };
            (name, tmp, data, manifest, file, old)
        };
        let segment = self.commit_file(dir, &name, &tmp, file, &data, &manifest)?;
        {
            let mut state = self.write();
            state.segments = vec![segment];
            state.seg_gen += 1;
            state.manifest = Some(manifest);
        }
        for s in &old.segments {
            let _ = std::fs::remove_file(dir.join(&s.file));
        }
        format::sync_dir(dir)
    }
}

fn verdict_of(e: Evaluation) -> Verdict {
    match e {
        Evaluation::Empty => Verdict::New,
        Evaluation::Exact { verdict, .. } | Evaluation::Node { verdict, .. } => verdict,
    }
}

/// Feeds arbitrary bytes to the index loaders (for `cargo fuzz`): as a manifest,
/// and as the first segment of an index — with checksums checked, and with
/// checksums trusted so that the structural checks behind them are reached —
/// followed by a few queries, inserts and reads on whatever loaded. Must never
/// panic, hang or allocate more than the input's size allows.
#[doc(hidden)]
pub fn fuzz_open_bytes(data: &[u8]) -> Result<()> {
    let path = Path::new("fuzz-input");
    let manifest = format::parse_manifest(data, path).map(|_| ());
    let mut result = manifest;
    for checksums in [Checksums::Verify, Checksums::Trust] {
        let mut components = Clusterer::new();
        let expect = Expect {
            config: None,
            first_node: 0,
            first_doc: 0,
            reference: None,
            checksums,
        };
        let loaded = format::load_segment(
            Backing::Bytes(data.to_vec()),
            path,
            "seg-000001.shgl",
            &expect,
            &mut components,
        );
        match loaded {
            Ok(seg) => {
                let config = seg.meta.config.clone();
                let index = Index::from_parts(config, None, vec![seg], components, None);
                let texts = [
                    "the quick brown fox jumps over the lazy dog again and again",
                    "a completely different text about rivers, bridges and trams",
                    "",
                ];
                let _ = index.query_batch(&texts);
                let _ = index.insert_batch(&[("a", texts[0]), ("b", texts[1])]);
                let _ = index.document_keys();
                let _ = index.verify();
                let _ = index.info();
                if checksums == Checksums::Verify {
                    result = Ok(());
                }
            }
            Err(e) => {
                if checksums == Checksums::Verify && result.is_err() {
                    result = Err(e);
                }
            }
        }
    }
    result
}

#[cfg(test)]
mod tests;
