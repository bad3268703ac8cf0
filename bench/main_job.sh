#!/usr/bin/env bash
# The main job as a user runs it: `ci/fuzz.sh` (fuzz_walk_sim of the fuzz preset,
# ASan + UBSan, on pause-rfc, one process per job sharing the findings store),
# SECONDS long, TRIALS times from the shipped corpus (corpus/seeds and
# corpus/regression) and TRIALS times from an empty corpus; then, for comparison,
# TRIALS runs of crash-per-bug mode (--mode crash: libFuzzer -fork, one crash per
# new signature, restarted after each) from the shipped corpus. Per row:
#  - distinct signatures in the store at the end (median, range);
#  - the review thread's scenario (F6: a lost request whose waiter is in
#    damos_walk, replaying as such) found in how many trials, and after how many
#    seconds (the store file's time, from the start of fuzzing);
#  - effective exec/s (all executions over the wall time of the fuzzing step)
#    beside the workers' own average rate (libFuzzer's stat::average_exec_per_sec,
#    summed over the workers; fork mode's parent prints none), both from the same run.
# Each trial has a work folder of its own, so no trial starts from another's corpus.
# Hold the CPU for the whole run (flock), or the rates measure the neighbours.
#
#   bench/main_job.sh [SECONDS] [TRIALS] [JOBS]     (defaults 300, 5 and nproc)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECS=${1:-300}
TRIALS=${2:-5}
JOBS=${3:-$(nproc)}
[[ $SECS =~ ^[1-9][0-9]*$ && $TRIALS =~ ^[1-9][0-9]*$ && $JOBS =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: bench/main_job.sh [SECONDS] [TRIALS] [JOBS]" >&2
  exit 2
}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build_preset fuzz fuzz_walk_sim damon-harness
build_preset dev damon-harness

# trial NAME MODE SEEDS: one ci/fuzz.sh run; prints
# "SIGNATURES F6_SECONDS|- EFFECTIVE IN_PROCESS".
trial() {
  local mode=$2 seeds=$3 dir=$WORK/$1 log t0 f6=- file row sigs eff inproc
  mkdir -p "$dir"
  log=$dir/fuzz.log
  t0=$(date +%s)
  DWH_SKIP_DEPS=1 FUZZ_WORK="$dir/fuzz-work" FUZZ_SEEDS="$seeds" \
    "$ROOT/ci/fuzz.sh" --time "$SECS" --jobs "$JOBS" --mode "$mode" >"$log" 2>&1 || {
    echo "- - - -"
    return
  }
  # The fuzzing step starts after the build check (ci/fuzz.sh notes when).
  t0=$(cat "$dir/fuzz-work/logs/started" 2>/dev/null || echo "$t0")
  sigs=0
  while IFS=$'\t' read -r _ _ _ _ _ file _ _; do
    [[ $file == file ]] && continue
    sigs=$((sigs + 1))
    if [[ $f6 == - ]] && is_review_scenario "$file" && replays_as_review_scenario "$file"; then
      f6=$(($(stat -c %Y "$file") - t0))
    fi
  done < <("$ROOT/build/fuzz/bin/damon-harness" store --tsv "$dir/fuzz-work/findings" || true)
  row=$(grep -m 1 '^==== .*executions: ' "$log" || true)
  eff=$(sed -n 's/.* s: \([0-9]*\) exec\/s effective.*/\1/p' <<<"$row")
  inproc=$(sed -n 's/.* \([0-9]*\) exec\/s the workers.*/\1/p' <<<"$row")
  # Fork mode's parent prints no average of its jobs: "-".
  [[ $inproc == 0 ]] && inproc=-
  echo "$sigs $f6 ${eff:--} ${inproc:--}"
}

# A signature's file is written once, when it is first found: its mtime is the
# time to find it.
declare -A RESULT
ROWS=("keep shipped" "keep empty" "crash shipped")
for ((i = 1; i <= TRIALS; i++)); do
  for row in "${ROWS[@]}"; do
    read -r mode corpus <<<"$row"
    seeds="corpus/seeds corpus/regression"
    [[ $corpus == empty ]] && seeds=""
    RESULT[$row]+="$(trial "${mode}-${corpus}-$i" "$mode" "$seeds")"$'\n'
  done
done

range() {  # numbers on stdin -> "median (min to max)"
  sort -g | awk '/^[0-9.]+$/ {v[n++] = $1} END {
    if (n == 0) { print "-"; exit }
    m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
    if (n == 1) printf "%g\n", m; else printf "%g (%g to %g)\n", m, v[0], v[n - 1] }'
}
echo "| mode | corpus | trials | distinct signatures | review-thread scenario found | found after (s) | effective exec/s | workers' own exec/s | effective / own |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for row in "${ROWS[@]}"; do
  read -r mode corpus <<<"$row"
  data=${RESULT[$row]}
  found=$(awk '$2 != "-" && $2 != "" {n++} END {print n + 0}' <<<"$data")
  ratio=$(awk '$3 ~ /^[0-9]+$/ && $4 > 0 {s += $3 / $4; n++} END {if (n) printf "%.0f%%", 100 * s / n; else print "-"}' <<<"$data")
  echo "| $mode | $corpus | $TRIALS | $(cut -d' ' -f1 <<<"$data" | range) | $found of $TRIALS |" \
    "$(cut -d' ' -f2 <<<"$data" | range) | $(cut -d' ' -f3 <<<"$data" | range) |" \
    "$(cut -d' ' -f4 <<<"$data" | range) | $ratio |"
done
echo
echo "per trial (signatures, F6 seconds, effective, own):"
for row in "${ROWS[@]}"; do printf '  %s: %s\n' "$row" "$(tr '\n' ';' <<<"${RESULT[$row]}")"; done
print_command bench/main_job.sh "$SECS" "$TRIALS" "$JOBS"
