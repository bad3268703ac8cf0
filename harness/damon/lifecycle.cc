// Starting and stopping contexts: damon_start(), __damon_start(), damon_stop(),
// __damon_stop(), damon_is_running() (docs/model.md, "Lifecycle").
#include <string>

#include "harness/damon/internal.h"

namespace damon {
// __damon_start(), mm/damon/core.c, identical in every profile: the
// caller holds damon_lock; the wait for kdamond_started happens with both
// damon_lock and kdamond_lock held.
int __damon_start(damon_ctx* ctx) {
  RT_FRAME();
  int err = -EBUSY;
  mutex_lock(&ctx->kdamond_lock);
  if (!READ(ctx, kdamond, "read kdamond")) {
    err = 0;
    reinit_completion(&ctx->kdamond_started);
    std::string name = "kdamond." + std::to_string(ctx->core->nr_running_ctxs);
    kernel::TaskResult r = kernel::kthread_run_at(kdamond_fn, ctx, name, RT_SITE("kthread_run"));
    if (!r.task) {
      err = r.err;
      WRITE(ctx, kdamond, nullptr, "reset kdamond");
    } else {
      WRITE(ctx, kdamond, r.task, "set kdamond");
      ctx->running_task.store(r.task);
      ctx->ever_started.store(true);
      wait_for_completion(&ctx->kdamond_started);
    }
  }
  mutex_unlock(&ctx->kdamond_lock);
  return err;
}

// damon_start(), mm/damon/core.c. start_validates (mm-new) commits
// each ctx into a throwaway ctx first; start_rollback (mm-new) stops the contexts
// this call started when a later one fails. V4's min_region_sz check is always
// satisfied in the model.
int damon_start(damon_ctx** ctxs, int nr_ctxs, bool exclusive) {
  RT_FRAME();
  damon_core* core = &damon_core_current();
  const Profile& p = *core->profile;
  if (p.start_validates) {
    for (int i = 0; i < nr_ctxs; i++) {
      int err = damon_commit_into_test_ctx(ctxs[i]);
      if (err) return err;
    }
  }
  mutex_lock(&core->damon_lock);
  if ((exclusive && READ(core, nr_running_ctxs, "read nr_running_ctxs")) ||
      (!exclusive && READ(core, running_exclusive_ctxs, "read running_exclusive_ctxs"))) {
    mutex_unlock(&core->damon_lock);
    return -EBUSY;
  }
  int err = 0;
  int i = 0;
  for (; i < nr_ctxs; i++) {
    err = __damon_start(ctxs[i]);
    if (err) break;
    WRITE(core, nr_running_ctxs, core->nr_running_ctxs + 1, "nr_running_ctxs++");
  }
  if (exclusive && core->nr_running_ctxs)
    WRITE(core, running_exclusive_ctxs, true, "set running_exclusive_ctxs");
  mutex_unlock(&core->damon_lock);
  if (p.start_rollback && i < nr_ctxs) damon_stop(ctxs, i);
  return err;
}

// __damon_stop(), mm/damon/core.c: kthread_stop_put() returns only once
// kdamond_fn has returned, exit path included. -EPERM when not running; mm-new
// ("change damon_stop() return type to void") has no error to give.
int __damon_stop(damon_ctx* ctx) {
  RT_FRAME();
  mutex_lock(&ctx->kdamond_lock);
  kernel::task_struct* tsk = READ(ctx, kdamond, "read kdamond");
  if (tsk) {
    get_task_struct(tsk);
    mutex_unlock(&ctx->kdamond_lock);
    kthread_stop_put(tsk);
    return 0;
  }
  mutex_unlock(&ctx->kdamond_lock);
  return profile_of(ctx).stop_returns_void ? 0 : -EPERM;
}

// damon_stop(), mm/damon/core.c: V1-V4 stop at the first error; mm-new tries
// every ctx and returns nothing (0 here).
int damon_stop(damon_ctx** ctxs, int nr_ctxs) {
  RT_FRAME();
  const Profile& p = *damon_core_current().profile;
  for (int i = 0; i < nr_ctxs; i++) {
    int err = __damon_stop(ctxs[i]);
    if (err && !p.stop_returns_void) return err;
  }
  return 0;
}

// damon_is_running(), mm/damon/core.c, identical in every profile.
bool damon_is_running(damon_ctx* ctx) {
  RT_FRAME();
  mutex_lock(&ctx->kdamond_lock);
  bool running = READ(ctx, kdamond, "damon_is_running") != nullptr;
  mutex_unlock(&ctx->kdamond_lock);
  return running;
}

}  // namespace damon
