#!/usr/bin/env bash
# Checks that every tracked C++ file (*.cc, *.h) is formatted as .clang-format says.
# Prints the offending lines and exits 1 if not. Fix with:
#   git ls-files -z '*.cc' '*.h' | xargs -0 clang-format-14 -i
set -euo pipefail

case ${1:-} in
  -h | --help)
    sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  "") ;;
  *)
    echo "error: $(basename "$0") takes no arguments" >&2
    exit 2
    ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
clang_format=${CLANG_FORMAT:-clang-format-14}
command -v "$clang_format" >/dev/null 2>&1 || {
  echo "error: $clang_format not found (apt-get install clang-format-14)" >&2
  exit 1
}

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z -- '*.cc' '*.h')
else
  mapfile -d '' files < <(find . -path ./build -prune -o -type f \( -name '*.cc' -o -name '*.h' \) -print0)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "format: no C++ files to check"
  exit 0
fi

echo "format: checking ${#files[@]} files with $("$clang_format" --version | head -n 1)"
if ! printf '%s\0' "${files[@]}" | xargs -0 "$clang_format" --dry-run --Werror; then
  echo "format: FAILED; fix with: git ls-files -z '*.cc' '*.h' | xargs -0 $clang_format -i" >&2
  exit 1
fi
echo "format: ok"
