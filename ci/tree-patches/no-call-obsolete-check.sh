#!/usr/bin/env bash
# Planted bug: damon_call() no longer looks at call_controls_obsolete. A call that
# arrives after the exit's last kdamond_call(), while ctx->kdamond is still set, is
# linked to a list nothing serves any more and waits forever (F5's call form).
# program: corpus/regression/call-vs-exit.txt
# search: --preemptions 2
# expect: deadlock@damon_call
# shellcheck source=ci/tree-patches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || { echo "usage: ${0##*/} TREE" >&2; exit 2; }
# The one test of the flag (in damon_call()) becomes always false; the rest compiles as is.
# shellcheck disable=SC2016 # a Perl substitution, $1 and $2 are its groups
tree_edit "$1" 1 '/(\bif\s*\(\s*)(\w+->call_controls_obsolete\s*\))/${1}0 \&\& $2/g'
