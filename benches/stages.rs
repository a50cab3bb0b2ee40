//! Criterion benchmarks of the dedup pipeline, one group per stage.
//!
//! What is measured (every input is built once, outside the timed closures, from
//! the deterministic [`shingle::synth`] generator; buffers are reused across
//! documents the way the pipeline's workers reuse them):
//!
//! | group         | benchmark            | work per iteration                                         | throughput    |
//! |---------------|----------------------|------------------------------------------------------------|---------------|
//! | `input`       | `extract_json`       | parse 2 000 JSONL records (~3.4 KB), extract `text` and `id` | JSONL bytes   |
//! | `normalize`   | `ascii`              | normalize 2 000 documents folded to pure ASCII             | text bytes    |
//! |               | `synth`              | the same documents as generated (rare `é`, `©`, `·`)        | text bytes    |
//! |               | `mixed`              | the same with Vietnamese (NFC and NFD), Chinese and Thai sentences spliced in | text bytes |
//! | `shingle`     | `words5`, `chars5`   | shingle hashes of the 2 000 normalized documents           | text bytes    |
//! | `minhash`     | `128`, `256`         | sign the 2 000 documents' precomputed shingle hashes       | text bytes    |
//! |               | `128/doc_500`, `256/doc_500` | sign one document of exactly 500 shingles          | documents     |
//! | `sketch`      | `full`               | [`Sketcher::sketch`] (normalize + shingle + MinHash) of the 2 000 documents | text bytes |
//! |               | `full+set`           | the same plus [`Sketcher::shingle_set`] (what `--verify exact` does) | text bytes |
//! | `lsh`         | `band_keys`          | band keys of 2 000 signatures (K = 128, default banding)   | documents     |
//! |               | `bucket`             | [`bucket_band`] of one band over 100 000 documents         | (key, doc) pairs |
//! | `verify`      | `jaccard_sorted/planted_pairs` | exact Jaccard of the corpus's planted near-duplicate pairs (up to 256), each once, from sorted sets | pairs   |
//! |               | `set_table/planted_pairs` | the same from the fingerprints as stored (unsorted, repeats), by [`SetTable`] | pairs |
//! | `dedup`       | `end_to_end`         | [`dedup::run`] on a ~30 MB synthetic JSONL corpus, all cores | file bytes  |
//!
//! "text bytes" is always the size of the *raw* document text (before
//! normalization), whatever the stage consumes, so that the MB/s figures of
//! `normalize`, `shingle` and `minhash` are in one unit: the reciprocals add up to
//! roughly the reciprocal of `sketch/full`. Per-document time is the iteration
//! time divided by 2 000 (6 000 for `dedup/end_to_end`; `minhash/*/doc_500`
//! reports it directly).
//!
//! All benchmarks but `dedup/end_to_end` run on one thread. `dedup/end_to_end`
//! uses one worker per core and reads its input from the page cache (the file is
//! written once to a temporary directory, which is removed afterwards); it
//! includes writing the outputs.
//!
//! Run everything (about 1.5 minutes of measurement on 2 cores, plus the build):
//!
//! ```text
//! cargo bench --bench stages
//! ```
//!
//! or one group (or any substring of `group/benchmark`), e.g.
//!
//! ```text
//! cargo bench --bench stages -- minhash
//! cargo bench --bench stages -- normalize/mixed
//! ```
//!
//! The shared 2 000-document corpus and the end-to-end file are built at start-up
//! (under a second); the 100 000-document key set of `lsh/bucket` only when that
//! benchmark runs.

use std::hint::black_box;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use shingle::dedup::{self, DedupConfig};
use shingle::input::{extract_json, FieldPaths};
use shingle::lsh::{bucket_band, LshParams};
use shingle::minhash::MinHasher;
use shingle::normalize::{NormalizeOptions, Normalizer};
use shingle::shingle::{into_set, ShingleKind, Shingler};
use shingle::sketch::{SketchParams, Sketcher};
use shingle::synth::{self, SynthConfig};
use shingle::verify::{jaccard_sorted, SetTable};

