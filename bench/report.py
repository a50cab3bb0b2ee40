#!/usr/bin/env python3
"""Summarize the runs of bench/compare.sh: one Markdown table and the raw numbers.

Standard library only. Reads, for each tool and round, RUNS/ROUND/TOOL/{wall_us,
exit_code, time.txt} (time.txt is GNU `/usr/bin/time -v` output), the tool's
parameters (kept.jsonl.meta.json of a peer, shingle-out/stats.json of shingle)
and RUNS/TOOL.eval.json (`shingle eval`). Prints the table, writes it with a
header (corpus, machine) to --markdown and everything to --json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys

SHINGLE_TOOLS = ("shingle", "shingle-1t")


def parse_time_v(path: str) -> dict:
    """The fields of `/usr/bin/time -v` output that the report uses."""
    fields = {
        "Maximum resident set size (kbytes)": ("max_rss_kb", int),
        "User time (seconds)": ("user_s", float),
        "System time (seconds)": ("sys_s", float),
        "Percent of CPU this job got": ("cpu_percent", lambda v: int(v.rstrip("%") or 0)),
        "Elapsed (wall clock) time (h:mm:ss or m:ss)": ("elapsed_time_v", str),
        "Exit status": ("exit_status", int),
    }
    out: dict = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, sep, value = line.strip().rpartition(": ")
                if sep and key in fields:
                    name, conv = fields[key]
                    try:
                        out[name] = conv(value)
                    except ValueError:
                        pass
    except FileNotFoundError:
        pass
    return out


def read_text(path: str, default: str = "") -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def machine() -> dict:
    info = {
        "cpu": platform.processor() or platform.machine(),
        "logical_cpus": os.cpu_count(),
        "kernel": platform.release(),
        "os": platform.system(),
        "python": sys.version.split()[0],
    }
    cpuinfo = read_text("/proc/cpuinfo")
    m = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    if m:
        info["cpu"] = m.group(1).strip()
    m = re.search(r"^MemTotal:\s*(\d+) kB", read_text("/proc/meminfo"), re.M)
    if m:
        info["memory_gib"] = round(int(m.group(1)) / 2**20, 1)
    m = re.search(r'^PRETTY_NAME="?([^"\n]+)', read_text("/etc/os-release"), re.M)
    if m:
        info["os"] = m.group(1)
    if "hypervisor" in cpuinfo:
        info["virtualized"] = True
    try:
        info["rustc"] = subprocess.run(
            ["rustc", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def params_text(tool: str, meta: dict | None) -> str:
    if not meta:
        return "?"
    p = meta.get("params", {})
    bits = [f"{p.get('bands', '?')}×{p.get('rows', '?')} LSH"]
    verify = p.get("verify")
    bits.append({"exact": "exact verify", "signature": "sketch verify", "sketch": "sketch verify",
                 "none": "no verify"}.get(verify, f"verify {verify}"))
    if tool == "datatrove":
        bits.append("keep cluster root")
    return ", ".join(bits)


def fmt(x, spec: str) -> str:
    return "–" if x is None else format(x, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs-dir", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--corpus-bytes", type=int, required=True)
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--mean-words", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--threshold", type=float, required=True)
    ap.add_argument("--num-perm", type=int, required=True)
    ap.add_argument("--ngram", type=int, required=True)
    ap.add_argument("--shingle", required=True, help="path of the shingle binary")
    ap.add_argument("--shingle-rev", default="unknown")
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()

    tools = a.tools.split()
    try:
        shingle_version = subprocess.run(
            [a.shingle, "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        shingle_version = "?"

    results = []
    for tool in tools:
        runs = []
        meta = None
        for r in range(1, a.rounds + 1):
            d = os.path.join(a.runs_dir, str(r), tool)
            exit_code = int(read_text(os.path.join(d, "exit_code"), "-1") or -1)
            wall_us = read_text(os.path.join(d, "wall_us"))
            run = {
                "round": r,
                "exit_code": exit_code,
                "wall_s": int(wall_us) / 1e6 if wall_us else None,
                **parse_time_v(os.path.join(d, "time.txt")),
            }
            runs.append(run)
            if exit_code == 0:
                if tool in SHINGLE_TOOLS:
                    stats = read_json(os.path.join(d, "shingle-out", "stats.json")) or {}
                    meta = {
                        "version": f"{shingle_version} ({a.shingle_rev})",
                        "threads": stats.get("run", {}).get("threads"),
                        "params": stats.get("parameters", {}),
                        "documents": stats.get("documents", {}),
                    }
                else:
                    meta = read_json(os.path.join(d, "kept.jsonl.meta.json")) or meta
        ok = [x for x in runs if x["exit_code"] == 0 and x["wall_s"] is not None]
        wall = statistics.median(x["wall_s"] for x in ok) if ok else None
        rss = [x["max_rss_kb"] for x in ok if "max_rss_kb" in x]
        rss_mib = statistics.median(rss) / 1024 if rss else None
        cpu = [
            100 * (x["user_s"] + x["sys_s"]) / x["wall_s"]
            for x in ok
            if "user_s" in x and "sys_s" in x and x["wall_s"]
        ]
        quality = read_json(os.path.join(a.runs_dir, f"{tool}.eval.json"))
        results.append(
            {
                "tool": tool,
                "version": (meta or {}).get("version", "?"),
                "threads": (meta or {}).get("threads"),
                "params": (meta or {}).get("params"),
                "parameters": params_text(tool, meta),
                "successful_runs": len(ok),
                "runs": runs,
                "wall_s_median": wall,
                "docs_per_s": a.docs / wall if wall else None,
                "mb_per_s": a.corpus_bytes / 1e6 / wall if wall else None,
                "peak_rss_mib_median": rss_mib,
                "cpu_percent_median": statistics.median(cpu) if cpu else None,
                "removed": (quality or {}).get("removed"),
                "recall": (quality or {}).get("duplicate_recall"),
                "precision": (quality or {}).get("removal_precision"),
                "quality": quality,
            }
        )

    base = next((x["wall_s_median"] for x in results if x["tool"] == "shingle"), None)
    for x in results:
        x["time_ratio_to_shingle"] = (
            x["wall_s_median"] / base if base and x["wall_s_median"] is not None else None
        )

    header = (
        "| tool | version | threads | parameters | wall s (median) | CPU % | docs/s | MB/s "
        "| peak RSS MiB (median) | removed | recall | precision | time ÷ shingle |"
    )
    lines = [header, "|" + "---|" * 4 + "---:|" * 9]
    for x in results:
        if x["successful_runs"] == 0:
            lines.append(
                f"| {x['tool']} | {x['version']} | | {x['parameters']} | failed "
                f"(see {a.runs_dir}/*/{x['tool']}/stderr.log) | | | | | | | | |"
            )
            continue
        lines.append(
            "| {tool} | {version} | {threads} | {params} | {wall} | {cpu} | {dps} | {mbs} | {rss} "
            "| {removed} | {recall} | {precision} | {ratio} |".format(
                tool=x["tool"],
                version=x["version"],
                threads=x["threads"] if x["threads"] is not None else "?",
                params=x["parameters"],
                wall=fmt(x["wall_s_median"], ".2f"),
                cpu=fmt(x["cpu_percent_median"], ".0f"),
                dps=fmt(x["docs_per_s"], ",.0f"),
                mbs=fmt(x["mb_per_s"], ".1f"),
                rss=fmt(x["peak_rss_mib_median"], ",.0f"),
                removed=fmt(x["removed"], ","),
                recall=fmt(x["recall"], ".4f"),
                precision=fmt(x["precision"], ".4f"),
                ratio=fmt(x["time_ratio_to_shingle"], ".2f"),
            )
        )
    table = "\n".join(lines)
    print(table)

    m = machine()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mem = f", {m['memory_gib']} GiB RAM" if "memory_gib" in m else ""
    virt = ", virtual machine" if m.get("virtualized") else ""
    md = [
        f"Corpus: `shingle generate --documents {a.docs} --mean-words {a.mean_words} "
        f"--seed {a.seed}` ({a.corpus_bytes / 1e6:.1f} MB). "
        f"Word {a.ngram}-grams, lowercase, {a.num_perm} permutations, threshold {a.threshold}. "
        f"Median of {a.rounds} interleaved round(s); recall and precision against exact "
        f"Jaccard (`shingle eval`).",
        "",
        f"Machine: {m['cpu']}, {m['logical_cpus']} logical CPUs{mem}{virt}, {m['os']}, "
        f"Linux {m['kernel']}, Python {m['python']}, {m.get('rustc', 'rustc ?')}; {now}.",
        "",
        table,
        "",
    ]
    os.makedirs(os.path.dirname(os.path.abspath(a.markdown)), exist_ok=True)
    with open(a.markdown, "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(
            {
                "date": now,
                "machine": m,
                "corpus": {
                    "path": a.corpus,
                    "documents": a.docs,
                    "mean_words": a.mean_words,
                    "seed": a.seed,
                    "bytes": a.corpus_bytes,
                },
                "parameters": {"threshold": a.threshold, "num_perm": a.num_perm, "ngram": a.ngram},
                "rounds": a.rounds,
                "tools": results,
            },
            f,
            indent=2,
        )
        f.write("\n")


if __name__ == "__main__":
    main()
