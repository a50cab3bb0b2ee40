//! The `shingle index` commands: build, add, query, info, compact.
//!
//! `build` and `add` read inputs the way `dedup` does (same input forms,
//! `--text-field`, `--id-field`, `--on-bad-record`, `--max-record-bytes`) and
//! write, into the output directory, what `dedup` writes for the documents of
//! this run: `deduped.jsonl` (the new kept records, byte for byte, in input
//! order), `clusters.jsonl` (every document of this run removed as a duplicate
//! — of an indexed document or of one of this run — preceded by the kept
//! document's own line, grouped by kept document in index order) and
//! `stats.json` (last). The index is saved (a new segment) before the outputs
//! are renamed into place. Keys are the records' id JSON text.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::{Index, IndexConfig, IndexInfo, Outcome, Prepared, Verdict};
use crate::cli::{IndexArgs, IndexCommand, ReadArgs};
use crate::dedup::{BadRecordPolicy, DocumentCounts, InputStat};
use crate::error::{Error, Location, Result};
use crate::input::{
    self, BadRecord, Block, Compression, FieldPaths, RawRecord, RecordReader, Source, SourceKind,
};
use crate::lsh::LshParams;
use crate::output::{write_json_line, write_pretty_json, AtomicWriter, Staged};
use crate::progress::Progress;

/// How inputs are read (the options `dedup` shares).
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// Dotted path of the text field.
    pub text_field: String,
    /// Dotted path of the id field.
    pub id_field: String,
    /// Bad-record policy.
    pub on_bad_record: BadRecordPolicy,
    /// Records longer than this are bad records.
    pub max_record_bytes: usize,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Progress bar and summary on stderr.
    pub progress: bool,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_field: "text".into(),
            id_field: "id".into(),
            on_bad_record: BadRecordPolicy::Error,
            max_record_bytes: 64 << 20,
            threads: 0,
            progress: false,
        }
    }
}

impl From<&ReadArgs> for InputOptions {
    fn from(a: &ReadArgs) -> Self {
        InputOptions {
            text_field: a.text_field.clone(),
            id_field: a.id_field.clone(),
            on_bad_record: a.on_bad_record,
            max_record_bytes: a.max_record_bytes,
            threads: a.threads,
            progress: !a.quiet,
        }
    }
}

/// Runs a parsed `shingle index` command.
pub fn run(args: &IndexArgs) -> Result<()> {
    match &args.command {
        IndexCommand::Build(a) => {
            let sketch = a.matching.sketch.params();
            let fn_weight = a.matching.fn_weight.unwrap_or(0.95);
            if !(0.0..=1.0).contains(&fn_weight) {
                return Err(Error::Config(format!(
                    "--fn-weight must be in [0, 1], got {fn_weight}"
                )));
            }
            let threshold = a.matching.threshold;
            let lsh = a
                .matching
                .lsh_override()
                .unwrap_or_else(|| LshParams::optimal(threshold, sketch.num_perm, fn_weight));
            let config = IndexConfig {
                sketch,
                threshold,
                lsh,
            };
            let opts = InputOptions::from(&a.input);
            let report = build(&a.inputs, &a.index, config, a.out_dir.as_deref(), &opts)?;
            if opts.progress {
                eprintln!("{}", report.summary());
            }
            Ok(())
        }
        IndexCommand::Add(a) => {
            let opts = InputOptions::from(&a.input);
            let report = add(&a.index, &a.inputs, Some(&a.out_dir), &opts)?;
            if opts.progress {
                eprintln!("{}", report.summary());
            }
            Ok(())
        }
        IndexCommand::Query(a) => {
            let opts = InputOptions::from(&a.input);
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let counts = query(&a.index, &a.inputs, &opts, &mut out)?;
            out.flush()
                .map_err(|e| Error::io("writing", Path::new("-"), e))?;
            if opts.progress {
                eprintln!(
                    "Queried {} documents: {} new, {} exact duplicates, {} near-duplicates.",
                    counts.read, counts.new, counts.exact, counts.near
                );
            }
            Ok(())
        }
        IndexCommand::Info(a) => {
            let info = info(&a.index, a.verify)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&info).expect("serializable")
            );
            Ok(())
        }
        IndexCommand::Compact(a) => {
            let index = Index::open_existing(&a.index)?;
            index.compact()
        }
    }
}

