//! The persistent index: verdicts, equality with `dedup`, persistence,
//! corruption, concurrency, and the `shingle index` commands.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use shingle::index::{Index, IndexConfig, Verdict, FORMAT_VERSION, MANIFEST};
use shingle::synth::SynthConfig;
use shingle::verify::jaccard_sorted;

/// Deterministic pseudo-random words (xorshift), so texts are unrelated.
fn words(seed: u64, n: usize) -> Vec<String> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("w{}", x % 5000)
        })
        .collect()
}

fn text(seed: u64, n: usize) -> String {
    words(seed, n).join(" ")
}

/// `base` with its last `k` words replaced: a near-duplicate for small `k`.
fn variant(base: &str, k: usize, salt: u64) -> String {
    let mut w: Vec<String> = base.split(' ').map(str::to_string).collect();
    let n = w.len();
    for (i, word) in w.iter_mut().skip(n - k).enumerate() {
        *word = format!("v{salt}x{i}");
    }
    w.join(" ")
}

fn exact_jaccard(config: &IndexConfig, a: &str, b: &str) -> f64 {
    let mut s = shingle::sketch::Sketcher::new(&config.sketch);
    let mut sig = vec![0; config.sketch.num_perm];
    s.sketch(a, &mut sig);
    let sa = s.shingle_set().to_vec();
    s.sketch(b, &mut sig);
    jaccard_sorted(&sa, s.shingle_set())
}

#[test]
fn verdicts_on_planted_duplicates() {
    let config = IndexConfig::default();
    let index = Index::new(config.clone()).unwrap();
    let a = text(1, 120);
    let near = variant(&a, 3, 1);
    let far = variant(&a, 60, 2); // half replaced: not a near-duplicate
    let other = text(2, 120);
    assert_eq!(index.insert("a", &a).unwrap(), Verdict::New);
    assert_eq!(index.insert("other", &other).unwrap(), Verdict::New);
    let want = exact_jaccard(&config, &a, &near);
    assert!((0.8..1.0).contains(&want), "{want}");
    assert_eq!(
        index.insert("near", &near).unwrap(),
        Verdict::NearDuplicate {
            of: "a".into(),
            similarity: want
        }
    );
    assert_eq!(index.insert("far", &far).unwrap(), Verdict::New);
    // Same words in other case and punctuation: an exact duplicate.
    let shouted = format!("{}!!", a.to_uppercase());
    assert_eq!(
        index.insert("shouted", &shouted).unwrap(),
        Verdict::ExactDuplicate { of: "a".into() }
    );
    // An exact copy of a removed document gets that document's verdict.
    assert_eq!(
        index.insert("near-again", &near).unwrap(),
        Verdict::NearDuplicate {
            of: "a".into(),
            similarity: want
        }
    );
    // Empty documents are always new and never matched.
    assert_eq!(index.insert("e1", " -- ").unwrap(), Verdict::New);
    assert_eq!(index.insert("e2", "").unwrap(), Verdict::New);
    // query does not insert.
    let n = index.len();
    assert_eq!(
        index.query(&near).unwrap(),
        Verdict::NearDuplicate {
            of: "a".into(),
            similarity: want
        }
    );
    assert_eq!(index.query(&text(3, 100)).unwrap(), Verdict::New);
    assert_eq!(index.len(), n);
    assert_eq!(index.len(), 8);
    let batch = index
        .query_batch(&[a.as_str(), other.as_str(), far.as_str()])
        .unwrap();
    assert_eq!(
        batch,
        [
            Verdict::ExactDuplicate { of: "a".into() },
            Verdict::ExactDuplicate { of: "other".into() },
            Verdict::ExactDuplicate { of: "far".into() },
        ]
    );
}

#[test]
fn chains_resolve_like_the_clusterer() {
    // B ~ A and C ~ B, but C is not similar to A: C is kept (it may not be
    // removed in favour of a document it does not resemble).
    let config = IndexConfig::default().with_threshold(0.5);
    let index = Index::new(config).unwrap();
    let a: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
    let mut b = a.clone();
    for w in b.iter_mut().take(40) {
        *w = format!("x{w}");
    }
    let mut c = b.clone();
    for w in c.iter_mut().skip(200) {
        *w = format!("y{w}");
    }
    let v = index
        .insert_batch(&[("a", a.join(" ")), ("b", b.join(" ")), ("c", c.join(" "))])
        .unwrap();
    assert!(v[0].is_new());
    assert_eq!(v[1].duplicate_of(), Some("a"));
    assert!(v[2].is_new(), "{:?}", v[2]);
}

