//! Reading input: finding the files, decoding gzip/zstd, splitting records, and
//! pulling the text and id out of each JSON record.
//!
//! Inputs are JSONL files (plain, gzip or zstd; compression is detected by the
//! magic bytes, not the name), directories (walked recursively in sorted order,
//! taking `*.jsonl`, `*.ndjson` and `*.txt`, optionally `.gz`/`.zst`), plain text
//! files (one document per file, id = the path), and `-` for JSONL on stdin.
//!
//! Records are read into [`Block`]s of raw bytes so that parsing and everything
//! after it can run in parallel, while the reader streams: memory holds a few
//! blocks, never the corpus.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{BadRecordReason, Error, Result};

mod jsonl;

/// How a source's bytes are framed into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// One JSON object per line.
    Jsonl,
    /// The whole file is one document; its id is the path.
    Text,
}

/// Compression of a source, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip (one or several concatenated members).
    Gzip,
    /// Zstandard (one or several frames).
    Zstd,
}

impl Compression {
    /// Detects compression from the first bytes of a file.
    pub fn detect(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// File-name suffix for output compressed this way.
    pub fn suffix(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }
}

/// One input, as discovered.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name used in messages and ids (the path as given, or `-`).
    pub name: PathBuf,
    /// Where the bytes are read from (differs from `name` for stdin, which is
    /// spooled to a temporary file so it can be read twice).
    pub path: PathBuf,
    /// Framing.
    pub kind: SourceKind,
    /// Compression found at discovery.
    pub compression: Compression,
    /// Size on disk, for progress and for noticing changes between passes.
    pub size: u64,
    /// Modification time, for noticing changes between passes.
    pub modified: Option<SystemTime>,
}

impl Source {
    /// Opens the source, decoding compression; compressed bytes read are added
    /// to `consumed`.
    pub fn open(&self, consumed: Arc<AtomicU64>) -> Result<Box<dyn BufRead + Send>> {
        open_decoded(&self.path, self.compression, consumed)
    }

    /// Errors if the file changed since discovery (size or mtime).
    pub fn check_unchanged(&self) -> Result<()> {
        let meta =
            std::fs::metadata(&self.path).map_err(|e| Error::io("reading", &self.name, e))?;
        if meta.len() != self.size || meta.modified().ok() != self.modified {
            return Err(Error::InputChanged {
                path: self.name.clone(),
                detail: format!("size was {} bytes, now {}", self.size, meta.len()),
            });
        }
        Ok(())
    }
}

const BUF_SIZE: usize = 1 << 20;

/// Counts bytes read from the file (compressed bytes), for progress.
struct CountingReader {
    inner: File,
    consumed: Arc<AtomicU64>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn open_decoded(
    path: &Path,
    compression: Compression,
    consumed: Arc<AtomicU64>,
) -> Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
    let reader = BufReader::with_capacity(
        BUF_SIZE,
        CountingReader {
            inner: file,
            consumed,
        },
    );
    Ok(match compression {
        Compression::None => Box::new(reader),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF_SIZE,
            flate2::bufread::MultiGzDecoder::new(reader),
        )),
        Compression::Zstd => {
            let decoder = zstd::stream::read::Decoder::with_buffer(reader)
                .map_err(|e| Error::io("opening zstd stream", path, e))?;
            Box::new(BufReader::with_capacity(BUF_SIZE, decoder))
        }
    })
}

fn sniff(path: &Path) -> Result<Compression> {
    let mut file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("reading", path, e)),
        }
    }
    Ok(Compression::detect(&magic[..got]))
}

/// Strips a compression suffix, so `x.jsonl.gz` is judged as `x.jsonl`.
fn base_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for suffix in [".gz", ".zst", ".zstd"] {
        if let Some(stripped) = name.strip_suffix(suffix) {
            return stripped.to_string();
        }
    }
    name
}

/// The kind of a source given its name: `.txt` (plain or compressed) is a document.
pub fn kind_by_name(path: &Path) -> Option<SourceKind> {
    let base = base_name(path);
    if base.ends_with(".jsonl") || base.ends_with(".ndjson") {
        Some(SourceKind::Jsonl)
    } else if base.ends_with(".txt") {
        Some(SourceKind::Text)
    } else {
        None
    }
}

fn source_for_file(name: PathBuf, path: PathBuf, kind: SourceKind) -> Result<Source> {
    let meta = std::fs::metadata(&path).map_err(|e| Error::io("reading", &name, e))?;
    let compression = sniff(&path)?;
    Ok(Source {
        name,
        path,
        kind,
        compression,
        size: meta.len(),
        modified: meta.modified().ok(),
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("listing", dir, e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()
        .map_err(|e| Error::io("listing", dir, e))?;
    entries.sort();
    for entry in entries {
        // Hidden files (editor swap files, our own temporaries) are not input.
        if entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if entry.is_dir() {
            walk(&entry, out)?;
        } else if kind_by_name(&entry).is_some() {
            out.push(entry);
        }
    }
    Ok(())
}

/// Expands the command-line inputs into sources, in a deterministic order:
/// inputs as given, directories walked in sorted path order. `stdin_spool` is
/// where `-` was spooled (see [`spool_stdin`]).
pub fn discover(inputs: &[PathBuf], stdin_spool: Option<&Path>) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            let spool = stdin_spool
                .ok_or_else(|| Error::Config("stdin (-) given but not spooled".into()))?;
            sources.push(source_for_file(
                input.clone(),
                spool.to_path_buf(),
                SourceKind::Jsonl,
            )?);
        } else if input.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files)?;
            for file in files {
                let kind = kind_by_name(&file).unwrap_or(SourceKind::Jsonl);
                sources.push(source_for_file(file.clone(), file, kind)?);
            }
        } else if input.exists() {
            // A file named explicitly is JSONL unless it is called *.txt.
            let kind = kind_by_name(input).unwrap_or(SourceKind::Jsonl);
            sources.push(source_for_file(input.clone(), input.clone(), kind)?);
        } else {
            return Err(Error::io(
                "opening",
                input,
                io::Error::new(io::ErrorKind::NotFound, "no such file or directory"),
            ));
        }
    }
    Ok(sources)
}

/// Copies stdin to `path` so that it can be read twice (once to sign, once to write
/// the kept records).
pub fn spool_stdin(path: &Path) -> Result<u64> {
    let mut out = File::create(path).map_err(|e| Error::io("creating", path, e))?;
    io::copy(&mut io::stdin().lock(), &mut out).map_err(|e| Error::io("spooling stdin to", path, e))
}

