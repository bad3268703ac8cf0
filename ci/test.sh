#!/usr/bin/env bash
# Everything CI checks, lane by lane; a developer runs the same command.
#
#   ci/test.sh              all lanes, in the order below
#   ci/test.sh LANE...      only these lanes (each builds what it needs)
#   ci/test.sh --list       the lanes and what each checks
#
# Every lane runs even when an earlier one failed; a summary table and the line
# "N passed, N failed" close the output, and the exit code is 1 if any lane failed.
# Knobs: SMOKE_RUNS, TSAN_FUZZ_RUNS, TSAN_FUZZ_SECONDS, STRESS_DURATION, and
# DWH_SKIP_DEPS=1 (ci/lib.sh) to skip the package check.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DWH_ROOT"
# The sim runtime checks every cached candidate set it reuses against a
# recomputation in every lane (a mismatch aborts); benchmarks leave it off.
export DWH_SIM_VERIFY=1

LANES=(format dev asan tsan fuzz corpus smoke tsan-fuzz stress ossfuzz tree)
declare -A LANE_HELP=(
  [format]="clang-format-14 over the tracked *.cc and *.h (ci/format_check.sh); the include rule (ci/include_check.sh)"
  [dev]="dev preset: build (warnings as errors) + ctest"
  [asan]="asan preset: build + ctest under ASan and UBSan"
  [tsan]="tsan preset: build + ctest under TSan"
  [fuzz]="fuzz and fuzz-plain presets build whole, fuzz-asan its fuzz_walk_sim (+ ctest if they have tests)"
  [corpus]="damon-harness check corpus/regression on every profile; replay corpus/seeds with each replay binary"
  [smoke]="deterministic fuzz_walk_sim run on pause-rfc must find a bug that damon-harness run reproduces"
  [tsan-fuzz]="short fuzz_walk_os run under the fuzz-tsan preset on a fixed profile"
  [stress]="short damon-stress run on mm-new (tsan preset) must exit 0"
  [tree]="fetch kernel trees 6.12, 7.3 (pinned) and the newest (ci/kernel-tree.sh), build them and the planted-bug trees as profiles, tree_test, check corpus/regression and crosscheck corpus on linux-7.3.x, ci/tree-planted.sh check"
  [ossfuzz]="OSS-Fuzz build and check_build without Docker (ci/check_ossfuzz.sh)"
)

SMOKE_PROFILE=pause-rfc
SMOKE_RUNS=${SMOKE_RUNS:-200000}
SMOKE_MAX_SECONDS=${SMOKE_MAX_SECONDS:-600}
TSAN_FUZZ_SECONDS=${TSAN_FUZZ_SECONDS:-60}
TSAN_FUZZ_RUNS=${TSAN_FUZZ_RUNS:--1}
TSAN_FUZZ_PROFILE=v7.0.y
STRESS_PROFILE=mm-new
STRESS_DURATION=${STRESS_DURATION:-20s}
REPLAY_TIMEOUT=${REPLAY_TIMEOUT:-300}

SAN_ENV=(
  "ASAN_OPTIONS=abort_on_error=1:detect_leaks=1"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
  "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1"
)

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

list_lanes() {
  local lane
  for lane in "${LANES[@]}"; do printf '  %-10s %s\n' "$lane" "${LANE_HELP[$lane]}"; done
}

lane_format() { "$DWH_ROOT/ci/format_check.sh" && "$DWH_ROOT/ci/include_check.sh"; }

build_and_test() {
  build_preset "$1"
  test_preset "$1"
}
lane_dev() { build_and_test dev; }
lane_asan() { build_and_test asan; }
lane_tsan() { build_and_test tsan; }

# What the fuzz lanes use of the fuzz preset (damon-stress is built and tested elsewhere).
FUZZ_BUILD_TARGETS=(--target "${DWH_FUZZ_TARGETS[@]}" damon-harness)

lane_fuzz() {
  # Each fuzzing preset builds what its build preset names: all of it, but for
  # fuzz-asan, the benchmarks' ASan-only fuzz_walk_sim (the ossfuzz lane builds the
  # fuzz targets ASan-only).
  build_preset fuzz
  build_preset fuzz-plain
  build_preset fuzz-asan
  if has_tests fuzz; then
    test_preset fuzz
  else
    info "the fuzz preset builds no tests (DWH_TESTS=OFF): the build is the check"
  fi
}

