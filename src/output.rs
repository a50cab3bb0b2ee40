//! Writing results so that a crash never leaves a file that looks complete.
//!
//! Every output is written to a hidden temporary file beside its destination
//! (`.NAME.tmp-PID`), flushed and fsynced, and renamed into place only when the
//! whole run has succeeded. A run commits its files in a fixed order with
//! `stats.json` last, so the presence of `stats.json` marks a complete result.
//! Temporaries of a failed run are removed.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::input::Compression;

enum Encoder {
    Plain(BufWriter<WritebackFile>),
    Gzip(flate2::write::GzEncoder<BufWriter<WritebackFile>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<WritebackFile>>),
}

/// Bytes written between two background syncs. Small enough that the few
/// windows in the cache at a time are reused pages (400 MB written with a
/// sync and drop every 16 MiB took 0.11 s of kernel time on the benchmark
/// VM, every 64 MiB 0.28 s), large enough that syncs stay few.
const WRITEBACK_EVERY: u64 = 16 << 20;

/// A file that asks the kernel to write its data back while it is still being
/// written: every [`WRITEBACK_EVERY`] bytes a background thread syncs what is
/// there so far (one at a time; skipped while the previous one runs). The final
/// fsync then has little left to do instead of flushing the whole output at the
/// end (measured: the fsync of a 0.9 GB output took 0.47 s, most of it hidden
/// this way).
///
/// Once a range is on disk it is dropped from the page cache (on Linux), so
/// an output holds at most a few windows of memory however large it grows:
/// a run over a dump bigger than RAM does not push the rest of the machine's
/// cache out, and the pages freed are the ones the next writes reuse. Fresh
/// pages are what writing costs on VMs that hand free memory back to the
/// host: on the Firecracker VM of the benchmarks, writing 400 MB into newly
/// allocated page cache took 0.95 s of kernel time, into just-freed pages
/// 0.08 s.
struct WritebackFile {
    file: File,
    since_sync: u64,
    /// Bytes written so far (writes only append).
    written: u64,
    /// Bytes already on disk and dropped from the cache, as of the last sync
    /// that finished.
    dropped: std::sync::Arc<std::sync::atomic::AtomicU64>,
    syncing: Option<std::thread::JoinHandle<()>>,
}

impl WritebackFile {
    fn new(file: File) -> Self {
        WritebackFile {
            file,
            since_sync: 0,
            written: 0,
            dropped: Default::default(),
            syncing: None,
        }
    }

    fn start_writeback(&mut self) {
        if self.syncing.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        if let Some(done) = self.syncing.take() {
            let _ = done.join();
        }
        // Errors are not lost: the final `sync_all` in `finish` reports them.
        if let Ok(handle) = self.file.try_clone() {
            let (upto, dropped) = (self.written, std::sync::Arc::clone(&self.dropped));
            self.syncing = Some(std::thread::spawn(move || {
                if handle.sync_data().is_ok() {
                    let from = dropped.load(std::sync::atomic::Ordering::Relaxed);
                    drop_cached(&handle, from, upto);
                    dropped.store(upto, std::sync::atomic::Ordering::Relaxed);
                }
            }));
        }
        self.since_sync = 0;
    }

    fn wrote(&mut self, n: usize) {
        self.since_sync += n as u64;
        self.written += n as u64;
        if self.since_sync >= WRITEBACK_EVERY {
            self.start_writeback();
        }
    }

    /// Waits for background work and syncs everything (data and metadata).
    fn sync_all(mut self) -> io::Result<()> {
        if let Some(running) = self.syncing.take() {
            let _ = running.join();
        }
        self.file.sync_all()
    }
}

/// Asks the kernel to drop bytes `from..to` of `file` from the page cache.
/// Only clean pages go, so it is called on ranges already synced; a failure
/// only leaves them cached.
#[cfg(target_os = "linux")]
fn drop_cached(file: &File, from: u64, to: u64) {
    if let Some(len) = to.checked_sub(from).and_then(std::num::NonZeroU64::new) {
        let _ = rustix::fs::fadvise(file, from, Some(len), rustix::fs::Advice::DontNeed);
    }
}

