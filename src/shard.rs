//! Sharded deduplication: `dedup` cut into restartable tasks that a scheduler
//! (Slurm job arrays, Ray tasks, plain `xargs`) runs over shared storage.
//!
//! ```text
//! sign    --rank R --world-size W   per input file f with f % W == R:
//!                                   sign/NNNNNN.{sig,docs,band,done}
//! bucket  [--band B]                per band: bucket/band-BB.{pairs,done}
//! cluster                           clusters.jsonl, decisions.bin, stats.json,
//!                                   skipped.jsonl, cluster.done
//! filter  --rank R --world-size W   per input file: OUTDIR/<file name> + marker
//! ```
//!
//! Work is split by input file, so what a task writes does not depend on the
//! world size, and the result equals one `shingle dedup` run over the same
//! inputs (same clusters, same kept records): documents are numbered in input
//! order across files, band runs merge to the same candidates as in-memory LSH
//! (see [`crate::runs`]), and clustering is `dedup`'s own code.
//!
//! Every task writes under temporary names, renames into place, and writes its
//! completion marker last; a marker lists the sizes of the files it vouches
//! for, so a rerun of a finished task is a no-op and a half-written output of a
//! killed task is never taken as done. Every file has the versioned header of
//! [`crate::storage`] with the run's parameters (the work directory's MANIFEST
//! holds them; a task with other parameters or inputs is refused) and a
//! checksum that is verified when the file is read.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::dedup::{
    BadRecordPolicy, Bits, DedupConfig, DiskUse, DocTable, DocumentCounts, Job, KeepRule, Pass1,
    RunInfo,
};
use crate::error::{Error, Result};
use crate::input::{self, Source};
use crate::output::{write_pretty_json, AtomicWriter};
use crate::progress::Progress;
use crate::runs::{band_candidates, BandRuns, RunsParams};
use crate::sketch::SketchParams;
use crate::storage::{read_header, write_header, DocStore};
use crate::verify::{store_location, VerifyMode};

/// Format version of every file in a work directory. Version 2: signatures
/// from one-permutation MinHash over word-hash shingles.
pub const FORMAT_VERSION: u32 = 2;
const MANIFEST_MAGIC: &[u8; 8] = b"SHGLWORK";
const SIG_MAGIC: &[u8; 8] = b"SHGLSIGN";
const PAIRS_MAGIC: &[u8; 8] = b"SHGLPAIR";
const DECISIONS_MAGIC: &[u8; 8] = b"SHGLDECI";
const END_MAGIC: &[u8; 8] = b"SHGLSEND";

/// One input file of a sharded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Name as given (used in ids and messages).
    pub name: String,
    /// Size in bytes when the run started.
    pub size: u64,
}

/// Everything that must agree between the tasks of one sharded run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardParams {
    /// Sketch parameters.
    pub sketch: SketchParams,
    /// Similarity threshold.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Weight of false negatives used to choose the banding.
    pub fn_weight: f64,
    /// Which copy is kept.
    pub keep: KeepRule,
    /// Verification.
    pub verify: VerifyMode,
    /// Text field path.
    pub text_field: String,
    /// Id field path.
    pub id_field: String,
    /// Bad-record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Record size limit.
    pub max_record_bytes: u64,
    /// The input files in processing order.
    pub inputs: Vec<InputFile>,
}

impl ShardParams {
    /// The parameters of `config` over `sources`.
    pub fn new(config: &DedupConfig, sources: &[Source]) -> Result<Self> {
        if config.strip_lines.is_some() {
            return Err(Error::Config(
                "--strip-lines needs one count over the whole input; run `shingle lines --strip` \
                 first, then shard the stripped corpus"
                    .into(),
            ));
        }
        let lsh = config.lsh_params();
        Ok(ShardParams {
            sketch: config.sketch.clone(),
            threshold: config.threshold,
            bands: lsh.bands,
            rows: lsh.rows,
            fn_weight: config.effective_fn_weight(),
            keep: config.keep,
            verify: config.verify,
            text_field: config.text_field.clone(),
            id_field: config.id_field.clone(),
            on_bad_record: config.on_bad_record,
            max_record_bytes: config.max_record_bytes as u64,
            inputs: sources
                .iter()
                .map(|s| {
                    if s.name.as_os_str() == "-" {
                        return Err(Error::Config("stdin cannot be sharded; give files".into()));
                    }
                    Ok(InputFile {
                        name: s.name.display().to_string(),
                        size: s.size,
                    })
                })
                .collect::<Result<_>>()?,
        })
    }

