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
# Move the locked reset of ctx->kdamond (only kdamond_fn's exit path resets it under
# kdamond_lock, after the cancels) in front of the statement that marks the call
# controls obsolete.
# shellcheck disable=SC2016 # a Perl substitution, $1 and $2 are its groups
tree_edit "$1" 1 '{(^[ \t]*mutex_lock\(&ctx->call_controls_lock\);\s*ctx->call_controls_obsolete\s*=\s*true;.*?)(^[ \t]*mutex_lock\(&ctx->kdamond_lock\);\s*ctx->kdamond\s*=\s*NULL;\s*mutex_unlock\(&ctx->kdamond_lock\);[ \t]*\n)}{$2$1}ms'
