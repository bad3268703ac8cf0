// Online parameter commit: damon_commit_ctx() and what it copies. Commit runs
// either on a stopped ctx (directly) or in the ctx's kdamond (inside a
// damon_call() callback), so the fields it writes need no lock; the ones kdamond
// reads between commits (pause, maybe_corrupted, target validity) are declared
// accesses.
#include "harness/damon/internal.h"

namespace damon {
namespace {

// damos_commit(), mm/damon/core.c: the abstract scheme keeps its identity and
// walk_completed; its apply interval and watermarks follow src.
void damos_commit(damos* dst, const damos* src) {
  dst->apply_interval_us = src->apply_interval_us;
  dst->wmarks = src->wmarks;
}

// damon_commit_schemes(), mm/damon/core.c (6.12+): schemes are matched by
// position; dst's surplus is destroyed, src's surplus is created fresh
// (walk_completed = false, a new id). A failing src fails after the matched
// prefix is updated, as an allocation failure part-way would.
int damon_commit_schemes(damon_ctx* dst, damon_ctx* src, bool src_fail_applies) {
  RT_FRAME();
  size_t i = 0;
  for (; i < dst->schemes.size() && i < src->schemes.size(); i++)
    damos_commit(dst->schemes[i], src->schemes[i]);
  if (src_fail_applies && src->fail) return -ENOMEM;
  while (dst->schemes.size() > src->schemes.size()) {
    damos* s = dst->schemes.back();
    dst->schemes.pop_back();
    damon_destroy_scheme(s);
  }
  for (; i < src->schemes.size(); i++) {
    const damos* from = src->schemes[i];
    damos* s = damon_new_scheme(dst->core, from->apply_interval_us, true);
    if (!s) return -ENOMEM;
    damos_commit(s, from);
    dst->schemes.push_back(s);
  }
  return 0;
}

// damon_commit_targets(), abstracted: a commit always installs one valid target.
void damon_commit_targets(damon_ctx* dst) {
  RT_FRAME();
  dst->has_target = true;
  if (dst->target.nr_regions == 0) damon_init_target_regions(&dst->target);
  kernel::touch_at(dst, RT_SITE("commit target"));
  dst->target_valid.store(true);
}

}  // namespace

// __damon_commit_ctx(), mm/damon/core.c: schemes, then targets, then attrs, then
// (pause profiles, "introduce damon_ctx->paused") pause, as in V5 @43ecc9c405ba.
// src_fail_applies: whether src->fail fails this commit (only the commit into the
// real dst, never the mm-new throwaway test commit).
int __damon_commit_ctx(damon_ctx* dst, damon_ctx* src, bool src_fail_applies) {
  RT_FRAME();
  int err = damon_commit_schemes(dst, src, src_fail_applies);
  if (err) return err;
  damon_commit_targets(dst);
  dst->attrs = src->attrs;
  if (profile_of(dst).pause_loop) WRITE(dst, pause, src->pause, "commit pause");
  return 0;
}

// The mm-new validation step of damon_commit_ctx() and damon_start(): commit src
// into a throwaway ctx and report only the error.
int damon_commit_into_test_ctx(damon_ctx* src) {
  RT_FRAME();
  damon_ctx* test = damon_new_ctx();
  if (!test) return -ENOMEM;
  int err = __damon_commit_ctx(test, src, false);
  damon_destroy_ctx(test);
  return err;
}

// damon_commit_ctx(), mm/damon/core.c. maybe_corrupted profiles (26f775a054c3
// "mm/damon/core: avoid use of half-online-committed context", 7.0-rc) mark dst
// for the whole commit and unmark it only on success; commit_validates (mm-new)
// first commits into a test ctx so that a failure there leaves dst untouched.
int damon_commit_ctx(damon_ctx* dst, damon_ctx* src) {
  RT_FRAME();
  if (!contract_commit_not_running(dst)) return -EINVAL;
  const Profile& p = profile_of(dst);
  if (p.commit_validates) {
    int err = damon_commit_into_test_ctx(src);
    if (err) return err;
  }
  if (p.maybe_corrupted) WRITE(dst, maybe_corrupted, true, "set maybe_corrupted");
  int err = __damon_commit_ctx(dst, src, true);
  if (!err && p.maybe_corrupted) WRITE(dst, maybe_corrupted, false, "clear maybe_corrupted");
  return err;
}

}  // namespace damon
