//! On-disk layout of an index: the `MANIFEST` and the append-only segments.
//!
//! Both files start with the versioned header of [`crate::storage`] (magic,
//! format version, bincode metadata with a size limit, metadata checksum). The
//! metadata of both holds the full [`IndexConfig`].
//!
//! **MANIFEST** (`SHGLIMAN`): the header only; its metadata lists the segment
//! files in order with their size, footer checksum, node and document counts.
//! It is replaced atomically (temporary file, fsync, rename, fsync of the
//! directory) whenever a segment is added or the index is compacted.
//!
//! **Segment** (`SHGLISEG`, `seg-NNNNNN.shgl`, written once, never modified):
//!
//! ```text
//! header        storage header; metadata = SegmentMeta (config, first node,
//!               nodes n, first document, documents d, neighbour entries m,
//!               document key bytes, blob bytes)
//! per band      keys   n × u64   sorted by (key, node)
//!   (b times)   nodes  n × u32   node of each key
//! exact keys    n × u128  sorted 128-bit hashes of the normalized texts
//! exact nodes   n × u32   node of each hash
//! record at     n × u64   offset of each node's record in the blob (node order)
//! removed for   n × u32   node it was removed in favour of, u32::MAX = kept
//! similarity    n × f64   similarity to that node (0 when kept)
//! nbr counts    n × u32   verified earlier neighbours per node
//! nbrs          m × u32   the neighbours, node by node (for replay on open)
//! doc nodes     d × u32   node (group) of each document, u32::MAX = empty text
//! doc key lens  d × u32
//! doc keys      the keys (UTF-8), concatenated
//! blob          per node: key_len u32 | set_len u32 | key | set (u64 × set_len,
//!               sorted) | xxh3-64 of the record
//! footer        xxh3-64 of everything before the blob | file length u64 |
//!               b"SHGLSEND"
//! ```
//!
//! Every integer is little-endian and fixed-width, so the arrays are read
//! without parsing. Opening reads everything but the blob once (to check the
//! footer checksum and validate every value), keeps the band keys, the upper
//! 64 bits of the exact hashes and the record offsets in memory, and replays the
//! clustering. Node ids of the band and exact arrays, decisions and blob
//! records are read on demand with positioned reads; each record carries its
//! own checksum. Every length read from disk is checked against the file size
//! before anything is allocated.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use super::IndexConfig;
use crate::cluster::Clusterer;
use crate::cluster::Decision;
use crate::error::{Error, Result};
use crate::lsh::MAX_FULL_BUCKET;
use crate::storage::{read_header, write_header, MAX_META_BYTES};

/// Version of the index format this build reads and writes. Version 2: word
/// shingles hashed from word hashes and one-permutation MinHash (band keys and
/// exact hashes of version 1 indexes mean something else).
pub const FORMAT_VERSION: u32 = 2;
pub(crate) const SEGMENT_MAGIC: &[u8; 8] = b"SHGLISEG";
pub(crate) const MANIFEST_MAGIC: &[u8; 8] = b"SHGLIMAN";
const FOOTER_MAGIC: &[u8; 8] = b"SHGLSEND";
const FOOTER_LEN: u64 = 24;
/// Marks "no node": a kept node's `removed for`, an empty document's node.
pub(crate) const NONE: u32 = u32::MAX;
/// Size of a blob record without key and set: two lengths and the checksum.
const RECORD_OVERHEAD: u64 = 16;

/// Where the bytes of a segment live: a file, or memory (fuzzing, tests).
pub(crate) enum Backing {
    File(File),
    Bytes(Vec<u8>),
}

impl Backing {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        match self {
            Backing::File(f) => f.read_exact_at(buf, offset),
            Backing::Bytes(b) => {
                let start = usize::try_from(offset).map_err(|_| eof())?;
                let end = start.checked_add(buf.len()).ok_or_else(eof)?;
                buf.copy_from_slice(b.get(start..end).ok_or_else(eof)?);
                Ok(())
            }
        }
    }

    fn len(&self) -> io::Result<u64> {
        match self {
            Backing::File(f) => Ok(f.metadata()?.len()),
            Backing::Bytes(b) => Ok(b.len() as u64),
        }
    }
}

fn eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end")
}

/// Reads a [`Backing`] sequentially (for the storage header parser).
struct Cursor<'a> {
    src: &'a Backing,
    pos: u64,
    len: u64,
}

impl Read for Cursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.len.saturating_sub(self.pos)) as usize;
        self.src.read_exact_at(&mut buf[..n], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Metadata of a segment (bincode, in the storage header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SegmentMeta {
    pub config: IndexConfig,
    pub first_node: u32,
    pub nodes: u32,
    pub first_doc: u64,
    pub docs: u64,
    pub neighbours: u64,
    pub doc_key_bytes: u64,
    pub blob_bytes: u64,
}

/// One segment as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SegmentRef {
    pub file: String,
    pub bytes: u64,
    pub checksum: u64,
    pub nodes: u32,
    pub docs: u64,
}

/// Metadata of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ManifestMeta {
    pub config: IndexConfig,
    pub segments: Vec<SegmentRef>,
    /// Number used for the next segment file name.
    pub next_segment: u64,
}

/// Byte offsets of a segment's sections, computed with checked arithmetic.
#[derive(Debug, Clone, Copy)]
struct Layout {
    header: u64,
    nodes: u64,
    exact_keys: u64,
    exact_nodes: u64,
    record_at: u64,
    removed_for: u64,
    similarity: u64,
    nbr_counts: u64,
    nbrs: u64,
    doc_nodes: u64,
    doc_key_lens: u64,
    doc_keys: u64,
    blob: u64,
    footer: u64,
    total: u64,
}

