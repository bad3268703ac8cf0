#!/usr/bin/env bash
# The planted-bug test on real code (docs/tree.md): copies of a fetched tree, each with
# one patch of ci/tree-patches/ that reintroduces a protocol bug, must be found by a
# systematic search within a fixed budget, on the expected signature, while the
# unpatched tree stays quiet under the same search.
#
#   ci/tree-planted.sh prepare TREE DIR   copies TREE to DIR/NAME for every patch
#                                         NAME.sh, applies it, prints one
#                                         planted-NAME=DIR/NAME line per patch (for
#                                         DWH_KERNEL_TREES)
#   ci/tree-planted.sh check BIN CLEAN    BIN/damon-harness of a build with those trees:
#                                         `explore` of each patch's program on
#                                         planted-NAME and on the clean profile CLEAN
#
# Exit codes: 0 every patched tree found and the clean tree quiet, 1 a patched tree not
# found (or found on another signature) or the clean tree not quiet, 2 bad input (a
# patch whose pattern is not in the tree, a bad header).
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PATCHES=$DWH_ROOT/ci/tree-patches

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

# header FILE KEY: the value of the patch's "# KEY: value" line.
header() {
  local v
  v=$(sed -n "s/^# $2: //p" "$1" | head -n 1)
  [ -n "$v" ] || usage_error "$1: no '# $2:' line"
  printf '%s\n' "$v"
}

# Every patch script (lib.sh is their shared part, not a patch).
patches() {
  local p
  for p in "$PATCHES"/*.sh; do [ "${p##*/}" = lib.sh ] || printf '%s\n' "$p"; done
}

prepare() {
  local tree=$1 dir=$2 p name
  [ -f "$tree/mm/damon/core.c" ] || usage_error "prepare: $tree has no mm/damon/core.c"
  mkdir -p "$dir"
  for p in $(patches); do
    name=$(basename "$p" .sh)
    rm -rf "${dir:?}/$name" "$dir/$name.tmp"
    cp -r "$tree" "$dir/$name.tmp"
    "$p" "$dir/$name.tmp" || exit 2
    # The profile's source line (damon-harness profiles) says what it is.
    if [ -f "$dir/$name.tmp/.dwh-source" ]; then
      sed -i "s|^package: .*|& + ci/tree-patches/$name.sh|" "$dir/$name.tmp/.dwh-source"
    fi
    mv "$dir/$name.tmp" "$dir/$name"
    printf 'planted-%s=%s\n' "$name" "$(cd "$dir/$name" && pwd)"
  done
}

# found JSON VERDICT FUNC: explore's JSON has a finding of VERDICT whose signature names
# a site in FUNC (any site when FUNC is empty).
found() {
  jq -e --arg v "$2" --arg f "$3" \
    'any(.findings[]; .verdict == $v and ($f == "" or (.signature | contains(" " + $f + ":"))))' \
    "$1" >/dev/null
}

check() {
  local bin=$1 clean=$2 p name program expect verdict func rc failed=0 out
  local -a search
  [ -x "$bin/damon-harness" ] || usage_error "check: no $bin/damon-harness"
  out=$(mktemp -d)
  trap 'rm -rf "$out"' RETURN
  for p in $(patches); do
    name=$(basename "$p" .sh)
    program=$DWH_ROOT/$(header "$p" program)
    read -ra search <<<"$(header "$p" search)"
    expect=$(header "$p" expect)
    verdict=${expect%%@*}
    func=
    [ "$verdict" = "$expect" ] || func=${expect#*@}
    rc=0
    "$bin/damon-harness" explore "$program" --profile "planted-$name" "${search[@]}" --json \
      --out "$out/$name" >"$out/$name.json" 2>"$out/$name.err" || rc=$?
    [ "$rc" -ne 2 ] || { cat "$out/$name.err" >&2; exit 2; }
    if [ "$rc" -eq 1 ] && found "$out/$name.json" "$verdict" "$func"; then
      info "planted-$name: found $expect ($(jq -r '[.bounds[].schedules] | add' "$out/$name.json") schedules, ${search[*]})"
    else
      printf 'FAIL planted-%s: %s not found by explore %s %s\n' "$name" "$expect" \
        "${program#"$DWH_ROOT"/}" "${search[*]}" >&2
      jq -r '.findings[] | "  found instead: " + .signature' "$out/$name.json" >&2 || true
      failed=1
    fi
    rc=0
    "$bin/damon-harness" explore "$program" --profile "$clean" "${search[@]}" --json \
      --out "$out/$name-clean" >"$out/$name-clean.json" 2>"$out/$name-clean.err" || rc=$?
    [ "$rc" -ne 2 ] || { cat "$out/$name-clean.err" >&2; exit 2; }
    if [ "$rc" -eq 0 ]; then
      info "$clean: quiet on ${program#"$DWH_ROOT"/} (${search[*]})"
    else
      printf 'FAIL %s: not quiet on %s %s\n' "$clean" "${program#"$DWH_ROOT"/}" "${search[*]}" >&2
      jq -r '.findings[] | "  found: " + .signature' "$out/$name-clean.json" >&2 || true
      failed=1
    fi
  done
  return "$failed"
}

case ${1:-} in
  -h | --help) usage ;;
  prepare)
    [ $# -eq 3 ] || usage_error "usage: ci/tree-planted.sh prepare TREE DIR"
    prepare "$2" "$3"
    ;;
  check)
    [ $# -eq 3 ] || usage_error "usage: ci/tree-planted.sh check BIN CLEAN"
    check "$2" "$3"
    ;;
  *) usage_error "usage: ci/tree-planted.sh prepare TREE DIR | check BIN CLEAN" ;;
esac
