//! A document's sketch: everything the pipeline compares documents on, computed
//! in one pass over the text (normalize → shingle → MinHash).
//!
//! ```
//! use shingle::sketch::{SketchParams, Sketcher};
//! let params = SketchParams::default();
//! let mut sketcher = Sketcher::new(&params);
//! let mut a = vec![0u32; params.num_perm];
//! let mut b = vec![0u32; params.num_perm];
//! let sa = sketcher.sketch("Breaking news: the river rose two metres overnight.", &mut a);
//! let sb = sketcher.sketch("BREAKING NEWS — the river rose two metres overnight", &mut b);
//! assert_eq!(sa.exact, sb.exact); // identical after normalization
//! assert_eq!(a, b);
//! ```

use xxhash_rust::xxh3::xxh3_128_with_seed;

use crate::minhash::MinHasher;
use crate::normalize::{NormalizeOptions, Normalizer};
use crate::shingle::{into_set, ShingleKind, Shingler};

/// Parameters that determine a document's sketch. Two sketches are comparable
/// only when made with equal parameters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SketchParams {
    /// Normalization switches.
    pub normalize: NormalizeOptions,
    /// Word or character shingles.
    pub shingle: ShingleKind,
    /// n of the n-grams.
    pub ngram: usize,
    /// MinHash permutations K.
    pub num_perm: usize,
    /// Seed of the shingle hash and the permutations.
    pub seed: u64,
}

impl Default for SketchParams {
    fn default() -> Self {
        SketchParams {
            normalize: NormalizeOptions::default(),
            shingle: ShingleKind::Words,
            ngram: 5,
            num_perm: 128,
            seed: 1,
        }
    }
}

/// The small, fixed-size part of a sketch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SketchSummary {
    /// 128-bit xxh3 of the normalized text: equal for exact duplicates (after
    /// normalization). 0 for empty documents.
    pub exact: u128,
    /// Number of normalized words.
    pub words: usize,
    /// Number of shingles, repeats included.
    pub shingles: usize,
}

impl SketchSummary {
    /// A document with no words: never a duplicate of anything.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }
}

/// Computes sketches, reusing its buffers across documents (one per thread).
#[derive(Debug)]
pub struct Sketcher {
    normalizer: Normalizer,
    shingler: Shingler,
    minhasher: MinHasher,
    seed: u64,
    normalized: String,
    hashes: Vec<u64>,
}

impl Sketcher {
    /// A sketcher for `params`.
    pub fn new(params: &SketchParams) -> Self {
        Sketcher {
            normalizer: Normalizer::new(params.normalize),
            shingler: Shingler::new(params.shingle, params.ngram, params.seed),
            minhasher: MinHasher::new(params.num_perm, params.seed),
            seed: params.seed,
            normalized: String::new(),
            hashes: Vec::new(),
        }
    }

    /// Sketches `text`: fills `signature` (length K) and returns the summary.
    /// Afterwards [`Sketcher::shingle_set`] gives the document's shingle set.
    pub fn sketch(&mut self, text: &str, signature: &mut [u32]) -> SketchSummary {
        let summary = self.shingle_text(text);
        self.minhasher.sign(&self.hashes, signature);
        summary
    }

    /// Normalizes and shingles `text` as [`Sketcher::sketch`] does, without
    /// the MinHash signature (for a document read again only to be compared
    /// exactly); [`Sketcher::shingles`] then gives its shingles.
    ///
    /// ```
    /// use shingle::sketch::{SketchParams, Sketcher};
    /// let params = SketchParams::default();
    /// let mut sketcher = Sketcher::new(&params);
    /// let text = "Breaking news: the river rose two metres overnight.";
    /// let mut signature = vec![0u32; params.num_perm];
    /// let full = sketcher.sketch(text, &mut signature);
    /// let shingles = sketcher.shingles().to_vec();
    /// assert_eq!(sketcher.shingle_text(text), full);
    /// assert_eq!(sketcher.shingles(), &shingles[..]);
    /// ```
    pub fn shingle_text(&mut self, text: &str) -> SketchSummary {
        let words = self.normalizer.normalize(text, &mut self.normalized);
        self.shingler.shingle(&self.normalized, &mut self.hashes);
        let exact = if words == 0 {
            0
        } else {
            xxh3_128_with_seed(self.normalized.as_bytes(), self.seed)
        };
        SketchSummary {
            exact,
            words,
            shingles: self.hashes.len(),
        }
    }

    /// The normalized text of the last sketched document.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The shingle hashes of the last sketched document, in text order, repeats
    /// included (what the signature was computed from).
    pub fn shingles(&self) -> &[u64] {
        &self.hashes
    }

    /// The sorted, deduplicated shingle hashes of the last sketched document.
    pub fn shingle_set(&mut self) -> &[u64] {
        into_set(&mut self.hashes);
        &self.hashes
    }

    /// Signature length K.
    pub fn num_perm(&self) -> usize {
        self.minhasher.num_perm()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_is_empty() {
        let p = SketchParams::default();
        let mut s = Sketcher::new(&p);
        let mut sig = vec![0; p.num_perm];
        let summary = s.sketch(" -- \n ", &mut sig);
        assert!(summary.is_empty());
        assert_eq!(summary.exact, 0);
        assert!(s.shingle_set().is_empty());
    }

    #[test]
    fn shingle_set_is_sorted_and_unique() {
        let p = SketchParams {
            ngram: 1,
            ..SketchParams::default()
        };
        let mut s = Sketcher::new(&p);
        let mut sig = vec![0; p.num_perm];
        s.sketch("b a b a c", &mut sig);
        let set = s.shingle_set().to_vec();
        assert_eq!(set.len(), 3);
        assert!(set.windows(2).all(|w| w[0] < w[1]));
    }
}
