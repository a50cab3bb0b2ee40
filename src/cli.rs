//! The command line: parsed in one place into plain configurations, then handed
//! to the library.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::dedup::{BadRecordPolicy, DedupConfig, KeepRule};
use crate::error::{Error, Result};
use crate::lsh::LshParams;
use crate::normalize::NormalizeOptions;
use crate::shingle::ShingleKind;
use crate::sketch::SketchParams;
use crate::verify::VerifyMode;

/// Find and remove exact and near-duplicate documents in large text dumps.
#[derive(Debug, Parser)]
#[command(
    name = "shingle",
    version,
    about,
    long_about = None,
    max_term_width = 100,
    after_help = "Environment: SHINGLE_NO_AVX512=1 makes normalization, shingling and MinHash take \
                  their portable code paths on a CPU with AVX-512 (same results, slower)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find exact and near-duplicate documents; write clusters, the deduplicated
    /// corpus and statistics.
    ///
    /// Writes into --output-dir: clusters.jsonl (one line per document of every
    /// duplicate cluster: {"id", "cluster": id of the kept document, "similarity"}),
    /// deduped.jsonl (kept records byte for byte in input order; .gz/.zst like the
    /// first input), stats.json (written last: its presence marks a complete run)
    /// and, with --on-bad-record skip, skipped.jsonl.
    Dedup(DedupArgs),
    /// Show the LSH bands × rows chosen for a threshold and the probability that a
    /// pair of a given similarity becomes a candidate (the S-curve).
    Params(ParamsArgs),
    /// Write a synthetic scrape-like JSONL corpus with planted near-duplicate
    /// families (for tests, benchmarks and comparisons).
    Generate(GenerateArgs),
    /// Measure a deduplication result against exact truth: duplicate recall and
    /// removal precision at a threshold, with exact Jaccard of shingle sets.
    ///
    /// Works for any tool's output: give the original corpus and the kept records
    /// (JSONL with the same id field). Prints a JSON report.
    Eval(EvalArgs),
    /// Find lines repeated across documents or within one (navigation, footers,
    /// cookie banners, captions): report them, or remove them with --strip.
    ///
    /// Lines of the text field are compared after a light normalization (trim,
    /// NFC, whitespace collapsed, lowercase; optionally digits folded) by a
    /// 128-bit hash, with exact counts. Blank lines are never boilerplate; lines
    /// without a letter or digit ("|", "•") are left alone unless
    /// --include-symbol-lines.
    Lines(crate::lines::LinesArgs),
    /// Sharded stage 1 of 4: sketch the input files of one rank (file f goes to
    /// rank f % W) into a work directory on shared storage: per file a
    /// document table, a document store and sorted band runs, then a
    /// completion marker. Restartable: finished files are skipped.
    ///
    /// The four stages (sign, bucket, cluster, filter) give the same clusters
    /// and kept records as one `dedup` run; run them as job arrays of any
    /// scheduler (see README).
    Sign(SignArgs),
    /// Sharded stage 2 of 4: candidate pairs of one LSH band (--band B), or of
    /// all bands, merged from every file's band runs. Needs all of `sign`.
    Bucket(BucketArgs),
    /// Sharded stage 3 of 4: verify candidates and cluster (one task); writes
    /// clusters.jsonl, stats.json (and skipped.jsonl) into the work directory.
    Cluster(ClusterArgs),
    /// Sharded stage 4 of 4: write the kept records of one rank's input files,
    /// byte for byte, one output file per input file.
    Filter(FilterArgs),
    /// A persistent near-duplicate index that grows run by run: build it, add
    /// new documents (checked against everything indexed and each other, with
    /// the decisions `dedup --keep first` would make), query it, inspect it.
    ///
    /// `add` (and `build --out-dir`) write deduped.jsonl (the new kept records),
    /// clusters.jsonl (the new removed documents, each after its kept document's
    /// line) and stats.json, as dedup does; `query` prints one JSON verdict per
    /// record. An index is a directory of append-only segment files and a
    /// MANIFEST; `compact` merges the segments.
    Index(IndexArgs),
}

