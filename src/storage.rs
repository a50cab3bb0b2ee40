//! Files `shingle` writes for itself, and how they are framed.
//!
//! Every such file starts with a header:
//!
//! ```text
//! magic      8 bytes   e.g. b"SHGLDOCS"
//! version    u32 LE    format version of this kind of file
//! meta_len   u32 LE    length of the metadata (at most 1 MiB)
//! meta       bincode   the parameters that produced the file (fixed-int encoding)
//! meta_hash  u64 LE    xxh3-64 of meta
//! ```
//!
//! followed by fixed-width little-endian data that can be read without parsing.
//! This is the only module that uses `bincode`: it is pinned at 1.3.3, which its
//! authors declared complete and which gets no further releases
//! (RUSTSEC-2025-0141). It is used for small metadata only, always with a size
//! limit on decode, so a corrupt length cannot make it allocate without bound.
//!
//! Opening a file with the wrong magic, a different version, a corrupt header or
//! other parameters than expected is an [`Error::Format`], never a panic.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use bincode::Options;
use serde::{de::DeserializeOwned, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::minhash::fingerprint;
use crate::sketch::SketchParams;

/// Largest metadata block accepted when reading a header.
pub const MAX_META_BYTES: u32 = 1 << 20;

fn bincode_options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_little_endian()
        .with_limit(MAX_META_BYTES as u64)
        .reject_trailing_bytes()
}

/// Writes a header; returns its length in bytes.
pub fn write_header<W: Write, P: Serialize>(
    out: &mut W,
    magic: &[u8; 8],
    version: u32,
    params: &P,
) -> std::io::Result<u64> {
    let meta = bincode_options()
        .serialize(params)
        .map_err(std::io::Error::other)?;
    out.write_all(magic)?;
    out.write_all(&version.to_le_bytes())?;
    out.write_all(&(meta.len() as u32).to_le_bytes())?;
    out.write_all(&meta)?;
    out.write_all(&xxh3_64(&meta).to_le_bytes())?;
    Ok(8 + 4 + 4 + meta.len() as u64 + 8)
}

/// Reads and checks a header; returns the parameters and the header length.
pub fn read_header<R: Read, P: DeserializeOwned>(
    input: &mut R,
    path: &Path,
    magic: &[u8; 8],
    version: u32,
) -> Result<(P, u64)> {
    let format = |detail: String| Error::Format {
        path: path.to_path_buf(),
        detail,
    };
    let mut fixed = [0u8; 16];
    input
        .read_exact(&mut fixed)
        .map_err(|_| format("too short to be a shingle file".into()))?;
    if &fixed[..8] != magic {
        return Err(format(format!(
            "not a shingle {} file (bad magic)",
            String::from_utf8_lossy(magic)
        )));
    }
    let found = u32::from_le_bytes(fixed[8..12].try_into().expect("4 bytes"));
    if found != version {
        return Err(format(format!(
            "format version {found}, but this shingle reads version {version}"
        )));
    }
    let meta_len = u32::from_le_bytes(fixed[12..16].try_into().expect("4 bytes"));
    if meta_len > MAX_META_BYTES {
        return Err(format(format!(
            "corrupt header (metadata length {meta_len})"
        )));
    }
    let mut meta = vec![0u8; meta_len as usize];
    let mut hash = [0u8; 8];
    input
        .read_exact(&mut meta)
        .and_then(|_| input.read_exact(&mut hash))
        .map_err(|_| format("truncated header".into()))?;
    if xxh3_64(&meta) != u64::from_le_bytes(hash) {
        return Err(format("corrupt header (checksum mismatch)".into()));
    }
    let params = bincode_options()
        .deserialize(&meta)
        .map_err(|e| format(format!("corrupt header metadata: {e}")))?;
    Ok((params, 16 + meta_len as u64 + 8))
}

