#!/usr/bin/env python3
"""Rewrite a generated JSONL corpus into other scripts, for throughput runs.

    shingle generate --documents 40000 --mean-words 700 --seed 7 -o c200m.jsonl
    scripts/script_corpora.py cyrillic c200m.jsonl cyr.jsonl
    scripts/script_corpora.py accented c200m.jsonl fr.jsonl
    scripts/script_corpora.py han     c200m.jsonl han.jsonl --documents 20000
    scripts/script_corpora.py apostrophe c200m.jsonl apos.jsonl --documents 20000
    scripts/script_corpora.py nfd     c200m.jsonl nfd.jsonl --documents 20000
    scripts/script_corpora.py thai    c200m.jsonl thai.jsonl --documents 20000

The planted near-duplicates stay near-duplicates: every variant is a
deterministic function of each word, so equal words stay equal.

- cyrillic:   every ASCII letter mapped to a Cyrillic letter (a -> а, b -> б, ...)
- accented:   the vowels of every 4th word accented (a -> à, e -> é, ...), as in
              French or Spanish text
- han:        every ASCII letter mapped to a CJK ideograph; each is a word of
              its own under UAX #29, so a document has ~5 shingles per old word
- apostrophe: a typographic possessive (’s) after every 10th word
- nfd:        the vowels of every 3rd word given Vietnamese diacritics, written
              decomposed (NFD: a letter and combining marks), as scraped
              captions often are; those words take the full normalization path
- thai:       every ASCII letter mapped to a Thai consonant, with a vowel sign
              (a combining mark) after every other letter; the full path too
"""

import argparse
import json
import re
import sys
import unicodedata

CYRILLIC = "абвгдежзийклмнопрстуфхцчшщ"
ACCENTS = {"a": "à", "e": "é", "i": "î", "o": "ô", "u": "ü",
           "A": "À", "E": "É", "I": "Î", "O": "Ô", "U": "Ü"}
WORD = re.compile(r"\S+")


def letter_table(targets_lower, targets_upper):
    table = {}
    for i in range(26):
        table[ord("a") + i] = targets_lower[i]
        table[ord("A") + i] = targets_upper[i]
    return table


CYRILLIC_TABLE = letter_table(CYRILLIC, CYRILLIC.upper())
HAN_TABLE = letter_table([chr(0x4E00 + 37 * i) for i in range(26)],
                         [chr(0x4E00 + 37 * i + 1) for i in range(26)])
ACCENT_TABLE = {ord(k): v for k, v in ACCENTS.items()}
# Vowels with a circumflex or horn and a dot below or hook above, as in
# Vietnamese; decomposed by unicodedata in `transform`.
VIETNAMESE = {"a": "ậ", "e": "ể", "i": "ị", "o": "ờ", "u": "ữ",
              "A": "Ậ", "E": "Ể", "I": "Ị", "O": "Ờ", "U": "Ữ"}
VIETNAMESE_TABLE = {ord(k): v for k, v in VIETNAMESE.items()}
THAI_CONSONANTS = [chr(0x0E01 + i) for i in range(26)]
THAI_VOWEL_SIGNS = ["\u0e34", "\u0e35", "\u0e36", "\u0e37"]


def thai(word):
    out = []
    for i, ch in enumerate(word):
        low = ch.lower()
        if "a" <= low <= "z":
            index = ord(low) - ord("a")
            out.append(THAI_CONSONANTS[index])
            if i % 2 == 1:
                out.append(THAI_VOWEL_SIGNS[index % 4])
        else:
            out.append(ch)
    return "".join(out)


def every_nth_word(text, n, rewrite):
    count = 0

    def one(match):
        nonlocal count
        count += 1
        word = match.group(0)
        return rewrite(word) if count % n == 0 else word

    return WORD.sub(one, text)


def transform(kind, text):
    if kind == "cyrillic":
        return text.translate(CYRILLIC_TABLE)
    if kind == "han":
        return text.translate(HAN_TABLE)
    if kind == "accented":
        return every_nth_word(text, 4, lambda w: w.translate(ACCENT_TABLE))
    if kind == "apostrophe":
        return every_nth_word(text, 10, lambda w: w + "\u2019s")
    if kind == "nfd":
        return every_nth_word(text, 3, lambda w: unicodedata.normalize(
            "NFD", w.translate(VIETNAMESE_TABLE)))
    if kind == "thai":
        return WORD.sub(lambda m: thai(m.group(0)), text)
    raise ValueError(kind)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["cyrillic", "accented", "han", "apostrophe", "nfd", "thai"])
    parser.add_argument("input", help="JSONL written by `shingle generate`")
    parser.add_argument("output")
    parser.add_argument("--documents", type=int, default=None,
                        help="stop after this many documents (default: all)")
    parser.add_argument("--field", default="text", help="text field (default: text)")
    args = parser.parse_args()
    written = 0
    with open(args.input, encoding="utf-8") as src, \
            open(args.output, "w", encoding="utf-8") as dst:
        for line in src:
            if args.documents is not None and written >= args.documents:
                break
            record = json.loads(line)
            record[args.field] = transform(args.kind, record[args.field])
            dst.write(json.dumps(record, ensure_ascii=False))
            dst.write("\n")
            written += 1
    print(f"wrote {written} documents to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
