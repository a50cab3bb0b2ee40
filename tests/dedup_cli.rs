//! `shingle dedup` end to end: outputs, bad input, determinism, edge cases.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

const ARTICLE: &str = "The regional council approved the new tram line on Thursday after a \
    long debate about costs. Construction will start next spring and the first trams should \
    run within three years, connecting the university campus with the central station and the \
    hospital district. Opponents argued that buses would be cheaper, but the majority said the \
    city needs a backbone for public transport as the population grows.";

const OTHER: &str = "Heavy rain flooded several streets in the old town overnight, and the fire \
    service pumped water out of dozens of cellars. Forecasters expect the weather to improve by \
    the weekend, although another band of showers could reach the coast on Sunday evening. \
    Residents were asked to keep drains clear and to report fallen trees to the city hotline.";

fn record(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text, "url": format!("https://example.org/{id}")})
        .to_string()
}

fn write(path: &Path, lines: &[String]) {
    let mut f = std::fs::File::create(path).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
}

/// A small corpus: an article, a syndicated copy with other chrome, an exact
/// copy, an unrelated article.
fn small_corpus(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("small.jsonl");
    write(
        &path,
        &[
            record(
                "a",
                &format!("Home | News | Sport\n{ARTICLE}\nCopyright Site A"),
            ),
            record("b", OTHER),
            record(
                "c",
                &format!("Menu\nSkip to content\n{ARTICLE}\n© Site C, all rights reserved"),
            ),
            record(
                "d",
                &format!("Home | News | Sport\n{ARTICLE}\nCopyright Site A"),
            ),
            record("e", &ARTICLE.to_uppercase()),
        ],
    );
    path
}

#[test]
fn finds_exact_and_near_duplicates_and_writes_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_corpus(dir.path());
    let out = dir.path().join("out");
    let run = shingle_ok(&["dedup", p(&input), "-o", p(&out)]);
    let summary = String::from_utf8_lossy(&run.stderr);
    assert!(summary.contains("Kept 2, removed 3"), "{summary}");

    assert_eq!(
        files_in(&out),
        vec!["clusters.jsonl", "deduped.jsonl", "stats.json"]
    );
    let clusters = read_clusters(&out);
    let ids: Vec<(&str, &str)> = clusters
        .iter()
        .map(|c| (c.id.as_str(), c.cluster.as_str()))
        .collect();
    assert_eq!(ids, vec![("a", "a"), ("c", "a"), ("d", "a"), ("e", "a")]);
    assert_eq!(clusters[2].similarity, 1.0, "d is an exact copy");
    assert!(clusters[1].similarity >= 0.8 && clusters[1].similarity < 1.0);

    // Kept records are byte-identical to their input lines, in input order.
    let input_text = std::fs::read_to_string(&input).unwrap();
    let lines: Vec<&str> = input_text.lines().collect();
    let deduped = std::fs::read_to_string(out.join("deduped.jsonl")).unwrap();
    assert_eq!(deduped, format!("{}\n{}\n", lines[0], lines[1]));

    let s = stats(&out);
    let d = &s["documents"];
    assert_eq!(d["read"], 5);
    assert_eq!(d["kept"], 2);
    assert_eq!(d["removed_exact"], 1, "d is a byte copy of a");
    assert_eq!(
        d["removed_near"], 2,
        "c (other chrome) and e (upper case, no chrome)"
    );
    assert_eq!(s["clusters"], 1);
    assert_eq!(s["cluster_sizes"]["4"], 1);
    assert!(
        s["parameters"]["bands"].as_u64().unwrap() * s["parameters"]["rows"].as_u64().unwrap()
            <= 128
    );
    for stage in [
        "read_sketch",
        "exact",
        "lsh",
        "verify",
        "cluster",
        "write",
        "total",
    ] {
        assert!(
            s["run"]["seconds"][stage].is_number(),
            "missing stage {stage}"
        );
    }
}

#[test]
fn keep_longest_keeps_the_longest_copy() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_corpus(dir.path());
    let out = dir.path().join("out");
    shingle_ok(&["dedup", p(&input), "-o", p(&out), "--keep", "longest", "-q"]);
    let kept = jsonl_ids(&out.join("deduped.jsonl"));
    assert_eq!(kept, vec!["b", "c"], "c has the longest chrome");
}