/// Options shared by everything that sketches documents.
#[derive(Debug, Args, Clone)]
pub struct SketchArgs {
    /// Shingle size n: words (or characters) per shingle.
    #[arg(long, default_value_t = 5)]
    pub ngram: usize,
    /// What shingles are made of. `words` uses Unicode word boundaries (UAX #29);
    /// Chinese, Japanese kana and Thai fall into single characters there, so they
    /// get character n-grams either way.
    #[arg(long, value_enum, default_value_t = ShingleKind::Words)]
    pub shingle: ShingleKind,
    /// MinHash signature length K (the bins of one-permutation hashing; the
    /// usual name "permutations" is kept).
    #[arg(long, default_value_t = 128)]
    pub num_perm: usize,
    /// Seed for the shingle hash and the MinHash bins. Runs are comparable only
    /// with equal seeds.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep case (by default text is lowercased before comparison).
    #[arg(long)]
    pub keep_case: bool,
}

impl SketchArgs {
    /// The sketch parameters these flags describe.
    pub fn params(&self) -> SketchParams {
        SketchParams {
            normalize: NormalizeOptions {
                lowercase: !self.keep_case,
            },
            shingle: self.shingle,
            ngram: self.ngram,
            num_perm: self.num_perm,
            seed: self.seed,
        }
    }
}

/// What counts as a near-duplicate: shared by `dedup` and `index build`.
#[derive(Debug, Args, Clone)]
pub struct MatchArgs {
    /// Jaccard similarity of shingle sets at or above which two documents are
    /// near-duplicates.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    #[command(flatten)]
    pub sketch: SketchArgs,
    /// LSH bands (with --rows; by default both are chosen from --threshold by
    /// minimizing weighted false-positive and false-negative areas).
    #[arg(long, requires = "rows")]
    pub bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands")]
    pub rows: Option<usize>,
    /// Weight of false negatives (0..1) when choosing bands and rows. Default:
    /// 0.95 when candidates are verified, 0.5 with --verify none.
    #[arg(long)]
    pub fn_weight: Option<f64>,
}

impl MatchArgs {
    /// Bands and rows given on the command line, if any.
    pub fn lsh_override(&self) -> Option<LshParams> {
        match (self.bands, self.rows) {
            (Some(bands), Some(rows)) => Some(LshParams { bands, rows }),
            _ => None,
        }
    }
}

/// Options of `shingle dedup`.
#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Inputs: JSONL files (plain, .gz or .zst, detected by content), directories
    /// (walked in sorted order for *.jsonl, *.ndjson, *.txt and their .gz/.zst),
    /// .txt files (one document each, id = path), or - for JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Directory for the outputs (created if missing).
    #[arg(short, long)]
    pub output_dir: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Which copy of a duplicate group is kept: the first in input order, or the
    /// longest text (ties: input order).
    #[arg(long, value_enum, default_value_t = KeepRule::First)]
    pub keep: KeepRule,
    /// How LSH candidates are checked: exact Jaccard of shingle sets (precise),
    /// MinHash signature estimate (no disk reads), or none (plain LSH clusters).
    #[arg(long, value_enum, default_value_t = VerifyMode::Exact)]
    pub verify: VerifyMode,
    /// Directory for temporary files (the document store); default: the output
    /// directory.
    #[arg(long)]
    pub tmp_dir: Option<PathBuf>,
    /// With exact verification, shingle the documents being compared again from
    /// the input instead of storing every document's shingle fingerprints: the
    /// temporary document store shrinks from about half the input's size to
    /// about 40 bytes a document, at the cost of shingling the candidate
    /// documents twice (about 10% more time on a corpus where a quarter of the
    /// documents are candidates). Applies to uncompressed inputs; compressed
    /// ones keep their fingerprints in the store.
    #[arg(long)]
    pub verify_from_input: bool,
    /// Before sketching, remove lines found in at least K documents (site
    /// navigation, footers, cookie banners) and repeats of a line within a
    /// document, as `shingle lines --strip --min-docs K` would, so that shared
    /// chrome neither joins different articles nor hides syndicated copies.
    /// Costs one extra read of the input to count lines. Output records are
    /// the originals, unstripped.
    #[arg(long, value_name = "K")]
    pub strip_lines: Option<u64>,
    /// Bound memory for corpora whose band data does not fit: LSH band keys
    /// (128 bytes per document at 16 bands, the largest per-document cost) go
    /// to sorted runs in --tmp-dir, buffered in a quarter of SIZE, and are
    /// merged band by band. Results are byte-identical to a run without it.
    /// The rest of SIZE covers the per-document table (about 30 bytes per
    /// document while reading, about 100 while clustering) and I/O buffers
    /// (about 60 MB). SIZE: bytes or with K, M, G, T (powers of 1024).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<u64>,
}

