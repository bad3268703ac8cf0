#!/usr/bin/env bash
# Executions per second of fuzz_walk_sim (plain libFuzzer, ASan, TSan) and
# fuzz_walk_os (TSan) on 16-operation programs. The corpus is 64 programs of
# exactly 16 operations (2 clients, default mix, pause-rfc) from dwh-gen-corpus
# --clean (no finding on the default schedule, so no run stops the target); every
# program is executed RUNS times (libFuzzer's -runs=N on files), no mutation, so
# the programs measured are exactly those.
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

# rate BIN RUNS [VAR=VALUE...]: executions per second over the whole corpus, RUNS
# times each, with the given environment.
rate() {
  local bin=$1 runs=$2 start end n
  shift 2
  n=$(ls "$WORK/corpus" | wc -l)
  start=$(date +%s.%N)
  env DAMON_PROFILE=$PROFILE "$@" "$bin" -runs="$runs" "$WORK"/corpus/* >"$WORK/log" 2>&1 || {
    echo "failed: $bin (see below)" >&2; tail -20 "$WORK/log" >&2; echo "-"; return; }
  end=$(date +%s.%N)
  awk -v n="$n" -v r="$runs" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", n * r / (e - s) }'
}

echo "| target | build | execs/s (16-op programs) | target |"
echo "|---|---|---:|---:|"
echo "| fuzz_walk_sim | libFuzzer, no sanitizer | $(rate "$ROOT/build/fuzz-plain/bin/fuzz_walk_sim" "$RUNS_SIM") | >= 20000 |"
echo "| fuzz_walk_sim | libFuzzer + ASan (fuzz) | $(rate "$ROOT/build/fuzz/bin/fuzz_walk_sim" "$RUNS_SIM") | >= 5000 |"
echo "| fuzz_walk_sim | libFuzzer + TSan (fuzz-tsan) | $(rate "$ROOT/build/fuzz-tsan/bin/fuzz_walk_sim" "$RUNS_SIM") | >= 1500 |"
# On real threads a program that is clean on sim's default schedule can still hang
# (F5 and others): with a filter that selects only harness bugs such a run is
# abandoned after a 1 s watchdog instead of ending the measurement, and counted.
echo "| fuzz_walk_os | libFuzzer + TSan (fuzz-tsan) | $(rate "$ROOT/build/fuzz-tsan/bin/fuzz_walk_os" "$RUNS_OS" DWH_STOP_ON=harness-bug DWH_WATCHDOG_MS=1000) | >= 300 |"
echo
echo "fuzz_walk_os: $(grep -c 'WATCHDOG' "$WORK/log" || true) run(s) ended by the watchdog or the run budget (included in the rate)."
print_command bench/exec_rate.sh "$RUNS_SIM" "$RUNS_OS"