/// What the reader found at one position of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStatus {
    /// Bytes to parse.
    Ok,
    /// Longer than the limit; its bytes were not kept.
    TooLarge,
    /// The compressed stream broke here; nothing after it in this file was read.
    Truncated,
}

/// One record's place in a [`Block`].
#[derive(Debug, Clone, Copy)]
pub struct RawRecord {
    /// Index of its source in the discovered list.
    pub source: u32,
    /// 1-based line number (1 for text files).
    pub line: u64,
    /// Byte range of the content (without the line terminator) in `Block::data`.
    pub start: usize,
    /// End of the content.
    pub end: usize,
    /// End including the line terminator, if any.
    pub end_with_terminator: usize,
    /// Whether the bytes are usable.
    pub status: RecordStatus,
    /// Byte offset of the content in its file, for uncompressed sources
    /// (where [`read_record_at`] can read it again); 0 for compressed ones.
    pub offset: u64,
}

/// A batch of records read sequentially, processed in parallel.
#[derive(Debug, Default)]
pub struct Block {
    /// Raw bytes of the records.
    pub data: Vec<u8>,
    /// The records, in input order.
    pub records: Vec<RawRecord>,
    /// Whitespace-only lines passed over (not documents).
    pub blank_lines: u64,
}

impl Block {
    /// The content bytes of a record (no terminator).
    pub fn content(&self, r: &RawRecord) -> &[u8] {
        &self.data[r.start..r.end]
    }

    /// The record exactly as it was in the input, terminator included.
    pub fn raw_line(&self, r: &RawRecord) -> &[u8] {
        &self.data[r.start..r.end_with_terminator]
    }

    /// The records cut into runs of at most [`CHUNK_RECORDS`] records and
    /// about [`CHUNK_BYTES`] bytes (at least one record each): the units of
    /// parallel work. Cutting by count alone left a block of 60 KB documents
    /// as one unit, sketched by one core.
    ///
    /// ```
    /// use shingle::input::{Block, RawRecord, RecordStatus};
    /// let record = |start, end| RawRecord {
    ///     source: 0, line: 1, start, end, end_with_terminator: end, status: RecordStatus::Ok,
    ///     offset: start as u64,
    /// };
    /// let big = shingle::input::CHUNK_BYTES;
    /// let block = Block {
    ///     records: vec![record(0, big), record(big, big + 10), record(big + 10, big + 20)],
    ///     ..Block::default()
    /// };
    /// let sizes: Vec<usize> = block.chunks().iter().map(|c| c.len()).collect();
    /// assert_eq!(sizes, [1, 2]);
    /// ```
    pub fn chunks(&self) -> Vec<&[RawRecord]> {
        let mut chunks = Vec::new();
        let mut rest = self.records.as_slice();
        while !rest.is_empty() {
            let first = rest[0].start;
            let end = rest
                .iter()
                .take(CHUNK_RECORDS)
                .position(|r| r.end_with_terminator - first >= CHUNK_BYTES)
                .map_or(rest.len().min(CHUNK_RECORDS), |last| last + 1);
            chunks.push(&rest[..end]);
            rest = &rest[end..];
        }
        chunks
    }
}

/// Most records in one unit of parallel work ([`Block::chunks`]).
pub const CHUNK_RECORDS: usize = 256;

/// Bytes after which a unit of parallel work ends ([`Block::chunks`]).
pub const CHUNK_BYTES: usize = 512 << 10;

/// Streams the records of a list of sources as blocks of about `block_bytes`.
///
/// Reading goes through sources in order; a failure to read a compressed stream
/// becomes a [`RecordStatus::Truncated`] record (policy decides later whether that
/// is fatal); other I/O errors are returned.
pub struct RecordReader<'a> {
    sources: &'a [Source],
    max_record_bytes: usize,
    block_bytes: usize,
    current: usize,
    /// One past the last source this reader reads.
    end: usize,
    reader: Option<Box<dyn BufRead + Send>>,
    /// The current source when it is plain JSONL, read by
    /// [`RecordReader::read_plain_lines`] straight into blocks.
    plain: Option<File>,
    line: u64,
    consumed: Arc<AtomicU64>,
    /// Bytes read from the current plain source but not yet in a block: the
    /// start of a line the previous block could not finish.
    carry: Vec<u8>,
    /// Whether the current plain source is inside a line longer than the cap
    /// (its bytes are dropped as they come).
    skipping: bool,
    /// Set when [`RecordReader::read_plain_lines`] stopped for a full block.
    block_full: bool,
    /// Bytes read so far from the current plain source: the end of the
    /// block's data is at this offset of the file (records' `offset`).
    file_pos: u64,
}

/// Offset in the file of byte `at` of `block`'s data, which ends at
/// `file_pos` (a free function: the block is borrowed from the reader).
fn file_offset(file_pos: u64, block: &Block, at: usize) -> u64 {
    file_pos - (block.data.len() - at) as u64
}

impl<'a> RecordReader<'a> {
    /// A reader over `sources`, with the record size limit and target block size.
    pub fn new(sources: &'a [Source], max_record_bytes: usize, block_bytes: usize) -> Self {
        Self::for_sources(
            sources,
            0..sources.len(),
            max_record_bytes,
            block_bytes,
            Arc::new(AtomicU64::new(0)),
        )
    }

    /// A reader over `sources[range]` only (records keep their index in the full
    /// list), adding the bytes it reads to `consumed`.
    fn for_sources(
        sources: &'a [Source],
        range: std::ops::Range<usize>,
        max_record_bytes: usize,
        block_bytes: usize,
        consumed: Arc<AtomicU64>,
    ) -> Self {
        RecordReader {
            sources,
            max_record_bytes,
            // 0 (automatic) means the smallest automatic size here; callers
            // that know their thread count resolve it first.
            block_bytes: match block_bytes {
                0 => auto_block_bytes(1),
                chosen => chosen,
            },
            current: range.start,
            end: range.end.min(sources.len()),
            reader: None,
            plain: None,
            line: 0,
            consumed,
            carry: Vec::new(),
            skipping: false,
            block_full: false,
            file_pos: 0,
        }
    }