/// The band buffer given a memory limit: a quarter of it, at least 4 MiB.
pub fn band_buffer_for_limit(limit: u64) -> usize {
    (limit / 4).max(4 << 20) as usize
}

/// Parses `512M`, `2G`, `1.5G`, `1048576` (K, M, G, T are powers of 1024).
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], t[i..].trim_end_matches(['B', 'b', 'i'])),
        None => (t, ""),
    };
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("unknown size unit in {text:?} (use K, M, G or T)")),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("not a size: {text:?} (e.g. 512M, 2G)"))?;
    if !(value.is_finite() && value > 0.0) {
        return Err(format!("size must be positive: {text:?}"));
    }
    Ok((value * scale as f64) as u64)
}

impl DedupArgs {
    /// The plain configuration these flags describe.
    pub fn config(&self) -> DedupConfig {
        DedupConfig {
            inputs: self.inputs.clone(),
            output_dir: self.output_dir.clone(),
            text_field: self.read.text_field.clone(),
            id_field: self.read.id_field.clone(),
            sketch: self.matching.sketch.params(),
            threshold: self.matching.threshold,
            lsh: self.matching.lsh_override(),
            fn_weight: self.matching.fn_weight,
            keep: self.keep,
            verify: self.verify,
            threads: self.read.threads,
            progress: !self.read.quiet,
            on_bad_record: self.read.on_bad_record,
            max_record_bytes: self.read.max_record_bytes,
            tmp_dir: self.tmp_dir.clone(),
            verify_from_input: self.verify_from_input,
            strip_lines: self.strip_lines,
            band_buffer_bytes: self.memory_limit.map(band_buffer_for_limit),
            ..DedupConfig::default()
        }
    }
}

/// Options shared by the sharded stages.
#[derive(Debug, Args)]
pub struct ShardCommonArgs {
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar or summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `shingle sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Inputs, as for `dedup` (files or directories; not stdin). Every rank
    /// must be given the same inputs and options.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The work directory (shared by all ranks and stages).
    #[arg(short = 'o', long = "work-dir")]
    pub work_dir: PathBuf,
    /// This task's rank, 0..world-size.
    #[arg(long, default_value_t = 0)]
    pub rank: usize,
    /// Number of ranks the input files are split between.
    #[arg(long, default_value_t = 1)]
    pub world_size: usize,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Which copy of a duplicate group is kept (as for `dedup`).
    #[arg(long, value_enum, default_value_t = KeepRule::First)]
    pub keep: KeepRule,
    /// How candidates are checked (as for `dedup`).
    #[arg(long, value_enum, default_value_t = VerifyMode::Exact)]
    pub verify: VerifyMode,
    /// Memory for band data before a sorted run is written: a quarter of SIZE
    /// (as for `dedup --memory-limit`). Default: 1G (256 MiB of band data).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G")]
    pub memory_limit: u64,
}

/// Options of `shingle bucket`.
#[derive(Debug, Args)]
pub struct BucketArgs {
    /// The work directory.
    pub work_dir: PathBuf,
    /// The band to bucket (0..bands); default: all bands, one after another.
    #[arg(long)]
    pub band: Option<usize>,
    #[command(flatten)]
    pub common: ShardCommonArgs,
}

/// Options of `shingle cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// The work directory.
    pub work_dir: PathBuf,
    #[command(flatten)]
    pub common: ShardCommonArgs,
}

