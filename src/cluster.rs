//! Clustering verified pairs, and deciding which copy is kept.
//!
//! Documents are *processed in keep order* (`--keep first`: input order;
//! `--keep longest`: longest text first, ties in input order). Each document is
//! joined (union-find) with its verified near-duplicates among the documents
//! already processed. A component can be a chain — A~B and B~C with A and C far
//! apart — so "keep one per component" would remove C in favour of a document it
//! does not resemble. Instead:
//!
//! > a document is removed in favour of the **first kept document of its
//! > component** (in keep order) **whose similarity to it is at least the
//! > threshold**; if there is none, it is kept.
//!
//! So every removed document is a near-duplicate of the document kept in its
//! place, and each decision depends only on the documents before it in keep
//! order. That makes the batch job (`dedup`) and an incremental index, which
//! sees documents one at a time, reach the same decisions on the same stream.
//!
//! ```
//! use shingle::cluster::{Clusterer, Decision};
//! // 0~1 and 1~2 are similar (0.9), 0 and 2 are not (0.5): 2 stays.
//! let sim = |a: u32, b: u32| if a.abs_diff(b) == 1 { 0.9 } else { 0.5 };
//! let mut c = Clusterer::new();
//! let mut decide = |neighbours: &[u32]| {
//!     let node = c.next_node();
//!     c.add(neighbours, |kept| Ok(Some(sim(node, kept)).filter(|&s| s >= 0.8)))
//!         .unwrap()
//! };
//! assert_eq!(decide(&[]), Decision::Kept);
//! assert_eq!(decide(&[0]), Decision::Duplicate { of: 0, similarity: 0.9 });
//! assert_eq!(decide(&[1]), Decision::Kept);
//! ```

use std::collections::HashMap;

use crate::error::Result;

/// What happened to a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// No kept document of its component is similar enough: it is kept.
    Kept,
    /// Removed in favour of the kept document `of`.
    Duplicate {
        /// The kept document.
        of: u32,
        /// Its similarity to the kept document.
        similarity: f64,
    },
}

/// Incremental clustering in keep order (see the module docs).
///
/// Nodes are numbered by the order they are added (0, 1, 2, ...), so a node's
/// number is its position in keep order. Disjoint sets use union by rank without
/// path compression: trees stay O(log n) deep, so finding a root needs only
/// `&self` and [`Clusterer::decide`] can answer "what would happen" under a
/// shared lock (an index query) without adding the node. Memory is 5 bytes per
/// node plus the kept lists of components with more than one member (a
/// singleton component's only member is kept, implicitly).
#[derive(Debug, Default, Clone)]
pub struct Clusterer {
    parent: Vec<u32>,
    rank: Vec<u8>,
    /// Kept nodes of each multi-member component (by root), in node order.
    kept: HashMap<u32, Vec<u32>>,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nodes added.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// True when no node was added.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The id the next added node gets.
    pub fn next_node(&self) -> u32 {
        self.parent.len() as u32
    }