    /// Fills the next block. Returns `Ok(None)` at the end of all sources.
    pub fn next_block(&mut self) -> Result<Option<Block>> {
        self.next_block_reusing(None)
    }

    /// [`next_block`](Self::next_block), filling `spare` (a block already
    /// handled, cleared here) instead of allocating: its buffers are warm,
    /// where a fresh multi-megabyte one costs a page fault and a page clear
    /// per 4 KiB (the kernel's page clearing was 11% of a 200 MB run's
    /// samples before blocks were recycled).
    pub fn next_block_reusing(&mut self, spare: Option<Block>) -> Result<Option<Block>> {
        let mut block = match spare {
            Some(mut block) => {
                block.data.clear();
                block.records.clear();
                block.blank_lines = 0;
                block
            }
            None => Block {
                data: Vec::with_capacity(self.block_bytes + self.block_bytes / 8),
                ..Block::default()
            },
        };
        self.block_full = false;
        while block.data.len() < self.block_bytes
            && block.records.len() < 1 << 16
            && !self.block_full
        {
            if self.current >= self.end {
                break;
            }
            if !self.read_one(&mut block)? {
                self.current += 1;
                self.reader = None;
                self.plain = None;
            }
        }
        if block.records.is_empty() && block.blank_lines == 0 && self.current >= self.end {
            return Ok(None);
        }
        Ok(Some(block))
    }

    /// Reads records of the current source into the block: one, or for plain
    /// JSONL as many as fit ([`RecordReader::read_plain_lines`]); false at its
    /// end.
    fn read_one(&mut self, block: &mut Block) -> Result<bool> {
        let source = &self.sources[self.current];
        let plain = source.kind == SourceKind::Jsonl && source.compression == Compression::None;
        if self.reader.is_none() && self.plain.is_none() {
            if plain {
                let file =
                    File::open(&source.path).map_err(|e| Error::io("opening", &source.path, e))?;
                self.plain = Some(file);
            } else {
                self.reader = Some(source.open(self.consumed.clone())?);
            }
            self.line = 0;
            self.file_pos = 0;
            self.carry.clear();
            self.skipping = false;
        }
        if plain {
            return self.read_plain_lines(block);
        }
        let reader = self.reader.as_mut().expect("opened above");
        let index = self.current as u32;
        match source.kind {
            SourceKind::Text => {
                if self.line > 0 {
                    return Ok(false);
                }
                self.line = 1;
                let start = block.data.len();
                let limit = self.max_record_bytes as u64;
                let read = reader.take(limit + 1).read_to_end(&mut block.data);
                let status = match read {
                    Ok(n) if n as u64 > limit => RecordStatus::TooLarge,
                    Ok(_) => RecordStatus::Ok,
                    Err(e) if source.compression == Compression::None => {
                        return Err(Error::io("reading", &source.name, e))
                    }
                    Err(_) => RecordStatus::Truncated,
                };
                if status != RecordStatus::Ok {
                    block.data.truncate(start);
                }
                let end = block.data.len();
                block.records.push(RawRecord {
                    source: index,
                    line: 1,
                    start,
                    end,
                    end_with_terminator: end,
                    status,
                    offset: 0,
                });
                Ok(true)
            }
            SourceKind::Jsonl => loop {
                let start = block.data.len();
                match read_line_capped(reader, &mut block.data, self.max_record_bytes) {
                    Ok(LineRead::Eof) => return Ok(false),
                    Ok(LineRead::Line { terminator }) => {
                        self.line += 1;
                        let end_with_terminator = block.data.len();
                        let end = end_with_terminator - terminator;
                        if block.data[start..end].iter().all(u8::is_ascii_whitespace) {
                            block.data.truncate(start);
                            block.blank_lines += 1;
                            continue;
                        }
                        block.records.push(RawRecord {
                            source: index,
                            line: self.line,
                            start,
                            end,
                            end_with_terminator,
                            status: RecordStatus::Ok,
                            offset: 0,
                        });
                        return Ok(true);
                    }
                    Ok(LineRead::TooLarge) => {
                        self.line += 1;
                        block.data.truncate(start);
                        block.records.push(RawRecord {
                            source: index,
                            line: self.line,
                            start,
                            end: start,
                            end_with_terminator: start,
                            status: RecordStatus::TooLarge,
                            offset: 0,
                        });
                        return Ok(true);
                    }
                    Err(e) => {
                        if source.compression == Compression::None {
                            return Err(Error::io("reading", &source.name, e));
                        }
                        // A broken compressed stream: the record being read is lost
                        // and nothing after it is reachable.
                        self.line += 1;
                        block.data.truncate(start);
                        block.records.push(RawRecord {
                            source: index,
                            line: self.line,
                            start,
                            end: start,
                            end_with_terminator: start,
                            status: RecordStatus::Truncated,
                            offset: 0,
                        });
                        // Make the next call move to the next source.
                        self.reader = Some(Box::new(io::empty()));
                        return Ok(true);
                    }
                }
            },
        }
    }