/// Options of `shingle filter`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// The work directory.
    pub work_dir: PathBuf,
    /// Where the deduplicated files go (one per input file, named like it).
    #[arg(short = 'o', long = "output-dir")]
    pub output_dir: PathBuf,
    /// This task's rank, 0..world-size.
    #[arg(long, default_value_t = 0)]
    pub rank: usize,
    /// Number of ranks the input files are split between.
    #[arg(long, default_value_t = 1)]
    pub world_size: usize,
    #[command(flatten)]
    pub common: ShardCommonArgs,
}

fn shard_options(work_dir: &Path, threads: usize, quiet: bool) -> crate::shard::ShardOptions {
    crate::shard::ShardOptions {
        work_dir: work_dir.to_path_buf(),
        threads,
        progress: !quiet,
        band_buffer_bytes: 256 << 20,
    }
}

fn report_task(quiet: bool, what: &str, unit: &str, report: crate::shard::TaskReport) {
    if !quiet {
        eprintln!(
            "shingle {what}: {} {unit} done, {} already done before",
            report.done, report.already_done
        );
    }
}

/// Options of `shingle params`.
#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// Jaccard threshold.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// MinHash permutations K.
    #[arg(long, default_value_t = 128)]
    pub num_perm: usize,
    /// Weight of false negatives (0..1); 0.95 is what dedup uses with verification.
    #[arg(long, default_value_t = 0.95)]
    pub fn_weight: f64,
}

/// Options of `shingle generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of documents.
    #[arg(long, default_value_t = 10_000)]
    pub documents: u64,
    /// Mean article length in words.
    #[arg(long, default_value_t = 300)]
    pub mean_words: usize,
    /// Fraction of documents that are derived copies in a family.
    #[arg(long, default_value_t = 0.3)]
    pub duplicate_fraction: f64,
    /// Site chrome lines around each article.
    #[arg(long, default_value_t = 4)]
    pub chrome_lines: usize,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output file ("-" for stdout).
    #[arg(short, long, default_value = "-")]
    pub output: PathBuf,
}

/// Options of `shingle eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The original corpus (same input forms as dedup).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The kept records (e.g. deduped.jsonl, or another tool's output as JSONL
    /// lines that need only the id field: {"id": ...}).
    #[arg(long)]
    pub kept: PathBuf,
    /// clusters.jsonl, to score each removal against the document kept in its
    /// place (otherwise against the most similar kept document).
    #[arg(long)]
    pub clusters: Option<PathBuf>,
    /// Jaccard threshold.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// JSON field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSON field holding the id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    #[command(flatten)]
    pub sketch: SketchArgs,
}

/// Options of `shingle index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// What to do with the index.
    #[command(subcommand)]
    pub command: IndexCommand,
}

/// Subcommands of `shingle index`.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Create an index from inputs (fails if INDEX already holds one).
    Build(IndexBuildArgs),
    /// Add inputs to an index: each new document is checked against the index
    /// and the documents before it; the index gets one new segment.
    ///
    /// The new documents are held in memory (about 1 KB each) until the run
    /// ends and the segment is written; a failed run adds nothing.
    Add(IndexAddArgs),
    /// Print one JSON verdict per input record ({"id", "verdict": new |
    /// exact_duplicate | near_duplicate, "of", "similarity"}) without adding.
    Query(IndexQueryArgs),
    /// Print documents, nodes, segments, parameters, size on disk and format
    /// version as JSON.
    Info(IndexInfoArgs),
    /// Merge all segments into one.
    Compact(IndexCompactArgs),
}