const DOC_STORE_MAGIC: &[u8; 8] = b"SHGLDOCS";
/// Version 5: a record may hold its document's place in the input instead of
/// its fingerprints ([`encode_doc_location`]). Version 4: word shingles are
/// hashed from their word hashes (version 3 hashed the shingle's bytes; its
/// fingerprints mean something else). Version 3: shingles are stored as 32-bit
/// fingerprints (version 2 held the 64-bit hashes).
const DOC_STORE_VERSION: u32 = 5;

/// `set_len` of a record that holds an [`InputLocation`] instead of a set.
const LOCATION_RECORD: u32 = u32::MAX;

/// Where a document's record is in an uncompressed input file: enough to read
/// its bytes again with one `pread`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLocation {
    /// Index of the source in the run's list.
    pub source: u32,
    /// Byte offset of the record's content in the file.
    pub offset: u64,
    /// Length of the content (without the line terminator).
    pub len: u32,
}

/// Appends a document-store record that holds the document's id and its place
/// in the input instead of its fingerprints, for documents whose input can be
/// read again: the record is 16 bytes plus the id instead of 4 bytes a
/// shingle, and verification re-shingles the few documents it reads. Layout:
/// `id_len u32 | u32::MAX | id | source u32 | offset u64 | len u32`.
///
/// ```
/// use shingle::storage::{encode_doc_location, InputLocation};
/// let mut out = Vec::new();
/// let at = InputLocation { source: 2, offset: 1 << 40, len: 700 };
/// encode_doc_location(b"\"page-7\"", at, &mut out);
/// assert_eq!(out.len(), 8 + 8 + 16);
/// ```
pub fn encode_doc_location(id_json: &[u8], at: InputLocation, out: &mut Vec<u8>) {
    out.extend_from_slice(&(id_json.len() as u32).to_le_bytes());
    out.extend_from_slice(&LOCATION_RECORD.to_le_bytes());
    out.extend_from_slice(id_json);
    out.extend_from_slice(&at.source.to_le_bytes());
    out.extend_from_slice(&at.offset.to_le_bytes());
    out.extend_from_slice(&at.len.to_le_bytes());
}

/// Appends a document-store record: its id (JSON text) and, optionally, its
/// shingles as 32-bit fingerprints ([`fingerprint`] of each hash, as computed:
/// readers sort and deduplicate them). Layout:
/// `id_len u32 | set_len u32 | id | fingerprints (u32 LE)`.
///
/// Why 32 bits: the store is written for every document and is the largest
/// thing the pipeline writes besides its output; halving it halves that
/// write and the reads of verification. Two shingles of a pair share a
/// fingerprint with probability about
/// n²/2³³ (n shingles in the pair's union): for n = 1,400 a pair's Jaccard
/// moves by 1/1,400 in about 2 of 10,000 pairs.
pub fn encode_doc(id_json: &[u8], hashes: &[u64], out: &mut Vec<u8>) {
    out.extend_from_slice(&(id_json.len() as u32).to_le_bytes());
    out.extend_from_slice(&(hashes.len() as u32).to_le_bytes());
    out.extend_from_slice(id_json);
    // Converted 64 at a time into a stack buffer and appended in one copy: a
    // loop of 4-byte `extend_from_slice` calls was 3% of all CPU time, and
    // zero-filling the output first (to fill it in place) was another 1.5%.
    out.reserve(hashes.len() * 4);
    let mut staged = [0u8; 256];
    for group in hashes.chunks(64) {
        for (slot, &h) in staged.chunks_exact_mut(4).zip(group) {
            slot.copy_from_slice(&fingerprint(h).to_le_bytes());
        }
        out.extend_from_slice(&staged[..group.len() * 4]);
    }
}

