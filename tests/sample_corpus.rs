//! `shingle dedup` on `sample_corpus/` finds exactly the planted groups listed in
//! `tests/data/sample_truth.json` (written by `scripts/make_sample_corpus.py`).

mod common;

use std::collections::BTreeSet;

use common::*;

fn groups(truth: &serde_json::Value, key: &str) -> BTreeSet<BTreeSet<String>> {
    truth[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g.as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn sample_corpus_clusters_are_the_planted_groups() {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/sample_truth.json").unwrap())
            .unwrap();
    let exact = groups(&truth, "exact_duplicate_groups");
    let near = groups(&truth, "near_duplicate_groups");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Run from the repository root so .txt ids are "sample_corpus/pages/...".
    shingle_ok(&["dedup", "sample_corpus/", "-o", p(&out), "-q"]);

    let found = cluster_sets(&out);
    let planted: BTreeSet<BTreeSet<String>> = exact.union(&near).cloned().collect();
    let missing: Vec<_> = planted.difference(&found).collect();
    let extra: Vec<_> = found.difference(&planted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}\nextra {extra:?}"
    );

    let s = stats(&out);
    let d = &s["documents"];
    let exact_copies: usize = exact.iter().map(|g| g.len() - 1).sum();
    let near_copies: usize = near.iter().map(|g| g.len() - 1).sum();
    assert_eq!(d["read"], 305);
    assert_eq!(d["removed_exact"], exact_copies as u64);
    assert_eq!(d["removed_near"], near_copies as u64);
    assert_eq!(d["kept"], 305 - exact_copies as u64 - near_copies as u64);
    // The multi-member gzip file is read whole: both members' records count.
    let gz = s["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"].as_str().unwrap().ends_with("news-b.jsonl.gz"))
        .unwrap();
    assert_eq!(gz["compression"], "gzip");
    // Every removed document is at least 0.8 similar to the one kept for it.
    for line in read_clusters(&out) {
        assert!(line.similarity >= 0.8, "{line:?}");
    }
}

/// The vector paths of normalization and shingling (AVX-512 and AVX2, taken
/// where the CPU has them) and the portable ones give byte-identical results
/// end to end.
#[test]
fn portable_and_vector_paths_write_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let best = dir.path().join("best");
    shingle_ok(&["dedup", "sample_corpus/", "-o", p(&best), "-q"]);
    for level in ["avx2", "portable"] {
        let capped = dir.path().join(level);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shingle"))
            .args(["dedup", "sample_corpus/", "-o", p(&capped), "-q"])
            .env(shingle::cpu::SIMD_VAR, level)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for file in ["deduped.jsonl", "clusters.jsonl"] {
            let (a, b) = (
                std::fs::read(best.join(file)).unwrap(),
                std::fs::read(capped.join(file)).unwrap(),
            );
            assert!(!a.is_empty(), "{file} is empty");
            assert!(a == b, "{file} differs between the best paths and {level}");
        }
        assert_eq!(stable_stats(&best), stable_stats(&capped), "{level}");
    }
}