    /// Reads lines of a plain JSONL source straight into the block, a
    /// [`BUF_SIZE`] read at a time (such reads bypass the `BufReader`), until
    /// the block is full or the source ends (then false). The same records,
    /// line numbers and limits as [`read_line_capped`] line by line, without
    /// copying every byte from the read buffer into the block (5% of pass 1).
    /// Blank and overlong lines leave their bytes in the block, outside any
    /// record; a line still incomplete when the block is full moves to the
    /// next block.
    fn read_plain_lines(&mut self, block: &mut Block) -> Result<bool> {
        let source = &self.sources[self.current];
        let index = self.current as u32;
        let cap = self.max_record_bytes;
        let file = self.plain.as_mut().expect("opened by read_one");
        let origin = block.data.len();
        let mut line_start = origin;
        block.data.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut scanned = line_start;
        loop {
            // Every complete line read so far.
            while let Some(at) = memchr::memchr(b'\n', &block.data[scanned..]) {
                let end_with_terminator = scanned + at + 1;
                let line = &block.data[line_start..end_with_terminator];
                let terminator = if line.ends_with(b"\r\n") { 2 } else { 1 };
                let end = end_with_terminator - terminator;
                self.line += 1;
                if self.skipping || end - line_start > cap {
                    self.skipping = false;
                    block.records.push(RawRecord {
                        source: index,
                        line: self.line,
                        start: line_start,
                        end: line_start,
                        end_with_terminator: line_start,
                        status: RecordStatus::TooLarge,
                        offset: file_offset(self.file_pos, block, line_start),
                    });
                } else if block.data[line_start..end]
                    .iter()
                    .all(u8::is_ascii_whitespace)
                {
                    block.blank_lines += 1;
                } else {
                    block.records.push(RawRecord {
                        source: index,
                        line: self.line,
                        start: line_start,
                        end,
                        end_with_terminator,
                        status: RecordStatus::Ok,
                        offset: file_offset(self.file_pos, block, line_start),
                    });
                }
                line_start = end_with_terminator;
                scanned = end_with_terminator;
                if block.records.len() >= 1 << 16 {
                    break;
                }
            }
            if block.records.len() < 1 << 16 {
                scanned = block.data.len();
                // An incomplete line longer than any record may be is dropped
                // as it comes (its record is made when its end is found).
                if self.skipping || block.data.len() - line_start > cap + 2 {
                    self.skipping = true;
                    block.data.truncate(line_start);
                    scanned = line_start;
                }
            }
            // Full, once a line was taken (a line longer than a block grows
            // the block rather than move on forever).
            if (block.data.len() >= self.block_bytes && line_start > origin)
                || block.records.len() >= 1 << 16
            {
                self.carry.extend_from_slice(&block.data[line_start..]);
                block.data.truncate(line_start);
                self.block_full = true;
                return Ok(true);
            }
            // Up to BUF_SIZE bytes into the block's spare capacity: unlike
            // `read` into a resized (zero-filled) slice, `read_to_end` hands
            // the file uninitialized memory, and clearing 1 MiB per read was
            // 2-3% of pass 1's samples.
            let filled = block.data.len();
            block.data.reserve(BUF_SIZE);
            let n = file
                .take(BUF_SIZE as u64)
                .read_to_end(&mut block.data)
                .map_err(|e| {
                    block.data.truncate(filled);
                    Error::io("reading", &source.name, e)
                })?;
            self.consumed.fetch_add(n as u64, Ordering::Relaxed);
            self.file_pos += n as u64;
            if n == 0 {
                // The source's last line, without a final newline.
                if line_start < block.data.len() || self.skipping {
                    self.line += 1;
                    let end = block.data.len();
                    let status = if self.skipping || end - line_start > cap {
                        RecordStatus::TooLarge
                    } else if block.data[line_start..end]
                        .iter()
                        .all(u8::is_ascii_whitespace)
                    {
                        block.blank_lines += 1;
                        return Ok(false);
                    } else {
                        RecordStatus::Ok
                    };
                    let end = if status == RecordStatus::Ok {
                        end
                    } else {
                        line_start
                    };
                    self.skipping = false;
                    block.records.push(RawRecord {
                        source: index,
                        line: self.line,
                        start: line_start,
                        end,
                        end_with_terminator: end,
                        status,
                        offset: file_offset(self.file_pos, block, line_start),
                    });
                }
                return Ok(false);
            }
        }
    }

    /// A shared counter of the (compressed) input bytes read so far, for progress.
    pub fn consumed(&self) -> Arc<AtomicU64> {
        self.consumed.clone()
    }
}

/// Streams the blocks of `sources` to `f` in input order. Reading and
/// decompressing run on separate threads, at most two blocks ahead of `f`, so
/// they overlap with the work on earlier blocks; with several input files, up
/// to one decoder per worker thread reads files in parallel (a single big
/// compressed file is decoded by one thread). `f` also gets the (compressed)
/// input bytes read so far, for progress; it stops the stream early with
/// `ControlFlow::Break`. A read error ends the stream with that error when `f`
/// reaches its place in the input, so the first error in input order is the
/// one reported. Blocks `f` is done with go back to the decoders for reuse.
pub fn stream_blocks(
    sources: &[Source],
    max_record_bytes: usize,
    block_bytes: usize,
    f: impl FnMut(&Block, u64) -> Result<std::ops::ControlFlow<()>>,
) -> Result<()> {
    let threads = rayon::current_num_threads();
    stream_blocks_with(sources, max_record_bytes, block_bytes, threads, f)
}

/// The block size `block_bytes = 0` stands for: 1 MiB per worker thread,
/// between 2 and 8 MiB. Small enough that the blocks in flight stay in the
/// last-level cache (on 2 cores, 2 MiB against 8 MiB blocks: wall 1.045 ->
/// 0.935 s on a 519 MB corpus, median of 6), big enough that every thread
/// gets a share of each block ([`Block::chunks`] cuts about 512 KiB units).
pub fn auto_block_bytes(threads: usize) -> usize {
    (threads << 20).clamp(2 << 20, 8 << 20)
}

/// [`stream_blocks`] for a caller outside the thread pool whose size it should
/// follow: `threads` sets how many files are decoded at once and, with
/// `block_bytes = 0`, the block size ([`auto_block_bytes`]).
pub fn stream_blocks_with(
    sources: &[Source],
    max_record_bytes: usize,
    block_bytes: usize,
    threads: usize,
    mut f: impl FnMut(&Block, u64) -> Result<std::ops::ControlFlow<()>>,
) -> Result<()> {
    let block_bytes = match block_bytes {
        0 => auto_block_bytes(threads),
        chosen => chosen,
    };
    let decoders = threads;
    type Channel = (
        std::sync::mpsc::SyncSender<Result<Block>>,
        std::sync::mpsc::Receiver<Result<Block>>,
    );
    let consumed = Arc::new(AtomicU64::new(0));
    let decoders = decoders.clamp(1, sources.len().max(1));
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..sources.len())
        .map(|_| -> Channel { std::sync::mpsc::sync_channel(2) })
        .map(|(tx, rx)| (std::sync::Mutex::new(Some(tx)), rx))
        .unzip();
    let next_source = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (recycle, recycled) = std::sync::mpsc::channel::<Block>();
    let recycled = std::sync::Mutex::new(recycled);
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..decoders {
            scope.spawn(|| {
                // Files are taken in input order, so the file `f` waits for is
                // always already being read: no decoder can starve it.
                while !stop.load(Ordering::Relaxed) {
                    let index = next_source.fetch_add(1, Ordering::Relaxed);
                    let Some(sender) = senders.get(index) else {
                        break;
                    };
                    let tx = sender
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take()
                        .expect("each source is taken once");
                    let mut reader = RecordReader::for_sources(
                        sources,
                        index..index + 1,
                        max_record_bytes,
                        block_bytes,
                        consumed.clone(),
                    );
                    loop {
                        let spare = recycled
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .try_recv()
                            .ok();
                        let (item, last) = match reader.next_block_reusing(spare) {
                            Ok(Some(block)) => (Ok(block), false),
                            Ok(None) => break,
                            Err(e) => (Err(e), true),
                        };
                        if tx.send(item).is_err() {
                            stop.store(true, Ordering::Relaxed);
                            return;
                        }
                        if last {
                            break;
                        }
                    }
                }
            });
        }
        let result = (|| {
            for rx in &receivers {
                for block in rx {
                    let block = block?;
                    if f(&block, consumed.load(Ordering::Relaxed))?.is_break() {
                        return Ok(());
                    }
                    // The decoders may all have finished; then it is dropped.
                    let _ = recycle.send(block);
                }
            }
            Ok(())
        })();
        // Unblock and stop the decoders before the scope waits for them.
        stop.store(true, Ordering::Relaxed);
        drop(receivers);
        result
    })
}

