//! `shingle lines` end to end: the report (exact counts on planted boilerplate,
//! captions repeated within a page, NFC/NFD), `--strip` (byte-identical other
//! fields, line endings, sidecars), bad input, input forms and determinism.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use unicode_normalization::UnicodeNormalization;

/// One reported line, parsed from `--format jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reported {
    line: String,
    docs: u64,
    occurrences: u64,
    docs_repeating: u64,
    bytes: u64,
    examples: Vec<String>,
}

fn parse_report(stdout: &[u8]) -> Vec<Reported> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Reported {
                line: v["line"].as_str().unwrap().to_string(),
                docs: v["docs"].as_u64().unwrap(),
                occurrences: v["occurrences"].as_u64().unwrap(),
                docs_repeating: v["docs_repeating"].as_u64().unwrap(),
                bytes: v["bytes"].as_u64().unwrap(),
                examples: v["examples"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_string))
                    .collect(),
            }
        })
        .collect()
}

/// Runs `shingle lines --format jsonl -q` with `args` and parses the report.
fn report(args: &[&str]) -> Vec<Reported> {
    let mut all = vec!["lines", "--format", "jsonl", "-q"];
    all.extend_from_slice(args);
    parse_report(&shingle_ok(&all).stdout)
}

fn record(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut f = std::fs::File::create(path).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
}