/// Splits a JSONL file into parts at the given line numbers.
fn split(path: &Path, cuts: &[usize]) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(lines.len());
    bounds
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let part = path.with_file_name(format!("part{i}.jsonl"));
            let mut body = lines[w[0]..w[1]].join("\n");
            body.push('\n');
            std::fs::write(&part, body).unwrap();
            part
        })
        .collect()
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// `index build` + `add` (+ `compact`) over parts of `corpus` against one
/// `dedup` run over all of it, with extra parameters `params` for both.
fn check_build_and_add_equal_dedup(dir: &Path, corpus: &Path, cuts: &[usize], params: &[&str]) {
    let parts = split(corpus, cuts);
    let d = dir.join("dedup");
    let mut args = vec!["dedup", p(corpus), "-o", p(&d), "-q"];
    args.extend_from_slice(params);
    shingle_ok(&args);

    let idx = dir.join("idx");
    let outs: Vec<PathBuf> = (0..parts.len())
        .map(|i| dir.join(format!("o{i}")))
        .collect();
    let mut args = vec!["index", "build", p(&parts[0]), "-o", p(&idx)];
    args.extend_from_slice(&["--out-dir", p(&outs[0]), "-q"]);
    args.extend_from_slice(params);
    shingle_ok(&args);
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == parts.len() - 1 {
            // Compaction between runs changes nothing, nor does the thread count.
            shingle_ok(&["index", "compact", p(&idx)]);
            shingle_ok(&[
                "index",
                "add",
                p(&idx),
                p(part),
                "-o",
                p(&outs[i]),
                "-q",
                "--threads",
                "1",
            ]);
        } else {
            shingle_ok(&["index", "add", p(&idx), p(part), "-o", p(&outs[i]), "-q"]);
        }
    }

    // Kept records: the concatenation is byte-identical to dedup's.
    let mut kept = Vec::new();
    for o in &outs {
        kept.extend(std::fs::read(o.join("deduped.jsonl")).unwrap());
    }
    assert_eq!(kept, std::fs::read(d.join("deduped.jsonl")).unwrap());

    // Clusters: the same lines (a cluster spanning runs lists its kept document
    // in each run that removed something in its favour).
    let want: BTreeSet<String> = lines_of(&d.join("clusters.jsonl")).into_iter().collect();
    let mut got = BTreeSet::new();
    for o in &outs {
        let lines = lines_of(&o.join("clusters.jsonl"));
        // Each group starts with its kept document's own line.
        let parsed = read_clusters(o);
        for (i, c) in parsed.iter().enumerate() {
            if i == 0 || parsed[i - 1].cluster != c.cluster {
                assert_eq!(c.id, c.cluster, "group of {} starts with it", c.cluster);
            }
        }
        got.extend(lines);
    }
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // Counts add up to dedup's.
    let ds = stats(&d);
    let mut sums = BTreeMap::new();
    for o in &outs {
        let s = stats(o);
        for k in ["read", "kept", "removed", "removed_exact", "removed_near"] {
            *sums.entry(k).or_insert(0) += s["documents"][k].as_u64().unwrap();
        }
    }
    for (k, v) in sums {
        assert_eq!(ds["documents"][k].as_u64().unwrap(), v, "{k}");
    }
    let last = stats(outs.last().unwrap());
    assert_eq!(last["index"]["documents_after"], ds["documents"]["read"]);
    assert_eq!(last["index"]["segments"], 2, "compacted, then one more");
}

#[test]
fn build_and_add_equal_one_dedup_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = synth_corpus(
        dir.path(),
        "all.jsonl",
        &SynthConfig {
            documents: 3000,
            seed: 11,
            mean_words: 120,
            ..SynthConfig::default()
        },
    );
    check_build_and_add_equal_dedup(dir.path(), &corpus, &[1000, 2100], &[]);
}

