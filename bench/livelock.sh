#!/usr/bin/env bash
# Livelock findings of the main job: `ci/fuzz.sh` (fuzz_walk_sim of the fuzz
# preset, keep mode, from the shipped corpus: corpus/seeds and
# corpus/regression) on PROFILE, SECONDS long, TRIALS times, each trial in a
# work folder of its own. Per trial:
#  - executions and distinct signatures in the store at the end;
#  - livelock signatures and their hits (every hit is one fuzz input the
#    livelock judge called a livelock, docs/model.md "Liveness");
#  - how many livelock signatures replay as livelock with their own replay
#    command (damon-harness run FILE ...).
# Every livelock file is listed with its replay command, to be sorted into real
# livelock, model error or harness defect (docs/findings.md).
# Hold the CPU for the whole run (flock), or the execution counts measure the
# neighbours.
#
#   bench/livelock.sh [SECONDS] [TRIALS] [PROFILE] [JOBS]   (defaults 600, 1, mm-new, nproc)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SECS=${1:-600}
TRIALS=${2:-1}
PROFILE=${3:-mm-new}
JOBS=${4:-$(nproc)}
[[ $SECS =~ ^[1-9][0-9]*$ && $TRIALS =~ ^[1-9][0-9]*$ && $JOBS =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: bench/livelock.sh [SECONDS] [TRIALS] [PROFILE] [JOBS]" >&2
  exit 2
}
WORK=${BENCH_WORK:-$(mktemp -d)}
[[ -n ${BENCH_WORK:-} ]] || trap 'rm -rf "$WORK"' EXIT

build_preset fuzz fuzz_walk_sim damon-harness
HARNESS=$ROOT/build/fuzz/bin/damon-harness

echo "| profile | trial | seconds | executions | signatures | livelock signatures | livelock hits | replaying as livelock |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
listing=()
for ((i = 1; i <= TRIALS; i++)); do
  dir=$WORK/trial-$i
  mkdir -p "$dir"
  DWH_SKIP_DEPS=1 FUZZ_WORK="$dir/fuzz-work" FUZZ_SEEDS="corpus/seeds corpus/regression" \
    "$ROOT/ci/fuzz.sh" --time "$SECS" --jobs "$JOBS" --profile "$PROFILE" --mode keep \
    >"$dir/fuzz.log" 2>&1 || true
  execs=$(grep -m 1 '^==== .*executions: ' "$dir/fuzz.log" | sed -n 's/.*executions: \([0-9]*\) in .*/\1/p' || true)
  sigs=0 lsigs=0 lhits=0 replayed=0
  while IFS=$'\t' read -r id verdict hits _ _ _ replay _; do
    [[ $id == id ]] && continue
    sigs=$((sigs + 1))
    [[ $verdict == livelock ]] || continue
    lsigs=$((lsigs + 1))
    lhits=$((lhits + hits))
    read -ra args <<<"${replay#damon-harness }"
    if "$HARNESS" "${args[@]}" 2>/dev/null | head -n 1 | grep -q '^livelock'; then
      replayed=$((replayed + 1))
    fi
    listing+=("trial $i: $id, $hits hit(s): $replay")
  done < <("$HARNESS" store --tsv "$dir/fuzz-work/findings" 2>/dev/null || true)
  echo "| $PROFILE | $i | $SECS | ${execs:--} | $sigs | $lsigs | $lhits | $replayed of $lsigs |"
done
echo
echo "livelock files:"
if [[ ${#listing[@]} -eq 0 ]]; then echo "  none"; fi
for l in "${listing[@]}"; do echo "  $l"; done
print_command bench/livelock.sh "$SECS" "$TRIALS" "$PROFILE" "$JOBS"
