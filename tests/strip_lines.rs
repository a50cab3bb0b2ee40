//! `dedup --strip-lines`: site chrome must neither join different articles of one
//! site nor hide an article syndicated to two sites with different chrome.

mod common;

use std::collections::BTreeSet;
use std::io::Write;

use common::*;

/// Heavy chrome for a site: `lines` navigation/footer lines of six words each.
fn chrome(site: &str, lines: usize) -> Vec<String> {
    (0..lines)
        .map(|i| format!("{site} menu section {i} latest {site}{i} stories"))
        .collect()
}

/// A short article of unique words, in three paragraphs.
fn article(tag: &str) -> String {
    (0..3)
        .map(|p| {
            (0..20)
                .map(|w| format!("{tag}w{p}x{w}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn page(chrome: &[String], body: &str) -> String {
    let (head, foot) = chrome.split_at(chrome.len() / 2);
    format!("{}\n{body}\n{}", head.join("\n"), foot.join("\n"))
}

#[test]
fn stripping_chrome_fixes_false_joins_and_misses() {
    let a = chrome("alpha", 100);
    let b = chrome("beta", 100);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sites.jsonl");
    let mut f = std::fs::File::create(&input).unwrap();
    let mut write = |id: &str, text: String| {
        writeln!(f, "{}", serde_json::json!({"id": id, "text": text})).unwrap();
    };
    // Two different articles on site alpha, one article syndicated to both sites,
    // and filler pages so each site's chrome is in many documents.
    write("alpha-1", page(&a, &article("one")));
    write("alpha-2", page(&a, &article("two")));
    write("alpha-x", page(&a, &article("syndicated")));
    write("beta-x", page(&b, &article("syndicated")));
    for i in 0..10 {
        write(
            &format!("alpha-f{i}"),
            page(&a, &article(&format!("af{i}"))),
        );
        write(&format!("beta-f{i}"), page(&b, &article(&format!("bf{i}"))));
    }
    drop(f);

    let pair = |a: &str, b: &str| -> BTreeSet<String> { [a.to_string(), b.to_string()].into() };
    let plain = dir.path().join("plain");
    shingle_ok(&["dedup", p(&input), "-o", p(&plain), "-q"]);
    let plain_sets = cluster_sets(&plain);
    // Without stripping, chrome dominates: different alpha articles look alike
    // and the syndicated pair does not.
    assert!(
        plain_sets
            .iter()
            .any(|c| c.contains("alpha-1") && c.contains("alpha-2")),
        "expected chrome to join different articles without stripping: {plain_sets:?}"
    );
    assert!(!plain_sets
        .iter()
        .any(|c| c.contains("alpha-x") && c.contains("beta-x")));

    let stripped = dir.path().join("stripped");
    shingle_ok(&[
        "dedup",
        p(&input),
        "-o",
        p(&stripped),
        "-q",
        "--strip-lines",
        "5",
    ]);
    let sets = cluster_sets(&stripped);
    assert_eq!(sets, BTreeSet::from([pair("alpha-x", "beta-x")]));
    let s = stats(&stripped);
    assert_eq!(s["stripped_common_lines"], 200);
    assert_eq!(s["parameters"]["strip_lines"], 5);
    assert_eq!(s["documents"]["removed"], 1);
    // The kept records are the originals, chrome included.
    let kept = std::fs::read_to_string(stripped.join("deduped.jsonl")).unwrap();
    assert!(kept.contains("alpha menu section 0"));
    assert_eq!(kept.lines().count(), 23);
}

#[test]
fn strip_lines_reads_stdin_through_its_spool() {
    let dir = tempfile::tempdir().unwrap();
    let a = chrome("gamma", 60);
    let mut text = String::new();
    for i in 0..6 {
        let body = if i < 2 {
            article("same")
        } else {
            article(&format!("g{i}"))
        };
        text.push_str(
            &serde_json::json!({"id": format!("g{i}"), "text": page(&a, &body)}).to_string(),
        );
        text.push('\n');
    }
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_shingle"))
        .args(["dedup", "-", "-o", p(&out), "-q", "--strip-lines", "3"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert_eq!(
        jsonl_ids(&out.join("deduped.jsonl")),
        vec!["g0", "g2", "g3", "g4", "g5"]
    );
}
