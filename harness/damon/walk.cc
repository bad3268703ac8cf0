// The damos_walk() family (docs/model.md, "Schemes and the walk"): the caller's damos_walk() in
// forms W1-W3 and the kdamond's damos_walk_call_walk(), damos_walk_complete() and
// damos_walk_cancel(). ctx->walk_control is the one request slot; a walk request
// is live while it is installed there, on a kdamond's stack or waited on.
#include "harness/damon/internal.h"

namespace damon {

using W = WalkForm;

// damos_walk(), mm/damon/core.c.
//  W1 bf0eaba0ff9c (6.14): install, then -EINVAL if not running, leaving the
//     request installed.
//  W2 d210fdcac9c0 (7.0-rc, stable 6.14+): as W1, but a not-running caller takes
//     its own request back if it is still installed.
//  W3 33c3f6c2b48c (7.0.y as 0ba956a239ba): -ECANCELED while walk_control_obsolete; no running
//  check.
int damos_walk(damon_ctx* ctx, damos_walk_control* control) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  if (!contract_walk_ctx_started(ctx)) return -EINVAL;
  init_completion(&control->completion);
  WRITE(control, canceled, false, "init request");
  mutex_lock(&ctx->walk_control_lock);
  if (p.walk == W::kW3 && READ(ctx, walk_control_obsolete, "read walk_control_obsolete")) {
    mutex_unlock(&ctx->walk_control_lock);
    return -ECANCELED;
  }
  if (READ(ctx, walk_control.get(), "read walk_control")) {
    mutex_unlock(&ctx->walk_control_lock);
    return -EBUSY;
  }
  SET_REF(ctx, walk_control, control, "register request");
  if (Observer* o = observer_of(ctx)) o->walk_installed(ctx, control);
  mutex_unlock(&ctx->walk_control_lock);
  if (p.walk != W::kW3 && !damon_is_running(ctx)) {
    if (p.walk == W::kW2) {
      mutex_lock(&ctx->walk_control_lock);
      if (READ(ctx, walk_control.get(), "read walk_control") == control)
        SET_REF(ctx, walk_control, nullptr, "unset request");
      mutex_unlock(&ctx->walk_control_lock);
    }
    return -EINVAL;
  }
  wait_for_completion(&control->completion);
  return READ(control, canceled, "read canceled") ? -ECANCELED : 0;
}

// damos_walk_call_walk(), mm/damon/core.c: called for each region a scheme was
// applied to. 6.15+ (walk_completed_check_and_reset, "do not call
// damos_walk_control->walk() if walk is completed") skips schemes done with this
// walk; the caller holds walk_control_lock where walk_lock_across_apply, while
// 6.14 locks only to read the pointer.
void damos_walk_call_walk(damon_ctx* ctx, damon_target* t, damon_region* r, damos* s,
                          unsigned long sz_filter_passed) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  if (p.walk_completed_check_and_reset && s->walk_completed) return;
  if (!p.walk_lock_across_apply) mutex_lock(&ctx->walk_control_lock);
  damos_walk_control* control = READ(ctx, walk_control.get(), "read walk_control");
  if (!p.walk_lock_across_apply) mutex_unlock(&ctx->walk_control_lock);
  if (!control) return;
  damos_walk_fn walk_fn = READ(control, walk_fn, "call walk_fn");
  if (walk_fn) walk_fn(control->data, ctx, t, r, s, sz_filter_passed);
}

// damos_walk_complete(), mm/damon/core.c: scheme s passed an apply boundary; once
// every scheme has, the walk completes. 6.15+ reset every walk_completed ("unset
// damos->walk_completed after confimed set") and, holding the lock across
// kdamond_apply_schemes(), complete and clear atomically against damos_walk();
// 6.14 drops the lock between reading the request and clearing it.
void damos_walk_complete(damon_ctx* ctx, damos* s) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  const bool lock_here = !p.walk_lock_across_apply;
  if (lock_here) mutex_lock(&ctx->walk_control_lock);
  damos_walk_control* control = READ(ctx, walk_control.get(), "read walk_control");
  if (lock_here) mutex_unlock(&ctx->walk_control_lock);
  if (!control) return;
  s->walk_completed = true;
  for (damos* other : ctx->schemes)
    if (!other->walk_completed) return;
  if (p.walk_completed_check_and_reset)
    for (damos* other : ctx->schemes) other->walk_completed = false;
  if (Observer* o = observer_of(ctx)) o->walk_completing(ctx, control);
  complete(&control->completion);
  if (lock_here) mutex_lock(&ctx->walk_control_lock);
  SET_REF(ctx, walk_control, nullptr, "unset request");
  if (lock_here) mutex_unlock(&ctx->walk_control_lock);
}

namespace {

// pause-rfc-fix: read, mark canceled, complete and clear under one hold of
// walk_control_lock, so the clear can only ever drop the request it completed.
void damos_walk_cancel_atomic(damon_ctx* ctx) {
  RT_FRAME();
  mutex_lock(&ctx->walk_control_lock);
  damos_walk_control* control = READ(ctx, walk_control.get(), "read walk_control");
  if (control) {
    WRITE(control, canceled, true, "mark canceled");
    complete(&control->completion);
    SET_REF(ctx, walk_control, nullptr, "unset request");
  }
  mutex_unlock(&ctx->walk_control_lock);
}

}  // namespace

// damos_walk_cancel(), mm/damon/core.c, identical from bf0eaba0ff9c (6.14) through
// mm-new @43ecc9c405ba: read the request under the lock, complete it unlocked,
// then clear the slot unconditionally under the lock again. The clear can drop a
// request installed in between (docs/findings.md F6, the review thread's
// three-CPU case).
// atomic_walk_cancel selects the fixed form above.
void damos_walk_cancel(damon_ctx* ctx) {
  RT_FRAME();
  if (profile_of(ctx).atomic_walk_cancel) {
    damos_walk_cancel_atomic(ctx);
    return;
  }
  mutex_lock(&ctx->walk_control_lock);
  damos_walk_control* control = READ(ctx, walk_control.get(), "read walk_control");
  if (control) request_get(control);
  mutex_unlock(&ctx->walk_control_lock);
  if (!control) return;
  WRITE(control, canceled, true, "mark canceled");
  complete(&control->completion);
  request_put(control, RT_SITE("cancel done"));
  mutex_lock(&ctx->walk_control_lock);
  SET_REF(ctx, walk_control, nullptr, "unset request");
  mutex_unlock(&ctx->walk_control_lock);
}

}  // namespace damon
