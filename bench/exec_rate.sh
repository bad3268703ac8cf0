#!/usr/bin/env bash
# Executions per second of fuzz_walk_sim (plain libFuzzer, ASan + UBSan, ASan alone,
# ASan + UBSan with ClusterFuzz's run-time options, TSan) and fuzz_walk_os (TSan) on
# 16-operation programs. The corpus is 64 programs of
# exactly 16 operations (2 clients, default mix) from dwh-gen-corpus --clean for
# the profile measured (no finding on the default schedule, so no run stops the
# target); every program is executed RUNS times (libFuzzer's -runs=N on files),
# no mutation, so the programs measured are exactly those. libFuzzer reads the
# file again for every execution; fuzzing does not.
#
# The fuzzing-mode rows (fuzzing: ...) measure fuzz_walk_sim as the main job runs
# it instead: one process, mutation from the shipped corpus (corpus/seeds and
# corpus/regression, the dictionary and .options flags), keep mode (findings
# go to a store, no stop), FUZZ_SECONDS (default 60) long; the rate is
# libFuzzer's stat::average_exec_per_sec.
#
# Every row is measured REPEAT times, the rows taking turns, and the table gives
# the median and the range: the host is shared, and its speed changes by
# minutes. EXEC_RATE_ROWS="fuzz-plain fuzz-asan" measures only the rows named.
#
#   bench/exec_rate.sh [RUNS_SIM] [RUNS_OS] [REPEAT]     (defaults 200, 5 and 3)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS_SIM=${1:-200}
RUNS_OS=${2:-5}
REPEAT=${3:-3}
[[ $RUNS_SIM =~ ^[1-9][0-9]*$ && $RUNS_OS =~ ^[1-9][0-9]*$ && $REPEAT =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: bench/exec_rate.sh [RUNS_SIM] [RUNS_OS] [REPEAT]" >&2
  exit 2
}
PROFILE=pause-rfc
read -ra ROWS <<<"${EXEC_RATE_ROWS:-plain asan asan-only asan-cf tsan os os-v7.0 fuzz-plain fuzz-asan}"
replay_rows=0
for row in "${ROWS[@]}"; do [[ $row == fuzz-* ]] || replay_rows=1; done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build_preset fuzz-plain fuzz_walk_sim
# The generator is no fuzz target: in a coverage-instrumented tree it has no engine
# to link against, so it comes from the dev build.
build_preset dev dwh-gen-corpus
build_preset fuzz fuzz_walk_sim
build_preset fuzz-asan fuzz_walk_sim
build_preset fuzz-tsan fuzz_walk_sim fuzz_walk_os

((replay_rows == 0)) || "$ROOT/build/dev/bin/dwh-gen-corpus" --out "$WORK/corpus" --count 64 --ops 16 \
  --clients 2 --profile $PROFILE --seed 1 --clean >/dev/null
# pause-rfc has real hangs on real threads (F5 and others), so fuzz_walk_os is
# also measured on v7.0.y, the first profile without a known hang, on programs
# generated clean for it.
((replay_rows == 0)) || "$ROOT/build/dev/bin/dwh-gen-corpus" --out "$WORK/corpus-v7.0" --count 64 --ops 16 \
  --clients 2 --profile v7.0.y --seed 1 --clean >/dev/null

# rate NAME BIN RUNS CORPUS PROFILE [VAR=VALUE...]: executions per second over the
# whole corpus, RUNS times each, with the given environment; the log is
# $WORK/NAME.log.
rate() {
  local name=$1 bin=$2 runs=$3 corpus=$4 profile=$5 start end n
  shift 5
  n=$(ls "$corpus" | wc -l)
  start=$(date +%s.%N)
  env DAMON_PROFILE="$profile" "$@" "$bin" -runs="$runs" "$corpus"/* >"$WORK/$name.log" 2>&1 || {
    echo "failed: $bin (see below)" >&2; tail -20 "$WORK/$name.log" >&2; echo "-"; return; }
  end=$(date +%s.%N)
  awk -v n="$n" -v r="$runs" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", n * r / (e - s) }'
}

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# fuzzing NAME BIN: executions per second of BIN fuzzing from the shipped corpus in
# keep mode for FUZZ_SECONDS; the log is $WORK/NAME.log.
fuzzing() {
  local name=$1 bin=$2 flags
  mkdir -p "$WORK/$name-corpus"
  cp "$ROOT"/corpus/seeds/*.txt "$ROOT"/corpus/regression/*.txt "$WORK/$name-corpus/"
  mapfile -t flags < <(source "$ROOT/ci/lib.sh" && libfuzzer_options "$ROOT/fuzz/fuzz_walk_sim.options")
  env DAMON_PROFILE=$PROFILE DWH_ON_FINDING=keep DWH_STORE="$WORK/$name-store" "$bin" "${flags[@]}" \
    -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -artifact_prefix="$WORK/$name-" \
    "$WORK/$name-corpus" >"$WORK/$name.log" 2>&1 || {
    echo "failed: $bin (see below)" >&2; tail -20 "$WORK/$name.log" >&2; echo "-"; return; }
  sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$WORK/$name.log" | tail -n 1
}

# abandoned NAME: runs of that row ended by the deadlock detector, the watchdog,
# the run budget, or the watchdog timeout after a caller-contract violation.
abandoned() {
  grep -cE 'WATCHDOG|after a caller-contract violation' "$WORK/$1.log" || true
}
# deadlocks NAME: those of them that the deadlock detector ended.
deadlocks() {
  grep -cE 'WATCHDOG: deadlock detected|violation, not a finding.*deadlock' "$WORK/$1.log" || true
}

CF_ASAN=$(source "$ROOT/ci/lib.sh" && echo "$DWH_CLUSTERFUZZ_ASAN_OPTIONS")

# The documented races (F10 on pause-rfc) are suppressed, as in the long
# real-thread lanes: a report would end the row without a rate.
OS_ENV=(DWH_STOP_ON=harness-bug DWH_WATCHDOG_MS=1000
  TSAN_OPTIONS="suppressions=$ROOT/ci/tsan-known-races.supp")

# The rows: name, target, build, profile, target line. Every pass measures
# every row once, and REPEAT passes run one after the other, so that a slow
# spell of the shared host falls on all rows alike rather than on one.
# ROWS: read at the top.
declare -A LABEL=(
  [plain]="fuzz_walk_sim | libFuzzer, no sanitizer | $PROFILE"
  [asan]="fuzz_walk_sim | libFuzzer + ASan + UBSan (fuzz) | $PROFILE"
  [asan-only]="fuzz_walk_sim | libFuzzer + ASan (fuzz-asan) | $PROFILE"
  [asan-cf]="fuzz_walk_sim | libFuzzer + ASan + UBSan (fuzz), ClusterFuzz's ASAN_OPTIONS | $PROFILE"
  [tsan]="fuzz_walk_sim | libFuzzer + TSan (fuzz-tsan) | $PROFILE"
  [os]="fuzz_walk_os | libFuzzer + TSan (fuzz-tsan) | $PROFILE"
  [os-v7.0]="fuzz_walk_os | libFuzzer + TSan (fuzz-tsan) | v7.0.y"
  [fuzz-plain]="fuzz_walk_sim, fuzzing: mutation, keep mode, ${FUZZ_SECONDS} s | libFuzzer, no sanitizer | $PROFILE"
  [fuzz-asan]="fuzz_walk_sim, fuzzing: mutation, keep mode, ${FUZZ_SECONDS} s | libFuzzer + ASan + UBSan (fuzz) | $PROFILE"
)
declare -A TARGET=([plain]=">= 20000" [asan]=">= 5000" [asan-only]=">= 5000" [asan-cf]="-" [tsan]=">= 1500"
  [os]=">= 300" [os-v7.0]=">= 300" [fuzz-plain]=">= 20000" [fuzz-asan]=">= 5000")
# measure ROW PASS: one rate of ROW, its log $WORK/ROW-PASS.log.
measure() {
  local name=$1-$2
  case $1 in
    plain) rate "$name" "$ROOT/build/fuzz-plain/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE ;;
    asan) rate "$name" "$ROOT/build/fuzz/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE ;;
    # ASan alone, as OSS-Fuzz builds its address sanitizer targets (UBSan is a
    # build of its own there).
    asan-only) rate "$name" "$ROOT/build/fuzz-asan/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE ;;
    # The ASan build with ASan's run-time options as ClusterFuzz sets them (a
    # 10 MB quarantine, fake stacks for use after return): how OSS-Fuzz runs it.
    asan-cf) rate "$name" "$ROOT/build/fuzz/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE \
      ASAN_OPTIONS="$CF_ASAN" ;;
    tsan) rate "$name" "$ROOT/build/fuzz-tsan/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE ;;
    # On real threads a program that is clean on sim's default schedule can still
    # hang or break a caller precondition: with a filter that selects only harness
    # bugs such a run is abandoned instead of ending the measurement, and counted:
    # at once when the deadlock detector proves a deadlock, else after a 1 s
    # watchdog.
    os) rate "$name" "$ROOT/build/fuzz-tsan/bin/fuzz_walk_os" "$RUNS_OS" "$WORK/corpus" $PROFILE "${OS_ENV[@]}" ;;
    os-v7.0) rate "$name" "$ROOT/build/fuzz-tsan/bin/fuzz_walk_os" "$RUNS_OS" "$WORK/corpus-v7.0" v7.0.y \
      "${OS_ENV[@]}" ;;
    fuzz-plain) fuzzing "$name" "$ROOT/build/fuzz-plain/bin/fuzz_walk_sim" ;;
    fuzz-asan) fuzzing "$name" "$ROOT/build/fuzz/bin/fuzz_walk_sim" ;;
  esac
}
declare -A RATES
for ((pass = 1; pass <= REPEAT; pass++)); do
  for row in "${ROWS[@]}"; do RATES[$row]+="$(measure "$row" "$pass") "; done
done
# summary RATES...: "median (min to max)", or the one rate, or "-" if any failed.
summary() {
  printf '%s\n' "$@" | sort -n | awk '
    $1 == "-" { bad = 1 } { v[NR] = $1 }
    END {
      if (bad) { print "-"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
      if (NR == 1) print m; else printf "%d (%d to %d)\n", m, v[1], v[NR]
    }'
}
if ((REPEAT > 1)); then
  echo "| target | build | profile | execs/s, median of $REPEAT (min to max) | target |"
else
  echo "| target | build | profile | execs/s (16-op programs) | target |"
fi
echo "|---|---|---|---:|---:|"
for row in "${ROWS[@]}"; do
  # shellcheck disable=SC2086
  echo "| ${LABEL[$row]} | $(summary ${RATES[$row]}) | ${TARGET[$row]} |"
done
echo
ended() {  # ended FN ROW: the sum of FN over the row's passes
  local n=0 pass
  for ((pass = 1; pass <= REPEAT; pass++)); do n=$((n + $($1 "$2-$pass"))); done
  echo "$n"
}
[[ " ${ROWS[*]} " == *" os "*" os-v7.0 "* ]] && echo "fuzz_walk_os, over the $REPEAT pass(es): $(ended abandoned os) run(s) on $PROFILE and $(ended abandoned os-v7.0) on v7.0.y ended early, $(ended deadlocks os) and $(ended deadlocks os-v7.0) of them deadlocks ended by the detector, the rest after 1 s (watchdog, run budget or a caller-contract violation); included in the rates."
print_command ${EXEC_RATE_ROWS:+EXEC_RATE_ROWS=\"$EXEC_RATE_ROWS\"} FUZZ_SECONDS=$FUZZ_SECONDS \
  bench/exec_rate.sh "$RUNS_SIM" "$RUNS_OS" "$REPEAT"
