# Shared helpers of the bench/*.sh scripts (sourced, not run).
# Every script prints a markdown table and the command that produced it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG_ARGS=(-G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang)

# build_preset PRESET TARGET...: configure with the committed preset if the build
# folder has no cache yet, then build only the named targets.
build_preset() {
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

# is_review_scenario FILE...: the review thread's scenario is a lost request
# whose waiter sits in damos_walk (sim: lost-request; os: a watchdog hang, or a
# polling livelock that never ends, with a client blocked in damos_walk).
is_review_scenario() {
  grep -qE 'lost-request|watchdog-hang' "$@" 2>/dev/null && grep -q 'damos_walk' "$@" 2>/dev/null
}
