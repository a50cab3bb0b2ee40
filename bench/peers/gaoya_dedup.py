#!/usr/bin/env python3
"""Streaming near-duplicate removal with gaoya's MinHashStringIndex.

gaoya tokenizes and sketches in Rust (analyzer='word' splits on whitespace,
lowercase=True, ngram_range=(n, n)); it is given the text reduced to its \\w+
words joined by spaces, so that its shingles are exactly the other peers'.
Query-then-insert in input order: index.query(text) returns the indexed
documents whose estimated Jaccard (from the 32-bit MinHash signatures) is
>= threshold; a document with any such earlier kept document is removed,
otherwise it is inserted with insert_document (which sketches the text again:
the index has no call that takes a signature). 16 bands x 8 rows = 128
hashes, as `shingle` picks for 0.8. Single-threaded (the par_bulk_* calls
would lose the input-order keep-first semantics).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import KeptWriter, default_bands, normalized, parse_args, read_records  # noqa: E402

from gaoya.minhash import MinHashStringIndex  # noqa: E402


def extra(p) -> None:
    p.add_argument("--bands", type=int, default=None, help="LSH bands (default: 16 for 128 permutations)")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], extra)
    if args.bands is None:
        args.bands = default_bands(args.num_perm)
    rows = args.num_perm // args.bands
    index = MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=args.threshold,
        num_bands=args.bands,
        band_size=rows,
        analyzer="word",
        lowercase=True,
        ngram_range=(args.ngram, args.ngram),
    )
    out = KeptWriter(args.output)
    for key, (doc_id, text) in enumerate(read_records(args.input, args.text_field, args.id_field)):
        out.read += 1
        text = normalized(text)
        if not text:  # no words: nothing to compare
            out.keep(doc_id)
            continue
        if index.query(text):
            continue
        index.insert_document(key, text)
        out.keep(doc_id)

    out.close(
        "gaoya",
        "gaoya",
        {
            "num_perm": args.bands * rows,
            "threshold": args.threshold,
            "ngram": args.ngram,
            "bands": args.bands,
            "rows": rows,
            "verify": "sketch",
            "hash_size": 32,
            "tokenizer": "\\w+ lowercase, joined by spaces, gaoya word analyzer",
        },
    )


if __name__ == "__main__":
    main()
