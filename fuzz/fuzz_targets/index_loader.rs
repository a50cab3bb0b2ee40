//! Arbitrary bytes as an index manifest and as an index segment: loading must
//! end in `Ok` or `Err`, never a panic, a hang or an allocation beyond what the
//! input's size allows (libFuzzer's -malloc_limit_mb catches those). See
//! `shingle::index::fuzz_open_bytes`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shingle::index::fuzz_open_bytes(data);
});
