#!/usr/bin/env bash
# Fuzzes the DAMON control plane model with libFuzzer and lists what it found, by signature.
#
#   ci/fuzz.sh [--time SECONDS] [--profile PROFILE] [--jobs N] [--mode keep|crash]
#              [--kernel-tree PATH]
#
#   --time SECONDS     how long to fuzz (default: $FUZZ_SECONDS, else 300)
#   --profile PROFILE  kernel profile to fuzz (default: $DAMON_PROFILE, else pause-rfc);
#                      `ci/fuzz.sh --profiles` lists them
#   --jobs N           fuzzing processes, one per core by default (default: $FUZZ_JOBS, else nproc)
#   --mode MODE        keep (default): findings go to the store and fuzzing goes on, N
#                      processes (-jobs=N) sharing corpus and store; crash: one crash per
#                      new signature, as OSS-Fuzz runs the target (-fork=N, restarted after
#                      each crash)
#   --kernel-tree PATH a kernel tree (yours, patched or not, or one of ci/kernel-tree.sh):
#                      builds its own mm/damon/core.c as a profile (docs/tree.md) in
#                      build/fuzz-tree and fuzzes that profile
#
# Builds the fuzz preset if needed and grows the corpus in $FUZZ_WORK/corpus (default
# build/fuzz-work; seeded from $FUZZ_SEEDS, default "corpus/seeds corpus/regression", "" for
# an empty corpus). Findings go to the store $FUZZ_WORK/findings: one file per signature and
# a hit count (harness/report/store.h). Every 10 s a progress line gives executions, exec/s,
# corpus size and distinct signatures. At the end, or on Ctrl-C, it prints the store's
# buckets (signature, verdict, hits, documented in corpus/known-findings.txt or not, first
# file, replay command) and replays each new signature's file. Exit 0 with or without
# findings (they are the product), 1 if the build or the fuzzer failed, 2 for bad arguments.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DWH_ROOT"

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; }

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

seconds=${FUZZ_SECONDS:-300}
profile=${DAMON_PROFILE:-$DWH_DEFAULT_PROFILE}
jobs=${FUZZ_JOBS:-$(nproc)}
mode=keep
tree=
work=${FUZZ_WORK:-build/fuzz-work}
read -ra seeds <<<"${FUZZ_SEEDS-corpus/seeds corpus/regression}"
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --profiles)
      printf '%s\n' "${DWH_PROFILES[@]}"
      exit 0
      ;;
    --time | --profile | --jobs | --mode | --kernel-tree)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case $1 in
        --kernel-tree) tree=$2 ;;
        --time) seconds=$2 ;;
        --profile) profile=$2 ;;
        --jobs) jobs=$2 ;;
        --mode) mode=$2 ;;
      esac
      shift 2
      ;;
    --time=*) seconds=${1#*=} && shift ;;
    --profile=*) profile=${1#*=} && shift ;;
    --jobs=*) jobs=${1#*=} && shift ;;
    --mode=*) mode=${1#*=} && shift ;;
    --kernel-tree=*) tree=${1#*=} && shift ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
is_count "$seconds" || usage_error "--time wants a positive number of seconds, not '$seconds'"
is_count "$jobs" || usage_error "--jobs wants a positive number, not '$jobs'"
[ -n "$tree" ] || is_profile "$profile" || usage_error "unknown profile '$profile' (profiles: ${DWH_PROFILES[*]})"
case $mode in keep | crash) ;; *) usage_error "--mode wants keep or crash, not '$mode'" ;; esac

if [ -n "$tree" ]; then
  [ -f "$tree/mm/damon/core.c" ] && [ -f "$tree/Makefile" ] ||
    usage_error "--kernel-tree $tree: not a kernel tree (no mm/damon/core.c or Makefile there)"
  tree=$(cd "$tree" && pwd)
fi

ensure_deps
if [ -z "$tree" ]; then
  build_preset fuzz --target fuzz_walk_sim damon-harness || die "could not build the fuzz preset"
  bin=$DWH_ROOT/$(bin_dir fuzz)