    /// A `dedup` configuration with these parameters.
    fn config(&self, output_dir: &Path, threads: usize) -> DedupConfig {
        DedupConfig {
            inputs: self.inputs.iter().map(|i| PathBuf::from(&i.name)).collect(),
            output_dir: output_dir.to_path_buf(),
            text_field: self.text_field.clone(),
            id_field: self.id_field.clone(),
            sketch: self.sketch.clone(),
            threshold: self.threshold,
            lsh: Some(crate::lsh::LshParams {
                bands: self.bands,
                rows: self.rows,
            }),
            fn_weight: Some(self.fn_weight),
            keep: self.keep,
            verify: self.verify,
            threads,
            progress: false,
            on_bad_record: self.on_bad_record,
            max_record_bytes: self.max_record_bytes as usize,
            ..DedupConfig::default()
        }
    }

    fn runs_params(&self) -> RunsParams {
        RunsParams {
            bands: self.bands,
            rows: self.rows,
            sketch: self.sketch.clone(),
        }
    }

    /// The sources, checked against the sizes recorded when the run started.
    fn sources(&self) -> Result<Vec<Source>> {
        let mut sources = Vec::with_capacity(self.inputs.len());
        for input in &self.inputs {
            let found = input::discover(&[PathBuf::from(&input.name)], None)?;
            match found.as_slice() {
                [source] if source.size == input.size => sources.push(source.clone()),
                _ => {
                    return Err(Error::InputChanged {
                        path: PathBuf::from(&input.name),
                        detail: format!("was a {}-byte file when the run started", input.size),
                    })
                }
            }
        }
        Ok(sources)
    }
}

/// Options shared by the sharded commands.
#[derive(Debug, Clone)]
pub struct ShardOptions {
    /// The work directory on shared storage.
    pub work_dir: PathBuf,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Progress bar on stderr.
    pub progress: bool,
    /// `sign`: band data buffered before a sorted run is written.
    pub band_buffer_bytes: usize,
}

/// What a task did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskReport {
    /// Units (files or bands) done by this call.
    pub done: usize,
    /// Units found already done (markers present) and skipped.
    pub already_done: usize,
}

fn pool<T: Send>(threads: usize, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start threads: {e}")))?
        .install(f)
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl Fn(std::io::Error) -> Error + 'a {
    move |e| Error::io(action, path, e)
}

fn format_err(path: &Path, detail: impl Into<String>) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

// ---------------------------------------------------------------- manifest

fn manifest_path(work: &Path) -> PathBuf {
    work.join("MANIFEST")
}

fn read_manifest(work: &Path) -> Result<ShardParams> {
    let path = manifest_path(work);
    let mut file = File::open(&path).map_err(|e| {
        Error::io(
            "opening (run `shingle sign` first to create the work directory)",
            &path,
            e,
        )
    })?;
    let (params, _): (ShardParams, u64) =
        read_header(&mut file, &path, MANIFEST_MAGIC, FORMAT_VERSION)?;
    Ok(params)
}

/// Creates the manifest, or checks that an existing one has the same
/// parameters and inputs. Concurrent first tasks write identical bytes, so
/// whichever rename lands last is the same file.
fn ensure_manifest(work: &Path, params: &ShardParams) -> Result<()> {
    std::fs::create_dir_all(work).map_err(io_err("creating", work))?;
    let path = manifest_path(work);
    if !path.exists() {
        let tmp = work.join(format!(".MANIFEST.tmp-{}", std::process::id()));
        let mut out = File::create(&tmp).map_err(io_err("creating", &tmp))?;
        write_header(&mut out, MANIFEST_MAGIC, FORMAT_VERSION, params)
            .map_err(io_err("writing", &tmp))?;
        out.sync_all().map_err(io_err("syncing", &tmp))?;
        std::fs::rename(&tmp, &path).map_err(io_err("renaming", &tmp))?;
    }
    let found = read_manifest(work)?;
    if &found != params {
        return Err(format_err(
            &path,
            format!(
                "this work directory belongs to a run with other parameters or inputs \
                 ({} inputs, threshold {}, {}×{} bands); use a new directory",
                found.inputs.len(),
                found.threshold,
                found.bands,
                found.rows
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- markers

/// A completion marker: the files a task wrote and their sizes. Written last
/// (atomically), so its presence with matching sizes means the task finished.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    files: Vec<(String, u64)>,
}

fn write_marker(path: &Path, files: &[&Path]) -> Result<()> {
    let mut entries = Vec::new();
    for f in files {
        let size = std::fs::metadata(f).map_err(io_err("reading", f))?.len();
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        entries.push((name, size));
    }
    let mut out = AtomicWriter::create(path, input::Compression::None)?;
    serde_json::to_writer(&mut out, &Marker { files: entries })
        .map_err(|e| Error::io("writing", path, std::io::Error::other(e)))?;
    out.finish()?.commit()
}

/// True when the marker exists and every file it lists has the recorded size.
fn marker_done(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(marker) = serde_json::from_slice::<Marker>(&bytes) else {
        return false;
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    marker
        .files
        .iter()
        .all(|(name, size)| std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() == *size))
}

/// Removes leftovers of killed attempts (temporary names with `prefix`).
fn remove_leftovers(dir: &Path, prefix: &str) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let temporary = name.contains(".tmp-") || name.contains(".work-");
            if temporary && name.trim_start_matches('.').starts_with(prefix) {
                let p = entry.path();
                let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
            }
        }
    }
}

// ---------------------------------------------------------------- files of one input

fn sign_dir(work: &Path) -> PathBuf {
    work.join("sign")
}

fn stem(file: usize) -> String {
    format!("{file:06}")
}

/// Per-file facts recorded in the `.sig` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SigMeta {
    params: ShardParams,
    file: u32,
    records: u64,
    docs: u64,
    empty: u64,
    skipped: u64,
    skipped_by_reason: Vec<(String, u64)>,
    bytes_read: u64,
    blank_lines: u64,
    /// Signature values stored per document (0 with exact verification).
    signature_len: u64,
}

