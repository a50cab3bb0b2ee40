#!/usr/bin/env python3
"""Near-duplicate removal with datatrove's four-stage MinHash pipeline.

The pipeline of datatrove's own minhash example, run locally with one worker
(LocalPipelineExecutor, workers=1): JsonlReader -> MinhashDedupSignature
(signatures written to disk per bucket), MinhashDedupBuckets (one task per
bucket: sort and match equal band hashes), MinhashDedupCluster (union-find
over matched pairs, no verification), JsonlReader -> MinhashDedupFilter, which
drops every clustered document except the cluster's root, and a last step that
writes the kept ids. MinhashConfig(n_grams, num_buckets=16,
hashes_per_bucket=8): 128 hashes in 16 bands x 8 rows, as `shingle` picks for
0.8 (datatrove's default is 14 x 8 = 112). datatrove has no threshold
parameter; --threshold is only recorded.

Tokenization is matched to the other peers: text normalization reduced to
lowercasing (no punctuation, digit or diacritic rewriting) and a \\w+ word
tokenizer passed in place of the default English one (which needs spaCy).
Work files go to OUTPUT.datatrove/ and are removed at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import WORD_RE, KeptWriter, default_bands, parse_args  # noqa: E402

from datatrove.executor.local import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.dedup.minhash import (  # noqa: E402
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.utils.text import TextNormConfig  # noqa: E402
from datatrove.utils.word_tokenizers import WordTokenizer  # noqa: E402


class RegexWordTokenizer(WordTokenizer):
    """\\w+ words, as the other peers split them (only word_tokenize is used)."""

    def word_tokenize(self, text: str) -> list[str]:
        return WORD_RE.findall(text)

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def extra(p) -> None:
    p.add_argument("--bands", type=int, default=None, help="LSH bands (default: 16 for 128 permutations)")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], extra)
    if args.bands is None:
        args.bands = default_bands(args.num_perm)
    rows = args.num_perm // args.bands
    config = MinhashConfig(
        n_grams=args.ngram,
        num_buckets=args.bands,
        hashes_per_bucket=rows,
        norm_config=TextNormConfig(
            lowercase=True,
            norm_whitespace=False,
            remove_punctuation=False,
            norm_unicode_diacritics=False,
            norm_numbers=False,
        ),
    )
    out = KeptWriter(args.output)
    work = os.path.abspath(args.output) + ".datatrove"
    shutil.rmtree(work, ignore_errors=True)
    input_dir = os.path.dirname(os.path.abspath(args.input))
    input_name = os.path.basename(args.input)

    def reader():
        return JsonlReader(
            input_dir,
            glob_pattern=input_name,
            recursive=False,
            text_key=args.text_field,
            id_key=args.id_field,
        )

    LocalPipelineExecutor(
        pipeline=[
            reader(),
            MinhashDedupSignature(
                output_folder=f"{work}/signatures", config=config, language=RegexWordTokenizer()
            ),
        ],
        tasks=1,
        workers=1,
        logging_dir=f"{work}/logs/signatures",
    ).run()
    LocalPipelineExecutor(
        pipeline=[
            MinhashDedupBuckets(
                input_folder=f"{work}/signatures", output_folder=f"{work}/buckets", config=config
            )
        ],
        tasks=config.num_buckets,
        workers=1,
        logging_dir=f"{work}/logs/buckets",
    ).run()
    LocalPipelineExecutor(
        pipeline=[
            MinhashDedupCluster(
                input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids", config=config
            )
        ],
        tasks=1,
        workers=1,
        logging_dir=f"{work}/logs/clusters",
    ).run()

    def write_kept(data, rank: int = 0, world_size: int = 1):
        for doc in data:
            out.keep(doc.id)
            yield doc

    LocalPipelineExecutor(
        pipeline=[reader(), MinhashDedupFilter(input_folder=f"{work}/remove_ids"), write_kept],
        tasks=1,
        workers=1,
        logging_dir=f"{work}/logs/filter",
    ).run()

    with open(f"{work}/logs/filter/stats.json", encoding="utf-8") as f:
        stats = json.load(f)
    out.read = next(
        (s["stats"].get("total", out.kept) for s in stats if "MinHash stage 4" in s.get("name", "")),
        out.kept,
    )
    shutil.rmtree(work, ignore_errors=True)
    out.close(
        "datatrove",
        "datatrove",
        {
            "num_perm": args.bands * rows,
            "threshold": None,
            "ngram": args.ngram,
            "bands": args.bands,
            "rows": rows,
            "verify": "none",
            "keep": "cluster root (union-find by size), not first",
            "hash": "xxhash 64-bit",
            "tokenizer": "\\w+ lowercase",
        },
    )


if __name__ == "__main__":
    main()