impl Layout {
    fn new(header: u64, bands: usize, meta: &SegmentMeta) -> Option<Layout> {
        let n = meta.nodes as u64;
        let d = meta.docs;
        let mut at = header;
        let mut take = |bytes: Option<u64>| -> Option<u64> {
            let start = at;
            at = at.checked_add(bytes?)?;
            Some(start)
        };
        take(n.checked_mul(12)?.checked_mul(bands as u64))?;
        Some(Layout {
            header,
            nodes: n,
            exact_keys: take(n.checked_mul(16))?,
            exact_nodes: take(n.checked_mul(4))?,
            record_at: take(n.checked_mul(8))?,
            removed_for: take(n.checked_mul(4))?,
            similarity: take(n.checked_mul(8))?,
            nbr_counts: take(n.checked_mul(4))?,
            nbrs: take(meta.neighbours.checked_mul(4))?,
            doc_nodes: take(d.checked_mul(4))?,
            doc_key_lens: take(d.checked_mul(4))?,
            doc_keys: take(Some(meta.doc_key_bytes))?,
            blob: take(Some(meta.blob_bytes))?,
            footer: take(Some(FOOTER_LEN))?,
            total: at,
        })
    }

    fn band_keys(&self, band: usize) -> u64 {
        self.header + band as u64 * self.nodes * 12
    }

    fn band_nodes(&self, band: usize) -> u64 {
        self.band_keys(band) + self.nodes * 8
    }
}

/// A loaded segment: what stays in memory, and the file for on-demand reads.
pub(crate) struct Segment {
    pub name: String,
    pub path: PathBuf,
    src: Backing,
    pub meta: SegmentMeta,
    layout: Layout,
    bands: usize,
    /// Per band, `nodes` keys sorted ascending (band-major).
    band_keys: Vec<u64>,
    /// Upper 64 bits of the sorted exact hashes.
    exact_hi: Vec<u64>,
    /// Offset of each node's record within the blob.
    record_at: Vec<u64>,
    pub bytes: u64,
    pub checksum: u64,
}

/// Members of one LSH bucket, as far as the bucket rule needs them: how many,
/// the first [`MAX_FULL_BUCKET`] in node order, and the last.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bucket {
    pub count: u64,
    pub first: Vec<u32>,
    pub last: u32,
}

impl Bucket {
    /// Appends a run of later members; `prefix` holds the first of them (as many
    /// as still fit in `first`), `last` the last of them.
    pub fn extend(&mut self, count: u64, prefix: &[u32], last: u32) {
        if count == 0 {
            return;
        }
        let room = MAX_FULL_BUCKET.saturating_sub(self.first.len());
        self.first.extend(prefix.iter().take(room));
        self.count += count;
        self.last = last;
    }

    /// Earlier members a new member is paired with (the rule of
    /// [`crate::lsh::bucket_band`]): all of them while the bucket has fewer than
    /// [`MAX_FULL_BUCKET`] members, else the first and the last.
    pub fn candidates(&self, out: &mut Vec<u32>) {
        if self.count == 0 {
            return;
        }
        if self.count < MAX_FULL_BUCKET as u64 {
            out.extend_from_slice(&self.first);
        } else {
            out.push(self.first[0]);
            out.push(self.last);
        }
    }
}

fn format_err(path: &Path, detail: impl Into<String>) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b.try_into().expect("4 bytes"))
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

/// Where interpolation between `keys[lo]` and `keys[hi - 1]` puts `key`
/// (for `keys[lo] < key <= keys[hi - 1]`, `hi - lo >= 2`).
fn interpolate(keys: &[u64], lo: usize, hi: usize, key: u64) -> usize {
    let (a, b) = (keys[lo], keys[hi - 1]);
    // Floating point: a guess needs no exactness, and a 128-bit division would
    // cost more than the cache miss it saves.
    let fraction = (key - a) as f64 / (b - a) as f64;
    let guess = lo + (fraction * (hi - lo - 1) as f64) as usize;
    guess.clamp(lo + 1, hi - 1)
}

/// The range of `key` in sorted `keys`.
///
/// Keys are hashes, spread uniformly over `u64`, so interpolation finds the
/// neighbourhood of `key` in a few probes (O(log log n)) where a binary search
/// takes log n scattered ones; galloping then brackets the exact position.
/// Correct for any sorted input (only slower if it is not uniform).
pub(crate) fn equal_range(keys: &[u64], key: u64) -> (usize, usize) {
    let (mut lo, mut hi) = (0usize, keys.len()); // answer in lo..=hi
    for _ in 0..3 {
        if hi - lo < 32 {
            break;
        }
        let (a, b) = (keys[lo], keys[hi - 1]);
        if key <= a {
            hi = lo;
            break;
        }
        if key > b {
            lo = hi;
            break;
        }
        // a < key <= b: interpolate, then gallop to a bracket around it.
        let guess = interpolate(keys, lo, hi, key);
        if keys[guess] < key {
            let mut step = 1;
            let mut at = guess;
            while at + step < hi && keys[at + step] < key {
                at += step;
                step *= 2;
            }
            lo = at + 1;
            hi = (at + step).min(hi);
        } else {
            let mut step = 1;
            let mut at = guess;
            while at >= lo + step && keys[at - step] >= key {
                at -= step;
                step *= 2;
            }
            hi = at;
            lo = at.saturating_sub(step).max(lo);
        }
    }
    let start = lo + keys[lo..hi].partition_point(|&k| k < key);
    // Gallop over the run of equal keys (usually empty or short).
    let mut end = start;
    let mut step = 1;
    while end < keys.len() && keys[end] == key {
        end = (end + step).min(keys.len());
        step *= 2;
    }
    let from = start.max(end.saturating_sub(step / 2));
    let end = from + keys[from..end].partition_point(|&k| k == key);
    (start, end)
}