#[test]
fn chains_never_remove_a_document_for_one_it_does_not_resemble() {
    // A, B, C where B is A with its first third replaced and C is B with its last
    // third replaced: A~B and B~C are above 0.5, A~C is far below.
    let words: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
    let mut a = words.clone();
    let mut b = words.clone();
    for w in b.iter_mut().take(40) {
        *w = format!("x{w}");
    }
    let mut c = b.clone();
    for w in c.iter_mut().skip(260) {
        *w = format!("y{w}");
    }
    a.truncate(300);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("chain.jsonl");
    write(
        &input,
        &[
            record("A", &a.join(" ")),
            record("B", &b.join(" ")),
            record("C", &c.join(" ")),
        ],
    );
    let out = dir.path().join("out");
    shingle_ok(&[
        "dedup",
        p(&input),
        "-o",
        p(&out),
        "--threshold",
        "0.6",
        "-q",
    ]);
    let clusters = read_clusters(&out);
    // B goes to A; C is not similar enough to A, so it stays.
    assert_eq!(
        clusters
            .iter()
            .map(|c| (c.id.as_str(), c.cluster.as_str()))
            .collect::<Vec<_>>(),
        vec![("A", "A"), ("B", "A")]
    );
    assert_eq!(jsonl_ids(&out.join("deduped.jsonl")), vec!["A", "C"]);
    for c in &clusters {
        assert!(c.similarity >= 0.6);
    }
}

#[test]
fn empty_documents_are_kept_and_never_clustered() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("empty.jsonl");
    write(
        &input,
        &[
            record("e1", ""),
            record("e2", "   "),
            record("e3", "-- | --"),
            record("x", OTHER),
            record("e4", ""),
        ],
    );
    let out = dir.path().join("out");
    shingle_ok(&["dedup", p(&input), "-o", p(&out), "-q"]);
    assert!(read_clusters(&out).is_empty());
    let s = stats(&out);
    assert_eq!(s["documents"]["kept"], 5);
    assert_eq!(s["documents"]["empty"], 4);
}

#[test]
fn short_documents_get_one_shingle_and_still_match() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("short.jsonl");
    write(
        &input,
        &[
            record("s1", "Breaking News"),
            record("s2", "breaking news!"),
            record("s3", "Breaking"),
        ],
    );
    let out = dir.path().join("out");
    shingle_ok(&["dedup", p(&input), "-o", p(&out), "-q"]);
    assert_eq!(jsonl_ids(&out.join("deduped.jsonl")), vec!["s1", "s3"]);
}

#[test]
fn missing_ids_become_file_and_line_and_dotted_fields_work() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("noid.jsonl");
    let rec = |t: &str| serde_json::json!({"meta": {"body": t}}).to_string();
    write(
        &input,
        &[rec(ARTICLE), String::new(), rec(OTHER), rec(ARTICLE)],
    );
    let out = dir.path().join("out");
    shingle_ok(&[
        "dedup",
        p(&input),
        "-o",
        p(&out),
        "--text-field",
        "meta.body",
        "-q",
    ]);
    let clusters = read_clusters(&out);
    let name = p(&input);
    assert_eq!(clusters[0].id, format!("{name}:1"));
    assert_eq!(
        clusters[1].id,
        format!("{name}:4"),
        "line numbers count blank lines"
    );
    assert_eq!(stats(&out)["blank_lines"], 1);
}

