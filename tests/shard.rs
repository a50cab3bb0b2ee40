//! Sharded stages (sign, bucket, cluster, filter) and `dedup --memory-limit`:
//! both must give exactly what one in-memory `dedup` run gives.

mod common;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use common::*;
use shingle::synth::SynthConfig;

/// A generated corpus split over several files (one gzip), with exact and
/// near-duplicates across files, some bad records and an empty document.
fn split_corpus(dir: &Path, documents: u64, files: usize) -> PathBuf {
    let whole = synth_corpus(
        dir,
        "whole.jsonl",
        &SynthConfig {
            documents,
            seed: 5,
            mean_words: 80,
            duplicate_fraction: 0.4,
            ..SynthConfig::default()
        },
    );
    let lines: Vec<String> = std::io::BufReader::new(std::fs::File::open(&whole).unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let per = lines.len().div_ceil(files);
    for (i, chunk) in lines.chunks(per).enumerate() {
        let mut text = chunk.join("\n");
        text.push('\n');
        if i == 1 {
            text.push_str("{\"id\": \"broken\", \"text\": \n");
            text.push_str("{\"id\": \"empty\", \"text\": \"  \"}\n");
            // An exact copy of a document from file 0.
            text.push_str(&lines[3]);
            text.push('\n');
        }
        if i == 2 {
            let mut enc = flate2::write::GzEncoder::new(
                std::fs::File::create(corpus.join(format!("part-{i}.jsonl.gz"))).unwrap(),
                flate2::Compression::fast(),
            );
            enc.write_all(text.as_bytes()).unwrap();
            enc.finish().unwrap();
        } else {
            std::fs::write(corpus.join(format!("part-{i}.jsonl")), text).unwrap();
        }
    }
    std::fs::remove_file(whole).unwrap();
    corpus
}

/// The filter outputs concatenated in input order, decompressed.
fn filtered(out: &Path, corpus: &Path) -> Vec<u8> {
    let mut names: Vec<String> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|n| read_decoded(&out.join(n)))
        .collect()
}

fn run_sharded(corpus: &Path, work: &Path, out: &Path, world: usize, extra: &[&str]) {
    for rank in 0..world {
        let (r, w) = (rank.to_string(), world.to_string());
        let mut args = vec![
            "sign",
            p(corpus),
            "-o",
            p(work),
            "--rank",
            &r,
            "--world-size",
            &w,
        ];
        args.extend_from_slice(&["--quiet", "--on-bad-record", "skip"]);
        args.extend_from_slice(extra);
        shingle_ok(&args);
    }
    // Bands one task each, as an array job would run them.
    for band in 0..16 {
        shingle_ok(&["bucket", p(work), "--band", &band.to_string(), "--quiet"]);
    }
    shingle_ok(&["cluster", p(work), "--quiet"]);
    for rank in 0..world {
        let (r, w) = (rank.to_string(), world.to_string());
        shingle_ok(&[
            "filter",
            p(work),
            "-o",
            p(out),
            "--rank",
            &r,
            "--world-size",
            &w,
            "--quiet",
        ]);
    }
}

fn dedup(corpus: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "dedup",
        p(corpus),
        "-o",
        p(out),
        "--quiet",
        "--on-bad-record",
        "skip",
    ];
    args.extend_from_slice(extra);
    shingle_ok(&args);
}

fn assert_same_as_dedup(reference: &Path, work: &Path, out: &Path, corpus: &Path) {
    assert_eq!(
        std::fs::read(reference.join("clusters.jsonl")).unwrap(),
        std::fs::read(work.join("clusters.jsonl")).unwrap(),
        "clusters.jsonl differs"
    );
    assert_eq!(
        std::fs::read(reference.join("deduped.jsonl")).unwrap(),
        filtered(out, corpus),
        "kept records differ"
    );
    assert_eq!(
        std::fs::read(reference.join("skipped.jsonl")).unwrap(),
        std::fs::read(work.join("skipped.jsonl")).unwrap()
    );
    let (a, b) = (stable_stats(reference), stable_stats(work));
    assert_eq!(a["documents"], b["documents"]);
    assert_eq!(a["cluster_sizes"], b["cluster_sizes"]);
    assert_eq!(a["candidate_pairs"], b["candidate_pairs"]);
}

#[test]
fn sharded_stages_equal_one_dedup_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = split_corpus(dir.path(), 3000, 5);
    let reference = dir.path().join("reference");
    dedup(&corpus, &reference, &[]);
    let removed = stats(&reference)["documents"]["removed"].as_u64().unwrap();
    assert!(removed > 300, "the corpus must have duplicates ({removed})");
    for world in [1, 2, 4] {
        let work = dir.path().join(format!("work-{world}"));
        let out = dir.path().join(format!("out-{world}"));
        run_sharded(&corpus, &work, &out, world, &[]);
        assert_same_as_dedup(&reference, &work, &out, &corpus);
    }
}

#[test]
fn keep_longest_and_spilled_runs_also_match() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = split_corpus(dir.path(), 2000, 3);
    let reference = dir.path().join("reference");
    dedup(&corpus, &reference, &["--keep", "longest"]);
    let work = dir.path().join("work");
    let out = dir.path().join("out");
    // The smallest limit: a 4 MiB band buffer, several runs per file.
    run_sharded(
        &corpus,
        &work,
        &out,
        3,
        &["--keep", "longest", "--memory-limit", "1M"],
    );
    assert_same_as_dedup(&reference, &work, &out, &corpus);
}

