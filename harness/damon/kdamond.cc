// The kdamond thread: kdamond_fn() with its start sequence, main loop, pause loop
// and exit path (docs/model.md, "kdamond"), and the small helpers it sleeps and stops with.
// Monitoring is abstract: sampling only counts intervals; what the protocol needs
// from it is where kdamond_call(), damos_walk_cancel() and kdamond_apply_schemes()
// run and how often.
#include "harness/damon/internal.h"

namespace damon {
namespace {

using X = ExitOrder;

// The model's kernel has CONFIG_HZ=250 (Debian's, and the tree shim's HZ in
// harness/tree/shim/dup.h): a jiffy is 4 ms, and USLEEP_RANGE_UPPER_BOUND
// (include/linux/delay.h: (TICK_NSEC << 2) / NSEC_PER_USEC) is 16 ms.
constexpr unsigned long kTickUs = 1000000 / 250;
constexpr unsigned long kUsleepRangeUpperBoundUs = kTickUs << 2;

unsigned long intervals_in_samples(const damon_ctx* ctx, unsigned long us) {
  unsigned long sample = ctx->attrs.sample_interval ? ctx->attrs.sample_interval : 1;
  unsigned long sis = us / sample;
  return sis ? sis : 1;
}

// The aggregation-boundary and ops-update work at the end of each main-loop
// iteration (kdamond_merge_regions() and the ops update of kdamond_fn),
// reduced to its counters.
void kdamond_merge_and_reset(damon_ctx* ctx, unsigned long next_aggregation_sis) {
  RT_FRAME();
  if (ctx->passed_sample_intervals >= next_aggregation_sis) {
    ctx->next_aggregation_sis =
        next_aggregation_sis + intervals_in_samples(ctx, ctx->attrs.aggr_interval);
    for (int i = 0; i < ctx->target.nr_regions; i++) ctx->target.regions[i].nr_accesses = 0;
  }
  if (ctx->passed_sample_intervals >= ctx->next_ops_update_sis)
    ctx->next_ops_update_sis =
        ctx->passed_sample_intervals + intervals_in_samples(ctx, ctx->attrs.ops_update_interval);
}

// The `while (ctx->pause)` hunk of kdamond_fn (RFC v4 lore 20260322155728.81434-1
// patch 1, and mm-new): cancel walks, sleep one sample, serve damon_call (the way a
// caller unpauses), leave on stop or a half-done commit. True: `goto done`.
bool kdamond_pause_loop(damon_ctx* ctx) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  while (READ(ctx, pause, "read pause")) {
    damos_walk_cancel(ctx);
    kdamond_usleep(ctx->attrs.sample_interval);
    kdamond_call(ctx, false);
    if (kdamond_need_stop(ctx)) return true;
    if (p.maybe_corrupted && READ(ctx, maybe_corrupted, "check maybe_corrupted")) return true;
  }
  return false;
}

// The `while (!kdamond_need_stop(ctx))` loop of kdamond_fn().
// kdamond_call_before_sleep: 6.14 served damon_call right after
// prepare_access_checks; 6.15+ after merging ("invoke kdamond_call() after merging
// is done if possible").
void kdamond_main_loop(damon_ctx* ctx) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  while (!kdamond_need_stop(ctx)) {
    unsigned long next_aggregation_sis = ctx->next_aggregation_sis;
    unsigned long sample_interval = ctx->attrs.sample_interval;
    if (kdamond_wait_activation(ctx)) break;
    if (p.kdamond_call_before_sleep) kdamond_call(ctx, false);
    kdamond_usleep(sample_interval);
    ctx->passed_sample_intervals++;
    if (!p.kdamond_call_before_sleep) kdamond_call(ctx, false);
    if (p.maybe_corrupted && READ(ctx, maybe_corrupted, "check maybe_corrupted")) break;
    if (p.pause_loop && kdamond_pause_loop(ctx)) break;
    if (!ctx->schemes.empty())
      kdamond_apply_schemes(ctx);
    else
      damos_walk_cancel(ctx);
    kdamond_merge_and_reset(ctx, next_aggregation_sis);
  }
}

// Exit-path steps. With obsolete_flags (7.0.y: "fix damon_call() vs kdamond_fn()
// exit race", 33c3f6c2b48c) each cancel is preceded by marking its request
// kind obsolete, so no request can be queued behind the final cancel.
void kdamond_cancel_calls(damon_ctx* ctx) {
  RT_FRAME();
  if (profile_of(ctx).obsolete_flags) {
    mutex_lock(&ctx->call_controls_lock);
    WRITE(ctx, call_controls_obsolete, true, "set call_controls_obsolete");
    mutex_unlock(&ctx->call_controls_lock);
  }
  kdamond_call(ctx, true);
}

void kdamond_cancel_walk(damon_ctx* ctx) {
  RT_FRAME();
  if (profile_of(ctx).obsolete_flags) {
    mutex_lock(&ctx->walk_control_lock);
    WRITE(ctx, walk_control_obsolete, true, "set walk_control_obsolete");
    mutex_unlock(&ctx->walk_control_lock);
  }
  damos_walk_cancel(ctx);
}

