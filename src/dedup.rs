//! The `shingle dedup` job: exact and near-duplicate documents, end to end.
//!
//! Stages and the data between them:
//!
//! 1. **read → sketch** (pass 1, streaming): a reader thread cuts the input into
//!    blocks of records; each block is parsed and sketched in parallel (rayon).
//!    Kept in memory per document: the 128-bit exact hash, the band keys, the text
//!    length and an offset into the on-disk document store (id and, for exact
//!    verification, the shingles as 32-bit fingerprints), which a background
//!    thread writes while sketching goes on. Signatures are kept only when verification
//!    needs them (`--verify signature|none`).
//! 2. **exact**: documents with equal normalized text are grouped by sorting the
//!    exact hashes; only the first of each group goes on to LSH.
//! 3. **band**: per band, documents are sorted by band key; equal keys give
//!    candidate pairs (see [`crate::lsh`]).
//! 4. **verify**: candidate pairs are checked in parallel ([`crate::verify`]).
//! 5. **cluster**: union-find over verified pairs and exact groups, then greedy
//!    resolution so that each removed document is similar to the one kept in its
//!    place ([`crate::cluster`]).
//! 6. **write** (pass 2): the input is read again and kept records are copied
//!    byte for byte; `clusters.jsonl`, `skipped.jsonl` and `stats.json` are written.
//!    Stdin is spooled to a temporary file in pass 1 so it can be read twice.
//!
//! Every output is committed atomically, `stats.json` last.
//!
//! **Passes over the input.** Without `--strip-lines` the input is read twice:
//! pass 1 (sketch) and pass 2 (copy kept records); pass 2 does not parse JSON,
//! it only splits lines. With `--strip-lines K` a counting pass comes first
//! ([`crate::lines::LineFilter`]): whether a line is common is known only once
//! the whole input has been seen, and the signatures must be computed on the
//! stripped text, so counting cannot share pass 1's read. Pass 2 cannot take
//! it over either, because it needs the clusters, which need the signatures.
//! So `--strip-lines` costs one extra read and parse of the input.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::cluster::{Clusterer, Decision};
use crate::error::{Error, Location, Result};
use crate::input::{
    self, BadRecord, Block, Compression, FieldPaths, RawRecord, Source, SourceKind,
};
use crate::lines::{LineFilter, LineStripper, LinesConfig};
use crate::lsh::{bucket_band_of, LshParams};
use crate::output::{
    write_json_line, write_pretty_json, write_runs, AtomicWriter, ParallelCompressor, Staged,
};
use crate::progress::Progress;
use crate::runs::{BandRunWriter, BandRuns, RunsParams};
use crate::sketch::{SketchParams, Sketcher};
use crate::storage::{encode_doc, encode_doc_location, DocStore, DocStoreWriter, InputLocation};
use crate::verify::{
    split_location, store_location, InputShingler, LoadedSets, Similarity, SimilarityScratch,
    VerifyMode,
};

/// Which copy of a duplicate group survives.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum KeepRule {
    /// The earliest in input order.
    First,
    /// The one with the longest text (in bytes); ties go to input order.
    Longest,
}

/// What to do with a record that cannot be read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum BadRecordPolicy {
    /// Stop with an error naming the file and line.
    Error,
    /// Skip it, count it in `stats.json` and list it in `skipped.jsonl`.
    Skip,
}

/// Everything `shingle dedup` needs to know; built from the command line by
/// [`crate::cli`] or directly by library users.
#[derive(Debug, Clone)]
pub struct DedupConfig {
    /// Input files, directories, or `-` for stdin.
    pub inputs: Vec<PathBuf>,
    /// Where the outputs go (created if missing).
    pub output_dir: PathBuf,
    /// Dotted path of the text field in JSON records.
    pub text_field: String,
    /// Dotted path of the id field; records without it get `<file>:<line>`.
    pub id_field: String,
    /// Normalization, shingles and MinHash.
    pub sketch: SketchParams,
    /// Jaccard similarity at or above which documents are near-duplicates.
    pub threshold: f64,
    /// Bands and rows; `None` chooses them from the threshold.
    pub lsh: Option<LshParams>,
    /// Weight of false negatives when choosing bands and rows; `None` = by mode.
    pub fn_weight: Option<f64>,
    /// Which copy is kept.
    pub keep: KeepRule,
    /// How candidates are verified.
    pub verify: VerifyMode,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Show a progress bar and summary (when stderr is a terminal).
    pub progress: bool,
    /// Bad-record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Records longer than this are bad records.
    pub max_record_bytes: usize,
    /// Where temporary files go; `None` = the output directory.
    pub tmp_dir: Option<PathBuf>,
    /// Exact verification shingles the documents it compares again from an
    /// uncompressed input, and the document store keeps only where each
    /// document is, instead of every document's fingerprints.
    pub verify_from_input: bool,
    /// Bytes of input per parallel block; 0 = automatic
    /// ([`crate::input::auto_block_bytes`]).
    pub block_bytes: usize,
    /// Remove lines found in at least this many documents (and repeats within a
    /// document) before sketching; `None` = compare whole texts.
    pub strip_lines: Option<u64>,
    /// Keep band data in sorted runs on disk (in `tmp_dir`) instead of memory,
    /// buffering at most this many bytes of it; `None` = all in memory.
    pub band_buffer_bytes: Option<usize>,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            inputs: Vec::new(),
            output_dir: PathBuf::from("shingle-out"),
            text_field: "text".into(),
            id_field: "id".into(),
            sketch: SketchParams::default(),
            threshold: 0.8,
            lsh: None,
            fn_weight: None,
            keep: KeepRule::First,
            verify: VerifyMode::Exact,
            threads: 0,
            progress: true,
            on_bad_record: BadRecordPolicy::Error,
            max_record_bytes: 64 << 20,
            tmp_dir: None,
            verify_from_input: false,
            block_bytes: 0,
            strip_lines: None,
            band_buffer_bytes: None,
        }
    }
}

impl DedupConfig {
    /// Weight of false negatives used to choose bands and rows.
    pub fn effective_fn_weight(&self) -> f64 {
        self.fn_weight.unwrap_or(match self.verify {
            VerifyMode::None => 0.5,
            _ => 0.95,
        })
    }

    /// The banding actually used.
    pub fn lsh_params(&self) -> LshParams {
        self.lsh.unwrap_or_else(|| {
            LshParams::optimal(
                self.threshold,
                self.sketch.num_perm,
                self.effective_fn_weight(),
            )
        })
    }

    /// Checks ranges and combinations.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Config(m));
        if self.inputs.is_empty() {
            return bad("no input given".into());
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(format!(
                "--threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        if self.sketch.ngram == 0 || self.sketch.ngram > 1000 {
            return bad(format!(
                "--ngram must be 1..=1000, got {}",
                self.sketch.ngram
            ));
        }
        if self.sketch.num_perm == 0 || self.sketch.num_perm > 4096 {
            return bad(format!(
                "--num-perm must be 1..=4096, got {}",
                self.sketch.num_perm
            ));
        }
        if let Some(w) = self.fn_weight {
            if !(0.0..=1.0).contains(&w) {
                return bad(format!("--fn-weight must be in [0, 1], got {w}"));
            }
        }
        let lsh = self.lsh_params();
        if lsh.bands == 0 || lsh.rows == 0 || lsh.used_permutations() > self.sketch.num_perm {
            return bad(format!(
                "bands × rows = {} × {} must be at least 1 and at most --num-perm ({})",
                lsh.bands, lsh.rows, self.sketch.num_perm
            ));
        }
        if self.max_record_bytes == 0 || self.max_record_bytes > u32::MAX as usize {
            return bad("--max-record-bytes must be 1..4 GiB".into());
        }
        if self.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return bad("stdin (-) can be given only once".into());
        }
        if self.strip_lines.is_some_and(|k| k < 2) {
            return bad("--strip-lines must be at least 2 (1 would remove every line)".into());
        }
        Ok(())
    }
}

/// Counts of documents by fate. `read = kept + removed + skipped`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DocumentCounts {
    /// Records read (lines of JSONL that are not blank, and text files).
    pub read: u64,
    /// Documents written to the deduplicated output.
    pub kept: u64,
    /// Documents removed as duplicates (`removed_exact + removed_near`).
    pub removed: u64,
    /// Removed because identical after normalization to the kept document.
    pub removed_exact: u64,
    /// Removed as near-duplicates of the kept document.
    pub removed_near: u64,
    /// Records skipped as bad (only with `--on-bad-record skip`).
    pub skipped: u64,
    /// Kept documents with no words (never clustered).
    pub empty: u64,
}

