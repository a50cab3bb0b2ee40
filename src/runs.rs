//! Band data on disk: sorted runs, and candidate pairs by merging them.
//!
//! LSH needs, per band, every document's band key sorted so that equal keys
//! (buckets) are adjacent. In memory that is 8 bytes per band per document (128
//! bytes at 16 bands), the largest per-document cost of `dedup`. Out of core,
//! each document's `(key, document, exact hash)` is appended to a per-band
//! buffer; a full buffer is sorted and written as one *run* per band; LSH then
//! merges the runs of one band at a time, so memory is the buffer budget plus
//! one read buffer per run.
//!
//! File layout (`*.band`), all little-endian:
//!
//! ```text
//! header     storage header, magic SHGLBAND, parameters (bands, rows, sketch)
//! sections   28-byte items: key u64 | doc u32 | exact u128, each section sorted
//! table      per section: band u32 | run u32 | offset u64 | items u64 | xxh3 u64
//! footer     sections u64 | xxh3 of table u64 | b"SHGLBEND"
//! ```
//!
//! Every section carries its own checksum, checked as it is merged, so a
//! corrupt or truncated file is an error, never a silent wrong answer.
//!
//! Merging finds the same candidates as bucketing in memory: exact duplicates
//! have equal keys in every band, so within a bucket the first document (in
//! input order) of each exact hash is its group's representative — the only
//! document in-memory LSH sees — and later copies are dropped.
//!
//! ```
//! use shingle::runs::{band_candidates, BandRunWriter, RunsParams};
//! let dir = tempfile::tempdir().unwrap();
//! let params = RunsParams { bands: 2, rows: 1, sketch: Default::default() };
//! let path = dir.path().join("x.band");
//! // A budget of 1 byte spills a run after every document.
//! let mut w = BandRunWriter::create(&path, &params, 1).unwrap();
//! w.push(0, 10, &[7, 1]).unwrap();
//! w.push(1, 11, &[7, 2]).unwrap(); // shares band 0's bucket with doc 0
//! w.push(2, 10, &[7, 1]).unwrap(); // an exact copy of doc 0: not a candidate
//! let runs = w.finish().unwrap();
//! assert_eq!(runs.runs(), 3);
//! assert_eq!(band_candidates(&[(&runs, 0)], 0).unwrap(), vec![(0, 1)]);
//! assert!(band_candidates(&[(&runs, 0)], 1).unwrap().is_empty());
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::error::{Error, Result};
use crate::lsh::bucket_members;
use crate::sketch::SketchParams;
use crate::storage::{read_header, write_header};

const MAGIC: &[u8; 8] = b"SHGLBAND";
const END_MAGIC: &[u8; 8] = b"SHGLBEND";
/// Format version of band-run files.
pub const VERSION: u32 = 1;
const ITEM_BYTES: usize = 28;
const ENTRY_BYTES: usize = 32;

/// Parameters recorded in (and checked against) every band-run file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsParams {
    /// LSH bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// How the signatures were made.
    pub sketch: SketchParams,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    key: u64,
    doc: u32,
    exact: u128,
}

impl Item {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&self.doc.to_le_bytes());
        out.extend_from_slice(&self.exact.to_le_bytes());
    }
    fn decode(b: &[u8]) -> Item {
        Item {
            key: u64::from_le_bytes(b[0..8].try_into().expect("8 bytes")),
            doc: u32::from_le_bytes(b[8..12].try_into().expect("4 bytes")),
            exact: u128::from_le_bytes(b[12..28].try_into().expect("16 bytes")),
        }
    }
}

/// One sorted run of one band.
#[derive(Debug, Clone, Copy)]
struct Section {
    band: u32,
    run: u32,
    offset: u64,
    items: u64,
    hash: u64,
}

/// Writes a band-run file, spilling a sorted run whenever the buffered items
/// reach the budget.
pub struct BandRunWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
    params: RunsParams,
    buffers: Vec<Vec<Item>>,
    budget_items: usize,
    buffered: usize,
    sections: Vec<Section>,
    runs: u32,
    position: u64,
    scratch: Vec<u8>,
}

