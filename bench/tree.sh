#!/usr/bin/env bash
# Runs per second of a kernel tree profile beside the model, same programs and
# strategy (docs/tree.md), and the build time of a tree from a fetched tree.
#
#   bench/tree.sh [BUILD_DIR] [RUNS]    BUILD_DIR built with DWH_KERNEL_TREES
#                                       including linux-7.3.x (default build/tree)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build/tree}
runs=${2:-2000}
bin=$build/bin/damon-harness
[ -x "$bin" ] || { echo "error: $bin not built (ci/test.sh tree builds it)" >&2; exit 2; }
programs=(corpus/seeds/walk-vs-restart.txt corpus/regression/call-vs-exit.txt corpus/regression/review-thread-restart.txt)
echo "command: bench/tree.sh $build $runs"
printf '%-40s %-12s %10s %10s\n' program profile runs runs/s
for p in "${programs[@]}"; do
  for prof in mm-new v7.0 linux-7.3.x; do
    t0=$(date +%s.%N)
    "$bin" run "$p" --profile "$prof" --strategy random --runs "$runs" --stop-on harness-bug >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    printf '%-40s %-12s %10d %10.0f\n' "$(basename "$p")" "$prof" "$runs" "$(echo "$runs / ($t1 - $t0)" | bc -l)"
  done
done
# Build time of the tree objects alone, from the fetched tree (no ccache).
obj=$(ninja -C "$build" -t targets all 2>/dev/null | grep -o '^trees/linux_7_3_x/tree.o' | head -n 1 || true)
if [ -n "$obj" ]; then
  rm -f "$build/$obj" "$build"/harness/tree/CMakeFiles/dwh_tree_linux_7_3_x_obj.dir/wrapper.c.o
  t0=$(date +%s.%N)
  CCACHE_DISABLE=1 ninja -C "$build" "$obj" >/dev/null
  t1=$(date +%s.%N)
  printf 'build of linux-7.3.x core.c + partial link: %.1f s\n' "$(echo "$t1 - $t0" | bc -l)"
fi