/// Everything `stats.json` reports.
#[derive(Debug, Clone, Serialize)]
pub struct DedupStats {
    /// Tool version.
    pub shingle_version: &'static str,
    /// Inputs in reading order.
    pub inputs: Vec<InputStat>,
    /// Document counts.
    pub documents: DocumentCounts,
    /// Uncompressed bytes of all records read.
    pub bytes_read: u64,
    /// Whitespace-only lines in JSONL inputs (not documents).
    pub blank_lines: u64,
    /// Duplicate clusters (a kept document and the ones removed in its favour).
    pub clusters: u64,
    /// Number of clusters by size.
    pub cluster_sizes: BTreeMap<u64, u64>,
    /// Candidate pairs from LSH (distinct).
    pub candidate_pairs: u64,
    /// Candidate pairs that passed verification.
    pub verified_pairs: u64,
    /// Skipped records by reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// With `--strip-lines`: distinct lines removed wherever they occurred.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripped_common_lines: Option<u64>,
    /// Parameters of the run.
    pub parameters: Parameters,
    /// Temporary disk space used.
    pub disk: DiskUse,
    /// What varies from run to run (excluded from determinism checks).
    pub run: RunInfo,
}

/// Temporary disk space a run used (all of it is removed at the end).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiskUse {
    /// The document store: ids and, with exact verification, shingle fingerprints.
    pub doc_store_bytes: u64,
    /// With `--memory-limit`: the sorted band runs.
    pub band_run_bytes: u64,
    /// With `--memory-limit`: sorted runs per band.
    pub band_runs: u64,
    /// With `--memory-limit`: bytes of band data buffered before a run is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band_buffer_bytes: Option<usize>,
}

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub struct InputStat {
    /// As named.
    pub file: String,
    /// Detected compression.
    pub compression: Compression,
    /// Size on disk.
    pub bytes: u64,
}

/// The parameters used, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    /// Similarity threshold.
    pub threshold: f64,
    /// Permutations K.
    pub num_perm: usize,
    /// n of the n-grams.
    pub ngram: usize,
    /// words or chars.
    pub shingle: &'static str,
    /// Case folding on?
    pub lowercase: bool,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Weight of false negatives used to choose bands and rows.
    pub fn_weight: f64,
    /// Candidate probability at a few similarities, for reference.
    pub candidate_probability: BTreeMap<String, f64>,
    /// Seed.
    pub seed: u64,
    /// `--strip-lines K`: lines in at least K documents (and in-document
    /// repeats) were removed before sketching.
    pub strip_lines: Option<u64>,
    /// Keep rule.
    pub keep: KeepRule,
    /// Verification mode.
    pub verify: VerifyMode,
    /// `--verify-from-input`: documents of uncompressed inputs were shingled
    /// again from the input to be verified.
    pub verify_from_input: bool,
    /// Bad-record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Text field path.
    pub text_field: String,
    /// Id field path.
    pub id_field: String,
    /// Record size limit.
    pub max_record_bytes: usize,
}

/// Wall times and threads: the part of the stats that differs between runs.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RunInfo {
    /// Worker threads used.
    pub threads: usize,
    /// Seconds per stage.
    pub seconds: BTreeMap<&'static str, f64>,
}

/// What a run produced, for the caller.
#[derive(Debug, Clone)]
pub struct DedupOutcome {
    /// The statistics written to `stats.json`.
    pub stats: DedupStats,
    /// Paths of the files written.
    pub files: Vec<PathBuf>,
}

/// Runs `shingle dedup`.
pub fn run(config: &DedupConfig) -> Result<DedupOutcome> {
    config.validate()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start threads: {e}")))?;
    let threads = pool.current_num_threads();
    pool.install(|| Job::new(config)?.run(threads))
}

/// Candidate pairs decided per batch (see [`Job::decide_publishing`]): big
/// enough to keep every core busy verifying, small enough that the published
/// kept bits advance often.
const PAIRS_PER_BATCH: usize = 4096;

/// Text (bytes) of one batch's documents shingled ahead of verification at
/// most: their fingerprints take about 2/3 of it (a word of ~6 bytes is a
/// 4-byte fingerprint).
const LOADED_TEXT_BYTES: usize = 64 << 20;

/// A candidate pair of groups keyed by its component: `(first group, a, b)`.
type KeyedPair = (u32, u32, u32);