/// A loaded `.sig` file.
struct Sig {
    meta: SigMeta,
    exact: Vec<u128>,
    text_len: Vec<u32>,
    empty: Vec<u8>,
    store_offset: Vec<u64>,
    skipped: Vec<u8>,
    signatures: Vec<u32>,
}

fn sig_data_len(meta: &SigMeta) -> Option<u64> {
    let per_doc = 16 + 4 + 1 + 8 + 4 * meta.signature_len;
    meta.docs.checked_mul(per_doc)?.checked_add(meta.records)
}

fn write_sig(path: &Path, meta: &SigMeta, docs: &DocTable, skipped: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("sig.tmp-{}", std::process::id()));
    let io = io_err("writing", &tmp);
    let file = File::create(&tmp).map_err(io_err("creating", &tmp))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    write_header(&mut out, SIG_MAGIC, FORMAT_VERSION, meta).map_err(&io)?;
    let mut hash = Xxh3::new();
    let mut put = |out: &mut BufWriter<File>, bytes: &[u8]| -> Result<()> {
        hash.update(bytes);
        out.write_all(bytes).map_err(&io)
    };
    let mut buf = Vec::with_capacity(1 << 16);
    macro_rules! column {
        ($values:expr) => {
            for chunk in $values.chunks(4096) {
                buf.clear();
                for v in chunk {
                    buf.extend_from_slice(&v.to_le_bytes());
                }
                put(&mut out, &buf)?;
            }
        };
    }
    column!(docs.exact);
    column!(docs.text_len);
    let empty: Vec<u8> = (0..docs.len() as u64)
        .map(|d| docs.empty.get(d) as u8)
        .collect();
    put(&mut out, &empty)?;
    let local: Vec<u64> = docs
        .store_offset
        .iter()
        .map(|&l| crate::verify::split_location(l).1)
        .collect();
    column!(local);
    put(&mut out, skipped)?;
    column!(docs.signatures);
    let digest = hash.digest();
    out.write_all(&digest.to_le_bytes()).map_err(&io)?;
    out.write_all(END_MAGIC).map_err(&io)?;
    let file = out
        .into_inner()
        .map_err(|e| Error::io("writing", &tmp, e.into_error()))?;
    file.sync_all().map_err(io_err("syncing", &tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err("renaming", &tmp))
}

fn read_sig_meta(path: &Path, params: &ShardParams) -> Result<(SigMeta, File, u64)> {
    let mut file = File::open(path).map_err(io_err("opening", path))?;
    let (meta, header_len): (SigMeta, u64) =
        read_header(&mut file, path, SIG_MAGIC, FORMAT_VERSION)?;
    if &meta.params != params {
        return Err(format_err(
            path,
            "made for another run (parameters differ from MANIFEST)",
        ));
    }
    let size = file.metadata().map_err(io_err("reading", path))?.len();
    let want = sig_data_len(&meta).and_then(|l| l.checked_add(header_len + 16));
    if want != Some(size) {
        return Err(format_err(
            path,
            format!("truncated or corrupt ({size} bytes)"),
        ));
    }
    Ok((meta, file, header_len))
}

