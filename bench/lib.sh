# Shared helpers of the bench/*.sh scripts (sourced, not run).
# Every script prints a markdown table and the command that produced it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG_ARGS=(-G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang)

# build_preset PRESET TARGET...: configure with the committed preset if the build
# folder has no cache yet, then build only the named targets. BENCH_NO_BUILD=1
# skips it (the builds are used as they are).
build_preset() {
  [[ ${BENCH_NO_BUILD:-0} == 1 ]] && return 0
  local preset=$1; shift
  if [[ ! -f $ROOT/build/$preset/CMakeCache.txt ]]; then
    (cd "$ROOT" && cmake --preset "$preset" >/dev/null) || return 1
  fi
  ninja -C "$ROOT/build/$preset" "$@" >/dev/null || return 1
}

# build_dir DIR CMAKE_ARGS... -- TARGET...: a build that has no preset.
build_dir() {
  local dir=$1; shift
  local args=()
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  shift
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake -S "$ROOT" -B "$dir" "${CLANG_ARGS[@]}" "${args[@]}" >/dev/null || return 1
  fi
  ninja -C "$dir" "$@" >/dev/null || return 1
}

# median of the numbers on stdin ("-" if none); non-numbers are ignored.
median() {
  sort -g | awk '/^[0-9.]+$/ {v[n++] = $1} END {
    if (n == 0) { print "-"; exit }
    if (n % 2) print v[(n - 1) / 2]; else printf "%.1f\n", (v[n / 2 - 1] + v[n / 2]) / 2 }'
}

# print_command: the line that reproduces the table.
print_command() {
  echo
  echo "command: \`$*\`"
  echo "host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
}

# The stop-on filters (harness/program/finding_filter.h) that select the review
# thread's scenario: a lost request whose waiter sits in damos_walk (sim), or on
# real threads a watchdog hang whose blocked client is in damos_walk. The os
# deadlock detector gives the walk-vs-exit race (F5: every unfinished thread
# waits) the verdict deadlock, which the filter leaves out; the review thread's
# lost walk leaves a kdamond running, so on real threads it is still a
# watchdog hang.
REVIEW_STOP_ON_SIM=lost-request@damos_walk
# shellcheck disable=SC2034 # used by the scripts that source this file
REVIEW_STOP_ON_OS=lost-request@damos_walk,watchdog-hang@damos_walk

# is_review_scenario FILE: FILE is a finding file (harness/program/finding.h) of
# the review thread's scenario: its verdict line says lost-request or
# watchdog-hang and its site line is in damos_walk.
is_review_scenario() {
  grep -qE '^# damon-harness finding: (lost-request|watchdog-hang)$' "$1" 2>/dev/null &&
    grep -qE '^# site: damos_walk:' "$1" 2>/dev/null
}

# replays_as_review_scenario FILE: `damon-harness run` (dev build) of a sim
# finding file, with the settings of its own "# replay:" line, ends in a finding
# the sim filter selects (exit 1) and passes its replay check (a divergence is a
# harness-bug, which the filter does not select).
replays_as_review_scenario() {
  local file=$1 line args
  line=$(grep -m 1 -a '^# replay: damon-harness run ' "$file") || return 1
  read -ra args <<<"${line#\# replay: damon-harness }"
  local rc=0
  DWH_STOP_ON='' "$ROOT/build/dev/bin/damon-harness" "${args[@]}" \
    --stop-on "$REVIEW_STOP_ON_SIM" >/dev/null 2>&1 || rc=$?
  [[ $rc == 1 ]]
}

# sim_verdict FILE: what the program of an os finding file gives in sim with the
# random and then the pct strategy (CONFIRM_RUNS runs each, default 2000), among
# the review thread's lost request and a deadlock with the client in damos_walk
# (the walk-vs-exit race: a walk no kdamond will ever see). On real threads both
# are a watchdog hang in damos_walk; this tells them apart when sim reaches one.
# Prints lost-request, deadlock or "-" (neither reached: inconclusive).
sim_verdict() {
  local file=$1 st out
  for st in random pct; do
    out=$(DWH_STOP_ON='' "$ROOT/build/dev/bin/damon-harness" run "$file" --profile pause-rfc \
      --runtime sim --strategy "$st" --runs "${CONFIRM_RUNS:-2000}" \
      --stop-on "$REVIEW_STOP_ON_SIM,deadlock@damos_walk" 2>/dev/null | head -1) || true
    case $out in
      lost-request:*) echo lost-request; return ;;
      deadlock:*) echo deadlock; return ;;
    esac
  done
  echo -
}

# fuzzer_flags TARGET: the libFuzzer flags of fuzz/TARGET.options, one per line
# (ci/lib.sh's parser, in a subshell: its helpers share names with these).
fuzzer_flags() {
  (source "$ROOT/ci/lib.sh" && libfuzzer_options "$ROOT/fuzz/$1.options")
}

# pool_start N CMD...: runs CMD in the background as soon as fewer than N of
# this shell's jobs are running.
pool_start() {
  local n=$1
  shift
  while (($(jobs -rp | wc -l) >= n)); do wait -n || true; done
  "$@" &
}

