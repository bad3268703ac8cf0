#!/usr/bin/env bash
# Planted bug: the exiting kdamond resets ctx->kdamond before it marks the controls
# obsolete and cancels them (up to 6.19 the reset came before the walk cancel). A caller that sees
# the context stopped may start it again while the old kdamond still cancels: the old
# thread then marks the new kdamond's controls obsolete and cancels its requests; and
# damon_stop() returns at once while the kdamond still holds the controls it has yet to
# cancel, so the caller's teardown ends with a dealloc_on_cancel control alive.
# program: ci/tree-patches/kdamond-null-before-cancels.txt
# search: --preemptions 2
# expect: leak
# shellcheck source=ci/tree-patches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || { echo "usage: ${0##*/} TREE" >&2; exit 2; }
# Move the three lines that reset ctx->kdamond under kdamond_lock (only the exit path
# does, after the cancels) in front of the two that take call_controls_lock and set
# call_controls_obsolete to true.
# shellcheck disable=SC2016 # a Perl substitution, $1 and $2 are its groups
tree_edit "$1" 1 '{(^[^\n]*\bcall_controls_lock\b[^\n]*\n[^\n]*\bcall_controls_obsolete\s*=\s*true\b.*?)(^[^\n]*\bkdamond_lock\b[^\n]*\n[^\n]*->kdamond\s*=\s*NULL\b[^\n]*\n[^\n]*\bkdamond_lock\b[^\n]*\n)}{$2$1}ms'