#[test]
fn build_and_add_equal_dedup_with_large_buckets() {
    // One-row bands over short documents with site chrome: buckets of the
    // same chrome shingle grow past MAX_FULL_BUCKET, so the rule for large
    // buckets (pair with the first and the previous member only) decides
    // which candidates exist, across runs.
    let dir = tempfile::tempdir().unwrap();
    // 1 500 pages: one of two 40-word templates around a 20-word body; a third
    // of them are edited copies (one or two words changed) of earlier pages.
    let templates = [text(77, 40), text(78, 40)];
    let mut bodies: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    let mut x = 99u64;
    for i in 0..1500u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let body = if i % 3 == 2 && !bodies.is_empty() {
            let of = &bodies[(x as usize) % bodies.len()];
            variant(of, 1 + (x >> 40) as usize % 2, i)
        } else {
            text(10_000 + i, 20)
        };
        let t = &templates[(x >> 20) as usize % 2];
        lines.push(
            serde_json::json!({"id": format!("p{i}"), "text": format!("{t} {body}")}).to_string(),
        );
        bodies.push(body);
    }
    let corpus = dir.path().join("all.jsonl");
    std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
    let params = ["--bands", "6", "--rows", "1", "--threshold", "0.6"];
    // The premise: some bucket is larger than MAX_FULL_BUCKET.
    let lsh = shingle::lsh::LshParams { bands: 6, rows: 1 };
    let sketch = shingle::sketch::SketchParams::default();
    let mut sketcher = shingle::sketch::Sketcher::new(&sketch);
    let mut sig = vec![0; sketch.num_perm];
    let mut keys = [0u64; 6];
    let mut sizes: BTreeMap<(usize, u64), usize> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    shingle::eval::for_each_record(std::slice::from_ref(&corpus), "text", "id", |_, t| {
        let summary = sketcher.sketch(t, &mut sig);
        if seen.insert(summary.exact) {
            lsh.band_keys(&sig, &mut keys);
            for (band, &k) in keys.iter().enumerate() {
                *sizes.entry((band, k)).or_default() += 1;
            }
        }
        Ok(())
    })
    .unwrap();
    let largest = sizes.values().max().copied().unwrap_or(0);
    assert!(
        largest > 2 * shingle::lsh::MAX_FULL_BUCKET,
        "largest bucket {largest}"
    );
    check_build_and_add_equal_dedup(dir.path(), &corpus, &[500, 1100], &params);
}

