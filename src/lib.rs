//! # shingle
//!
//! Finds exact duplicates, near-duplicate documents and duplicate lines in large
//! scraped text corpora.
//!
//! The pipeline, one module per stage:
//! [`input`] → [`normalize`] → [`shingle`] → [`minhash`] (together: [`sketch`]) →
//! [`lsh`] → [`verify`] → [`cluster`] → [`output`], driven by [`dedup`].
//! [`lines`] counts, reports and strips repeated lines; [`index`] is the
//! persistent, incremental form of the same decisions for crawlers.
//! [`storage`] frames every file the tool writes for itself; [`synth`] generates
//! corpora with known near-duplicate families and [`eval`] measures results
//! against exact Jaccard.
//!
//! ```
//! use shingle::sketch::{SketchParams, Sketcher};
//! use shingle::minhash::MinHasher;
//!
//! let params = SketchParams::default();
//! let mut sketcher = Sketcher::new(&params);
//! let (mut a, mut b) = (vec![0; params.num_perm], vec![0; params.num_perm]);
//! sketcher.sketch("The river rose two metres overnight and flooded the old market square, \
//!                  officials said on Tuesday morning.", &mut a);
//! sketcher.sketch("The river rose two metres overnight and flooded the old market square, \
//!                  officials said on Tuesday.", &mut b);
//! assert!(MinHasher::similarity(&a, &b) > 0.6);
//! ```

pub mod cli;
pub mod cluster;
pub mod cpu;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod index;
pub mod input;
pub mod lines;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod output;
pub mod progress;
pub mod runs;
pub mod shard;
pub mod shingle;
pub mod sketch;
pub mod storage;
pub mod synth;
pub mod verify;

pub use error::{Error, Result};
