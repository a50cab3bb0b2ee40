//! Verification: deciding whether a candidate pair really is a near-duplicate.
//!
//! LSH candidates include false positives (pairs below the threshold that happened
//! to share a band). Three modes:
//!
//! - `exact` (default): the true Jaccard similarity of the two shingle sets, read
//!   back from the on-disk document store (sets are never all held in memory).
//!   The sets are of 32-bit shingle fingerprints, the 64-bit hashes folded (see
//!   [`crate::storage::encode_doc`] for what that costs: nothing measurable).
//!   Removal precision is 1 by construction; the cost is reading both records
//!   and one probe of a small hash table per fingerprint ([`SetTable`]).
//! - `signature`: the MinHash estimate (fraction of equal signature positions).
//!   No disk reads, but the estimate has standard error √(J(1−J)/K) ≈ 0.035 at
//!   J = 0.8, K = 128, so pairs just below the threshold get through and pairs just
//!   above are lost.
//! - `none`: every candidate pair is accepted and components are not resolved
//!   (the behaviour of plain MinHash-LSH tools); fastest, least precise.
//!
//! ```
//! use shingle::verify::jaccard_sorted;
//! assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
//! ```

use crate::error::Result;
use crate::minhash::MinHasher;
use crate::storage::{DocBuffers, DocStore};

/// How candidate pairs are checked.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMode {
    /// Accept LSH candidates as they are.
    None,
    /// Compare full MinHash signatures.
    Signature,
    /// Exact Jaccard of the shingle sets.
    Exact,
}

impl VerifyMode {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            VerifyMode::None => "none",
            VerifyMode::Signature => "signature",
            VerifyMode::Exact => "exact",
        }
    }
}

/// Jaccard similarity of two sorted, deduplicated sets. Two empty sets have
/// similarity 0: empty documents are never duplicates of each other.
///
/// The merge steps without a branch on the comparison (each side advances by
/// a 0 or 1 computed from it): with a branch, which side comes next in two
/// near-duplicate sets is a coin toss the predictor loses.
pub fn jaccard_sorted<T: Ord + Copy>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// Source of pairwise similarities for verification and cluster resolution.
pub enum Similarity<'a> {
    /// Exact Jaccard from document stores; `offsets[doc]` locates each record
    /// (see [`store_location`]).
    Exact {
        /// The stores (one per input file in a sharded run, else one).
        stores: &'a [DocStore],
        /// Location of each document's record.
        offsets: &'a [u64],
    },
    /// MinHash estimate from signatures held in memory (`num_perm` per document).
    Signature {
        /// All signatures, document-major.
        signatures: &'a [u32],
        /// K.
        num_perm: usize,
    },
}

/// Bits of a document location that hold the offset in its store; the bits
/// above hold the store's number (up to 2^20 stores of up to 16 TiB each).
pub const STORE_OFFSET_BITS: u32 = 44;

/// A document's location: store number and offset within it.
pub fn store_location(store: usize, offset: u64) -> u64 {
    debug_assert!(offset < 1 << STORE_OFFSET_BITS);
    ((store as u64) << STORE_OFFSET_BITS) | offset
}

/// The store and offset of a location made by [`store_location`].
pub fn split_location(location: u64) -> (usize, u64) {
    (
        (location >> STORE_OFFSET_BITS) as usize,
        location & ((1 << STORE_OFFSET_BITS) - 1),
    )
}

/// Per-thread buffers for [`Similarity::between`].
#[derive(Default)]
pub struct SimilarityScratch {
    a: DocBuffers,
    b: DocBuffers,
    a_doc: Option<u32>,
    table: SetTable,
}

