#!/usr/bin/env bash
# Cost of one sim context switch and of one scheduling decision (Google Benchmark,
# bench/runtime_bench.cc), in the plain build (the dev preset, RelWithDebInfo) and
# in a TSan build (the tsan preset's flags with benchmarks on, build/bench-tsan).
# The table gives nanoseconds per scheduling point; the target is a switch of at
# most 200 ns in the plain build.
#
#   bench/runtime.sh [REPETITIONS]     (default 5; the median is reported)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REPS=${1:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build_preset dev runtime_bench
build_dir "$ROOT/build/bench-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDWH_SANITIZER=thread \
  -DDWH_BENCH=ON -DDWH_TESTS=OFF -DDWH_WERROR=ON -- runtime_bench

# per_point BIN NAME: median ns per scheduling point of benchmark NAME.
per_point() {
  local bin=$1 name=$2
  TSAN_OPTIONS=report_bugs=0 "$bin" --benchmark_filter="^$name\$" \
    --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
    --benchmark_format=json >"$WORK/out.json" 2>/dev/null
  python3 - "$WORK/out.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") == "median":
        print("%.0f" % (b["per_point"] * 1e9))
PY
}

echo "| build | context switch, ns/point | decision without switch, ns/point | switch with trace, ns/point |"
echo "|---|---:|---:|---:|"
for row in "plain (dev):$ROOT/build/dev/bin/runtime_bench" "TSan:$ROOT/build/bench-tsan/bin/runtime_bench"; do
  label=${row%%:*}
  bin=${row#*:}
  echo "| $label | $(per_point "$bin" 'BM_SimContextSwitch/trace:0') |" \
    "$(per_point "$bin" 'BM_SimDecisionNoSwitch/trace:0') |" \
    "$(per_point "$bin" 'BM_SimContextSwitch/trace:1') |"
done
print_command bench/runtime.sh "$REPS"
