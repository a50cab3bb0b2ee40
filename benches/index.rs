//! Throughput, open time and memory of the persistent index at scale.
//!
//! ```text
//! cargo bench --bench index                       # 1 000 000 documents
//! SHINGLE_BENCH_DOCS=200000 cargo bench --bench index
//! ```
//!
//! Corpus: `SynthConfig::tiny(N)` (~25-word articles with site chrome, about a
//! third planted near-duplicates and copies), generated into memory first.
//! Measured, each on a fresh index in a temporary directory:
//!
//! - **batch insert**, [`Index::insert_batch`] in batches of 10 000, with a
//!   rayon pool of 1 and of 2 threads; `save()` every 100 000 documents (time
//!   reported separately), then `compact()`;
//! - **single inserts** from 1 and 2 OS threads calling [`Index::insert`] on
//!   the first 100 000 documents (the crawler pattern);
//! - **open**, in a child process (so the parent's corpus does not pollute the
//!   measurement): wall time of [`Index::open`] and resident memory (VmRSS)
//!   before and after it, per document;
//! - **queries** in the child: [`Index::query_batch`] over 100 000 texts (half
//!   indexed, half new) with 1 and 2 threads, and [`Index::query`] from 1 and 2
//!   OS threads;
//! - **daily crawl** in the child: 100 000 new documents batch-inserted into the
//!   compacted index (50 000 on 1 thread, 50 000 on 2), then one `save()`;
//! - **disk**: bytes of the index directory per document.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use shingle::index::{Index, IndexConfig};
use shingle::synth::{generate, SynthConfig};