/// Sorts candidate pairs of groups into batches of whole components (groups
/// joined by candidate pairs), in the order of each component's first group,
/// as `(first group of the component, a, b)`; within a component pairs stay
/// sorted by `(a, b)`. A batch is closed at the first component boundary after
/// `per_batch` pairs; the first batches are smaller (a sixteenth, doubling), so
/// the first decisions are published soon. Returns the keyed pairs and the
/// batches as ranges of them.
fn candidate_batches(
    candidates: &[(u32, u32)],
    per_batch: usize,
) -> (Vec<KeyedPair>, Vec<std::ops::Range<usize>>) {
    let mut groups: Vec<u32> = candidates.iter().flat_map(|&(a, b)| [a, b]).collect();
    groups.par_sort_unstable();
    groups.dedup();
    let index = |g: u32| groups.binary_search(&g).expect("a candidate's group") as u32;
    // Union-find over group indices, each root the smallest index of its
    // set, so a root names the component's first group.
    let mut parent: Vec<u32> = (0..groups.len() as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for &(a, b) in candidates {
        let (ra, rb) = (root(&mut parent, index(a)), root(&mut parent, index(b)));
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
    let mut keyed: Vec<KeyedPair> = candidates
        .iter()
        .map(|&(a, b)| (groups[root(&mut parent, index(a)) as usize], a, b))
        .collect();
    keyed.par_sort_unstable();
    let mut batches = Vec::new();
    let mut start = 0;
    let mut size = (per_batch / 16).max(1);
    while start < keyed.len() {
        let mut end = start + size.min(keyed.len() - start);
        size = size.saturating_mul(2).min(per_batch);
        while end < keyed.len() && keyed[end].0 == keyed[end - 1].0 {
            end += 1;
        }
        batches.push(start..end);
        start = end;
    }
    (keyed, batches)
}

/// Whether a document is kept, asked in document order by the writer of the
/// kept records.
pub(crate) trait KeptDocs: Sync {
    /// Whether document `doc` is kept; may wait for the decision.
    fn is_kept(&self, doc: u64) -> Result<bool>;
}

impl KeptDocs for Bits {
    fn is_kept(&self, doc: u64) -> Result<bool> {
        Ok(self.get(doc))
    }
}

/// Kept bits published in document order while clustering is still running,
/// so the kept records can be copied (a disk-bound job) while later
/// components are verified (a CPU-bound one).
///
/// The decider clears bits (only of documents not yet published), then
/// publishes a bound below which every bit is final; the writer reads a bit
/// only below the published bound, waiting otherwise.
pub(crate) struct KeptFrontier {
    bits: Vec<AtomicU64>,
    docs: u64,
    /// Documents below this are final (`u64::MAX`: failed).
    published: AtomicU64,
    /// Whether the writer is waiting for a decision.
    writer_waiting: std::sync::atomic::AtomicBool,
    wait: std::sync::Mutex<()>,
    wake: std::sync::Condvar,
}

impl KeptFrontier {
    const FAILED: u64 = u64::MAX;

    /// `docs` documents, all kept, none published.
    pub(crate) fn new(docs: u64) -> Self {
        KeptFrontier {
            bits: (0..docs.div_ceil(64))
                .map(|_| AtomicU64::new(u64::MAX))
                .collect(),
            docs,
            published: AtomicU64::new(0),
            writer_waiting: std::sync::atomic::AtomicBool::new(false),
            wait: std::sync::Mutex::new(()),
            wake: std::sync::Condvar::new(),
        }
    }

    /// Marks `doc` removed (before it is published).
    fn remove(&self, doc: u32) {
        debug_assert!(u64::from(doc) >= self.published.load(Ordering::Relaxed));
        self.bits[doc as usize / 64].fetch_and(!(1 << (doc % 64)), Ordering::Relaxed);
    }

    /// Every document below `bound` is final.
    fn publish(&self, bound: u64) {
        let _lock = self.wait.lock().unwrap_or_else(|e| e.into_inner());
        let bound = bound.min(self.docs);
        if self.published.load(Ordering::Relaxed) < bound {
            self.published.store(bound, Ordering::Release);
        }
        self.wake.notify_all();
    }

    /// Wakes the writer with an error unless every document was published.
    fn fail_unless_complete(&self) {
        let _lock = self.wait.lock().unwrap_or_else(|e| e.into_inner());
        if self.published.load(Ordering::Relaxed) < self.docs {
            self.published.store(Self::FAILED, Ordering::Release);
        }
        self.wake.notify_all();
    }

    /// Whether the writer is waiting for decisions (clustering is then the
    /// slower side and should use every thread).
    fn writer_waiting(&self) -> bool {
        self.writer_waiting.load(Ordering::Relaxed)
    }

    /// True when the published bits are `kept`.
    fn matches(&self, kept: &Bits) -> bool {
        self.bits
            .iter()
            .zip(&kept.0)
            .all(|(a, &b)| a.load(Ordering::Relaxed) == b)
    }
}

impl KeptDocs for KeptFrontier {
    fn is_kept(&self, doc: u64) -> Result<bool> {
        let mut published = self.published.load(Ordering::Acquire);
        if doc >= published {
            let mut lock = self.wait.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                published = self.published.load(Ordering::Acquire);
                if doc < published {
                    break;
                }
                self.writer_waiting.store(true, Ordering::Relaxed);
                lock = self.wake.wait(lock).unwrap_or_else(|e| e.into_inner());
            }
            self.writer_waiting.store(false, Ordering::Relaxed);
        }
        if published == Self::FAILED {
            return Err(Error::Config(
                "clustering stopped before deciding every document".into(),
            ));
        }
        Ok(self.bits[doc as usize / 64].load(Ordering::Relaxed) >> (doc % 64) & 1 == 1)
    }
}

/// Removes the run's temporary directory however the run ends.
pub(crate) struct WorkDir(pub(crate) PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fixed-size bit set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bits(pub(crate) Vec<u64>);

impl Bits {
    pub(crate) fn push(&mut self, index: u64, value: bool) {
        let word = (index / 64) as usize;
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        if value {
            self.0[word] |= 1 << (index % 64);
        }
    }
    pub(crate) fn get(&self, index: u64) -> bool {
        self.0
            .get((index / 64) as usize)
            .is_some_and(|w| w & (1 << (index % 64)) != 0)
    }
    fn set(&mut self, index: u64, value: bool) {
        let word = &mut self.0[(index / 64) as usize];
        if value {
            *word |= 1 << (index % 64);
        } else {
            *word &= !(1 << (index % 64));
        }
    }
}

/// What pass 1 keeps per document (struct of arrays, indexed by document number).
#[derive(Default)]
pub(crate) struct DocTable {
    pub(crate) exact: Vec<u128>,
    pub(crate) text_len: Vec<u32>,
    pub(crate) store_offset: Vec<u64>,
    pub(crate) empty: Bits,
    /// The LSH band keys, one list per band (band-major: bucketing a band
    /// then reads one contiguous list instead of every document's keys).
    pub(crate) band_keys: Vec<Vec<u64>>,
    pub(crate) signatures: Vec<u32>,
}

impl DocTable {
    pub(crate) fn len(&self) -> usize {
        self.exact.len()
    }
}

/// The per-record result of sketching, produced by workers.
enum Entry {
    Doc {
        exact: u128,
        text_len: u32,
        empty: bool,
        store_len: u32,
    },
    Bad {
        source: u32,
        line: u64,
        bad: BadRecord,
    },
}

/// A worker's output for a run of consecutive records; flat buffers so that no
/// allocation happens per document.
#[derive(Default)]
struct ChunkOut {
    entries: Vec<Entry>,
    store: Vec<u8>,
    band_keys: Vec<u64>,
    signatures: Vec<u32>,
}

/// Reusable per-thread state for sketching.
struct Worker<'a> {
    job: &'a Job<'a>,
    sketcher: Sketcher,
    text: String,
    signature: Vec<u32>,
    id: Vec<u8>,
    /// With `--strip-lines`: removes common lines before sketching.
    stripper: Option<LineStripper<'a>>,
}

impl<'a> Worker<'a> {
    fn new(job: &'a Job<'a>) -> Self {
        Worker {
            job,
            sketcher: Sketcher::new(&job.config.sketch),
            text: String::new(),
            signature: vec![0; job.config.sketch.num_perm],
            id: Vec::new(),
            stripper: job.line_filter.as_ref().map(LineStripper::new),
        }
    }

    /// Sketches `records`; their document-store records go to `store` (an
    /// empty buffer, reused from the store's pool).
    fn process(&mut self, block: &Block, records: &[RawRecord], store: Vec<u8>) -> ChunkOut {
        let mut out = ChunkOut {
            entries: Vec::with_capacity(records.len()),
            store,
            ..ChunkOut::default()
        };
        for record in records {
            match self.sketch_record(block, record, &mut out) {
                Ok(()) => {}
                Err(bad) => out.entries.push(Entry::Bad {
                    source: record.source,
                    line: record.line,
                    bad,
                }),
            }
        }
        out
    }

    fn sketch_record(
        &mut self,
        block: &Block,
        record: &RawRecord,
        out: &mut ChunkOut,
    ) -> std::result::Result<(), BadRecord> {
        let job = self.job;
        let source = &job.sources[record.source as usize];
        let (text, id) = input::parse_record(
            source,
            &job.fields,
            job.config.max_record_bytes,
            block,
            record,
            &mut self.text,
        )?;
        self.id.clear();
        id.write_json(source, record.line, &mut self.id);
        // `--keep longest` compares the text as given, before any stripping.
        let text_len = text.len() as u32;
        let text = match self.stripper.as_mut() {
            Some(stripper) => stripper.strip(text),
            None => text,
        };
        let summary = self.sketcher.sketch(text, &mut self.signature);
        let store_start = out.store.len();
        let exact_sets = job.config.verify == VerifyMode::Exact && !summary.is_empty();
        match u32::try_from(record.end - record.start) {
            // Verification shingles the few documents it reads again from an
            // uncompressed input, so only their place is stored.
            Ok(len)
                if exact_sets && job.sets_from_input && source.compression == Compression::None =>
            {
                let at = InputLocation {
                    source: record.source,
                    offset: record.offset,
                    len,
                };
                encode_doc_location(&self.id, at, &mut out.store);
            }
            // Stored as computed; sorted into a set only if it is ever read
            // for verification (most documents never are).
            _ if exact_sets => encode_doc(&self.id, self.sketcher.shingles(), &mut out.store),
            _ => encode_doc(&self.id, &[], &mut out.store),
        }
        let keys_at = out.band_keys.len();
        out.band_keys.resize(keys_at + job.lsh.bands, 0);
        job.lsh
            .band_keys(&self.signature, &mut out.band_keys[keys_at..]);
        if job.keep_signatures {
            out.signatures.extend_from_slice(&self.signature);
        }
        out.entries.push(Entry::Doc {
            exact: summary.exact,
            text_len,
            empty: summary.is_empty(),
            store_len: (out.store.len() - store_start) as u32,
        });
        Ok(())
    }
}

/// State shared by the stages of one run.
pub(crate) struct Job<'a> {
    config: &'a DedupConfig,
    lsh: LshParams,
    fields: FieldPaths,
    sources: Vec<Source>,
    keep_signatures: bool,
    work_dir: WorkDir,
    output_compression: Compression,
    /// With `--strip-lines`: the lines removed before sketching.
    line_filter: Option<LineFilter>,
    /// Where bad records are listed under `--on-bad-record skip`.
    skipped_path: PathBuf,
    /// Candidate pairs decided per batch ([`PAIRS_PER_BATCH`]; tests vary it).
    pairs_per_batch: usize,
    /// Whether documents of uncompressed inputs are stored by their place in
    /// the input (shingled again when verified) rather than with their
    /// fingerprints: for a run that reads its own inputs, not for a shard,
    /// whose store must stand without them.
    sets_from_input: bool,
}