/// Exact Jaccard similarity of fingerprint lists as stored (unsorted, with
/// repeats), without sorting either: the distinct values of one side go into
/// an open-addressing hash table ([`SetTable::load`]) and each value of the
/// other side is looked up in it ([`SetTable::jaccard_with`]). Gives exactly
/// what [`jaccard_sorted`] gives on the two sets (the same two integer counts
/// divided), in about one probe of an L1-sized table per value instead of a
/// four-pass radix sort of each side and a merge.
///
/// The loaded side stays loaded, so a document compared with several others
/// (pairs come sorted by their first document) is hashed once.
///
/// ```
/// use shingle::verify::{jaccard_sorted, SetTable};
/// let mut table = SetTable::default();
/// table.load(&[5, 1, 3, 1]);
/// assert_eq!(table.jaccard_with(&[3, 4, 5, 5]), jaccard_sorted(&[1, 3, 5], &[3, 4, 5]));
/// assert_eq!(table.jaccard_with(&[1, 3, 5]), 1.0);
/// ```
#[derive(Debug, Default, Clone)]
pub struct SetTable {
    /// Each slot: the value (bits 0–31), the epoch of the load that put it
    /// there (32–47), the epoch of the lookup pass that saw it (48–63). A slot
    /// is empty unless one of its epochs is current, so a new load or pass
    /// needs no clearing; epoch 0 means never.
    slots: Vec<u64>,
    /// The loaded side's distinct values (to grow the table).
    loaded: Vec<u32>,
    shift: u32,
    epoch: u16,
    load_epoch: u16,
}

impl SetTable {
    /// Makes `values` the loaded side.
    pub fn load(&mut self, values: &[u32]) {
        self.loaded.clear();
        self.reserve(values.len() * 2);
        self.insert_loaded(values);
    }