/// What `build` or `add` did; also written as `stats.json`.
#[derive(Debug, Clone, Serialize)]
pub struct AddReport {
    /// Tool version.
    pub shingle_version: &'static str,
    /// Inputs in reading order.
    pub inputs: Vec<InputStat>,
    /// Document counts of this run (`dedup`'s meaning).
    pub documents: DocumentCounts,
    /// Uncompressed bytes of all records read.
    pub bytes_read: u64,
    /// Whitespace-only lines in JSONL inputs.
    pub blank_lines: u64,
    /// Clusters written (kept documents with at least one document of this run
    /// removed in their favour).
    pub clusters: u64,
    /// Skipped records by reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// The index after the run.
    pub index: IndexSummary,
    /// Wall time per stage and threads.
    pub run: crate::dedup::RunInfo,
}

/// The index part of [`AddReport`].
#[derive(Debug, Clone, Serialize)]
pub struct IndexSummary {
    /// Index directory.
    pub path: String,
    /// Documents before the run.
    pub documents_before: u64,
    /// Documents after.
    pub documents_after: u64,
    /// Distinct non-empty texts after.
    pub nodes: u64,
    /// Segment written by this run.
    pub segment_written: Option<String>,
    /// Segments after.
    pub segments: u64,
    /// The configuration.
    pub config: IndexConfig,
}

impl AddReport {
    /// One paragraph for humans.
    pub fn summary(&self) -> String {
        let d = &self.documents;
        let secs = self.run.seconds.get("total").copied().unwrap_or(0.0);
        format!(
            "Read {} documents in {:.2} s ({:.0} docs/s) on {} threads: kept {}, removed {} \
             ({} exact, {} near-duplicate), skipped {}. Index {} now holds {} documents \
             ({} distinct texts) in {} segments.",
            d.read,
            secs,
            d.read as f64 / secs.max(1e-9),
            self.run.threads,
            d.kept,
            d.removed,
            d.removed_exact,
            d.removed_near,
            d.skipped,
            self.index.path,
            self.index.documents_after,
            self.index.nodes,
            self.index.segments
        )
    }
}

/// Creates an index at `index_dir` from `inputs`, saves it, and (with
/// `out_dir`) writes the outputs of [`add`].
pub fn build(
    inputs: &[PathBuf],
    index_dir: &Path,
    config: IndexConfig,
    out_dir: Option<&Path>,
    opts: &InputOptions,
) -> Result<AddReport> {
    config.validate()?;
    let existed = index_dir.exists();
    let index = Index::create(index_dir, config)?;
    let result = add_to(&index, inputs, out_dir, opts);
    if result.is_err() && index.is_empty_on_disk() {
        // Leave nothing behind that would make a retry fail.
        if existed {
            let _ = std::fs::remove_file(index_dir.join(super::MANIFEST));
        } else {
            let _ = std::fs::remove_dir_all(index_dir);
        }
    }
    result
}

/// Adds `inputs` to the index at `index_dir` (each new document checked
/// against the index and the documents before it), saves it, and writes the
/// outputs into `out_dir` (if given).
pub fn add(
    index_dir: &Path,
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    opts: &InputOptions,
) -> Result<AddReport> {
    let index = Index::open_existing(index_dir)?;
    add_to(&index, inputs, out_dir, opts)
}

/// Writes a key as JSON: verbatim if it is JSON (the CLI's keys are ids' JSON
/// text), else as a JSON string (keys given through the library).
fn json_key(key: &str) -> std::borrow::Cow<'_, str> {
    if serde_json::from_str::<&serde_json::value::RawValue>(key).is_ok() {
        std::borrow::Cow::Borrowed(key)
    } else {
        std::borrow::Cow::Owned(serde_json::to_string(key).expect("string"))
    }
}

