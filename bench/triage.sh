#!/usr/bin/env bash
# Triage time on the output of a fuzz run. fuzz_walk_sim of the fuzz preset
# (libFuzzer + ASan/UBSan) fuzzes pause-rfc for FUZZ_SECONDS in fork mode on
# every core (-fork=$(nproc), -ignore_crashes=1, so artifacts accumulate),
# starting from a copy of corpus/seeds; then `damon-harness triage DIR --out OUT
# --jobs 2` (dev build) is timed on the artifacts (crash-*, timeout-*, each with
# the finding file the target writes beside it). The target: at least
# MIN_ARTIFACTS artifacts triaged in under 120 s on 2 cores. The table also says
# whether the review thread's scenario has a bucket (a lost request waiting in
# damos_walk, dropped by damos_walk_cancel; docs/findings.md F6), what its
# timeline's columns are, and whether every bucket has a minimal program and a
# timeline.
#
# The artifacts and the report are kept in build/bench-triage/ (replaced on
# every run) so the triage can be rerun and read.
#
#   bench/triage.sh [FUZZ_SECONDS] [MIN_ARTIFACTS]     (defaults 600 and 200)
#   SEED=N: libFuzzer -seed (default 1); BENCH_NO_BUILD=1 uses the builds as
#   they are.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
FUZZ_SECONDS=${1:-600}
MIN_ARTIFACTS=${2:-200}
SEED=${SEED:-1}
PROFILE=pause-rfc
TRIAGE_JOBS=2
TRIAGE_TARGET_S=120
[[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ && $MIN_ARTIFACTS =~ ^[0-9]+$ && $SEED =~ ^[0-9]+$ ]] || {
  echo "usage: bench/triage.sh [FUZZ_SECONDS] [MIN_ARTIFACTS]" >&2
  exit 2
}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
KEEP_DIR=$ROOT/build/bench-triage
ARTIFACTS=$KEEP_DIR/artifacts
OUT=$KEEP_DIR/report
rm -rf "$KEEP_DIR"
mkdir -p "$ARTIFACTS" "$WORK/corpus"

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  build_preset fuzz fuzz_walk_sim
  build_preset dev damon-harness
fi
FUZZER=$ROOT/build/fuzz/bin/fuzz_walk_sim
HARNESS=$ROOT/build/dev/bin/damon-harness

# Fuzz in WORK, where fork mode leaves its per-job logs.
cp "$ROOT"/corpus/seeds/*.txt "$WORK/corpus/"
mapfile -t flags < <(source "$ROOT/ci/lib.sh" && libfuzzer_options "$ROOT/fuzz/fuzz_walk_sim.options")
flags+=(-fork="$(nproc)" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -seed="$SEED"
  -max_total_time="$FUZZ_SECONDS" -artifact_prefix="$ARTIFACTS/")
(cd "$WORK" && DAMON_PROFILE=$PROFILE timeout -k 10 $((FUZZ_SECONDS + 120)) \
  "$FUZZER" "${flags[@]}" corpus >"$KEEP_DIR/fuzz.log" 2>&1) || true
artifacts=$(find "$ARTIFACTS" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' \) \
  ! -name '*.txt' | wc -l)
if ((artifacts == 0)); then
  echo "the fuzzer wrote no artifact; the end of its log:" >&2
  tail -5 "$KEEP_DIR/fuzz.log" >&2
  exit 1
fi

t0=$(date +%s.%N)
rc=0
"$HARNESS" triage "$ARTIFACTS" --out "$OUT" --jobs "$TRIAGE_JOBS" >"$KEEP_DIR/triage.log" 2>&1 ||
  rc=$?
triage_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }')
if ((rc > 1)) || [[ ! -f $OUT/report.json ]]; then
  echo "damon-harness triage failed (exit $rc):" >&2
  tail -5 "$KEEP_DIR/triage.log" >&2
  exit 1
fi

# From report.json: buckets, the review thread's bucket (its id and its
# timeline's column names) and how many buckets have a minimal program and a
# timeline.
read -r buckets review columns complete inputs < <(python3 - "$OUT/report.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
review, columns, complete = "no", "-", 0
for b in rep["buckets"]:
    if b["minimal_program"].startswith("damon-harness program v1") and b["timeline"].strip():
        complete += 1
    facts = set(b["facts"])
    if (b["verdict"] == "lost-request" and "func damos_walk_cancel" in facts
            and any(f.startswith("wait damos_walk:") for f in facts) and review == "no"):
        review = "yes:bucket-%d" % b["id"]
        head = b["timeline"].splitlines()[0]
        columns = ",".join(c.strip() for c in head.replace("|", "\u2502").split("\u2502"))
print(len(rep["buckets"]), review, columns, complete, len(rep["inputs"]))
PY
)
verdict=$(awk -v n="$artifacts" -v m="$MIN_ARTIFACTS" -v s="$triage_s" -v t="$TRIAGE_TARGET_S" \
  'BEGIN { print (n >= m && s < t) ? "met" : (n < m ? "not met: too few artifacts" : "not met: too slow") }')

echo "| artifacts | triage inputs | buckets | triage s (--jobs $TRIAGE_JOBS) | review-thread bucket | its timeline columns | buckets with minimal program + timeline | target (>= $MIN_ARTIFACTS artifacts, < $TRIAGE_TARGET_S s) | report |"
echo "|---:|---:|---:|---:|---|---|---:|---|---|"
review_cell=no
[[ $review == yes:* ]] && review_cell="yes (${review#yes:})"
echo "| $artifacts | $inputs | $buckets | $triage_s | $review_cell | $columns | $complete/$buckets | $verdict | \`${OUT#"$ROOT"/}/report.md\` |"
echo
echo "Buckets (class, inputs, signature):"
echo
grep -E '^bucket [0-9]+:' "$KEEP_DIR/triage.log" | sed 's/^/- /' | cut -c1-200
echo
echo "fuzz_walk_sim (fuzz preset) on $PROFILE, $FUZZ_SECONDS s, -fork=$(nproc), -seed=$SEED," \
  "seeds from corpus/seeds; triage by the dev build's damon-harness."
print_command bench/triage.sh "$FUZZ_SECONDS" "$MIN_ARTIFACTS"
