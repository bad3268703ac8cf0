#!/usr/bin/env bash
# Calibration of the os watchdog under the worst conditions CI sees: the TSan
# build of damon-stress, on mm-new (no known hang), for DURATION, with every CPU
# also kept busy by another CPU-bound process. It reports
#   - hang reports: every watchdog-hang, deadlock (the os deadlock detector's) or
#     livelock finding, each searched for in sim (2000 random schedules of its
#     program, stopping only on a hang verdict); one that sim does not end in a
#     hang verdict is counted as not reproduced and must be examined by hand,
#   - the longest wait of any thread that ended (hangs excluded) and where it was,
#     the longest stall of the watchdog's own 1 ms poll, and the margin of the
#     timeout over the longest wait (the TSan stall headroom),
#   - resident memory at start, end and peak, runs/s and ops/s,
#   - sanitizer reports other than the documented races of ci/tsan-known-races.supp
#     (counted, not fatal: TSAN_OPTIONS=halt_on_error=0) and
#     the kept program of the first.
# The session does not stop at a finding (--stop-on harness-bug): each kind is
# written once and the measurement goes on. docs/stress.md explains how the
# default watchdog timeout follows from these numbers.
#
#   bench/stress_calibration.sh [DURATION] [SEED]   (defaults 10m and 1)
#
# WATCHDOG_MS (default: the runtime's default), BUSY (CPU hogs, default: nproc),
# BENCH_NO_BUILD=1 (use build/tsan as it is).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10m}
SEED=${2:-1}
PROFILE=mm-new
BUSY=${BUSY:-$(nproc)}
WORK=$(mktemp -d)
hogs=()
cleanup() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

[[ ${BENCH_NO_BUILD:-0} == 1 ]] || build_preset tsan damon-stress damon-harness
BIN=$ROOT/build/tsan/bin

for ((i = 0; i < BUSY; i++)); do
  sh -c 'while :; do :; done' &
  hogs+=($!)
done

watchdog_args=()
[[ -n ${WATCHDOG_MS:-} ]] && watchdog_args=(--watchdog "$WATCHDOG_MS")
rc=0
TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=$ROOT/ci/tsan-known-races.supp" "$BIN/damon-stress" --profile $PROFILE \
  --runtime os --duration "$DURATION" --seed "$SEED" --stop-on harness-bug "${watchdog_args[@]}" \
  --json --out "$WORK/out" >"$WORK/summary.json" 2>"$WORK/stderr" || rc=$?
for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
hogs=()

if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/summary.json" 2>/dev/null; then
  echo "damon-stress ended without a summary (exit $rc); its last output:" >&2
  tail -40 "$WORK/stderr" >&2
  exit 1
fi

# Hang reports, each searched for in sim.
hangs=0
real=0
unexamined=()
for f in "$WORK"/out/finding-watchdog-hang-*.txt "$WORK"/out/finding-deadlock-*.txt \
  "$WORK"/out/finding-livelock-*.txt; do
  [[ -f $f ]] || continue
  hangs=$((hangs + 1))
  "$BIN/damon-harness" run "$f" --profile $PROFILE --runtime sim --strategy random --runs 2000 \
    --stop-on deadlock,lost-request,livelock >"$WORK/sim" 2>&1 || true
  if grep -qE '^(deadlock|lost-request|livelock)' "$WORK/sim"; then
    real=$((real + 1))
  else
    unexamined+=("$f")
  fi
done

python3 - "$WORK/summary.json" "$hangs" "$real" "$rc" <<'PY'
import json, os, sys
j = json.load(open(sys.argv[1]))
hangs, real, rc = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
wd = j.get("watchdog_ms", 0)
wait = j.get("max_wait_ms", 0.0)
gap = j.get("max_poll_gap_ms", 0.0)
worst = max(wait, gap)
rows = [
    ("duration (elapsed)", "%s s (%.0f s), stopped by %s, exit %s"
     % (j["duration_s"], j["elapsed_s"], j["stopped_by"], rc)),
    ("runs / ops", "%d runs (%.1f/s), %d ops (%.0f/s)"
     % (j["runs"], j["runs_per_s"], j["ops"], j["ops_per_s"])),
    ("verdicts", ", ".join("%s %d" % kv for kv in sorted(j.get("verdicts", {}).items()))),
    ("hang reports", "%d (%d also a hang in sim, %d not reproduced: examine)"
     % (hangs, real, hangs - real)),
    ("other findings", "%d written" % max(0, j["findings"] - hangs)),
    ("watchdog timeout", "%d ms" % wd),
    ("longest wait that ended", "%.1f ms at %s" % (wait, j.get("max_wait_site") or "-")),
    ("longest watchdog poll gap", "%.1f ms" % gap),
    ("margin (timeout - longest wait)", "%.0f ms" % j.get("watchdog_margin_ms", 0)),
    ("stall headroom (timeout / max(wait, gap))", "%.0fx" % (wd / worst) if worst else "-"),
    ("longest run", "%.1f ms" % j["max_run_ms"]),
    ("resident memory start / end / peak", "%d / %d / %d KiB"
     % (j["rss_start_kib"], j["rss_end_kib"], j["rss_peak_kib"])),
    ("sanitizer reports", "%d%s" % (j.get("sanitizer_reports", 0),
     " (first program: build/stress-calibration/%s)" % os.path.basename(j["sanitizer_file"])
     if j.get("sanitizer_file") else "")),
]
print("| measure | value |")
print("|---|---|")
for k, v in rows:
    print("| %s | %s |" % (k, v))
PY
for f in "${unexamined[@]}"; do
  echo
  echo "not reproduced in sim, examine: $f"
  sed -n '1,20p' "$f"
done
if [[ ${#unexamined[@]} -gt 0 || $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("sanitizer_reports",0))' "$WORK/summary.json") != 0 ]]; then
  keep=$ROOT/build/stress-calibration
  rm -rf "$keep"
  cp -r "$WORK/out" "$keep"
  cp "$WORK/stderr" "$keep/stderr.log"
  echo
  echo "finding files and the session's stderr are kept in build/stress-calibration"
fi
print_command "BUSY=$BUSY${WATCHDOG_MS:+ WATCHDOG_MS=$WATCHDOG_MS}" bench/stress_calibration.sh \
  "$DURATION" "$SEED"