/// A record after parsing.
enum Parsed {
    Doc(Prepared),
    Bad(BadRecord),
}

/// Removes a spooled stdin copy however the run ends.
struct Spool(Option<PathBuf>);

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Reads inputs block by block, parsing and sketching in parallel.
struct Reader {
    sources: Vec<Source>,
    fields: FieldPaths,
    _spool: Spool,
}

impl Reader {
    fn new(inputs: &[PathBuf], spool_dir: &Path) -> Result<Self> {
        if inputs.is_empty() {
            return Err(Error::Config("no input given".into()));
        }
        if inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return Err(Error::Config("stdin (-) can be given only once".into()));
        }
        let spool = if inputs.iter().any(|p| p.as_os_str() == "-") {
            std::fs::create_dir_all(spool_dir).map_err(|e| Error::io("creating", spool_dir, e))?;
            let path = spool_dir.join(format!(".shingle-stdin-{}", std::process::id()));
            let spool = Spool(Some(path.clone()));
            input::spool_stdin(&path)?;
            spool
        } else {
            Spool(None)
        };
        let sources = input::discover(inputs, spool.0.as_deref())?;
        Ok(Reader {
            sources,
            fields: FieldPaths::new("text", "id")?,
            _spool: spool,
        })
    }

    fn with_fields(mut self, opts: &InputOptions) -> Result<Self> {
        self.fields = FieldPaths::new(&opts.text_field, &opts.id_field)?;
        Ok(self)
    }

    /// Parses (as `dedup` does) and sketches one record; the key is the id's
    /// JSON text.
    fn parse(
        &self,
        index: &Index,
        text: &mut String,
        block: &Block,
        r: &RawRecord,
        max_record_bytes: usize,
    ) -> Parsed {
        let source = &self.sources[r.source as usize];
        match input::parse_record(source, &self.fields, max_record_bytes, block, r, text) {
            Ok((body, id)) => {
                let mut key = Vec::new();
                id.write_json(source, r.line, &mut key);
                let key = String::from_utf8(key).expect("JSON text is UTF-8");
                Parsed::Doc(index.prepare(key, body))
            }
            Err(bad) => Parsed::Bad(bad),
        }
    }
}

/// One line of `clusters.jsonl` before sorting: kept node, member order.
struct ClusterLine {
    kept_node: u32,
    kept_key: String,
    member: u64,
    member_key: String,
    similarity: f64,
}

