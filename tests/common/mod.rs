//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `shingle` binary with `args` (and optional stdin).
pub fn shingle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shingle"))
        .args(args)
        .output()
        .expect("run shingle")
}

/// Runs `shingle` and asserts success.
pub fn shingle_ok(args: &[&str]) -> Output {
    let out = shingle(args);
    assert!(
        out.status.success(),
        "shingle {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `shingle` in directory `dir` (relative paths in `args` are from
/// there) and asserts success.
pub fn shingle_ok_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_shingle"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run shingle");
    assert!(
        out.status.success(),
        "shingle {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A file's bytes, gunzipped if they are gzip.
pub fn read_decoded(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut out)
            .unwrap();
        out
    } else {
        bytes
    }
}

/// A parsed `clusters.jsonl` line.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterLine {
    pub id: String,
    pub cluster: String,
    pub similarity: f64,
}

fn id_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn read_clusters(dir: &Path) -> Vec<ClusterLine> {
    let text = std::fs::read_to_string(dir.join("clusters.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            ClusterLine {
                id: id_of(&v["id"]),
                cluster: id_of(&v["cluster"]),
                similarity: v["similarity"].as_f64().unwrap(),
            }
        })
        .collect()
}

/// Clusters as a set of member sets (kept document included).
pub fn cluster_sets(dir: &Path) -> BTreeSet<BTreeSet<String>> {
    let mut by_kept: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in read_clusters(dir) {
        by_kept.entry(line.cluster).or_default().insert(line.id);
    }
    by_kept.into_values().collect()
}

/// Ids of the records in a JSONL file (plain).
pub fn jsonl_ids(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            id_of(&v["id"])
        })
        .collect()
}

pub fn stats(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("stats.json")).unwrap()).unwrap()
}

/// stats.json without the part that legitimately varies between runs.
pub fn stable_stats(dir: &Path) -> serde_json::Value {
    let mut s = stats(dir);
    s.as_object_mut().unwrap().remove("run");
    s
}

/// Every file in `dir`, sorted (to check nothing half-written is left).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Writes a synthetic corpus and returns its path.
pub fn synth_corpus(dir: &Path, name: &str, config: &shingle::synth::SynthConfig) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    shingle::synth::write_jsonl(config, std::io::BufWriter::new(file)).unwrap();
    path
}

pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}
