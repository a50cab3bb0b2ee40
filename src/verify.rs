//! Verification: deciding whether a candidate pair really is a near-duplicate.
//!
//! LSH candidates include false positives (pairs below the threshold that happened
//! to share a band). Three modes:
//!
//! - `exact` (default): the true Jaccard similarity of the two shingle sets, read
//!   back from the on-disk document store (sets are never all held in memory).
//!   The sets are of 32-bit shingle fingerprints, the values MinHash sees (see
//!   [`crate::storage::encode_doc`] for what that costs: nothing measurable).
//!   Removal precision is 1 by construction; the cost is one merge of two sorted
//!   arrays per candidate pair.
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
use crate::shingle::into_set;
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
pub fn jaccard_sorted<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
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
                // The store holds shingle hashes as computed (unsorted, with
                // repeats); they become sets here, for the few documents read.
                if scratch.a_doc != Some(a) {
                    scratch.a_doc = None;
                    read(a, &mut scratch.a)?;
                    into_set(&mut scratch.a.set);
                    scratch.a_doc = Some(a);
                }
                read(b, &mut scratch.b)?;
                into_set(&mut scratch.b.set);
                Ok(jaccard_sorted(&scratch.a.set, &scratch.b.set))
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
    fn edge_cases() {
        assert_eq!(jaccard_sorted::<u64>(&[], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1], &[]), 0.0);
        assert_eq!(jaccard_sorted(&[1, 2], &[1, 2]), 1.0);
    }

    proptest! {
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
