#!/usr/bin/env bash
# Peer comparison: shingle against Python MinHash/LSH dedup libraries on one
# generated corpus with planted near-duplicates, matched parameters (word
# 5-grams, lowercase, 128 permutations, threshold 0.8), interleaved rounds,
# median wall time and peak RSS, precision and recall against exact Jaccard.
#
#   bench/compare.sh [--docs N] [--mean-words W] [--runs R] [--tools "..."]
#                    [--seed S] [--threshold T] [--num-perm K] [--ngram N]
#
# Needs: cargo, python3 (>= 3.9, with venv and pip) and GNU time at
# /usr/bin/time; network access to crates.io and PyPI on the first run.
# Writes everything under bench/work/ (results.md, results.json, runs/, logs)
# and keeps the Python peers in bench/.venv. See bench/README.md.
set -euo pipefail

DOCS=100000
MEAN_WORDS=700
RUNS=3
SEED=42
THRESHOLD=0.8
NUM_PERM=128
NGRAM=5
ALL_TOOLS="shingle shingle-1t datasketch rensa gaoya datatrove"
TOOLS="$ALL_TOOLS"

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    echo
    echo "tools: $ALL_TOOLS (default: all)"
    echo "defaults: --docs $DOCS --mean-words $MEAN_WORDS --runs $RUNS --seed $SEED"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --docs) DOCS="$2"; shift 2 ;;
        --mean-words) MEAN_WORDS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --tools) TOOLS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --threshold) THRESHOLD="$2"; shift 2 ;;
        --num-perm) NUM_PERM="$2"; shift 2 ;;
        --ngram) NGRAM="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

for t in $TOOLS; do
    case " $ALL_TOOLS " in
        *" $t "*) ;;
        *) echo "compare.sh: unknown tool '$t' (known: $ALL_TOOLS)" >&2; exit 2 ;;
    esac
done
if [ "$RUNS" -lt 1 ]; then
    echo "compare.sh: --runs must be at least 1" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "compare.sh: GNU time is needed at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
    exit 1
fi

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
WORK="$BENCH/work"
VENV="$BENCH/.venv"
PYTHON="${PYTHON:-python3}"

log() { printf '[compare] %s\n' "$*" >&2; }

