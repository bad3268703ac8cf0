#!/usr/bin/env bash
# Executions per second of fuzz_walk_sim (plain libFuzzer, ASan, TSan) and
# fuzz_walk_os (TSan) on 16-operation programs. The corpus is 64 programs of
# exactly 16 operations (2 clients, default mix) from dwh-gen-corpus --clean for
# the profile measured (no finding on the default schedule, so no run stops the
# target); every program is executed RUNS times (libFuzzer's -runs=N on files),
# no mutation, so the programs measured are exactly those. libFuzzer reads the
# file again for every execution; fuzzing does not.
#
#   bench/exec_rate.sh [RUNS_SIM] [RUNS_OS]     (defaults 200 and 5)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS_SIM=${1:-200}
RUNS_OS=${2:-5}
PROFILE=pause-rfc
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build_preset fuzz-plain fuzz_walk_sim
# The generator is no fuzz target: in a coverage-instrumented tree it has no engine
# to link against, so it comes from the dev build.
build_preset dev dwh-gen-corpus
build_preset fuzz fuzz_walk_sim
build_preset fuzz-tsan fuzz_walk_sim fuzz_walk_os

"$ROOT/build/dev/bin/dwh-gen-corpus" --out "$WORK/corpus" --count 64 --ops 16 \
  --clients 2 --profile $PROFILE --seed 1 --clean >/dev/null
# pause-rfc has real hangs on real threads (F5 and others), so fuzz_walk_os is
# also measured on v7.0, the first profile without a known hang, on programs
# generated clean for it.
"$ROOT/build/dev/bin/dwh-gen-corpus" --out "$WORK/corpus-v7.0" --count 64 --ops 16 \
  --clients 2 --profile v7.0 --seed 1 --clean >/dev/null

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
echo "| target | build | profile | execs/s (16-op programs) | target |"
echo "|---|---|---|---:|---:|"
echo "| fuzz_walk_sim | libFuzzer, no sanitizer | $PROFILE | $(rate plain "$ROOT/build/fuzz-plain/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE) | >= 20000 |"
echo "| fuzz_walk_sim | libFuzzer + ASan (fuzz) | $PROFILE | $(rate asan "$ROOT/build/fuzz/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE) | >= 5000 |"
# The same build with ASan's run-time options as ClusterFuzz sets them (a 10 MB
# quarantine, fake stacks for use after return): how it runs on OSS-Fuzz.
echo "| fuzz_walk_sim | libFuzzer + ASan (fuzz), ClusterFuzz's ASAN_OPTIONS | $PROFILE | $(rate asan-cf "$ROOT/build/fuzz/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE ASAN_OPTIONS="$CF_ASAN") | - |"
echo "| fuzz_walk_sim | libFuzzer + TSan (fuzz-tsan) | $PROFILE | $(rate tsan "$ROOT/build/fuzz-tsan/bin/fuzz_walk_sim" "$RUNS_SIM" "$WORK/corpus" $PROFILE) | >= 1500 |"
# On real threads a program that is clean on sim's default schedule can still hang
# or break a caller precondition: with a filter that selects only harness bugs such
# a run is abandoned instead of ending the measurement, and counted: at once when
# the deadlock detector proves a deadlock, else after a 1 s watchdog.
echo "| fuzz_walk_os | libFuzzer + TSan (fuzz-tsan) | $PROFILE | $(rate os "$ROOT/build/fuzz-tsan/bin/fuzz_walk_os" "$RUNS_OS" "$WORK/corpus" $PROFILE "${OS_ENV[@]}") | >= 300 |"
echo "| fuzz_walk_os | libFuzzer + TSan (fuzz-tsan) | v7.0 | $(rate os-v7.0 "$ROOT/build/fuzz-tsan/bin/fuzz_walk_os" "$RUNS_OS" "$WORK/corpus-v7.0" v7.0 "${OS_ENV[@]}") | >= 300 |"
echo
echo "fuzz_walk_os: $(abandoned os) run(s) on $PROFILE and $(abandoned os-v7.0) on v7.0 ended early, $(deadlocks os) and $(deadlocks os-v7.0) of them deadlocks ended by the detector, the rest after 1 s (watchdog, run budget or a caller-contract violation); included in the rates."
print_command bench/exec_rate.sh "$RUNS_SIM" "$RUNS_OS"
