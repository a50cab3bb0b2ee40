//! Measuring quality against exact truth: which pairs of a corpus really have
//! Jaccard similarity ≥ t on their shingle sets, and how a deduplication result
//! (ours or another tool's) did on them.
//!
//! Truth is computed exactly with a prefix-filtered similarity join (the
//! AllPairs method): tokens of every set are ordered by document frequency, rare
//! first; two sets with Jaccard ≥ t must share a token among the first
//! `|x| − ⌈t·|x|⌉ + 1` of each, so only those prefixes are indexed. Every pair
//! found is then checked with an exact merge of the two sets. No pair at or above
//! the bound is missed, and no estimate is involved.
//!
//! Definitions used in reports (at threshold t):
//! - **duplicate recall**: of the pairs with exact similarity ≥ t, the fraction
//!   that do *not* have both documents in the kept output;
//! - **removal precision**: of the removed documents, the fraction whose exact
//!   similarity to the document kept in their place is ≥ t (when the tool says
//!   which one, as `clusters.jsonl` does), or otherwise to *some* kept document.
//!
//! This module holds the corpus' shingle sets in memory: it is for evaluation
//! on test-sized corpora (up to a few hundred thousand documents), not for
//! production runs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::input::{self, FieldPaths, RecordId, RecordReader, RecordStatus, SourceKind};
use crate::sketch::{SketchParams, Sketcher};
use crate::verify::jaccard_sorted;

/// A corpus as sets: ids (strings; JSON string ids unquoted) and sorted shingle sets.
#[derive(Debug, Default)]
pub struct EvalCorpus {
    /// Document ids in input order.
    pub ids: Vec<String>,
    /// Sorted, deduplicated shingle hashes per document.
    pub sets: Vec<Vec<u64>>,
}

/// Turns a record id into the string used to match documents across tools.
fn id_string(id: RecordId<'_>, file: &std::path::Path, line: u64) -> String {
    match id {
        RecordId::Json(raw) => match serde_json::from_str::<String>(raw) {
            Ok(s) => s,
            Err(_) => raw.to_string(),
        },
        RecordId::Missing => format!("{}:{line}", file.display()),
    }
}

/// Reads ids (and optionally texts) of the records in `inputs`, calling `each`
/// with `(id, text)` for every record. Bad records are errors.
pub fn for_each_record(
    inputs: &[PathBuf],
    text_field: &str,
    id_field: &str,
    mut each: impl FnMut(String, &str) -> Result<()>,
) -> Result<()> {
    let sources = input::discover(inputs, None)?;
    let fields = FieldPaths::new(text_field, id_field)?;
    let mut reader = RecordReader::new(&sources, 1 << 30, 8 << 20);
    let mut text = String::new();
    while let Some(block) = reader.next_block()? {
        for r in &block.records {
            let source = &sources[r.source as usize];
            let bad = |detail: String| Error::BadRecord {
                location: Location::new(&source.name, r.line),
                reason: crate::error::BadRecordReason::MalformedJson,
                detail,
            };
            if r.status != RecordStatus::Ok {
                return Err(bad(format!("unreadable record ({:?})", r.status)));
            }
            match source.kind {
                SourceKind::Jsonl => {
                    let id = input::extract_json(block.content(r), &fields, &mut text)
                        .map_err(|b| bad(b.detail))?;
                    let id = id_string(id, &source.name, r.line);
                    each(id, &text)?;
                }
                SourceKind::Text => {
                    let content =
                        input::text_file_content(block.content(r)).map_err(|b| bad(b.detail))?;
                    each(source.name.display().to_string(), content)?;
                }
            }
        }
    }
    Ok(())
}

/// Reads the ids of the records in `inputs` (JSONL; the id at the dotted
/// `id_field`; other fields, text included, are not needed). Records without the
/// id get `<file>:<line>`, as in `dedup`.
pub fn read_ids(inputs: &[PathBuf], id_field: &str) -> Result<Vec<String>> {
    let sources = input::discover(inputs, None)?;
    let path: Vec<&str> = id_field.split('.').collect();
    let mut reader = RecordReader::new(&sources, 1 << 30, 8 << 20);
    let mut ids = Vec::new();
    while let Some(block) = reader.next_block()? {
        for r in &block.records {
            let source = &sources[r.source as usize];
            if source.kind == SourceKind::Text {
                ids.push(source.name.display().to_string());
                continue;
            }
            let bad = |detail: String| Error::BadRecord {
                location: Location::new(&source.name, r.line),
                reason: crate::error::BadRecordReason::MalformedJson,
                detail,
            };
            let value: serde_json::Value =
                serde_json::from_slice(block.content(r)).map_err(|e| bad(e.to_string()))?;
            let id = path.iter().try_fold(&value, |v, key| v.get(key));
            ids.push(match id {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => format!("{}:{}", source.name.display(), r.line),
            });
        }
    }
    Ok(ids)
}

