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

/// Disjoint sets with union by size and path halving; grows as elements are added.
#[derive(Debug, Clone, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Makes sure elements `0..=x` exist.
    pub fn ensure(&mut self, x: u32) {
        while self.parent.len() <= x as usize {
            self.parent.push(self.parent.len() as u32);
            self.size.push(1);
        }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grandparent = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }

    /// Joins the sets of `a` and `b`. Returns `Some((new_root, absorbed_root))`,
    /// or `None` if they were already joined.
    pub fn union(&mut self, a: u32, b: u32) -> Option<(u32, u32)> {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return None;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        Some((ra, rb))
    }
}

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
/// number is its position in keep order. Memory is 8 bytes per node plus the
/// kept lists of components with more than one member (a singleton component's
/// only member is kept, implicitly).
#[derive(Debug, Default)]
pub struct Clusterer {
    sets: UnionFind,
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
        self.sets.len()
    }

    /// True when no node was added.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The id the next added node gets.
    pub fn next_node(&self) -> u32 {
        self.sets.len() as u32
    }

    /// Adds the next node (id [`Clusterer::next_node`]), joined with
    /// `neighbours` (earlier nodes that are verified near-duplicates of it).
    /// `accept(kept)` is asked about the kept nodes of the resulting component in
    /// order; the first that returns `Some(similarity)` is the one the new node is
    /// removed in favour of.
    pub fn add(
        &mut self,
        neighbours: &[u32],
        mut accept: impl FnMut(u32) -> Result<Option<f64>>,
    ) -> Result<Decision> {
        let node = self.join(neighbours);
        let root = self.sets.find(node);
        let mut decision = Decision::Kept;
        if let Some(kept) = self.kept.get(&root) {
            for &k in kept {
                if let Some(similarity) = accept(k)? {
                    decision = Decision::Duplicate { of: k, similarity };
                    break;
                }
            }
        }
        self.record(node, root, decision);
        Ok(decision)
    }

    /// Adds the next node with a decision taken earlier (replaying a saved state).
    pub fn add_decided(&mut self, neighbours: &[u32], decision: Decision) {
        let node = self.join(neighbours);
        let root = self.sets.find(node);
        self.record(node, root, decision);
    }

    /// Creates the next node and joins it with its neighbours, merging kept lists.
    fn join(&mut self, neighbours: &[u32]) -> u32 {
        let node = self.next_node();
        self.sets.ensure(node);
        // Kept nodes of the new node's component so far (the node itself is
        // undecided, so it starts empty).
        let mut kept_here: Vec<u32> = Vec::new();
        for &other in neighbours {
            debug_assert!(other < node, "neighbours must be earlier nodes");
            let other_root = self.sets.find(other);
            let here_root = self.sets.find(node);
            if other_root == here_root {
                continue;
            }
            let other_list = if self.sets.size[other_root as usize] == 1 {
                vec![other_root] // a singleton is its own kept node
            } else {
                self.kept.remove(&other_root).unwrap_or_default()
            };
            self.kept.remove(&here_root);
            self.sets.union(node, other);
            kept_here = merge_sorted(kept_here, other_list);
        }
        if !kept_here.is_empty() {
            let root = self.sets.find(node);
            self.kept.insert(root, kept_here);
        }
        node
    }

    fn record(&mut self, node: u32, root: u32, decision: Decision) {
        // A node with no neighbours stays a singleton: kept implicitly.
        if decision == Decision::Kept && self.sets.size[root as usize] > 1 {
            self.kept.entry(root).or_default().push(node);
        }
    }
}

fn merge_sorted(a: Vec<u32>, b: Vec<u32>) -> Vec<u32> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
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