/// How [`load_segment`] treats checksums: `Trust` skips them so that the fuzzer
/// can reach the structural checks behind them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checksums {
    Verify,
    Trust,
}

/// What a segment must be to fit where it is loaded.
pub(crate) struct Expect<'a> {
    pub config: Option<&'a IndexConfig>,
    pub first_node: u32,
    pub first_doc: u64,
    /// Size and checksum recorded in the manifest.
    pub reference: Option<&'a SegmentRef>,
    pub checksums: Checksums,
}

/// Reads the metadata header of a segment or manifest; returns it and its length.
fn read_meta<M: serde::de::DeserializeOwned>(
    src: &Backing,
    len: u64,
    path: &Path,
    magic: &[u8; 8],
) -> Result<(M, u64)> {
    let mut cursor = Cursor { src, pos: 0, len };
    read_header(&mut cursor, path, magic, FORMAT_VERSION)
}

/// Sequential reader of a segment's fixed-width sections, hashing what it reads.
struct Sections<'a> {
    src: &'a Backing,
    path: &'a Path,
    pos: u64,
    hasher: Xxh3,
    buf: Vec<u8>,
}

const CHUNK: usize = 1 << 20;

impl Sections<'_> {
    fn io(&self, e: io::Error) -> Error {
        Error::io("reading", self.path, e)
    }

    /// Reads `count` values of `width` bytes, calling `each(index, bytes)`.
    fn values(
        &mut self,
        count: u64,
        width: usize,
        mut each: impl FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let per_chunk = (CHUNK / width) as u64;
        let mut done = 0u64;
        while done < count {
            let n = per_chunk.min(count - done) as usize;
            self.buf.resize(n * width, 0);
            self.src
                .read_exact_at(&mut self.buf, self.pos)
                .map_err(|e| Error::io("reading", self.path, e))?;
            self.hasher.update(&self.buf);
            self.pos += (n * width) as u64;
            for (i, v) in self.buf.chunks_exact(width).enumerate() {
                each(done + i as u64, v)?;
            }
            done += n as u64;
        }
        Ok(())
    }

    fn bytes(&mut self, len: u64, each: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        let mut each = each;
        let mut done = 0u64;
        while done < len {
            let n = (CHUNK as u64).min(len - done) as usize;
            self.buf.resize(n, 0);
            self.src
                .read_exact_at(&mut self.buf, self.pos)
                .map_err(|e| self.io(e))?;
            self.hasher.update(&self.buf);
            self.pos += n as u64;
            done += n as u64;
            let chunk = std::mem::take(&mut self.buf);
            let r = each(&chunk);
            self.buf = chunk;
            r?;
        }
        Ok(())
    }
}

