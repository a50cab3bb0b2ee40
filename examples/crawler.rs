//! A crawler that deduplicates as it goes, across restarts.
//!
//! Pages arrive one at a time (here from the synthetic corpus generator, which
//! plants syndicated copies, re-crawls and boilerplate-heavy variants). Each page
//! is checked against everything seen before — in this run and in earlier
//! runs — and only new pages are "stored". The index is saved every few hundred
//! pages (each save appends one segment) and reopened on the next "day".
//!
//! ```text
//! cargo run --release --example crawler [INDEX_DIR]
//! ```
//!
//! Crawler threads can share one `Index` (it is `Send + Sync`); see
//! `shingle::index` for who wins when two near-duplicates race.

use std::path::PathBuf;

use shingle::index::{Index, IndexConfig, Verdict};
use shingle::synth::{SynthConfig, SynthCorpus};

fn main() -> shingle::Result<()> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("crawler-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir);
    let config = IndexConfig::default();

    // The web, as far as this example is concerned: 3 000 pages, a third of
    // them copies or near-copies of others.
    let mut web: SynthCorpus = shingle::synth::generate(&SynthConfig {
        documents: 3_000,
        mean_words: 150,
        ..SynthConfig::default()
    });
    let mut next_page = move || web.next().map(|page| (page.url, page.text));

    for day in 1..=3 {
        // Every day starts from what is on disk.
        let index = if day == 1 {
            Index::create(&dir, config.clone())?
        } else {
            Index::open(&dir, &config)?
        };
        println!(
            "day {day}: index holds {} pages in {} segments",
            index.len(),
            index.info().segments.len()
        );
        let (mut new, mut exact, mut near) = (0, 0, 0);
        for crawled in 0..1_000 {
            let Some((url, text)) = next_page() else {
                break;
            };
            match index.insert(&url, &text)? {
                Verdict::New => new += 1, // store the page
                Verdict::ExactDuplicate { of } => {
                    exact += 1;
                    if exact <= 2 {
                        println!("  {url}\n    is an exact copy of {of}");
                    }
                }
                Verdict::NearDuplicate { of, similarity } => {
                    near += 1;
                    if near <= 2 {
                        println!(
                            "  {url}\n    is a near-duplicate of {of} (Jaccard {similarity:.3})"
                        );
                    }
                }
            }
            if crawled % 400 == 399 {
                index.save()?; // checkpoint: appends a segment
            }
        }
        let saved = index.save()?;
        println!(
            "day {day}: {new} new, {exact} exact copies, {near} near-duplicates; \
             saved {} pages to {}",
            saved.documents,
            saved.segment.as_deref().unwrap_or("-")
        );
    }

    // Before a new crawl: a page may be checked without being added.
    let index = Index::open(&dir, &config)?;
    index.compact()?;
    let info = index.info();
    println!(
        "compacted: {} pages, {} distinct texts, {} segment, {:.1} MB on disk, ~{} KB in memory",
        info.documents,
        info.nodes,
        info.segments.len(),
        info.bytes_on_disk as f64 / 1e6,
        info.memory_bytes / 1024
    );
    println!(
        "query of a fresh page: {:?}",
        index.query("A page nobody has written yet, about nothing in particular.")?
    );
    std::fs::remove_dir_all(&dir).map_err(|e| shingle::Error::io("removing", &dir, e))?;
    Ok(())
}