/// What the test itself takes as line identity for its (ASCII) planted lines.
fn simple_norm(line: &str) -> String {
    line.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Letters-only unique words for a number (so that `--fold-digits` cannot
/// merge article lines).
fn word(mut n: usize) -> String {
    let mut w = String::new();
    loop {
        w.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    format!("q{w}")
}

/// A generated corpus whose repeated lines are all planted, with the counts the
/// report must give.
struct Planted {
    docs: Vec<(String, String)>,
    /// Normalized planted line → what the report must say about it.
    expected: BTreeMap<String, Reported>,
    /// Normalized captions: repeated only within one document.
    captions: BTreeSet<String>,
}

/// Planted chrome: its spellings, and the pages it is on.
type Chrome = (&'static [&'static str], fn(usize) -> bool);

fn planted_corpus(n: usize) -> Planted {
    assert!(
        n > 237,
        "\"Corrections policy\" is planted in pages 7 and 237"
    );
    // (text variants, in which docs): chrome with exact, known document sets.
    let chrome: Vec<Chrome> = vec![
        (&["Accessibility links"], |_| true),
        (
            &["Breaking News", "BREAKING  NEWS", "  breaking news\t"],
            |i| i % 3 == 0,
        ),
        (&["XS"], |i| i % 4 == 1),
        (&["SM"], |i| i % 4 == 1),
        (&["MD"], |i| i % 4 == 1),
        (&["LG"], |i| i % 4 == 1),
        (
            &["We use cookies to improve your experience. Accept all"],
            |i| i % 5 == 2,
        ),
        (&["© 2024 Example News Ltd"], |i| i % 2 == 0),
        (&["Corrections policy"], |i| i == 7 || i == 237),
    ];
    let mut docs = Vec::new();
    for i in 0..n {
        let mut lines: Vec<String> = Vec::new();
        for (variants, planted) in &chrome[..6] {
            if planted(i) {
                lines.push(variants[(i / 3) % variants.len()].to_string());
            }
        }
        lines.push(String::new());
        lines.push("|".into());
        // The article: sentences unique to this page.
        let paragraphs = 2 + i % 3;
        for p in 0..paragraphs {
            let words: Vec<String> = (0..8).map(|k| word(i * 1000 + p * 10 + k)).collect();
            lines.push(format!("{}.", words.join(" ")));
            if i % 6 == 0 && p == 0 {
                // A photo caption, printed as caption and as alt text.
                let caption = format!("Photo: the {} bridge at dusk", word(i + 7_000_000));
                lines.push(caption.clone());
                lines.push(caption);
            }
            if i % 10 == 0 && p == 0 {
                lines.push("Share this article".into());
            }
            lines.push(String::new());
        }
        if i % 10 == 0 || i % 10 == 5 {
            lines.push("Share this article".into());
        }
        lines.push("•".into());
        for (variants, planted) in &chrome[6..] {
            if planted(i) {
                lines.push(variants[(i / 3) % variants.len()].to_string());
            }
        }
        let terminator = if i % 7 == 3 { "\r\n" } else { "\n" };
        docs.push((format!("page-{i:04}"), lines.join(terminator)));
    }

    let planted_keys: BTreeSet<String> = chrome
        .iter()
        .map(|(v, _)| simple_norm(v[0]))
        .chain(["share this article".to_string()])
        .collect();
    let mut expected: BTreeMap<String, Reported> = BTreeMap::new();
    let mut captions = BTreeSet::new();
    for (id, text) in &docs {
        let mut in_doc: BTreeMap<String, u64> = BTreeMap::new();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let (line, term, next) = match rest.find('\n') {
                Some(nl) => {
                    let end = if rest[..nl].ends_with('\r') {
                        nl - 1
                    } else {
                        nl
                    };
                    (&rest[..end], &rest[end..=nl], &rest[nl + 1..])
                }
                None => (rest, "", ""),
            };
            rest = next;
            let key = simple_norm(line);
            if key.starts_with("photo:") {
                captions.insert(key.clone());
            }
            if !planted_keys.contains(&key) {
                continue;
            }
            *in_doc.entry(key.clone()).or_default() += 1;
            let e = expected.entry(key).or_insert_with(|| Reported {
                line: line.to_string(),
                docs: 0,
                occurrences: 0,
                docs_repeating: 0,
                bytes: 0,
                examples: Vec::new(),
            });
            e.occurrences += 1;
            e.bytes += (line.len() + term.len()) as u64;
        }
        for (key, count) in in_doc {
            let e = expected.get_mut(&key).unwrap();
            e.docs += 1;
            e.docs_repeating += (count > 1) as u64;
            if e.examples.len() < 3 {
                e.examples.push(id.clone());
            }
        }
    }
    Planted {
        docs,
        expected,
        captions,
    }
}

fn write_planted(dir: &Path, planted: &Planted) -> PathBuf {
    let path = dir.join("planted.jsonl");
    write_lines(
        &path,
        &planted
            .docs
            .iter()
            .map(|(id, text)| record(id, text))
            .collect::<Vec<_>>(),
    );
    path
}

#[test]
fn seed_style_page_caption_counts_as_repeated_within_the_document() {
    let page = [
        "Accessibility links",
        "Skip to content",
        "Breaking News",
        "",
        "XS",
        "SM",
        "MD",
        "LG",
        "",
        "Wildfire crews contain blaze near Lahaina after three days",
        "A firefighter walks past burnt-out cars on Front Street, Lahaina, Maui",
        "A firefighter walks past burnt-out cars on Front Street, Lahaina, Maui",
        "Crews from three islands worked through the night to hold the fire line.",
        "•",
        "•",
        "Cookie settings",
    ]
    .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("seed.jsonl");
    write_lines(&input, &[record("seed-1", &page)]);

    let found = report(&[p(&input), "--min-docs", "1"]);
    assert_eq!(
        found,
        vec![Reported {
            line: "A firefighter walks past burnt-out cars on Front Street, Lahaina, Maui".into(),
            docs: 1,
            occurrences: 2,
            docs_repeating: 1,
            bytes: 2 * 71,
            examples: vec!["seed-1".into()],
        }],
        "only the caption repeats; the • separators are symbol-only"
    );
    // Across documents nothing repeats.
    assert!(report(&[p(&input)]).is_empty());
    // Symbol-only lines are counted on request.
    let with_symbols = report(&[p(&input), "--min-docs", "1", "--include-symbol-lines"]);
    assert_eq!(with_symbols.len(), 2);
    assert_eq!(
        (with_symbols[1].line.as_str(), with_symbols[1].occurrences),
        ("•", 2)
    );
}

#[test]
fn planted_boilerplate_is_found_with_exact_counts_and_nothing_else() {
    let planted = planted_corpus(240);
    let dir = tempfile::tempdir().unwrap();
    let input = write_planted(dir.path(), &planted);

    let found = report(&[p(&input)]);
    let got: BTreeMap<String, Reported> = found
        .iter()
        .map(|r| (simple_norm(&r.line), r.clone()))
        .collect();
    assert_eq!(got.len(), found.len(), "each line reported once");
    assert_eq!(got, planted.expected);
    assert_eq!(got["accessibility links"].docs, 240);
    assert_eq!(
        got["breaking news"].docs, 80,
        "case and whitespace variants merge"
    );
    assert_eq!(got["share this article"].docs_repeating, 24);
    assert_eq!(got["corrections policy"].docs, 2);
    // Most widespread first.
    let docs: Vec<u64> = found.iter().map(|r| r.docs).collect();
    let mut sorted = docs.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(docs, sorted);

    // --min-docs 1 adds exactly the captions, each once in one document.
    let all = report(&[p(&input), "--min-docs", "1"]);
    let captions: Vec<&Reported> = all.iter().filter(|r| r.docs == 1).collect();
    assert_eq!(captions.len(), planted.captions.len());
    assert_eq!(all.len(), found.len() + planted.captions.len());
    for c in captions {
        assert!(planted.captions.contains(&simple_norm(&c.line)), "{c:?}");
        assert_eq!((c.occurrences, c.docs_repeating), (2, 1));
    }

    // --top and --min-docs select.
    let top = report(&[p(&input), "--top", "2"]);
    assert_eq!(top, found[..2].to_vec());
    let wide = report(&[p(&input), "--min-docs", "100"]);
    assert_eq!(
        wide.iter().map(|r| r.docs).collect::<Vec<_>>(),
        vec![240, 120]
    );
}

#[test]
fn nfd_and_nfc_forms_of_a_caption_are_one_line() {
    let caption = "Ảnh: Người dân đổ về quảng trường Ba Đình";
    let nfd: String = caption.nfd().collect();
    assert_ne!(caption, nfd);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("vi.jsonl");
    write_lines(
        &input,
        &[
            record("nfc", &format!("Tin mới\n{caption}")),
            record("nfd", &format!("{nfd}\nThời tiết hôm nay")),
            record("both", &format!("{nfd}\n{caption}")),
        ],
    );
    let found = report(&[p(&input)]);
    assert_eq!(found.len(), 1, "{found:?}");
    let r = &found[0];
    assert_eq!((r.docs, r.occurrences, r.docs_repeating), (3, 4, 1));
    assert_eq!(r.line, caption, "text as first seen");
    assert_eq!(r.examples, ["nfc", "nfd", "both"]);
    let strict = report(&[p(&input), "--no-nfc", "--min-docs", "1"]);
    assert_eq!(
        strict
            .iter()
            .map(|r| (r.docs, r.occurrences))
            .collect::<Vec<_>>(),
        vec![(2, 2), (2, 2)],
        "without NFC the two spellings are two lines"
    );
}

#[test]
fn normalization_switches_and_digit_folding() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("footers.jsonl");
    write_lines(
        &input,
        &[
            record("a", "Story one\n© 2021 Example Media"),
            record("b", "Story two\n© 2024 Example Media"),
            record("c", "Story three\n© 2024 EXAMPLE MEDIA"),
        ],
    );
    let docs = |args: &[&str]| -> Vec<u64> {
        let mut all = vec![p(&input)];
        all.extend_from_slice(args);
        report(&all).iter().map(|r| r.docs).collect()
    };
    assert_eq!(docs(&[]), vec![2]);
    assert_eq!(docs(&["--fold-digits"]), vec![3]);
    assert!(docs(&["--keep-case"]).is_empty());
}