/// Opens and validates a segment, replaying its clustering into `components`
/// (which must hold exactly the nodes before it). On error `components` may
/// hold part of the segment; callers discard it.
pub(crate) fn load_segment(
    src: Backing,
    path: &Path,
    name: &str,
    expect: &Expect<'_>,
    components: &mut Clusterer,
) -> Result<Segment> {
    let err = |d: String| format_err(path, d);
    let len = src.len().map_err(|e| Error::io("reading", path, e))?;
    let (meta, header_len): (SegmentMeta, u64) = read_meta(&src, len, path, SEGMENT_MAGIC)?;
    meta.config
        .validate()
        .map_err(|e| err(format!("corrupt segment configuration: {e}")))?;
    if let Some(config) = expect.config {
        if *config != meta.config {
            return Err(err(format!(
                "segment made with other parameters than its index: {}",
                config.differences(&meta.config)
            )));
        }
    }
    if meta.first_node != expect.first_node || meta.first_doc != expect.first_doc {
        return Err(err(format!(
            "segment starts at node {} / document {}, expected node {} / document {} \
             (segments out of order or from another index)",
            meta.first_node, meta.first_doc, expect.first_node, expect.first_doc
        )));
    }
    let node_end = meta.first_node as u64 + meta.nodes as u64;
    if node_end >= NONE as u64 || meta.first_doc.checked_add(meta.docs).is_none() {
        return Err(err("corrupt segment (node or document count)".into()));
    }
    if components.len() != meta.first_node as usize {
        return Err(err(
            "segment does not follow the nodes loaded before it".into()
        ));
    }
    let bands = meta.config.lsh.bands;
    let layout = Layout::new(header_len, bands, &meta)
        .ok_or_else(|| err("corrupt segment (section sizes overflow)".into()))?;
    if layout.total != len {
        return Err(err(format!(
            "segment is {len} bytes but its header describes {} bytes (truncated or corrupt)",
            layout.total
        )));
    }
    if let Some(r) = expect.reference {
        if r.bytes != len || r.nodes != meta.nodes || r.docs != meta.docs {
            return Err(err(format!(
                "segment does not match the manifest ({len} bytes, {} nodes, {} documents; \
                 manifest says {} bytes, {} nodes, {} documents)",
                meta.nodes, meta.docs, r.bytes, r.nodes, r.docs
            )));
        }
    }

    let n = meta.nodes as u64;
    let first = meta.first_node;
    let mut s = Sections {
        src: &src,
        path,
        pos: 0,
        hasher: Xxh3::new(),
        buf: Vec::new(),
    };
    // The header again, for the checksum.
    s.bytes(header_len, |_| Ok(()))?;

    // Bands: keys (kept) and nodes (checked).
    let mut band_keys = Vec::with_capacity((n as usize) * bands);
    for band in 0..bands {
        debug_assert_eq!(s.pos, layout.band_keys(band));
        let start = band_keys.len();
        s.values(n, 8, |_, v| {
            band_keys.push(le_u64(v));
            Ok(())
        })?;
        let keys = &band_keys[start..];
        let mut previous: Option<(u64, u32)> = None;
        s.values(n, 4, |i, v| {
            let node = le_u32(v);
            let key = keys[i as usize];
            if node < first || node as u64 >= node_end || previous.is_some_and(|p| p >= (key, node))
            {
                return Err(err(format!("corrupt band {band} (node {node} at {i})")));
            }
            previous = Some((key, node));
            Ok(())
        })?;
    }
    // Exact hashes.
    let mut exact_hi = Vec::with_capacity(n as usize);
    let mut previous: Option<u128> = None;
    s.values(n, 16, |i, v| {
        let h = u128::from_le_bytes(v.try_into().expect("16 bytes"));
        if previous.is_some_and(|p| p >= h) {
            return Err(err(format!("corrupt exact hashes (unsorted at {i})")));
        }
        previous = Some(h);
        exact_hi.push((h >> 64) as u64);
        Ok(())
    })?;
    s.values(n, 4, |i, v| {
        let node = le_u32(v);
        if node < first || node as u64 >= node_end {
            return Err(err(format!("corrupt exact-hash node {node} at {i}")));
        }
        Ok(())
    })?;
    // Record offsets: strictly increasing, each record at least its overhead.
    debug_assert_eq!(s.pos, layout.record_at);
    let mut record_at = Vec::with_capacity(n as usize);
    s.values(n, 8, |i, v| {
        let at = le_u64(v);
        let ok = match record_at.last() {
            None => at == 0,
            Some(&prev) => at >= prev && at - prev >= RECORD_OVERHEAD,
        };
        if !ok
            || at
                .checked_add(RECORD_OVERHEAD)
                .is_none_or(|e| e > meta.blob_bytes)
        {
            return Err(err(format!("corrupt record offset {at} of node {i}")));
        }
        record_at.push(at);
        Ok(())
    })?;
    // Decisions (kept only until the replay below).
    let mut removed_for = Vec::with_capacity(n as usize);
    s.values(n, 4, |i, v| {
        let of = le_u32(v);
        if of != NONE && of as u64 >= first as u64 + i {
            return Err(err(format!(
                "corrupt decision of node {}",
                first as u64 + i
            )));
        }
        removed_for.push(of);
        Ok(())
    })?;
    let mut similarity = Vec::with_capacity(n as usize);
    s.values(n, 8, |i, v| {
        let x = f64::from_bits(le_u64(v));
        if !(0.0..=1.0).contains(&x) {
            return Err(err(format!(
                "corrupt similarity of node {}",
                first as u64 + i
            )));
        }
        similarity.push(x);
        Ok(())
    })?;
    let mut nbr_counts = Vec::with_capacity(n as usize);
    let mut total = 0u64;
    s.values(n, 4, |_, v| {
        let c = le_u32(v);
        total += c as u64;
        nbr_counts.push(c);
        Ok(())
    })?;
    if total != meta.neighbours {
        return Err(err("corrupt neighbour counts".into()));
    }
    // Neighbours: replay the clustering node by node.
    let mut neighbours: Vec<u32> = Vec::new();
    let mut replay = |neighbours: &[u32], i: usize| -> Result<()> {
        let node = first as u64 + i as u64;
        let decision = match removed_for[i] {
            NONE => Decision::Kept,
            of => {
                if neighbours.is_empty() {
                    return Err(err(format!("corrupt decision of node {node}")));
                }
                Decision::Duplicate {
                    of,
                    similarity: similarity[i],
                }
            }
        };
        components.add_decided(neighbours, decision);
        Ok(())
    };
    let mut pending = 0usize; // nodes replayed so far
    s.values(meta.neighbours, 4, |_, v| {
        // Replay the nodes without neighbours up to the next one that has some.
        while nbr_counts.get(pending) == Some(&0) {
            replay(&[], pending)?;
            pending += 1;
        }
        if pending >= nbr_counts.len() {
            return Err(err("corrupt neighbour lists".into()));
        }
        let nb = le_u32(v);
        let node = first as u64 + pending as u64;
        if nb as u64 >= node || neighbours.last().is_some_and(|&l| l >= nb) {
            return Err(err(format!("corrupt neighbour {nb} of node {node}")));
        }
        neighbours.push(nb);
        if neighbours.len() == nbr_counts[pending] as usize {
            replay(&neighbours, pending)?;
            neighbours.clear();
            pending += 1;
        }
        Ok(())
    })?;
    while pending < n as usize {
        if nbr_counts[pending] != 0 {
            return Err(err("corrupt neighbour lists".into()));
        }
        replay(&[], pending)?;
        pending += 1;
    }
    drop((removed_for, similarity, nbr_counts));
    // Documents.
    s.values(meta.docs, 4, |i, v| {
        let node = le_u32(v);
        if node != NONE && node as u64 >= node_end {
            return Err(err(format!("corrupt node {node} of document {i}")));
        }
        Ok(())
    })?;
    let mut key_lens = Vec::with_capacity(meta.docs.min(len) as usize);
    let mut key_total = 0u64;
    s.values(meta.docs, 4, |_, v| {
        let l = le_u32(v);
        key_total += l as u64;
        key_lens.push(l);
        Ok(())
    })?;
    if key_total != meta.doc_key_bytes {
        return Err(err("corrupt document key lengths".into()));
    }
    // Keys must be UTF-8; they may straddle read chunks.
    let mut pending_key: Vec<u8> = Vec::new();
    let mut key_i = 0usize;
    s.bytes(meta.doc_key_bytes, |mut chunk| {
        while !chunk.is_empty() {
            while key_i < key_lens.len() && key_lens[key_i] as usize == pending_key.len() {
                std::str::from_utf8(&pending_key)
                    .map_err(|_| err(format!("document key {key_i} is not UTF-8")))?;
                pending_key.clear();
                key_i += 1;
            }
            let want = key_lens.get(key_i).copied().unwrap_or(0) as usize - pending_key.len();
            let take = want.min(chunk.len());
            if take == 0 {
                return Err(err("corrupt document keys".into()));
            }
            pending_key.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
        }
        Ok(())
    })?;
    while key_i < key_lens.len() && key_lens[key_i] as usize == pending_key.len() {
        std::str::from_utf8(&pending_key)
            .map_err(|_| err(format!("document key {key_i} is not UTF-8")))?;
        pending_key.clear();
        key_i += 1;
    }
    if key_i != key_lens.len() {
        return Err(err("corrupt document keys".into()));
    }
    debug_assert_eq!(s.pos, layout.blob);
    let checksum = s.hasher.digest();
    let mut footer = [0u8; FOOTER_LEN as usize];
    src.read_exact_at(&mut footer, layout.footer)
        .map_err(|e| Error::io("reading", path, e))?;
    if &footer[16..] != FOOTER_MAGIC || le_u64(&footer[8..16]) != len {
        return Err(err("corrupt segment footer".into()));
    }
    if expect.checksums == Checksums::Verify && le_u64(&footer[..8]) != checksum {
        return Err(err("segment checksum mismatch (the file is corrupt)".into()));
    }
    if let Some(r) = expect.reference {
        if r.checksum != le_u64(&footer[..8]) {
            return Err(err(
                "segment checksum differs from the manifest's (replaced file?)".into(),
            ));
        }
    }
    Ok(Segment {
        name: name.to_string(),
        path: path.to_path_buf(),
        src,
        meta,
        layout,
        bands,
        band_keys,
        exact_hi,
        record_at,
        bytes: len,
        checksum: le_u64(&footer[..8]),
    })
}