#[cfg(not(target_os = "linux"))]
fn drop_cached(_file: &File, _from: u64, _to: u64) {}

impl Write for WritebackFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.wrote(n);
        Ok(n)
    }
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let n = self.file.write_vectored(bufs)?;
        self.wrote(n);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Compresses output in independent pieces, in parallel: each piece of up to
/// [`PIECE_BYTES`] of input becomes its own gzip member or zstd frame, and the
/// concatenation is a valid `.gz` / `.zst` file that every decoder reads whole.
/// One encoder on one thread was the bottleneck of writing compressed output
/// (0.9 GB of gzip at level 6 took 55 s); gzip uses level 1 for the same reason.
/// The deflate backend is zlib-rs (flate2's `zlib-rs` feature): on 0.9 GB of
/// output its level 1 took 5.3 s against miniz_oxide's 7.1 s, for a 17% larger
/// file (its level 2 is 17% smaller than miniz's level 1 at miniz's speed).
pub struct ParallelCompressor {
    compression: Compression,
    /// Uncompressed bytes waiting for [`ParallelCompressor::flush_to`].
    pub pending: Vec<u8>,
}

/// Input bytes per compressed piece.
pub const PIECE_BYTES: usize = 1 << 20;

impl ParallelCompressor {
    /// A compressor for `compression` (which must not be `None`).
    pub fn new(compression: Compression) -> Self {
        ParallelCompressor {
            compression,
            pending: Vec::new(),
        }
    }

    /// Compresses the pending bytes (in parallel) and writes them to `out`.
    pub fn flush_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        use rayon::prelude::*;
        let compression = self.compression;
        let pieces: Vec<Vec<u8>> = self
            .pending
            .par_chunks(PIECE_BYTES)
            .map(|piece| -> io::Result<Vec<u8>> {
                match compression {
                    Compression::Gzip => {
                        let mut enc = flate2::write::GzEncoder::new(
                            Vec::with_capacity(piece.len() / 2),
                            flate2::Compression::new(1),
                        );
                        enc.write_all(piece)?;
                        enc.finish()
                    }
                    Compression::Zstd => zstd::bulk::compress(piece, 3),
                    Compression::None => Ok(piece.to_vec()),
                }
            })
            .collect::<io::Result<_>>()?;
        for piece in pieces {
            out.write_all(&piece)?;
        }
        self.pending.clear();
        Ok(())
    }
}

/// A file being written under a temporary name.
pub struct AtomicWriter {
    encoder: Option<Encoder>,
    staged: Staged,
}

/// A finished temporary file waiting to be renamed into place. Dropping it
/// without [`Staged::commit`] deletes the temporary.
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    done: bool,
}