void kdamond_reset(damon_ctx* ctx) {
  RT_FRAME();
  mutex_lock(&ctx->kdamond_lock);
  WRITE(ctx, kdamond, nullptr, "reset kdamond");
  ctx->running_task.store(nullptr);
  mutex_unlock(&ctx->kdamond_lock);
}

// kdamond_fn's `done:` path in the profile's order (Profile::exit_order):
// kResetFirst 6.14/6.17; kCallFirst f9132fbc2e83 (6.19); kCancelFirst the Jan
// 2026 series ("cancel damos_walk() before damon_ctx->kdamond reset", 7.0).
void kdamond_fn_done(damon_ctx* ctx) {
  RT_FRAME();
  damon_core* core = ctx->core;
  damon_destroy_targets(ctx);
  switch (profile_of(ctx).exit_order) {
    case X::kResetFirst:
      kdamond_reset(ctx);
      kdamond_cancel_calls(ctx);
      kdamond_cancel_walk(ctx);
      break;
    case X::kCallFirst:
      kdamond_cancel_calls(ctx);
      kdamond_reset(ctx);
      kdamond_cancel_walk(ctx);
      break;
    case X::kCancelFirst:
      kdamond_cancel_calls(ctx);
      kdamond_cancel_walk(ctx);
      kdamond_reset(ctx);
      break;
  }
  mutex_lock(&core->damon_lock);
  WRITE(core, nr_running_ctxs, core->nr_running_ctxs - 1, "nr_running_ctxs--");
  if (!core->nr_running_ctxs)
    WRITE(core, running_exclusive_ctxs, false, "clear running_exclusive_ctxs");
  mutex_unlock(&core->damon_lock);
}

}  // namespace

// kdamond_init_ctx(), mm/damon/core.c (V5; kdamond_init_intervals_sis() before):
// restart the sample counters, the schemes' next apply points and the regions.
void kdamond_init_ctx(damon_ctx* ctx) {
  RT_FRAME();
  ctx->passed_sample_intervals = 0;
  ctx->next_aggregation_sis = intervals_in_samples(ctx, ctx->attrs.aggr_interval);
  ctx->next_ops_update_sis = intervals_in_samples(ctx, ctx->attrs.ops_update_interval);
  for (damos* s : ctx->schemes) s->next_apply_sis = damos_apply_interval_sis(ctx, s);
  if (ctx->has_target) damon_init_target_regions(&ctx->target);
}

unsigned long damos_apply_interval_sis(const damon_ctx* ctx, const damos* s) {
  return intervals_in_samples(
      ctx, s->apply_interval_us ? s->apply_interval_us : ctx->attrs.aggr_interval);
}

// kdamond_need_stop(), mm/damon/core.c: stop requested, or ops.target_valid() says
// no target is left.
bool kdamond_need_stop(damon_ctx* ctx) {
  RT_FRAME();
  if (kthread_should_stop()) return true;
  return !READ(ctx, target_valid.load(), "ops.target_valid");
}

// kdamond_usleep(), mm/damon/core.c (the same in every profile's source: damonitor
// 00d8a9224ac6, linux-7.0.y 0ba956a239ba, 7.3.4): from USLEEP_RANGE_UPPER_BOUND up,
// schedule_timeout_idle(usecs_to_jiffies(usecs)), which kthread_stop()'s
// wake_up_process() ends early (TASK_IDLE includes TASK_UNINTERRUPTIBLE); below it,
// usleep_range_idle(), whose usleep_range_state() (kernel/time/sleep_timeout.c)
// sleeps again until its expiry when woken: kthread_stop() does not cut it short.
void kdamond_usleep(unsigned long usecs) {
  RT_FRAME();
  if (usecs >= kUsleepRangeUpperBoundUs) {
    const unsigned long jiffies = (usecs + kTickUs - 1) / kTickUs;  // usecs_to_jiffies()
    kernel::schedule_timeout_idle_ms_at(jiffies * kTickUs / 1000, RT_SITE("sleep"));
  } else {
    kernel::usleep_idle_range_at(usecs, usecs + 1, RT_SITE("sleep"));
  }
}

// kdamond_fn(), mm/damon/core.c. Start: obsolete_flags profiles clear
// both flags, each under its lock, before complete(&kdamond_started) (7.0.y, moved
// before the complete after lore 20260326135146.90670-1); nothing else
// is locked before the complete, since __damon_start() waits holding damon_lock
// and kdamond_lock.
int kdamond_fn(void* data) {
  RT_FRAME();
  auto* ctx = static_cast<damon_ctx*>(data);
  if (profile_of(ctx).obsolete_flags) {
    mutex_lock(&ctx->call_controls_lock);
    WRITE(ctx, call_controls_obsolete, false, "clear call_controls_obsolete");
    mutex_unlock(&ctx->call_controls_lock);
    mutex_lock(&ctx->walk_control_lock);
    WRITE(ctx, walk_control_obsolete, false, "clear walk_control_obsolete");
    mutex_unlock(&ctx->walk_control_lock);
  }
  complete(&ctx->kdamond_started);
  kdamond_init_ctx(ctx);
  kdamond_main_loop(ctx);
  kdamond_fn_done(ctx);
  return 0;
}

}  // namespace damon