#[test]
fn library_verdicts_match_dedup_with_saves_in_between() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = synth_corpus(
        dir.path(),
        "all.jsonl",
        &SynthConfig {
            documents: 1500,
            seed: 5,
            mean_words: 100,
            ..SynthConfig::default()
        },
    );
    let d = dir.path().join("dedup");
    shingle_ok(&["dedup", p(&corpus), "-o", p(&d), "-q"]);
    // id → (kept id, similarity as written: compared as text, exactly).
    let removed: BTreeMap<String, (String, String)> = read_clusters(&d)
        .into_iter()
        .zip(lines_of(&d.join("clusters.jsonl")))
        .filter(|(c, _)| c.id != c.cluster)
        .map(|(c, line)| {
            let raw: BTreeMap<String, Box<serde_json::value::RawValue>> =
                serde_json::from_str(&line).unwrap();
            (c.id, (c.cluster, raw["similarity"].get().to_string()))
        })
        .collect();
    let mut docs = Vec::new();
    shingle::eval::for_each_record(std::slice::from_ref(&corpus), "text", "id", |id, t| {
        docs.push((id, t.to_string()));
        Ok(())
    })
    .unwrap();

    let idx = dir.path().join("idx");
    let config = IndexConfig::default();
    let mut index = Index::create(&idx, config.clone()).unwrap();
    let mut verdicts = Vec::new();
    for (i, chunk) in docs.chunks(400).enumerate() {
        if i % 2 == 1 {
            verdicts.extend(index.insert_batch(chunk).unwrap());
        } else {
            for (k, t) in chunk {
                verdicts.push(index.insert(k, t).unwrap());
            }
        }
        index.save().unwrap();
        if i == 1 {
            drop(index);
            index = Index::open(&idx, &config).unwrap();
        }
    }
    let mut near = 0;
    for ((id, _), v) in docs.iter().zip(&verdicts) {
        match (v, removed.get(id)) {
            (Verdict::New, None) => {}
            (Verdict::ExactDuplicate { of }, Some((cluster, s))) => {
                assert_eq!((of, s.as_str()), (cluster, "1.0"), "{id}");
            }
            (Verdict::NearDuplicate { of, similarity }, Some((cluster, s))) => {
                let similarity = serde_json::to_string(similarity).unwrap();
                assert_eq!((of, &similarity), (cluster, s), "{id}");
                near += 1;
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    assert!(near > 50, "the corpus has near-duplicates ({near})");
    assert_eq!(index.info().segments.len(), 4);
}

/// A small index on disk with two segments; returns it and the texts.
fn small_index(dir: &Path) -> (PathBuf, Vec<String>) {
    let idx = dir.join("idx");
    let index = Index::create(&idx, IndexConfig::default()).unwrap();
    let mut texts = Vec::new();
    for i in 0..12u64 {
        let base = text(100 + i, 30);
        texts.push(variant(&base, 1, i));
        texts.push(base);
    }
    texts.push(texts[0].clone());
    texts.push(String::new());
    for (i, t) in texts.iter().enumerate() {
        index.insert(&format!("k{i}"), t).unwrap();
        if i == 15 {
            index.save().unwrap();
        }
    }
    index.save().unwrap();
    (idx, texts)
}

fn files(idx: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(idx)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn save_and_open_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (idx, texts) = small_index(dir.path());
    let config = IndexConfig::default();
    assert_eq!(
        files(&idx)
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        [MANIFEST, "seg-000001.shgl", "seg-000002.shgl"]
    );
    let index = Index::open(&idx, &config).unwrap();
    index.verify().unwrap();
    let info = index.info();
    assert_eq!(
        (info.documents, info.nodes, info.unsaved_documents),
        (26, 24, 0)
    );
    assert_eq!(info.format_version, shingle::index::FORMAT_VERSION);
    let keys: Vec<String> = (0..26).map(|i| format!("k{i}")).collect();
    assert_eq!(index.document_keys().unwrap(), keys);
    let before = index.query_batch(&texts).unwrap();
    // Every text is in the index: each is an exact duplicate of the kept
    // document of its group (or new, if empty).
    for (i, v) in before.iter().enumerate() {
        match v {
            Verdict::New => assert!(texts[i].is_empty()),
            Verdict::ExactDuplicate { of } => assert!(of.starts_with('k')),
            Verdict::NearDuplicate { similarity, .. } => assert!(*similarity >= 0.8),
        }
    }
    // Near-duplicate pairs were found: the base of each pair was removed.
    assert_eq!(
        before[1],
        Verdict::NearDuplicate {
            of: "k0".into(),
            similarity: exact_jaccard(&config, &texts[0], &texts[1])
        }
    );
    // Adding to a reopened index appends a segment and leaves the others alone.
    let seg1 = std::fs::read(idx.join("seg-000001.shgl")).unwrap();
    assert_eq!(index.insert("late", &texts[3]).unwrap(), before[3].clone());
    let report = index.save().unwrap();
    assert_eq!(report.documents, 1);
    assert_eq!(std::fs::read(idx.join("seg-000001.shgl")).unwrap(), seg1);
    drop(index);
    let index = Index::open_existing(&idx).unwrap();
    assert_eq!(index.query_batch(&texts).unwrap(), before);
    index.compact().unwrap();
    assert_eq!(index.info().segments.len(), 1);
    assert_eq!(index.query_batch(&texts).unwrap(), before);
    drop(index);
    let index = Index::open(&idx, &config).unwrap();
    assert_eq!(index.query_batch(&texts).unwrap(), before);
    assert_eq!(index.len(), 27);
    assert_eq!(files(&idx).len(), 2, "old segments are deleted");
}

#[test]
fn opening_with_other_parameters_or_a_newer_format_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = small_index(dir.path());
    let other = IndexConfig::default().with_threshold(0.7);
    let e = Index::open(&idx, &other).unwrap_err().to_string();
    assert!(
        e.contains("other parameters") && e.contains("threshold"),
        "{e}"
    );
    let mut seeded = IndexConfig::default();
    seeded.sketch.seed = 2;
    let e = Index::open(&idx, &seeded).unwrap_err().to_string();
    assert!(e.contains("seed 1 vs 2"), "{e}");

    // A newer or an older format version (older indexes hold band keys of
    // another sketch scheme): say so, whatever else follows.
    let manifest = idx.join(MANIFEST);
    let original = std::fs::read(&manifest).unwrap();
    for version in [FORMAT_VERSION + 1, FORMAT_VERSION - 1] {
        let mut bytes = original.clone();
        bytes[8..12].copy_from_slice(&version.to_le_bytes());
        std::fs::write(&manifest, &bytes).unwrap();
        let e = Index::open_existing(&idx).unwrap_err().to_string();
        assert!(e.contains(&format!("format version {version}")), "{e}");
    }

    // Creating over an existing index, saving an in-memory one: errors.
    let (idx2, _) = small_index(&dir.path().join("b"));
    assert!(Index::create(&idx2, IndexConfig::default()).is_err());
    assert!(Index::new(IndexConfig::default()).unwrap().save().is_err());
    let bad = IndexConfig {
        threshold: 1.5,
        ..IndexConfig::default()
    };
    assert!(Index::new(bad).is_err());
}

fn vm_peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmPeak:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Opens the index and uses it: `Err` somewhere is expected, a panic never.
fn open_and_use(idx: &Path, texts: &[String]) -> bool {
    let config = IndexConfig::default();
    let result = std::panic::catch_unwind(|| match Index::open(idx, &config) {
        Err(_) => true,
        Ok(index) => {
            let queries = index.query_batch(&texts[..4]);
            let inserted = index.insert("new", &texts[2]);
            let verified = index.verify();
            let keys = index.document_keys();
            queries.is_err() || inserted.is_err() || verified.is_err() || keys.is_err()
        }
    });
    result.expect("no panic on a corrupt index")
}

#[test]
fn every_truncation_and_flipped_byte_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (idx, texts) = small_index(dir.path());
    let peak_before = vm_peak_kb();
    let mut cases = 0;
    for file in files(&idx) {
        let original = std::fs::read(&file).unwrap();
        let len = original.len();
        // Truncations: every offset in the header and the footer, then every
        // 41st.
        let cuts: Vec<usize> = (0..len)
            .filter(|&c| c < 200 || c + 30 >= len || c % 41 == 0)
            .collect();
        for &cut in &cuts {
            std::fs::write(&file, &original[..cut]).unwrap();
            assert!(open_and_use(&idx, &texts), "{file:?} cut at {cut}");
            cases += 1;
        }
        // One byte too many.
        let mut longer = original.clone();
        longer.push(0);
        std::fs::write(&file, &longer).unwrap();
        assert!(open_and_use(&idx, &texts), "{file:?} extended");
        // Flipped bytes: every byte of headers and footers, then every 13th;
        // low and high bits in turn.
        for i in (0..len).filter(|&i| i < 200 || i + 30 >= len || i % 13 == 0) {
            let mask = [0x01u8, 0x80][i % 2];
            let mut flipped = original.clone();
            flipped[i] ^= mask;
            std::fs::write(&file, &flipped).unwrap();
            assert!(
                open_and_use(&idx, &texts),
                "{file:?} flip {mask:#x} at {i} not detected"
            );
            cases += 1;
        }
        std::fs::write(&file, &original).unwrap();
    }
    // Missing or swapped segments.
    let segs: Vec<PathBuf> = files(&idx).into_iter().skip(1).collect();
    let a = std::fs::read(&segs[0]).unwrap();
    let b = std::fs::read(&segs[1]).unwrap();
    std::fs::write(&segs[0], &b).unwrap();
    std::fs::write(&segs[1], &a).unwrap();
    assert!(open_and_use(&idx, &texts), "swapped segments");
    std::fs::remove_file(&segs[0]).unwrap();
    assert!(open_and_use(&idx, &texts), "missing segment");
    assert!(cases > 2000, "{cases}");
    // Nothing allocated absurdly: corrupt lengths are checked before
    // allocating (a 4 GiB-scale allocation would show up here).
    let grown_mb = (vm_peak_kb().saturating_sub(peak_before)) / 1024;
    assert!(grown_mb < 1024, "virtual memory peak grew by {grown_mb} MB");
}