enum LineRead {
    Eof,
    /// A line was appended; `terminator` is 0, 1 (`\n`) or 2 (`\r\n`) bytes.
    Line {
        terminator: usize,
    },
    /// The line was longer than the cap; it was consumed but not kept.
    TooLarge,
}

/// Appends one line (terminator included) to `out`, never holding more than
/// `cap` bytes of it: a longer line is consumed and reported as too large.
fn read_line_capped(
    reader: &mut dyn BufRead,
    out: &mut Vec<u8>,
    cap: usize,
) -> io::Result<LineRead> {
    let start = out.len();
    let mut too_large = false;
    let mut any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', buf) {
            Some(pos) => (pos + 1, true),
            None => (buf.len(), false),
        };
        if !too_large {
            if out.len() - start + take > cap + 2 {
                too_large = true;
                out.truncate(start);
            } else {
                out.extend_from_slice(&buf[..take]);
            }
        }
        reader.consume(take);
        if done {
            break;
        }
    }
    if !any {
        return Ok(LineRead::Eof);
    }
    if too_large {
        return Ok(LineRead::TooLarge);
    }
    let line = &out[start..];
    let terminator = if line.ends_with(b"\r\n") {
        2
    } else if line.ends_with(b"\n") {
        1
    } else {
        0
    };
    if line.len() - terminator > cap {
        out.truncate(start);
        return Ok(LineRead::TooLarge);
    }
    Ok(LineRead::Line { terminator })
}

/// Where the text and id live in a JSON record: dotted paths such as `text` or
/// `meta.content`.
#[derive(Debug, Clone)]
pub struct FieldPaths {
    text: Vec<String>,
    id: Option<Vec<String>>,
}

impl FieldPaths {
    /// Paths from dotted strings; `id` may be absent from records (then the id is
    /// `<file>:<line>`).
    pub fn new(text: &str, id: &str) -> Result<Self> {
        let split = |s: &str| -> Result<Vec<String>> {
            if s.is_empty() || s.split('.').any(str::is_empty) {
                return Err(Error::Config(format!("invalid field path {s:?}")));
            }
            Ok(s.split('.').map(str::to_string).collect())
        };
        Ok(FieldPaths {
            text: split(text)?,
            id: if id.is_empty() {
                None
            } else {
                Some(split(id)?)
            },
        })
    }
}

/// A record that could not be used: why, and a message.
#[derive(Debug, Clone)]
pub struct BadRecord {
    /// Category.
    pub reason: BadRecordReason,
    /// Details for the user.
    pub detail: String,
}

impl BadRecord {
    fn new(reason: BadRecordReason, detail: impl Into<String>) -> Self {
        BadRecord {
            reason,
            detail: detail.into(),
        }
    }
}

/// The JSON-encoded id of a record, borrowed from the record when present.
pub enum RecordId<'a> {
    /// The id field's JSON value, verbatim (a string keeps its quotes).
    Json(&'a str),
    /// No id field: the caller makes `<file>:<line>`.
    Missing,
}

/// Checks that a line is UTF-8. `std::str::from_utf8` was 14% of a Cyrillic
/// corpus's profile; with `simdutf8` that run's user time fell from 3.20 to
/// 2.85 s. Only an invalid line is checked again by std, for the position of
/// the error.
fn validate_utf8(line: &[u8]) -> std::result::Result<&str, BadRecord> {
    simdutf8::basic::from_utf8(line).map_err(|_| {
        let at = std::str::from_utf8(line).map_or_else(|e| e.valid_up_to(), |s| s.len());
        BadRecord::new(
            BadRecordReason::InvalidUtf8,
            format!("invalid UTF-8 at byte {at}"),
        )
    })
}

/// Extracts the text (into `text`, reused across calls) and the id of a JSONL
/// record.
///
/// ```
/// use shingle::input::{extract_json, FieldPaths, RecordId};
/// let paths = FieldPaths::new("doc.body", "id").unwrap();
/// let mut text = String::new();
/// let id = extract_json(br#"{"id": 7, "doc": {"body": "caf\u00e9"}}"#, &paths, &mut text).unwrap();
/// assert_eq!(text, "café");
/// assert!(matches!(id, RecordId::Json("7")));
/// ```
pub fn extract_json<'a>(
    line: &'a [u8],
    paths: &FieldPaths,
    text: &mut String,
) -> std::result::Result<RecordId<'a>, BadRecord> {
    let line = validate_utf8(line)?;
    if let jsonl::Scan::Done { text: state, id } = jsonl::scan(line, paths, text) {
        return record_outcome(state, id, paths);
    }
    extract_json_serde(line, paths, text)
}

/// [`extract_json`] by serde_json: the reference, and the path for every
/// record the fast reader does not settle (with serde_json's error messages).
fn extract_json_serde<'a>(
    line: &'a str,
    paths: &FieldPaths,
    text: &mut String,
) -> std::result::Result<RecordId<'a>, BadRecord> {
    text.clear();
    let mut found = Found {
        text,
        text_state: TextState::Missing,
        id: None,
    };
    let mut de = serde_json::Deserializer::from_str(line);
    let walk = Walk {
        text: Some(&paths.text),
        id: paths.id.as_deref(),
        found: &mut found,
    };
    walk.deserialize(&mut de)
        .and_then(|_| de.end())
        .map_err(|e| BadRecord::new(BadRecordReason::MalformedJson, json_error(&e)))?;
    record_outcome(found.text_state, found.id.map(RawValue::get), paths)
}

