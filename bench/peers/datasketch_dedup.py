#!/usr/bin/env python3
"""Streaming near-duplicate removal with datasketch, as its users usually write it.

MinHash(num_perm) per document (a copy of one initialized MinHash, as
datasketch's own MinHash.generator/bulk do to reuse the permutations; the
document's shingles go in with update_batch), MinHashLSH(threshold, num_perm)
with datasketch's own choice of bands x rows, query-then-insert: a document
is removed when the LSH returns any earlier kept document as a candidate (no
verification: MinHashLSH.query candidates are taken as duplicates), otherwise
it is kept and inserted. Single-threaded.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import KeptWriter, parse_args, read_records, shingles  # noqa: E402

from datasketch import MinHash, MinHashLSH  # noqa: E402


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    out = KeptWriter(args.output)

    # MinHash.generator's trick: build the permutations once, copy per document.
    base = MinHash(num_perm=args.num_perm)
    for key, (doc_id, text) in enumerate(read_records(args.input, args.text_field, args.id_field)):
        out.read += 1
        shingle_set = shingles(text, args.ngram)
        if not shingle_set:  # no words: nothing to compare
            out.keep(doc_id)
            continue
        m = base.copy()
        m.update_batch([s.encode("utf-8") for s in shingle_set])
        if lsh.query(m):
            continue
        lsh.insert(key, m)
        out.keep(doc_id)

    out.close(
        "datasketch",
        "datasketch",
        {
            "num_perm": args.num_perm,
            "threshold": args.threshold,
            "ngram": args.ngram,
            "bands": lsh.b,
            "rows": lsh.r,
            "verify": "none",
            "tokenizer": "\\w+ lowercase",
        },
    )


if __name__ == "__main__":
    main()