/// Splits a JSONL line around the text value: (before, value, after).
fn around_text<'a>(line: &'a str, key: &str) -> (&'a str, &'a str, &'a str) {
    let marker = format!("\"{key}\":");
    let start = line.find(&marker).unwrap() + marker.len();
    let mut values = serde_json::Deserializer::from_str(&line[start..]).into_iter::<String>();
    values.next().unwrap().unwrap();
    let end = start + values.byte_offset();
    (&line[..start], &line[start..end], &line[end..])
}

#[test]
fn strip_removes_boilerplate_and_keeps_every_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pages.jsonl");
    let nav = "Home | News | Sport";
    let texts = [
        format!("{nav}\r\nFirst story, line one.\r\nCaption A\r\nCaption A\r\nCookie settings\r\n"),
        format!("{nav}\nSecond story.\n\n•\n•\nCookie settings"),
        format!("{nav}\nThird story café.\nCookie settings\n"),
        "Nothing shared here.\nAt all.".to_string(),
        format!("{nav}\nCookie settings"),
    ];
    // Other fields with unusual spellings that must survive byte for byte.
    let lines: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                r#"{{"id": "d{i}", "meta" : {{"score":1.50e3, "s":"caf\u00e9 \"q\""}},"text":{},"z":[1, 2 ,3] }}"#,
                serde_json::to_string(t).unwrap()
            )
        })
        .collect();
    let mut bytes = lines.join("\n").into_bytes();
    bytes.extend_from_slice(b"\r\n"); // last record ends with CRLF
    std::fs::write(&input, &bytes).unwrap();

    let out = dir.path().join("clean").join("out.jsonl");
    shingle_ok(&["lines", p(&input), "--strip", "-o", p(&out), "-q"]);
    let written = std::fs::read_to_string(&out).unwrap();
    let written: Vec<&str> = written.split_inclusive('\n').collect();
    assert_eq!(written.len(), 5);
    let expected_texts = [
        "First story, line one.\r\nCaption A\r\n",
        "Second story.\n\n•\n•",
        "Third story café.\n",
        "Nothing shared here.\nAt all.",
        "",
    ];
    for (i, (got, orig)) in written.iter().zip(&lines).enumerate() {
        let (before, value, after) = around_text(got, "text");
        let (obefore, _, oafter) = around_text(orig, "text");
        assert_eq!(before, obefore, "record {i}: bytes before the text");
        let after_orig = if i == 4 {
            format!("{oafter}\r\n")
        } else {
            format!("{oafter}\n")
        };
        assert_eq!(after, after_orig, "record {i}: bytes after the text");
        let text: String = serde_json::from_str(value).unwrap();
        assert_eq!(text, expected_texts[i], "record {i}");
    }
    // Unchanged records are copied as they were.
    assert_eq!(written[3], format!("{}\n", lines[3]));

    let sidecar = std::fs::read_to_string(format!("{}.removed.jsonl", out.display())).unwrap();
    let removed: Vec<serde_json::Value> = sidecar
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(removed.len(), 4, "every changed document is listed");
    assert_eq!(removed[0]["id"], "d0");
    let first: Vec<(u64, &str, &str)> = removed[0]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line_no"].as_u64().unwrap(),
                r["reason"].as_str().unwrap(),
                r["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        first,
        vec![
            (1, "common", nav),
            (4, "repeat", "Caption A"),
            (5, "common", "Cookie settings"),
        ]
    );
    assert_eq!(removed[0]["removed"][0]["docs"], 4);

    let stats: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.stats.json", out.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(stats["documents"]["read"], 5);
    assert_eq!(stats["documents"]["written"], 5);
    assert_eq!(stats["documents"]["changed"], 4);
    assert_eq!(stats["documents"]["became_empty"], 1);
    assert_eq!(stats["removed"]["common_lines"], 8);
    assert_eq!(stats["removed"]["repeated_lines"], 1);
    assert_eq!(stats["lines"]["symbol_only"], 2);
    assert_eq!(
        files_in(out.parent().unwrap()),
        vec![
            "out.jsonl",
            "out.jsonl.removed.jsonl",
            "out.jsonl.stats.json"
        ]
    );

    // Dropping empty documents.
    let dropped = dir.path().join("dropped.jsonl");
    shingle_ok(&[
        "lines",
        p(&input),
        "--strip",
        "--drop-empty",
        "-o",
        p(&dropped),
        "-q",
    ]);
    assert_eq!(jsonl_ids(&dropped), vec!["d0", "d1", "d2", "d3"]);
    let s: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.stats.json", dropped.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(s["documents"]["dropped_empty"], 1);
    assert_eq!(s["documents"]["written"], 4);
}

