#!/usr/bin/env bash
# Planted bug: the kdamond's exit path no longer marks the walk control obsolete. A
# damos_walk() that arrives after the exit's damos_walk_cancel(), while ctx->kdamond is
# still set, installs its control and waits for a kdamond that is gone (F5's walk form,
# the race 33c3f6c2b48c fixed).
# program: corpus/regression/walk-vs-exit.txt
# search: --preemptions 2
# expect: deadlock@damos_walk
# shellcheck source=ci/tree-patches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || { echo "usage: ${0##*/} TREE" >&2; exit 2; }
# The one statement that sets walk_control_obsolete to true (kdamond_fn's exit path).
tree_edit "$1" 1 '/^[^\n]*\bwalk_control_obsolete\s*=\s*true\b[^\n]*\n//mg'