fn read_sig(path: &Path, params: &ShardParams) -> Result<Sig> {
    let (meta, mut file, _) = read_sig_meta(path, params)?;
    let len = sig_data_len(&meta).expect("checked") as usize;
    let mut data = vec![0u8; len + 16];
    file.read_exact(&mut data)
        .map_err(io_err("reading", path))?;
    let (data, footer) = data.split_at(len);
    if &footer[8..] != END_MAGIC
        || xxh3_64(data) != u64::from_le_bytes(footer[..8].try_into().expect("8 bytes"))
    {
        return Err(format_err(path, "corrupt (checksum mismatch)"));
    }
    let docs = meta.docs as usize;
    let mut at = 0usize;
    let mut take = |n: usize| {
        let s = &data[at..at + n];
        at += n;
        s
    };
    let exact = take(16 * docs)
        .chunks_exact(16)
        .map(|b| u128::from_le_bytes(b.try_into().expect("16")))
        .collect();
    let text_len = take(4 * docs)
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4")))
        .collect();
    let empty = take(docs).to_vec();
    let store_offset = take(8 * docs)
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8")))
        .collect();
    let skipped = take(meta.records as usize).to_vec();
    let signatures = take(4 * docs * meta.signature_len as usize)
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4")))
        .collect();
    Ok(Sig {
        meta,
        exact,
        text_len,
        empty,
        store_offset,
        skipped,
        signatures,
    })
}

/// Files of input `f` in the sign directory.
struct SignFiles {
    sig: PathBuf,
    docs: PathBuf,
    band: PathBuf,
    skipped: PathBuf,
    done: PathBuf,
}

fn sign_files(work: &Path, f: usize) -> SignFiles {
    let dir = sign_dir(work);
    let s = stem(f);
    SignFiles {
        sig: dir.join(format!("{s}.sig")),
        docs: dir.join(format!("{s}.docs")),
        band: dir.join(format!("{s}.band")),
        skipped: dir.join(format!("{s}.skipped.jsonl")),
        done: dir.join(format!("{s}.done")),
    }
}

fn require_signed(work: &Path, params: &ShardParams) -> Result<()> {
    let missing: Vec<&str> = (0..params.inputs.len())
        .filter(|&f| !marker_done(&sign_files(work, f).done))
        .map(|f| params.inputs[f].name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Config(format!(
        "`shingle sign` has not finished {} of {} input files (first: {}); run the missing ranks",
        missing.len(),
        params.inputs.len(),
        missing[0]
    )))
}

/// First global document number of each input file, and the total.
fn doc_bases(work: &Path, params: &ShardParams) -> Result<(Vec<u32>, u64)> {
    let mut bases = Vec::with_capacity(params.inputs.len());
    let mut total = 0u64;
    for f in 0..params.inputs.len() {
        bases.push(total as u32);
        let (meta, _, _) = read_sig_meta(&sign_files(work, f).sig, params)?;
        total += meta.docs;
        if total >= u32::MAX as u64 {
            return Err(Error::Config(
                "more than 4 billion documents in one run; split the input".into(),
            ));
        }
    }
    Ok((bases, total))
}

// ---------------------------------------------------------------- sign

/// `shingle sign`: sketches the input files of rank `rank` (file `f` when
/// `f % world_size == rank`) into the work directory.
pub fn sign(
    config: &DedupConfig,
    rank: usize,
    world_size: usize,
    options: &ShardOptions,
) -> Result<TaskReport> {
    config.validate()?;
    if world_size == 0 || rank >= world_size {
        return Err(Error::Config(format!(
            "--rank must be below --world-size (got rank {rank} of {world_size})"
        )));
    }
    let work = &options.work_dir;
    let sources = input::discover(&config.inputs, None)?;
    let params = ShardParams::new(config, &sources)?;
    ensure_manifest(work, &params)?;
    let dir = sign_dir(work);
    std::fs::create_dir_all(&dir).map_err(io_err("creating", &dir))?;
    let mut config = params.config(&dir, options.threads);
    config.band_buffer_bytes = Some(options.band_buffer_bytes);
    let mut report = TaskReport::default();
    pool(options.threads, || {
        for f in (rank..sources.len()).step_by(world_size) {
            let files = sign_files(work, f);
            if marker_done(&files.done) {
                report.already_done += 1;
                continue;
            }
            remove_leftovers(&dir, &stem(f));
            sign_file(&config, &params, &sources[f], f, &files, options)?;
            report.done += 1;
        }
        Ok(())
    })?;
    Ok(report)
}