/// A node's record: its key (the first document's) and sorted shingle set.
pub(crate) struct Record<'a> {
    pub key: Cow<'a, str>,
    pub set: Cow<'a, [u64]>,
}

impl Segment {
    fn err(&self, detail: String) -> Error {
        format_err(&self.path, detail)
    }

    fn read_at(&self, buf: &mut [u8], at: u64) -> Result<()> {
        self.src
            .read_exact_at(buf, at)
            .map_err(|e| Error::io("reading", &self.path, e))
    }

    fn local(&self, node: u32) -> usize {
        (node - self.meta.first_node) as usize
    }

    /// Nodes in this segment: `first_node..end_node()`.
    pub fn end_node(&self) -> u32 {
        self.meta.first_node + self.meta.nodes
    }

    fn check_node(&self, node: u32, what: &str) -> Result<u32> {
        if node < self.meta.first_node || node >= self.end_node() {
            return Err(self.err(format!("corrupt {what} (node {node})")));
        }
        Ok(node)
    }

    /// Adds this segment's members of band `band`'s bucket `key` to `bucket`.
    pub fn bucket(&self, band: usize, key: u64, bucket: &mut Bucket) -> Result<()> {
        let n = self.meta.nodes as usize;
        let keys = &self.band_keys[band * n..(band + 1) * n];
        let (lo, hi) = equal_range(keys, key);
        if lo == hi {
            return Ok(());
        }
        let len = hi - lo;
        let want = MAX_FULL_BUCKET.saturating_sub(bucket.first.len()).min(len);
        let base = self.layout.band_nodes(band);
        let mut prefix = Vec::with_capacity(want);
        if want > 0 {
            let mut buf = vec![0u8; want * 4];
            self.read_at(&mut buf, base + lo as u64 * 4)?;
            for c in buf.chunks_exact(4) {
                prefix.push(self.check_node(le_u32(c), "band node")?);
            }
        }
        let last = if want == len {
            prefix[len - 1]
        } else {
            let mut buf = [0u8; 4];
            self.read_at(&mut buf, base + (hi as u64 - 1) * 4)?;
            self.check_node(le_u32(&buf), "band node")?
        };
        bucket.extend(len as u64, &prefix, last);
        Ok(())
    }

    /// The node whose text has exact hash `exact`, if it is in this segment.
    pub fn exact(&self, exact: u128) -> Result<Option<u32>> {
        let (lo, hi) = equal_range(&self.exact_hi, (exact >> 64) as u64);
        for pos in lo..hi {
            let mut buf = [0u8; 16];
            self.read_at(&mut buf, self.layout.exact_keys + pos as u64 * 16)?;
            if u128::from_le_bytes(buf) == exact {
                let mut buf = [0u8; 4];
                self.read_at(&mut buf, self.layout.exact_nodes + pos as u64 * 4)?;
                return Ok(Some(self.check_node(le_u32(&buf), "exact-hash node")?));
            }
        }
        Ok(None)
    }

    /// The decision taken for `node`: `Some((kept node, similarity))` if removed.
    pub fn decision(&self, node: u32) -> Result<Option<(u32, f64)>> {
        let i = self.local(node) as u64;
        let mut of = [0u8; 4];
        self.read_at(&mut of, self.layout.removed_for + i * 4)?;
        let of = le_u32(&of);
        if of == NONE {
            return Ok(None);
        }
        let mut s = [0u8; 8];
        self.read_at(&mut s, self.layout.similarity + i * 8)?;
        let s = f64::from_bits(le_u64(&s));
        if of >= node || !(0.0..=1.0).contains(&s) {
            return Err(self.err(format!("corrupt decision of node {node}")));
        }
        Ok(Some((of, s)))
    }