/// Pins the type of a closure that verifies a run of candidate pairs with a
/// scratch of the similarity's lifetime (an annotated closure parameter would
/// take scratches of every lifetime, which the similarity cannot serve).
fn pair_verifier<'s, F>(verify: F) -> F
where
    F: Fn(&mut SimilarityScratch<'s>, &[KeyedPair]) -> Result<Vec<(u32, u32, f64)>>,
{
    verify
}

/// Pass-1 results that later stages need.
pub(crate) struct Pass1 {
    pub(crate) docs: DocTable,
    /// Document stores (one per input file in a sharded run); emptied (and
    /// deleted) once the ids are written.
    pub(crate) stores: Vec<DocStore>,
    /// With `band_buffer_bytes`: the band data, on disk.
    pub(crate) band_runs: Option<BandRuns>,
    /// Bit per record: was it skipped?
    pub(crate) skipped_records: Bits,
    pub(crate) records: u64,
    pub(crate) counts: DocumentCounts,
    pub(crate) skipped_by_reason: BTreeMap<&'static str, u64>,
    pub(crate) skipped_file: Option<Staged>,
    pub(crate) bytes_read: u64,
    pub(crate) blank_lines: u64,
}

/// What clustering decided for each duplicate document.
pub(crate) struct Decisions {
    /// Document → is it kept.
    pub(crate) kept: Bits,
    /// `(kept_doc, member, similarity)` for every document of a cluster with at
    /// least one removed member, the kept document first, sorted by kept document.
    pub(crate) clusters: Vec<(u32, u32, f64)>,
    pub(crate) cluster_sizes: BTreeMap<u64, u64>,
    pub(crate) removed_exact: u64,
    pub(crate) removed_near: u64,
    pub(crate) candidate_pairs: u64,
    pub(crate) verified_pairs: u64,
}

impl<'a> Job<'a> {
    fn new(config: &'a DedupConfig) -> Result<Self> {
        let out = &config.output_dir;
        std::fs::create_dir_all(out).map_err(|e| Error::io("creating", out, e))?;
        // A stale stats.json would make a failed run look complete.
        let stale = out.join("stats.json");
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| Error::io("removing", &stale, e))?;
        }
        let tmp_parent = config.tmp_dir.as_deref().unwrap_or(out);
        let work = tmp_parent.join(format!(".shingle-work-{}", std::process::id()));
        std::fs::create_dir_all(&work).map_err(|e| Error::io("creating", &work, e))?;
        let work_dir = WorkDir(work);
        let spool = if config.inputs.iter().any(|p| p.as_os_str() == "-") {
            let path = work_dir.0.join("stdin.jsonl");
            input::spool_stdin(&path)?;
            Some(path)
        } else {
            None
        };
        let sources = input::discover(&config.inputs, spool.as_deref())?;
        let skipped_path = config.output_dir.join("skipped.jsonl");
        let mut job = Self::assemble(config, sources, work_dir, skipped_path)?;
        job.sets_from_input = config.verify_from_input && config.verify == VerifyMode::Exact;
        Ok(job)
    }

    /// A job over sources discovered elsewhere (a shard of a sharded run), with
    /// its temporary files in `work` (removed when the job ends) and bad records
    /// listed in `skipped_path`.
    pub(crate) fn for_sources(
        config: &'a DedupConfig,
        sources: Vec<Source>,
        work: PathBuf,
        skipped_path: PathBuf,
    ) -> Result<Self> {
        std::fs::create_dir_all(&work).map_err(|e| Error::io("creating", &work, e))?;
        Self::assemble(config, sources, WorkDir(work), skipped_path)
    }

    /// The parts both constructors share; output is compressed like the first
    /// input.
    fn assemble(
        config: &'a DedupConfig,
        sources: Vec<Source>,
        work_dir: WorkDir,
        skipped_path: PathBuf,
    ) -> Result<Self> {
        let output_compression = sources
            .first()
            .map(|s| s.compression)
            .unwrap_or(Compression::None);
        Ok(Job {
            config,
            lsh: config.lsh_params(),
            fields: FieldPaths::new(&config.text_field, &config.id_field)?,
            sources,
            keep_signatures: config.verify != VerifyMode::Exact,
            work_dir,
            output_compression,
            line_filter: None,
            skipped_path,
            pairs_per_batch: PAIRS_PER_BATCH,
            sets_from_input: false,
        })
    }

    /// The job's temporary directory.
    pub(crate) fn work_path(&self) -> &Path {
        &self.work_dir.0
    }

    /// Parameters recorded in band-run files.
    pub(crate) fn runs_params(&self) -> RunsParams {
        RunsParams {
            bands: self.lsh.bands,
            rows: self.lsh.rows,
            sketch: self.config.sketch.clone(),
        }
    }

    fn run(mut self, threads: usize) -> Result<DedupOutcome> {
        let total = Instant::now();
        let mut seconds = BTreeMap::new();
        if let Some(min_docs) = self.config.strip_lines {
            let t = Instant::now();
            self.line_filter = Some(LineFilter::count(&self.lines_config(min_docs))?);
            seconds.insert("count_lines", t.elapsed().as_secs_f64());
        }
        let total_bytes: u64 = self.sources.iter().map(|s| s.size).sum();
        let progress = Progress::new(self.config.progress, total_bytes, "sketch");

        let t = Instant::now();
        let pass1 = self.pass1(&progress)?;
        seconds.insert("read_sketch", t.elapsed().as_secs_f64());

        progress.phase("cluster");
        let rep_pairs = match &pass1.band_runs {
            Some(runs) => {
                let t = Instant::now();
                let pairs = crate::runs::candidates(&[(runs, 0)], self.lsh.bands)?;
                seconds.insert("merge_runs", t.elapsed().as_secs_f64());
                Some(pairs)
            }
            None => None,
        };
        let disk = DiskUse {
            doc_store_bytes: pass1.stores.iter().map(DocStore::bytes).sum(),
            band_run_bytes: pass1.band_runs.as_ref().map_or(0, BandRuns::bytes),
            band_runs: pass1.band_runs.as_ref().map_or(0, |r| u64::from(r.runs())),
            band_buffer_bytes: self.config.band_buffer_bytes,
        };
        // Plain output is copied while clustering runs: the copy waits on the
        // disk and clustering on the CPU. The writer reads each document's
        // fate from a `KeptFrontier` the clustering publishes to, in document
        // order. Compressed output is CPU work itself and waits for the end.
        let overlap = self.output_compression == Compression::None;
        let frontier = overlap.then(|| KeptFrontier::new(pass1.docs.len() as u64));
        let job = &self;
        let (pass1_ref, progress_ref) = (&pass1, &progress);
        let discard = || -> Result<()> { pass1_ref.stores.iter().try_for_each(DocStore::discard) };
        let outcome = std::thread::scope(|scope| -> Result<_> {
            let writer = frontier.as_ref().map(|frontier| {
                scope.spawn(move || {
                    let t = Instant::now();
                    let written = job.write_deduped(pass1_ref, frontier, progress_ref, threads);
                    (written, t.elapsed().as_secs_f64())
                })
            });
            let join = |writer: std::thread::ScopedJoinHandle<'_, _>| {
                writer
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            };
            // On an error the frontier is failed and the writer stops; its
            // error is then only that it was stopped, so clustering's is
            // the one returned.
            let decisions =
                job.decide_publishing(pass1_ref, rep_pairs, &mut seconds, frontier.as_ref());
            let decisions = match decisions {
                Ok(decisions) => decisions,
                Err(e) => {
                    if let Some(writer) = writer {
                        let _ = join(writer);
                    }
                    return Err(e);
                }
            };
            progress_ref.phase("write");
            let after_decisions = Instant::now();
            // The cluster file (ids read back from the document store) is
            // written while the kept records are copied, and the store is
            // deleted as soon as it is read.
            let write_clusters = || {
                let staged =
                    job.write_clusters(&pass1_ref.stores, &pass1_ref.docs.store_offset, &decisions);
                discard()?;
                staged
            };
            let (clusters, (deduped, write_seconds)) = match writer {
                Some(writer) => {
                    let clusters = write_clusters();
                    (clusters, join(writer))
                }
                None => std::thread::scope(|inner| {
                    let clusters = inner.spawn(write_clusters);
                    let t = Instant::now();
                    let written =
                        job.write_deduped(pass1_ref, &decisions.kept, progress_ref, threads);
                    let written = (written, t.elapsed().as_secs_f64());
                    let clusters = clusters
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p));
                    (clusters, written)
                }),
            };
            let tail = after_decisions.elapsed().as_secs_f64();
            Ok((decisions, clusters?, deduped?, write_seconds, tail))
        });
        let (decisions, clusters, (deduped, kept), write_seconds, tail) = outcome?;
        let mut staged = vec![clusters];
        staged.push(deduped);
        // `write`: writing after the decisions were complete; `write_deduped`:
        // the whole copy of the kept records, which with plain output starts
        // with clustering (so stage times add up to more than the total).
        seconds.insert("write", tail);
        seconds.insert("write_deduped", write_seconds);
        progress.finish();

        seconds.insert("total", total.elapsed().as_secs_f64());
        let stats = self.stats(&pass1, &decisions, kept, disk, RunInfo { threads, seconds })?;
        if let Some(skipped) = pass1.skipped_file {
            staged.push(skipped);
        }
        let stats_path = self.config.output_dir.join("stats.json");
        staged.push(write_pretty_json(&stats_path, &stats)?);
        let mut files = Vec::new();
        for s in staged {
            files.push(s.destination().to_path_buf());
            s.commit()?;
        }
        Ok(DedupOutcome { stats, files })
    }

    /// The statistics of a run that kept `kept` documents; checks that every
    /// record is accounted for (kept + removed + skipped = read).
    pub(crate) fn stats(
        &self,
        pass1: &Pass1,
        decisions: &Decisions,
        kept: u64,
        disk: DiskUse,
        run: RunInfo,
    ) -> Result<DedupStats> {
        let mut counts = pass1.counts.clone();
        counts.kept = kept;
        counts.removed_exact = decisions.removed_exact;
        counts.removed_near = decisions.removed_near;
        counts.removed = decisions.removed_exact + decisions.removed_near;
        if counts.kept + counts.removed + counts.skipped != counts.read {
            return Err(Error::Config(format!(
                "internal accounting error: kept {} + removed {} + skipped {} != read {}",
                counts.kept, counts.removed, counts.skipped, counts.read
            )));
        }
        Ok(DedupStats {
            shingle_version: env!("CARGO_PKG_VERSION"),
            inputs: self
                .sources
                .iter()
                .map(|s| InputStat {
                    file: s.name.display().to_string(),
                    compression: s.compression,
                    bytes: s.size,
                })
                .collect(),
            documents: counts,
            bytes_read: pass1.bytes_read,
            blank_lines: pass1.blank_lines,
            clusters: decisions.cluster_sizes.values().sum(),
            cluster_sizes: decisions.cluster_sizes.clone(),
            candidate_pairs: decisions.candidate_pairs,
            verified_pairs: decisions.verified_pairs,
            skipped: pass1.skipped_by_reason.clone(),
            stripped_common_lines: self.line_filter.as_ref().map(|f| f.common_lines() as u64),
            parameters: self.parameters(),
            disk,
            run,
        })
    }

    /// The line-counting pass of `--strip-lines` reads the same sources (stdin
    /// through its spooled copy) with the same fields and bad-record policy.
    fn lines_config(&self, min_docs: u64) -> LinesConfig {
        let c = self.config;
        LinesConfig {
            inputs: self.sources.iter().map(|s| s.path.clone()).collect(),
            text_field: c.text_field.clone(),
            id_field: c.id_field.clone(),
            min_docs,
            threads: c.threads,
            progress: c.progress,
            on_bad_record: c.on_bad_record,
            max_record_bytes: c.max_record_bytes,
            tmp_dir: c.tmp_dir.clone(),
            block_bytes: c.block_bytes,
            ..LinesConfig::default()
        }
    }

    pub(crate) fn parameters(&self) -> Parameters {
        let c = self.config;
        Parameters {
            threshold: c.threshold,
            num_perm: c.sketch.num_perm,
            ngram: c.sketch.ngram,
            shingle: c.sketch.shingle.name(),
            lowercase: c.sketch.normalize.lowercase,
            bands: self.lsh.bands,
            rows: self.lsh.rows,
            fn_weight: c.effective_fn_weight(),
            candidate_probability: [0.5, 0.7, c.threshold, 0.9]
                .iter()
                .map(|&s| {
                    (
                        format!("{s:.2}"),
                        (self.lsh.candidate_probability(s) * 1e4).round() / 1e4,
                    )
                })
                .collect(),
            seed: c.sketch.seed,
            strip_lines: c.strip_lines,
            keep: c.keep,
            verify: c.verify,
            verify_from_input: c.verify_from_input,
            on_bad_record: c.on_bad_record,
            text_field: c.text_field.clone(),
            id_field: c.id_field.clone(),
            max_record_bytes: c.max_record_bytes,
        }
    }

    /// Pass 1: read, parse and sketch every record; keep the compact per-document
    /// data and spill ids and shingle hashes to the document store.
    pub(crate) fn pass1(&self, progress: &Progress) -> Result<Pass1> {
        let config = self.config;
        let mut store = DocStoreWriter::create(&self.work_dir.0.join("docs.bin"), &config.sketch)?;
        let store_buffers = store.buffers();
        let mut band_runs = match config.band_buffer_bytes {
            Some(budget) => Some(BandRunWriter::create(
                &self.work_dir.0.join("bands.band"),
                &self.runs_params(),
                budget,
            )?),
            None => None,
        };
        let mut docs = DocTable::default();
        let mut skipped_records = Bits::default();
        let mut records = 0u64;
        let mut counts = DocumentCounts::default();
        let mut skipped_by_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut skipped_file = match config.on_bad_record {
            BadRecordPolicy::Skip => {
                Some(AtomicWriter::create(&self.skipped_path, Compression::None)?)
            }
            BadRecordPolicy::Error => None,
        };
        let mut bytes_read = 0u64;
        let mut blank_lines = 0u64;

        input::stream_blocks(
            &self.sources,
            config.max_record_bytes,
            config.block_bytes,
            |block, consumed| {
                blank_lines += block.blank_lines;
                let chunks: Vec<ChunkOut> = block
                    .chunks()
                    .into_par_iter()
                    .map_init(
                        || Worker::new(self),
                        |w, records| w.process(block, records, store_buffers.take()),
                    )
                    .collect();
                let mut record_iter = block.records.iter();
                for mut chunk in chunks {
                    let offset = store.append(std::mem::take(&mut chunk.store))?;
                    let mut store_pos = offset;
                    let mut doc_in_chunk = 0usize;
                    for entry in chunk.entries {
                        let record = record_iter.next().expect("one entry per record");
                        records += 1;
                        match entry {
                            Entry::Doc {
                                exact,
                                text_len,
                                empty,
                                store_len,
                            } => {
                                let doc = docs.len() as u64;
                                if doc >= u32::MAX as u64 {
                                    return Err(Error::Config(
                                        "more than 4 billion documents in one run; split the input"
                                            .into(),
                                    ));
                                }
                                skipped_records.push(records - 1, false);
                                docs.exact.push(exact);
                                docs.text_len.push(text_len);
                                if store_pos >= 1 << crate::verify::STORE_OFFSET_BITS {
                                    return Err(Error::Config(
                                        "document store over 16 TiB in one run; split the input"
                                            .into(),
                                    ));
                                }
                                docs.store_offset.push(store_location(0, store_pos));
                                docs.empty.push(doc, empty);
                                counts.empty += empty as u64;
                                store_pos += store_len as u64;
                                bytes_read += (record.end_with_terminator - record.start) as u64;
                                let b = self.lsh.bands;
                                let keys =
                                    &chunk.band_keys[doc_in_chunk * b..(doc_in_chunk + 1) * b];
                                match band_runs.as_mut() {
                                    Some(runs) if !empty => runs.push(doc as u32, exact, keys)?,
                                    Some(_) => {}
                                    None => {
                                        docs.band_keys.resize_with(b, Vec::new);
                                        for (list, &key) in docs.band_keys.iter_mut().zip(keys) {
                                            list.push(key);
                                        }
                                    }
                                }
                                if self.keep_signatures {
                                    let k = config.sketch.num_perm;
                                    docs.signatures.extend_from_slice(
                                        &chunk.signatures[doc_in_chunk * k..(doc_in_chunk + 1) * k],
                                    );
                                }
                                doc_in_chunk += 1;
                            }
                            Entry::Bad { source, line, bad } => {
                                let location =
                                    Location::new(&self.sources[source as usize].name, line);
                                bytes_read += (record.end_with_terminator - record.start) as u64;
                                match skipped_file.as_mut() {
                                    None => {
                                        return Err(Error::BadRecord {
                                            location,
                                            reason: bad.reason,
                                            detail: bad.detail,
                                        })
                                    }
                                    Some(file) => {
                                        skipped_records.push(records - 1, true);
                                        counts.skipped += 1;
                                        *skipped_by_reason.entry(bad.reason.name()).or_default() +=
                                            1;
                                        write_json_line(
                                            file,
                                            &serde_json::json!({
                                                "file": location.file.display().to_string(),
                                                "line": location.line,
                                                "reason": bad.reason.name(),
                                                "detail": bad.detail,
                                            }),
                                        )
                                        .map_err(|e| {
                                            Error::io("writing", Path::new("skipped.jsonl"), e)
                                        })?;
                                    }
                                }
                            }
                        }
                    }
                }
                progress.update(consumed, records);
                Ok(std::ops::ControlFlow::Continue(()))
            },
        )?;
        counts.read = records;
        let skipped_file = skipped_file.map(AtomicWriter::finish).transpose()?;
        let store = store.finish(&config.sketch)?;
        let band_runs = band_runs.map(BandRunWriter::finish).transpose()?;
        Ok(Pass1 {
            docs,
            stores: vec![store],
            band_runs,
            skipped_records,
            records,
            counts,
            skipped_by_reason,
            skipped_file,
            bytes_read,
            blank_lines,
        })
    }

    /// Exact groups, LSH candidates, verification, and clustering in keep order.
    /// `rep_pairs`: LSH candidates already found (from band runs on disk), as
    /// pairs of representative documents; `None` = bucket the in-memory keys.
    pub(crate) fn decide(
        &self,
        pass1: &Pass1,
        rep_pairs: Option<Vec<(u32, u32)>>,
        seconds: &mut BTreeMap<&'static str, f64>,
    ) -> Result<Decisions> {
        self.decide_publishing(pass1, rep_pairs, seconds, None)
    }

    /// [`Job::decide`], publishing each document's kept bit to `frontier` as
    /// soon as it is final (in document order). On an error or a panic the
    /// frontier is failed, so a writer waiting on it stops.
    pub(crate) fn decide_publishing(
        &self,
        pass1: &Pass1,
        rep_pairs: Option<Vec<(u32, u32)>>,
        seconds: &mut BTreeMap<&'static str, f64>,
        frontier: Option<&KeptFrontier>,
    ) -> Result<Decisions> {
        struct FailUnlessDone<'f>(Option<&'f KeptFrontier>);
        impl Drop for FailUnlessDone<'_> {
            fn drop(&mut self) {
                if let Some(frontier) = self.0 {
                    frontier.fail_unless_complete();
                }
            }
        }
        let _guard = FailUnlessDone(frontier);
        let docs = &pass1.docs;
        let n = docs.len();
        let threshold = self.config.threshold;
        let verify = self.config.verify;

        // Exact duplicates: sort by hash. Each group is represented in LSH and
        // verification by its first document in input order (`reps[g]`); groups
        // are numbered in the order of their representatives.
        let t = Instant::now();
        // Documents sorted by (hash, number); groups are ranges of it (4 bytes
        // per document plus 8 per group, instead of carrying the hashes along).
        let (by_hash, mut ranges) = exact_groups(docs);
        // Groups in the order of their first member (its representative).
        ranges.par_sort_unstable_by_key(|&(s, _)| by_hash[s as usize]);
        let members = |g: usize| &by_hash[ranges[g].0 as usize..ranges[g].1 as usize];
        let reps: Vec<u32> = ranges.iter().map(|&(s, _)| by_hash[s as usize]).collect();
        // The leader of a group is its first member in keep order.
        let priority = |d: u32| match self.config.keep {
            KeepRule::First => (0, d),
            KeepRule::Longest => (u32::MAX - docs.text_len[d as usize], d),
        };
        let leaders: Vec<u32> = (0..ranges.len())
            .map(|g| {
                members(g)
                    .iter()
                    .copied()
                    .min_by_key(|&d| priority(d))
                    .expect("non-empty")
            })
            .collect();
        seconds.insert("exact", t.elapsed().as_secs_f64());

        // LSH: candidate pairs of groups, band by band.
        let t = Instant::now();
        let mut candidates: Vec<(u32, u32)> = match rep_pairs {
            Some(pairs) => {
                let group_of = |d: u32| {
                    reps.binary_search(&d).map(|g| g as u32).map_err(|_| {
                        Error::Config(format!(
                            "band data names document {d}, which is not a representative: \
                             intermediate files do not belong together"
                        ))
                    })
                };
                pairs
                    .into_iter()
                    .map(|(a, b)| Ok((group_of(a)?, group_of(b)?)))
                    .collect::<Result<_>>()?
            }
            None => docs
                .band_keys
                .par_iter()
                .map_init(Vec::new, |scratch, band_keys| {
                    let mut pairs = Vec::new();
                    let entry = |g: usize| (band_keys[reps[g] as usize], g as u32);
                    bucket_band_of(reps.len(), entry, scratch, &mut pairs);
                    pairs
                })
                .flatten_iter()
                .collect(),
        };
        candidates.par_sort_unstable();
        candidates.dedup();
        seconds.insert("lsh", t.elapsed().as_secs_f64());

        let similarity = match verify {
            VerifyMode::Exact => Similarity::Exact {
                stores: &pass1.stores,
                offsets: &docs.store_offset,
                input: self.sets_from_input.then(|| InputShingler {
                    sources: &self.sources,
                    fields: &self.fields,
                    max_record_bytes: self.config.max_record_bytes,
                    line_filter: self.line_filter.as_ref(),
                    sketch: &self.config.sketch,
                    exact: &docs.exact,
                }),
            },
            VerifyMode::Signature | VerifyMode::None => Similarity::Signature {
                signatures: &docs.signatures,
                num_perm: self.config.sketch.num_perm,
            },
        };
        let accepts = |s: f64| verify == VerifyMode::None || s >= threshold;

        // Candidate components: groups joined by candidate pairs. Verified
        // edges are a subset of the candidates, so clustering never crosses a
        // component and the components can be decided one batch at a time, in
        // the order of their first document. Every document before the first
        // undecided component's first document is then final, and is published
        // to `frontier` for a writer that copies kept records meanwhile.
        let t = Instant::now();
        let (keyed, batch_ranges) = candidate_batches(&candidates, self.pairs_per_batch);
        drop(candidates);
        let batches: Vec<&[KeyedPair]> = batch_ranges.into_iter().map(|r| &keyed[r]).collect();
        if let Some(frontier) = frontier {
            // Exact duplicates other than their group's leader are removed
            // whatever clustering decides; a leader's fate waits for its
            // component.
            for (g, &leader) in leaders.iter().enumerate() {
                for &member in members(g) {
                    if member != leader {
                        frontier.remove(member);
                    }
                }
            }
        }
        let publish = |next_group: Option<u32>| {
            if let Some(frontier) = frontier {
                frontier.publish(next_group.map_or(n as u64, |g| u64::from(reps[g as usize])));
            }
        };
        publish(batches.first().and_then(|b| b.first()).map(|p| p.0));
        let mut verify_seconds = 0.0;
        let mut candidate_pairs = 0u64;
        let mut verified_pairs = 0u64;
        let mut clusterer = Clusterer::new();
        let mut scratch = SimilarityScratch::default();
        let mut neighbours = Vec::new();
        // Removed groups: the group each is removed in favour of, and the similarity.
        let mut removed_for: std::collections::HashMap<u32, (u32, f64)> =
            std::collections::HashMap::new();
        for (i, batch) in batches.iter().enumerate() {
            // Verification, in parallel.
            let tv = Instant::now();
            candidate_pairs += batch.len() as u64;
            let loaded = if similarity.reads_input() {
                // The batch's documents, shingled again from the input up to
                // a budget of text (the rest are read as their pairs come).
                let mut wanted: Vec<u32> = batch
                    .iter()
                    .flat_map(|&(_, a, b)| [reps[a as usize], reps[b as usize]])
                    .collect();
                wanted.sort_unstable();
                wanted.dedup();
                let mut budget = LOADED_TEXT_BYTES;
                wanted.retain(|&d| {
                    let len = docs.text_len[d as usize] as usize;
                    let fits = len <= budget;
                    budget -= if fits { len } else { 0 };
                    fits
                });
                similarity.load_sets(&wanted)?
            } else {
                LoadedSets::default()
            };
            let loaded = &loaded;
            let verify_pairs = pair_verifier(|scratch, pairs| {
                let mut out = Vec::new();
                for &(_, a, b) in pairs {
                    let s =
                        similarity.between(reps[a as usize], reps[b as usize], loaded, scratch)?;
                    if accepts(s) {
                        out.push((a, b, s));
                    }
                }
                Ok(out)
            });
            // While a writer copies kept records faster than decisions come,
            // all threads verify; while it is the slower side (it waits on the
            // disk and needs a core), this thread alone verifies and the
            // others' cores go to the writer. Same edges either way.
            let edges: Vec<(u32, u32, f64)> = if frontier.is_none_or(KeptFrontier::writer_waiting) {
                batch
                    .par_chunks(256)
                    .map_init(SimilarityScratch::default, verify_pairs)
                    .collect::<Result<Vec<_>>>()?
                    .into_iter()
                    .flatten()
                    .collect()
            } else {
                verify_pairs(&mut scratch, batch)?
            };
            verified_pairs += edges.len() as u64;
            verify_seconds += tv.elapsed().as_secs_f64();

            // Clustering in keep order (see `cluster`): adjacency lists of
            // groups, each sorted by neighbour, then one sequential sweep.
            let mut adjacency: Vec<(u32, u32, f64)> = edges
                .iter()
                .flat_map(|&(a, b, s)| [(a, b, s), (b, a, s)])
                .collect();
            adjacency.sort_unstable_by_key(|&(a, b, _)| (a, b));
            let adjacent_of = |g: u32| {
                let lo = adjacency.partition_point(|e| e.0 < g);
                let hi = adjacency.partition_point(|e| e.0 <= g);
                &adjacency[lo..hi]
            };
            // Only groups with a verified edge can be removed or affect another
            // group (an isolated group is kept and joins nothing), so only they
            // become clusterer nodes, in keep order: memory follows the
            // duplicates, not the corpus.
            let mut order: Vec<u32> = adjacency.iter().map(|e| e.0).collect();
            order.dedup();
            if self.config.keep == KeepRule::Longest {
                order.sort_unstable_by_key(|&g| priority(leaders[g as usize]));
            }
            // Nodes of earlier batches come first: the batch's node numbers
            // start at `base`, in keep order within the batch.
            let base = clusterer.next_node();
            // (group, node) sorted by group: node = base + position in keep order.
            let mut node_of: Vec<(u32, u32)> = order
                .iter()
                .enumerate()
                .map(|(r, &g)| (g, base + r as u32))
                .collect();
            node_of.sort_unstable();
            let node = |g: u32| {
                let i = node_of
                    .binary_search_by_key(&g, |e| e.0)
                    .expect("every group with an edge is a node");
                node_of[i].1
            };
            for (r, &g) in order.iter().enumerate() {
                let adjacent = adjacent_of(g);
                neighbours.clear();
                neighbours.extend(
                    adjacent
                        .iter()
                        .map(|e| node(e.1))
                        .filter(|&other| other < base + r as u32),
                );
                let decision = clusterer.add(&neighbours, |kept_node| {
                    let kept = order[(kept_node - base) as usize];
                    let s = match adjacent.binary_search_by_key(&kept, |e| e.1) {
                        Ok(i) => adjacent[i].2,
                        Err(_) => similarity.between(
                            reps[g as usize],
                            reps[kept as usize],
                            loaded,
                            &mut scratch,
                        )?,
                    };
                    Ok(Some(s).filter(|&s| accepts(s)))
                })?;
                if let Decision::Duplicate { of, similarity } = decision {
                    let of = order[(of - base) as usize];
                    removed_for.insert(g, (of, similarity));
                    if let Some(frontier) = frontier {
                        frontier.remove(leaders[g as usize]);
                    }
                }
            }
            publish(batches.get(i + 1).map(|b| b[0].0));
        }
        publish(None);

        // Documents: every member of a group follows its leader's fate.
        let mut kept = Bits(vec![u64::MAX; n.div_ceil(64)]);
        let mut clusters: Vec<(u32, u32, f64)> = Vec::new();
        let (mut removed_exact, mut removed_near) = (0u64, 0u64);
        for g in 0..ranges.len() {
            let group = members(g);
            if group.len() == 1 && !removed_for.contains_key(&(g as u32)) {
                continue;
            }
            let leader = leaders[g];
            let (kept_doc, group_similarity) = match removed_for.get(&(g as u32)) {
                None => (leader, 1.0),
                Some(&(other, s)) => (leaders[other as usize], s),
            };
            for &member in group {
                if member == kept_doc {
                    continue;
                }
                kept.set(member as u64, false);
                if docs.exact[member as usize] == docs.exact[kept_doc as usize] {
                    removed_exact += 1;
                    clusters.push((kept_doc, member, 1.0));
                } else {
                    removed_near += 1;
                    clusters.push((kept_doc, member, group_similarity));
                }
            }
        }
        // Group lines by kept document: the kept one first (similarity 1), then
        // the removed ones in input order.
        let mut heads: Vec<u32> = clusters.iter().map(|c| c.0).collect();
        heads.sort_unstable();
        heads.dedup();
        clusters.extend(heads.iter().map(|&k| (k, k, 1.0)));
        clusters.sort_unstable_by_key(|&(k, m, _)| (k, m != k, m));
        let mut cluster_sizes = BTreeMap::new();
        for group in clusters.chunk_by(|a, b| a.0 == b.0) {
            *cluster_sizes.entry(group.len() as u64).or_insert(0) += 1;
        }
        if let Some(frontier) = frontier {
            assert!(
                frontier.matches(&kept),
                "the kept bits published while clustering differ from the decisions"
            );
        }
        seconds.insert("verify", verify_seconds);
        seconds.insert("cluster", t.elapsed().as_secs_f64() - verify_seconds);
        Ok(Decisions {
            kept,
            clusters,
            cluster_sizes,
            removed_exact,
            removed_near,
            candidate_pairs,
            verified_pairs,
        })
    }

    /// Writes `clusters.jsonl`, reading ids from `stores` at `offsets` (one
    /// location per document, see [`store_location`]).
    pub(crate) fn write_clusters(
        &self,
        stores: &[DocStore],
        offsets: &[u64],
        decisions: &Decisions,
    ) -> Result<Staged> {
        let read_id = |doc: u32, id: &mut Vec<u8>| {
            let (store, offset) = split_location(offsets[doc as usize]);
            stores[store].read_id(offset, id)
        };
        let path = self.config.output_dir.join("clusters.jsonl");
        let mut out = AtomicWriter::create(&path, Compression::None)?;
        let io = |e| Error::io("writing", &path, e);
        let mut kept_id = Vec::new();
        let mut id = Vec::new();
        let mut last_kept = u32::MAX;
        for &(kept, member, similarity) in &decisions.clusters {
            if kept != last_kept {
                read_id(kept, &mut kept_id)?;
                last_kept = kept;
            }
            read_id(member, &mut id)?;
            out.write_all(b"{\"id\":").map_err(io)?;
            out.write_all(&id).map_err(io)?;
            out.write_all(b",\"cluster\":").map_err(io)?;
            out.write_all(&kept_id).map_err(io)?;
            out.write_all(b",\"similarity\":").map_err(io)?;
            serde_json::to_writer(&mut out, &similarity)
                .map_err(|e| io(std::io::Error::other(e)))?;
            out.write_all(b"}\n").map_err(io)?;
        }
        out.finish()
    }

    /// Pass 2: copy kept records byte for byte, in input order.
    fn write_deduped(
        &self,
        pass1: &Pass1,
        kept: &dyn KeptDocs,
        progress: &Progress,
        decoders: usize,
    ) -> Result<(Staged, u64)> {
        let name = format!("deduped.jsonl{}", self.output_compression.suffix());
        let path = self.config.output_dir.join(name);
        self.write_kept(
            &path,
            self.output_compression,
            &pass1.skipped_records,
            kept,
            (pass1.records, pass1.docs.len() as u64),
            progress,
            decoders,
        )
    }

    /// Copies the kept records of this job's sources to `path`: `skipped` has a
    /// bit per record, `kept` answers per document (non-skipped record), and
    /// `expected` is (records, documents) as pass 1 counted them. `decoders`:
    /// most input files decoded at once.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write_kept(
        &self,
        path: &Path,
        compression: Compression,
        skipped_records: &Bits,
        kept_docs: &dyn KeptDocs,
        expected: (u64, u64),
        progress: &Progress,
        decoders: usize,
    ) -> Result<(Staged, u64)> {
        for source in &self.sources {
            source.check_unchanged()?;
        }
        // Compressed output is compressed block by block in parallel (see
        // `ParallelCompressor`); the file itself is written plain.
        let mut file = AtomicWriter::create(path, Compression::None)?;
        let mut compressor =
            (compression != Compression::None).then(|| ParallelCompressor::new(compression));
        let io = |e| Error::io("writing", path, e);
        let mut record = 0u64;
        let mut doc = 0u64;
        let mut kept = 0u64;
        // Runs of kept records of the current block, written together.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        input::stream_blocks_with(
            &self.sources,
            self.config.max_record_bytes,
            self.config.block_bytes,
            decoders,
            |block, consumed| {
                let out: &mut dyn Write = match compressor.as_mut() {
                    Some(c) => &mut c.pending,
                    None => &mut file,
                };
                // Kept JSONL records that are adjacent in the block (the common
                // case) are copied with one write.
                let mut run: Option<(usize, usize)> = None;
                for r in &block.records {
                    let skipped = skipped_records.get(record);
                    record += 1;
                    let is_kept = !skipped && kept_docs.is_kept(doc)?;
                    doc += u64::from(!skipped);
                    let source = &self.sources[r.source as usize];
                    let copy_raw = is_kept
                        && source.kind == SourceKind::Jsonl
                        && block.raw_line(r).ends_with(b"\n");
                    match run {
                        Some((start, end)) if copy_raw && end == r.start => {
                            run = Some((start, r.end_with_terminator));
                        }
                        _ => {
                            runs.extend(run.take());
                            if copy_raw {
                                run = Some((r.start, r.end_with_terminator));
                            }
                        }
                    }
                    if !is_kept {
                        continue;
                    }
                    kept += 1;
                    if copy_raw {
                        continue;
                    }
                    // Written in place: the runs before it go first.
                    write_runs(out, &block.data, &runs).map_err(io)?;
                    runs.clear();
                    match source.kind {
                        SourceKind::Jsonl => {
                            // The last line of a file without a final newline.
                            out.write_all(block.raw_line(r)).map_err(io)?;
                            out.write_all(b"\n").map_err(io)?;
                        }
                        SourceKind::Text => {
                            let text = std::str::from_utf8(block.content(r)).map_err(|_| {
                                Error::InputChanged {
                                    path: source.name.clone(),
                                    detail: "text is no longer valid UTF-8".into(),
                                }
                            })?;
                            let name = source.name.display().to_string();
                            write_json_line(
                                &mut *out,
                                &serde_json::json!({"id": name, "text": text}),
                            )
                            .map_err(io)?;
                        }
                    }
                }
                runs.extend(run);
                write_runs(out, &block.data, &runs).map_err(io)?;
                runs.clear();
                if let Some(c) = compressor.as_mut() {
                    c.flush_to(&mut file).map_err(io)?;
                }
                progress.update(consumed, record);
                Ok(std::ops::ControlFlow::Continue(()))
            },
        )?;
        if (record, doc) != expected {
            return Err(Error::InputChanged {
                path: self
                    .sources
                    .first()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                detail: format!("pass 1 read {} records, pass 2 read {record}", expected.0),
            });
        }
        Ok((file.finish()?, kept))
    }
}

