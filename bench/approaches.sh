#!/usr/bin/env bash
# Time to the first finding of the review thread's scenario on pause-rfc, four
# approaches side by side in one run, TRIALS trials each capped at CAP seconds:
#
#   damon-stress --runtime os   (tsan preset)       real threads under TSan
#   damon-stress --runtime sim  (dev preset)        seeded random/PCT sim runs
#   fuzz_walk_os                (fuzz-tsan preset)  libFuzzer, real threads, TSan
#   fuzz_walk_sim               (fuzz-plain preset) libFuzzer, no sanitizer, sim
#
# All use the same profile, cap and stop-on filter: lost-request@damos_walk for
# sim; on real threads the scenario shows as a watchdog hang whose blocked client
# is in damos_walk (a kdamond still runs), so the os approaches add
# watchdog-hang@damos_walk; the walk-vs-exit deadlock is a deadlock there. Other
# findings are counted and the search goes on. Trial i uses seed SEED_BASE+i
# (damon-stress --seed, libFuzzer -seed), printed per trial. The fuzzers start from
# an empty corpus, single process; a stop for something else (a sanitizer report)
# restarts one on its corpus for the time left (bench/lib.sh fuzz_trial). A trial
# that reaches the cap counts as not found. Sim findings must replay with
# `damon-harness run` (dev build); os findings are checked by their file (verdict
# and site), as a real-thread hang does not replay deterministically. A watchdog
# hang in damos_walk is also what a walk that no kdamond will ever see looks like
# (the walk-vs-exit race), so each os finding's program is also run in sim
# (bench/lib.sh sim_verdict): the last column counts those that give the review
# thread's lost request there, and the per-trial list says what each gave
# (lost-request, deadlock, or "-": sim reached neither, inconclusive).
#
#   bench/approaches.sh [TRIALS] [CAP]     (defaults 5 and 600)
#   SEED_BASE=N (default 0); WATCHDOG_MS=N sets DWH_WATCHDOG_MS for the os
#   approaches (default: the runtime's, 10000); PARALLEL=N trials at a time
#   (default: the number of cores); KEEP=1 keeps the work folder;
#   BENCH_NO_BUILD=1 uses the builds as they are.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TRIALS=${1:-5}
CAP=${2:-600}
SEED_BASE=${SEED_BASE:-0}
[[ $TRIALS =~ ^[1-9][0-9]*$ && $CAP =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: bench/approaches.sh [TRIALS] [CAP_SECONDS]" >&2
  exit 2
}
WORK=$(mktemp -d)
if [[ ${KEEP:-0} == 1 ]]; then echo "work folder: $WORK" >&2; else trap 'rm -rf "$WORK"' EXIT; fi
OS_ENV=(DAMON_PROFILE=pause-rfc)
[[ -n ${WATCHDOG_MS:-} ]] && OS_ENV+=(DWH_WATCHDOG_MS="$WATCHDOG_MS")

build_preset tsan damon-stress
build_preset dev damon-stress damon-harness
build_preset fuzz-tsan fuzz_walk_os
build_preset fuzz-plain fuzz_walk_sim

# trial NAME I: trial I of approach NAME; its result line goes to
# $WORK/NAME-I.result.
trial() {
  local name=$1 i=$2 seed line
  seed=$((SEED_BASE + i))
  case $name in
    stress-os)
      line=$(stress_trial "$ROOT/build/tsan/bin/damon-stress" os "$seed" "$CAP" \
        "$WORK/$name-$i" "$REVIEW_STOP_ON_OS" "${OS_ENV[@]}") ;;
    stress-sim)
      line=$(stress_trial "$ROOT/build/dev/bin/damon-stress" sim "$seed" "$CAP" \
        "$WORK/$name-$i" "$REVIEW_STOP_ON_SIM") ;;
    fuzz-os)
      line=$(fuzz_trial "$ROOT/build/fuzz-tsan/bin/fuzz_walk_os" fuzz_walk_os "$seed" "$CAP" \
        "$WORK/$name-$i" "${OS_ENV[@]}" DWH_STOP_ON="$REVIEW_STOP_ON_OS") ;;
    fuzz-sim)
      line=$(fuzz_trial "$ROOT/build/fuzz-plain/bin/fuzz_walk_sim" fuzz_walk_sim "$seed" "$CAP" \
        "$WORK/$name-$i" DAMON_PROFILE=pause-rfc DWH_STOP_ON="$REVIEW_STOP_ON_SIM")
      if [[ $line == found* ]] && ! replays_as_review_scenario "${line##* }"; then
        line="none $CAP 0 replay-mismatch:${line##* }"
      fi ;;
  esac
  if [[ $name == *-os && $line == found* ]]; then
    line+=" sim:$(sim_verdict "${line##* }")"
  fi
  echo "$name seed=$seed: $line" >&2
  echo "$seed $line" >"$WORK/$name-$i.result"
}