#[test]
fn stripped_output_has_no_line_left_in_k_documents() {
    let planted = planted_corpus(240);
    let dir = tempfile::tempdir().unwrap();
    let input = write_planted(dir.path(), &planted);
    for k in ["2", "3", "50"] {
        let out = dir.path().join(format!("out-{k}.jsonl.zst"));
        shingle_ok(&[
            "lines",
            p(&input),
            "--strip",
            "--min-docs",
            k,
            "-o",
            p(&out),
            "-q",
        ]);
        let again = report(&[p(&out), "--min-docs", k]);
        assert!(again.is_empty(), "k={k}: {again:?}");
        // Repeats within documents are collapsed too.
        let repeats: Vec<Reported> = report(&[p(&out), "--min-docs", "1"])
            .into_iter()
            .filter(|r| r.docs_repeating > 0)
            .collect();
        assert!(repeats.is_empty(), "k={k}: {repeats:?}");
        // Lines below the threshold stay.
        let below: u64 = planted
            .expected
            .values()
            .filter(|e| e.docs < k.parse().unwrap())
            .count() as u64;
        let left = report(&[p(&out), "--min-docs", "2"]).len() as u64;
        assert_eq!(left, below, "k={k}");
        // The ids, order and article lines are all still there.
        let decoded = zstd::decode_all(std::fs::File::open(&out).unwrap()).unwrap();
        let text = String::from_utf8(decoded).unwrap();
        assert_eq!(text.lines().count(), planted.docs.len());
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["id"], "page-0000");
        assert!(first["text"].as_str().unwrap().contains(&word(0)));
    }
    // Line endings of kept lines are kept: a CRLF page stays CRLF.
    let out = dir.path().join("out-2.jsonl.zst");
    let decoded =
        String::from_utf8(zstd::decode_all(std::fs::File::open(&out).unwrap()).unwrap()).unwrap();
    let page3: serde_json::Value = serde_json::from_str(decoded.lines().nth(3).unwrap()).unwrap();
    let t = page3["text"].as_str().unwrap();
    assert!(
        t.contains("\r\n") && !t.replace("\r\n", "").contains('\n'),
        "{t:?}"
    );
}

