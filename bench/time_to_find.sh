#!/usr/bin/env bash
# Time to the first finding of the review thread's scenario (a lost request
# whose waiter sits in damos_walk, dropped by damos_walk_cancel; docs/findings.md
# F6) on pause-rfc, from an empty corpus: fuzz_walk_sim of the fuzz-plain preset
# (libFuzzer, no sanitizer: the scenario is the harness's own oracle, and ASan
# costs about five of every six executions; BUILD=fuzz measures the ASan build),
# single process, TRIALS trials with -seed=1..TRIALS,
# each capped at CAP seconds of wall time, with the interleaving feedback on and
# then off (DWH_INTERLEAVING_FEEDBACK=0). DWH_STOP_ON makes every other finding a
# counted non-crash, so a trial ends only on the scenario or at the cap. The two
# modes run side by side, one trial of each at a time, one core each (PARALLEL=0
# runs them one after the other); a stop
# for anything else (a sanitizer report) restarts the fuzzer on its corpus for the
# time left (bench/lib.sh fuzz_trial). Each artifact found is replayed with
# `damon-harness run` of the dev build and must give the same selected verdict;
# one that does not counts as not found.
#
#   bench/time_to_find.sh [TRIALS] [CAP]     (defaults 10 and 120)
#   SEED_BASE=N: trial i uses -seed=N+i (default 0); KEEP=1 keeps the work folder;
#   BENCH_NO_BUILD=1 uses the builds as they are.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TRIALS=${1:-10}
CAP=${2:-120}
SEED_BASE=${SEED_BASE:-0}
PROFILE=pause-rfc
[[ $TRIALS =~ ^[1-9][0-9]*$ && $CAP =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: bench/time_to_find.sh [TRIALS] [CAP_SECONDS]" >&2
  exit 2
}
WORK=$(mktemp -d)
if [[ ${KEEP:-0} == 1 ]]; then echo "work folder: $WORK" >&2; else trap 'rm -rf "$WORK"' EXIT; fi

BUILD=${BUILD:-fuzz-plain}
case $BUILD in
  fuzz-plain) BUILD_NAME="libFuzzer, no sanitizer" ;;
  fuzz) BUILD_NAME="libFuzzer + ASan/UBSan" ;;
  *) echo "bench/time_to_find.sh: BUILD is fuzz-plain or fuzz, not '$BUILD'" >&2; exit 2 ;;
esac
build_preset "$BUILD" fuzz_walk_sim
build_preset dev damon-harness
BIN=$ROOT/build/$BUILD/bin/fuzz_walk_sim

# mode FEEDBACK: one line per trial in $WORK/FEEDBACK.results.
mode() {
  local fb=$1 i seed line file restarts
  for ((i = 1; i <= TRIALS; i++)); do
    seed=$((SEED_BASE + i))
    line=$(fuzz_trial "$BIN" fuzz_walk_sim "$seed" "$CAP" "$WORK/$fb-$i" \
      DAMON_PROFILE=$PROFILE DWH_STOP_ON="$REVIEW_STOP_ON_SIM" DWH_INTERLEAVING_FEEDBACK="$fb")
    if [[ $line == found* ]]; then
      file=${line##* }
      read -r _ _ restarts _ <<<"$line"
      replays_as_review_scenario "$file" || line="none $CAP $restarts replay-mismatch:$file"
    fi
    echo "feedback=$fb seed=$seed: $line" >&2
    echo "$line" >>"$WORK/$fb.results"
  done
}

if [[ ${PARALLEL:-1} == 1 ]]; then
  mode 1 &
  mode 0 &
  wait
else
  mode 1
  mode 0
fi
echo "| mode | found/trials | median s | min s | max s |"
echo "|---|---:|---:|---:|---:|"
summarize_row "interleaving feedback on" "$TRIALS" "$WORK/1.results"
summarize_row "interleaving feedback off" "$TRIALS" "$WORK/0.results"
echo
echo "fuzz_walk_sim of the $BUILD preset ($BUILD_NAME), seeds" \
  "$((SEED_BASE + 1))..$((SEED_BASE + TRIALS)), cap ${CAP} s per trial, profile $PROFILE," \
  "DWH_STOP_ON=$REVIEW_STOP_ON_SIM; modes $([[ ${PARALLEL:-1} == 1 ]] && echo "side by side, one core each" || echo "one after the other"); restarts after other stops:" \
  "on $(awk '{n += $3} END {print n + 0}' "$WORK/1.results")," \
  "off $(awk '{n += $3} END {print n + 0}' "$WORK/0.results")."
if [[ $BUILD == fuzz-plain ]]; then
  print_command bench/time_to_find.sh "$TRIALS" "$CAP"
else
  print_command "BUILD=$BUILD bench/time_to_find.sh" "$TRIALS" "$CAP"
fi
