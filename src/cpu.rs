//! Which instruction-set paths this process may take.
//!
//! Normalization, shingling and MinHash's densification have AVX-512 paths
//! that give byte for byte the results of their portable paths
//! (property-tested). Setting the environment
//! variable `SHINGLE_NO_AVX512` (to anything) makes the process take the
//! portable paths even on a CPU that has AVX-512: to compare the two end to end
//! (`tests/sample_corpus.rs` does), or to measure what a CPU without it gets.

use std::sync::OnceLock;

/// The environment variable that turns the AVX-512 paths off.
pub const NO_AVX512_VAR: &str = "SHINGLE_NO_AVX512";

/// Whether the AVX-512 paths may be used (the CPU features are checked
/// separately). Read once per process.
pub(crate) fn avx512_allowed() -> bool {
    static ALLOWED: OnceLock<bool> = OnceLock::new();
    *ALLOWED.get_or_init(|| std::env::var_os(NO_AVX512_VAR).is_none())
}