fn sign_file(
    config: &DedupConfig,
    params: &ShardParams,
    source: &Source,
    f: usize,
    files: &SignFiles,
    options: &ShardOptions,
) -> Result<()> {
    let dir = sign_dir(&options.work_dir);
    let work = dir.join(format!(".{}.work-{}", stem(f), std::process::id()));
    let job = Job::for_sources(config, vec![source.clone()], work, files.skipped.clone())?;
    let progress = Progress::new(options.progress, source.size, "sign");
    let pass1 = job.pass1(&progress)?;
    progress.finish();
    let skipped: Vec<u8> = (0..pass1.records)
        .map(|r| pass1.skipped_records.get(r) as u8)
        .collect();
    let meta = SigMeta {
        params: params.clone(),
        file: f as u32,
        records: pass1.records,
        docs: pass1.docs.len() as u64,
        empty: pass1.counts.empty,
        skipped: pass1.counts.skipped,
        skipped_by_reason: pass1
            .skipped_by_reason
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        bytes_read: pass1.bytes_read,
        blank_lines: pass1.blank_lines,
        signature_len: if params.verify == VerifyMode::Exact {
            0
        } else {
            params.sketch.num_perm as u64
        },
    };
    write_sig(&files.sig, &meta, &pass1.docs, &skipped)?;
    // The marker written below vouches for the store, so it must be on disk
    // first (the band runs sync themselves).
    for store in &pass1.stores {
        store.sync()?;
    }
    let work = job.work_path();
    std::fs::rename(work.join("docs.bin"), &files.docs).map_err(io_err("renaming", &files.docs))?;
    std::fs::rename(work.join("bands.band"), &files.band)
        .map_err(io_err("renaming", &files.band))?;
    let mut vouched = vec![
        files.sig.as_path(),
        files.docs.as_path(),
        files.band.as_path(),
    ];
    if let Some(skipped) = pass1.skipped_file {
        skipped.commit()?;
        vouched.push(files.skipped.as_path());
    }
    write_marker(&files.done, &vouched)
}

// ---------------------------------------------------------------- bucket

fn bucket_files(work: &Path, band: usize) -> (PathBuf, PathBuf) {
    let dir = work.join("bucket");
    (
        dir.join(format!("band-{band:03}.pairs")),
        dir.join(format!("band-{band:03}.done")),
    )
}

#[derive(Debug, Serialize, Deserialize)]
struct PairsMeta {
    params: ShardParams,
    band: u64,
    pairs: u64,
}

/// `shingle bucket`: candidate pairs of one band (or all) from every file's
/// band runs.
pub fn bucket(band: Option<usize>, options: &ShardOptions) -> Result<TaskReport> {
    let work = &options.work_dir;
    let params = read_manifest(work)?;
    require_signed(work, &params)?;
    if let Some(b) = band {
        if b >= params.bands {
            return Err(Error::Config(format!(
                "--band must be below {} (the run's bands)",
                params.bands
            )));
        }
    }
    let dir = work.join("bucket");
    std::fs::create_dir_all(&dir).map_err(io_err("creating", &dir))?;
    let (bases, _) = doc_bases(work, &params)?;
    let runs_params = params.runs_params();
    let runs: Vec<BandRuns> = (0..params.inputs.len())
        .map(|f| BandRuns::open(&sign_files(work, f).band, &runs_params))
        .collect::<Result<_>>()?;
    let files: Vec<(&BandRuns, u32)> = runs.iter().zip(bases.iter().copied()).collect();
    let bands: Vec<usize> = match band {
        Some(b) => vec![b],
        None => (0..params.bands).collect(),
    };
    let mut report = TaskReport::default();
    pool(options.threads, || {
        for b in bands {
            let (pairs_path, done) = bucket_files(work, b);
            if marker_done(&done) {
                report.already_done += 1;
                continue;
            }
            remove_leftovers(&dir, &format!("band-{b:03}"));
            let pairs = band_candidates(&files, b)?;
            let meta = PairsMeta {
                params: params.clone(),
                band: b as u64,
                pairs: pairs.len() as u64,
            };
            let mut out = AtomicWriter::create(&pairs_path, input::Compression::None)?;
            write_header(&mut out, PAIRS_MAGIC, FORMAT_VERSION, &meta)
                .map_err(io_err("writing", &pairs_path))?;
            let mut data = Vec::with_capacity(pairs.len() * 8);
            for (a, c) in &pairs {
                data.extend_from_slice(&a.to_le_bytes());
                data.extend_from_slice(&c.to_le_bytes());
            }
            out.write_all(&data)
                .map_err(io_err("writing", &pairs_path))?;
            out.write_all(&xxh3_64(&data).to_le_bytes())
                .map_err(io_err("writing", &pairs_path))?;
            out.write_all(END_MAGIC)
                .map_err(io_err("writing", &pairs_path))?;
            out.finish()?.commit()?;
            write_marker(&done, &[pairs_path.as_path()])?;
            report.done += 1;
        }
        Ok(())
    })?;
    Ok(report)
}