/// How records are read: shared by every command that reads documents
/// (`dedup`, `lines`, `index build|add|query`).
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// JSON field holding the text; dotted paths reach into objects (meta.body).
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSON field holding the id (dotted path allowed; in an index it is the
    /// document's key). Records without it get the id "FILE:LINE".
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// What to do with a malformed record (bad JSON, invalid UTF-8, missing or
    /// non-string text, too large, truncated compressed stream): stop with an
    /// error naming file and line, or skip it, count it in the stats and list it
    /// (skipped.jsonl; `lines` without --strip lists them on stderr).
    #[arg(long, value_enum, default_value_t = BadRecordPolicy::Error)]
    pub on_bad_record: BadRecordPolicy,
    /// Records longer than this many bytes are bad records.
    #[arg(long, default_value_t = 64 << 20)]
    pub max_record_bytes: usize,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `shingle index build`.
#[derive(Debug, Args)]
pub struct IndexBuildArgs {
    /// Inputs (same forms as dedup).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The index directory to create.
    #[arg(short = 'o', long = "output")]
    pub index: PathBuf,
    /// Also write deduped.jsonl, clusters.jsonl and stats.json here.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub matching: MatchArgs,
    #[command(flatten)]
    pub input: ReadArgs,
}

/// Options of `shingle index add`.
#[derive(Debug, Args)]
pub struct IndexAddArgs {
    /// The index directory.
    pub index: PathBuf,
    /// Inputs (same forms as dedup).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Directory for deduped.jsonl, clusters.jsonl and stats.json.
    #[arg(short, long)]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub input: ReadArgs,
}

/// Options of `shingle index query`.
#[derive(Debug, Args)]
pub struct IndexQueryArgs {
    /// The index directory.
    pub index: PathBuf,
    /// Inputs (same forms as dedup).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub input: ReadArgs,
}

/// Options of `shingle index info`.
#[derive(Debug, Args)]
pub struct IndexInfoArgs {
    /// The index directory.
    pub index: PathBuf,
    /// Read and check every record first (opening checks everything else).
    #[arg(long)]
    pub verify: bool,
}

/// Options of `shingle index compact`.
#[derive(Debug, Args)]
pub struct IndexCompactArgs {
    /// The index directory.
    pub index: PathBuf,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Dedup(args) => {
            let config = args.config();
            let outcome = crate::dedup::run(&config)?;
            if !args.read.quiet {
                eprintln!(
                    "{}",
                    crate::dedup::summary(&outcome.stats, &config.output_dir)
                );
            }
            Ok(())
        }
        Command::Sign(args) => {
            let config = DedupConfig {
                inputs: args.inputs.clone(),
                output_dir: args.work_dir.clone(),
                text_field: args.read.text_field.clone(),
                id_field: args.read.id_field.clone(),
                sketch: args.matching.sketch.params(),
                threshold: args.matching.threshold,
                lsh: args.matching.lsh_override(),
                fn_weight: args.matching.fn_weight,
                keep: args.keep,
                verify: args.verify,
                threads: args.read.threads,
                progress: !args.read.quiet,
                on_bad_record: args.read.on_bad_record,
                max_record_bytes: args.read.max_record_bytes,
                ..DedupConfig::default()
            };
            let mut options = shard_options(&args.work_dir, args.read.threads, args.read.quiet);
            options.band_buffer_bytes = band_buffer_for_limit(args.memory_limit);
            let report = crate::shard::sign(&config, args.rank, args.world_size, &options)?;
            report_task(args.read.quiet, "sign", "files", report);
            Ok(())
        }
        Command::Bucket(args) => {
            let c = &args.common;
            let report = crate::shard::bucket(
                args.band,
                &shard_options(&args.work_dir, c.threads, c.quiet),
            )?;
            report_task(c.quiet, "bucket", "bands", report);
            Ok(())
        }
        Command::Cluster(args) => {
            let c = &args.common;
            let report = crate::shard::cluster(&shard_options(&args.work_dir, c.threads, c.quiet))?;
            report_task(c.quiet, "cluster", "tasks", report);
            Ok(())
        }
        Command::Filter(args) => {
            let c = &args.common;
            let report = crate::shard::filter(
                args.rank,
                args.world_size,
                &args.output_dir,
                &shard_options(&args.work_dir, c.threads, c.quiet),
            )?;
            report_task(c.quiet, "filter", "files", report);
            Ok(())
        }
        Command::Params(args) => {
            if !(args.threshold > 0.0 && args.threshold <= 1.0) || args.num_perm == 0 {
                return Err(Error::Config(
                    "--threshold must be in (0, 1] and --num-perm at least 1".into(),
                ));
            }
            print!(
                "{}",
                params_report(args.threshold, args.num_perm, args.fn_weight)
            );
            Ok(())
        }
        Command::Eval(args) => {
            let params = args.sketch.params();
            let corpus = crate::eval::EvalCorpus::load(
                &args.inputs,
                &args.text_field,
                &args.id_field,
                &params,
            )?;
            let pairs = corpus.similar_pairs(args.threshold);
            let kept: std::collections::HashSet<String> =
                crate::eval::read_ids(std::slice::from_ref(&args.kept), &args.id_field)?
                    .into_iter()
                    .collect();
            let mapping = args
                .clusters
                .as_deref()
                .map(crate::eval::read_cluster_mapping)
                .transpose()?;
            let quality =
                crate::eval::evaluate(&corpus, &pairs, &kept, mapping.as_ref(), args.threshold)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&quality).expect("serializable")
            );
            Ok(())
        }
        Command::Lines(args) => crate::lines::run_cli(&args),
        Command::Index(args) => crate::index::commands::run(&args),
        Command::Generate(args) => {
            let config = crate::synth::SynthConfig {
                documents: args.documents,
                seed: args.seed,
                mean_words: args.mean_words,
                duplicate_fraction: args.duplicate_fraction,
                chrome_lines: args.chrome_lines,
                ..crate::synth::SynthConfig::default()
            };
            if args.output.as_os_str() == "-" {
                let stdout = std::io::stdout();
                crate::synth::write_jsonl(&config, std::io::BufWriter::new(stdout.lock()))
                    .map_err(|e| Error::io("writing", &args.output, e))?;
            } else {
                let mut out = crate::output::AtomicWriter::create(
                    &args.output,
                    crate::input::Compression::None,
                )?;
                crate::synth::write_jsonl(&config, &mut out)
                    .map_err(|e| Error::io("writing", &args.output, e))?;
                out.finish()?.commit()?;
            }
            Ok(())
        }
    }
}

/// The text of `shingle params`.
pub fn params_report(threshold: f64, num_perm: usize, fn_weight: f64) -> String {
    let p = LshParams::optimal(threshold, num_perm, fn_weight);
    let mut out = format!(
        "threshold {threshold}, {num_perm} permutations, false-negative weight {fn_weight}\n\
         bands × rows = {} × {} ({} of {num_perm} permutations used)\n\
         chosen by minimizing (1-w)·∫₀ᵗ P(s)ds + w·∫ₜ¹ (1-P(s))ds, P(s) = 1-(1-s^r)^b\n\n\
         similarity  P(candidate)\n",
        p.bands,
        p.rows,
        p.used_permutations()
    );
    let mut points: Vec<f64> = (1..=19).map(|i| i as f64 * 0.05).collect();
    points.push(threshold);
    points.sort_by(f64::total_cmp);
    points.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    for s in points {
        let prob = p.candidate_probability(s);
        let bar = "#".repeat((prob * 40.0).round() as usize);
        let mark = if (s - threshold).abs() < 1e-9 {
            " <- threshold"
        } else {
            ""
        };
        out.push_str(&format!("{s:>10.2}  {prob:>12.4}  {bar}{mark}\n"));
    }
    out
}