/// The text's state and the id, as a record's result.
fn record_outcome<'a>(
    text_state: TextState,
    id: Option<&'a str>,
    paths: &FieldPaths,
) -> std::result::Result<RecordId<'a>, BadRecord> {
    match text_state {
        TextState::Missing => Err(BadRecord::new(
            BadRecordReason::MissingText,
            format!("no field {:?}", paths.text.join(".")),
        )),
        TextState::NotString(kind) => Err(BadRecord::new(
            BadRecordReason::TextNotString,
            format!("field {:?} is {kind}, not a string", paths.text.join(".")),
        )),
        TextState::Found => Ok(match id {
            Some(raw) => RecordId::Json(raw),
            None => RecordId::Missing,
        }),
    }
}

fn json_error(e: &serde_json::Error) -> String {
    // serde_json reports "line 1 column N" of our single line: keep only the column.
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(pos) => format!("{} (column {})", &msg[..pos], e.column()),
        None => msg,
    }
}

enum TextState {
    Missing,
    NotString(&'static str),
    Found,
}

struct Found<'t, 'de> {
    text: &'t mut String,
    text_state: TextState,
    id: Option<&'de RawValue>,
}

/// Walks one JSON object, following the remaining parts of the text and id paths.
struct Walk<'p, 'f, 't, 'de> {
    text: Option<&'p [String]>,
    id: Option<&'p [String]>,
    found: &'f mut Found<'t, 'de>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let text_next = self.text.filter(|p| p[0] == key.as_ref()).map(|p| &p[1..]);
            let id_next = self.id.filter(|p| p[0] == key.as_ref()).map(|p| &p[1..]);
            match (text_next, id_next) {
                (Some([]), _) => {
                    map.next_value_seed(TextValue {
                        found: &mut *self.found,
                    })?;
                }
                (None, Some([])) => {
                    self.found.id = Some(map.next_value::<&'de RawValue>()?);
                }
                (None, None) => {
                    map.next_value::<IgnoredAny>()?;
                }
                (text, id) => {
                    map.next_value_seed(Nested {
                        text: text.filter(|p| !p.is_empty()),
                        id: id.filter(|p| !p.is_empty()),
                        found: &mut *self.found,
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// A value on a path: descend if it is an object, otherwise ignore it.
struct Nested<'p, 'f, 't, 'de> {
    text: Option<&'p [String]>,
    id: Option<&'p [String]>,
    found: &'f mut Found<'t, 'de>,
}

impl<'de> DeserializeSeed<'de> for Nested<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Walk {
            text: self.text,
            id: self.id,
            found: self.found,
        }
        .visit_map(map)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The text value: copied into the reusable buffer if it is a string, otherwise
/// noted as the wrong type.
struct TextValue<'f, 't, 'de> {
    found: &'f mut Found<'t, 'de>,
}

impl<'de> DeserializeSeed<'de> for TextValue<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> TextValue<'_, '_, 'de> {
    fn not_string(self, kind: &'static str) {
        if !matches!(self.found.text_state, TextState::Found) {
            self.found.text_state = TextState::NotString(kind);
        }
    }
}

impl<'de> Visitor<'de> for TextValue<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.found.text.clear();
        self.found.text.push_str(v);
        self.found.text_state = TextState::Found;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_string("an object");
        Ok(())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_string("an array");
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_string("a boolean");
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_string("a number");
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_string("a number");
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_string("a number");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_string("null");
        Ok(())
    }
}

/// Where a document's id comes from.
#[derive(Debug, Clone, Copy)]
pub enum DocId<'a> {
    /// The id field's JSON value, verbatim.
    Json(&'a str),
    /// No id field: `"<file>:<line>"`.
    FileLine,
    /// A text file: its path.
    Path,
}

/// Serializes `Display` output as a JSON string without building it first.
struct JsonString<T: fmt::Display>(T);

impl<T: fmt::Display> serde::Serialize for JsonString<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl DocId<'_> {
    /// Appends the id as JSON text to `out`.
    pub fn write_json(&self, source: &Source, line: u64, out: &mut Vec<u8>) {
        match self {
            DocId::Json(raw) => out.extend_from_slice(raw.as_bytes()),
            DocId::FileLine => serde_json::to_writer(
                out,
                &JsonString(format_args!("{}:{line}", source.name.display())),
            )
            .expect("write to vec"),
            DocId::Path => serde_json::to_writer(out, &JsonString(source.name.display()))
                .expect("write to vec"),
        }
    }

    /// The id as JSON text.
    pub fn json(&self, source: &Source, line: u64) -> Cow<'_, str> {
        match self {
            DocId::Json(raw) => Cow::Borrowed(raw),
            _ => {
                let mut out = Vec::new();
                self.write_json(source, line, &mut out);
                Cow::Owned(String::from_utf8(out).expect("serde_json writes UTF-8"))
            }
        }
    }
}

/// Reads the record at `at` of an uncompressed source again, from `file`
/// (opened on `source.path`), into `block` as its only record: the same bytes
/// pass 1 parsed, for verification to shingle again. A file that got shorter
/// is an [`Error::InputChanged`].
pub fn read_record_at(
    file: &File,
    source: &Source,
    at: crate::storage::InputLocation,
    block: &mut Block,
) -> Result<()> {
    use std::os::unix::fs::FileExt;
    let len = at.len as usize;
    block.data.clear();
    block.data.resize(len, 0);
    block.records.clear();
    block.blank_lines = 0;
    file.read_exact_at(&mut block.data, at.offset)
        .map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => Error::InputChanged {
                path: source.name.clone(),
                detail: format!("bytes {} to {} are gone", at.offset, at.offset + len as u64),
            },
            _ => Error::io("reading", &source.name, e),
        })?;
    block.records.push(RawRecord {
        source: at.source,
        line: 0,
        start: 0,
        end: len,
        end_with_terminator: len,
        status: RecordStatus::Ok,
        offset: at.offset,
    });
    Ok(())
}

