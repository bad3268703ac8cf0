// Scheme application: kdamond_apply_schemes() and what it calls per region
// (docs/model.md, "Schemes and the walk"). The action itself is abstract; what matters to the
// protocol is which regions and schemes reach damos_walk_call_walk() and when each scheme passes an
// apply-interval boundary (damos_walk_complete()).
#include "harness/damon/internal.h"

namespace damon {
namespace {

bool damos_due(const damon_ctx* ctx, const damos* s) {
  return ctx->passed_sample_intervals >= s->next_apply_sis;
}

}  // namespace

// damos_apply_scheme(), mm/damon/core.c, abstracted: every region passes the
// access pattern, quota and filters; ops.apply_scheme() is the observer's hook;
// the walk callback sees the whole region as filter-passed.
void damos_apply_scheme(damon_ctx* ctx, damon_target* t, damon_region* r, damos* s) {
  RT_FRAME();
  if (Observer* o = observer_of(ctx)) o->scheme_applied(ctx, s, r);
  damos_walk_call_walk(ctx, t, r, s, r->end - r->start);
}

// damon_do_apply_schemes(), mm/damon/core.c: each due and activated scheme is
// applied to region r.
void damon_do_apply_schemes(damon_ctx* ctx, damon_target* t, damon_region* r) {
  RT_FRAME();
  for (damos* s : ctx->schemes) {
    if (!damos_due(ctx, s) || !s->wmarks.activated) continue;
    damos_apply_scheme(ctx, t, r, s);
  }
}

// kdamond_apply_schemes(), mm/damon/core.c. Nothing happens unless some scheme is
// due and activated. walk_lock_across_apply (6.17+) holds walk_control_lock over
// the region walk and the completion pass, so walk_fn runs under it; 6.14's
// helpers lock for themselves. The completion pass covers every due scheme,
// activated or not.
void kdamond_apply_schemes(damon_ctx* ctx) {
  RT_FRAME();
  const Profile& p = profile_of(ctx);
  bool has_schemes_to_apply = false;
  for (damos* s : ctx->schemes)
    if (damos_due(ctx, s) && s->wmarks.activated) has_schemes_to_apply = true;
  if (!has_schemes_to_apply) return;
  if (p.walk_lock_across_apply) mutex_lock(&ctx->walk_control_lock);
  if (ctx->has_target) {
    for (int i = 0; i < ctx->target.nr_regions; i++)
      damon_do_apply_schemes(ctx, &ctx->target, &ctx->target.regions[i]);
  }
  for (damos* s : ctx->schemes) {
    if (!damos_due(ctx, s)) continue;
    if (Observer* o = observer_of(ctx)) o->apply_boundary(ctx, s);
    damos_walk_complete(ctx, s);
    s->next_apply_sis = ctx->passed_sample_intervals + damos_apply_interval_sis(ctx, s);
  }
  if (p.walk_lock_across_apply) mutex_unlock(&ctx->walk_control_lock);
}

}  // namespace damon