    /// Reads the record of `node` (checksum verified).
    pub fn record(&self, node: u32) -> Result<Record<'static>> {
        let i = self.local(node);
        let start = self.record_at[i];
        let end = self
            .record_at
            .get(i + 1)
            .copied()
            .unwrap_or(self.meta.blob_bytes);
        let mut buf = vec![0u8; (end - start) as usize];
        self.read_at(&mut buf, self.layout.blob + start)?;
        let bad = |what: &str| self.err(format!("corrupt record of node {node}: {what}"));
        let body_len = buf.len() - 8;
        if le_u64(&buf[body_len..]) != xxh3_64(&buf[..body_len]) {
            return Err(bad("checksum mismatch"));
        }
        let key_len = le_u32(&buf[..4]) as u64;
        let set_len = le_u32(&buf[4..8]) as u64;
        if RECORD_OVERHEAD + key_len + 8 * set_len != buf.len() as u64 {
            return Err(bad("length mismatch"));
        }
        let key_end = 8 + key_len as usize;
        let key = std::str::from_utf8(&buf[8..key_end])
            .map_err(|_| bad("key is not UTF-8"))?
            .to_string();
        let set: Vec<u64> = buf[key_end..body_len].chunks_exact(8).map(le_u64).collect();
        if set.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("unsorted shingle set"));
        }
        Ok(Record {
            key: Cow::Owned(key),
            set: Cow::Owned(set),
        })
    }

    /// The raw bytes of `node`'s record (for compaction), checksum verified.
    fn raw_record(&self, node: u32, out: &mut Vec<u8>) -> Result<()> {
        self.record(node)?; // validates
        let i = self.local(node);
        let start = self.record_at[i];
        let end = self
            .record_at
            .get(i + 1)
            .copied()
            .unwrap_or(self.meta.blob_bytes);
        let at = out.len();
        out.resize(at + (end - start) as usize, 0);
        self.read_at(&mut out[at..], self.layout.blob + start)
    }

    /// Document keys and nodes, in document order.
    pub fn documents(&self) -> Result<Vec<(u32, String)>> {
        let d = self.meta.docs as usize;
        let mut nodes = vec![0u8; d * 4];
        self.read_at(&mut nodes, self.layout.doc_nodes)?;
        let mut lens = vec![0u8; d * 4];
        self.read_at(&mut lens, self.layout.doc_key_lens)?;
        let mut keys = vec![0u8; self.meta.doc_key_bytes as usize];
        self.read_at(&mut keys, self.layout.doc_keys)?;
        let mut out = Vec::with_capacity(d);
        let mut at = 0usize;
        for (n, l) in nodes.chunks_exact(4).zip(lens.chunks_exact(4)) {
            let l = le_u32(l) as usize;
            let key = keys
                .get(at..at + l)
                .and_then(|k| std::str::from_utf8(k).ok())
                .ok_or_else(|| self.err("corrupt document keys".into()))?;
            out.push((le_u32(n), key.to_string()));
            at += l;
        }
        Ok(out)
    }

    /// Heap bytes held in memory for this segment.
    pub fn heap_bytes(&self) -> usize {
        (self.band_keys.capacity() + self.exact_hi.capacity() + self.record_at.capacity()) * 8
    }
}

/// Everything a segment file holds about a range of nodes and documents, in
/// memory, ready to be written. The blob records are produced by a callback so
/// that compaction can stream them.
#[derive(Debug, Default)]
pub(crate) struct SegmentData {
    pub first_node: u32,
    pub first_doc: u64,
    /// Node-major: `bands` keys per node.
    pub band_keys: Vec<u64>,
    pub exact: Vec<u128>,
    pub removed_for: Vec<u32>,
    pub similarity: Vec<f64>,
    pub nbr_counts: Vec<u32>,
    pub nbrs: Vec<u32>,
    pub doc_nodes: Vec<u32>,
    pub doc_key_lens: Vec<u32>,
    pub doc_keys: Vec<u8>,
    /// Length of each node's record.
    pub record_lens: Vec<u64>,
}

/// Appends a blob record.
pub(crate) fn encode_record(key: &str, set: &[u64], out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(&(set.len() as u32).to_le_bytes());
    out.extend_from_slice(key.as_bytes());
    for h in set {
        out.extend_from_slice(&h.to_le_bytes());
    }
    let sum = xxh3_64(&out[start..]);
    out.extend_from_slice(&sum.to_le_bytes());
}

/// Length of the record [`encode_record`] writes.
pub(crate) fn record_len(key: &str, set: &[u64]) -> u64 {
    RECORD_OVERHEAD + key.len() as u64 + 8 * set.len() as u64
}