fn rss_kb() -> u64 {
    status_kb("VmRSS:")
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn corpus(n: u64, seed: u64) -> Vec<(String, String)> {
    let config = SynthConfig {
        seed,
        ..SynthConfig::tiny(n)
    };
    let mut docs = Vec::with_capacity(n as usize);
    let mut c = generate(&config);
    while let Some(d) = c.next_ref() {
        docs.push((d.id.to_string(), d.text.to_string()));
    }
    docs
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Builds an index of `docs` with batch inserts on `threads` threads.
fn build(dir: &Path, docs: &[(String, String)], threads: usize) -> Index {
    let _ = std::fs::remove_dir_all(dir);
    let index = Index::create(dir, IndexConfig::default()).expect("create");
    let (mut insert_s, mut save_s) = (0.0, 0.0);
    let pool = pool(threads);
    let mut new = 0usize;
    for chunk in docs.chunks(100_000) {
        let t = Instant::now();
        pool.install(|| {
            for batch in chunk.chunks(10_000) {
                let v = index.insert_batch(batch).expect("insert");
                new += v.iter().filter(|v| v.is_new()).count();
            }
        });
        insert_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        index.save().expect("save");
        save_s += t.elapsed().as_secs_f64();
    }
    let t = Instant::now();
    index.compact().expect("compact");
    let compact_s = t.elapsed().as_secs_f64();
    println!(
        "batch insert, {threads} thread(s): {:>9.0} docs/s ({:.2} s for {} docs, {} new); \
         {} saves {:.2} s; compact {:.2} s",
        docs.len() as f64 / insert_s,
        insert_s,
        docs.len(),
        new,
        docs.len().div_ceil(100_000),
        save_s,
        compact_s
    );
    index
}

/// Single `insert` calls from `threads` OS threads.
fn single_inserts(dir: &Path, docs: &[(String, String)], threads: usize) {
    let _ = std::fs::remove_dir_all(dir);
    let index = Arc::new(Index::create(dir, IndexConfig::default()).expect("create"));
    let t = Instant::now();
    std::thread::scope(|s| {
        for part in docs.chunks(docs.len().div_ceil(threads)) {
            let index = Arc::clone(&index);
            s.spawn(move || {
                for (k, text) in part {
                    index.insert(k, text).expect("insert");
                }
            });
        }
    });
    let secs = t.elapsed().as_secs_f64();
    println!(
        "single inserts, {threads} thread(s): {:>9.0} docs/s ({} docs)",
        docs.len() as f64 / secs,
        docs.len()
    );
}

/// Child process: open the index, measure, query, then a "daily crawl".
fn child(dir: &Path, n: u64) {
    // Queries: half indexed texts, half unseen (another seed); the unseen
    // ones are then added as the next day's crawl.
    let seen = corpus(50_000, 42);
    let unseen = corpus(100_000, 4242);
    let queries: Vec<&str> = seen
        .iter()
        .chain(&unseen[..50_000])
        .map(|(_, t)| t.as_str())
        .collect();
    let rss_before = rss_kb();
    let t = Instant::now();
    let index = Index::open(dir, &IndexConfig::default()).expect("open");
    let open_s = t.elapsed().as_secs_f64();
    let rss_after = rss_kb();
    let info = index.info();
    println!(
        "open: {:.2} s for {} documents ({} nodes, {} segment(s)); RSS +{:.1} MB = {:.0} bytes/document \
         ({:.0} bytes/node); index's own estimate {:.0} bytes/document",
        open_s,
        info.documents,
        info.nodes,
        info.segments.len(),
        (rss_after - rss_before) as f64 / 1024.0,
        (rss_after - rss_before) as f64 * 1024.0 / n as f64,
        (rss_after - rss_before) as f64 * 1024.0 / info.nodes as f64,
        info.memory_bytes as f64 / n as f64
    );
    for threads in [1, 2] {
        let t = Instant::now();
        let v = pool(threads).install(|| index.query_batch(&queries).expect("query"));
        let secs = t.elapsed().as_secs_f64();
        let new = v.iter().filter(|v| v.is_new()).count();
        println!(
            "query_batch, {threads} thread(s): {:>9.0} queries/s ({} queries, {} new)",
            queries.len() as f64 / secs,
            queries.len(),
            new
        );
    }
    for threads in [1, 2] {
        let t = Instant::now();
        std::thread::scope(|s| {
            for part in queries.chunks(queries.len().div_ceil(threads)) {
                let index = &index;
                s.spawn(move || {
                    for q in part {
                        index.query(q).expect("query");
                    }
                });
            }
        });
        let secs = t.elapsed().as_secs_f64();
        println!(
            "single queries, {threads} thread(s): {:>9.0} queries/s",
            queries.len() as f64 / secs
        );
    }
    // The next day: 100 000 new pages into the compacted index, then one save.
    for (threads, part) in [(1, &unseen[..50_000]), (2, &unseen[50_000..])] {
        let t = Instant::now();
        pool(threads).install(|| {
            for batch in part.chunks(10_000) {
                index.insert_batch(batch).expect("insert");
            }
        });
        println!(
            "daily crawl, batch insert into the {n}-document index, {threads} thread(s): \
             {:>9.0} docs/s",
            part.len() as f64 / t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let saved = index.save().expect("save");
    println!(
        "daily crawl, save of {} documents: {:.2} s, new segment {:.1} MB (nothing else written)",
        saved.documents,
        t.elapsed().as_secs_f64(),
        saved.bytes as f64 / 1e6
    );
    println!(
        "peak RSS of the open/query/crawl process: {:.0} MB",
        status_kb("VmHWM:") as f64 / 1024.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--open-child") {
        let dir = PathBuf::from(&args[i + 1]);
        let n: u64 = args[i + 2].parse().expect("document count");
        child(&dir, n);
        return;
    }
    let n: u64 = std::env::var("SHINGLE_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let t = Instant::now();
    let docs = corpus(n, 42);
    let text_bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    println!(
        "corpus: {n} documents, {:.1} MB of text, generated in {:.1} s; machine: {} threads",
        text_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let single = &docs[..docs.len().min(100_000)];
    single_inserts(&tmp.path().join("s1"), single, 1);
    single_inserts(&tmp.path().join("s2"), single, 2);

    let dir1 = tmp.path().join("b1");
    drop(build(&dir1, &docs, 1));
    let _ = std::fs::remove_dir_all(&dir1);
    let dir = tmp.path().join("b2");
    let index = build(&dir, &docs, 2);
    let disk = dir_bytes(&dir);
    println!(
        "disk: {:.1} MB = {:.0} bytes/document",
        disk as f64 / 1e6,
        disk as f64 / n as f64
    );
    drop(index);
    drop(docs);

    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--open-child")
        .arg(&dir)
        .arg(n.to_string())
        .status()
        .expect("child");
    assert!(status.success(), "open/query child failed");
}