    /// Jaccard similarity of the loaded set and the set of `values`. Two
    /// empty sets have similarity 0, as in [`jaccard_sorted`].
    pub fn jaccard_with(&mut self, values: &[u32]) -> f64 {
        let loaded = self.loaded.len();
        if (loaded + values.len()) * 2 > self.slots.len() || self.epoch >= u16::MAX - 1 {
            let distinct = std::mem::take(&mut self.loaded);
            self.reserve(distinct.len() + values.len());
            self.insert_loaded(&distinct);
        }
        self.epoch += 1;
        let (pass, load) = (u64::from(self.epoch) << 48, u64::from(self.load_epoch));
        let mask = self.slots.len() - 1;
        let (mut seen, mut common) = (0usize, 0usize);
        for &v in values {
            let mut i = self.slot_of(v);
            loop {
                let slot = self.slots[i];
                let loaded_here = (slot >> 32) as u16 as u64 == load;
                let seen_here = slot >> 48 == pass >> 48;
                if !loaded_here && !seen_here {
                    self.slots[i] = u64::from(v) | pass;
                    seen += 1;
                    break;
                }
                if slot as u32 == v {
                    if !seen_here {
                        self.slots[i] = (slot & 0xFFFF_FFFF_FFFF) | pass;
                        seen += 1;
                        common += 1;
                    }
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        let union = loaded + seen - common;
        if union == 0 {
            0.0
        } else {
            common as f64 / union as f64
        }
    }

    /// Empties the table, with room for `values` distinct values at a load
    /// factor of at most 1/2 (and at least 64 slots).
    fn reserve(&mut self, values: usize) {
        let size = (values * 2).next_power_of_two().max(64);
        if size > self.slots.len() || self.epoch >= u16::MAX - 1 {
            self.slots.clear();
            self.slots.resize(size.max(self.slots.len()), 0);
            self.epoch = 0;
        }
        self.shift = 64 - self.slots.len().trailing_zeros();
    }

    fn insert_loaded(&mut self, values: &[u32]) {
        self.epoch += 1;
        self.load_epoch = self.epoch;
        let load = u64::from(self.epoch) << 32;
        let mask = self.slots.len() - 1;
        for &v in values {
            let mut i = self.slot_of(v);
            loop {
                let slot = self.slots[i];
                if slot & 0xFFFF_0000_0000 != load {
                    self.slots[i] = u64::from(v) | load;
                    self.loaded.push(v);
                    break;
                }
                if slot as u32 == v {
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /// The home slot of a value (Fibonacci hashing: fingerprints are hash bits,
    /// but the multiply keeps a table of any size well spread anyway).
    #[inline(always)]
    fn slot_of(&self, v: u32) -> usize {
        (u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }
}

impl Similarity<'_> {
    /// Similarity of documents `a` and `b`. Reading `a` is skipped when it is the
    /// same `a` as in the previous call with this scratch (pairs come sorted).
    pub fn between(&self, a: u32, b: u32, scratch: &mut SimilarityScratch) -> Result<f64> {
        match self {
            Similarity::Exact { stores, offsets } => {
                let read = |doc: u32, buf: &mut DocBuffers| {
                    let (store, offset) = split_location(offsets[doc as usize]);
                    stores[store].read(offset, buf)
                };
                // The store holds shingle fingerprints as computed (unsorted,
                // with repeats); the table makes sets of them.
                if scratch.a_doc != Some(a) {
                    scratch.a_doc = None;
                    read(a, &mut scratch.a)?;
                    scratch.table.load(&scratch.a.set);
                    scratch.a_doc = Some(a);
                }
                read(b, &mut scratch.b)?;
                Ok(scratch.table.jaccard_with(&scratch.b.set))
            }
            Similarity::Signature {
                signatures,
                num_perm,
            } => {
                let k = *num_perm;
                let sa = &signatures[a as usize * k..(a as usize + 1) * k];
                let sb = &signatures[b as usize * k..(b as usize + 1) * k];
                Ok(MinHasher::similarity(sa, sb))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn set_table_survives_epoch_wraparound() {
        // More lookup passes than a 16-bit epoch counts, and reloads between.
        let mut table = SetTable::default();
        for round in 0..3u32 {
            table.load(&[1, 2, 3, round + 10]);
            for i in 0..70_000u32 {
                let b = [2, 3, i % 7 + 100];
                assert_eq!(table.jaccard_with(&b), 2.0 / 5.0);
            }
            assert_eq!(table.jaccard_with(&[]), 0.0);
            assert_eq!(table.jaccard_with(&[1, 2, 3, round + 10]), 1.0);
        }
        table.load(&[]);
        assert_eq!(table.jaccard_with(&[]), 0.0);
    }

    #[test]
    fn edge_cases() {
        assert_eq!(jaccard_sorted::<u64>(&[], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1, 2], &[1, 2]), 1.0);
    }

    proptest! {
        #[test]
        fn set_table_matches_jaccard_sorted(
            loaded in proptest::collection::vec(any::<u32>(), 0..400),
            others in proptest::collection::vec(proptest::collection::vec(0u32..600, 0..900), 1..6),
            overlap in 0usize..400,
        ) {
            // Values from a narrow range repeat and collide; some of `loaded`
            // is mixed into each other side so the sets share members; the
            // other sides may be bigger than the table was sized for.
            let mut table = SetTable::default();
            table.load(&loaded);
            let set = |v: &[u32]| {
                let mut s = v.to_vec();
                s.sort_unstable();
                s.dedup();
                s
            };
            let a = set(&loaded);
            for other in &others {
                let mut b = other.clone();
                b.extend(loaded.iter().take(overlap));
                prop_assert_eq!(table.jaccard_with(&b), jaccard_sorted(&a, &set(&b)));
            }
        }

        #[test]
        fn matches_hash_set_jaccard(a in proptest::collection::btree_set(0u64..50, 0..30),
                                    b in proptest::collection::btree_set(0u64..50, 0..30)) {
            let va: Vec<u64> = a.iter().copied().collect();
            let vb: Vec<u64> = b.iter().copied().collect();
            let union = a.union(&b).count();
            let want = if union == 0 { 0.0 } else { a.intersection(&b).count() as f64 / union as f64 };
            prop_assert_eq!(jaccard_sorted(&va, &vb), want);
        }
    }
}
