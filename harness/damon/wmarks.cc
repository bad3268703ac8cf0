// Watermarks: damos_wmark_wait_us() and kdamond_wait_activation(), mm/damon/core.c.
// The only metric the model has is the free memory rate the core keeps
// (damon_core::free_mem_rate); DAMOS_WMARK_NONE is "unsupported metric: active".
#include "harness/damon/internal.h"

namespace damon {

// damos_wmark_wait_us(), mm/damon/core.c (unchanged 6.14 .. mm-new): outside
// [low, high] deactivates; an inactive scheme stays so until the metric drops
// below mid; otherwise active. Returns how long to wait before checking again.
unsigned long damos_wmark_wait_us(damos* scheme) {
  RT_FRAME();
  damos_watermarks& w = scheme->wmarks;
  if (w.metric == damos_wmark_metric::DAMOS_WMARK_NONE) return 0;
  damon_core* core = &damon_core_current();
  unsigned long metric = READ(core, free_mem_rate, "read free_mem_rate");
  if (metric > w.high || metric < w.low) {
    w.activated = false;
    return w.interval_us;
  }
  if (metric >= w.mid && !w.activated) return w.interval_us;
  w.activated = true;
  return 0;
}

// kdamond_wait_activation(), mm/damon/core.c (read in damonitor 00d8a9224ac6,
// linux-7.0.y 0ba956a239ba and 7.3.4). While every scheme is deactivated:
// sleep the shortest wait, serve damon_call, cancel any walk. 6.14
// (wait_activation_cancels_calls) canceled the calls instead, until "handle
// damon_call_control as normal under kdmond deactivation"
// (lore 20250629204914.54114-1); maybe_corrupted profiles leave on a
// half-done commit (26f775a054c3).
int kdamond_wait_activation(damon_ctx* ctx) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  // min_wait and its init flag live across passes, as in the kernel: after the
  // first pass the wait only shrinks (a commit that lengthens the watermark
  // interval, or removes every scheme, leaves the shortest wait seen so far).
  unsigned long min_wait = 0;
  bool init_wait = false;
  while (!kdamond_need_stop(ctx)) {
    for (damos* s : ctx->schemes) {
      unsigned long wait = damos_wmark_wait_us(s);
      if (!init_wait || wait < min_wait) {
        init_wait = true;
        min_wait = wait;
      }
    }
    if (!min_wait) return 0;
    kdamond_usleep(min_wait);
    kdamond_call(ctx, p.wait_activation_cancels_calls);
    if (p.maybe_corrupted && READ(ctx, maybe_corrupted, "check maybe_corrupted")) return -EINVAL;
    damos_walk_cancel(ctx);
  }
  return -EBUSY;
}

}  // namespace damon