# The trials go round the approaches (stress-os 1, stress-sim 1, fuzz-os 1,
# fuzz-sim 1, stress-os 2, ...), PARALLEL at a time (default: one per core), so
# every approach runs beside the others under the same load.
PARALLEL=${PARALLEL:-$(nproc)}
APPROACHES=(stress-os stress-sim fuzz-os fuzz-sim)
for ((i = 1; i <= TRIALS; i++)); do
  for a in "${APPROACHES[@]}"; do pool_start "$PARALLEL" trial "$a" "$i"; done
done
wait
for a in "${APPROACHES[@]}"; do
  for ((i = 1; i <= TRIALS; i++)); do cat "$WORK/$a-$i.result"; done >"$WORK/$a.results"
done

# seeds NAME: "seed:seconds" per trial ("-" when not found).
seeds() {
  awk '{ r = $2 == "found" ? $3 ($NF ~ /^sim:/ ? "(" $NF ")" : "") : "-"
         printf "%s%s:%s", sep, $1, r; sep = " " } END { print "" }' \
    "$WORK/$1.results"
}

for a in "${APPROACHES[@]}"; do cut -d' ' -f2- "$WORK/$a.results" >"$WORK/$a.lines"; done
# confirmed NAME: found trials that are the scenario in sim (the sim ones have
# replayed as it already).
confirmed() {
  if [[ $1 == *-os ]]; then grep -c ' sim:lost-request$' "$WORK/$1.lines" || true; else
    grep -c '^found ' "$WORK/$1.lines" || true; fi
}

echo "| approach | build | found/trials | median s | min s | max s | of which lost-request in sim |"
echo "|---|---|---:|---:|---:|---:|---:|"
summarize_row "damon-stress --runtime os | tsan" "$TRIALS" "$WORK/stress-os.lines" "$(confirmed stress-os)"
summarize_row "damon-stress --runtime sim | dev" "$TRIALS" "$WORK/stress-sim.lines" "$(confirmed stress-sim)"
summarize_row "fuzz_walk_os | fuzz-tsan" "$TRIALS" "$WORK/fuzz-os.lines" "$(confirmed fuzz-os)"
summarize_row "fuzz_walk_sim | fuzz-plain" "$TRIALS" "$WORK/fuzz-sim.lines" "$(confirmed fuzz-sim)"
echo
echo "Profile pause-rfc, cap ${CAP} s per trial; stop-on $REVIEW_STOP_ON_SIM (sim)," \
  "$REVIEW_STOP_ON_OS (os); os watchdog ${WATCHDOG_MS:-default} ms; $PARALLEL trials at a time" \
  "on $(nproc) cores. Seed:seconds per trial:"
echo
for a in "${APPROACHES[@]}"; do echo "- $a: $(seeds "$a")"; done
print_command bench/approaches.sh "$TRIALS" "$CAP"