/// Documents in the shared per-stage corpus.
const DOCS: u64 = 2_000;
/// Mean article length of the shared corpus (~3.3 KB of text per document).
const MEAN_WORDS: usize = 450;
/// Documents whose band keys are bucketed in `lsh/bucket`.
const BUCKET_DOCS: u64 = 100_000;
/// Documents of the end-to-end corpus (~5 KB each, ~30 MB in all).
const DEDUP_DOCS: u64 = 6_000;
/// Shingles of each document signed in `minhash/*/short_docs_56`.
const SHORT_DOC_SHINGLES: usize = 56;
/// Shingles of the single document signed in `minhash/*/doc_500`.
const DOC_SHINGLES: usize = 500;
/// Seed of every hash, as in [`SketchParams::default`].
const SEED: u64 = 1;

/// The shared corpus, in the forms the stages consume.
struct Corpus {
    /// The JSONL records, one per document (as `synth::write_jsonl` writes them).
    jsonl: Vec<u8>,
    /// Byte range of each record in `jsonl`, without the newline.
    lines: Vec<Range<usize>>,
    /// Raw texts.
    texts: Vec<String>,
    /// Output position of each document's parent (planted near-duplicates).
    parents: Vec<Option<u64>>,
    /// Normalized texts.
    normalized: Vec<String>,
    /// Word 5-gram hashes of each document (repeats included, as signed).
    hashes: Vec<Vec<u64>>,
    /// Total bytes of `texts`.
    text_bytes: u64,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let config = SynthConfig {
            documents: DOCS,
            mean_words: MEAN_WORDS,
            ..SynthConfig::default()
        };
        let mut jsonl = Vec::new();
        let mut lines = Vec::new();
        let mut texts = Vec::new();
        let mut parents = Vec::new();
        for doc in synth::generate(&config) {
            let start = jsonl.len();
            doc.write_json_line(&mut jsonl).expect("write to a Vec");
            lines.push(start..jsonl.len() - 1);
            parents.push(doc.parent);
            texts.push(doc.text);
        }
        let mut normalizer = Normalizer::new(NormalizeOptions::default());
        let shingler = Shingler::new(ShingleKind::Words, 5, SEED);
        let mut normalized = Vec::with_capacity(texts.len());
        let mut hashes = Vec::with_capacity(texts.len());
        for text in &texts {
            let mut out = String::new();
            normalizer.normalize(text, &mut out);
            let mut h = Vec::new();
            shingler.shingle(&out, &mut h);
            normalized.push(out);
            hashes.push(h);
        }
        let text_bytes = texts.iter().map(|t| t.len() as u64).sum();
        Corpus {
            jsonl,
            lines,
            texts,
            parents,
            normalized,
            hashes,
            text_bytes,
        }
    })
}

/// The corpus texts folded to pure ASCII: accents stripped (NFD, combining marks
/// dropped), any other non-ASCII character (`©`, `·`) replaced by `-`.
fn ascii_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        corpus()
            .texts
            .iter()
            .map(|t| {
                t.nfd()
                    .filter(|&c| !is_combining_mark(c))
                    .map(|c| if c.is_ascii() { c } else { '-' })
                    .collect()
            })
            .collect()
    })
}

/// The ASCII texts typeset as English web pages are: sentences in curly
/// quotes, curly apostrophes (one word in eight gets a possessive), em dashes
/// and no-break spaces. Every non-ASCII character here only separates or
/// joins words.
fn typographic_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        ascii_texts()
            .iter()
            .map(|t| {
                let mut out = String::with_capacity(t.len() + t.len() / 8);
                for (i, sentence) in t.split_inclusive(". ").enumerate() {
                    let quoted = i % 3 == 0;
                    if quoted {
                        out.push('\u{201c}');
                    }
                    for (j, word) in sentence.split(' ').enumerate() {
                        if j > 0 {
                            out.push_str(match (i + j) % 29 {
                                0 => " \u{2014} ",
                                1 => "\u{a0}",
                                _ => " ",
                            });
                        }
                        out.push_str(word);
                        if (i + j) % 8 == 3 && word.ends_with(|c: char| c.is_ascii_alphabetic()) {
                            out.push_str("\u{2019}s");
                        }
                    }
                    if quoted {
                        out.push('\u{201d}');
                    }
                }
                out
            })
            .collect()
    })
}