/// The non-empty documents sorted by (exact hash, number), and the groups of
/// equal hashes as ranges of that order.
///
/// Sorting the document numbers with the hash looked up in each comparison
/// costs a cache miss per comparison once the hash table outgrows the cache
/// (at 10M documents this step grew 28× for 10× the documents). So the sort runs
/// on contiguous (high 64 bits, number) pairs, and only runs of equal high bits
/// (exact duplicates, or a 2^-64 coincidence) look at the full hashes.
fn exact_groups(docs: &DocTable) -> (Vec<u32>, Vec<(u32, u32)>) {
    let n = docs.exact.len();
    let mut keyed: Vec<(u64, u32)> = (0..n as u32)
        .filter(|&d| !docs.empty.get(d as u64))
        .map(|d| ((docs.exact[d as usize] >> 64) as u64, d))
        .collect();
    keyed.par_sort_unstable();
    let mut by_hash: Vec<u32> = keyed.iter().map(|&(_, d)| d).collect();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut start = 0;
    for i in 1..=keyed.len() {
        if i < keyed.len() && keyed[i].0 == keyed[start].0 {
            continue;
        }
        let run = &mut by_hash[start..i];
        if run.len() > 1 {
            let hash = |d: u32| docs.exact[d as usize];
            run.sort_unstable_by_key(|&d| (hash(d), d));
            let mut group = 0;
            for k in 1..=run.len() {
                if k == run.len() || hash(run[k]) != hash(run[group]) {
                    ranges.push(((start + group) as u32, (start + k) as u32));
                    group = k;
                }
            }
        } else {
            ranges.push((start as u32, i as u32));
        }
        start = i;
    }
    (by_hash, ranges)
}

