// Contexts, schemes and the abstract target: damon_new_ctx(), damon_destroy_ctx(),
// damon_new_scheme() and the harness's parameter-ctx builder.
#include "harness/damon/internal.h"

namespace damon {
namespace {

// The watermarks a damon_params asks for. "Inactive" ones compare the free memory
// rate (damon_core::free_mem_rate, 500 per mille) against a range it is outside.
damos_watermarks damos_params_wmarks(bool active) {
  damos_watermarks w;
  if (active) return w;  // DAMOS_WMARK_NONE
  w.metric = damos_wmark_metric::DAMOS_WMARK_FREE_MEM_RATE;
  w.interval_us = 50000;
  w.high = 100;
  w.mid = 90;
  w.low = 50;
  return w;
}

}  // namespace

// damon_new_ctx(), mm/damon/core.c (as of mm-new @43ecc9c405ba). The ctx is
// zero-allocated; only the profile's call_obsolete_in_new_ctx ("mm/damon/core: set
// ctx->call_controls_obsolete in damon_new_ctx()", mm-new) differs by version. The
// attrs keep the model's short defaults (damon_attrs).
damon_ctx* damon_new_ctx() {
  RT_FRAME();
  damon_core* core = &damon_core_current();
  auto* ctx = kernel::kzalloc_obj<damon_ctx>("damon_ctx", RT_SITE("kzalloc ctx"));
  if (!ctx) return nullptr;
  ctx->core = core;
  ctx->id = core->next_ctx_id.fetch_add(1, std::memory_order_relaxed);
  init_completion(&ctx->kdamond_started);
  ctx->call_controls_obsolete = core->profile->call_obsolete_in_new_ctx;
  return ctx;
}

// damon_destroy_ctx(), mm/damon/core.c (all profiles): destroy targets and schemes,
// free the ctx. The kernel does not look at call_controls or walk_control here; the
// model only drops its reference bookkeeping for them.
void damon_destroy_ctx(damon_ctx* ctx) {
  RT_FRAME();
  if (!contract_destroy_not_running(ctx)) return;
  damon_destroy_targets(ctx);
  for (damos* s : ctx->schemes) damon_destroy_scheme(s);
  ctx->schemes.clear();
  for (damon_call_control* c : ctx->call_controls.items()) mark_linked(c, false);
  ctx->call_controls.clear_quiet();
  ctx->call_control.reset_quiet();
  ctx->walk_control.reset_quiet();
  kfree(ctx);
}

// damon_new_scheme(), mm/damon/core.c: walk_completed starts false ("initialize
// damos->walk_completed in damon_new_scheme()", 6.14-rc), watermarks start
// activated, next_apply_sis 0 (due at the first apply pass after a commit).
damos* damon_new_scheme(damon_core* core, unsigned long apply_interval_us, bool wmarks_active) {
  RT_FRAME();
  auto* s = kernel::kzalloc_obj<damos>("damos", RT_SITE("kzalloc scheme"));
  if (!s) return nullptr;
  s->id = core->next_scheme_id.fetch_add(1, std::memory_order_relaxed);
  s->apply_interval_us = apply_interval_us;
  s->wmarks = damos_params_wmarks(wmarks_active);
  s->wmarks.activated = true;
  s->walk_completed = false;
  return s;
}

void damon_destroy_scheme(damos* s) {
  kfree(s);
}

void damon_init_target_regions(damon_target* t) {
  constexpr unsigned long kRegionSz = 4096;
  for (int i = 0; i < kNrRegions; i++) {
    t->regions[i].start = kRegionSz * 16 * i;
    t->regions[i].end = t->regions[i].start + kRegionSz * (i + 1);
    t->regions[i].nr_accesses = 0;
  }
  t->nr_regions = kNrRegions;
}

// damon_destroy_targets(): the regions go; the target stays configured, as a
// restarted kdamond sets its regions up again in kdamond_init_ctx().
void damon_destroy_targets(damon_ctx* ctx) {
  ctx->target.nr_regions = 0;
}

// Harness: a parameter ctx as damon_sysfs_build_ctx() or a module's
// apply_parameters() builds it. Never started; committed from.
damon_ctx* damon_build_param_ctx(const damon_params& p) {
  RT_FRAME();
  damon_ctx* ctx = damon_new_ctx();
  if (!ctx) return nullptr;
  for (int i = 0; i < p.nr_schemes && i < kMaxSchemes; i++) {
    damos* s = damon_new_scheme(ctx->core, p.apply_interval_us[i], p.wmarks_active);
    if (!s) {
      damon_destroy_ctx(ctx);
      return nullptr;
    }
    ctx->schemes.push_back(s);
  }
  ctx->pause = p.pause;
  ctx->fail = p.fail;
  ctx->has_target = true;
  ctx->target_valid.store(true);
  return ctx;
}

// Harness: the monitored process exits; the kdamond notices at its next
// kdamond_need_stop().
void damon_invalidate_target(damon_ctx* ctx) {
  RT_FRAME();
  kernel::touch_at(ctx, RT_SITE("target exits"));
  ctx->target_valid.store(false);
}

}  // namespace damon