#[test]
fn reads_directories_text_files_gzip_zstd_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("pages")).unwrap();
    // Two gzip members concatenated.
    let mut gz = Vec::new();
    for rec in [record("g1", ARTICLE), record("g2", OTHER)] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        writeln!(enc, "{rec}").unwrap();
        gz.extend(enc.finish().unwrap());
    }
    std::fs::write(corpus.join("a.jsonl.gz"), gz).unwrap();
    std::fs::write(
        corpus.join("b.jsonl.zst"),
        zstd::encode_all(format!("{}\n", record("z1", OTHER)).as_bytes(), 3).unwrap(),
    )
    .unwrap();
    std::fs::write(corpus.join("pages/p1.txt"), ARTICLE).unwrap();
    std::fs::write(corpus.join("notes.md"), "ignored").unwrap();
    let out = dir.path().join("out");
    shingle_ok(&["dedup", p(&corpus), "-o", p(&out), "-q"]);
    let s = stats(&out);
    assert_eq!(s["documents"]["read"], 4);
    assert_eq!(s["inputs"].as_array().unwrap().len(), 3);
    // Output is compressed like the first input.
    let deduped = std::fs::read(out.join("deduped.jsonl.gz")).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::MultiGzDecoder::new(&deduped[..]),
        &mut text,
    )
    .unwrap();
    assert_eq!(text.lines().count(), 2);
    let clusters = read_clusters(&out);
    let pairs: Vec<(&str, &str)> = clusters
        .iter()
        .map(|c| (c.id.as_str(), c.cluster.as_str()))
        .collect();
    let page = format!("{}", corpus.join("pages/p1.txt").display());
    assert!(pairs.contains(&(page.as_str(), "g1")), "{pairs:?}");
    assert!(pairs.contains(&("z1", "g2")), "{pairs:?}");

    // stdin
    let input = small_corpus(dir.path());
    let out2 = dir.path().join("out2");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_shingle"))
        .args(["dedup", "-", "-o", p(&out2), "-q"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert_eq!(jsonl_ids(&out2.join("deduped.jsonl")), vec!["a", "b"]);
    assert_eq!(
        files_in(&out2),
        vec!["clusters.jsonl", "deduped.jsonl", "stats.json"]
    );
}

#[test]
fn output_is_identical_with_one_or_all_threads_and_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let config = shingle::synth::SynthConfig {
        documents: 3000,
        mean_words: 150,
        ..Default::default()
    };
    let input = synth_corpus(dir.path(), "synth.jsonl", &config);
    let mut results = Vec::new();
    for (i, threads) in ["1", "2", "0", "2"].iter().enumerate() {
        let out = dir.path().join(format!("out{i}"));
        shingle_ok(&[
            "dedup",
            p(&input),
            "-o",
            p(&out),
            "--threads",
            threads,
            "-q",
        ]);
        results.push((
            std::fs::read(out.join("clusters.jsonl")).unwrap(),
            std::fs::read(out.join("deduped.jsonl")).unwrap(),
            stable_stats(&out),
        ));
    }
    assert!(!results[0].0.is_empty());
    for r in &results[1..] {
        assert!(
            r == &results[0],
            "outputs differ between thread counts or runs"
        );
    }
}

/// Runs dedup on lines that include one bad record; checks the error names file
/// and line and that nothing is left that looks like a result; then checks the
/// skip policy accounts for every record.
fn check_bad_input(name: &str, bad_line: &[u8], reason: &str, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.jsonl"));
    let mut bytes = Vec::new();
    for l in [record("a", ARTICLE), record("b", OTHER)] {
        bytes.extend_from_slice(l.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(bad_line);
    bytes.push(b'\n');
    bytes.extend_from_slice(record("d", ARTICLE).as_bytes());
    bytes.push(b'\n');
    std::fs::write(&input, &bytes).unwrap();

    let out = dir.path().join("out");
    let mut args = vec!["dedup", p(&input), "-o", p(&out), "-q"];
    args.extend_from_slice(extra);
    let failed = shingle(&args);
    assert!(
        !failed.status.success(),
        "{name}: bad input must fail by default"
    );
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains(&format!("{}:3", input.display())),
        "{name}: {err}"
    );
    assert!(err.contains(reason), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(
        files_in(&out).is_empty(),
        "{name}: left {:?}",
        files_in(&out)
    );

    args.extend_from_slice(&["--on-bad-record", "skip"]);
    shingle_ok(&args);
    let s = stats(&out);
    let d = &s["documents"];
    assert_eq!(d["read"], 4, "{name}");
    assert_eq!(d["skipped"], 1, "{name}");
    assert_eq!(s["skipped"][reason], 1, "{name}");
    assert_eq!(
        d["kept"].as_u64().unwrap() + d["removed"].as_u64().unwrap() + 1,
        4,
        "{name}: kept + removed + skipped = read"
    );
    let skipped = std::fs::read_to_string(out.join("skipped.jsonl")).unwrap();
    let v: serde_json::Value = serde_json::from_str(skipped.trim()).unwrap();
    assert_eq!(v["line"], 3);
    assert_eq!(v["reason"], reason);
    assert_eq!(jsonl_ids(&out.join("deduped.jsonl")), vec!["a", "b"]);
}

#[test]
fn malformed_json_is_reported_with_file_and_line() {
    check_bad_input(
        "malformed",
        br#"{"id": "c", "text": "unterminated"#,
        "malformed_json",
        &[],
    );
    check_bad_input("not_object", br#"["id", "c"]"#, "malformed_json", &[]);
}

#[test]
fn invalid_utf8_is_reported() {
    check_bad_input(
        "utf8",
        b"{\"id\": \"c\", \"text\": \"caf\xe9\"}",
        "invalid_utf8",
        &[],
    );
}

#[test]
fn missing_or_non_string_text_is_reported() {
    check_bad_input(
        "missing",
        br#"{"id": "c", "body": "x"}"#,
        "missing_text",
        &[],
    );
    check_bad_input(
        "number",
        br#"{"id": "c", "text": 42}"#,
        "text_not_string",
        &[],
    );
    check_bad_input(
        "null",
        br#"{"id": "c", "text": null}"#,
        "text_not_string",
        &[],
    );
}

#[test]
fn huge_records_are_reported() {
    let big = record("c", &"word ".repeat(2000));
    check_bad_input(
        "huge",
        big.as_bytes(),
        "record_too_large",
        &["--max-record-bytes", "5000"],
    );
}

#[test]
fn huge_documents_within_the_limit_are_processed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    let big: String = (0..400_000).map(|i| format!("w{} ", i % 100_000)).collect();
    write(
        &input,
        &[
            record("big1", &big),
            record("big2", &big),
            record("s", OTHER),
        ],
    );
    let out = dir.path().join("out");
    shingle_ok(&["dedup", p(&input), "-o", p(&out), "-q"]);
    assert_eq!(jsonl_ids(&out.join("deduped.jsonl")), vec!["big1", "s"]);
}

fn check_truncated(compressed: Vec<u8>, suffix: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("cut.jsonl.{suffix}"));
    std::fs::write(&input, &compressed[..compressed.len() * 2 / 3]).unwrap();
    let out = dir.path().join("out");
    let failed = shingle(&["dedup", p(&input), "-o", p(&out), "-q"]);
    assert!(!failed.status.success());
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains("truncated_stream") && err.contains(p(&input)),
        "{err}"
    );
    assert!(files_in(&out).is_empty(), "left {:?}", files_in(&out));
    shingle_ok(&[
        "dedup",
        p(&input),
        "-o",
        p(&out),
        "-q",
        "--on-bad-record",
        "skip",
    ]);
    let s = stats(&out);
    assert_eq!(s["documents"]["skipped"], 1);
    assert_eq!(s["skipped"]["truncated_stream"], 1);
    let read = s["documents"]["read"].as_u64().unwrap();
    assert!(read > 100 && read < 2000, "read {read}");
}

