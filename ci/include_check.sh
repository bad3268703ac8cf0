#!/usr/bin/env bash
# Checks that the layers point one way: each folder's files include only the
# folders the table below allows (README "Layout"). The front ends (harness/cli,
# fuzz, stress) go no deeper than harness/program; what they use of the layers
# below reaches them through the program layer's headers. Prints each include
# that breaks the rule (file:line) and exits 1 if there is one.
set -euo pipefail

if [ $# -gt 0 ]; then  # --help, or a mistake: say what this checks
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  [[ $1 == -h || $1 == --help ]] && exit 0 || exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# folder: the folders its #include "..." lines may name (itself included).
# harness/tree is a second backend behind the program layer's interface.
declare -A ALLOWED=(
  [harness/runtime]="harness/runtime"
  [harness/kernel]="harness/runtime harness/kernel"
  [harness/damon]="harness/runtime harness/kernel harness/damon"
  [harness/program]="harness/runtime harness/kernel harness/damon harness/program"
  [harness/tree]="harness/runtime harness/kernel harness/damon harness/program harness/tree"
  [harness/report]="harness/runtime harness/kernel harness/damon harness/program harness/report"
  [harness/cli]="harness/program harness/report harness/cli"
  [fuzz]="harness/program harness/report fuzz"
  [stress]="harness/program harness/report stress"
)

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cc' '*.h' '*.inc' '*.def')
else
  mapfile -t files < <(find harness fuzz stress -type f \( -name '*.cc' -o -name '*.h' -o -name '*.inc' -o -name '*.def' \))
fi

bad=0
checked=0
for f in "${files[@]}"; do
  layer=""
  for l in "${!ALLOWED[@]}"; do
    if [[ $f == "$l"/* && ${#l} -gt ${#layer} ]]; then layer=$l; fi
  done
  [ -n "$layer" ] || continue
  checked=$((checked + 1))
  while IFS=: read -r line target; do
    # Project includes only: a path with a folder of the project's top level.
    case $target in harness/* | fuzz/* | stress/*) ;; *) continue ;; esac
    ok=0
    for a in ${ALLOWED[$layer]}; do
      if [[ $target == "$a"/* ]]; then ok=1; fi
    done
    if [ $ok = 0 ]; then
      echo "$f:$line: $layer may not include \"$target\" (allowed: ${ALLOWED[$layer]})"
      bad=1
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
    sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1:\2/')
done

if [ $bad = 1 ]; then
  echo "include rule: FAILED (ci/include_check.sh)" >&2
  exit 1
fi
echo "include rule: ok ($checked files)"