fn read_pairs(path: &Path, params: &ShardParams, band: usize) -> Result<Vec<(u32, u32)>> {
    let mut file = File::open(path).map_err(io_err("opening", path))?;
    let (meta, header_len): (PairsMeta, u64) =
        read_header(&mut file, path, PAIRS_MAGIC, FORMAT_VERSION)?;
    if &meta.params != params || meta.band != band as u64 {
        return Err(format_err(path, "made for another run or band"));
    }
    let size = file.metadata().map_err(io_err("reading", path))?.len();
    if meta
        .pairs
        .checked_mul(8)
        .and_then(|l| l.checked_add(header_len + 16))
        != Some(size)
    {
        return Err(format_err(path, "truncated or corrupt"));
    }
    let mut data = vec![0u8; meta.pairs as usize * 8 + 16];
    file.read_exact(&mut data)
        .map_err(io_err("reading", path))?;
    let (data, footer) = data.split_at(meta.pairs as usize * 8);
    if &footer[8..] != END_MAGIC
        || xxh3_64(data) != u64::from_le_bytes(footer[..8].try_into().expect("8"))
    {
        return Err(format_err(path, "corrupt (checksum mismatch)"));
    }
    Ok(data
        .chunks_exact(8)
        .map(|b| {
            (
                u32::from_le_bytes(b[..4].try_into().expect("4")),
                u32::from_le_bytes(b[4..].try_into().expect("4")),
            )
        })
        .collect())
}

// ---------------------------------------------------------------- cluster

#[derive(Debug, Serialize, Deserialize)]
struct DecisionsMeta {
    params: ShardParams,
    docs: u64,
}

fn decisions_path(work: &Path) -> PathBuf {
    work.join("decisions.bin")
}

fn cluster_done(work: &Path) -> PathBuf {
    work.join("cluster.done")
}

/// `shingle cluster`: verification and clustering over all candidate pairs;
/// writes `clusters.jsonl`, `stats.json` (and `skipped.jsonl`) into the work
/// directory, and the kept/removed decision of every document for `filter`.
pub fn cluster(options: &ShardOptions) -> Result<TaskReport> {
    let work = &options.work_dir;
    let params = read_manifest(work)?;
    if marker_done(&cluster_done(work)) {
        return Ok(TaskReport {
            done: 0,
            already_done: 1,
        });
    }
    require_signed(work, &params)?;
    let missing: Vec<usize> = (0..params.bands)
        .filter(|&b| !marker_done(&bucket_files(work, b).1))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Config(format!(
            "`shingle bucket` has not finished {} of {} bands (first: band {})",
            missing.len(),
            params.bands,
            missing[0]
        )));
    }
    remove_leftovers(work, "");
    let total = Instant::now();
    let config = params.config(work, options.threads);
    let sources = params.sources()?;
    pool(options.threads, || {
        let job = Job::for_sources(
            &config,
            sources.clone(),
            work.join(format!(".cluster.work-{}", std::process::id())),
            work.join("skipped.jsonl"),
        )?;
        let mut seconds = BTreeMap::new();
        let t = Instant::now();
        let pass1 = load_signed(work, &params)?;
        let mut pairs = Vec::new();
        for b in 0..params.bands {
            pairs.extend(read_pairs(&bucket_files(work, b).0, &params, b)?);
        }
        pairs.sort_unstable();
        pairs.dedup();
        seconds.insert("load", t.elapsed().as_secs_f64());
        let decisions = job.decide(&pass1, Some(pairs), &mut seconds)?;
        let t = Instant::now();
        let mut staged =
            vec![job.write_clusters(&pass1.stores, &pass1.docs.store_offset, &decisions)?];
        // Decisions for `filter`: one bit per document (1 = kept).
        let path = decisions_path(work);
        let mut out = AtomicWriter::create(&path, input::Compression::None)?;
        let meta = DecisionsMeta {
            params: params.clone(),
            docs: pass1.docs.len() as u64,
        };
        write_header(&mut out, DECISIONS_MAGIC, FORMAT_VERSION, &meta)
            .map_err(io_err("writing", &path))?;
        let words = (pass1.docs.len()).div_ceil(64);
        let mut data = Vec::with_capacity(words * 8);
        for w in 0..words {
            let word = decisions.kept.0.get(w).copied().unwrap_or(0);
            data.extend_from_slice(&word.to_le_bytes());
        }
        out.write_all(&data).map_err(io_err("writing", &path))?;
        out.write_all(&xxh3_64(&data).to_le_bytes())
            .map_err(io_err("writing", &path))?;
        out.write_all(END_MAGIC).map_err(io_err("writing", &path))?;
        staged.push(out.finish()?);
        if params.on_bad_record == BadRecordPolicy::Skip {
            let path = work.join("skipped.jsonl");
            let mut out = AtomicWriter::create(&path, input::Compression::None)?;
            for f in 0..params.inputs.len() {
                let part = sign_files(work, f).skipped;
                if part.exists() {
                    let mut file = File::open(&part).map_err(io_err("opening", &part))?;
                    std::io::copy(&mut file, &mut out).map_err(io_err("writing", &path))?;
                }
            }
            staged.push(out.finish()?);
        }
        seconds.insert("write", t.elapsed().as_secs_f64());
        seconds.insert("total", total.elapsed().as_secs_f64());
        let kept = pass1.docs.len() as u64 - (decisions.removed_exact + decisions.removed_near);
        let disk = DiskUse {
            doc_store_bytes: pass1.stores.iter().map(DocStore::bytes).sum(),
            ..DiskUse::default()
        };
        let run = RunInfo {
            threads: rayon::current_num_threads(),
            seconds,
        };
        let stats = job.stats(&pass1, &decisions, kept, disk, run)?;
        staged.push(write_pretty_json(&work.join("stats.json"), &stats)?);
        let mut vouched = Vec::new();
        for s in staged {
            vouched.push(s.destination().to_path_buf());
            s.commit()?;
        }
        let refs: Vec<&Path> = vouched.iter().map(PathBuf::as_path).collect();
        write_marker(&cluster_done(work), &refs)
    })?;
    Ok(TaskReport {
        done: 1,
        already_done: 0,
    })
}

