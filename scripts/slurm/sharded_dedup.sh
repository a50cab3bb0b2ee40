#!/usr/bin/env bash
# Runs shingle's sharded pipeline as Slurm job arrays and checks that the result
# equals one `shingle dedup` run on the same input.
#
#   scripts/slurm/sharded_dedup.sh [--world-size W] [--docs N] [--files F] [--kill-sign]
#                                  [--keep DIR]
#
# Stages (each an array job; every task is restartable and idempotent):
#   sign    --array=0..W-1     rank R signs input files f with f % W == R
#   bucket  --array=0..15      one LSH band per task (16 bands x 8 rows, pinned)
#   cluster (one task)         verification + clustering
#   filter  --array=0..W-1     kept records of rank R's files
# --kill-sign SIGKILLs one running sign task part-way, then resubmits the sign
# array: finished ranks are no-ops, the killed one is redone.
#
# Needs a running Slurm (scripts/slurm/setup.sh) and a release build.
# Prints wall time per stage; exits non-zero if the outputs differ.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
world=4
docs=100000
files=8
kill_sign=0
keep_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --world-size) world="$2"; shift 2 ;;
    --docs) docs="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --kill-sign) kill_sign=1; shift ;;
    --keep) keep_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--world-size W] [--docs N] [--files F] [--kill-sign] [--keep DIR]" >&2; exit 2 ;;
  esac
done

bin="$root/target/release/shingle"
[[ -x "$bin" ]] || (cd "$root" && cargo build --release --locked --quiet)
base="${keep_dir:-$(mktemp -d /tmp/shingle-slurm.XXXXXX)}"
mkdir -p "$base"
[[ -n "$keep_dir" ]] || trap 'rm -rf "$base"' EXIT
corpus="$base/corpus" work="$base/work" out="$base/out" ref="$base/reference" logs="$base/logs"
rm -rf "$corpus" "$work" "$out" "$ref" "$logs"
mkdir -p "$corpus" "$logs"

# A generated corpus with planted near-duplicate families, split into files
# (every other one gzip), so families cross file and rank boundaries.
"$bin" generate --documents "$docs" --mean-words 200 --seed 3 -o "$base/whole.jsonl"
split -n "l/$files" -d -a 3 --additional-suffix=.jsonl "$base/whole.jsonl" "$corpus/part-"
for f in "$corpus"/part-*[13579].jsonl; do gzip -1 "$f"; done
rm "$base/whole.jsonl"

opts=(--bands 16 --rows 8 --quiet)
stage() { # name, array spec or "", command...
  local name="$1" array="$2"; shift 2
  local t0; t0=$(date +%s%N)
  local a=(); [[ -n "$array" ]] && a=(--array="$array")
  sbatch --wait --parsable "${a[@]}" --job-name="shingle-$name" --cpus-per-task=1 \
    --output="$logs/$name-%a.log" --wrap "$*" >/dev/null
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf '%-8s %4d.%03d s (sbatch --wait; includes Slurm polling)\n' "$name" $((ms / 1000)) $((ms % 1000))
}

W1=$((world - 1))
sign_cmd="$bin sign $corpus -o $work --rank \$SLURM_ARRAY_TASK_ID --world-size $world ${opts[*]}"
if [[ $kill_sign == 1 ]]; then
  # Submit, wait until rank 1 is running and has started writing, SIGKILL it.
  job=$(sbatch --parsable --array="0-$W1" --job-name=shingle-sign --cpus-per-task=1 \
    --output="$logs/sign-killed-%a.log" --wrap "$sign_cmd")
  killed=0
  for _ in $(seq 1 600); do
    if pkill -KILL -f -- "--rank 1 --world-size $world" 2>/dev/null; then
      echo "killed sign rank 1 mid-run (job $job)"; killed=1; break
    fi
    sleep 0.05
  done
  [[ $killed == 1 ]] || echo "sign rank 1 finished before it could be killed"
  while squeue -h -j "$job" 2>/dev/null | grep -q .; do sleep 1; done
  ls "$work/sign" | grep -c '\.done$' | xargs echo "sign markers after the kill:"
fi
stage sign "0-$W1" "$sign_cmd"
stage bucket "0-15" "$bin bucket $work --band \$SLURM_ARRAY_TASK_ID --quiet"
stage cluster "" "$bin cluster $work --quiet"
stage filter "0-$W1" "$bin filter $work -o $out --rank \$SLURM_ARRAY_TASK_ID --world-size $world --quiet"

# The reference: one dedup run (uncompressed output) over the same inputs.
"$bin" dedup "$corpus" -o "$ref" "${opts[@]}" >/dev/null
ok=1
cmp -s "$ref/clusters.jsonl" "$work/clusters.jsonl" || { echo "clusters.jsonl differs"; ok=0; }
(cd "$out" && for f in $(ls "$corpus" | sort); do zcat -f "$f"; done) > "$base/concatenated.jsonl"
cmp -s "$ref/deduped.jsonl" "$base/concatenated.jsonl" || { echo "kept records differ"; ok=0; }
read -r removed kept < <(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['documents']; print(d['removed'], d['kept'])" "$work/stats.json")
echo "world size $world, $docs documents in $files files: kept $kept, removed $removed"
if [[ $ok == 1 ]]; then
  echo "sharded result equals shingle dedup: same clusters.jsonl, same kept records"
else
  exit 1
fi