else
  # The fuzz preset, with the tree as its one tree profile, in a folder of its own.
  tree_build=build/fuzz-tree
  mkdir -p build
  section "configure fuzz with DWH_KERNEL_TREES=$tree ($tree_build)"
  use_ccache
  if ! cmake --preset fuzz -B "$tree_build" -DDWH_KERNEL_TREES="$tree" >"$tree_build.log" 2>&1; then
    tail -n 20 "$tree_build.log" >&2
    printf 'error: --kernel-tree %s: the tree does not build as a profile (log: %s)\n' \
      "$tree" "$tree_build.log" >&2
    exit 2
  fi
  section "build $tree_build"
  cmake --build "$tree_build" --target fuzz_walk_sim damon-harness ||
    die "could not build $tree_build with the tree $tree"
  bin=$DWH_ROOT/$tree_build/bin
  # The build's one tree profile (damon-harness profiles: "NAME  kernel tree ...").
  profile=$("$bin/damon-harness" profiles | awk '$2 == "kernel" && $3 == "tree" { print $1; exit }')
  [ -n "$profile" ] || die "$tree_build has no tree profile (damon-harness profiles)"
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
store=$work/findings
logs=$work/logs
mkdir -p "$work/corpus" "$work/artifacts" "$store" "$logs"
[ ${#seeds[@]} -eq 0 ] || stage_corpus "$work/corpus" "${seeds[@]}"
rm -f "$logs"/fuzz-*.log "$logs/main.log" "$logs/started"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Absolute paths: the workers run in the log folder, where libFuzzer writes fuzz-<N>.log.
mapfile -t flags < <(libfuzzer_options "$DWH_ROOT/fuzz/fuzz_walk_sim.options")
flags+=(-max_total_time="$seconds"
  -artifact_prefix="$work/artifacts/" -print_final_stats=1)
if [ "$mode" = keep ]; then
  # Independent processes for the whole run, each reloading the corpus folder the
  # others write to (-reload, on by default); nothing restarts them.
  flags+=(-jobs="$jobs" -workers="$jobs")
else
  # Fork mode keeps fuzzing after a crash or a hang and writes each one to the artifacts.
  flags+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
env_vars=(DAMON_PROFILE="$profile" DWH_ON_FINDING="$mode" DWH_STORE="$store")

section "fuzz_walk_sim on profile $profile, mode $mode: $seconds s, $jobs process(es), corpus $work/corpus"
info "${env_vars[*]} $bin/fuzz_walk_sim ${flags[*]} $work/corpus"
info "store: $store; logs: $logs"

# The last "#N ... exec/s: R" line of each worker's log: executions and rate so far.
# Prints "EXECS RATE".
worker_totals() {
  local f line execs=0 rate=0 n r
  for f in "$logs"/fuzz-*.log "$logs/main.log"; do
    [ -f "$f" ] || continue
    line=$(grep -a -E '^#[0-9]+' "$f" | tail -n 1 || true)
    [ -n "$line" ] || continue
    n=${line%%[!#0-9]*}
    n=${n#\#}
    r=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' <<<"$line")
    execs=$((execs + n))
    rate=$((rate + ${r:-0}))
  done
  printf '%s %s\n' "$execs" "$rate"
}
count_files() { find "$1" -maxdepth 1 -type f "${@:2}" 2>/dev/null | wc -l; }

interrupted=0
trap 'interrupted=1' INT TERM
start=$SECONDS
date +%s >"$logs/started"  # for bench/main_job.sh: time to a signature's first file
rc=0
# Its own process group, so that Ctrl-C reaches every worker through one kill.
(cd "$logs" && exec setsid env "${env_vars[@]}" "$bin/fuzz_walk_sim" "${flags[@]}" \
  "$work/corpus" >"$logs/main.log" 2>&1) &
fuzzer=$!
tick=0
while kill -0 "$fuzzer" 2>/dev/null; do
  sleep 1 &
  wait $! 2>/dev/null || true
  if [ "$interrupted" -eq 1 ]; then
    info "interrupted: stopping the workers"
    kill -INT -- "-$fuzzer" 2>/dev/null || kill -INT "$fuzzer" 2>/dev/null || true
    break
  fi
  tick=$((tick + 1))
  [ $((tick % 10)) -eq 0 ] || continue
  read -r execs rate < <(worker_totals)
  printf '  [%s] %s s: %s execs, %s exec/s, corpus %s, signatures %s\n' "$(elapsed)" \
    $((SECONDS - start)) "$execs" "$rate" "$(count_files "$work/corpus")" \
    "$(count_files "$store" -name '*.txt' ! -name '*.tmp.*')"
done
wait "$fuzzer" || rc=$?
trap - INT TERM
wall=$((SECONDS - start))

read -r execs _ < <(worker_totals)
in_process=0
for f in "$logs"/fuzz-*.log "$logs/main.log"; do
  [ -f "$f" ] || continue
  r=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$f" | tail -n 1)
  in_process=$((in_process + ${r:-0}))
done
section "executions: $execs in $wall s: $((execs / (wall > 0 ? wall : 1))) exec/s effective, $in_process exec/s the workers' own average (summed), libFuzzer exit $rc"

section "findings by signature (profile $profile)"
"$bin/damon-harness" store "$store" || true

# Each new signature's file must replay as a finding.
mapfile -t rows < <("$bin/damon-harness" store --tsv "$store" | tail -n +2 || true)
checked=0 failed=0
for row in "${rows[@]}"; do
  IFS=$'\t' read -r id _ _ documented _ file _ _ <<<"$row"
  [ "$documented" = no ] || continue
  mapfile -t args < <(replay_args "$file" "$profile")
  vrc=0
  timeout 300 "$bin/damon-harness" "${args[@]}" >"$out" 2>&1 || vrc=$?
  checked=$((checked + 1))
  if [ "$vrc" -ne 1 ]; then
    failed=$((failed + 1))
    warn "signature $id: replay gave '$(verdict_name "$vrc")': ${file}"
  fi
done
info "replay check: $((checked - failed)) of $checked new signature(s) replay as findings"
mapfile -t crashes < <(list_artifacts "$work/artifacts")
[ ${#crashes[@]} -eq 0 ] || info "${#crashes[@]} libFuzzer artifact(s) in $work/artifacts/"

if [ "$interrupted" -eq 1 ]; then
  exit 130
fi
if [ "$rc" -ne 0 ] && [ ${#rows[@]} -eq 0 ] && [ ${#crashes[@]} -eq 0 ]; then
  tail -n 20 "$logs/main.log" >&2 || true
  die "fuzz_walk_sim exited $rc without a finding: see $logs/"
fi
exit 0