#[test]
fn output_is_identical_with_one_or_all_threads_block_sizes_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let config = shingle::synth::SynthConfig {
        documents: 2000,
        mean_words: 120,
        ..Default::default()
    };
    let input = synth_corpus(dir.path(), "synth.jsonl", &config);
    let mut results = Vec::new();
    for (i, threads) in ["1", "2", "0", "2"].iter().enumerate() {
        let report = shingle_ok(&[
            "lines",
            p(&input),
            "--format",
            "jsonl",
            "--min-docs",
            "1",
            "--threads",
            threads,
            "-q",
        ])
        .stdout;
        let out = dir.path().join(format!("strip{i}.jsonl"));
        shingle_ok(&[
            "lines",
            p(&input),
            "--strip",
            "-o",
            p(&out),
            "--threads",
            threads,
            "-q",
        ]);
        let mut stats: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{}.stats.json", out.display())).unwrap(),
        )
        .unwrap();
        stats.as_object_mut().unwrap().remove("run");
        results.push((
            report,
            std::fs::read(&out).unwrap(),
            std::fs::read(format!("{}.removed.jsonl", out.display())).unwrap(),
            stats,
        ));
    }
    assert!(!results[0].0.is_empty() && !results[0].2.is_empty());
    for r in &results[1..] {
        assert!(
            r == &results[0],
            "outputs differ between thread counts or runs"
        );
    }

    // Many small blocks (merged across blocks and chunks) give the same report.
    let lib = |block_bytes: usize, threads: usize| {
        let c = shingle::lines::LinesConfig {
            inputs: vec![input.clone()],
            min_docs: 1,
            progress: false,
            block_bytes,
            threads,
            ..Default::default()
        };
        let r = shingle::lines::report(&c, None).unwrap();
        let mut out = Vec::new();
        shingle::lines::write_report(&r, shingle::lines::ReportFormat::Jsonl, &mut out).unwrap();
        out
    };
    let small = lib(16 << 10, 2);
    assert_eq!(small, results[0].0);
    assert_eq!(lib(16 << 10, 1), small);
}