impl EvalCorpus {
    /// Loads a corpus and shingles it with `params`.
    pub fn load(
        inputs: &[PathBuf],
        text_field: &str,
        id_field: &str,
        params: &SketchParams,
    ) -> Result<Self> {
        let mut sketcher = Sketcher::new(params);
        let mut signature = vec![0u32; params.num_perm];
        let mut corpus = EvalCorpus::default();
        for_each_record(inputs, text_field, id_field, |id, text| {
            let summary = sketcher.sketch(text, &mut signature);
            corpus.ids.push(id);
            corpus.sets.push(if summary.is_empty() {
                Vec::new()
            } else {
                sketcher.shingle_set().to_vec()
            });
            Ok(())
        })?;
        Ok(corpus)
    }

    /// All pairs `(i, j, J)` with `i < j` and exact Jaccard `J ≥ min_similarity`
    /// (`min_similarity > 0`), sorted.
    pub fn similar_pairs(&self, min_similarity: f64) -> Vec<(u32, u32, f64)> {
        assert!(min_similarity > 0.0 && min_similarity <= 1.0);
        let t = min_similarity;
        let mut df: HashMap<u64, u32> = HashMap::new();
        for set in &self.sets {
            for &h in set {
                *df.entry(h).or_insert(0) += 1;
            }
        }
        let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut seen: Vec<u32> = vec![u32::MAX; self.sets.len()];
        let mut candidates: Vec<u32> = Vec::new();
        let mut ordered: Vec<(u32, u64)> = Vec::new();
        let mut pairs = Vec::new();
        for (x, set) in self.sets.iter().enumerate() {
            if set.is_empty() {
                continue;
            }
            ordered.clear();
            ordered.extend(set.iter().map(|&h| (df[&h], h)));
            ordered.sort_unstable();
            let len = set.len();
            let prefix = (len - ((t * len as f64) - 1e-9).ceil() as usize + 1).clamp(1, len);
            candidates.clear();
            for &(_, h) in &ordered[..prefix] {
                if let Some(list) = index.get(&h) {
                    for &y in list {
                        if seen[y as usize] != x as u32 {
                            seen[y as usize] = x as u32;
                            candidates.push(y);
                        }
                    }
                }
            }
            for &y in &candidates {
                let other = &self.sets[y as usize];
                let (small, large) = (len.min(other.len()) as f64, len.max(other.len()) as f64);
                if small < t * large - 1e-9 {
                    continue;
                }
                let j = jaccard_sorted(other, set);
                if j >= t {
                    pairs.push((y, x as u32, j));
                }
            }
            for &(_, h) in &ordered[..prefix] {
                index.entry(h).or_default().push(x as u32);
            }
        }
        pairs.sort_by_key(|p| (p.0, p.1));
        pairs
    }

    /// Exact Jaccard of two documents by index.
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        jaccard_sorted(&self.sets[a], &self.sets[b])
    }
}

/// Quality of a deduplication result at a threshold.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// The threshold t.
    pub threshold: f64,
    /// Documents in the corpus.
    pub documents: u64,
    /// Documents the result kept.
    pub kept: u64,
    /// Documents the result removed.
    pub removed: u64,
    /// Pairs with exact similarity ≥ t.
    pub true_pairs: u64,
    /// Of those, pairs with both documents kept.
    pub missed_pairs: u64,
    /// `1 − missed_pairs / true_pairs`.
    pub duplicate_recall: f64,
    /// Removed documents whose similarity to their kept document is ≥ t.
    pub removed_correct: u64,
    /// `removed_correct / removed`.
    pub removal_precision: f64,
    /// Whether precision used the tool's own kept-document mapping.
    pub precision_uses_cluster_mapping: bool,
    /// Missed pairs by exact similarity (bins of 0.05).
    pub missed_by_similarity: BTreeMap<String, u64>,
    /// Wrongly removed documents by their similarity to the kept document (bins
    /// of 0.05). Without a cluster mapping only pairs at or above the bound the
    /// truth was computed for are known; lower ones are under `"below_bound"`.
    pub wrong_removals_by_similarity: BTreeMap<String, u64>,
}

fn bin(s: f64) -> String {
    let low = ((s * 20.0).floor() / 20.0).min(0.95);
    format!("{low:.2}-{:.2}", low + 0.05)
}

