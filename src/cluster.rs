//! Clustering verified pairs, and deciding which copy is kept.
//!
//! Verified pairs (and exact-duplicate groups) are joined with union-find into
//! connected components. A component can be a chain — A~B and B~C with A and C far
//! apart — so "keep one per component" would remove C in favour of a document it
//! does not resemble. Instead each component is **resolved greedily**:
//!
//! 1. order its members by the keep rule (`first`: input order; `longest`: longest
//!    text first, ties in input order);
//! 2. walk them in that order: a member whose similarity to an already kept member
//!    (checked in the same order) is at least the threshold is removed in favour of
//!    the first such kept member; otherwise it is kept itself.
//!
//! So every removed document is a near-duplicate (similarity ≥ threshold) of the
//! document kept in its place, and the result depends only on the input order and
//! the rule, never on scheduling.
//!
//! ```
//! use shingle::cluster::{resolve, UnionFind};
//! let mut uf = UnionFind::new(3);
//! uf.union(0, 1);
//! uf.union(1, 2);
//! let components = uf.components();
//! assert_eq!(components, vec![vec![0, 1, 2]]);
//! // 0~1 and 1~2 are similar, 0 and 2 are not: 2 stays.
//! let sim = |a: u32, b: u32| if a.abs_diff(b) == 1 { 0.9 } else { 0.5 };
//! let out = resolve(&components[0], 0.8, |a, b| Ok(sim(a, b))).unwrap();
//! assert_eq!(out, vec![(0, 0, 1.0), (1, 0, 0.9), (2, 2, 1.0)]);
//! ```

use crate::error::Result;

/// Disjoint sets over `0..n` with union by size and path halving.
#[derive(Debug, Clone)]
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

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grandparent = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }

    /// Joins the sets of `a` and `b`; returns false if they were already joined.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }

    /// Components with at least two members, each sorted, ordered by their
    /// smallest member. Deterministic whatever order the unions came in.
    pub fn components(&mut self) -> Vec<Vec<u32>> {
        let n = self.parent.len() as u32;
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for x in 0..n {
            let root = self.find(x);
            if self.size[root as usize] > 1 {
                pairs.push((root, x));
            }
        }
        pairs.sort_unstable();
        let mut components: Vec<Vec<u32>> = Vec::new();
        let mut last_root = u32::MAX;
        for (root, x) in pairs {
            if root != last_root {
                components.push(Vec::new());
                last_root = root;
            }
            components.last_mut().expect("pushed").push(x);
        }
        components.sort_unstable_by_key(|c| c[0]);
        components
    }
}

/// Resolves one component, given in keep-priority order (see module docs).
///
/// Returns `(member, kept_as, similarity)` for every member, in the given order;
/// a kept member has `kept_as == member` and similarity 1.
pub fn resolve(
    members: &[u32],
    threshold: f64,
    mut similarity: impl FnMut(u32, u32) -> Result<f64>,
) -> Result<Vec<(u32, u32, f64)>> {
    let mut kept: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(members.len());
    'members: for &m in members {
        for &k in &kept {
            let s = similarity(m, k)?;
            if s >= threshold {
                out.push((m, k, s));
                continue 'members;
            }
        }
        kept.push(m);
        out.push((m, m, 1.0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_deterministic() {
        let edges = [(5u32, 3u32), (3, 9), (1, 2), (7, 7)];
        let mut a = UnionFind::new(10);
        for &(x, y) in &edges {
            a.union(x, y);
        }
        let mut b = UnionFind::new(10);
        for &(x, y) in edges.iter().rev() {
            b.union(y, x);
        }
        assert_eq!(a.components(), vec![vec![1, 2], vec![3, 5, 9]]);
        assert_eq!(a.components(), b.components());
    }

    #[test]
    fn chains_do_not_remove_far_ends() {
        // A chain of 5 where only neighbours are similar: every other one is kept.
        let members = [0, 1, 2, 3, 4];
        let out = resolve(&members, 0.8, |a, b| {
            Ok(if a.abs_diff(b) == 1 { 0.85 } else { 0.3 })
        })
        .unwrap();
        let kept: Vec<u32> = out.iter().filter(|r| r.0 == r.1).map(|r| r.0).collect();
        assert_eq!(kept, vec![0, 2, 4]);
        for &(m, k, s) in &out {
            assert!(m == k || s >= 0.8);
        }
    }
}