/// Everything `sign` wrote, as one pass-1 result in global document order.
fn load_signed(work: &Path, params: &ShardParams) -> Result<Pass1> {
    let mut docs = DocTable::default();
    let mut skipped_records = Bits::default();
    let mut counts = DocumentCounts::default();
    let mut by_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut stores = Vec::new();
    let (mut records, mut bytes_read, mut blank_lines) = (0u64, 0u64, 0u64);
    for f in 0..params.inputs.len() {
        let files = sign_files(work, f);
        let sig = read_sig(&files.sig, params)?;
        if sig.meta.file as usize != f {
            return Err(format_err(&files.sig, "belongs to another input file"));
        }
        let base = docs.len() as u64;
        for (i, ((&exact, &len), (&empty, &offset))) in sig
            .exact
            .iter()
            .zip(&sig.text_len)
            .zip(sig.empty.iter().zip(&sig.store_offset))
            .enumerate()
        {
            docs.exact.push(exact);
            docs.text_len.push(len);
            docs.empty.push(base + i as u64, empty != 0);
            docs.store_offset.push(store_location(f, offset));
        }
        docs.signatures.extend_from_slice(&sig.signatures);
        for (r, &s) in sig.skipped.iter().enumerate() {
            skipped_records.push(records + r as u64, s != 0);
        }
        records += sig.meta.records;
        counts.read += sig.meta.records;
        counts.empty += sig.meta.empty;
        counts.skipped += sig.meta.skipped;
        for (reason, n) in &sig.meta.skipped_by_reason {
            let name = crate::error::BadRecordReason::ALL
                .iter()
                .map(|r| r.name())
                .find(|name| name == reason)
                .ok_or_else(|| format_err(&files.sig, format!("unknown skip reason {reason:?}")))?;
            *by_reason.entry(name).or_default() += n;
        }
        bytes_read += sig.meta.bytes_read;
        blank_lines += sig.meta.blank_lines;
        stores.push(DocStore::open(&files.docs, &params.sketch)?);
    }
    Ok(Pass1 {
        docs,
        stores,
        band_runs: None,
        skipped_records,
        records,
        counts,
        skipped_by_reason: by_reason,
        skipped_file: None,
        bytes_read,
        blank_lines,
    })
}

// ---------------------------------------------------------------- filter