impl AtomicWriter {
    /// Starts writing what will become `dest`, compressed as asked.
    pub fn create(dest: &Path, compression: Compression) -> Result<Self> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io("creating", &tmp, e))?;
        let buffered = BufWriter::with_capacity(1 << 20, WritebackFile::new(file));
        let encoder = match compression {
            Compression::None => Encoder::Plain(buffered),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                buffered,
                flate2::Compression::new(6),
            )),
            Compression::Zstd => Encoder::Zstd(
                zstd::stream::write::Encoder::new(buffered, 3)
                    .map_err(|e| Error::io("creating", &tmp, e))?,
            ),
        };
        Ok(AtomicWriter {
            encoder: Some(encoder),
            staged: Staged {
                tmp,
                dest: dest.to_path_buf(),
                done: false,
            },
        })
    }

    /// Finishes compression, flushes and fsyncs; the file is then staged.
    pub fn finish(mut self) -> Result<Staged> {
        let encoder = self.encoder.take().expect("finish called once");
        let tmp = self.staged.tmp.clone();
        let io_err = |e: io::Error| Error::io("writing", &tmp, e);
        let buffered = match encoder {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w.finish().map_err(io_err)?,
            Encoder::Zstd(w) => w.finish().map_err(io_err)?,
        };
        let file = buffered
            .into_inner()
            .map_err(|e| Error::io("writing", &tmp, e.into_error()))?;
        file.sync_all().map_err(io_err)?;
        let staged = Staged {
            tmp: std::mem::take(&mut self.staged.tmp),
            dest: std::mem::take(&mut self.staged.dest),
            done: false,
        };
        self.staged.done = true;
        Ok(staged)
    }

    fn inner(&mut self) -> &mut dyn Write {
        match self.encoder.as_mut().expect("not finished") {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w,
            Encoder::Zstd(w) => w,
        }
    }

    /// Where the file will end up.
    pub fn destination(&self) -> &Path {
        &self.staged.dest
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner().write(buf)
    }
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        // `BufWriter` copies vectored writes into its buffer whatever their
        // size (on stable Rust it cannot know that the file takes them
        // whole): a large one goes past it, after what it holds.
        if let Some(Encoder::Plain(w)) = self.encoder.as_mut() {
            let total = bufs.iter().map(|b| b.len()).sum::<usize>();
            if total >= w.capacity() {
                w.flush()?;
                return w.get_mut().write_vectored(bufs);
            }
        }
        self.inner().write_vectored(bufs)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner().write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner().flush()
    }
}