/// Turns one raw record into its text and id, or says why it cannot be used.
/// JSON text is decoded into `text` (reused); a text file's bytes are borrowed
/// from the block. Shared by every command that reads documents.
pub fn parse_record<'b>(
    source: &Source,
    fields: &FieldPaths,
    max_record_bytes: usize,
    block: &'b Block,
    record: &RawRecord,
    text: &'b mut String,
) -> std::result::Result<(&'b str, DocId<'b>), BadRecord> {
    match record.status {
        RecordStatus::Ok => {}
        RecordStatus::TooLarge => {
            return Err(BadRecord::new(
                BadRecordReason::RecordTooLarge,
                format!("record longer than --max-record-bytes ({max_record_bytes} bytes)"),
            ))
        }
        RecordStatus::Truncated => {
            let kind = match source.compression {
                Compression::Gzip => "gzip",
                Compression::Zstd => "zstd",
                Compression::None => "input",
            };
            return Err(BadRecord::new(
                BadRecordReason::TruncatedStream,
                format!(
                    "{kind} stream is truncated or corrupt here; the rest of the file cannot be read"
                ),
            ));
        }
    }
    let content = block.content(record);
    match source.kind {
        SourceKind::Jsonl => {
            let id = match extract_json(content, fields, text)? {
                RecordId::Json(raw) => DocId::Json(raw),
                RecordId::Missing => DocId::FileLine,
            };
            Ok((text.as_str(), id))
        }
        SourceKind::Text => Ok((text_file_content(content)?, DocId::Path)),
    }
}