/// A corpus with one bad record on line 3.
fn with_bad_line(dir: &Path, bad: &[u8]) -> PathBuf {
    let input = dir.join("bad.jsonl");
    let mut bytes = Vec::new();
    for l in [record("a", "Menu\nStory a"), record("b", "Menu\nStory b")] {
        bytes.extend_from_slice(l.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(bad);
    bytes.push(b'\n');
    bytes.extend_from_slice(record("d", "Menu\nStory d").as_bytes());
    bytes.push(b'\n');
    std::fs::write(&input, bytes).unwrap();
    input
}

#[test]
fn bad_records_stop_the_run_or_are_skipped_and_counted() {
    for (bad, reason) in [
        (
            &br#"{"id": "c", "text": "unterminated"#[..],
            "malformed_json",
        ),
        (
            &b"{\"id\": \"c\", \"text\": \"caf\xe9\"}"[..],
            "invalid_utf8",
        ),
        (&br#"{"id": "c", "text": 5}"#[..], "text_not_string"),
        (&br#"{"id": "c"}"#[..], "missing_text"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let input = with_bad_line(dir.path(), bad);
        let out_dir = dir.path().join("out");
        let out = out_dir.join("stripped.jsonl");
        for args in [
            vec!["lines", p(&input), "--format", "jsonl", "-q"],
            vec!["lines", p(&input), "--strip", "-o", p(&out), "-q"],
        ] {
            let failed = shingle(&args);
            assert!(!failed.status.success(), "{reason}: must fail by default");
            let err = String::from_utf8_lossy(&failed.stderr);
            assert!(
                err.contains(&format!("{}:3", input.display())),
                "{reason}: {err}"
            );
            assert!(err.contains(reason), "{reason}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(failed.stdout.is_empty());
            assert!(
                files_in(&out_dir).is_empty(),
                "{reason}: left {:?}",
                files_in(&out_dir)
            );
        }

        // Skip: the report still counts the good documents; stderr names the record.
        let run = shingle_ok(&[
            "lines",
            p(&input),
            "--format",
            "jsonl",
            "--on-bad-record",
            "skip",
        ]);
        let found = parse_report(&run.stdout);
        assert_eq!((found[0].line.as_str(), found[0].docs), ("Menu", 3));
        assert_eq!(found[0].examples, ["a", "b", "d"]);
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(
            err.contains(&format!("skipped {}:3: {reason}", input.display())),
            "{err}"
        );

        shingle_ok(&[
            "lines",
            p(&input),
            "--strip",
            "-o",
            p(&out),
            "-q",
            "--on-bad-record",
            "skip",
        ]);
        assert_eq!(jsonl_ids(&out), vec!["a", "b", "d"]);
        let stats: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out_dir.join("stripped.jsonl.stats.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(stats["documents"]["read"], 4);
        assert_eq!(stats["documents"]["skipped"], 1);
        assert_eq!(stats["skipped"][reason], 1);
        let skipped =
            std::fs::read_to_string(out_dir.join("stripped.jsonl.skipped.jsonl")).unwrap();
        let v: serde_json::Value = serde_json::from_str(skipped.trim()).unwrap();
        assert_eq!(
            (v["line"].as_u64(), v["reason"].as_str()),
            (Some(3), Some(reason))
        );
    }
}

#[test]
fn reads_directories_compressed_text_files_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("pages")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    writeln!(gz, "{}", record("g1", "Sign in\nGzip story")).unwrap();
    std::fs::write(corpus.join("a.jsonl.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        corpus.join("b.jsonl.zst"),
        zstd::encode_all(
            format!("{}\n", record("z1", "Sign in\nZstd story")).as_bytes(),
            3,
        )
        .unwrap(),
    )
    .unwrap();
    std::fs::write(corpus.join("pages/p1.txt"), "SIGN IN\r\nText story\r\n").unwrap();
    // No id field: ids become <file>:<line>; dotted text field.
    let meta = dir.path().join("meta.jsonl");
    write_lines(
        &meta,
        &[serde_json::json!({"doc": {"body": "Sign in\nMeta story"}}).to_string()],
    );

    let found = report(&[p(&corpus)]);
    assert_eq!(found.len(), 1);
    let page = corpus.join("pages/p1.txt").display().to_string();
    assert_eq!(found[0].docs, 3);
    assert_eq!(
        found[0].examples,
        vec!["g1".to_string(), "z1".into(), page.clone()]
    );

    let nested = report(&[p(&meta), p(&meta), "--text-field", "doc.body"]);
    let id = format!("{}:1", meta.display());
    assert_eq!(nested[0].examples, vec![id.clone(), id]);

    // Stdin, with the report written to a file.
    let input = dir.path().join("stdin.jsonl");
    write_lines(
        &input,
        &[record("s1", "Sign in\nOne"), record("s2", "Sign in\nTwo")],
    );
    let report_file = dir.path().join("report.jsonl");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_shingle"))
        .args(["lines", "-", "-o", p(&report_file), "-q"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "{}",
        String::from_utf8_lossy(&child.stderr)
    );
    let from_stdin = parse_report(&std::fs::read(&report_file).unwrap());
    assert_eq!(from_stdin[0].examples, ["s1", "s2"]);

    // Stripping a text file writes a JSON record with the path as id, CRLF kept.
    let out = dir.path().join("stripped.jsonl");
    shingle_ok(&["lines", p(&corpus), "--strip", "-o", p(&out), "-q"]);
    let text = std::fs::read_to_string(&out).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().nth(2).unwrap()).unwrap();
    assert_eq!(last["id"], page.as_str());
    assert_eq!(last["text"], "Text story\r\n");
}

#[test]
fn table_and_tsv_formats_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.jsonl");
    write_lines(
        &input,
        &[
            record("a", "Tab\there\nStory a"),
            record("b", "tab\there\nStory b"),
        ],
    );
    let table = shingle_ok(&["lines", p(&input), "--format", "table", "-q"]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("occurrences") && table.contains("a, b"),
        "{table}"
    );
    let tsv = shingle_ok(&["lines", p(&input), "--format", "tsv", "-q"]);
    assert_eq!(
        String::from_utf8(tsv.stdout).unwrap(),
        "docs\toccurrences\tdocs_repeating\tbytes\tline\texamples\n\
         2\t2\t0\t18\tTab\\there\t[\"a\",\"b\"]\n"
    );
    let summary = shingle_ok(&["lines", p(&input), "--format", "jsonl"]);
    let err = String::from_utf8_lossy(&summary.stderr);
    assert!(
        err.contains("Read 2 documents") && err.contains("1 in at least 2 documents"),
        "{err}"
    );

    let help = String::from_utf8(shingle_ok(&["lines", "--help"]).stdout).unwrap();
    for opt in [
        "--min-docs",
        "--top",
        "--format",
        "--strip",
        "--output",
        "--drop-empty",
        "--include-symbol-lines",
        "--keep-case",
        "--fold-digits",
        "--keep-whitespace",
        "--no-nfc",
        "--text-field",
        "--id-field",
        "--threads",
        "--quiet",
        "--on-bad-record",
    ] {
        assert!(help.contains(opt), "missing {opt}");
    }
    let r = shingle(&[
        "lines",
        p(&input),
        "--strip",
        "--min-docs",
        "1",
        "-o",
        "/tmp/x.jsonl",
    ]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("--min-docs"));
    let r = shingle(&["lines", p(&input), "--strip"]);
    assert!(!r.status.success(), "--strip needs -o");
}