impl BandRunWriter {
    /// Starts `path` (written under a temporary name until [`Self::finish`]);
    /// `budget_bytes` bounds the memory of buffered items.
    pub fn create(path: &Path, params: &RunsParams, budget_bytes: usize) -> Result<Self> {
        let tmp = path.with_extension(format!("band.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io("creating", &tmp, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let position = write_header(&mut out, MAGIC, VERSION, params)
            .map_err(|e| Error::io("writing", &tmp, e))?;
        // In memory an item takes 48 bytes (u128 alignment).
        let budget_items = (budget_bytes / std::mem::size_of::<Item>()).max(1);
        Ok(BandRunWriter {
            path: path.to_path_buf(),
            tmp,
            out: Some(out),
            params: params.clone(),
            buffers: vec![Vec::new(); params.bands],
            budget_items,
            buffered: 0,
            sections: Vec::new(),
            runs: 0,
            position,
            scratch: Vec::new(),
        })
    }

    /// Adds one (non-empty) document's band keys.
    pub fn push(&mut self, doc: u32, exact: u128, keys: &[u64]) -> Result<()> {
        for (buffer, &key) in self.buffers.iter_mut().zip(keys) {
            buffer.push(Item { key, doc, exact });
        }
        self.buffered += keys.len();
        if self.buffered >= self.budget_items {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        self.buffers
            .par_iter_mut()
            .for_each(|b| b.par_sort_unstable());
        for band in 0..self.buffers.len() {
            let items = std::mem::take(&mut self.buffers[band]);
            let mut hash = Xxh3::new();
            let offset = self.position;
            for chunk in items.chunks(1 << 14) {
                self.scratch.clear();
                for item in chunk {
                    item.encode(&mut self.scratch);
                }
                hash.update(&self.scratch);
                self.out
                    .as_mut()
                    .expect("open until finish")
                    .write_all(&self.scratch)
                    .map_err(|e| Error::io("writing", &self.tmp, e))?;
                self.position += self.scratch.len() as u64;
            }
            self.sections.push(Section {
                band: band as u32,
                run: self.runs,
                offset,
                items: items.len() as u64,
                hash: hash.digest(),
            });
            // Keep the allocation for the next run.
            let mut items = items;
            items.clear();
            self.buffers[band] = items;
        }
        self.runs += 1;
        self.buffered = 0;
        Ok(())
    }

    /// Writes the last run and the section table, syncs, and renames the file
    /// into place.
    pub fn finish(mut self) -> Result<BandRuns> {
        self.spill()?;
        self.buffers = Vec::new();
        let mut table = Vec::with_capacity(self.sections.len() * ENTRY_BYTES);
        for s in &self.sections {
            table.extend_from_slice(&s.band.to_le_bytes());
            table.extend_from_slice(&s.run.to_le_bytes());
            table.extend_from_slice(&s.offset.to_le_bytes());
            table.extend_from_slice(&s.items.to_le_bytes());
            table.extend_from_slice(&s.hash.to_le_bytes());
        }
        let io = |e| Error::io("writing", &self.tmp, e);
        let mut out = self.out.take().expect("open until finish");
        out.write_all(&table).map_err(io)?;
        out.write_all(&(self.sections.len() as u64).to_le_bytes())
            .map_err(io)?;
        out.write_all(&xxh3_64(&table).to_le_bytes()).map_err(io)?;
        out.write_all(END_MAGIC).map_err(io)?;
        let file = out
            .into_inner()
            .map_err(|e| Error::io("writing", &self.tmp, e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io("syncing", &self.tmp, e))?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io("renaming", &self.tmp, e))?;
        BandRuns::open(&self.path, &self.params)
    }
}

impl Drop for BandRunWriter {
    fn drop(&mut self) {
        // Unfinished: remove the temporary (a no-op after the rename).
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// An opened band-run file.
pub struct BandRuns {
    path: PathBuf,
    file: File,
    sections: Vec<Section>,
    runs: u32,
    bytes: u64,
}

impl BandRuns {
    /// Opens `path`, checking header, parameters and the section table.
    pub fn open(path: &Path, params: &RunsParams) -> Result<Self> {
        let format = |detail: String| Error::Format {
            path: path.to_path_buf(),
            detail,
        };
        let mut file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
        let (found, header_len): (RunsParams, u64) = read_header(&mut file, path, MAGIC, VERSION)?;
        if &found != params {
            return Err(format(format!("made with other parameters ({found:?})")));
        }
        let bytes = file
            .metadata()
            .map_err(|e| Error::io("reading", path, e))?
            .len();
        if bytes < header_len + 24 {
            return Err(format("truncated (no section table)".into()));
        }
        let mut footer = [0u8; 24];
        file.read_exact_at(&mut footer, bytes - 24)
            .map_err(|e| Error::io("reading", path, e))?;
        if &footer[16..] != END_MAGIC {
            return Err(format("truncated or corrupt (bad end marker)".into()));
        }
        let count = u64::from_le_bytes(footer[..8].try_into().expect("8 bytes"));
        let table_len = count
            .checked_mul(ENTRY_BYTES as u64)
            .filter(|&l| l <= bytes - 24 - header_len)
            .ok_or_else(|| format(format!("corrupt section count {count}")))?;
        let table_start = bytes - 24 - table_len;
        let mut table = vec![0u8; table_len as usize];
        file.read_exact_at(&mut table, table_start)
            .map_err(|e| Error::io("reading", path, e))?;
        if xxh3_64(&table) != u64::from_le_bytes(footer[8..16].try_into().expect("8 bytes")) {
            return Err(format("corrupt section table (checksum mismatch)".into()));
        }
        let mut sections = Vec::with_capacity(count as usize);
        let mut runs = 0;
        for e in table.chunks_exact(ENTRY_BYTES) {
            let u64_at = |i: usize| u64::from_le_bytes(e[i..i + 8].try_into().expect("8 bytes"));
            let s = Section {
                band: u32::from_le_bytes(e[0..4].try_into().expect("4 bytes")),
                run: u32::from_le_bytes(e[4..8].try_into().expect("4 bytes")),
                offset: u64_at(8),
                items: u64_at(16),
                hash: u64_at(24),
            };
            let end = s
                .items
                .checked_mul(ITEM_BYTES as u64)
                .and_then(|l| l.checked_add(s.offset));
            if s.band as usize >= params.bands
                || s.offset < header_len
                || end.is_none_or(|end| end > table_start)
            {
                return Err(format(
                    "corrupt section table (section out of bounds)".into(),
                ));
            }
            runs = runs.max(s.run + 1);
            sections.push(s);
        }
        Ok(BandRuns {
            path: path.to_path_buf(),
            file,
            sections,
            runs,
            bytes,
        })
    }

    /// Number of sorted runs (per band).
    pub fn runs(&self) -> u32 {
        self.runs
    }

    /// Size of the file in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

/// Sequential reader of one section, checking its checksum at the end.
struct SectionReader<'a> {
    runs: &'a BandRuns,
    section: Section,
    doc_base: u32,
    next_item: u64,
    buffer: Vec<u8>,
    at: usize,
    hash: Xxh3,
}

const READ_ITEMS: u64 = 2048;

impl<'a> SectionReader<'a> {
    fn next(&mut self) -> Result<Option<Item>> {
        if self.at >= self.buffer.len() {
            if self.next_item >= self.section.items {
                if self.hash.digest() != self.section.hash {
                    return Err(Error::Format {
                        path: self.runs.path.clone(),
                        detail: format!(
                            "corrupt run {} of band {} (checksum mismatch)",
                            self.section.run, self.section.band
                        ),
                    });
                }
                return Ok(None);
            }
            let n = READ_ITEMS.min(self.section.items - self.next_item);
            self.buffer.resize(n as usize * ITEM_BYTES, 0);
            let offset = self.section.offset + self.next_item * ITEM_BYTES as u64;
            self.runs
                .file
                .read_exact_at(&mut self.buffer, offset)
                .map_err(|e| Error::io("reading", &self.runs.path, e))?;
            self.hash.update(&self.buffer);
            self.next_item += n;
            self.at = 0;
        }
        let mut item = Item::decode(&self.buffer[self.at..self.at + ITEM_BYTES]);
        self.at += ITEM_BYTES;
        item.doc = item
            .doc
            .checked_add(self.doc_base)
            .ok_or_else(|| Error::Format {
                path: self.runs.path.clone(),
                detail: "document number out of range".into(),
            })?;
        Ok(Some(item))
    }
}

/// Candidate pairs `(earlier, later)` of one band, in global document numbers
/// (each file's local numbers plus its `doc_base`), sorted and deduplicated:
/// the same pairs in-memory LSH finds for this band, mapped to representatives.
pub fn band_candidates(files: &[(&BandRuns, u32)], band: usize) -> Result<Vec<(u32, u32)>> {
    let mut readers: Vec<SectionReader> = files
        .iter()
        .flat_map(|&(runs, doc_base)| {
            runs.sections
                .iter()
                .filter(|s| s.band as usize == band)
                .map(move |&section| SectionReader {
                    runs,
                    section,
                    doc_base,
                    next_item: 0,
                    buffer: Vec::new(),
                    at: 0,
                    hash: Xxh3::new(),
                })
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(readers.len());
    let mut current: Vec<Option<Item>> = Vec::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        let item = r.next()?;
        if let Some(item) = item {
            heap.push(Reverse((item.key, item.doc, i)));
        }
        current.push(item);
    }
    let mut pairs = Vec::new();
    let mut bucket_key = None;
    // Representatives in the current bucket, in document order.
    let mut bucket: Vec<u32> = Vec::new();
    // Items of the current bucket so far, copies included.
    let mut in_bucket = 0usize;
    let mut first_exact = 0u128;
    // Exact hashes seen in the current bucket; used only from its second item
    // on (nearly all buckets have one).
    let mut seen: HashSet<u128> = HashSet::new();
    while let Some(Reverse((key, _, i))) = heap.pop() {
        let item = current[i].expect("an item in the heap is current");
        let next = readers[i].next()?;
        if let Some(n) = next {
            heap.push(Reverse((n.key, n.doc, i)));
        }
        current[i] = next;
        if bucket_key != Some(key) {
            bucket_members(&bucket, &mut pairs);
            bucket.clear();
            if !seen.is_empty() {
                if seen.capacity() > 4096 {
                    seen = HashSet::new();
                } else {
                    seen.clear();
                }
            }
            bucket_key = Some(key);
            first_exact = item.exact;
            in_bucket = 1;
            bucket.push(item.doc);
            continue;
        }
        if in_bucket == 1 {
            seen.insert(first_exact);
        }
        in_bucket += 1;
        if seen.insert(item.exact) {
            bucket.push(item.doc);
        }
    }
    bucket_members(&bucket, &mut pairs);
    pairs.par_sort_unstable();
    pairs.dedup();
    Ok(pairs)
}

/// Candidate pairs of all bands, merged band by band (in parallel, so memory
/// is the read buffers of a few bands plus the pairs), sorted and deduplicated.
pub fn candidates(files: &[(&BandRuns, u32)], bands: usize) -> Result<Vec<(u32, u32)>> {
    let per_band: Vec<Vec<(u32, u32)>> = (0..bands)
        .into_par_iter()
        .map(|band| band_candidates(files, band))
        .collect::<Result<_>>()?;
    let mut all: Vec<(u32, u32)> = per_band.into_iter().flatten().collect();
    all.par_sort_unstable();
    all.dedup();
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsh::bucket_band;

    fn params(bands: usize) -> RunsParams {
        RunsParams {
            bands,
            rows: 2,
            sketch: SketchParams::default(),
        }
    }

    /// Docs with keys from a small alphabet (many buckets, some big) and some
    /// exact copies; spilled with several budgets and split over two files,
    /// the merged candidates equal in-memory bucketing of representatives.
    #[test]
    fn merged_runs_match_in_memory_buckets() {
        let bands = 3;
        let n = 3000u32;
        let mut rng = 12345u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut docs: Vec<(u128, Vec<u64>)> = Vec::new();
        for d in 0..n {
            if d > 10 && next() % 4 == 0 {
                let copy = docs[(next() % d as u64) as usize].clone();
                docs.push(copy);
            } else {
                let keys = (0..bands).map(|_| next() % 200).collect();
                docs.push((u128::from(d) << 64 | u128::from(next()), keys));
            }
        }
        // In memory: representatives (first of each exact hash), bucketed.
        let mut reps = Vec::new();
        let mut seen = HashSet::new();
        for (d, (exact, _)) in docs.iter().enumerate() {
            if seen.insert(*exact) {
                reps.push(d as u32);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        for budget in [1usize, 5000, 100_000, usize::MAX / 2] {
            let split = 1700u32;
            let mut files = Vec::new();
            for (f, range) in [(0, 0..split), (1, split..n)] {
                let path = dir.path().join(format!("{f}-{budget}.band"));
                let mut w = BandRunWriter::create(&path, &params(bands), budget).unwrap();
                for d in range.clone() {
                    let (exact, keys) = &docs[d as usize];
                    w.push(d - range.start, *exact, keys).unwrap();
                }
                files.push((w.finish().unwrap(), range.start));
            }
            let refs: Vec<(&BandRuns, u32)> = files.iter().map(|(r, b)| (r, *b)).collect();
            for band in 0..bands {
                let keys: Vec<(u64, u32)> = reps
                    .iter()
                    .map(|&d| (docs[d as usize].1[band], d))
                    .collect();
                let mut want = Vec::new();
                bucket_band(&keys, &mut Vec::new(), &mut want);
                want.sort_unstable();
                want.dedup();
                assert_eq!(
                    band_candidates(&refs, band).unwrap(),
                    want,
                    "budget {budget}"
                );
            }
        }
    }

    #[test]
    fn corruption_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.band");
        let mut w = BandRunWriter::create(&path, &params(2), 1 << 20).unwrap();
        for d in 0..500u32 {
            w.push(d, u128::from(d), &[u64::from(d % 7), u64::from(d % 11)])
                .unwrap();
        }
        w.finish().unwrap();
        let good = std::fs::read(&path).unwrap();
        assert!(
            BandRuns::open(&path, &params(3)).is_err(),
            "other parameters"
        );
        let mut checked = 0;
        for at in (0..good.len()).step_by(97) {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            std::fs::write(&path, &bad).unwrap();
            let result = BandRuns::open(&path, &params(2)).and_then(|runs| {
                band_candidates(&[(&runs, 0)], 0)?;
                band_candidates(&[(&runs, 0)], 1)
            });
            assert!(result.is_err(), "flip at {at} not detected");
            checked += 1;
        }
        for cut in [0, 10, good.len() / 2, good.len() - 1] {
            std::fs::write(&path, &good[..cut]).unwrap();
            assert!(BandRuns::open(&path, &params(2)).is_err());
        }
        assert!(checked > 100);
    }
}