# A scratch folder under the build root, kept when the lane fails so its files can be read.
lane_tmp() {
  mkdir -p build
  mktemp -d "$DWH_ROOT/build/ci-$1.XXXXXX"
}

lane_corpus() {
  build_preset dev
  local bin failed=0 p t rc
  bin=$(bin_dir dev)
  corpus_files corpus/regression
  corpus_files corpus/seeds
  for p in "${DWH_PROFILES[@]}"; do
    section "damon-harness check corpus/regression --profile $p"
    rc=0
    timeout "$REPLAY_TIMEOUT" "$bin/damon-harness" check corpus/regression --profile "$p" || rc=$?
    if [ "$rc" -ne 0 ]; then
      warn "check corpus/regression --profile $p: exit $rc"
      failed=1
    fi
  done
  # Replay binaries: exit 0 (no finding) or 1 (finding) are verdicts; anything else is
  # a broken seed or a crash of the harness itself.
  for t in "${DWH_FUZZ_TARGETS[@]}"; do
    for p in "${DWH_PROFILES[@]}"; do
      rc=0
      DAMON_PROFILE=$p timeout "$REPLAY_TIMEOUT" "$bin/$t" corpus/seeds >/dev/null 2>&1 || rc=$?
      case $rc in
        0 | 1) info "replay $t corpus/seeds on $p: $(verdict_name "$rc")" ;;
        *)
          warn "replay $t corpus/seeds on $p: exit $rc; rerun: DAMON_PROFILE=$p $bin/$t corpus/seeds"
          failed=1
          ;;
      esac
    done
  done
  return "$failed"
}

lane_smoke() {
  build_preset fuzz "${FUZZ_BUILD_TARGETS[@]}"
  local bin tmp rc=0 flags
  bin=$(bin_dir fuzz)
  corpus_files corpus/seeds
  tmp=$(lane_tmp smoke)
  stage_corpus "$tmp/corpus" corpus/seeds
  mapfile -t flags < <(libfuzzer_options fuzz/fuzz_walk_sim.options)
  flags+=(-dict=fuzz/damon.dict -seed=1 -runs="$SMOKE_RUNS" -max_total_time="$SMOKE_MAX_SECONDS"
    -artifact_prefix="$tmp/" -print_final_stats=1)
  section "DAMON_PROFILE=$SMOKE_PROFILE DWH_STOP_ON=$DWH_HANG_VERDICTS fuzz_walk_sim ${flags[*]} (log: $tmp/fuzz.log)"
  env "${SAN_ENV[@]}" DAMON_PROFILE="$SMOKE_PROFILE" DWH_STOP_ON="$DWH_HANG_VERDICTS" \
    timeout -k 10 $((SMOKE_MAX_SECONDS + 120)) \
    "$bin/fuzz_walk_sim" "${flags[@]}" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1 || rc=$?
  tail -n 25 "$tmp/fuzz.log"
  local crashes
  mapfile -t crashes < <(list_artifacts "$tmp" -name 'crash-*')
  if [ ${#crashes[@]} -eq 0 ]; then
    warn "no crash-* finding within $SMOKE_RUNS runs (libFuzzer exit $rc); files kept in $tmp"
    return 1
  fi
  local file
  file=$(replay_file "${crashes[0]}")
  [ "$file" != "${crashes[0]}" ] || warn "no text program beside ${crashes[0]}; replaying the raw input"
  local args
  mapfile -t args < <(replay_args "$file" "$SMOKE_PROFILE")
  section "replay: damon-harness ${args[*]}"
  rc=0
  timeout "$REPLAY_TIMEOUT" "$bin/damon-harness" "${args[@]}" >"$tmp/replay.log" 2>&1 || rc=$?
  cat "$tmp/replay.log"
  if [ "$rc" -ne 1 ]; then
    warn "replay gave '$(verdict_name "$rc")' (exit $rc), want 'finding' (exit 1); files kept in $tmp"
    return 1
  fi
  local verdict
  verdict=$(head -n 1 "$tmp/replay.log" | cut -d: -f1)
  case ",$DWH_HANG_VERDICTS," in
    *",$verdict,"*) ;;
    *)
      warn "replay verdict '$verdict' is not a hang ($DWH_HANG_VERDICTS); files kept in $tmp"
      return 1
      ;;
  esac
  info "finding ${crashes[0]##*/} replays as a finding"
  rm -rf "$tmp"
}