fn read_decisions(work: &Path, params: &ShardParams) -> Result<Bits> {
    let path = decisions_path(work);
    let mut file = File::open(&path).map_err(io_err("opening", &path))?;
    let (meta, header_len): (DecisionsMeta, u64) =
        read_header(&mut file, &path, DECISIONS_MAGIC, FORMAT_VERSION)?;
    if &meta.params != params {
        return Err(format_err(&path, "made for another run"));
    }
    let words = meta.docs.div_ceil(64);
    let size = file.metadata().map_err(io_err("reading", &path))?.len();
    if words
        .checked_mul(8)
        .and_then(|l| l.checked_add(header_len + 16))
        != Some(size)
    {
        return Err(format_err(&path, "truncated or corrupt"));
    }
    let mut data = vec![0u8; words as usize * 8 + 16];
    file.read_exact(&mut data)
        .map_err(io_err("reading", &path))?;
    let (data, footer) = data.split_at(words as usize * 8);
    if &footer[8..] != END_MAGIC
        || xxh3_64(data) != u64::from_le_bytes(footer[..8].try_into().expect("8"))
    {
        return Err(format_err(&path, "corrupt (checksum mismatch)"));
    }
    Ok(Bits(
        data.chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8")))
            .collect(),
    ))
}

/// The output file name for each input: its file name (`.txt` documents get
/// `.jsonl` appended: their kept record is a JSON line, as in `dedup`), or
/// `NNNNNN-name` for all of them when two inputs share a file name.
pub fn output_names(params: &ShardParams) -> Vec<String> {
    let base: Vec<String> = params
        .inputs
        .iter()
        .map(|i| {
            let name = Path::new(&i.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| i.name.clone());
            match input::kind_by_name(Path::new(&i.name)) {
                Some(input::SourceKind::Text) => format!("{name}.jsonl"),
                _ => name,
            }
        })
        .collect();
    let mut sorted = base.clone();
    sorted.sort();
    let unique = sorted.windows(2).all(|w| w[0] != w[1]);
    base.into_iter()
        .enumerate()
        .map(|(f, b)| {
            if unique {
                b
            } else {
                format!("{}-{b}", stem(f))
            }
        })
        .collect()
}

/// `shingle filter`: writes the kept records of rank `rank`'s input files,
/// byte for byte, one output file per input file (compressed like it).
pub fn filter(
    rank: usize,
    world_size: usize,
    out_dir: &Path,
    options: &ShardOptions,
) -> Result<TaskReport> {
    if world_size == 0 || rank >= world_size {
        return Err(Error::Config(format!(
            "--rank must be below --world-size (got rank {rank} of {world_size})"
        )));
    }
    let work = &options.work_dir;
    let params = read_manifest(work)?;
    if !marker_done(&cluster_done(work)) {
        return Err(Error::Config(
            "`shingle cluster` has not finished for this work directory".into(),
        ));
    }
    let kept = read_decisions(work, &params)?;
    let (bases, _) = doc_bases(work, &params)?;
    let sources = params.sources()?;
    let names = output_names(&params);
    std::fs::create_dir_all(out_dir).map_err(io_err("creating", out_dir))?;
    let config = params.config(out_dir, options.threads);
    let mut report = TaskReport::default();
    pool(options.threads, || {
        for f in (rank..sources.len()).step_by(world_size) {
            let out_path = out_dir.join(&names[f]);
            let done = out_dir.join(format!(".{}.done", names[f]));
            if marker_done(&done) {
                report.already_done += 1;
                continue;
            }
            remove_leftovers(out_dir, &names[f]);
            let sig = read_sig(&sign_files(work, f).sig, &params)?;
            let mut skipped = Bits::default();
            for (r, &s) in sig.skipped.iter().enumerate() {
                skipped.push(r as u64, s != 0);
            }
            let mut mine = Bits::default();
            for d in 0..sig.meta.docs {
                mine.push(d, kept.get(u64::from(bases[f]) + d));
            }
            let job = Job::for_sources(
                &config,
                vec![sources[f].clone()],
                out_dir.join(format!(".{}.work-{}", names[f], std::process::id())),
                out_dir.join("unused-skipped.jsonl"),
            )?;
            let progress = Progress::new(options.progress, sources[f].size, "filter");
            // Text documents become JSON lines, uncompressed.
            let compression = match sources[f].kind {
                input::SourceKind::Jsonl => sources[f].compression,
                input::SourceKind::Text => input::Compression::None,
            };
            let (staged, _) = job.write_kept(
                &out_path,
                compression,
                &skipped,
                &mine,
                (sig.meta.records, sig.meta.docs),
                &progress,
                rayon::current_num_threads(),
            )?;
            progress.finish();
            staged.commit()?;
            write_marker(&done, &[out_path.as_path()])?;
            report.done += 1;
        }
        Ok(())
    })?;
    Ok(report)
}