    fn find(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    /// The kept nodes of the component that joining `neighbours` would give, in
    /// node order (the new node itself is undecided and not included).
    fn joined_kept(&self, neighbours: &[u32]) -> Vec<u32> {
        let mut roots: Vec<u32> = neighbours.iter().map(|&n| self.find(n)).collect();
        roots.sort_unstable();
        roots.dedup();
        let mut kept = Vec::new();
        for root in roots {
            // Under union by rank a root of rank 0 never absorbed another tree.
            if self.rank[root as usize] == 0 {
                kept.push(root);
            } else if let Some(list) = self.kept.get(&root) {
                kept.extend_from_slice(list);
            }
        }
        kept.sort_unstable();
        kept
    }

    /// The decision for the next node, joined with `neighbours` (earlier nodes
    /// that are verified near-duplicates of it), without adding it.
    /// `accept(kept)` is asked about the kept nodes of the joined component in
    /// order and returns the similarity when it is at least the threshold; the
    /// first that does is the one the node is removed in favour of.
    pub fn decide(
        &self,
        neighbours: &[u32],
        mut accept: impl FnMut(u32) -> Result<Option<f64>>,
    ) -> Result<Decision> {
        for k in self.joined_kept(neighbours) {
            if let Some(similarity) = accept(k)? {
                return Ok(Decision::Duplicate { of: k, similarity });
            }
        }
        Ok(Decision::Kept)
    }

    /// Decides ([`Clusterer::decide`]) and adds the next node.
    pub fn add(
        &mut self,
        neighbours: &[u32],
        accept: impl FnMut(u32) -> Result<Option<f64>>,
    ) -> Result<Decision> {
        let decision = self.decide(neighbours, accept)?;
        self.add_decided(neighbours, decision);
        Ok(decision)
    }

    /// Adds the next node with a decision already taken (by `decide`, or read
    /// back from a saved index). `neighbours` must be earlier nodes.
    pub fn add_decided(&mut self, neighbours: &[u32], decision: Decision) {
        let node = self.next_node();
        let mut kept_here = self.joined_kept(neighbours);
        let mut roots: Vec<u32> = neighbours.iter().map(|&n| self.find(n)).collect();
        roots.sort_unstable();
        roots.dedup();
        for &root in &roots {
            self.kept.remove(&root);
        }
        self.parent.push(node);
        self.rank.push(0);
        let mut root = node;
        for other in roots {
            root = self.union_roots(root, other);
        }
        // A node without neighbours stays a singleton: kept implicitly.
        if decision == Decision::Kept && !neighbours.is_empty() {
            kept_here.push(node);
        }
        if !kept_here.is_empty() {
            self.kept.insert(root, kept_here);
        }
    }

    fn union_roots(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.rank[a as usize], self.rank[b as usize]);
        let (root, child) = if ra < rb { (b, a) } else { (a, b) };
        self.parent[child as usize] = root;
        if ra == rb {
            self.rank[root as usize] = self.rank[root as usize].saturating_add(1);
        }
        root
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.parent.capacity() * 4
            + self.rank.capacity()
            + self.kept.capacity() * (4 + 24 + 8)
            + self.kept.values().map(|v| v.capacity() * 4).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds nodes 0..n in order; `edges` between any nodes; `sim` decides.
    fn run(n: u32, edges: &[(u32, u32)], sim: impl Fn(u32, u32) -> f64) -> Vec<Decision> {
        let mut c = Clusterer::new();
        (0..n)
            .map(|node| {
                let neighbours: Vec<u32> = edges
                    .iter()
                    .filter_map(|&(a, b)| match (a == node, b == node) {
                        (true, _) if b < node => Some(b),
                        (_, true) if a < node => Some(a),
                        _ => None,
                    })
                    .collect();
                c.add(
                    &neighbours,
                    |k| Ok(Some(sim(node, k)).filter(|&s| s >= 0.8)),
                )
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn chains_do_not_remove_far_ends() {
        // A chain of 5 where only neighbours are similar: every other one is kept.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4)];
        let out = run(
            5,
            &edges,
            |a, b| if a.abs_diff(b) == 1 { 0.85 } else { 0.3 },
        );
        let kept: Vec<usize> = (0..5).filter(|&i| out[i] == Decision::Kept).collect();
        assert_eq!(kept, vec![0, 2, 4]);
        assert_eq!(
            out[1],
            Decision::Duplicate {
                of: 0,
                similarity: 0.85
            }
        );
        assert_eq!(
            out[3],
            Decision::Duplicate {
                of: 2,
                similarity: 0.85
            }
        );
    }

    #[test]
    fn first_similar_kept_document_wins() {
        // 0 and 1 are both kept (no edge); 2 is similar to both: it goes to 0.
        let out = run(3, &[(0, 2), (1, 2)], |_, _| 0.9);
        assert_eq!(out[..2], [Decision::Kept, Decision::Kept]);
        assert_eq!(
            out[2],
            Decision::Duplicate {
                of: 0,
                similarity: 0.9
            }
        );
    }

    #[test]
    fn kept_lists_merge_in_node_order() {
        // Components {0, 2} (2 removed for 0) and {1, 3} (3 kept: dissimilar to
        // 1) merge through 4, which resembles only 3: 0 and 1 decline first.
        let mut c = Clusterer::new();
        assert_eq!(c.add(&[], |_| Ok(None)).unwrap(), Decision::Kept);
        assert_eq!(c.add(&[], |_| Ok(None)).unwrap(), Decision::Kept);
        let d2 = c.add(&[0], |_| Ok(Some(0.9))).unwrap();
        assert_eq!(
            d2,
            Decision::Duplicate {
                of: 0,
                similarity: 0.9
            }
        );
        assert_eq!(c.add(&[1], |_| Ok(None)).unwrap(), Decision::Kept);
        let mut asked = Vec::new();
        let d = c
            .add(&[3, 2], |k| {
                asked.push(k);
                Ok((k == 3).then_some(0.95))
            })
            .unwrap();
        assert_eq!(asked, vec![0, 1, 3]);
        assert_eq!(
            d,
            Decision::Duplicate {
                of: 3,
                similarity: 0.95
            }
        );
    }

    #[test]
    fn replay_gives_the_same_state() {
        let mut live = Clusterer::new();
        let mut replay = Clusterer::new();
        let plan: [(&[u32], Option<f64>); 4] = [
            (&[], None),
            (&[0], Some(0.9)),
            (&[1], None),
            (&[2, 0], None),
        ];
        for (neighbours, answer) in plan {
            let d = live.add(neighbours, |_| Ok(answer)).unwrap();
            replay.add_decided(neighbours, d);
        }
        assert_eq!(live.kept, replay.kept);
    }
}
