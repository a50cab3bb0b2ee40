//! Pins the sketch of a few fixed documents. Saved indexes hold band keys and
//! exact hashes computed by this code, so any change to normalization, shingle
//! hashing, permutations or band keys must be deliberate: update the pinned
//! digests below AND bump `shingle::index::FORMAT_VERSION`, so that old indexes
//! are refused instead of answering wrongly.

use shingle::lsh::LshParams;
use shingle::sketch::{SketchParams, Sketcher};
use xxhash_rust::xxh3::xxh3_64;

const DOCUMENTS: [&str; 3] = [
    "Breaking News\nThe council approved the tram line on Thursday; work starts in spring.",
    // Vietnamese in NFD (decomposed diacritics).
    "Lễ hội hoa xuân năm nay thu hút hàng nghìn du khách",
    "กรมอุตุนิยมวิทยาประกาศเตือนให้ประชาชนเตรียมรับมือกับพายุฝน",
];

/// xxh3 of (exact hash, signature, band keys) for each document, little-endian.
fn digest(text: &str) -> (u64, usize) {
    let params = SketchParams::default();
    let mut sketcher = Sketcher::new(&params);
    let mut signature = vec![0u32; params.num_perm];
    let summary = sketcher.sketch(text, &mut signature);
    let lsh = LshParams::optimal(0.8, params.num_perm, 0.95);
    let mut keys = vec![0u64; lsh.bands];
    lsh.band_keys(&signature, &mut keys);
    let mut bytes = summary.exact.to_le_bytes().to_vec();
    bytes.extend(signature.iter().flat_map(|v| v.to_le_bytes()));
    bytes.extend(keys.iter().flat_map(|v| v.to_le_bytes()));
    (xxh3_64(&bytes), summary.words)
}

#[test]
fn sketches_of_fixed_documents_do_not_change() {
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd(DOCUMENTS[1]).collect();
    let got: Vec<(u64, usize)> = [DOCUMENTS[0], nfd.as_str(), DOCUMENTS[2]]
        .iter()
        .map(|t| digest(t))
        .collect();
    let pinned: Vec<(u64, usize)> = vec![PINNED_0, PINNED_1, PINNED_2];
    assert_eq!(
        got, pinned,
        "sketches changed: if deliberate, update the pins and bump index::FORMAT_VERSION"
    );
    assert_eq!(
        shingle::index::FORMAT_VERSION,
        2,
        "update the pins with the version"
    );
    // NFC and NFD spellings sketch identically.
    assert_eq!(digest(DOCUMENTS[1]), got[1]);
}

const PINNED_0: (u64, usize) = (293687224081754043, 14);
const PINNED_1: (u64, usize) = (10529124607705096655, 12);
const PINNED_2: (u64, usize) = (14444139517421104256, 47);