impl Staged {
    /// Where the file will end up.
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// Renames the temporary into place.
    pub fn commit(mut self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.dest)
            .map_err(|e| Error::io("renaming into", &self.dest, e))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done && !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `value` as one line of JSON.
pub fn write_json_line<W: Write + ?Sized, T: serde::Serialize>(
    out: &mut W,
    value: &T,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes a file atomically in one go (small files such as `stats.json`).
pub fn write_pretty_json<T: serde::Serialize>(dest: &Path, value: &T) -> Result<Staged> {
    let mut w = AtomicWriter::create(dest, Compression::None)?;
    serde_json::to_writer_pretty(&mut w, value)
        .map_err(|e| Error::io("writing", dest, io::Error::other(e)))?;
    w.write_all(b"\n")
        .map_err(|e| Error::io("writing", dest, e))?;
    w.finish()
}

/// Writes the byte ranges `runs` of `data`, in order, with as few calls as
/// the writer allows: up to [`RUNS_PER_CALL`] ranges a call to
/// `write_vectored`.
///
/// Why: the kept records of a block are a few dozen runs of ~30 KB. Written
/// one by one they were copied into the 1 MiB `BufWriter` first (1.4% of a
/// `dedup` run, on the writer thread, which is what the run waits for at the
/// end); a vectored write larger than the buffer goes straight to the file.
///
/// ```
/// let mut out = Vec::new();
/// shingle::output::write_runs(&mut out, b"abcdef", &[(0, 2), (3, 3), (4, 6)]).unwrap();
/// assert_eq!(out, b"abef");
/// ```
pub fn write_runs(out: &mut dyn Write, data: &[u8], runs: &[(usize, usize)]) -> io::Result<()> {
    for group in runs.chunks(RUNS_PER_CALL) {
        let mut slices = [io::IoSlice::new(&[]); RUNS_PER_CALL];
        for (slice, &(start, end)) in slices.iter_mut().zip(group) {
            *slice = io::IoSlice::new(&data[start..end]);
        }
        let mut pending = &mut slices[..group.len()];
        // Drops leading empty ranges, so a group of only empty ones makes no
        // call (a writer may answer a call with nothing to write by 0, which
        // would read as `WriteZero`).
        io::IoSlice::advance_slices(&mut pending, 0);
        while !pending.is_empty() {
            match out.write_vectored(pending) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => io::IoSlice::advance_slices(&mut pending, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// Ranges per `write_vectored` call in [`write_runs`] (Linux takes up to 1024).
const RUNS_PER_CALL: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        let mut w = AtomicWriter::create(&dest, Compression::None).unwrap();
        w.write_all(b"hello\n").unwrap();
        assert!(!dest.exists());
        let staged = w.finish().unwrap();
        assert!(!dest.exists());
        staged.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"hello\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn abandoned_files_leave_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl.gz");
        {
            let mut w = AtomicWriter::create(&dest, Compression::Gzip).unwrap();
            w.write_all(b"partial").unwrap();
            let _staged = w.finish().unwrap();
        }
        {
            let mut w = AtomicWriter::create(&dest, Compression::Zstd).unwrap();
            w.write_all(b"partial").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A writer that takes at most `limit` bytes a call, vectored or not.
    struct Trickle {
        out: Vec<u8>,
        limit: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(self.limit);
            self.out.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
            let mut taken = 0;
            for b in bufs {
                let n = b.len().min(self.limit - taken);
                self.out.extend_from_slice(&b[..n]);
                taken += n;
                if taken == self.limit {
                    break;
                }
            }
            Ok(taken)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn runs_are_written_whole_and_in_order() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        // More runs than one call takes, empty ones among them.
        let runs: Vec<(usize, usize)> = (0..150).map(|i| (i * 60, i * 60 + (i % 7) * 9)).collect();
        let want: Vec<u8> = runs
            .iter()
            .flat_map(|&(s, e)| data[s..e].to_vec())
            .collect();
        for limit in [1, 5, 64, 1 << 20] {
            let mut out = Trickle {
                out: Vec::new(),
                limit,
            };
            write_runs(&mut out, &data, &runs).unwrap();
            assert_eq!(out.out, want, "limit {limit}");
        }
        // Through an AtomicWriter: small writes buffered, then a vectored
        // write larger than its buffer, then small ones again.
        let dir = std::env::temp_dir().join(format!("shingle-runs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("out.jsonl");
        let big: Vec<u8> = (0..3 << 20).map(|i| (i % 251) as u8).collect();
        let mut w = AtomicWriter::create(&dest, Compression::None).unwrap();
        w.write_all(b"head ").unwrap();
        write_runs(&mut w, &big, &[(0, 1 << 20), (5, 6), (2 << 20, 3 << 20)]).unwrap();
        write_runs(&mut w, &big, &[(7, 9)]).unwrap();
        w.write_all(b" tail").unwrap();
        w.finish().unwrap().commit().unwrap();
        let mut want = b"head ".to_vec();
        want.extend_from_slice(&big[..1 << 20]);
        want.extend_from_slice(&big[5..6]);
        want.extend_from_slice(&big[2 << 20..]);
        want.extend_from_slice(&big[7..9]);
        want.extend_from_slice(b" tail");
        assert!(std::fs::read(&dest).unwrap() == want);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn output_past_several_writeback_windows_is_whole() {
        // Background syncs, and the drops from the cache behind them, happen
        // while writing goes on; what is read back must be every byte.
        let dir = std::env::temp_dir().join(format!("shingle-windows-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("out.jsonl");
        let piece: Vec<u8> = (0..1_000_003u32).map(|i| (i % 253) as u8).collect();
        let total = 3 * WRITEBACK_EVERY as usize + 12_345;
        let mut w = AtomicWriter::create(&dest, Compression::None).unwrap();
        let mut left = total;
        while left > 0 {
            let n = left.min(piece.len());
            w.write_all(&piece[..n]).unwrap();
            left -= n;
        }
        w.finish().unwrap().commit().unwrap();
        let got = std::fs::read(&dest).unwrap();
        assert_eq!(got.len(), total);
        assert!(got.chunks(piece.len()).all(|c| c == &piece[..c.len()]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