#[test]
fn fuzz_entry_point_handles_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let (idx, _) = small_index(dir.path());
    let seg = std::fs::read(idx.join("seg-000001.shgl")).unwrap();
    assert!(shingle::index::fuzz_open_bytes(&seg).is_ok());
    let manifest = std::fs::read(idx.join(MANIFEST)).unwrap();
    assert!(shingle::index::fuzz_open_bytes(&manifest).is_ok());
    let mut x = 12345u64;
    for round in 0..300 {
        let mut bytes = seg.clone();
        for _ in 0..1 + round % 5 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x as usize) % bytes.len();
            bytes[i] = (x >> 32) as u8;
        }
        let _ = shingle::index::fuzz_open_bytes(&bytes);
    }
    assert!(shingle::index::fuzz_open_bytes(b"").is_err());
    assert!(shingle::index::fuzz_open_bytes(b"SHGLISEG\x01\0\0\0\xff\xff\xff\xff").is_err());
}

#[test]
fn concurrent_inserts_follow_commit_order() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Index>();
    let config = IndexConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let index = Arc::new(Index::create(&idx, config.clone()).unwrap());
    // A saver racing with the inserts: segments appear while they run.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let saver = {
        let (index, stop) = (Arc::clone(&index), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut saves = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if index.save().unwrap().documents > 0 {
                    saves += 1;
                }
                std::thread::yield_now();
            }
            saves
        })
    };
    // 6 families; each of 4 threads inserts its own near-duplicate of every
    // family member plus unrelated documents, racing the others.
    let bases: Vec<String> = (0..6).map(|f| text(500 + f, 80)).collect();
    let threads = 4;
    let mut handles = Vec::new();
    for t in 0..threads {
        let index = Arc::clone(&index);
        let bases = bases.clone();
        handles.push(std::thread::spawn(move || {
            let mut got = Vec::new();
            for (f, base) in bases.iter().enumerate() {
                let key = format!("t{t}-f{f}");
                let doc = variant(base, 1, t as u64 * 100 + f as u64);
                got.push((key.clone(), doc.clone(), index.insert(&key, &doc).unwrap()));
                let key = format!("t{t}-u{f}");
                let doc = text(1000 + t as u64 * 10 + f as u64, 60);
                got.push((key.clone(), doc.clone(), index.insert(&key, &doc).unwrap()));
            }
            // And a batch racing with the single inserts of the others.
            let batch: Vec<(String, String)> = bases
                .iter()
                .enumerate()
                .map(|(f, b)| {
                    (
                        format!("t{t}-b{f}"),
                        variant(b, 2, 7000 + t as u64 * 10 + f as u64),
                    )
                })
                .collect();
            let verdicts = index.insert_batch(&batch).unwrap();
            for ((k, d), v) in batch.into_iter().zip(verdicts) {
                got.push((k, d, v));
            }
            got
        }));
    }
    let mut results: BTreeMap<String, (String, Verdict)> = BTreeMap::new();
    for h in handles {
        for (k, d, v) in h.join().unwrap() {
            results.insert(k, (d, v));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let saves = saver.join().unwrap();
    index.save().unwrap();
    // The rule: the outcome equals inserting in commit order, one by one.
    let order = index.document_keys().unwrap();
    let reopened = Index::open(&idx, &config).unwrap();
    assert_eq!(reopened.document_keys().unwrap(), order);
    assert_eq!(reopened.info().segments.len(), index.info().segments.len());
    assert!(saves >= 1);
    assert_eq!(order.len(), results.len());
    let replay = Index::new(config).unwrap();
    for key in &order {
        let (doc, verdict) = &results[key];
        assert_eq!(&replay.insert(key, doc).unwrap(), verdict, "{key}");
    }
    // Each family has exactly one new document: the first committed member.
    for f in 0..bases.len() {
        let members: Vec<&String> = order
            .iter()
            .filter(|k| k.ends_with(&format!("-f{f}")) || k.ends_with(&format!("-b{f}")))
            .collect();
        let first = members[0];
        assert!(results[first].1.is_new(), "{first}");
        for m in &members[1..] {
            assert_eq!(results[*m].1.duplicate_of(), Some(first.as_str()), "{m}");
        }
    }
    assert_eq!(
        results.values().filter(|(_, v)| v.is_new()).count(),
        bases.len() + threads * bases.len()
    );
}

#[test]
fn index_query_and_info_commands() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    let a = text(1, 100);
    let lines = [
        serde_json::json!({"id": "a", "text": a}).to_string(),
        serde_json::json!({"id": 7, "text": text(2, 100)}).to_string(),
        serde_json::json!({"id": "c", "text": variant(&a, 2, 0)}).to_string(),
    ];
    std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
    let idx = dir.path().join("idx");
    shingle_ok(&["index", "build", p(&corpus), "-o", p(&idx), "-q"]);
    let again = shingle(&["index", "build", p(&corpus), "-o", p(&idx), "-q"]);
    assert!(!again.status.success(), "build refuses an existing index");

    let q = dir.path().join("q.jsonl");
    let queries = [
        serde_json::json!({"id": "x", "text": a.to_uppercase()}).to_string(),
        serde_json::json!({"id": "y", "text": variant(&a, 2, 0)}).to_string(),
        serde_json::json!({"id": "z", "text": text(3, 100)}).to_string(),
        serde_json::json!({"id": 8, "text": text(2, 100)}).to_string(),
    ];
    std::fs::write(&q, queries.join("\n") + "\n").unwrap();
    let out = shingle_ok(&["index", "query", p(&idx), p(&q), "-q"]);
    let verdicts: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), 4);
    assert_eq!(verdicts[0]["verdict"], "exact_duplicate");
    assert_eq!(verdicts[0]["of"], "a");
    assert_eq!(verdicts[1]["verdict"], "near_duplicate");
    assert_eq!(verdicts[1]["of"], "a");
    assert!(verdicts[1]["similarity"].as_f64().unwrap() >= 0.8);
    assert_eq!(verdicts[2]["verdict"], "new");
    assert_eq!(verdicts[3]["of"], 7, "numeric ids stay numbers");

    let out = shingle_ok(&["index", "info", p(&idx), "--verify"]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["documents"], 3);
    assert_eq!(info["nodes"], 3);
    assert_eq!(info["format_version"], FORMAT_VERSION);
    assert_eq!(info["config"]["threshold"], 0.8);
    assert_eq!(info["config"]["lsh"]["bands"], 16);
    assert!(info["bytes_on_disk"].as_u64().unwrap() > 0);

    // add writes outputs; a bad record stops it under the default policy and
    // is skipped with --on-bad-record skip.
    let more = dir.path().join("more.jsonl");
    std::fs::write(
        &more,
        format!(
            "{}\n{{broken\n{}\n",
            serde_json::json!({"id": "d", "text": a}),
            serde_json::json!({"id": "e", "text": text(9, 50)})
        ),
    )
    .unwrap();
    let o = dir.path().join("o");
    let failed = shingle(&["index", "add", p(&idx), p(&more), "-o", p(&o), "-q"]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("more.jsonl:2"));
    let out = shingle_ok(&["index", "info", p(&idx)]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["documents"], 3, "a failed add adds nothing");
    shingle_ok(&[
        "index",
        "add",
        p(&idx),
        p(&more),
        "-o",
        p(&o),
        "-q",
        "--on-bad-record",
        "skip",
    ]);
    assert_eq!(jsonl_ids(&o.join("deduped.jsonl")), ["e"]);
    let clusters = read_clusters(&o);
    assert_eq!(clusters.len(), 2);
    assert_eq!(
        (clusters[0].id.as_str(), clusters[0].cluster.as_str()),
        ("a", "a")
    );
    assert_eq!(
        (clusters[1].id.as_str(), clusters[1].similarity),
        ("d", 1.0)
    );
    let s = stats(&o);
    assert_eq!(s["documents"]["skipped"], 1);
    assert_eq!(s["index"]["documents_after"], 5);
    assert!(o.join("skipped.jsonl").exists());
}
