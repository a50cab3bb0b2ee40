//! Which instruction-set paths this process may take.
//!
//! Normalization, shingling and MinHash's densification have vector paths
//! (AVX-512, and for normalization and shingling AVX2) that give byte for byte
//! the results of their portable paths (property-tested). Each is taken when
//! the CPU has its features (checked at run time) and this process allows it.
//!
//! The environment variable `SHINGLE_SIMD` caps the paths taken: `portable`
//! (no vector paths), `avx2` (no AVX-512) or `avx512` (everything the CPU has,
//! the default). It is for comparing the paths end to end
//! (`tests/sample_corpus.rs` does) and for measuring what an older CPU gets.
//! `SHINGLE_NO_AVX512` (set to anything) is the older spelling of
//! `SHINGLE_SIMD=avx2`.

use std::sync::OnceLock;

/// The environment variable that caps the vector paths.
pub const SIMD_VAR: &str = "SHINGLE_SIMD";

/// The older switch: set, it means `SHINGLE_SIMD=avx2`.
pub const NO_AVX512_VAR: &str = "SHINGLE_NO_AVX512";

/// The widest vector paths this process may take, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SimdLevel {
    /// Scalar code only.
    Portable,
    /// AVX2 paths (and scalar extensions such as POPCNT and BMI).
    Avx2,
    /// AVX-512 paths as well.
    Avx512,
}

impl SimdLevel {
    /// The level a value of [`SIMD_VAR`] names; `None` for anything else.
    pub fn parse(value: &str) -> Option<SimdLevel> {
        match value.trim().to_ascii_lowercase().as_str() {
            "portable" | "none" | "scalar" => Some(SimdLevel::Portable),
            "avx2" => Some(SimdLevel::Avx2),
            "avx512" | "auto" | "" => Some(SimdLevel::Avx512),
            _ => None,
        }
    }
}

/// The cap from the environment, read once per process. An unknown value of
/// [`SIMD_VAR`] is reported once on stderr and taken as the default, since a
/// cap only ever trades speed, never results.
pub(crate) fn allowed() -> SimdLevel {
    static ALLOWED: OnceLock<SimdLevel> = OnceLock::new();
    *ALLOWED.get_or_init(|| {
        let mut level = SimdLevel::Avx512;
        if let Some(value) = std::env::var_os(SIMD_VAR) {
            let value = value.to_string_lossy();
            match SimdLevel::parse(&value) {
                Some(parsed) => level = parsed,
                None => eprintln!(
                    "shingle: ignoring {SIMD_VAR}={value:?} (expected portable, avx2 or avx512)"
                ),
            }
        }
        if std::env::var_os(NO_AVX512_VAR).is_some() {
            level = level.min(SimdLevel::Avx2);
        }
        level
    })
}

/// Whether the AVX-512 paths may be used (the CPU features are checked
/// separately).
pub(crate) fn avx512_allowed() -> bool {
    allowed() >= SimdLevel::Avx512
}

/// Whether the AVX2 paths may be used (the CPU features are checked
/// separately).
pub(crate) fn avx2_allowed() -> bool {
    allowed() >= SimdLevel::Avx2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(SimdLevel::parse("portable"), Some(SimdLevel::Portable));
        assert_eq!(SimdLevel::parse(" AVX2 "), Some(SimdLevel::Avx2));
        assert_eq!(SimdLevel::parse("avx512"), Some(SimdLevel::Avx512));
        assert_eq!(SimdLevel::parse("sse9"), None);
        assert!(SimdLevel::Portable < SimdLevel::Avx2 && SimdLevel::Avx2 < SimdLevel::Avx512);
    }
}