now_s() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f\n", b - a }'; }
# within_cap SECONDS CAP: a trial found after its cap counts as not found.
within_cap() { awk -v s="$1" -v c="$2" 'BEGIN { exit !(s <= c) }'; }

# fuzz_trial BIN TARGET SEED CAP DIR [VAR=VALUE...]: runs the libFuzzer target BIN
# (flags of fuzz/TARGET.options, single process) from an empty corpus in DIR, with
# the given environment, until it writes a finding file is_review_scenario
# accepts, or CAP seconds of wall time have passed. A stop for anything else (a
# sanitizer report, a libFuzzer timeout or leak) restarts it on the same corpus
# with seed SEED + 1000000 * restarts, for the time left. Prints one line:
#   found SECONDS RESTARTS FILE     or     none CAP RESTARTS LAST_STOP
fuzz_trial() {
  local bin=$1 target=$2 seed=$3 cap=$4 dir=$5
  shift 5
  local flags t0 left restarts=0 last=- art secs
  mapfile -t flags < <(fuzzer_flags "$target")
  mkdir -p "$dir/corpus" "$dir/art"
  t0=$(now_s)
  while :; do
    left=$(awk -v c="$cap" -v e="$(elapsed_since "$t0")" 'BEGIN { printf "%d\n", c - e }')
    ((left > 0)) || break
    env "$@" timeout -k 10 $((left + 30)) "$bin" "${flags[@]}" \
      -seed=$((seed + 1000000 * restarts)) -max_total_time="$left" \
      -artifact_prefix="$dir/art/" "$dir/corpus" >>"$dir/log" 2>&1 || true
    art=$(find "$dir/art" -maxdepth 1 -type f ! -name '*.txt' | head -1)
    if [[ -z $art ]]; then
      # No artifact: the time is up, or the target could not run at all.
      awk -v c="$cap" -v e="$(elapsed_since "$t0")" 'BEGIN { exit !(e < c - 5) }' || break
      echo "$bin stopped early without an artifact; the end of $dir/log:" >&2
      tail -5 "$dir/log" >&2
      echo "none $cap $restarts failed"
      return
    fi
    if is_review_scenario "$art.txt"; then
      secs=$(elapsed_since "$t0")
      within_cap "$secs" "$cap" || break
      echo "found $secs $restarts $art.txt"
      return
    fi
    last=$(grep -aoE 'SUMMARY: [A-Za-z]+Sanitizer: [a-z-]+|FINDING verdict=[a-z-]+|ERROR: libFuzzer: [a-z-]+' \
      "$dir/log" | tail -1 | tr ' ' '_')
    mkdir -p "$dir/other"
    mv "$dir"/art/* "$dir/other/"
    restarts=$((restarts + 1))
  done
  echo "none $cap $restarts ${last:--}"
}

# stress_trial BIN RUNTIME SEED CAP DIR FILTER [VAR=VALUE...]: one damon-stress
# session on pause-rfc (--duration CAP, --stop-on FILTER, --json) with the given
# environment. Found when it stopped on a finding whose file is_review_scenario
# accepts and, for sim, replays_as_review_scenario. Prints one line:
#   found SECONDS 0 FILE     or     none CAP 0 STOPPED_BY
stress_trial() {
  local bin=$1 runtime=$2 seed=$3 cap=$4 dir=$5 filter=$6 t0 secs file stopped
  shift 6
  mkdir -p "$dir"
  t0=$(now_s)
  env "$@" timeout -k 10 $((cap + 120)) "$bin" --profile pause-rfc --runtime "$runtime" \
    --duration "${cap}s" --seed "$seed" --stop-on "$filter" --out "$dir/out" --json \
    >"$dir/summary.json" 2>"$dir/log" || true
  secs=$(elapsed_since "$t0")
  read -r stopped file < <(python3 -c '
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except Exception:
    print("crashed -"); sys.exit()
f = j.get("finding") or {}
print(j.get("stopped_by", "?") or "?", f.get("file") or "-")' "$dir/summary.json")
  if [[ $stopped == finding ]] && within_cap "$secs" "$cap" && is_review_scenario "$file" &&
    { [[ $runtime == os ]] || replays_as_review_scenario "$file"; }; then
    echo "found $secs 0 $file"
  else
    echo "none $cap 0 $stopped"
  fi
}

# summarize_row CELLS TRIALS RESULTS_FILE [EXTRA]: one markdown row, the leading
# CELLS ("label" or "label | build") then, from fuzz_trial / stress_trial lines,
# found/trials and the median, min and max seconds of the found trials, then the
# EXTRA cells if given.
summarize_row() {
  local cells=$1 trials=$2 results=$3 extra=${4:-} found med min max
  found=$(grep -c '^found ' "$results" || true)
  med=$(awk '$1 == "found" {print $2}' "$results" | median)
  min=$(awk '$1 == "found" {print $2}' "$results" | sort -g | head -1)
  max=$(awk '$1 == "found" {print $2}' "$results" | sort -g | tail -1)
  echo "| $cells | $found/$trials | $med | ${min:--} | ${max:--} |${extra:+ $extra |}"
}
