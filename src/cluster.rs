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
//! let mut decide = |node: u32, neighbours: &[u32]| {
//!     c.add(node, neighbours, |kept| Ok(Some(sim(node, kept)).filter(|&s| s >= 0.8)))
//!         .unwrap()
//! };
//! assert_eq!(decide(0, &[]), Decision::Kept);
//! assert_eq!(decide(1, &[0]), Decision::Duplicate { of: 0, similarity: 0.9 });
//! assert_eq!(decide(2, &[1]), Decision::Kept);
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
/// Nodes are `u32` ids; each must be added once, after every node that precedes
/// it in keep order. Kept nodes of each component are remembered in the order
/// they were added.
#[derive(Debug, Default)]
pub struct Clusterer {
    sets: UnionFind,
    /// Kept nodes per component root, in the order they were added.
    kept: HashMap<u32, Vec<u32>>,
    /// Position of each kept node in the processing order (for merging kept lists).
    position: HashMap<u32, u64>,
    added: u64,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `node`, joined with `neighbours` (nodes added before it that are
    /// verified near-duplicates of it). `accept(kept)` is asked about the kept
    /// nodes of the resulting component in order; the first that returns
    /// `Some(similarity)` is the one `node` is removed in favour of.
    pub fn add(
        &mut self,
        node: u32,
        neighbours: &[u32],
        mut accept: impl FnMut(u32) -> Result<Option<f64>>,
    ) -> Result<Decision> {
        self.sets.ensure(node);
        for &other in neighbours {
            if let Some((root, absorbed)) = self.sets.union(node, other) {
                if let Some(moved) = self.kept.remove(&absorbed) {
                    let into = self.kept.entry(root).or_default();
                    *into = merge_by_position(std::mem::take(into), moved, &self.position);
                }
            }
        }
        let root = self.sets.find(node);
        let decision = match self.kept.get(&root) {
            Some(kept) => {
                let mut decision = Decision::Kept;
                for &k in kept {
                    if let Some(similarity) = accept(k)? {
                        decision = Decision::Duplicate { of: k, similarity };
                        break;
                    }
                }
                decision
            }
            None => Decision::Kept,
        };
        if decision == Decision::Kept {
            // Only kept nodes are ever looked up by position (when lists merge).
            self.position.insert(node, self.added);
            self.kept.entry(root).or_default().push(node);
        }
        self.added += 1;
        Ok(decision)
    }
}

fn merge_by_position(a: Vec<u32>, b: Vec<u32>, position: &HashMap<u32, u64>) -> Vec<u32> {
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if position[&a[i]] <= position[&b[j]] {
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

    fn run(order: &[u32], edges: &[(u32, u32)], sim: impl Fn(u32, u32) -> f64) -> Vec<Decision> {
        let mut c = Clusterer::new();
        let mut done = std::collections::HashSet::new();
        let mut out = Vec::new();
        for &n in order {
            let neighbours: Vec<u32> = edges
                .iter()
                .filter_map(|&(a, b)| match (a == n, b == n) {
                    (true, _) if done.contains(&b) => Some(b),
                    (_, true) if done.contains(&a) => Some(a),
                    _ => None,
                })
                .collect();
            let d = c
                .add(
                    n,
                    &neighbours,
                    |k| Ok(Some(sim(n, k)).filter(|&s| s >= 0.8)),
                )
                .unwrap();
            done.insert(n);
            out.push(d);
        }
        out
    }

    #[test]
    fn chains_do_not_remove_far_ends() {
        // A chain of 5 where only neighbours are similar: every other one is kept.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4)];
        let out = run(&[0, 1, 2, 3, 4], &edges, |a, b| {
            if a.abs_diff(b) == 1 {
                0.85
            } else {
                0.3
            }
        });
        let kept: Vec<usize> = (0..5).filter(|&i| out[i] == Decision::Kept).collect();
        assert_eq!(kept, vec![0, 2, 4]);
    }

    #[test]
    fn first_similar_kept_document_wins() {
        // 0 and 1 are both kept (dissimilar); 2 is similar to both and joins both
        // components: it goes to 0, the first kept in order.
        let edges = [(0, 2), (1, 2)];
        let out = run(&[0, 1, 2], &edges, |_, _| 0.9);
        assert_eq!(
            out[2],
            Decision::Duplicate {
                of: 0,
                similarity: 0.9
            }
        );
        // Same graph in another order: 1 first.
        let out = run(&[1, 0, 2], &edges, |_, _| 0.9);
        assert_eq!(
            out[2],
            Decision::Duplicate {
                of: 1,
                similarity: 0.9
            }
        );
    }

    #[test]
    fn kept_lists_merge_in_processing_order() {
        // Components {5} and {3} (both kept) merge through 9; 9 is similar only to
        // 3, which was added after 5: 5 is asked first and declines.
        let mut c = Clusterer::new();
        let mut asked = Vec::new();
        c.add(5, &[], |_| Ok(None)).unwrap();
        c.add(3, &[], |_| Ok(None)).unwrap();
        let d = c
            .add(9, &[3, 5], |k| {
                asked.push(k);
                Ok(if k == 3 { Some(0.95) } else { None })
            })
            .unwrap();
        assert_eq!(asked, vec![5, 3]);
        assert_eq!(
            d,
            Decision::Duplicate {
                of: 3,
                similarity: 0.95
            }
        );
    }
}