/// Evaluates which documents were kept (`kept_ids`) against the exact truth.
/// `kept_for` maps a removed document's id to the id of the document kept in its
/// place, when the tool reports it.
pub fn evaluate(
    corpus: &EvalCorpus,
    pairs: &[(u32, u32, f64)],
    kept_ids: &HashSet<String>,
    kept_for: Option<&HashMap<String, String>>,
    threshold: f64,
) -> Result<Quality> {
    let index: HashMap<&str, usize> = corpus
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    if index.len() != corpus.ids.len() {
        return Err(Error::Config(
            "corpus ids are not unique; cannot evaluate".into(),
        ));
    }
    let kept: Vec<bool> = corpus.ids.iter().map(|id| kept_ids.contains(id)).collect();
    let true_pairs: Vec<&(u32, u32, f64)> = pairs.iter().filter(|p| p.2 >= threshold).collect();
    let mut missed_by_similarity = BTreeMap::new();
    let mut missed = 0u64;
    for &&(a, b, s) in &true_pairs {
        if kept[a as usize] && kept[b as usize] {
            missed += 1;
            *missed_by_similarity.entry(bin(s)).or_insert(0) += 1;
        }
    }
    // Best similarity of each document to a kept document, from the pair list.
    let mut best_kept = vec![0.0f64; corpus.ids.len()];
    for &(a, b, s) in pairs {
        if kept[b as usize] {
            best_kept[a as usize] = best_kept[a as usize].max(s);
        }
        if kept[a as usize] {
            best_kept[b as usize] = best_kept[b as usize].max(s);
        }
    }
    let mut removed = 0u64;
    let mut correct = 0u64;
    let mut wrong = BTreeMap::new();
    for (doc, id) in corpus.ids.iter().enumerate() {
        if kept[doc] {
            continue;
        }
        removed += 1;
        let (s, known) = match kept_for.and_then(|m| m.get(id)) {
            Some(k) => match index.get(k.as_str()) {
                Some(&k) => (corpus.similarity(doc, k), true),
                None => (0.0, true),
            },
            // From the pair list: 0 means "below the bound it was computed for".
            None => (best_kept[doc], best_kept[doc] > 0.0),
        };
        if s >= threshold {
            correct += 1;
        } else {
            let label = if known {
                bin(s)
            } else {
                "below_bound".to_string()
            };
            *wrong.entry(label).or_insert(0) += 1;
        }
    }
    let n = corpus.ids.len() as u64;
    Ok(Quality {
        threshold,
        documents: n,
        kept: n - removed,
        removed,
        true_pairs: true_pairs.len() as u64,
        missed_pairs: missed,
        duplicate_recall: if true_pairs.is_empty() {
            1.0
        } else {
            1.0 - missed as f64 / true_pairs.len() as f64
        },
        removed_correct: correct,
        removal_precision: if removed == 0 {
            1.0
        } else {
            correct as f64 / removed as f64
        },
        precision_uses_cluster_mapping: kept_for.is_some(),
        missed_by_similarity,
        wrong_removals_by_similarity: wrong,
    })
}

/// Reads `clusters.jsonl` into removed id → kept id.
pub fn read_cluster_mapping(path: &std::path::Path) -> Result<HashMap<String, String>> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: serde_json::Value,
        cluster: serde_json::Value,
    }
    let as_id = |v: serde_json::Value| match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
    let mut map = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let parsed: Line = serde_json::from_str(line).map_err(|e| Error::BadRecord {
            location: Location::new(path, i as u64 + 1),
            reason: crate::error::BadRecordReason::MalformedJson,
            detail: e.to_string(),
        })?;
        let (id, cluster) = (as_id(parsed.id), as_id(parsed.cluster));
        if id != cluster {
            map.insert(id, cluster);
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(sets: Vec<Vec<u64>>) -> EvalCorpus {
        EvalCorpus {
            ids: (0..sets.len()).map(|i| format!("d{i}")).collect(),
            sets: sets
                .into_iter()
                .map(|mut s| {
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect(),
        }
    }

    #[test]
    fn prefix_join_equals_brute_force() {
        // Random sets over a small universe give many pairs at all similarities.
        let mut state = 7u64;
        let mut sets = Vec::new();
        for _ in 0..300 {
            let len = 1 + (crate::minhash::splitmix64(&mut state) % 30) as usize;
            let base = crate::minhash::splitmix64(&mut state) % 20;
            sets.push(
                (0..len)
                    .map(|_| base + crate::minhash::splitmix64(&mut state) % 25)
                    .collect(),
            );
        }
        let c = corpus(sets);
        for t in [0.3, 0.5, 0.8, 1.0] {
            let fast = c.similar_pairs(t);
            let mut slow = Vec::new();
            for i in 0..c.sets.len() {
                for j in i + 1..c.sets.len() {
                    let s = c.similarity(i, j);
                    if s >= t {
                        slow.push((i as u32, j as u32, s));
                    }
                }
            }
            assert_eq!(fast, slow, "t = {t}");
        }
    }

    #[test]
    fn scores_recall_and_precision() {
        let c = corpus(vec![
            vec![1, 2, 3, 4, 5],
            vec![1, 2, 3, 4, 5, 6],
            vec![9, 10],
            vec![1, 2, 3],
        ]);
        let pairs = c.similar_pairs(0.5);
        // Keep 0 and 2; 1 is a duplicate of 0 (5/6), 3 of 0 at 3/5 = 0.6 (< 0.8).
        let kept: HashSet<String> = ["d0", "d2"].iter().map(|s| s.to_string()).collect();
        let q = evaluate(&c, &pairs, &kept, None, 0.8).unwrap();
        assert_eq!(q.true_pairs, 1);
        assert_eq!(q.missed_pairs, 0);
        assert_eq!(q.removed, 2);
        assert_eq!(q.removed_correct, 1);
        let all: HashSet<String> = c.ids.iter().cloned().collect();
        let q = evaluate(&c, &pairs, &all, None, 0.8).unwrap();
        assert_eq!(q.missed_pairs, 1);
        assert_eq!(q.duplicate_recall, 0.0);
    }
}