/// Writes the spill file that holds what the pipeline needs about a document but
/// should not keep in memory: its id and (for exact verification) its shingle
/// fingerprints.
///
/// The writes happen on a thread of their own: the caller hands over filled
/// buffers and goes on sketching, instead of leaving the other cores idle while
/// it copies a gigabyte into the page cache. Emptied buffers come back through
/// [`DocStoreWriter::buffers`] for reuse.
pub struct DocStoreWriter {
    sender: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    writer: Option<std::thread::JoinHandle<std::io::Result<File>>>,
    buffers: std::sync::Arc<BufferPool>,
    path: PathBuf,
    position: u64,
}

/// Emptied buffers, handed back for reuse (a fresh multi-megabyte buffer costs
/// a page fault per 4 KiB).
#[derive(Default)]
pub struct BufferPool(std::sync::Mutex<Vec<Vec<u8>>>);

impl BufferPool {
    /// Most buffers kept: the writer's queue plus one per worker is enough.
    const MAX: usize = 32;

    /// An empty buffer, reused when one is available.
    pub fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default()
    }

    fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        let mut pool = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < Self::MAX {
            pool.push(buffer);
        }
    }
}

impl DocStoreWriter {
    /// Buffers queued for the writer thread at most.
    const QUEUE: usize = 8;