/// The ASCII texts spelled as Western European languages are: about one
/// letter in twelve accented (`é`, `à`, `ü`, `ö`, `ç`, `ñ`, `É`), all of them
/// Latin-1 letters.
fn latin1_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        const ACCENTED: [(char, char); 7] = [
            ('e', '\u{e9}'),
            ('a', '\u{e0}'),
            ('u', '\u{fc}'),
            ('o', '\u{f6}'),
            ('c', '\u{e7}'),
            ('n', '\u{f1}'),
            ('E', '\u{c9}'),
        ];
        ascii_texts()
            .iter()
            .map(|t| {
                let mut letters = 0usize;
                t.chars()
                    .map(|c| match ACCENTED.iter().find(|&&(plain, _)| plain == c) {
                        Some(&(_, accented)) => {
                            letters += 1;
                            if letters.is_multiple_of(3) {
                                accented
                            } else {
                                c
                            }
                        }
                        None => c,
                    })
                    .collect()
            })
            .collect()
    })
}

/// The ASCII texts with every letter mapped to Cyrillic (`a` → `а`, `b` → `б`,
/// ...), as `scripts/script_corpora.py cyrillic` does: every word is a chunk
/// for the letter-script path.
fn cyrillic_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let lower: Vec<char> = "абвгдежзийклмнопрстуфхцчшщ".chars().collect();
        ascii_texts()
            .iter()
            .map(|t| {
                t.chars()
                    .map(|c| match c {
                        'a'..='z' => lower[c as usize - 'a' as usize],
                        'A'..='Z' => lower[c as usize - 'A' as usize]
                            .to_uppercase()
                            .next()
                            .expect("an uppercase form"),
                        _ => c,
                    })
                    .collect()
            })
            .collect()
    })
}

/// Sentences spliced into the synthetic text for `normalize/mixed`.
const VIETNAMESE: [&str; 4] = [
    "Mưa lớn kéo dài suốt đêm qua khiến nhiều tuyến phố ở trung tâm thành phố bị ngập sâu.",
    "Chính quyền địa phương cho biết sẽ hỗ trợ các hộ dân bị ảnh hưởng trong tuần tới.",
    "Giá rau xanh tại các chợ đầu mối đã tăng gần gấp đôi so với tháng trước.",
    "Nhiều học sinh phải nghỉ học vì con đường đến trường bị chia cắt hoàn toàn.",
];
const CHINESE: [&str; 4] = [
    "昨晚的暴雨导致市中心多条道路严重积水，交通一度中断。",
    "当地政府表示，将在下周向受影响的居民发放临时补助。",
    "批发市场的蔬菜价格比上个月上涨了将近一倍。",
    "气象部门预计未来三天仍有强降雨，请市民注意出行安全。",
];
const THAI: [&str; 4] = [
    "ฝนตกหนักตลอดทั้งคืนทำให้ถนนหลายสายในตัวเมืองมีน้ำท่วมขัง",
    "เจ้าหน้าที่ท้องถิ่นระบุว่าจะให้ความช่วยเหลือแก่ครอบครัวที่ได้รับผลกระทบ",
    "ราคาผักในตลาดค้าส่งเพิ่มขึ้นเกือบเท่าตัวเมื่อเทียบกับเดือนที่แล้ว",
    "นักเรียนจำนวนมากต้องหยุดเรียนเพราะเส้นทางไปโรงเรียนถูกตัดขาด",
];

/// The corpus texts with a Vietnamese, Chinese or Thai sentence after every
/// second English-like sentence. Half of the Vietnamese sentences are in NFD, as
/// scraped captions often are, so the NFC step has work to do.
fn mixed_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut pool: Vec<String> = Vec::new();
        for i in 0..4 {
            pool.push(if i % 2 == 0 {
                VIETNAMESE[i].to_string()
            } else {
                VIETNAMESE[i].nfd().collect()
            });
            pool.push(CHINESE[i].to_string());
            pool.push(THAI[i].to_string());
        }
        let mut next = 0usize;
        corpus()
            .texts
            .iter()
            .map(|t| {
                let mut out = String::with_capacity(t.len() * 2);
                for (i, sentence) in t.split_inclusive(". ").enumerate() {
                    out.push_str(sentence);
                    if i % 2 == 1 {
                        out.push_str(&pool[next % pool.len()]);
                        out.push(' ');
                        next += 1;
                    }
                }
                out
            })
            .collect()
    })
}

