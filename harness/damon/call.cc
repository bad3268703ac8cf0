// The damon_call() family (docs/model.md, "The call family"): the caller's damon_call() in forms
// C1-C6, damon_call_handle_inactive_ctx() (C4), and the kdamond's kdamond_call() in forms K1, K3
// and K4. A request is a damon_call_control; it is reachable while it sits in the 6.14 slot, on
// ctx->call_controls or on a kdamond's local list.
#include <vector>

#include "harness/damon/internal.h"

namespace damon {
namespace {

using C = CallForm;
using K = KdamondCallForm;

bool call_checks_obsolete(const Profile& p) {
  return p.call == C::kC5 || p.call == C::kC6;
}
bool call_checks_running(const Profile& p) {
  return !call_checks_obsolete(p);
}
bool is_repeat(const Profile& p, const damon_call_control* control) {
  return p.has_repeat && control->repeat;
}
// damon_call() reads control->repeat again after queueing it, unlocked. By then
// an exiting kdamond may have canceled and freed a dealloc_on_cancel control
// (docs/findings.md F9), so the model checks the control is alive first; no
// scheduling point is added, so recorded schedules keep their meaning.
bool is_repeat_after_queueing(const Profile& p, const damon_call_control* control) {
  if (!p.has_repeat) return false;
  // The os runtime goes on after the report; a control freed here was a repeat one.
  if (!kernel::World::current().check(control, RT_SITE("read repeat"))) return true;
  return control->repeat;
}

// The register step of damon_call(): 0 when queued, -EBUSY when the 6.14 slot is
// taken, -ECANCELED when the ctx's calls are obsolete (C5, C6).
int damon_call_register(damon_ctx* ctx, damon_call_control* control) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  if (p.call == C::kC1) {
    mutex_lock(&ctx->call_control_lock);
    if (READ(ctx, call_control.get(), "read call_control")) {
      mutex_unlock(&ctx->call_control_lock);
      return -EBUSY;
    }
    SET_REF(ctx, call_control, control, "register request");
    mutex_unlock(&ctx->call_control_lock);
    return 0;
  }
  mutex_lock(&ctx->call_controls_lock);
  if (call_checks_obsolete(p) && READ(ctx, call_controls_obsolete, "read call_controls_obsolete")) {
    mutex_unlock(&ctx->call_controls_lock);
    return -ECANCELED;
  }
  if (p.call == C::kC2) {
    // list_add_tail(&ctx->call_controls, &control->list): the earlier entries fall off.
    for (damon_call_control* c : ctx->call_controls.items()) mark_linked(c, false);
    ctx->call_controls.add_tail_swapped(control, RT_SITE("register request"));
  } else {
    ctx->call_controls.add_tail(control, RT_SITE("register request"));
  }
  mark_linked(control, true);
  mutex_unlock(&ctx->call_controls_lock);
  return 0;
}

// C6's `canceled:` label ("wait ctx stop in damon_call() before reruning an
// error", mm-new): a failed damon_call() guarantees the ctx has stopped.
int damon_call_wait_stopped(damon_ctx* ctx) {
  RT_FRAME();
  while (damon_is_running(ctx)) kernel::schedule_timeout_idle_ms_at(100, RT_SITE("wait ctx stop"));
  return -ECANCELED;
}

// Cancel or run one request (the common middle of every kdamond_call form).
void damon_call_control_run(damon_call_control* control, bool cancel) {
  RT_FRAME();
  if (cancel) {
    WRITE(control, canceled, true, "mark canceled");
    return;
  }
  damon_call_fn fn = READ(control, fn, "run callback");
  int ret = fn ? fn(control->data) : 0;
  WRITE(control, return_code, ret, "set return_code");
}

// K1, 42b7491af14c (6.14): the single slot, cleared after the complete.
void kdamond_call_slot(damon_ctx* ctx, bool cancel) {
  RT_FRAME();
  mutex_lock(&ctx->call_control_lock);
  damon_call_control* control = READ(ctx, call_control.get(), "read call_control");
  if (control) request_get(control);
  mutex_unlock(&ctx->call_control_lock);
  if (!control) return;
  damon_call_control_run(control, cancel);
  complete(&control->completion);
  request_put(control, RT_SITE("call done"));
  mutex_lock(&ctx->call_control_lock);
  SET_REF(ctx, call_control, nullptr, "unset request");
  mutex_unlock(&ctx->call_control_lock);
}

// K3, 6.17 (004ded6bee11, repeat mode lore 20250712195016.151108-3,
// dealloc_on_cancel lore 20250908201513.60802-2) through 6.19: take one
// request at a time; repeat ones go to a local list with list_add() (LIFO),
// and list_first_entry_or_null() of it, the last one served, is the only one
// queued again (43df7676e550), none when canceling. The fix that queues them
// all again (Enze Li, Cc: stable 6.17.x) is not modelled.
void kdamond_call_one_by_one(damon_ctx* ctx, bool cancel) {
  RT_FRAME();
  kernel::List<damon_call_control> repeat_controls;
  while (true) {
    mutex_lock(&ctx->call_controls_lock);
    damon_call_control* control = READ(ctx, call_controls.first(), "read call_controls");
    if (control) request_get(control);
    mutex_unlock(&ctx->call_controls_lock);
    if (!control) break;
    damon_call_control_run(control, cancel);
    mutex_lock(&ctx->call_controls_lock);
    ctx->call_controls.del(control, RT_SITE("unset request"));
    mutex_unlock(&ctx->call_controls_lock);
    if (!READ(control, repeat, "read repeat")) {
      mark_linked(control, false);
      complete(&control->completion);
    } else if (control->canceled && control->dealloc_on_cancel) {
      request_put(control, RT_SITE("call done"));
      kfree(control);
      continue;
    } else {
      repeat_controls.add(control, RT_SITE("keep repeat request"));
      mark_linked(control, true);
    }
    request_put(control, RT_SITE("call done"));
  }
  damon_call_control* control = repeat_controls.first();
  if (control && !cancel) {
    repeat_controls.del(control, RT_SITE("requeue repeat request"));
    mutex_lock(&ctx->call_controls_lock);
    ctx->call_controls.add_tail(control, RT_SITE("requeue repeat request"));
    mutex_unlock(&ctx->call_controls_lock);
  }
  for (damon_call_control* c : repeat_controls.items()) mark_linked(c, false);
}

// K4, ebc4734ad221 "process damon_call_control requests on a local list" (7.0):
// splice everything, serve it, splice the survivors (repeat requests, and what a
// maybe_corrupted break left, 26f775a054c3) back behind newer arrivals.
void kdamond_call_local_list(damon_ctx* ctx, bool cancel) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  kernel::List<damon_call_control> controls;
  mutex_lock(&ctx->call_controls_lock);
  ctx->call_controls.splice_tail_init(controls, RT_SITE("take requests"));
  mutex_unlock(&ctx->call_controls_lock);
  const kernel::List<damon_call_control>::Items todo = controls.items();
  for (damon_call_control* control : todo) {
    request_get(control);
    const bool repeat = READ(control, repeat, "read repeat");
    const bool unlink = !repeat || cancel;
    if (unlink) controls.del(control, RT_SITE("unlink request"));
    damon_call_control_run(control, cancel);
    if (!repeat) {
      mark_linked(control, false);
      complete(&control->completion);
      request_put(control, RT_SITE("call done"));
    } else {
      request_put(control, RT_SITE("call done"));
      if (control->canceled && control->dealloc_on_cancel)
        kfree(control);
      else if (unlink)
        mark_linked(control, false);
    }
    if (!cancel && p.maybe_corrupted && READ(ctx, maybe_corrupted, "check maybe_corrupted")) break;
  }
  mutex_lock(&ctx->call_controls_lock);
  controls.splice_tail_init(ctx->call_controls, RT_SITE("requeue requests"));
  mutex_unlock(&ctx->call_controls_lock);
}

}  // namespace

