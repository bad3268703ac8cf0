#!/usr/bin/env bash
# Fuzzes the DAMON control plane model with libFuzzer and lists what it found.
#
#   ci/fuzz.sh [--time SECONDS] [--profile PROFILE] [--jobs N]
#
#   --time SECONDS     how long to fuzz (default: $FUZZ_SECONDS, else 300)
#   --profile PROFILE  kernel profile to fuzz (default: $DAMON_PROFILE, else pause-rfc);
#                      `ci/fuzz.sh --profiles` lists them
#   --jobs N           parallel libFuzzer workers, -fork=N (default: $FUZZ_JOBS, else nproc)
#
# Builds the fuzz preset if needed, grows the corpus in build/fuzz-work/corpus (seeded
# from corpus/seeds and corpus/regression) and writes findings to
# build/fuzz-work/artifacts/. At the end every new finding is replayed with
# `damon-harness run FILE --profile PROFILE` (plus the settings the finding file's own
# "# replay:" line adds) and listed with its verdict and the command that replays it. Exit 0 with or without findings (they are the product), 1 if the
# build or the fuzzer failed, 2 for bad arguments.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DWH_ROOT"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

seconds=${FUZZ_SECONDS:-300}
profile=${DAMON_PROFILE:-$DWH_DEFAULT_PROFILE}
jobs=${FUZZ_JOBS:-$(nproc)}
list_max=${FUZZ_LIST_MAX:-20}
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
    --time | --profile | --jobs)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case $1 in
        --time) seconds=$2 ;;
        --profile) profile=$2 ;;
        --jobs) jobs=$2 ;;
      esac
      shift 2
      ;;
    --time=*) seconds=${1#*=} && shift ;;
    --profile=*) profile=${1#*=} && shift ;;
    --jobs=*) jobs=${1#*=} && shift ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
is_count "$seconds" || usage_error "--time wants a positive number of seconds, not '$seconds'"
is_count "$jobs" || usage_error "--jobs wants a positive number, not '$jobs'"
is_profile "$profile" || usage_error "unknown profile '$profile' (profiles: ${DWH_PROFILES[*]})"

ensure_deps
build_preset fuzz --target fuzz_walk_sim damon-harness || die "could not build the fuzz preset"

bin=$(bin_dir fuzz)
work=build/fuzz-work
mkdir -p "$work/corpus" "$work/artifacts"
stage_corpus "$work/corpus" corpus/seeds corpus/regression
marker=$(mktemp)
out=$(mktemp)
trap 'rm -f "$marker" "$out"' EXIT

mapfile -t flags < <(libfuzzer_options fuzz/fuzz_walk_sim.options)
# Fork mode keeps fuzzing after a crash or a hang and writes each one to the artifacts.
flags+=(-dict=fuzz/damon.dict -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
  -max_total_time="$seconds" -artifact_prefix="$work/artifacts/" -print_final_stats=1)

section "fuzz_walk_sim on profile $profile: $seconds s, $jobs job(s), corpus $work/corpus"
info "DAMON_PROFILE=$profile $bin/fuzz_walk_sim ${flags[*]} $work/corpus"
interrupted=0
trap 'interrupted=1' INT
rc=0
DAMON_PROFILE=$profile "$bin/fuzz_walk_sim" "${flags[@]}" "$work/corpus" || rc=$?
trap - INT

mapfile -t found < <(list_artifacts "$work/artifacts" -newer "$marker")
section "findings: ${#found[@]} new in $work/artifacts/ (profile $profile, libFuzzer exit $rc)"
shown=0
for artifact in "${found[@]}"; do
  if [ "$shown" -ge "$list_max" ]; then
    info "... and $((${#found[@]} - shown)) more in $work/artifacts/ (FUZZ_LIST_MAX=$list_max)"
    break
  fi
  shown=$((shown + 1))
  file=$(replay_file "$artifact")
  mapfile -t args < <(replay_args "$file" "$profile")
  vrc=0
  timeout 300 "$bin/damon-harness" "${args[@]}" >"$out" 2>&1 || vrc=$?
  first=$(grep -m 1 -v '^[[:space:]]*$' "$out" || true)
  printf '\n%s\n' "${artifact##*/}"
  info "verdict: $(verdict_name "$vrc")${first:+ ($first)}"
  info "profile: $profile"
  info "file:    $file"
  info "replay:  $bin/damon-harness ${args[*]}"
done
[ ${#found[@]} -gt 0 ] || info "no new findings"

if [ "$interrupted" -eq 1 ]; then
  exit 130
fi
if [ "$rc" -ne 0 ] && [ ${#found[@]} -eq 0 ]; then
  die "fuzz_walk_sim exited $rc without writing a finding: see its output above"
fi
exit 0