/// Signatures (K = 128, flat) of the corpus documents.
fn signatures_128() -> &'static [u32] {
    static SIGS: OnceLock<Vec<u32>> = OnceLock::new();
    SIGS.get_or_init(|| {
        let hasher = MinHasher::new(128, SEED);
        let mut sigs = vec![0u32; corpus().hashes.len() * 128];
        for (h, sig) in corpus().hashes.iter().zip(sigs.chunks_exact_mut(128)) {
            hasher.sign(h, sig);
        }
        sigs
    })
}

/// The banding `shingle dedup` uses by default (threshold 0.8, exact verification).
fn default_banding() -> LshParams {
    LshParams::optimal(0.8, 128, 0.95)
}

/// Band-0 keys of [`BUCKET_DOCS`] short synthetic documents (with planted
/// near-duplicate families, so some buckets hold several documents).
fn bucket_keys() -> &'static [(u64, u32)] {
    static KEYS: OnceLock<Vec<(u64, u32)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let params = SketchParams::default();
        let lsh = default_banding();
        let mut sketcher = Sketcher::new(&params);
        let mut sig = vec![0u32; params.num_perm];
        let mut band_keys = vec![0u64; lsh.bands];
        let mut keys = Vec::with_capacity(BUCKET_DOCS as usize);
        let mut corpus = synth::generate(&SynthConfig::tiny(BUCKET_DOCS));
        while let Some(doc) = corpus.next_ref() {
            sketcher.sketch(doc.text, &mut sig);
            lsh.band_keys(&sig, &mut band_keys);
            keys.push((band_keys[0], doc.index as u32));
        }
        keys
    })
}

/// Applies the common settings: few samples, short measurements. One iteration of
/// most benchmarks processes the whole corpus (tens to hundreds of milliseconds),
/// where criterion's linear sampling would need far more than the measurement
/// time, so sampling is flat; benchmarks of a single document or pair switch to
/// [`SamplingMode::Auto`].
fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

