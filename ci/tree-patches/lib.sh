# shellcheck shell=bash
# Shared by the planted-bug patches (ci/tree-patches/*.sh, docs/tree.md). Each patch is
# a script of our own that edits a copy of a tree's mm/damon/core.c by pattern:
#
#   ci/tree-patches/NAME.sh TREE
#
# and exits 2 when its pattern is not in the tree (a new release moved the code: the
# patch must be rewritten, not skipped). Its header says what it breaks and how the
# harness finds it (ci/tree-planted.sh reads these lines):
#
#   # program: PATH        a program, relative to the repository
#   # search: ARGS         damon-harness explore arguments, the fixed budget
#   # expect: VERDICT@FUNC the signature the search must find (FUNC: the finding's site)

set -euo pipefail

# tree_edit TREE COUNT PERL: applies the Perl substitution PERL to TREE's core.c (read
# whole, so a pattern may span lines) and requires it to replace exactly COUNT times.
# The edited file is written to a temporary file and renamed into place.
tree_edit() {
  local tree=$1 count=$2 expr=$3 core tmp n
  core=$tree/mm/damon/core.c
  if [ ! -f "$core" ]; then
    printf 'error: %s: no mm/damon/core.c in %s\n' "${0##*/}" "$tree" >&2
    exit 2
  fi
  tmp=$(mktemp "$core.XXXXXX")
  n=$(DWH_EDIT=$expr perl -0777 -ne '$n = eval "s$ENV{DWH_EDIT}"; die $@ if $@; print; print STDERR ($n || 0)' \
    "$core" 2>&1 >"$tmp") || {
    rm -f "$tmp"
    printf 'error: %s: bad edit: %s\n' "${0##*/}" "$n" >&2
    exit 2
  }
  if [ "$n" != "$count" ]; then
    rm -f "$tmp"
    printf 'error: %s: %s: the pattern matched %s time(s), expected %s: %s\n' \
      "${0##*/}" "$core" "$n" "$count" "$expr" >&2
    exit 2
  fi
  mv "$tmp" "$core"
}