#[test]
fn memory_limit_gives_byte_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = synth_corpus(
        dir.path(),
        "c.jsonl",
        &SynthConfig {
            documents: 40_000,
            seed: 9,
            mean_words: 20,
            duplicate_fraction: 0.3,
            ..SynthConfig::default()
        },
    );
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    dedup(&corpus, &a, &[]);
    // 1M → the 4 MiB minimum band buffer: 40,000 docs × 16 bands × 48 bytes
    // in memory would be 30 MB, so several runs are spilled.
    dedup(
        &corpus,
        &b,
        &["--memory-limit", "1M", "--tmp-dir", p(dir.path())],
    );
    for f in ["clusters.jsonl", "deduped.jsonl"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let disk = &stats(&b)["disk"];
    assert!(disk["band_runs"].as_u64().unwrap() >= 5, "{disk}");
    assert!(disk["band_run_bytes"].as_u64().unwrap() > 0);
    assert!(stats(&a)["documents"]["removed"].as_u64().unwrap() > 1000);
    // Nothing temporary is left behind.
    assert!(!files_in(dir.path())
        .iter()
        .any(|f| f.starts_with(".shingle-work")));
}

#[test]
fn finished_tasks_are_not_redone_and_killed_ones_are_redone() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = split_corpus(dir.path(), 1500, 3);
    let reference = dir.path().join("reference");
    dedup(&corpus, &reference, &[]);
    let work = dir.path().join("work");
    let out = dir.path().join("out");
    run_sharded(&corpus, &work, &out, 2, &[]);
    // Rerunning a finished task is a no-op.
    let sig = work.join("sign/000001.sig");
    let before = std::fs::metadata(&sig).unwrap().modified().unwrap();
    let again = shingle_ok(&[
        "sign",
        p(&corpus),
        "-o",
        p(&work),
        "--rank",
        "1",
        "--world-size",
        "2",
        "--on-bad-record",
        "skip",
    ]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 files done, 1 already done"));
    assert_eq!(std::fs::metadata(&sig).unwrap().modified().unwrap(), before);

    // A sign task killed after writing part of its outputs: the marker is
    // missing, one output is half-written, a temporary is left over.
    std::fs::remove_file(work.join("sign/000001.done")).unwrap();
    let bytes = std::fs::read(&sig).unwrap();
    std::fs::write(&sig, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(work.join("sign/.000001.work-99999"), b"junk").unwrap();
    // Later stages refuse to start without it...
    let refused = shingle(&["bucket", p(&work), "--band", "0"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("has not finished"));
    // ...and rerunning the rank repairs it.
    shingle_ok(&[
        "sign",
        p(&corpus),
        "-o",
        p(&work),
        "--rank",
        "1",
        "--world-size",
        "2",
        "--quiet",
        "--on-bad-record",
        "skip",
    ]);
    assert_eq!(std::fs::read(&sig).unwrap(), bytes);
    assert!(!work.join("sign/.000001.work-99999").exists());
    let out2 = dir.path().join("out2");
    let work_files = |w: &Path| files_in(&w.join("sign"));
    assert_eq!(work_files(&work).len(), 3 * 5, "{:?}", work_files(&work));
    // Downstream markers are still there; their outputs equal a fresh run.
    run_sharded(&corpus, &work, &out2, 2, &[]);
    assert_same_as_dedup(&reference, &work, &out2, &corpus);
}

#[test]
fn a_killed_sign_process_is_rerun_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = split_corpus(dir.path(), 20_000, 2);
    let reference = dir.path().join("reference");
    dedup(&corpus, &reference, &[]);
    let work = dir.path().join("work");
    // SIGKILL a real sign process part-way (whatever it has reached).
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shingle"))
        .args([
            "sign",
            p(&corpus),
            "-o",
            p(&work),
            "--quiet",
            "--on-bad-record",
            "skip",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();
    let out = dir.path().join("out");
    run_sharded(&corpus, &work, &out, 1, &[]);
    assert_same_as_dedup(&reference, &work, &out, &corpus);
}

#[test]
fn corrupt_or_foreign_intermediates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = split_corpus(dir.path(), 800, 2);
    let work = dir.path().join("work");
    let out = dir.path().join("out");
    run_sharded(&corpus, &work, &out, 1, &[]);

    // Other parameters into the same work directory.
    let other = shingle(&[
        "sign",
        p(&corpus),
        "-o",
        p(&work),
        "--threshold",
        "0.7",
        "--on-bad-record",
        "skip",
    ]);
    assert!(!other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("other parameters"));

    // A flipped byte in each kind of intermediate is detected where it is read.
    let cases: [(&str, &[&str]); 3] = [
        ("sign/000000.band", &["bucket"]),
        ("bucket/band-003.pairs", &["cluster"]),
        ("sign/000001.sig", &["cluster"]),
    ];
    for (file, stage) in cases {
        let fresh = dir.path().join(format!("fresh-{}", file.replace('/', "-")));
        run_sharded(&corpus, &fresh, &dir.path().join("o"), 1, &[]);
        // Force the stage to run again.
        let _ = std::fs::remove_file(fresh.join("cluster.done"));
        for band in 0..16 {
            let _ = std::fs::remove_file(fresh.join(format!("bucket/band-{band:03}.done")));
        }
        if stage[0] == "cluster" {
            for band in 0..16 {
                shingle_ok(&["bucket", p(&fresh), "--band", &band.to_string(), "--quiet"]);
            }
        }
        let path = fresh.join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 40;
        bytes[at] ^= 0x10;
        std::fs::write(&path, &bytes).unwrap();
        // The marker records the size, which did not change: only the checksum
        // can catch this.
        let result = shingle(&[stage[0], p(&fresh)]);
        assert!(!result.status.success(), "{file}: corruption not detected");
        let err = String::from_utf8_lossy(&result.stderr);
        assert!(err.contains("corrupt"), "{file}: {err}");
    }
}