/// Hashes everything written until the blob starts.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Option<Xxh3>,
    written: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `data` as a segment to `path` (a temporary name: the caller fsyncs
/// the returned file and renames it). `record(local, out)` appends node
/// `local`'s blob record. Returns the file, its size and footer checksum.
pub(crate) fn write_segment(
    path: &Path,
    config: &IndexConfig,
    data: &SegmentData,
    mut record: impl FnMut(usize, &mut Vec<u8>) -> Result<()>,
) -> Result<(File, u64, u64)> {
    let io_err = |e: io::Error| Error::io("writing", path, e);
    let bands = config.lsh.bands;
    let n = data.exact.len();
    debug_assert_eq!(data.band_keys.len(), n * bands);
    let meta = SegmentMeta {
        config: config.clone(),
        first_node: data.first_node,
        nodes: n as u32,
        first_doc: data.first_doc,
        docs: data.doc_nodes.len() as u64,
        neighbours: data.nbrs.len() as u64,
        doc_key_bytes: data.doc_keys.len() as u64,
        blob_bytes: data.record_lens.iter().sum(),
    };
    let file = File::create(path).map_err(|e| Error::io("creating", path, e))?;
    let mut out = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        hasher: Some(Xxh3::new()),
        written: 0,
    };
    write_header(&mut out, SEGMENT_MAGIC, FORMAT_VERSION, &meta).map_err(io_err)?;
    let mut bytes: Vec<u8> = Vec::new();
    let flush = |out: &mut HashingWriter<BufWriter<File>>, bytes: &mut Vec<u8>| {
        let r = out.write_all(bytes);
        bytes.clear();
        r
    };
    let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(n);
    for band in 0..bands {
        pairs.clear();
        pairs
            .extend((0..n).map(|i| (data.band_keys[i * bands + band], data.first_node + i as u32)));
        pairs.sort_unstable();
        for &(k, _) in &pairs {
            bytes.extend_from_slice(&k.to_le_bytes());
        }
        for &(_, node) in &pairs {
            bytes.extend_from_slice(&node.to_le_bytes());
        }
        flush(&mut out, &mut bytes).map_err(io_err)?;
    }
    drop(pairs);
    let mut exact: Vec<(u128, u32)> = data
        .exact
        .iter()
        .enumerate()
        .map(|(i, &h)| (h, data.first_node + i as u32))
        .collect();
    exact.sort_unstable();
    for &(h, _) in &exact {
        bytes.extend_from_slice(&h.to_le_bytes());
    }
    for &(_, node) in &exact {
        bytes.extend_from_slice(&node.to_le_bytes());
    }
    drop(exact);
    flush(&mut out, &mut bytes).map_err(io_err)?;
    let mut at = 0u64;
    for &l in &data.record_lens {
        bytes.extend_from_slice(&at.to_le_bytes());
        at += l;
    }
    for v in &data.removed_for {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    for v in &data.similarity {
        bytes.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    for v in data
        .nbr_counts
        .iter()
        .chain(&data.nbrs)
        .chain(&data.doc_nodes)
    {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    for v in &data.doc_key_lens {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes.extend_from_slice(&data.doc_keys);
    flush(&mut out, &mut bytes).map_err(io_err)?;
    let checksum = out.hasher.take().expect("hashing").digest();
    for (i, &l) in data.record_lens.iter().enumerate() {
        let start = bytes.len();
        record(i, &mut bytes)?;
        if (bytes.len() - start) as u64 != l {
            return Err(format_err(path, "internal error: record length changed"));
        }
        if bytes.len() >= 1 << 20 || i + 1 == n {
            flush(&mut out, &mut bytes).map_err(io_err)?;
        }
    }
    let total = out.written + FOOTER_LEN;
    out.write_all(&checksum.to_le_bytes()).map_err(io_err)?;
    out.write_all(&total.to_le_bytes()).map_err(io_err)?;
    out.write_all(FOOTER_MAGIC).map_err(io_err)?;
    let file = out
        .inner
        .into_inner()
        .map_err(|e| Error::io("writing", path, e.into_error()))?;
    Ok((file, total, checksum))
}

/// Opens a segment file for on-demand reads after writing it (no validation
/// needed: this process wrote it), keeping the parts that stay in memory.
pub(crate) fn install_segment(
    path: &Path,
    name: &str,
    config: &IndexConfig,
    data: &SegmentData,
    bytes: u64,
    checksum: u64,
) -> Result<Segment> {
    let file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
    let src = Backing::File(file);
    let len = src.len().map_err(|e| Error::io("reading", path, e))?;
    let (meta, header_len): (SegmentMeta, u64) = read_meta(&src, len, path, SEGMENT_MAGIC)?;
    let bands = config.lsh.bands;
    let layout = Layout::new(header_len, bands, &meta)
        .filter(|l| l.total == len)
        .ok_or_else(|| format_err(path, "segment changed after writing"))?;
    let n = data.exact.len();
    let mut band_keys = Vec::with_capacity(n * bands);
    for band in 0..bands {
        let start = band_keys.len();
        band_keys.extend((0..n).map(|i| data.band_keys[i * bands + band]));
        band_keys[start..].sort_unstable();
    }
    let mut exact_hi: Vec<u64> = data.exact.iter().map(|&h| (h >> 64) as u64).collect();
    exact_hi.sort_unstable();
    let mut record_at = Vec::with_capacity(n);
    let mut at = 0u64;
    for &l in &data.record_lens {
        record_at.push(at);
        at += l;
    }
    Ok(Segment {
        name: name.to_string(),
        path: path.to_path_buf(),
        src,
        meta,
        layout,
        bands,
        band_keys,
        exact_hi,
        record_at,
        bytes,
        checksum,
    })
}

/// Reads the arrays of consecutive segments back into one [`SegmentData`]
/// (for compaction; the blob records are copied by [`copy_record`]).
pub(crate) fn gather_segments(segments: &[Segment]) -> Result<SegmentData> {
    let mut data = SegmentData {
        first_node: segments.first().map_or(0, |s| s.meta.first_node),
        first_doc: segments.first().map_or(0, |s| s.meta.first_doc),
        ..SegmentData::default()
    };
    for seg in segments {
        let n = seg.meta.nodes as usize;
        let bands = seg.bands;
        let base = data.exact.len();
        data.band_keys.resize((base + n) * bands, 0);
        for band in 0..bands {
            let mut nodes = vec![0u8; n * 4];
            seg.read_at(&mut nodes, seg.layout.band_nodes(band))?;
            let keys = &seg.band_keys[band * n..(band + 1) * n];
            for (k, c) in keys.iter().zip(nodes.chunks_exact(4)) {
                let node = seg.check_node(le_u32(c), "band node")?;
                data.band_keys[(base + seg.local(node)) * bands + band] = *k;
            }
        }
        let mut keys = vec![0u8; n * 16];
        seg.read_at(&mut keys, seg.layout.exact_keys)?;
        let mut nodes = vec![0u8; n * 4];
        seg.read_at(&mut nodes, seg.layout.exact_nodes)?;
        data.exact.resize(base + n, 0);
        for (k, c) in keys.chunks_exact(16).zip(nodes.chunks_exact(4)) {
            let node = seg.check_node(le_u32(c), "exact-hash node")?;
            data.exact[base + seg.local(node)] = u128::from_le_bytes(k.try_into().expect("16"));
        }
        let mut counts = vec![0u8; n * 4];
        seg.read_at(&mut counts, seg.layout.nbr_counts)?;
        let mut nbrs = vec![0u8; seg.meta.neighbours as usize * 4];
        seg.read_at(&mut nbrs, seg.layout.nbrs)?;
        data.nbr_counts.extend(counts.chunks_exact(4).map(le_u32));
        data.nbrs.extend(nbrs.chunks_exact(4).map(le_u32));
        for i in 0..n as u32 {
            let node = seg.meta.first_node + i;
            let (of, s) = seg.decision(node)?.unwrap_or((NONE, 0.0));
            data.removed_for.push(of);
            data.similarity.push(s);
        }
        for (i, &at) in seg.record_at.iter().enumerate() {
            let end = seg
                .record_at
                .get(i + 1)
                .copied()
                .unwrap_or(seg.meta.blob_bytes);
            data.record_lens.push(end - at);
        }
        for (node, key) in seg.documents()? {
            data.doc_nodes.push(node);
            data.doc_key_lens.push(key.len() as u32);
            data.doc_keys.extend_from_slice(key.as_bytes());
        }
    }
    Ok(data)
}

/// Copies `node`'s record (checksum verified) from whichever segment holds it.
pub(crate) fn copy_record(segments: &[Segment], node: u32, out: &mut Vec<u8>) -> Result<()> {
    let i = segments.partition_point(|s| s.end_node() <= node);
    match segments.get(i) {
        Some(seg) if node >= seg.meta.first_node => seg.raw_record(node, out),
        _ => Err(Error::Config(format!(
            "internal error: node {node} not saved"
        ))),
    }
}

/// Writes the manifest atomically: temporary file, fsync, rename, fsync of the
/// directory.
pub(crate) fn write_manifest(dir: &Path, meta: &ManifestMeta) -> Result<()> {
    let path = dir.join(super::MANIFEST);
    let tmp = dir.join(format!(".MANIFEST.tmp-{}", std::process::id()));
    let mut bytes = Vec::new();
    write_header(&mut bytes, MANIFEST_MAGIC, FORMAT_VERSION, meta)
        .map_err(|e| Error::io("writing", &path, e))?;
    if bytes.len() as u64 > MAX_META_BYTES as u64 {
        return Err(format_err(
            &path,
            "too many segments for one manifest; run `shingle index compact`",
        ));
    }
    let mut file = File::create(&tmp).map_err(|e| Error::io("creating", &tmp, e))?;
    let r = file
        .write_all(&bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io("writing", &tmp, e))
        .and_then(|_| std::fs::rename(&tmp, &path).map_err(|e| Error::io("renaming", &path, e)));
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r?;
    sync_dir(dir)
}

/// Fsyncs a directory so that renames in it are durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("syncing", dir, e))
}

/// Parses manifest bytes.
pub(crate) fn parse_manifest(bytes: &[u8], path: &Path) -> Result<ManifestMeta> {
    let src = Backing::Bytes(bytes.to_vec());
    let (meta, len): (ManifestMeta, u64) =
        read_meta(&src, bytes.len() as u64, path, MANIFEST_MAGIC)?;
    if len != bytes.len() as u64 {
        return Err(format_err(path, "trailing bytes after the manifest"));
    }
    meta.config
        .validate()
        .map_err(|e| format_err(path, format!("corrupt configuration: {e}")))?;
    let mut names = std::collections::HashSet::new();
    for s in &meta.segments {
        if !valid_segment_name(&s.file) || !names.insert(s.file.as_str()) {
            return Err(format_err(path, format!("bad segment name {:?}", s.file)));
        }
    }
    Ok(meta)
}

/// Reads the manifest of the index in `dir`.
pub(crate) fn read_manifest(dir: &Path) -> Result<ManifestMeta> {
    let path = dir.join(super::MANIFEST);
    let file = File::open(&path).map_err(|e| Error::io("opening", &path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io("reading", &path, e))?
        .len();
    // The manifest is a header only: refuse to read more than a header can be.
    let limit = 16 + MAX_META_BYTES as u64 + 8;
    if len > limit {
        return Err(format_err(&path, "manifest too large (corrupt)"));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("reading", &path, e))?;
    parse_manifest(&bytes, &path)
}

/// Segment file names: `seg-` + digits + `.shgl` (nothing that leaves the
/// directory).
pub(crate) fn valid_segment_name(name: &str) -> bool {
    name.strip_prefix("seg-")
        .and_then(|s| s.strip_suffix(".shgl"))
        .is_some_and(|d| !d.is_empty() && d.len() <= 20 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The file name of segment number `n`.
pub(crate) fn segment_name(n: u64) -> String {
    format!("seg-{n:06}.shgl")
}

/// Opens a segment file of the index in `dir`.
pub(crate) fn open_segment_file(dir: &Path, name: &str) -> Result<(Backing, PathBuf)> {
    let path = dir.join(name);
    let file = File::open(&path).map_err(|e| Error::io("opening", &path, e))?;
    Ok((Backing::File(file), path))
}
