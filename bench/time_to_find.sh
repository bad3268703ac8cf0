#!/usr/bin/env bash
# Time to the first finding of the review thread's scenario (a lost request
# whose waiter sits in damos_walk, dropped by damos_walk_cancel; docs/findings.md
# F6) on pause-rfc, from an empty corpus: fuzz_walk_sim of the fuzz-plain preset
# (libFuzzer, no sanitizer: the scenario is the harness's own oracle, and ASan
# costs about four of every five executions; BUILD=fuzz measures the ASan build),
# single process, TRIALS trials with -seed=1..TRIALS,
# each capped at CAP seconds of wall time, in each feedback mode of MODES
# (default "objects off"): "objects" (code coverage and the object pairs, the
# target's default), "pairs" (scheduling-point pairs instead,
# DWH_INTERLEAVING_FEEDBACK=1 DWH_OBJECT_FEEDBACK=0), "both", and "off" (code
# coverage only). DWH_STOP_ON makes every other finding a
# counted non-crash, so a trial ends only on the scenario or at the cap. The
# trials of the modes run side by side, PARALLEL at a time; a stop
# for anything else (a sanitizer report) restarts the fuzzer on its corpus for the
# time left (bench/lib.sh fuzz_trial). Each artifact found is replayed with
# `damon-harness run` of the dev build and must give the same selected verdict;
# one that does not counts as not found.
#
#   bench/time_to_find.sh [TRIALS] [CAP]     (defaults 10 and 120)
#   SEED_BASE=N: trial i uses -seed=N+i (default 0); MODES="objects pairs off" picks modes;
#   PARALLEL=N trials at a time (default: the number of cores); KEEP=1 keeps the work folder;
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

# The feedback modes, each on top of code coverage: the object pairs (the
# target's default), the scheduling-point pairs instead, both, and neither.
MODES_GIVEN=${MODES:-}
MODES=(${MODES:-objects off})
mode_env() {
  case $1 in
    pairs) echo "DWH_INTERLEAVING_FEEDBACK=1 DWH_OBJECT_FEEDBACK=0" ;;
    objects) echo "DWH_INTERLEAVING_FEEDBACK=0 DWH_OBJECT_FEEDBACK=1" ;;
    both) echo "DWH_INTERLEAVING_FEEDBACK=1 DWH_OBJECT_FEEDBACK=1" ;;
    off) echo "DWH_INTERLEAVING_FEEDBACK=0 DWH_OBJECT_FEEDBACK=0" ;;
    *) echo "bench/time_to_find.sh: MODES are pairs, objects, both and off, not '$1'" >&2; return 2 ;;
  esac
}
mode_name() {
  case $1 in
    objects) echo "interleaving feedback on (object pairs, the default)" ;;
    pairs) echo "scheduling-point pairs instead of object pairs" ;;
    both) echo "scheduling-point pairs + object pairs" ;;
    off) echo "interleaving feedback off (code coverage only)" ;;
  esac
}
for m in "${MODES[@]}"; do mode_env "$m" >/dev/null || exit 2; done

# trial MODE I: one trial; its result line goes to $WORK/MODE-I.result.
trial() {
  local m=$1 i=$2 seed line file restarts env
  seed=$((SEED_BASE + i))
  read -r -a env <<<"$(mode_env "$m")"
  line=$(fuzz_trial "$BIN" fuzz_walk_sim "$seed" "$CAP" "$WORK/$m-$i" \
    DAMON_PROFILE=$PROFILE DWH_STOP_ON="$REVIEW_STOP_ON_SIM" "${env[@]}")
  if [[ $line == found* ]]; then
    file=${line##* }
    read -r _ _ restarts _ <<<"$line"
    replays_as_review_scenario "$file" || line="none $CAP $restarts replay-mismatch:$file"
  fi
  echo "$m seed=$seed: $line" >&2
  echo "$line" >"$WORK/$m-$i.result"
}

# Trials go round the modes (all 1, pairs 1, off 1, all 2, ...), PARALLEL at a
# time (default: one per core), so every mode runs under the same load.
PARALLEL=${PARALLEL:-$(nproc)}
for ((i = 1; i <= TRIALS; i++)); do
  for m in "${MODES[@]}"; do pool_start "$PARALLEL" trial "$m" "$i"; done
done
wait
echo "| mode | found/trials | median s | min s | max s |"
echo "|---|---:|---:|---:|---:|"
restarts=()
for m in "${MODES[@]}"; do
  for ((i = 1; i <= TRIALS; i++)); do cat "$WORK/$m-$i.result"; done >"$WORK/$m.results"
  summarize_row "$(mode_name "$m")" "$TRIALS" "$WORK/$m.results"
  restarts+=("$m $(awk '{n += $3} END {print n + 0}' "$WORK/$m.results")")
done
echo
echo "fuzz_walk_sim of the $BUILD preset ($BUILD_NAME), seeds" \
  "$((SEED_BASE + 1))..$((SEED_BASE + TRIALS)), cap ${CAP} s per trial, profile $PROFILE," \
  "DWH_STOP_ON=$REVIEW_STOP_ON_SIM; $PARALLEL trials at a time on $(nproc) cores; restarts after" \
  "other stops: $(IFS=,; echo "${restarts[*]}" | sed 's/,/, /g')."
if [[ $BUILD == fuzz-plain ]]; then
  print_command "${MODES_GIVEN:+MODES=\"${MODES[*]}\" }bench/time_to_find.sh" "$TRIALS" "$CAP"
else
  print_command "BUILD=$BUILD ${MODES_GIVEN:+MODES=\"${MODES[*]}\" }bench/time_to_find.sh" "$TRIALS" "$CAP"
fi
