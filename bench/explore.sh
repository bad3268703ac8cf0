#!/usr/bin/env bash
# The systematic search (damon-harness explore, docs/explore.md) in one table:
#  - the review thread's scenario written plainly, with no schedule: time and
#    schedules to the first lost request on pause-rfc and v7.0-rc, and the same
#    scenario with its precondition (a stopped context) as a setup block;
#  - the complete search at K=2 and K=3 on pause-rfc-fix, v7.0 and mm-new;
#  - every corpus/regression file with its schedule line removed, on every
#    profile its expectations give a protocol finding: found at which K;
#  - schedules per second beside fuzz_walk_sim's executions per second on the
#    same program (dev build: the replay driver, one execution per file given).
#
# Usage: bench/explore.sh [K_MAX] [TIME_CAP] [FUZZ_RUNS]
#   K_MAX     bound for the regression rows and the review rows (default 3)
#   TIME_CAP  seconds per search before it counts as incomplete (default 60)
#   FUZZ_RUNS executions of fuzz_walk_sim for the rate row (default 2000)
# Hold the CPU lock around it when the host is shared; the times are wall time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

K_MAX=${1:-3}
CAP=${2:-60}
FUZZ_RUNS=${3:-2000}

build_preset dev damon-harness fuzz_walk_sim
BIN=$ROOT/build/dev/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/review.txt" <<'EOF'
damon-harness program v1
cpu1: start ctx0
cpu1: stop ctx0
cpu0: walk ctx0
cpu0: walk ctx0
cpu1: start ctx0
EOF
# The precondition written as such (the file says how).
cp "$ROOT/tests/data/explore/review-stopped.txt" "$WORK/review-setup.txt"

# explore_json ARGS...: the JSON of one search (exit 0 and 1 are results).
explore_json() {
  local rc=0
  "$BIN/damon-harness" explore "$@" --json --out "$WORK/findings" 2>"$WORK/err" || rc=$?
  if [[ $rc -gt 1 ]]; then
    echo "explore $* failed (exit $rc): $(cat "$WORK/err")" >&2
    return 1
  fi
}

# row PROGRAM PROFILE SEARCH JSON: one line of the table from a search's JSON.
row() {
  python3 - "$1" "$2" "$3" "$4" <<'EOF'
import json, sys
name, profile, search, text = sys.argv[1:5]
j = json.loads(text)
found = j["findings"]
if found:
    kinds = {}
    for f in found:
        kinds.setdefault(f["verdict"], min(f["preemptions"], kinds.get(f["verdict"], 99)))
    result = ", ".join(f"{v} at K={k}" for v, k in sorted(kinds.items()))
else:
    result = "none"
state = "complete" if j["complete"] else ("stopped at first" if j["stopped"] else "incomplete (budget)")
rate = j["schedules"] / j["seconds"] if j["seconds"] > 0 else 0
print(f"| {name} | {profile} | {search} | {result} | {state} | {j['schedules']:,} | "
      f"{j['seconds']:.2f} | {rate:,.0f} |")
EOF
}

echo "| program | profile | search | findings (fewest preemptions) | search state | schedules | time (s) | schedules/s |"
echo "|---|---|---|---|---|---|---|---|"

for prog in review review-setup; do
  for p in pause-rfc v7.0-rc; do
    j=$(explore_json "$WORK/$prog.txt" --profile "$p" --preemptions "$K_MAX" \
      --stop-on "$REVIEW_STOP_ON_SIM" --time "$CAP")
    row "$prog (no schedule)" "$p" "0..$K_MAX, first $REVIEW_STOP_ON_SIM" "$j"
  done
done

for prog in review review-setup; do
  for p in pause-rfc-fix v7.0 mm-new; do
    for k in 2 3; do
      j=$(explore_json "$WORK/$prog.txt" --profile "$p" --preemptions "$k" --time "$CAP")
      row "$prog (no schedule)" "$p" "complete 0..$k" "$j"
    done
  done
done

# Every regression file, schedule removed, on each profile its expectations
# give a protocol finding (not ok, not caller-contract): the search stops at
# the first finding of the expected verdict.
for f in "$ROOT"/corpus/regression/*.txt; do
  base=$(basename "$f" .txt)
  grep -v '^schedule:' "$f" >"$WORK/$base.txt"
  while read -r p v; do
    [[ $v == ok || $v == caller-contract ]] && continue
    j=$(explore_json "$WORK/$base.txt" --profile "$p" --preemptions "0..$K_MAX" --stop-on "$v" \
      --time "$CAP")
    row "regression/$base (schedule removed)" "$p" "0..$K_MAX, first $v" "$j"
  done < <(sed -n 's/^# expect \([^:]*\): \(.*\)$/\1 \2/p' "$f")
done

# fuzz_walk_sim on the same program: FUZZ_RUNS executions of its own
# schedule, through the dev build's replay driver.
args=()
for ((i = 0; i < FUZZ_RUNS; i++)); do args+=("$WORK/review-setup.txt"); done
start=$(date +%s.%N)
DAMON_PROFILE=pause-rfc-fix "$BIN/fuzz_walk_sim" "${args[@]}" >"$WORK/fuzz.out" 2>&1 || true
end=$(date +%s.%N)
if ! grep -q "replayed $FUZZ_RUNS input(s) on profile pause-rfc-fix: 0 finding(s), 0 bad" "$WORK/fuzz.out"; then
  echo "fuzz_walk_sim did not replay the program $FUZZ_RUNS times: $(tail -1 "$WORK/fuzz.out")" >&2
  exit 1
fi
awk -v n="$FUZZ_RUNS" -v s="$start" -v e="$end" 'BEGIN {
  printf "| review-setup, its own schedule | pause-rfc-fix | fuzz_walk_sim (dev, replay driver), %d executions | - | - | %d | %.2f | %.0f (executions/s) |\n", n, n, e - s, n / (e - s) }'

print_command "bench/explore.sh $K_MAX $CAP $FUZZ_RUNS"
