#!/usr/bin/env python3
"""Streaming near-duplicate removal with rensa's RMinHash and RMinHashLSH.

R-MinHash signatures are built in batches of documents with
RMinHash.from_token_sets (rensa's bulk path: one call per batch, no Python
loop over tokens). Dedup is query-then-insert in input order with
RMinHashLSH(threshold, num_perm, num_bands): a document is removed when some
earlier kept candidate returned by the LSH has an estimated Jaccard
(RMinHash.jaccard) >= threshold -- the check rensa's own RMinHashDeduplicator
applies to LSH candidates; --verify none takes every candidate as a duplicate.

RMinHashLSH needs num_bands to divide num_perm, so datasketch's 9 x 13 cannot
be used; the default, 16 bands x 8 rows, is what `shingle` picks for 0.8 and
128 permutations (rensa's RMinHashDeduplicator would default to 8 x 16, whose
S-curve is centred near 0.88 and misses most pairs between 0.8 and 0.85).
Single-threaded.
"""

from __future__ import annotations

import os
import sys
from itertools import islice

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import KeptWriter, default_bands, parse_args, read_records, shingles  # noqa: E402

from rensa import RMinHash, RMinHashLSH  # noqa: E402

SEED = 42  # rensa's documented default seed
BATCH = 128  # documents per RMinHash.from_token_sets call (bigger batches only add memory)


def extra(p) -> None:
    p.add_argument("--bands", type=int, default=None, help="LSH bands (default: 16 for 128 permutations)")
    p.add_argument("--verify", choices=["sketch", "none"], default="sketch")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], extra)
    if args.bands is None:
        args.bands = default_bands(args.num_perm)
    lsh = RMinHashLSH(threshold=args.threshold, num_perm=args.num_perm, num_bands=args.bands)
    out = KeptWriter(args.output)
    kept_sketches: dict[int, RMinHash] = {}
    records = read_records(args.input, args.text_field, args.id_field)
    key = 0

    while True:
        batch = list(islice(records, BATCH))
        if not batch:
            break
        out.read += len(batch)
        token_sets = [list(shingles(text, args.ngram)) for _, text in batch]
        sketches = RMinHash.from_token_sets(
            [ts for ts in token_sets if ts], num_perm=args.num_perm, seed=SEED
        )
        it = iter(sketches)
        for (doc_id, _), ts in zip(batch, token_sets):
            key += 1
            if not ts:  # no words: nothing to compare
                out.keep(doc_id)
                continue
            m = next(it)
            candidates = lsh.query(m)
            if candidates and (
                args.verify == "none"
                or any(m.jaccard(kept_sketches[c]) >= args.threshold for c in candidates)
            ):
                continue
            lsh.insert(key, m)
            if args.verify != "none":
                kept_sketches[key] = m
            out.keep(doc_id)

    out.close(
        "rensa",
        "rensa",
        {
            "num_perm": args.num_perm,
            "threshold": args.threshold,
            "ngram": args.ngram,
            "bands": args.bands,
            "rows": args.num_perm // args.bands,
            "verify": args.verify,
            "minhash": "RMinHash",
            "seed": SEED,
            "tokenizer": "\\w+ lowercase",
        },
    )


if __name__ == "__main__":
    main()