lane_tsan_fuzz() {
  build_preset fuzz-tsan
  local bin tmp rc=0 flags
  bin=$(bin_dir fuzz-tsan)
  tmp=$(lane_tmp tsan-fuzz)
  stage_corpus "$tmp/corpus" corpus/seeds corpus/regression
  mapfile -t flags < <(libfuzzer_options fuzz/fuzz_walk_os.options)
  # TSAN_FUZZ_RUNS=-1 (the default) fuzzes for TSAN_FUZZ_SECONDS from the staged
  # corpus, under TSan and the libFuzzer engine, on real threads; TSAN_FUZZ_RUNS=0
  # only executes the corpus once. A run that breaks a caller precondition and then
  # livelocks is cut by the run budget and abandoned, not reported (docs/ci.md).
  flags+=(-dict=fuzz/damon.dict -seed=1 -runs="$TSAN_FUZZ_RUNS" -max_total_time="$TSAN_FUZZ_SECONDS"
    -artifact_prefix="$tmp/" -print_final_stats=1)
  section "DAMON_PROFILE=$TSAN_FUZZ_PROFILE DWH_STOP_ON=$DWH_UNDOCUMENTED fuzz_walk_os ${flags[*]} (log: $tmp/fuzz.log)"
  env "${SAN_ENV[@]}" "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:$DWH_TSAN_KNOWN" \
    DAMON_PROFILE="$TSAN_FUZZ_PROFILE" DWH_STOP_ON="$DWH_UNDOCUMENTED" \
    timeout -k 10 $((TSAN_FUZZ_SECONDS + 120)) \
    "$bin/fuzz_walk_os" "${flags[@]}" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1 || rc=$?
  tail -n 25 "$tmp/fuzz.log"
  local found
  mapfile -t found < <(list_artifacts "$tmp")
  if [ "$rc" -ne 0 ] || [ ${#found[@]} -ne 0 ]; then
    warn "fuzz_walk_os on $TSAN_FUZZ_PROFILE: exit $rc, ${#found[@]} artifact(s); files kept in $tmp"
    grep -m 3 -E 'WARNING: ThreadSanitizer|ERROR: libFuzzer' "$tmp/fuzz.log" >&2 || true
    return 1
  fi
  rm -rf "$tmp"
}

lane_stress() {
  build_preset tsan --target damon-stress
  local bin out
  bin=$(bin_dir tsan)
  out=$(lane_tmp stress)
  section "damon-stress --profile $STRESS_PROFILE --runtime os --duration $STRESS_DURATION --seed 1 --stop-on $DWH_UNDOCUMENTED"
  if ! env "${SAN_ENV[@]}" "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:$DWH_TSAN_KNOWN" \
    timeout 600 "$bin/damon-stress" --profile "$STRESS_PROFILE" --runtime os \
    --duration "$STRESS_DURATION" --seed 1 --stop-on "$DWH_UNDOCUMENTED" --out "$out"; then
    warn "damon-stress failed; its finding files are in $out"
    return 1
  fi
  rm -rf "$out"
}

# Kernel trees' own core.c as profiles (docs/tree.md), in build/tree so that the
# presets stay tree-free.
# TREE_PINNED is the release the expectations are written for (corpus/regression's
# "# expect linux-7.3.x:" lines, corpus/known-differences.txt, the planted patches);
# the newest linux-source Debian carries is built beside it when it is another one.
TREE_PINNED=7.3
TREE_PINNED_PROFILE=linux-7.3.x
lane_tree() {
  local trees=() v pinned newest bin=$DWH_ROOT/build/tree/bin
  for v in 6.12 "$TREE_PINNED"; do trees+=("$("$DWH_ROOT/ci/kernel-tree.sh" "$v" | tail -n 1)") || return 1; done
  pinned=${trees[-1]}
  if newest=$("$DWH_ROOT/ci/kernel-tree.sh" latest | tail -n 1); then
    [ "$newest" = "$pinned" ] || trees+=("$newest")
  else
    warn "could not look for a newer linux-source than $TREE_PINNED; going on with the pinned trees"
    newest=$pinned
  fi
  section "planted-bug trees (ci/tree-patches) from $pinned"
  mapfile -t -O "${#trees[@]}" trees < <("$DWH_ROOT/ci/tree-planted.sh" prepare "$pinned" "$DWH_ROOT/build/planted") ||
    return 1
  section "configure tree (build/tree): ${trees[*]}"
  cmake -S "$DWH_ROOT" -B "$DWH_ROOT/build/tree" -G Ninja -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDWH_WERROR=ON \
    -DDWH_BENCH=OFF "-DDWH_KERNEL_TREES=$(IFS=';' && echo "${trees[*]}")" >/dev/null || return 1
  section "build tree"
  cmake --build "$DWH_ROOT/build/tree" --target damon-harness tree_test fuzz_walk_sim || return 1
  "$bin/tree_test" || return 1
  section "check corpus/regression on $TREE_PINNED_PROFILE"
  "$bin/damon-harness" check "$DWH_ROOT/corpus/regression" --profile "$TREE_PINNED_PROFILE" || return 1
  section "crosscheck corpus: $TREE_PINNED_PROFILE against mm-new"
  "$bin/damon-harness" crosscheck "$DWH_ROOT/corpus" --profile "$TREE_PINNED_PROFILE" --against mm-new ||
    return 1
  section "planted-bug trees found, $TREE_PINNED_PROFILE quiet"
  "$DWH_ROOT/ci/tree-planted.sh" check "$bin" "$TREE_PINNED_PROFILE" || return 1
  if [ "$newest" != "$pinned" ]; then
    # Not a gate: a new release's differences are sorted by hand (docs/tree.md).
    section "newest tree $newest against $TREE_PINNED_PROFILE (report only)"
    "$bin/damon-harness" crosscheck "$DWH_ROOT/corpus" --profile "$TREE_PINNED_PROFILE" \
      --against "$(awk '$1 == "VERSION" { v = $3 } $1 == "PATCHLEVEL" { p = $3 } END { print "linux-" v "." p ".x" }' "$newest/Makefile")" ||
      warn "the newest tree differs from $TREE_PINNED_PROFILE (docs/tree.md, a new kernel release)"
  fi
}

lane_ossfuzz() { "$DWH_ROOT/ci/check_ossfuzz.sh"; }

results=()
run_lane() {
  local lane=$1 start=$SECONDS rc=0
  section "lane $lane: ${LANE_HELP[$lane]}"
  # The subshell keeps errexit working inside the lane while a failure only ends the lane.
  set +e
  (
    set -euo pipefail
    "lane_${lane//-/_}"
  )
  rc=$?
  set -e
  local verdict=pass
  [ "$rc" -eq 0 ] || verdict="FAIL"
  results+=("$lane $verdict $((SECONDS - start))")
  section "lane $lane: $verdict (exit $rc)"
}

summary() {
  local passed=0 failed=0 row lane verdict secs
  section "summary"
  printf '%-10s %-6s %8s\n' lane result seconds
  for row in "${results[@]}"; do
    read -r lane verdict secs <<<"$row"
    printf '%-10s %-6s %8s\n' "$lane" "$verdict" "$secs"
    if [ "$verdict" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  done
  printf '%d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

main() {
  local selected=() arg
  for arg in "$@"; do
    case $arg in
      -h | --help)
        usage
        echo
        list_lanes
        exit 0
        ;;
      --list)
        list_lanes
        exit 0
        ;;
      -*) usage_error "unknown option: $arg" ;;
      *)
        [ -n "${LANE_HELP[$arg]+x}" ] || usage_error "unknown lane '$arg' (lanes: ${LANES[*]})"
        selected+=("$arg")
        ;;
    esac
  done
  [ ${#selected[@]} -gt 0 ] || selected=("${LANES[@]}")

  section "ci/test.sh: ${selected[*]} ($(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), CI=${CI:-false})"
  ensure_deps
  local lane
  for lane in "${selected[@]}"; do run_lane "$lane"; done
  summary
}

main "$@"