fn add_to(
    index: &Index,
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    opts: &InputOptions,
) -> Result<AddReport> {
    if opts.max_record_bytes == 0 || opts.max_record_bytes > u32::MAX as usize {
        return Err(Error::Config("--max-record-bytes must be 1..4 GiB".into()));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start threads: {e}")))?;
    let threads = pool.current_num_threads();
    pool.install(|| add_in_pool(index, inputs, out_dir, opts, threads))
}

fn add_in_pool(
    index: &Index,
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    opts: &InputOptions,
    threads: usize,
) -> Result<AddReport> {
    let total = Instant::now();
    let index_dir = index.require_dir()?.to_path_buf();
    if let Some(out) = out_dir {
        std::fs::create_dir_all(out).map_err(|e| Error::io("creating", out, e))?;
        let stale = out.join("stats.json");
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| Error::io("removing", &stale, e))?;
        }
    }
    let reader = Reader::new(inputs, out_dir.unwrap_or(&index_dir))?.with_fields(opts)?;
    let sources = &reader.sources;
    let compression = sources
        .first()
        .map(|s| s.compression)
        .unwrap_or(Compression::None);
    let mut deduped = out_dir
        .map(|o| {
            AtomicWriter::create(
                &o.join(format!("deduped.jsonl{}", compression.suffix())),
                compression,
            )
        })
        .transpose()?;
    let mut skipped_file = match (out_dir, opts.on_bad_record) {
        (Some(o), BadRecordPolicy::Skip) => Some(AtomicWriter::create(
            &o.join("skipped.jsonl"),
            Compression::None,
        )?),
        _ => None,
    };
    let documents_before = index.len();
    let mut counts = DocumentCounts::default();
    let mut skipped: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut clusters: Vec<ClusterLine> = Vec::new();
    let mut member = 0u64;
    let (mut bytes_read, mut blank_lines) = (0u64, 0u64);
    let mut seconds = BTreeMap::new();
    let total_bytes: u64 = sources.iter().map(|s| s.size).sum();
    let progress = Progress::new(opts.progress, total_bytes, "index");
    let mut records_reader = RecordReader::new(sources, opts.max_record_bytes, 8 << 20);
    let consumed = records_reader.consumed();
    let t = Instant::now();
    while let Some(block) = records_reader.next_block()? {
        blank_lines += block.blank_lines;
        let parsed: Vec<Parsed> = block
            .records
            .par_iter()
            .map_init(String::new, |text, r| {
                reader.parse(index, text, &block, r, opts.max_record_bytes)
            })
            .collect();
        let mut prepared = Vec::with_capacity(parsed.len());
        let mut bad = Vec::new();
        for (i, p) in parsed.into_iter().enumerate() {
            match p {
                Parsed::Doc(d) => prepared.push(d),
                Parsed::Bad(b) => bad.push((i, b)),
            }
        }
        // The first bad record stops the run before anything of its block is
        // committed (under --on-bad-record error).
        if opts.on_bad_record == BadRecordPolicy::Error {
            if let Some((i, b)) = bad.first() {
                let r = &block.records[*i];
                return Err(Error::BadRecord {
                    location: Location::new(&sources[r.source as usize].name, r.line),
                    reason: b.reason,
                    detail: b.detail.clone(),
                });
            }
        }
        let keys: Vec<String> = prepared.iter().map(|p| p.key.clone()).collect();
        let outcomes: Vec<Outcome> = index.insert_prepared(prepared)?;
        let mut docs = keys.into_iter().zip(outcomes);
        let mut bad = bad.into_iter().peekable();
        for (i, r) in block.records.iter().enumerate() {
            counts.read += 1;
            bytes_read += (r.end_with_terminator - r.start) as u64;
            if bad.peek().is_some_and(|(j, _)| *j == i) {
                let (_, b) = bad.next().expect("peeked");
                counts.skipped += 1;
                *skipped.entry(b.reason.name()).or_default() += 1;
                if let Some(f) = skipped_file.as_mut() {
                    let location = Location::new(&sources[r.source as usize].name, r.line);
                    write_json_line(
                        f,
                        &serde_json::json!({
                            "file": location.file.display().to_string(),
                            "line": location.line,
                            "reason": b.reason.name(),
                            "detail": b.detail,
                        }),
                    )
                    .map_err(|e| Error::io("writing", Path::new("skipped.jsonl"), e))?;
                }
                continue;
            }
            let (key, outcome) = docs.next().expect("one outcome per document");
            member += 1;
            let (kept_key, similarity) = match outcome.verdict {
                Verdict::New => {
                    counts.kept += 1;
                    if outcome.kept_node.is_none() {
                        counts.empty += 1;
                    }
                    if let Some(out) = deduped.as_mut() {
                        write_kept(out, &block, r, &sources[r.source as usize])?;
                    }
                    continue;
                }
                Verdict::ExactDuplicate { of } => {
                    counts.removed_exact += 1;
                    (of, 1.0)
                }
                Verdict::NearDuplicate { of, similarity } => {
                    counts.removed_near += 1;
                    (of, similarity)
                }
            };
            counts.removed += 1;
            clusters.push(ClusterLine {
                kept_node: outcome.kept_node.expect("duplicates have a kept node"),
                kept_key,
                member,
                member_key: key,
                similarity,
            });
        }
        progress.update(
            consumed.load(std::sync::atomic::Ordering::Relaxed),
            counts.read,
        );
    }
    seconds.insert("read_index", t.elapsed().as_secs_f64());
    progress.finish();

    let t = Instant::now();
    let mut staged: Vec<Staged> = Vec::new();
    let cluster_count = clusters
        .iter()
        .map(|c| c.kept_node)
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u64;
    if let Some(out) = out_dir {
        staged.push(write_clusters(&out.join("clusters.jsonl"), &mut clusters)?);
        if let Some(d) = deduped.take() {
            staged.push(d.finish()?);
        }
        if let Some(s) = skipped_file.take() {
            staged.push(s.finish()?);
        }
    }
    seconds.insert("write", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let saved = index.save()?;
    seconds.insert("save", t.elapsed().as_secs_f64());
    seconds.insert("total", total.elapsed().as_secs_f64());
    let info = index.info();
    let report = AddReport {
        shingle_version: env!("CARGO_PKG_VERSION"),
        inputs: sources
            .iter()
            .map(|s| InputStat {
                file: s.name.display().to_string(),
                compression: s.compression,
                bytes: s.size,
            })
            .collect(),
        documents: counts,
        bytes_read,
        blank_lines,
        clusters: cluster_count,
        skipped,
        index: IndexSummary {
            path: index_dir.display().to_string(),
            documents_before,
            documents_after: info.documents,
            nodes: info.nodes,
            segment_written: saved.segment,
            segments: info.segments.len() as u64,
            config: info.config,
        },
        run: crate::dedup::RunInfo { threads, seconds },
    };
    if let Some(out) = out_dir {
        staged.push(write_pretty_json(&out.join("stats.json"), &report)?);
    }
    for s in staged {
        s.commit()?;
    }
    Ok(report)
}