fn many_records() -> String {
    (0..2000)
        .map(|i| {
            format!(
                "{}\n",
                record(&format!("r{i}"), &format!("record {i} {OTHER} {i}"))
            )
        })
        .collect()
}

#[test]
fn truncated_gzip_is_reported() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(many_records().as_bytes()).unwrap();
    check_truncated(enc.finish().unwrap(), "gz");
}

#[test]
fn truncated_zstd_is_reported() {
    check_truncated(
        zstd::encode_all(many_records().as_bytes(), 3).unwrap(),
        "zst",
    );
}

#[test]
fn a_failed_run_does_not_leave_old_results_looking_current() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_corpus(dir.path());
    let out = dir.path().join("out");
    shingle_ok(&["dedup", p(&input), "-o", p(&out), "-q"]);
    assert!(out.join("stats.json").exists());
    std::fs::write(&input, "{not json}\n").unwrap();
    assert!(!shingle(&["dedup", p(&input), "-o", p(&out), "-q"])
        .status
        .success());
    assert!(
        !out.join("stats.json").exists(),
        "stale stats.json marks a complete run"
    );
    assert!(
        files_in(&out).iter().all(|f| !f.starts_with('.')),
        "{:?}",
        files_in(&out)
    );
}

#[test]
fn bad_options_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_corpus(dir.path());
    let out = dir.path().join("out");
    for (args, needle) in [
        (vec!["--threshold", "1.5"], "--threshold"),
        (vec!["--bands", "20", "--rows", "10"], "bands × rows"),
        (vec!["--ngram", "0"], "--ngram"),
    ] {
        let mut all = vec!["dedup", p(&input), "-o", p(&out)];
        all.extend(args);
        let r = shingle(&all);
        assert!(!r.status.success());
        assert!(String::from_utf8_lossy(&r.stderr).contains(needle));
    }
    let r = shingle(&["dedup", "/no/such/file.jsonl", "-o", p(&out)]);
    assert!(String::from_utf8_lossy(&r.stderr).contains("/no/such/file.jsonl"));
}