// damon_call(), mm/damon/core.c.
//  C1 42b7491af14c (6.14): one slot; -EINVAL if not running, slot left set.
//  C2 004ded6bee11 (6.17): a list, repeat requests return at once; swapped
//     list_add_tail; -EINVAL if not running, still linked.
//  C3 "fix list_add_tail() call on damon_call()" (6.18-rc3).
//  C4 f9132fbc2e83 (6.19): not running -> damon_call_handle_inactive_ctx().
//  C5 lore 20260327233319.3528-2 (7.0.y, e6a053a6f4b5): -ECANCELED while obsolete.
//  C6 mm-new: NULL ctx -> -EINVAL; on any cancel, wait for the ctx to stop.
int damon_call(damon_ctx* ctx, damon_call_control* control) {
  RT_FRAME();
  if (!ctx) {
    if (damon_core_current().profile->call == C::kC6) return -EINVAL;
    contract_ctx_not_null(ctx, "damon_call");
    return -EINVAL;
  }
  const Profile& p = profile_of(ctx);
  if (!contract_call_ctx_started(ctx)) return -EINVAL;
  if (p.call != C::kC1 && !contract_call_control_unlinked(control)) return -EINVAL;
  if (!is_repeat(p, control)) init_completion(&control->completion);
  WRITE(control, canceled, false, "init request");
  int err = damon_call_register(ctx, control);
  if (err == -ECANCELED && p.call == C::kC6) return damon_call_wait_stopped(ctx);
  if (err) return err;
  if (call_checks_running(p) && !damon_is_running(ctx))
    return p.call == C::kC4 ? damon_call_handle_inactive_ctx(ctx, control) : -EINVAL;
  if (is_repeat_after_queueing(p, control)) return 0;
  wait_for_completion(&control->completion);
  if (READ(control, canceled, "read canceled"))
    return p.call == C::kC6 ? damon_call_wait_stopped(ctx) : -ECANCELED;
  return 0;
}

// damon_call_handle_inactive_ctx(), f9132fbc2e83 "mm/damon/core: remove
// call_control in inactive contexts" (6.19 .. 7.0-rc): take the request back if it
// is still queued (-EINVAL); if it is not, assume kdamond handled it (0).
int damon_call_handle_inactive_ctx(damon_ctx* ctx, damon_call_control* control) {
  RT_FRAME();
  mutex_lock(&ctx->call_controls_lock);
  if (READ(ctx, call_controls.contains(control), "search call_controls")) {
    ctx->call_controls.del(control, RT_SITE("unset request"));
    mark_linked(control, false);
    mutex_unlock(&ctx->call_controls_lock);
    return -EINVAL;
  }
  mutex_unlock(&ctx->call_controls_lock);
  return 0;
}

// kdamond_call(), mm/damon/core.c, in the profile's form (Profile::kcall).
void kdamond_call(damon_ctx* ctx, bool cancel) {
  RT_FRAME();
  if (Observer* o = observer_of(ctx)) o->call_pass(ctx, cancel);
  switch (profile_of(ctx).kcall) {
    case K::kK1:
      kdamond_call_slot(ctx, cancel);
      return;
    case K::kK3:
      kdamond_call_one_by_one(ctx, cancel);
      return;
    case K::kK4:
      kdamond_call_local_list(ctx, cancel);
      return;
  }
}

}  // namespace damon