fn write_kept(out: &mut AtomicWriter, block: &Block, r: &RawRecord, source: &Source) -> Result<()> {
    let path = out.destination().to_path_buf();
    let io = |e| Error::io("writing", &path, e);
    match source.kind {
        SourceKind::Jsonl => {
            let line = block.raw_line(r);
            out.write_all(line).map_err(io)?;
            if !line.ends_with(b"\n") {
                out.write_all(b"\n").map_err(io)?;
            }
        }
        SourceKind::Text => {
            let text =
                input::text_file_content(block.content(r)).map_err(|b| Error::InputChanged {
                    path: source.name.clone(),
                    detail: b.detail,
                })?;
            let name = source.name.display().to_string();
            write_json_line(out, &serde_json::json!({"id": name, "text": text})).map_err(io)?;
        }
    }
    Ok(())
}

/// `clusters.jsonl`: per kept document (in index order) its own line, then the
/// documents of this run removed in its favour, in input order.
fn write_clusters(path: &Path, clusters: &mut [ClusterLine]) -> Result<Staged> {
    clusters.sort_by_key(|c| (c.kept_node, c.member));
    let mut out = AtomicWriter::create(path, Compression::None)?;
    let io = |e| Error::io("writing", path, e);
    let line = |out: &mut AtomicWriter, id: &str, kept: &str, s: f64| -> Result<()> {
        out.write_all(b"{\"id\":").map_err(io)?;
        out.write_all(json_key(id).as_bytes()).map_err(io)?;
        out.write_all(b",\"cluster\":").map_err(io)?;
        out.write_all(json_key(kept).as_bytes()).map_err(io)?;
        out.write_all(b",\"similarity\":").map_err(io)?;
        serde_json::to_writer(&mut *out, &s).map_err(|e| io(std::io::Error::other(e)))?;
        out.write_all(b"}\n").map_err(io)
    };
    for group in clusters.chunk_by(|a, b| a.kept_node == b.kept_node) {
        let kept = &group[0].kept_key;
        line(&mut out, kept, kept, 1.0)?;
        for c in group {
            line(&mut out, &c.member_key, kept, c.similarity)?;
        }
    }
    out.finish()
}

/// A queried record.
enum Queried {
    Doc(String, Verdict),
    Bad(BadRecord),
}