#[test]
fn params_prints_the_s_curve() {
    let out = shingle_ok(&["params", "--threshold", "0.8", "--num-perm", "128"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("bands × rows = "), "{text}");
    assert!(text.contains("<- threshold"));
    let balanced = shingle_ok(&["params", "--fn-weight", "0.5"]);
    assert!(String::from_utf8_lossy(&balanced.stdout).contains("9 × 13"));
}

#[test]
fn help_documents_every_option_with_defaults() {
    let out = shingle_ok(&["dedup", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--threshold",
        "--num-perm",
        "--ngram",
        "--shingle",
        "--bands",
        "--rows",
        "--seed",
        "--keep",
        "--verify",
        "--threads",
        "--quiet",
        "--on-bad-record",
        "--text-field",
        "--id-field",
    ] {
        assert!(help.contains(opt), "missing {opt}");
    }
    assert!(help.contains("[default: 0.8]"));
    assert!(help.contains("[default: exact]"));
}

/// With `--verify-from-input`, pass 1 keeps only where each document of an
/// uncompressed input is, and verification shingles the documents it compares
/// again from the input; the same bytes gzipped have every document's
/// fingerprints stored instead. The two must decide exactly alike, including
/// around what moves offsets: CRLF and LF endings, blank lines, a record
/// skipped as too large, records without an id, a last line without a
/// newline, and `--strip-lines`; and alike with one thread or all.
#[test]
fn verification_reading_the_input_again_matches_stored_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let config = shingle::synth::SynthConfig {
        documents: 1500,
        mean_words: 120,
        ..Default::default()
    };
    let mut generated = Vec::new();
    shingle::synth::write_jsonl(&config, &mut generated).unwrap();
    let mut bytes = Vec::new();
    for (i, line) in generated
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let mut value: serde_json::Value = serde_json::from_slice(line).unwrap();
        if i % 7 == 3 {
            value.as_object_mut().unwrap().remove("id");
        }
        bytes.extend_from_slice(value.to_string().as_bytes());
        bytes.extend_from_slice(if i % 5 == 1 { b"\r\n" } else { b"\n" });
        if i % 97 == 0 {
            bytes.extend_from_slice(b"  \n\n");
        }
        if i == 600 {
            let huge = "lorem ipsum dolor ".repeat(20_000);
            bytes.extend_from_slice(record("huge", &huge).as_bytes());
            bytes.push(b'\n');
        }
    }
    bytes.pop(); // no newline after the last record
    let plain_dir = dir.path().join("plain");
    let gz_dir = dir.path().join("gz");
    std::fs::create_dir_all(&plain_dir).unwrap();
    std::fs::create_dir_all(&gz_dir).unwrap();
    // The same name in both (compression is found from the bytes), so that
    // ids made of file and line agree.
    std::fs::write(plain_dir.join("corpus.jsonl"), &bytes).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    std::fs::write(gz_dir.join("corpus.jsonl"), gz.finish().unwrap()).unwrap();

    for extra in [&[][..], &["--strip-lines", "3"][..]] {
        let run = |dir: &Path, threads: &str| {
            let mut args = vec![
                "dedup",
                "corpus.jsonl",
                "-o",
                "out",
                "-q",
                "--threads",
                threads,
            ];
            args.extend(["--on-bad-record", "skip", "--max-record-bytes", "100000"]);
            args.push("--verify-from-input");
            args.extend_from_slice(extra);
            shingle_ok_in(dir, &args);
            let out = dir.join("out");
            let deduped = ["deduped.jsonl", "deduped.jsonl.gz"]
                .iter()
                .map(|name| out.join(name))
                .find(|path| path.exists())
                .map(|path| read_decoded(&path))
                .expect("a deduped output");
            let clusters = std::fs::read(out.join("clusters.jsonl")).unwrap();
            let s = stable_stats(&out);
            std::fs::remove_dir_all(&out).unwrap();
            (deduped, clusters, s)
        };
        // Shingled again on one thread or all: the same bytes and stats.
        assert!(
            run(&plain_dir, "1") == run(&plain_dir, "0"),
            "{extra:?}: one thread and all differ"
        );
        let (plain_kept, plain_clusters, plain_stats) = run(&plain_dir, "0");
        let (gz_kept, gz_clusters, gz_stats) = run(&gz_dir, "0");
        assert!(plain_kept == gz_kept, "{extra:?}: kept records differ");
        assert!(plain_clusters == gz_clusters, "{extra:?}: clusters differ");
        for key in [
            "documents",
            "clusters",
            "cluster_sizes",
            "candidate_pairs",
            "verified_pairs",
        ] {
            assert_eq!(plain_stats[key], gz_stats[key], "{extra:?}: {key}");
        }
        assert_eq!(plain_stats["documents"]["skipped"], 1);
        assert!(
            plain_stats["verified_pairs"].as_u64().unwrap() > 50,
            "{plain_stats}"
        );
        assert!(plain_stats["documents"]["removed_near"].as_u64().unwrap() > 50);
        // Places instead of fingerprints: a small fraction of the store.
        let store = |s: &serde_json::Value| s["disk"]["doc_store_bytes"].as_u64().unwrap();
        assert!(
            store(&plain_stats) * 10 < store(&gz_stats),
            "{} vs {}",
            store(&plain_stats),
            store(&gz_stats)
        );
    }
}