/// One paragraph for humans, printed at the end of a run.
pub fn summary(stats: &DedupStats, output_dir: &Path) -> String {
    let d = &stats.documents;
    let secs = stats.run.seconds.get("total").copied().unwrap_or(0.0);
    let mb = stats.bytes_read as f64 / 1e6;
    let mut text = format!(
        "Read {} documents ({:.1} MB) in {:.2} s ({:.0} docs/s, {:.1} MB/s) on {} threads. \
         Kept {}, removed {} ({} exact, {} near-duplicate at Jaccard ≥ {}) in {} clusters",
        d.read,
        mb,
        secs,
        d.read as f64 / secs.max(1e-9),
        mb / secs.max(1e-9),
        stats.run.threads,
        d.kept,
        d.removed,
        d.removed_exact,
        d.removed_near,
        stats.parameters.threshold,
        stats.clusters,
    );
    if d.skipped > 0 {
        text.push_str(&format!(
            ", skipped {} bad records (see skipped.jsonl)",
            d.skipped
        ));
    }
    if d.empty > 0 {
        text.push_str(&format!("; {} empty documents kept as they are", d.empty));
    }
    text.push_str(&format!(
        ". LSH {} bands × {} rows gave {} candidate pairs, {} verified ({}). Output in {}.",
        stats.parameters.bands,
        stats.parameters.rows,
        stats.candidate_pairs,
        stats.verified_pairs,
        stats.parameters.verify.name(),
        output_dir.display()
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthetic_corpus(dir: &Path, documents: u64) -> PathBuf {
        let path = dir.join("corpus.jsonl");
        let config = crate::synth::SynthConfig {
            documents,
            mean_words: 60,
            duplicate_fraction: 0.5,
            ..Default::default()
        };
        let file = std::fs::File::create(&path).unwrap();
        crate::synth::write_jsonl(&config, std::io::BufWriter::new(file)).unwrap();
        path
    }

    /// Batches hold whole components, in the order of their first group, and
    /// every candidate pair exactly once.
    #[test]
    fn candidate_batches_keep_components_whole() {
        // Components {0,1,5}, {2,7}, {3,4}, {6,8,9}.
        let candidates = [(0, 1), (1, 5), (2, 7), (3, 4), (6, 8), (6, 9), (8, 9)];
        for per_batch in [1, 2, 3, 100] {
            let (keyed, ranges) = candidate_batches(&candidates, per_batch);
            let batches: Vec<&[KeyedPair]> = ranges.into_iter().map(|r| &keyed[r]).collect();
            let flat: Vec<(u32, u32, u32)> = batches.iter().copied().flatten().copied().collect();
            let want = [
                (0, 0, 1),
                (0, 1, 5),
                (2, 2, 7),
                (3, 3, 4),
                (6, 6, 8),
                (6, 6, 9),
                (6, 8, 9),
            ];
            assert_eq!(flat, want, "per batch {per_batch}");
            for pair in batches.windows(2) {
                let (last, next) = (pair[0].last().unwrap(), pair[1][0]);
                assert_ne!(last.0, next.0, "a component split between batches");
            }
            assert!(batches.iter().all(|b| !b.is_empty()));
        }
        assert!(candidate_batches(&[], 4).1.is_empty());
    }

    /// Deciding components in batches of any size gives the same decisions,
    /// under both keep rules.
    #[test]
    fn decisions_do_not_depend_on_the_batch_size() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = synthetic_corpus(dir.path(), 3000);
        for keep in [KeepRule::First, KeepRule::Longest] {
            let config = DedupConfig {
                inputs: vec![corpus.clone()],
                output_dir: dir.path().join("out"),
                keep,
                progress: false,
                ..Default::default()
            };
            let mut job = Job::new(&config).unwrap();
            let pass1 = job.pass1(&Progress::new(false, 0, "")).unwrap();
            let mut runs = Vec::new();
            for per_batch in [usize::MAX, 1, 5, 200] {
                job.pairs_per_batch = per_batch;
                let frontier = KeptFrontier::new(pass1.docs.len() as u64);
                let d = job
                    .decide_publishing(&pass1, None, &mut BTreeMap::new(), Some(&frontier))
                    .unwrap();
                assert!(frontier.matches(&d.kept));
                runs.push(d);
            }
            let first = &runs[0];
            assert!(first.removed_near > 100, "the corpus has near-duplicates");
            for d in &runs[1..] {
                assert_eq!(d.kept.0, first.kept.0);
                assert_eq!(format!("{:?}", d.clusters), format!("{:?}", first.clusters));
                assert_eq!(
                    (
                        d.removed_exact,
                        d.removed_near,
                        d.candidate_pairs,
                        d.verified_pairs
                    ),
                    (
                        first.removed_exact,
                        first.removed_near,
                        first.candidate_pairs,
                        first.verified_pairs
                    )
                );
            }
        }
    }

    /// The writer that copies kept records while clustering runs (plain
    /// output) writes what the writer after clustering (compressed output)
    /// writes, and a failed clustering stops it with an error.
    #[test]
    fn overlapped_writing_matches_writing_after_clustering() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = synthetic_corpus(dir.path(), 2000);
        let gz = dir.path().join("corpus.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::fast(),
        );
        std::io::copy(&mut std::fs::File::open(&corpus).unwrap(), &mut enc).unwrap();
        enc.finish().unwrap();
        let read = |path: PathBuf| {
            let mut text = String::new();
            let file = std::fs::File::open(&path).unwrap();
            if path.extension().is_some_and(|e| e == "gz") {
                std::io::Read::read_to_string(
                    &mut flate2::read::MultiGzDecoder::new(file),
                    &mut text,
                )
            } else {
                std::io::Read::read_to_string(&mut std::io::BufReader::new(file), &mut text)
            }
            .unwrap();
            text
        };
        let mut outputs = Vec::new();
        for (input, name) in [(&corpus, "deduped.jsonl"), (&gz, "deduped.jsonl.gz")] {
            let out = dir.path().join(format!("out-{name}"));
            let config = DedupConfig {
                inputs: vec![input.clone()],
                output_dir: out.clone(),
                progress: false,
                ..Default::default()
            };
            run(&config).unwrap();
            outputs.push((read(out.join(name)), read(out.join("clusters.jsonl"))));
        }
        assert!(outputs[0].0.lines().count() < 2000);
        assert_eq!(outputs[0], outputs[1]);

        let frontier = KeptFrontier::new(10);
        frontier.publish(4);
        assert!(frontier.is_kept(3).unwrap());
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| frontier.is_kept(7));
            std::thread::sleep(std::time::Duration::from_millis(20));
            frontier.fail_unless_complete();
            assert!(waiting.join().unwrap().is_err());
        });
    }

    /// The groups equal a plain sort on the full hash, also when different
    /// hashes share their high 64 bits, and empty documents stay out.
    #[test]
    fn exact_groups_match_a_sort_on_the_full_hash() {
        let mut state = 7u64;
        let mut docs = DocTable::default();
        for d in 0..5000u64 {
            let r = crate::minhash::splitmix64(&mut state);
            // Few distinct high halves (collisions), a few low halves per high half.
            let hi = (r % 40) as u128;
            let lo = ((r >> 8) % 3) as u128;
            docs.exact.push((hi << 64) | lo);
            docs.empty.push(d, r.is_multiple_of(97));
        }
        let (by_hash, ranges) = exact_groups(&docs);
        let mut want: Vec<u32> = (0..docs.len() as u32)
            .filter(|&d| !docs.empty.get(d as u64))
            .collect();
        want.sort_by_key(|&d| (docs.exact[d as usize], d));
        assert_eq!(by_hash, want);
        let mut want_ranges = Vec::new();
        let mut start = 0;
        for i in 1..=want.len() {
            if i == want.len() || docs.exact[want[i] as usize] != docs.exact[want[start] as usize] {
                want_ranges.push((start as u32, i as u32));
                start = i;
            }
        }
        assert_eq!(ranges, want_ranges);
        assert!(ranges.len() > 40, "low halves split groups");
        let empty = DocTable::default();
        assert_eq!(exact_groups(&empty), (vec![], vec![]));
    }
}