/// Counts of `shingle index query`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueryCounts {
    /// Documents queried.
    pub read: u64,
    /// Verdict new.
    pub new: u64,
    /// Exact duplicates.
    pub exact: u64,
    /// Near-duplicates.
    pub near: u64,
    /// Skipped bad records.
    pub skipped: u64,
}

/// Prints one JSON line per input record to `out`: `{"id", "verdict", "of",
/// "similarity"}` (the last two for duplicates). Nothing is inserted, so the
/// inputs are not checked against each other.
pub fn query(
    index_dir: &Path,
    inputs: &[PathBuf],
    opts: &InputOptions,
    out: &mut dyn Write,
) -> Result<QueryCounts> {
    let index = Index::open_existing(index_dir)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start threads: {e}")))?;
    let tmp = std::env::temp_dir();
    let reader = Reader::new(inputs, &tmp)?.with_fields(opts)?;
    let sources = &reader.sources;
    let mut records = RecordReader::new(sources, opts.max_record_bytes, 8 << 20);
    let mut counts = QueryCounts::default();
    let io = |e| Error::io("writing", Path::new("-"), e);
    while let Some(block) = records.next_block()? {
        let verdicts: Vec<Result<Queried>> = pool.install(|| {
            let parsed: Vec<Parsed> = block
                .records
                .par_iter()
                .map_init(String::new, |text, r| {
                    reader.parse(&index, text, &block, r, opts.max_record_bytes)
                })
                .collect();
            let state = index.read();
            parsed
                .into_par_iter()
                .map(|p| match p {
                    Parsed::Doc(p) => {
                        let e = state.evaluate(&p, None, index.config.threshold)?;
                        Ok(Queried::Doc(p.key, super::verdict_of(e)))
                    }
                    Parsed::Bad(b) => Ok(Queried::Bad(b)),
                })
                .collect()
        });
        for (r, v) in block.records.iter().zip(verdicts) {
            counts.read += 1;
            let (key, verdict) = match v? {
                Queried::Doc(key, verdict) => (key, verdict),
                Queried::Bad(b) => {
                    if opts.on_bad_record == BadRecordPolicy::Error {
                        return Err(Error::BadRecord {
                            location: Location::new(&sources[r.source as usize].name, r.line),
                            reason: b.reason,
                            detail: b.detail,
                        });
                    }
                    counts.skipped += 1;
                    continue;
                }
            };
            out.write_all(b"{\"id\":").map_err(io)?;
            out.write_all(key.as_bytes()).map_err(io)?;
            match &verdict {
                Verdict::New => {
                    counts.new += 1;
                    out.write_all(b",\"verdict\":\"new\"}\n").map_err(io)?;
                }
                Verdict::ExactDuplicate { of } => {
                    counts.exact += 1;
                    out.write_all(b",\"verdict\":\"exact_duplicate\",\"of\":")
                        .map_err(io)?;
                    out.write_all(json_key(of).as_bytes()).map_err(io)?;
                    out.write_all(b",\"similarity\":1.0}\n").map_err(io)?;
                }
                Verdict::NearDuplicate { of, similarity } => {
                    counts.near += 1;
                    out.write_all(b",\"verdict\":\"near_duplicate\",\"of\":")
                        .map_err(io)?;
                    out.write_all(json_key(of).as_bytes()).map_err(io)?;
                    out.write_all(b",\"similarity\":").map_err(io)?;
                    serde_json::to_writer(&mut *out, similarity)
                        .map_err(|e| io(std::io::Error::other(e)))?;
                    out.write_all(b"}\n").map_err(io)?;
                }
            }
        }
    }
    Ok(counts)
}

/// `shingle index info`: counts, sizes, parameters and format version; with
/// `verify`, every record is read and checked first.
pub fn info(index_dir: &Path, verify: bool) -> Result<IndexInfo> {
    let index = Index::open_existing(index_dir)?;
    if verify {
        index.verify()?;
    }
    Ok(index.info())
}