fn bench_input(c: &mut Criterion) {
    let mut group = c.benchmark_group("input");
    configure(&mut group);
    let paths = FieldPaths::new("text", "id").expect("valid field paths");
    let mut text = String::new();
    group.throughput(Throughput::Bytes(corpus().jsonl.len() as u64));
    group.bench_function("extract_json", |b| {
        let corpus = corpus();
        b.iter(|| {
            for line in &corpus.lines {
                let id = extract_json(black_box(&corpus.jsonl[line.clone()]), &paths, &mut text)
                    .expect("well-formed record");
                black_box((id, text.len()));
            }
        })
    });
    // The same texts in Cyrillic letters, written as Python's `json.dumps`
    // writes them by default: every non-ASCII character a `\uXXXX` escape.
    let escaped: Vec<String> = corpus()
        .texts
        .iter()
        .map(|text| {
            let mut line = String::from(r#"{"id":"x","text":""#);
            for c in text.chars() {
                match c {
                    'a'..='z' => {
                        line.push_str(&format!("\\u{:04x}", 0x430 + (c as u32 - 'a' as u32)))
                    }
                    '\n' => line.push_str("\\n"),
                    '"' => line.push_str("\\\""),
                    '\\' => line.push_str("\\\\"),
                    c if c.is_ascii() => line.push(c),
                    c => line.push_str(&format!("\\u{:04x}", c as u32)),
                }
            }
            line.push_str("\"}");
            line
        })
        .collect();
    group.throughput(Throughput::Bytes(
        escaped.iter().map(|l| l.len() as u64).sum(),
    ));
    group.bench_function("extract_json/escaped_cyrillic", |b| {
        b.iter(|| {
            for line in &escaped {
                let id = extract_json(black_box(line.as_bytes()), &paths, &mut text)
                    .expect("well-formed record");
                black_box((id, text.len()));
            }
        })
    });
    group.finish();
}

fn bench_normalize(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize");
    configure(&mut group);
    let mut normalizer = Normalizer::new(NormalizeOptions::default());
    let mut out = String::new();
    // Throughput must be set before a benchmark runs, so the inputs are built
    // here even when a filter skips the benchmark (they take well under a second).
    let inputs = [
        ("ascii", ascii_texts()),
        ("synth", &corpus().texts[..]),
        ("typographic", typographic_texts()),
        ("latin1", latin1_texts()),
        ("cyrillic", cyrillic_texts()),
        ("mixed", mixed_texts()),
    ];
    for (name, texts) in inputs {
        let bytes = texts.iter().map(|t| t.len() as u64).sum();
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(name, |b| {
            b.iter(|| {
                for text in texts {
                    black_box(normalizer.normalize(black_box(text), &mut out));
                }
            })
        });
    }
    group.finish();
}

fn bench_shingle(c: &mut Criterion) {
    let mut group = c.benchmark_group("shingle");
    configure(&mut group);
    group.throughput(Throughput::Bytes(corpus().text_bytes));
    let mut hashes = Vec::new();
    for (name, kind) in [
        ("words5", ShingleKind::Words),
        ("chars5", ShingleKind::Chars),
    ] {
        let shingler = Shingler::new(kind, 5, SEED);
        group.bench_function(name, |b| {
            let corpus = corpus();
            b.iter(|| {
                for text in &corpus.normalized {
                    shingler.shingle(black_box(text), &mut hashes);
                    black_box(&hashes);
                }
            })
        });
    }
    group.finish();
}

fn bench_minhash(c: &mut Criterion) {
    let mut group = c.benchmark_group("minhash");
    configure(&mut group);
    for k in [128, 256] {
        let hasher = MinHasher::new(k, SEED);
        let mut sig = vec![0u32; k];
        group
            .throughput(Throughput::Bytes(corpus().text_bytes))
            .sampling_mode(SamplingMode::Flat);
        group.bench_function(format!("{k}"), |b| {
            let corpus = corpus();
            b.iter(|| {
                for hashes in &corpus.hashes {
                    hasher.sign(black_box(hashes), &mut sig);
                    black_box(&sig);
                }
            })
        });
        // Short documents (a ~60-word page: 56 shingles) leave most bins
        // empty, so densification is most of the work; each document's own
        // shingles, so the empty bins differ from one to the next.
        group
            .throughput(Throughput::Elements(DOCS))
            .sampling_mode(SamplingMode::Flat);
        group.bench_function(format!("{k}/short_docs_{SHORT_DOC_SHINGLES}"), |b| {
            let corpus = corpus();
            b.iter(|| {
                for hashes in &corpus.hashes {
                    let short = &hashes[..hashes.len().min(SHORT_DOC_SHINGLES)];
                    hasher.sign(black_box(short), &mut sig);
                    black_box(&sig);
                }
            })
        });
        group
            .throughput(Throughput::Elements(1))
            .sampling_mode(SamplingMode::Auto);
        group.bench_function(format!("{k}/doc_{DOC_SHINGLES}"), |b| {
            let hashes = corpus()
                .hashes
                .iter()
                .find(|h| h.len() >= DOC_SHINGLES)
                .map(|h| &h[..DOC_SHINGLES])
                .expect("a document with enough shingles");
            b.iter(|| {
                hasher.sign(black_box(hashes), &mut sig);
                black_box(&sig);
            })
        });
    }
    group.finish();
}

fn bench_sketch(c: &mut Criterion) {
    let mut group = c.benchmark_group("sketch");
    configure(&mut group);
    group.throughput(Throughput::Bytes(corpus().text_bytes));
    let params = SketchParams::default();
    let mut sketcher = Sketcher::new(&params);
    let mut sig = vec![0u32; params.num_perm];
    group.bench_function("full", |b| {
        let corpus = corpus();
        b.iter(|| {
            for text in &corpus.texts {
                black_box(sketcher.sketch(black_box(text), &mut sig));
                black_box(&sig);
            }
        })
    });
    group.bench_function("full+set", |b| {
        let corpus = corpus();
        b.iter(|| {
            for text in &corpus.texts {
                black_box(sketcher.sketch(black_box(text), &mut sig));
                black_box(sketcher.shingle_set());
            }
        })
    });
    group.finish();
}

fn bench_lsh(c: &mut Criterion) {
    let mut group = c.benchmark_group("lsh");
    configure(&mut group);
    let lsh = default_banding();
    let mut keys = vec![0u64; lsh.bands];
    group
        .throughput(Throughput::Elements(DOCS))
        .sampling_mode(SamplingMode::Auto);
    group.bench_function("band_keys", |b| {
        let sigs = signatures_128();
        b.iter(|| {
            for sig in sigs.chunks_exact(128) {
                lsh.band_keys(black_box(sig), &mut keys);
                black_box(&keys);
            }
        })
    });
    let mut pairs = Vec::new();
    group.throughput(Throughput::Elements(BUCKET_DOCS));
    group.bench_function("bucket", |b| {
        let template = bucket_keys();
        let mut scratch = Vec::new();
        // The pipeline collects a fresh key vector per band; the copy is made
        // outside the timed routine so only sorting and pairing are measured.
        b.iter_batched_ref(
            || template.to_vec(),
            |keys| {
                pairs.clear();
                bucket_band(keys, &mut scratch, &mut pairs);
                black_box(&pairs);
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn bench_verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify");
    configure(&mut group);
    group
        .throughput(Throughput::Elements(1))
        .sampling_mode(SamplingMode::Auto);
    // The planted near-duplicate pairs (child and parent), each once per
    // iteration: one pair over and over lets the branch predictor learn its
    // merge order, which ever-different pairs in a real run never allow.
    let corpus = corpus();
    let set = |doc: usize| {
        let mut h = corpus.hashes[doc].clone();
        into_set(&mut h);
        h
    };
    let pairs: Vec<(Vec<u64>, Vec<u64>)> = corpus
        .parents
        .iter()
        .enumerate()
        .filter_map(|(child, parent)| Some((set(child), set((*parent)? as usize))))
        .take(256)
        .collect();
    assert!(!pairs.is_empty(), "the corpus has planted near-duplicates");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("jaccard_sorted/planted_pairs", |b| {
        b.iter(|| {
            for (a, b_set) in &pairs {
                black_box(jaccard_sorted(black_box(a), black_box(b_set)));
            }
        })
    });
    // What `dedup --verify exact` does per pair: the fingerprints as stored
    // (unsorted, with repeats) made into sets and intersected by `SetTable`,
    // each first document loaded once.
    let stored = |doc: usize| -> Vec<u32> {
        corpus.hashes[doc]
            .iter()
            .map(|&h| shingle::minhash::fingerprint(h))
            .collect()
    };
    let stored_pairs: Vec<(Vec<u32>, Vec<u32>)> = corpus
        .parents
        .iter()
        .enumerate()
        .filter_map(|(child, parent)| Some((stored(child), stored((*parent)? as usize))))
        .take(256)
        .collect();
    group.bench_function("set_table/planted_pairs", |b| {
        let mut table = SetTable::default();
        b.iter(|| {
            for (a, b_values) in &stored_pairs {
                table.load(black_box(a));
                black_box(table.jaccard_with(black_box(b_values)));
            }
        })
    });
    group.finish();
}

/// A temporary directory holding the end-to-end corpus.
struct DedupInput {
    dir: tempfile::TempDir,
    path: PathBuf,
    bytes: u64,
}

fn dedup_input() -> DedupInput {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let path = dir.path().join("corpus.jsonl");
    let config = SynthConfig::articles(DEDUP_DOCS);
    let file = std::fs::File::create(&path).expect("create the corpus file");
    let (_, bytes) = synth::write_jsonl(&config, file).expect("write the corpus");
    DedupInput { dir, path, bytes }
}

fn bench_dedup(c: &mut Criterion) {
    let mut group = c.benchmark_group("dedup");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    // The throughput must be known before the benchmark starts, so the corpus
    // is written even when a filter skips this benchmark (it takes ~0.3 s).
    let input = dedup_input();
    group.throughput(Throughput::Bytes(input.bytes));
    group.bench_function("end_to_end", |b| {
        let config = DedupConfig {
            inputs: vec![input.path.clone()],
            output_dir: input.dir.path().join("out"),
            progress: false,
            threads: 0,
            ..DedupConfig::default()
        };
        b.iter(|| black_box(dedup::run(&config).expect("dedup run")))
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_input,
    bench_normalize,
    bench_shingle,
    bench_minhash,
    bench_sketch,
    bench_lsh,
    bench_verify,
    bench_dedup
);
criterion_main!(benches);