# --- 1. shingle, release build ----------------------------------------------
log "building shingle (cargo build --release)"
(cd "$ROOT" && cargo build --release --quiet --bin shingle)
SHINGLE="${CARGO_TARGET_DIR:-$ROOT/target}/release/shingle"
case "$SHINGLE" in /*) ;; *) SHINGLE="$ROOT/$SHINGLE" ;; esac
[ -x "$SHINGLE" ] || { echo "compare.sh: no binary at $SHINGLE" >&2; exit 1; }
# The revision the binary was built from (read now: edits made while the
# rounds run do not change what is measured).
shingle_rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$shingle_rev" != unknown ] && ! git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null; then
    shingle_rev="$shingle_rev-dirty"
fi

# --- 2. Python peers in bench/.venv -----------------------------------------
needs_python=0
for t in $TOOLS; do
    case "$t" in shingle|shingle-1t) ;; *) needs_python=1 ;; esac
done
PY="$VENV/bin/python"
if [ "$needs_python" = 1 ]; then
    if [ ! -x "$PY" ]; then
        log "creating $VENV with $("$PYTHON" --version 2>&1)"
        "$PYTHON" -m venv "$VENV"
    fi
    req_sum="$(sha256sum "$BENCH/requirements.txt" | cut -d' ' -f1)"
    if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null || true)" != "$req_sum" ]; then
        log "installing bench/requirements.txt into $VENV"
        "$PY" -m pip install --quiet --disable-pip-version-check -r "$BENCH/requirements.txt"
        echo "$req_sum" > "$VENV/.requirements.sha256"
    fi
else
    PY="$PYTHON"   # only report.py needs Python then (standard library only)
fi

# --- 3. corpus ----------------------------------------------------------------
mkdir -p "$WORK"
CORPUS="$WORK/corpus-${DOCS}x${MEAN_WORDS}-seed${SEED}.jsonl"
if [ ! -s "$CORPUS" ]; then
    log "generating $DOCS documents, mean $MEAN_WORDS words, seed $SEED"
    "$SHINGLE" generate --documents "$DOCS" --mean-words "$MEAN_WORDS" --seed "$SEED" -o "$CORPUS.tmp"
    mv "$CORPUS.tmp" "$CORPUS"
else
    log "reusing $CORPUS"
fi
CORPUS_BYTES="$(stat -c %s "$CORPUS")"
log "corpus: $(wc -l < "$CORPUS") documents, $CORPUS_BYTES bytes"

# --- 4. interleaved rounds ----------------------------------------------------
RUNDIR="$WORK/runs"
rm -rf "$RUNDIR"
mkdir -p "$RUNDIR"

peer_args=(--threshold "$THRESHOLD" --num-perm "$NUM_PERM" --ngram "$NGRAM")

# Prints the command line of tool $1 writing into directory $2, one word a line.
tool_cmd() {
    local tool="$1" out="$2"
    case "$tool" in
        shingle)
            printf '%s\n' "$SHINGLE" dedup "$CORPUS" -o "$out/shingle-out" -q --threads 0 \
                --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --ngram "$NGRAM" ;;
        shingle-1t)
            printf '%s\n' "$SHINGLE" dedup "$CORPUS" -o "$out/shingle-out" -q --threads 1 \
                --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --ngram "$NGRAM" ;;
        *)
            printf '%s\n' "$PY" "$BENCH/peers/${tool}_dedup.py" "$CORPUS" "$out/kept.jsonl" \
                "${peer_args[@]}" ;;
    esac
}

# The kept records of tool $1's run in directory $2.
kept_file() {
    case "$1" in
        shingle|shingle-1t) echo "$2/shingle-out/deduped.jsonl" ;;
        *) echo "$2/kept.jsonl" ;;
    esac
}

read -r -a tools <<< "$TOOLS"
ntools=${#tools[@]}
failed=0
for ((round = 1; round <= RUNS; round++)); do
    # Interleaved: every tool once per round; the starting tool rotates from
    # round to round so that no tool always runs first (cold) or last.
    for ((i = 0; i < ntools; i++)); do
        tool="${tools[$(((i + round - 1) % ntools))]}"
        out="$RUNDIR/$round/$tool"
        mkdir -p "$out"
        mapfile -t cmd < <(tool_cmd "$tool" "$out")
        printf '%q ' "${cmd[@]}" > "$out/cmd.txt"
        log "round $round/$RUNS: $tool"
        # Every run starts from the same state: nothing of an earlier run
        # still being written back, and the corpus in the page cache. Some
        # machines page out file data left untouched for a minute (DAMON's
        # proactive reclaim on cloud VMs), which had the fastest tool read
        # part of its input from disk after a slow one's run.
        sync
        cat "$CORPUS" > /dev/null
        start=$(date +%s%N)
        status=0
        /usr/bin/time -v -o "$out/time.txt" "${cmd[@]}" > "$out/stdout.log" 2> "$out/stderr.log" || status=$?
        end=$(date +%s%N)
        echo "$(((end - start) / 1000))" > "$out/wall_us"
        echo "$status" > "$out/exit_code"
        if [ "$status" != 0 ]; then
            failed=1
            log "  $tool FAILED (exit $status); see $out/stderr.log"
            tail -n 5 "$out/stderr.log" >&2 || true
        else
            log "  $(awk '{printf "%.2f s", $1 / 1e6}' "$out/wall_us")"
        fi
    done
done

# --- 5. quality, once per tool (its last successful run) -----------------------
for tool in "${tools[@]}"; do
    for ((round = RUNS; round >= 1; round--)); do
        out="$RUNDIR/$round/$tool"
        [ "$(cat "$out/exit_code")" = 0 ] || continue
        kept="$(kept_file "$tool" "$out")"
        # Same kept set in every successful round? (all tools are deterministic)
        for ((r = 1; r < round; r++)); do
            other="$(kept_file "$tool" "$RUNDIR/$r/$tool")"
            if [ "$(cat "$RUNDIR/$r/$tool/exit_code")" = 0 ] && ! cmp -s "$kept" "$other"; then
                log "warning: $tool kept different documents in rounds $r and $round"
            fi
        done
        log "evaluating $tool against exact Jaccard"
        if ! "$SHINGLE" eval "$CORPUS" --kept "$kept" --threshold "$THRESHOLD" --ngram "$NGRAM" \
                --num-perm "$NUM_PERM" > "$RUNDIR/$tool.eval.json" 2> "$RUNDIR/$tool.eval.log"; then
            log "  eval of $tool failed; see $RUNDIR/$tool.eval.log"
            rm -f "$RUNDIR/$tool.eval.json"
            failed=1
        fi
        break
    done
done

# --- 6. table -------------------------------------------------------------------
"$PY" "$BENCH/report.py" \
    --runs-dir "$RUNDIR" --tools "$TOOLS" --rounds "$RUNS" \
    --corpus "$CORPUS" --corpus-bytes "$CORPUS_BYTES" --docs "$DOCS" --mean-words "$MEAN_WORDS" \
    --seed "$SEED" --threshold "$THRESHOLD" --num-perm "$NUM_PERM" --ngram "$NGRAM" \
    --shingle "$SHINGLE" --shingle-rev "$shingle_rev" \
    --markdown "$WORK/results.md" --json "$WORK/results.json"
log "wrote $WORK/results.md and $WORK/results.json"
exit "$failed"