/// Checks that a text file's bytes are UTF-8 and returns them as text.
pub fn text_file_content(bytes: &[u8]) -> std::result::Result<&str, BadRecord> {
    validate_utf8(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn paths() -> FieldPaths {
        FieldPaths::new("text", "id").unwrap()
    }

    fn extract(line: &str) -> std::result::Result<(String, Option<String>), BadRecordReason> {
        let mut text = String::new();
        let id = extract_json(line.as_bytes(), &paths(), &mut text).map_err(|b| b.reason)?;
        Ok((
            text,
            match id {
                RecordId::Json(s) => Some(s.to_string()),
                RecordId::Missing => None,
            },
        ))
    }

    #[test]
    fn extracts_text_and_id() {
        let (t, id) = extract(r#"{"id":"a-1","x":[1,{"text":"no"}],"text":"line\none"}"#).unwrap();
        assert_eq!(t, "line\none");
        assert_eq!(id.as_deref(), Some("\"a-1\""));
        let (_, id) = extract(r#"{"text":"x"}"#).unwrap();
        assert_eq!(id, None);
        let (_, id) = extract(r#"{"text":"x", "id": 12}"#).unwrap();
        assert_eq!(id.as_deref(), Some("12"));
    }

    #[test]
    fn nested_paths() {
        let p = FieldPaths::new("a.b.c", "meta.id").unwrap();
        let mut text = String::new();
        let id = extract_json(
            br#"{"a":{"x":1,"b":{"c":"deep"}},"meta":{"id":"m1"},"a2":3}"#,
            &p,
            &mut text,
        )
        .unwrap();
        assert_eq!(text, "deep");
        assert!(matches!(id, RecordId::Json("\"m1\"")));
        assert!(FieldPaths::new("a..b", "").is_err());
    }

    #[test]
    fn bad_records_are_classified() {
        assert_eq!(
            extract(r#"{"text": "x""#),
            Err(BadRecordReason::MalformedJson)
        );
        assert_eq!(extract(r#"["text"]"#), Err(BadRecordReason::MalformedJson));
        assert_eq!(
            extract(r#"{"text": "x"} trailing"#),
            Err(BadRecordReason::MalformedJson)
        );
        assert_eq!(
            extract(r#"{"body": "x"}"#),
            Err(BadRecordReason::MissingText)
        );
        assert_eq!(
            extract(r#"{"text": 5}"#),
            Err(BadRecordReason::TextNotString)
        );
        assert_eq!(
            extract(r#"{"text": null}"#),
            Err(BadRecordReason::TextNotString)
        );
        assert_eq!(
            extract(r#"{"text": {"a":1}}"#),
            Err(BadRecordReason::TextNotString)
        );
        let mut text = String::new();
        let err = extract_json(b"{\"text\": \"\xff\"}", &paths(), &mut text)
            .err()
            .unwrap();
        assert_eq!(err.reason, BadRecordReason::InvalidUtf8);
        // The position comes from std once simdutf8 has said no.
        assert_eq!(err.detail, "invalid UTF-8 at byte 10");
        let len = text_file_content("caf\u{e9} ok \u{4e2d}".as_bytes()).map(str::len);
        assert_eq!(len.ok(), Some(12));
        let err = text_file_content(b"ab\xc3(").err().unwrap();
        assert_eq!(
            (err.reason, err.detail.as_str()),
            (BadRecordReason::InvalidUtf8, "invalid UTF-8 at byte 2")
        );
    }

    #[test]
    fn lines_keep_terminators_and_cap_size() {
        let data = b"ab\r\ncd\n\nlong-line-here\nlast";
        let mut reader = &data[..];
        let mut out = Vec::new();
        let mut seen = Vec::new();
        loop {
            let start = out.len();
            match read_line_capped(&mut reader, &mut out, 8).unwrap() {
                LineRead::Eof => break,
                LineRead::Line { terminator } => seen.push((
                    String::from_utf8(out[start..].to_vec()).unwrap(),
                    terminator,
                )),
                LineRead::TooLarge => seen.push(("<big>".into(), 0)),
            }
        }
        assert_eq!(
            seen,
            vec![
                ("ab\r\n".to_string(), 2),
                ("cd\n".to_string(), 1),
                ("\n".to_string(), 1),
                ("<big>".to_string(), 0),
                ("last".to_string(), 0)
            ]
        );
    }

    #[test]
    fn multi_member_gzip_and_zstd_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("x.jsonl.gz");
        let mut bytes = Vec::new();
        for part in ["{\"text\":\"one\"}\n", "{\"text\":\"two\"}\n"] {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(part.as_bytes()).unwrap();
            bytes.extend(enc.finish().unwrap());
        }
        std::fs::write(&gz, &bytes).unwrap();
        let zst = dir.path().join("renamed.jsonl");
        std::fs::write(
            &zst,
            zstd::encode_all(&b"{\"text\":\"three\"}\n"[..], 3).unwrap(),
        )
        .unwrap();
        let sources = discover(&[gz, zst], None).unwrap();
        assert_eq!(sources[0].compression, Compression::Gzip);
        assert_eq!(sources[1].compression, Compression::Zstd);
        let mut reader = RecordReader::new(&sources, 1 << 20, 1 << 20);
        let block = reader.next_block().unwrap().unwrap();
        let lines: Vec<_> = block
            .records
            .iter()
            .map(|r| block.content(r).to_vec())
            .collect();
        assert_eq!(
            lines,
            vec![
                b"{\"text\":\"one\"}".to_vec(),
                b"{\"text\":\"two\"}".to_vec(),
                b"{\"text\":\"three\"}".to_vec()
            ]
        );
    }

    /// A record as (source, line, status, raw line).
    type Seen = (u32, u64, RecordStatus, Vec<u8>);

    /// Every record of `sources`, and the blank lines, read with `cap` and
    /// `block_bytes`.
    fn all_records(sources: &[Source], cap: usize, block_bytes: usize) -> (Vec<Seen>, u64) {
        let mut reader = RecordReader::new(sources, cap, block_bytes);
        let (mut out, mut blank) = (Vec::new(), 0);
        while let Some(block) = reader.next_block().unwrap() {
            blank += block.blank_lines;
            for r in &block.records {
                assert_eq!(block.content(r), &block.raw_line(r)[..r.end - r.start]);
                out.push((r.source, r.line, r.status, block.raw_line(r).to_vec()));
            }
        }
        (out, blank)
    }

    proptest::proptest! {
        /// Plain files, read straight into blocks, give the records that
        /// compressed files, read line by line, give: with CRLF, blank lines,
        /// lines over the cap, no final newline, and blocks of any size.
        #[test]
        fn plain_and_compressed_reading_agree(
            files in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        (0u8..6, 0usize..40, proptest::bool::ANY),
                        0..40,
                    ),
                    proptest::bool::ANY,
                ),
                1..3,
            ),
            cap in 1usize..30,
            block_bytes in 1usize..200,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let (mut plain, mut packed) = (Vec::new(), Vec::new());
            for (f, (lines, final_newline)) in files.iter().enumerate() {
                let mut bytes = Vec::new();
                for (i, &(kind, len, crlf)) in lines.iter().enumerate() {
                    match kind {
                        0 => bytes.extend(std::iter::repeat_n(b' ', len % 3)),
                        1 => bytes.extend(std::iter::repeat_n(b'x', cap + 1 + len)),
                        2 => bytes.extend(std::iter::repeat_n(b'\r', 1 + len % 2)),
                        _ => bytes.extend((0..len).map(|j| b"ab \t{}"[(i + j) % 6])),
                    }
                    if i + 1 < lines.len() || *final_newline {
                        bytes.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                    }
                }
                let path = dir.path().join(format!("{f}.jsonl"));
                std::fs::write(&path, &bytes).unwrap();
                plain.push(path);
                let path = dir.path().join(format!("{f}.gz"));
                let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                enc.write_all(&bytes).unwrap();
                std::fs::write(&path, enc.finish().unwrap()).unwrap();
                packed.push(path);
            }
            let plain = discover(&plain, None).unwrap();
            let packed = discover(&packed, None).unwrap();
            proptest::prop_assert!(packed.iter().all(|s| s.compression == Compression::Gzip));
            let want = all_records(&packed, cap, block_bytes);
            proptest::prop_assert_eq!(all_records(&plain, cap, block_bytes), want.clone());
            proptest::prop_assert_eq!(all_records(&plain, cap, 1 << 20), want);
        }
    }

    /// Records of `sources` as (source, line, content), read one file at a time.
    fn read_sequentially(sources: &[Source]) -> Vec<(u32, u64, Vec<u8>)> {
        let mut reader = RecordReader::new(sources, 1 << 20, 64);
        let mut out = Vec::new();
        while let Some(block) = reader.next_block().unwrap() {
            for r in &block.records {
                out.push((r.source, r.line, block.content(r).to_vec()));
            }
        }
        out
    }

    #[test]
    fn parallel_decoding_keeps_input_order_and_reports_errors_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for file in 0..7 {
            let text: String = (0..40)
                .map(|line| format!("{{\"text\":\"file {file} line {line}\"}}\n"))
                .collect();
            let path = dir.path().join(format!("{file}.jsonl"));
            let bytes = match file % 3 {
                0 => {
                    let mut enc =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    enc.write_all(text.as_bytes()).unwrap();
                    enc.finish().unwrap()
                }
                1 => zstd::encode_all(text.as_bytes(), 3).unwrap(),
                _ => text.into_bytes(),
            };
            std::fs::write(&path, bytes).unwrap();
            paths.push(path);
        }
        let sources = discover(&paths, None).unwrap();
        let want = read_sequentially(&sources);
        assert_eq!(want.len(), 7 * 40);
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut got = Vec::new();
            pool.install(|| {
                stream_blocks(&sources, 1 << 20, 64, |block, _| {
                    for r in &block.records {
                        got.push((r.source, r.line, block.content(r).to_vec()));
                    }
                    Ok(std::ops::ControlFlow::Continue(()))
                })
            })
            .unwrap();
            assert_eq!(got, want, "{threads} threads");
        }
        // A file that disappears after discovery: everything before it is
        // delivered, then its error, whatever the other decoders were doing.
        std::fs::remove_file(&paths[4]).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let mut seen = 0;
        let err = pool
            .install(|| {
                stream_blocks(&sources, 1 << 20, 64, |block, _| {
                    seen += block.records.len();
                    Ok(std::ops::ControlFlow::Continue(()))
                })
            })
            .unwrap_err();
        assert_eq!(seen, 4 * 40);
        assert!(err.to_string().contains("4.jsonl"), "{err}");
    }

    #[test]
    fn truncated_gzip_becomes_a_truncated_record() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("x.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for i in 0..2000 {
            writeln!(enc, "{{\"text\":\"record number {i} with some words\"}}").unwrap();
        }
        let bytes = enc.finish().unwrap();
        std::fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
        let sources = discover(&[gz], None).unwrap();
        let mut reader = RecordReader::new(&sources, 1 << 20, 1 << 20);
        let mut records = Vec::new();
        while let Some(block) = reader.next_block().unwrap() {
            records.extend(block.records);
        }
        let last = records.last().unwrap();
        assert_eq!(last.status, RecordStatus::Truncated);
        assert!(records[..records.len() - 1]
            .iter()
            .all(|r| r.status == RecordStatus::Ok));
        assert_eq!(last.line as usize, records.len());
    }
}