    /// Creates the store at `path` (a temporary file).
    pub fn create(path: &Path, params: &SketchParams) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io("creating", path, e))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let position = write_header(&mut out, DOC_STORE_MAGIC, DOC_STORE_VERSION, params)
            .and_then(|position| out.flush().map(|()| position))
            .map_err(|e| Error::io("writing", path, e))?;
        let file = out
            .into_inner()
            .map_err(|e| Error::io("writing", path, e.into_error()))?;
        let buffers = std::sync::Arc::new(BufferPool::default());
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(Self::QUEUE);
        let pool = buffers.clone();
        let writer = std::thread::Builder::new()
            .name("doc-store-writer".into())
            .spawn(move || {
                let mut file = file;
                for buffer in receiver {
                    file.write_all(&buffer)?;
                    pool.give(buffer);
                }
                Ok(file)
            })
            .map_err(|e| Error::io("starting the writer thread for", path, e))?;
        Ok(DocStoreWriter {
            sender: Some(sender),
            writer: Some(writer),
            buffers,
            path: path.to_path_buf(),
            position,
        })
    }

    /// The pool that written buffers return to.
    pub fn buffers(&self) -> std::sync::Arc<BufferPool> {
        self.buffers.clone()
    }

    /// Appends encoded records (written in the background, in call order);
    /// returns the offset of the first byte.
    pub fn append(&mut self, encoded: Vec<u8>) -> Result<u64> {
        let at = self.position;
        let len = encoded.len() as u64;
        let sent = match self.sender.as_ref() {
            Some(sender) => sender.send(encoded).is_ok(),
            None => false,
        };
        if !sent {
            // The writer stopped: it failed, and says why.
            return Err(self.join().err().unwrap_or_else(|| {
                Error::io(
                    "writing",
                    &self.path,
                    std::io::Error::other("the writer thread stopped"),
                )
            }));
        }
        self.position += len;
        Ok(at)
    }

    /// Waits for the writer; returns its file.
    fn join(&mut self) -> Result<File> {
        self.sender = None;
        let writer = self.writer.take().ok_or_else(|| {
            Error::io(
                "writing",
                &self.path,
                std::io::Error::other("the writer thread already stopped"),
            )
        })?;
        match writer.join() {
            Ok(result) => result.map_err(|e| Error::io("writing", &self.path, e)),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// Waits for the writes and reopens the store for reading, checking its
    /// header.
    pub fn finish(mut self, params: &SketchParams) -> Result<DocStore> {
        drop(self.join()?);
        DocStore::open(&self.path, params)
    }
}

impl Drop for DocStoreWriter {
    fn drop(&mut self) {
        // On an early return the thread ends when its channel closes.
        self.sender = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Read side of the document store, by offset; safe to share between threads.
pub struct DocStore {
    file: File,
    path: PathBuf,
    /// Length of the (complete) file, so that a corrupt record length is an
    /// error before it is an allocation.
    len: u64,
}

/// Reusable buffers for reading records.
#[derive(Default)]
pub struct DocBuffers {
    bytes: Vec<u8>,
    /// The record's id (JSON text).
    pub id: Vec<u8>,
    /// The record's shingle fingerprints as stored (`dedup` stores them
    /// unsorted with repeats; [`crate::verify`] turns them into a set).
    pub set: Vec<u32>,
    /// For a record made by [`encode_doc_location`]: where the document is
    /// (and `set` is empty).
    pub location: Option<InputLocation>,
}

impl DocStore {
    /// Opens a store, checking magic, version and parameters.
    pub fn open(path: &Path, params: &SketchParams) -> Result<Self> {
        let mut file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
        let (found, _): (SketchParams, u64) =
            read_header(&mut file, path, DOC_STORE_MAGIC, DOC_STORE_VERSION)?;
        if &found != params {
            return Err(Error::Format {
                path: path.to_path_buf(),
                detail: format!("made with other parameters ({found:?})"),
            });
        }
        let len = file
            .metadata()
            .map_err(|e| Error::io("reading", path, e))?
            .len();
        Ok(DocStore {
            file,
            path: path.to_path_buf(),
            len,
        })
    }

    /// Flushes the store to disk, for a store that outlives the run (a sharded
    /// task's marker vouches for it).
    pub fn sync(&self) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|e| Error::io("syncing", &self.path, e))
    }

    /// Size of the store file in bytes.
    pub fn bytes(&self) -> u64 {
        self.len
    }

    /// Deletes the store once it is no longer read. Truncating first drops its
    /// dirty pages, so the kernel does not spend disk bandwidth writing back a
    /// temporary file while the outputs are being written and synced.
    pub fn discard(&self) -> Result<()> {
        let writable = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map_err(|e| Error::io("opening", &self.path, e))?;
        writable
            .set_len(0)
            .map_err(|e| Error::io("truncating", &self.path, e))?;
        std::fs::remove_file(&self.path).map_err(|e| Error::io("removing", &self.path, e))
    }

    /// Reads only the id (JSON text) of the record at `offset` into `id`.
    pub fn read_id(&self, offset: u64, id: &mut Vec<u8>) -> Result<()> {
        let corrupt = || Error::Format {
            path: self.path.clone(),
            detail: format!("corrupt record at offset {offset}: truncated"),
        };
        // One read for the lengths and an id of up to 120 bytes (most are),
        // a second only for a longer id.
        let mut head = [0u8; 128];
        let mut got = 0;
        while got < 8 {
            match self.file.read_at(&mut head[got..], offset + got as u64) {
                Ok(0) => return Err(corrupt()),
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(corrupt()),
            }
        }
        let len = u32::from_le_bytes(head[..4].try_into().expect("4 bytes")) as usize;
        id.clear();
        if 8 + len <= got {
            id.extend_from_slice(&head[8..8 + len]);
            return Ok(());
        }
        id.resize(len, 0);
        self.file
            .read_exact_at(id, offset + 8)
            .map_err(|_| corrupt())
    }

    /// Reads the record at `offset` into `buf` (id and set).
    pub fn read(&self, offset: u64, buf: &mut DocBuffers) -> Result<()> {
        self.read_sized(offset, None, buf)
    }

    /// [`DocStore::read`], given the record's size if known (where the next
    /// record starts): then one `pread` instead of two, for the lengths and
    /// then the rest (a wrong size only costs the second read).
    pub fn read_sized(&self, offset: u64, size: Option<u64>, buf: &mut DocBuffers) -> Result<()> {
        let corrupt = |detail: &str| Error::Format {
            path: self.path.clone(),
            detail: format!("corrupt record at offset {offset}: {detail}"),
        };
        let first = size.map_or(8, |s| (s as usize).clamp(8, 1 << 20));
        if buf.bytes.len() < first {
            buf.bytes.resize(first, 0);
        }
        let mut got = 0;
        while got < 8 {
            match self
                .file
                .read_at(&mut buf.bytes[got..first], offset + got as u64)
            {
                Ok(0) => return Err(corrupt("truncated")),
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(corrupt("truncated")),
            }
        }
        let word =
            |at: usize| u32::from_le_bytes(buf.bytes[at..at + 4].try_into().expect("4 bytes"));
        let (id_len, set_len) = (word(0) as usize, word(4));
        let located = set_len == LOCATION_RECORD;
        let total = 8 + id_len + if located { 16 } else { 4 * set_len as usize };
        if offset.saturating_add(total as u64) > self.len {
            return Err(corrupt("its lengths run past the end of the file"));
        }
        if got < total {
            if buf.bytes.len() < total {
                buf.bytes.resize(total, 0);
            }
            self.file
                .read_exact_at(&mut buf.bytes[got..total], offset + got as u64)
                .map_err(|_| corrupt("truncated"))?;
        }
        let body = &buf.bytes[8..total];
        buf.id.clear();
        buf.id.extend_from_slice(&body[..id_len]);
        buf.set.clear();
        let rest = &body[id_len..];
        buf.location = located.then(|| InputLocation {
            source: u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")),
            offset: u64::from_le_bytes(rest[4..12].try_into().expect("8 bytes")),
            len: u32::from_le_bytes(rest[12..16].try_into().expect("4 bytes")),
        });
        if !located {
            buf.set.extend(
                rest.chunks_exact(4)
                    .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_errors() {
        let params = SketchParams::default();
        let mut bytes = Vec::new();
        let len = write_header(&mut bytes, b"SHGLTEST", 3, &params).unwrap();
        assert_eq!(len as usize, bytes.len());
        let path = Path::new("t");
        let (got, _): (SketchParams, u64) =
            read_header(&mut &bytes[..], path, b"SHGLTEST", 3).unwrap();
        assert_eq!(got, params);
        let wrong_version = read_header::<_, SketchParams>(&mut &bytes[..], path, b"SHGLTEST", 4);
        assert!(wrong_version.unwrap_err().to_string().contains("version 3"));
        let wrong_magic = read_header::<_, SketchParams>(&mut &bytes[..], path, b"SHGLXXXX", 3);
        assert!(wrong_magic.unwrap_err().to_string().contains("bad magic"));
        for cut in 0..bytes.len() {
            assert!(
                read_header::<_, SketchParams>(&mut &bytes[..cut], path, b"SHGLTEST", 3).is_err()
            );
        }
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x40;
            assert!(
                read_header::<_, SketchParams>(&mut &flipped[..], path, b"SHGLTEST", 3).is_err(),
                "flip at {i} not detected"
            );
        }
    }

    #[test]
    fn doc_store_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs");
        let params = SketchParams::default();
        let mut w = DocStoreWriter::create(&path, &params).unwrap();
        let pool = w.buffers();
        let mut enc = pool.take();
        encode_doc(b"\"a\"", &[1, 2, 3], &mut enc);
        let first = w.append(enc).unwrap();
        let mut enc = pool.take();
        encode_doc(b"7", &[], &mut enc);
        let second = w.append(enc).unwrap();
        // A record whose lengths are garbage: an error, never a huge buffer.
        let mut garbage = (u32::MAX - 7).to_le_bytes().to_vec();
        garbage.extend_from_slice(&(u32::MAX - 1).to_le_bytes());
        let corrupt = w.append(garbage).unwrap();
        // Many appends through the background writer land in order, at the
        // offsets `append` returned, with buffers reused from the pool; every
        // third record holds a place in the input instead of a set.
        let mut placed = Vec::new();
        let place = |i: u64| InputLocation {
            source: i as u32 % 5,
            offset: i << 36,
            len: i as u32 * 7,
        };
        for i in 0..1000u64 {
            let mut enc = pool.take();
            assert!(enc.is_empty());
            if i % 3 == 0 {
                encode_doc_location(i.to_string().as_bytes(), place(i), &mut enc);
            } else {
                encode_doc(i.to_string().as_bytes(), &[i, i * 3], &mut enc);
            }
            placed.push((i, w.append(enc).unwrap()));
        }
        let store = w.finish(&params).unwrap();
        let mut buf = DocBuffers::default();
        let ends: Vec<u64> = placed
            .iter()
            .skip(1)
            .map(|p| p.1)
            .chain([store.bytes()])
            .collect();
        for (&(i, at), &end) in placed.iter().zip(&ends) {
            // Any size hint gives the same record: exact, short, long, none.
            for size in [Some(end - at), Some(9), Some(end - at + 100), None] {
                let mut hinted = DocBuffers::default();
                store.read_sized(at, size, &mut hinted).unwrap();
                store.read(at, &mut buf).unwrap();
                assert_eq!(
                    (&hinted.id, &hinted.set, hinted.location),
                    (&buf.id, &buf.set, buf.location)
                );
            }
            store.read(at, &mut buf).unwrap();
            assert_eq!(buf.id, i.to_string().as_bytes());
            let mut id = Vec::new();
            store.read_id(at, &mut id).unwrap();
            assert_eq!(id, buf.id);
            if i % 3 == 0 {
                assert_eq!((buf.location, buf.set.len()), (Some(place(i)), 0));
            } else {
                assert_eq!(buf.location, None);
                assert_eq!(buf.set, [fingerprint(i), fingerprint(i * 3)]);
            }
        }
        store.read(first, &mut buf).unwrap();
        assert_eq!(
            (buf.id.as_slice(), buf.set.as_slice()),
            (
                &b"\"a\""[..],
                &[fingerprint(1), fingerprint(2), fingerprint(3)][..]
            )
        );
        store.read(second, &mut buf).unwrap();
        assert_eq!((buf.id.as_slice(), buf.set.len()), (&b"7"[..], 0));
        let err = store.read(corrupt, &mut buf).unwrap_err().to_string();
        assert!(err.contains("past the end of the file"), "{err}");
        let other = SketchParams {
            ngram: 3,
            ..SketchParams::default()
        };
        assert!(DocStore::open(&path, &other).is_err());
    }

    #[test]
    fn ids_of_any_length_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs");
        let params = SketchParams::default();
        let mut w = DocStoreWriter::create(&path, &params).unwrap();
        // Ids around the length read with the record's lengths (120 bytes),
        // with and without shingles after them, the last record at the very
        // end of the file.
        let mut placed = Vec::new();
        for (n, len) in [0usize, 1, 119, 120, 121, 500, 120].into_iter().enumerate() {
            let id: Vec<u8> = (0..len).map(|i| b'a' + ((i + n) % 26) as u8).collect();
            let hashes: Vec<u64> = (0..n as u64 % 3).collect();
            let mut enc = Vec::new();
            encode_doc(&id, &hashes, &mut enc);
            placed.push((id, w.append(enc).unwrap()));
        }
        let store = w.finish(&params).unwrap();
        let mut id = b"left over".to_vec();
        for (want, at) in &placed {
            store.read_id(*at, &mut id).unwrap();
            assert_eq!(&id, want);
        }
        // A record cut short is an error naming the store, not a panic.
        let size = store.bytes();
        let last = placed.last().unwrap().1;
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(last + 60).unwrap();
        let err = store.read_id(last, &mut id).unwrap_err().to_string();
        assert!(err.contains("truncated") && err.contains("docs"), "{err}");
        file.set_len(last + 5).unwrap();
        assert!(store.read_id(last, &mut id).is_err());
        assert!(store.read_id(size + 10, &mut id).is_err());
    }
}
