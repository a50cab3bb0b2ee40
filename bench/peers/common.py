"""Shared plumbing for the peer dedup scripts (bench/peers/*_dedup.py).

Every peer reads the same JSONL corpus, shingles the same way and writes its
kept records the same way, so that only the library under test differs:

* words: ``re.findall(r"\\w+", text.lower())`` (Python's Unicode-aware ``\\w``);
* shingles: the set of word n-grams joined by single spaces; a document with
  fewer than n words (but at least one) gets a single shingle of all its words,
  as ``shingle`` does; a document without words is kept and never indexed;
* output: one ``{"id": ...}`` line per kept record, in input order, plus
  ``OUTPUT.meta.json`` with the library version and the parameters used.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from importlib import metadata
from typing import Iterator

WORD_RE = re.compile(r"\w+")


def parse_args(description: str, extra=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("input", help="JSONL corpus ({\"id\", \"text\", ...} per line)")
    p.add_argument("output", help="kept records as JSONL {\"id\": ...} lines")
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--ngram", type=int, default=5)
    p.add_argument("--text-field", default="text")
    p.add_argument("--id-field", default="id")
    if extra is not None:
        extra(p)
    return p.parse_args()


def read_records(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[tuple[str, str]]:
    """Yield (id, text) for each JSONL record of `path`."""
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            yield rec[id_field], rec[text_field]


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def normalized(text: str) -> str:
    """The words of `text` joined by single spaces (for libraries that tokenize
    themselves: any whitespace or word-boundary splitter gives back exactly
    the words of `words`)."""
    return " ".join(words(text))


def shingles(text: str, n: int) -> set[str]:
    ws = words(text)
    if not ws:
        return set()
    if len(ws) < n:
        return {" ".join(ws)}
    return {" ".join(ws[i : i + n]) for i in range(len(ws) - n + 1)}


class KeptWriter:
    """Writes kept ids as JSONL and, on close, OUTPUT.meta.json."""

    def __init__(self, path: str):
        self.path = path
        self.f = open(path, "w", encoding="utf-8")
        self.read = 0
        self.kept = 0
        self.start = time.perf_counter()

    def keep(self, doc_id) -> None:
        self.f.write(json.dumps({"id": doc_id}, ensure_ascii=False))
        self.f.write("\n")
        self.kept += 1

    def close(self, tool: str, package: str, params: dict) -> None:
        self.f.close()
        meta = {
            "tool": tool,
            "version": version(package),
            "python": sys.version.split()[0],
            "threads": 1,
            "params": params,
            "documents": {"read": self.read, "kept": self.kept, "removed": self.read - self.kept},
            "seconds": round(time.perf_counter() - self.start, 3),
        }
        with open(self.path + ".meta.json", "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")


def default_bands(num_perm: int) -> int:
    """LSH bands for the peers that need num_bands to divide num_perm: the most
    bands that still leave at least 8 rows (16 x 8 for 128 permutations, what
    `shingle` picks for threshold 0.8)."""
    return max(b for b in range(1, num_perm + 1) if num_perm % b == 0 and num_perm // b >= min(8, num_perm))


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
